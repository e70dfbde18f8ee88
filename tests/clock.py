"""The instant every test starts at (tests/conftest.py pins it with time-machine).

`RAPPORT_TEST_NOW=2027-03-28T00:30:00+00:00 make fast` runs the suite as of that instant; CI runs
the fast tier at several hostile instants (.ci/run, docs/development.md). The default is a quiet
Wednesday morning, away from meeting times, daylight-saving changes and year ends.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

DEFAULT_TEST_NOW = "2026-06-10T08:00:00+00:00"


def _parse(text: str) -> datetime:
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError(f"RAPPORT_TEST_NOW needs a UTC offset, e.g. {DEFAULT_TEST_NOW}")
    return instant.astimezone(UTC)


TEST_NOW = _parse(os.environ.get("RAPPORT_TEST_NOW") or DEFAULT_TEST_NOW)
