"""Access rows for the organisation view (aggregates) (see tests/test_access_matrix.py).

HR sees the whole organisation and a skip-level (Sam) the people below them; everyone else gets
a 404, plain managers (Mia, Pete) and admins (Ada) included: DESIGN.md section 5 gives admins no
figures about people, and a manager's own team has its own pages."""

from __future__ import annotations

from tests.access_rows.base import Row, fixed, only

ROWS: dict[str, Row] = {
    "insights:org": Row(fixed("insights:org"), only(("skip_level", "hr"))),
}
