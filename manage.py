#!/usr/bin/env python
from rapport.manage import main

if __name__ == "__main__":
    main()
