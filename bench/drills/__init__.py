"""`make drills`: fault drills on loopback. See docs/operations.md#fault-drills and __main__.py."""
