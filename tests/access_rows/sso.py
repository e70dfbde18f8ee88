"""Single sign-on (docs/sso.md): two public routes, for every role alike. The matrix runs
without a provider configured, where both answer 404 (nothing changes when SSO is off);
tests/people/test_sso.py runs them against a real provider on loopback."""

from __future__ import annotations

from tests.access_rows.base import Row, fixed
from tests.cast import ROLES

NOT_CONFIGURED = dict.fromkeys(ROLES, 404)

ROWS: dict[str, Row] = {
    "sso_start": Row(fixed("sso_start"), NOT_CONFIGURED),
    "sso_callback": Row(fixed("sso_callback"), NOT_CONFIGURED),
}
