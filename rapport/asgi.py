from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
application = get_asgi_application()

# A wrong RAPPORT_MASTER_KEY stops the server here, with the reason, not at the first private page.
from rapport.crypto.envelope import verify_at_start  # noqa: E402

verify_at_start()
