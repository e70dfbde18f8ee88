"""The organisation view's arithmetic, with no database: which aggregates may be shown, and the
retention comparison. Kept pure so that the privacy rule is held by table tests.

The rule (DESIGN.md section 5): no aggregate of fewer than 5 people, and no two aggregates whose
difference singles out fewer than 5. Pairwise checks are not enough: with a whole-organisation
figure and every team's figure but one, subtracting them all isolates the last team. So the
check works on *atoms*: people grouped by exactly which shown figures include them. Any sum or
difference of shown figures is a combination of whole atoms, so when every atom holds at least
5 people, no combination can single out fewer than 5.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import combinations
from math import comb

MINIMUM_GROUP = 5
# Beyond this many subsets to try, the exact search gives way to a greedy one (still safe,
# perhaps hiding one figure more than strictly needed).
EXACT_SEARCH_LIMIT = 20_000


def atoms[Key: Hashable](groups: Mapping[Key, Set[int]]) -> Counter[frozenset[Key]]:
    """How many people share each exact combination of groups (only people in some group)."""
    membership: dict[int, set[Key]] = {}
    for key, people in groups.items():
        for person in people:
            membership.setdefault(person, set()).add(key)
    return Counter(frozenset(keys) for keys in membership.values())


def is_safe[Key: Hashable](groups: Mapping[Key, Set[int]], *, minimum: int = MINIMUM_GROUP) -> bool:
    return all(size >= minimum for size in atoms(groups).values())


def groups_to_show[Key: Hashable](
    groups: Mapping[Key, Set[int]], *, minimum: int = MINIMUM_GROUP
) -> set[Key]:
    """The keys of the groups whose aggregates may be shown together.

    Groups under `minimum` are never shown. Of the rest, the fewest are hidden that make every
    atom at least `minimum`; among equally few, those with the fewest people (so the broad
    figures, such as the whole organisation, survive), then the later keys in `groups`' order.
    """
    order = {key: index for index, key in enumerate(groups)}
    candidates = {
        key: frozenset(people) for key, people in groups.items() if len(people) >= minimum
    }
    if is_safe(candidates, minimum=minimum):
        return set(candidates)
    keys = sorted(candidates, key=lambda key: (len(candidates[key]), -order[key]))
    for count in range(1, len(keys)):
        if comb(len(keys), count) > EXACT_SEARCH_LIMIT:
            return _greedy(candidates, minimum=minimum, order=order)
        best: tuple[int, list[int]] | None = None
        best_hidden: tuple[Key, ...] = ()
        for hidden in combinations(keys, count):
            kept = {key: people for key, people in candidates.items() if key not in hidden}
            if not is_safe(kept, minimum=minimum):
                continue
            cost = (sum(len(candidates[key]) for key in hidden), sorted(-order[k] for k in hidden))
            if best is None or cost < best:
                best, best_hidden = cost, hidden
        if best is not None:
            return set(candidates) - set(best_hidden)
    return set(keys[-1:])  # one group of `minimum` or more is always safe on its own


def _greedy[Key: Hashable](
    candidates: dict[Key, frozenset[int]], *, minimum: int, order: Mapping[Key, int]
) -> set[Key]:
    kept = dict(candidates)
    while not is_safe(kept, minimum=minimum):
        smallest = min(
            (keys for keys, size in atoms(kept).items() if size < minimum),
            key=lambda keys: atoms(kept)[keys],
        )
        victim = min(smallest, key=lambda key: (len(kept[key]), -order[key]))
        del kept[victim]
    return set(kept)


# --- The partition into blocks ----------------------------------------------------------------
# Checking the figures of one page against each other is not enough: HR's figure for a group
# minus a skip-level's figure for part of it, or a skip-level's "everyone below you" minus the
# direct reports whose check-ins they read in their own 1:1s, can single out a few people. So
# every figure on every organisation page, for every viewer, is a sum over whole *blocks* of one
# partition of the organisation, the same for everyone. Any sum or difference of figures, on one
# page or across pages, is then again made of whole blocks, and a block takes part in a figure
# only when it is safe against everything a viewer knows individually (`usable_blocks`).


@dataclass(frozen=True)
class Block:
    people: frozenset[int]
    # The managers whose teams (all of their direct reports) make up the block; None stands for
    # the people at the top, who have no manager.
    leads: tuple[int | None, ...]


def partition(managers: Mapping[int, int | None], *, minimum: int = MINIMUM_GROUP) -> list[Block]:
    """Blocks of `minimum` or more people (but perhaps the last), made of whole teams, from the
    chart alone.

    Built bottom-up: a team of `minimum` or more is a block of its own; smaller teams wait and
    move up the tree, joining the small teams met on the way (their manager's, their
    siblings'), until together they form a block in which removing any one team and its manager
    leaves 0 or `minimum` people. Blocks formed at a manager lie wholly below that manager, so a
    skip-level's view is made of whole blocks except for a few people left over at their level.
    What is left at the very top stays a block of its own (joined with the top's own team when
    that is a block), which may be too small to show anything. Linear: a waiting group holds
    fewer than 2 * `minimum` people, so it is checked a bounded number of times.
    """
    parent = _tree(managers)
    teams: dict[int | None, list[int]] = {}
    for person in sorted(parent):
        teams.setdefault(parent[person], []).append(person)
    blocks: list[Block] = []
    waiting_at: dict[int | None, list[int | None]] = {}
    formed_below_the_top = 0
    for lead in _managers_deepest_first(teams):
        waiting = waiting_at.pop(lead, [])
        if lead is None:
            formed_below_the_top = len(blocks)
        if len(teams[lead]) >= minimum:
            blocks.append(Block(frozenset(teams[lead]), (lead,)))
        else:
            waiting.append(lead)
        if _forms_a_block(waiting, teams, minimum=minimum):
            blocks.append(_block(waiting, teams))
            waiting = []
        if waiting and lead is not None:
            waiting_at.setdefault(parent[lead], []).extend(waiting)
        elif waiting:
            # What is left at the top may join the block of the top's own team, which only HR
            # sees anyway. Joining a block formed lower down would take it out of the view of
            # every skip-level above it, for the sake of a few people who mostly have no
            # check-ins (the top has no manager). Left alone it may hold fewer than `minimum`:
            # usable_blocks then keeps it out of every figure.
            if len(blocks) > formed_below_the_top and not _forms_a_block(
                waiting, teams, minimum=minimum
            ):
                waiting = [*blocks.pop().leads, *waiting]
            blocks.append(_block(waiting, teams))
    return blocks


def _forms_a_block(
    leads: Iterable[int | None], teams: Mapping[int | None, list[int]], *, minimum: int
) -> bool:
    leads = list(leads)
    people = {person for lead in leads for person in teams[lead]}
    if len(people) < minimum:
        return False
    if len(leads) == 1:
        return True
    for lead in leads:
        rest = len(people) - len(teams[lead]) - (lead in people)
        if 0 < rest < minimum:
            return False
    return True


def _block(leads: list[int | None], teams: Mapping[int | None, list[int]]) -> Block:
    return Block(frozenset(person for lead in leads for person in teams[lead]), tuple(leads))


def _tree(managers: Mapping[int, int | None]) -> dict[int, int | None]:
    """Each person's manager within `managers`; people whose chain does not reach the top (a
    manager outside the chart, or a cycle) count as people at the top."""
    parent = {
        person: manager if manager in managers and manager != person else None
        for person, manager in managers.items()
    }
    reports: dict[int | None, list[int]] = {}
    for person, manager in parent.items():
        reports.setdefault(manager, []).append(person)
    reached: set[int] = set()
    frontier = list(reports.get(None, ()))
    while frontier:
        person = frontier.pop()
        reached.add(person)
        frontier.extend(reports.get(person, ()))
    return {person: parent[person] if person in reached else None for person in parent}


def _managers_deepest_first(teams: Mapping[int | None, list[int]]) -> list[int | None]:
    """Every manager after all the managers below them (post-order), the top (None) last."""
    order: list[int | None] = []
    stack: list[tuple[int | None, bool]] = [(None, False)]
    while stack:
        lead, expanded = stack.pop()
        if expanded:
            order.append(lead)
            continue
        stack.append((lead, True))
        stack.extend((person, False) for person in reversed(teams.get(lead, ())) if person in teams)
    return [lead for lead in order if lead in teams]


def usable_blocks(
    blocks: Sequence[Block],
    contributors: Set[int],
    known: Iterable[Set[int]],
    *,
    minimum: int = MINIMUM_GROUP,
) -> frozenset[int]:
    """The indexes of the blocks whose people may enter a figure of one metric.

    `contributors` are the people with data for the metric (checked in within the window, had
    1:1s due, ...); `known` holds, for every viewer of the organisation view, the people they
    know individually (themselves and their direct reports). A block with contributors is usable
    when they number `minimum` or more and, for every viewer, those the viewer does not already
    know number 0 or `minimum` or more. A block that is not usable enters no figure for anyone.
    """
    block_of = {person: index for index, block in enumerate(blocks) for person in block.people}
    counts = Counter(block_of[person] for person in contributors if person in block_of)
    unusable = {index for index, count in counts.items() if count < minimum}
    for people in known:
        inside = Counter(
            block_of[person] for person in people if person in contributors and person in block_of
        )
        unusable.update(
            index for index, count in inside.items() if 0 < counts[index] - count < minimum
        )
    return frozenset(counts) - unusable


# --- Check-in averages -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSums:
    """Sums of one person's (or one group's) check-ins: averages are computed from sums, so that
    a group's average weighs every check-in equally."""

    checkins: int = 0
    mood: int = 0
    energy: int = 0
    workload: int = 0

    def __add__(self, other: ScoreSums) -> ScoreSums:
        return ScoreSums(
            self.checkins + other.checkins,
            self.mood + other.mood,
            self.energy + other.energy,
            self.workload + other.workload,
        )

    def average(self, field: str) -> float | None:
        return getattr(self, field) / self.checkins if self.checkins else None


