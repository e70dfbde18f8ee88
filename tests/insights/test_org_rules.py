"""The organisation view's privacy arithmetic (rapport/insights/org.py), as tables."""

from __future__ import annotations

import pytest

from rapport.insights.org import (
    PersonRecord,
    atoms,
    groups_to_show,
    is_safe,
    retention,
)


def people(start: int, count: int) -> frozenset[int]:
    return frozenset(range(start, start + count))


# Teams are disjoint runs of person ids; "org" is their union (plus anyone named extra).
A5, B5, C5, D3, E4, F6 = (
    people(0, 5),
    people(10, 5),
    people(20, 5),
    people(30, 3),
    people(40, 4),
    people(50, 6),
)


@pytest.mark.parametrize(
    ("groups", "shown"),
    [
        # Nothing, or one group: only the size counts.
        ({}, set()),
        ({"a": A5}, {"a"}),
        ({"d": D3}, set()),
        ({"e": E4}, set()),
        # Two disjoint teams of 5 or more: both.
        ({"a": A5, "b": B5}, {"a", "b"}),
        # The subtraction attack: org of 9 = team of 5 + team of 4. The team of 4 is hidden for
        # its size, but org - team a would give it away; hiding team a (5 people) is cheaper
        # than hiding the organisation (9), so the organisation stays.
        ({"org": A5 | E4, "a": A5, "e": E4}, {"org"}),
        # Nested groups differing by 1 to 4 people: only one of them.
        ({"org": A5 | D3, "a": A5}, {"org"}),
        ({"org": A5 | people(100, 1), "a": A5}, {"org"}),
        ({"org": F6 | people(100, 4), "f": F6}, {"org"}),
        # ...but differing by exactly 5 is fine.
        ({"org": A5 | B5, "a": A5}, {"org", "a"}),
        # Identical groups add nothing: both may show.
        ({"org": A5, "a": A5}, {"org", "a"}),
        # Many-way subtraction: org - a - b isolates the team of 3 although every pair passes
        # the pairwise check (org - a = 8, org - b = 8). One team has to go.
        ({"org": A5 | B5 | D3, "a": A5, "b": B5}, {"org", "a"}),
        # Two small teams whose sum is 7: org - a - b - c isolates them together (7 >= 5), fine.
        (
            {"org": A5 | B5 | C5 | D3 | E4, "a": A5, "b": B5, "c": C5, "d": D3, "e": E4},
            {"org", "a", "b", "c"},
        ),
        # A bigger team is hidden before a smaller one only when nothing smaller works: here
        # hiding f (6) or a (5) both fix org - a - f = 3; a is cheaper.
        ({"org": A5 | F6 | D3, "a": A5, "f": F6}, {"org", "f"}),
        # Overlap: two groups sharing 4 of their people and differing by 1 each way.
        ({"x": people(0, 5), "y": people(1, 5)}, {"x"}),
    ],
)
def test_it_shows_only_groups_that_cannot_single_anyone_out(
    groups: dict[str, frozenset[int]], shown: set[str]
) -> None:
    result = groups_to_show(groups)
    assert result == shown
    assert is_safe({key: groups[key] for key in result})


@pytest.mark.parametrize(
    ("groups", "minimum", "safe"),
    [
        ({"a": A5, "b": B5}, 5, True),
        ({"org": A5 | D3, "a": A5}, 5, False),
        ({"org": A5 | D3, "a": A5}, 3, True),
        ({"a": D3}, 3, True),
        ({"a": D3}, 4, False),
    ],
)
def test_safety_is_every_atom_being_large_enough(
    groups: dict[str, frozenset[int]], minimum: int, safe: bool
) -> None:
    assert is_safe(groups, minimum=minimum) is safe


def test_atoms_group_people_by_exactly_which_figures_hold_them() -> None:
    found = atoms({"org": A5 | D3, "a": A5})
    assert found == {frozenset({"org", "a"}): 5, frozenset({"org"}): 3}


def test_many_teams_lose_one_team_rather_than_the_organisation() -> None:
    # 60 teams of 5 and an organisation with 2 extra people: org minus every team isolates the 2.
    teams = {f"t{n}": people(n * 10, 5) for n in range(60)}
    groups = {"org": frozenset().union(*teams.values()) | people(10_000, 2), **teams}
    result = groups_to_show(groups)
    assert "org" in result and len(result) == 60


def test_the_greedy_search_for_huge_charts_is_still_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rapport.insights.org.EXACT_SEARCH_LIMIT", 0)
    teams = {f"t{n}": people(n * 10, 5) for n in range(60)}
    groups = {"org": frozenset().union(*teams.values()) | people(10_000, 2), **teams}
    result = groups_to_show(groups)
    assert is_safe({key: groups[key] for key in result})
    assert len(result) == 60


def record(*, left: bool, held: int, expected: int, voluntary: bool = True) -> PersonRecord:
    return PersonRecord(left=left, voluntary=voluntary, held=held, expected=expected)


@pytest.mark.parametrize(
    ("held", "expected", "kept"),
    [(3, 4, True), (4, 4, True), (2, 4, False), (0, 4, False), (0, 0, None), (74, 100, False)],
)
def test_a_person_kept_their_1_1s_when_three_quarters_were_held(
    held: int, expected: int, kept: bool | None
) -> None:
    assert record(left=False, held=held, expected=expected).kept is kept


@pytest.mark.parametrize(
    ("kept_people", "lapsed_people", "shown"),
    [(5, 5, True), (20, 5, True), (20, 4, False), (4, 20, False), (0, 0, False)],
)
def test_retention_is_shown_only_when_each_group_has_5_people(
    kept_people: int, lapsed_people: int, shown: bool
) -> None:
    records = [record(left=False, held=4, expected=4)] * kept_people + [
        record(left=False, held=0, expected=4)
    ] * lapsed_people
    assert retention(records).shown is shown


def test_retention_counts_who_left_and_why_per_group() -> None:
    figures = retention(
        [
            record(left=True, held=4, expected=4),
            record(left=False, held=4, expected=4),
            record(left=True, held=1, expected=4),
            record(left=True, held=0, expected=4, voluntary=False),
            record(left=False, held=0, expected=4),
            record(left=True, held=0, expected=0),
        ]
    )
    assert (figures.kept.people, figures.kept.left, figures.kept.left_voluntarily) == (2, 1, 1)
    assert (figures.lapsed.people, figures.lapsed.left, figures.lapsed.left_voluntarily) == (
        3,
        2,
        1,
    )
    assert figures.without_one_on_ones == 1
    assert figures.lapsed.left_share == pytest.approx(2 / 3)
