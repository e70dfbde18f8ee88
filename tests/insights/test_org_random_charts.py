"""Over random org charts, org.groups_to_show never lets a check-in figure be drawn from fewer
than 5 people, alone or by subtracting other figures of the same page from it. The page's own
figures are sums over whole blocks (tests/insights/test_org_random_organisations.py) and always
pass this check; it stays as a second line. The groups here are the older, harder shape (the
viewer's whole scope, and each manager's direct reports, counting only people who checked in);
the check below is written independently of org.is_safe, from the attacks themselves."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.insights.org import MINIMUM_GROUP, groups_to_show


@st.composite
def org_charts(draw: st.DrawFn) -> tuple[list[int | None], set[int], int]:
    """(manager of each person, who checked in, whose scope is viewed: 0 is HR's whole org)."""
    size = draw(st.integers(min_value=2, max_value=45))
    managers: list[int | None] = [None]
    for person in range(1, size):
        managers.append(draw(st.integers(min_value=0, max_value=person - 1)))
    checked_in = set(draw(st.sets(st.integers(min_value=0, max_value=size - 1))))
    viewer = draw(st.integers(min_value=0, max_value=size - 1))
    return managers, checked_in, viewer


def below(managers: list[int | None], top: int) -> set[int]:
    found: set[int] = set()
    frontier = [top]
    while frontier:
        boss = frontier.pop()
        reports = {p for p, m in enumerate(managers) if m == boss}
        found |= reports
        frontier.extend(reports)
    return found


def small(count: int) -> bool:
    return 0 < count < MINIMUM_GROUP


@settings(max_examples=300, deadline=None)
@given(org_charts())
def test_no_shown_figure_singles_out_fewer_than_five(
    chart: tuple[list[int | None], set[int], int],
) -> None:
    managers, checked_in, viewer = chart
    scope = set(range(len(managers))) if viewer == 0 else below(managers, viewer)
    groups: dict[str, set[int]] = {"scope": scope & checked_in}
    for boss in sorted({m for p, m in enumerate(managers) if p in scope and m is not None}):
        team = {p for p, m in enumerate(managers) if m == boss and p in scope}
        groups[f"team {boss}"] = team & checked_in
    shown = {key: groups[key] for key in groups_to_show(groups)}

    for key, people in shown.items():
        assert len(people) >= MINIMUM_GROUP, key
    keys = sorted(shown)
    for key in keys:
        others = [other for other in keys if other != key]
        # One figure minus any one, two or three others (unions of them) must not leave 1-4.
        for count in range(1, min(3, len(others)) + 1):
            for taken in combinations(others, count):
                removed = set().union(*(shown[other] for other in taken))
                assert not small(len(shown[key] - removed)), (key, taken)
                assert not small(len(shown[key] & removed)), (key, taken)
