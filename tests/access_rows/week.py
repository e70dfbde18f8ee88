from __future__ import annotations

from tests.access_rows.base import Row, everyone, fixed

# Everyone has a week: their own 1:1s, whatever their role (the cast's outsider sees an empty
# one). Choosing someone whose hours to shade is tested in tests/meetings/test_week_view.py.
ROWS: dict[str, Row] = {
    "meetings:week": Row(fixed("meetings:week"), everyone(200)),
}
