"""Access rows for the audit trail (see tests/test_access_matrix.py): admins only; it is read
only, so it has no Write row."""

from __future__ import annotations

from tests.access_rows.base import Row, fixed, only

ROWS: dict[str, Row] = {
    "audit:events": Row(fixed("audit:events"), only(("admin",))),
}
