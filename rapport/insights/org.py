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
from collections.abc import Hashable, Iterable, Mapping, Set
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
