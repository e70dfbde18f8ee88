"""The demo's leavers give the organisation view's retention comparison real figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rapport.insights.org import retention
from rapport.insights.selectors import retention_records
from rapport.people.demo import demo_departures_history_create, demo_organisation_create
from rapport.people.models import Person

TODAY = date(2026, 3, 2)


def test_the_demo_leavers_fall_into_both_retention_groups(db: None) -> None:
    demo = demo_organisation_create(today=TODAY)
    assert demo_departures_history_create() == 7 * 30
    leavers = Person.objects.filter(left_on__isnull=False)
    assert leavers.count() == 7 and not leavers.filter(is_active=True).exists()
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    # Only the leavers have 1:1s here (the history of everyone else comes from meetings/demo).
    everyone = retention(retention_records(None, now=now, today=TODAY).values())
    assert (everyone.kept.people, everyone.kept.left) == (2, 2)
    assert (everyone.lapsed.people, everyone.lapsed.left) == (5, 5)
    assert everyone.lapsed.left_voluntarily == 4
    # All five lapsed leavers were below the skip-level, so her page can show the comparison.
    below = set(
        Person.objects.filter(manager__manager=demo.skip_level).values_list("pk", flat=True)
    )
    assert retention(retention_records(below, now=now, today=TODAY).values()).lapsed.people == 5
