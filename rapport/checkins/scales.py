"""The three 1-to-5 scales of a check-in, each point with a word (a number alone says little)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    question: str
    words: tuple[str, str, str, str, str]

    @property
    def choices(self) -> list[tuple[int, str]]:
        return [(value, word) for value, word in enumerate(self.words, start=1)]

    def word(self, value: int | None) -> str:
        return self.words[value - 1] if value and 1 <= value <= 5 else ""


MOOD = Scale("mood", "How are you?", ("Rough", "Low", "Okay", "Good", "Great"))
ENERGY = Scale("energy", "Your energy", ("Drained", "Tired", "Steady", "Lively", "Buzzing"))
# Workload reads the other way round: 5 is too much, not best.
WORKLOAD = Scale(
    "workload", "Your workload", ("Too light", "Light", "About right", "Heavy", "Too much")
)
SCALES = (MOOD, ENERGY, WORKLOAD)