def total(sums: Iterable[ScoreSums]) -> ScoreSums:
    result = ScoreSums()
    for each in sums:
        result += each
    return result


# --- Retention -------------------------------------------------------------------------------

# A person's 1:1s were "kept" when at least this share of the meetings due in the six months
# before they left (or before today) was held.
KEPT_SHARE = 0.75


@dataclass(frozen=True)
class PersonRecord:
    """One person for the retention comparison: did they leave in the last 12 months, why, and
    how many of their 1:1s in the six months before (leaving or today) were held."""

    left: bool
    voluntary: bool
    held: int
    expected: int

    @property
    def kept(self) -> bool | None:
        """None when no 1:1 was due at all: such people are in neither group."""
        return self.held / self.expected >= KEPT_SHARE if self.expected else None


@dataclass(frozen=True)
class RetentionGroup:
    people: int
    left: int
    left_voluntarily: int

    @property
    def left_share(self) -> float:
        return self.left / self.people if self.people else 0.0


@dataclass(frozen=True)
class Retention:
    kept: RetentionGroup
    lapsed: RetentionGroup
    without_one_on_ones: int

    @property
    def shown(self) -> bool:
        return min(self.kept.people, self.lapsed.people) >= MINIMUM_GROUP


def retention(records: Iterable[PersonRecord]) -> Retention:
    groups: dict[bool | None, list[PersonRecord]] = {True: [], False: [], None: []}
    for record in records:
        groups[record.kept].append(record)

    def group(members: list[PersonRecord]) -> RetentionGroup:
        return RetentionGroup(
            people=len(members),
            left=sum(member.left for member in members),
            left_voluntarily=sum(member.left and member.voluntary for member in members),
        )

    return Retention(
        kept=group(groups[True]),
        lapsed=group(groups[False]),
        without_one_on_ones=len(groups[None]),
    )
