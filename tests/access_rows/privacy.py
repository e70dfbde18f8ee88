"""Access rows for erasure (see tests/test_access_matrix.py).

Only admins open the erasure page; for someone still here it explains why they cannot be erased
(the cast's report is active). The write erases the report after their departure took effect,
arranged in the test's rolled-back transaction; for every other role it is a 404 and the
database stays as it was."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.people.models import LeftReason, Person
from tests.access_rows.base import Row, Write, data, only, person
from tests.cast import Cast


def report_has_left(cast: Cast) -> None:
    Person.objects.filter(pk=cast.report.pk).update(
        is_active=False,
        left_on=timezone.localdate() - timedelta(days=1),
        left_reason=LeftReason.VOLUNTARY,
    )


ROWS: dict[str, Row] = {
    "privacy:erase": Row(person("privacy:erase"), only(("admin",))),
}

WRITES: dict[str, Write] = {
    "privacy:erase": Write(
        person("privacy:erase"),
        data(confirm="on"),
        allowed=("admin",),
        arrange=report_has_left,
        # The report has left: signed out, like anyone who cannot sign in any more.
        overrides={"report": 302},
    ),
}
