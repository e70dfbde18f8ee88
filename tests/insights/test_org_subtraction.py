"""Attacks across pages: each organisation page was safe on its own, yet subtracting a figure on
one viewer's page from a figure on another's, or subtracting what a viewer knows from their own
1:1s, singled out fewer than 5 people. Written against the figures as shown (people counts), so
they failed before every figure was built from whole blocks."""

from __future__ import annotations

from django.utils import timezone

from rapport.insights.selectors import CheckInGroup, organisation_view
from rapport.people.models import Person, Role
from tests.cast import PASSWORD
from tests.insights.test_org_page import leader, team


def shown_checkins(viewer: Person) -> dict[str, CheckInGroup]:
    view = organisation_view(viewer, now=timezone.now(), today=timezone.localdate())
    return {group.label: group for group in view.checkins if group.averages}


def small(count: int) -> bool:
    return 0 < count < 5


def test_hr_minus_a_skip_levels_figure_never_isolates_fewer_than_5(db: None) -> None:
    # Cleo leads two VPs. Vera leads two leads with teams of 5; Val leads a team of 2. Everyone
    # checks in with their manager. HR's whole organisation (16 who checked in) minus Vera's
    # "everyone below you" (12) used to give away Vera, Val and Val's team of 2: 4 people.
    hr = Person.objects.create_user("hana@example.com", PASSWORD, name="Hana HR", role=Role.HR)
    cleo = leader("Cleo Chief")
    vera, val = team(cleo, 2, prefix="Vp")
    first, second = team(vera, 2, prefix="Lead")
    team(first, 5, prefix="Ic")
    team(second, 5, prefix="Dev")
    team(val, 2, prefix="Small")

    hr_figures, vera_figures = shown_checkins(hr), shown_checkins(vera)
    assert hr_figures and vera_figures
    for hr_figure in hr_figures.values():
        for vera_figure in vera_figures.values():
            # Vera's people are all below HR's whole organisation: the difference is the count.
            if hr_figure.label == "Everyone in view":
                assert not small(hr_figure.people - vera_figure.people), (hr_figure, vera_figure)
    # The figures left are the two teams of 5, the same on both pages.
    assert hr_figures["Everyone in view"].people == vera_figures["Everyone in view"].people == 10


def test_a_skip_level_cannot_subtract_their_direct_reports_from_everyone_below(db: None) -> None:
    # Vic leads three leads; one of them leads a team of 4. Vic reads the three leads' check-ins
    # in their own 1:1s, so "everyone below you" (7 who checked in) minus those 3 used to give
    # away the team of 4.
    vic = leader("Vic Vp")
    leads = team(vic, 3, prefix="Lead")
    team(leads[0], 4, prefix="Ic")
    known = len(leads)  # every lead checked in with Vic, and every lead is below Vic

    for figure in shown_checkins(vic).values():
        assert not small(figure.people - known), figure
        assert not small(figure.people)
