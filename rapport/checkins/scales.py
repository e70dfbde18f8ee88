"""The three 1-to-5 scales of a check-in, each point with a word (a number alone says little)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise
else:
    StrPromise = object


@dataclass(frozen=True)
class Scale:
    name: str
    question: StrPromise
    words: tuple[StrPromise, StrPromise, StrPromise, StrPromise, StrPromise]

    @property
    def choices(self) -> list[tuple[int, StrPromise]]:
        return [(value, word) for value, word in enumerate(self.words, start=1)]

    def word(self, value: int | None) -> str:
        return str(self.words[value - 1]) if value and 1 <= value <= 5 else ""


MOOD = Scale(
    "mood",
    _("How are you?"),
    (
        pgettext_lazy("mood", "Rough"),
        pgettext_lazy("mood", "Low"),
        pgettext_lazy("mood", "Okay"),
        pgettext_lazy("mood", "Good"),
        pgettext_lazy("mood", "Great"),
    ),
)
ENERGY = Scale(
    "energy",
    _("Your energy"),
    (
        pgettext_lazy("energy", "Drained"),
        pgettext_lazy("energy", "Tired"),
        pgettext_lazy("energy", "Steady"),
        pgettext_lazy("energy", "Lively"),
        pgettext_lazy("energy", "Buzzing"),
    ),
)
# Workload reads the other way round: 5 is too much, not best.
WORKLOAD = Scale(
    "workload",
    _("Your workload"),
    (
        pgettext_lazy("workload", "Too light"),
        pgettext_lazy("workload", "Light"),
        pgettext_lazy("workload", "About right"),
        pgettext_lazy("workload", "Heavy"),
        pgettext_lazy("workload", "Too much"),
    ),
)
SCALES = (MOOD, ENERGY, WORKLOAD)
