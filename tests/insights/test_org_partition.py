"""The partition every organisation-view figure is summed over (org.partition): pure, from the
chart alone, so held by tables and by a property over random trees."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.insights.org import MINIMUM_GROUP, Block, partition, usable_blocks


def chart(*teams: tuple[int | None, range | list[int]]) -> dict[int, int | None]:
    """{person: manager} from (manager, members) pairs."""
    return {person: manager for manager, members in teams for person in members}


def blocks_of(managers: Mapping[int, int | None]) -> list[set[int]]:
    return sorted((set(block.people) for block in partition(managers)), key=min)


def test_a_team_of_5_is_a_block_of_its_own() -> None:
    managers = chart((None, [1]), (1, [2, 3]), (2, range(10, 15)), (3, range(20, 26)))
    assert set(range(10, 15)) in blocks_of(managers)
    assert set(range(20, 26)) in blocks_of(managers)


def test_small_teams_wait_for_each_other_below_their_common_manager() -> None:
    # Under 2: teams of 3 (under 4) and 3 (under 5), and 2's own team {4, 5, 6}: 9 people
    # below 2, and taking any one team and its manager away leaves at least 5.
    managers = chart(
        (None, [1]), (1, [2, 3]), (2, [4, 5, 6]), (4, range(10, 13)), (5, range(20, 23))
    )
    found = blocks_of(managers)
    assert {4, 5, 6, *range(10, 13), *range(20, 23)} in found
    # What is left at the top (1, 2 and 3) is too few to form a block: its own, never shown.
    assert {1, 2, 3} in found


def test_removing_a_team_and_its_manager_never_leaves_1_to_4() -> None:
    # Teams of 4 under 2 and of 2 under 1: {2, 3} + 4 would leave 2 after taking away 2's team
    # and 2, so they keep waiting and join the top.
    managers = chart((None, [1]), (1, [2, 3]), (2, range(10, 14)))
    assert blocks_of(managers) == [{1, 2, 3, *range(10, 14)}]


def test_a_cycle_in_the_chart_cannot_loop() -> None:
    managers = {1: 2, 2: 1, **{person: 1 for person in range(10, 16)}}
    assert set().union(*blocks_of(managers)) == {1, 2, *range(10, 16)}


def test_a_viewer_who_knows_all_but_a_few_of_a_block_makes_it_unusable() -> None:
    block = Block(frozenset(range(10)), (1, 2))
    assert usable_blocks([block], set(range(10)), []) == {0}
    # A manager who knows 6 of the 10 (their team and themselves) would learn about 4.
    assert usable_blocks([block], set(range(10)), [frozenset(range(6))]) == set()
    # Knowing 5 leaves 5: fine. Knowing everyone who has data leaves 0: fine.
    assert usable_blocks([block], set(range(10)), [frozenset(range(5))]) == {0}
    assert usable_blocks([block], set(range(6)), [frozenset(range(6))]) == {0}
    # Only people with data count: 4 who checked in are too few, whoever knows what.
    assert usable_blocks([block], set(range(4)), []) == set()


@st.composite
def trees(draw: st.DrawFn) -> dict[int, int | None]:
    size = draw(st.integers(min_value=1, max_value=120))
    reach = draw(st.sampled_from([2, 6, size]))
    managers: dict[int, int | None] = {0: None}
    for person in range(1, size):
        top = draw(st.integers(min_value=0, max_value=24)) == 0
        managers[person] = (
            None
            if top
            else draw(st.integers(min_value=max(0, person - reach), max_value=person - 1))
        )
    return managers


@settings(max_examples=300, deadline=None, derandomize=True)
@given(trees())
def test_blocks_are_whole_teams_that_survive_losing_any_one_team(
    managers: dict[int, int | None],
) -> None:
    blocks = partition(managers)
    assert blocks == partition(dict(reversed(managers.items())))  # the chart's order is no input
    teams: dict[int | None, set[int]] = defaultdict(set)
    for person, manager in managers.items():
        teams[manager].add(person)
    seen: set[int] = set()
    for number, block in enumerate(blocks):
        assert not block.people & seen
        seen |= block.people
        assert block.people == set().union(*(teams[lead] for lead in block.leads))
        if number < len(blocks) - 1:  # all but what was left at the top
            assert len(block.people) >= MINIMUM_GROUP
        if len(block.leads) > 1 and number < len(blocks) - 1:
            for lead in block.leads:
                rest = block.people - teams[lead] - {lead}
                assert not 0 < len(rest) < MINIMUM_GROUP
    assert seen == set(managers)


@pytest.mark.parametrize("size", [1, 4])
def test_an_organisation_under_5_is_one_block(size: int) -> None:
    managers = {person: (None if person == 0 else 0) for person in range(size)}
    assert [set(block.people) for block in partition(managers)] == [set(range(size))]
