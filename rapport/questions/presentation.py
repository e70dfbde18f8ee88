"""The manager's question prompts in meeting mode, as the templates show them: one section's
suggestions with the links to other ones (questions/_suggestions.html), and both sections
(questions/_panel.html). Reads come from questions/selectors.py; the links are built here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from rapport import access
from rapport.meetings.hints import ContextHint
from rapport.meetings.models import Meeting, Section
from rapport.people.models import Person
from rapport.questions.models import AskedQuestion
from rapport.questions.selectors import (
    Suggestion,
    asked_in_section,
    context_hints,
    fresh_questions,
    pick,
)


@dataclass(frozen=True)
class SectionPrompts:
    """What `questions/_suggestions.html` renders for one section (its context: `prompts`)."""

    meeting: Meeting
    section: str
    label: str
    suggestions: list[Suggestion]
    asked: list[AskedQuestion]
    # Questions shown earlier in this round of "Others"; they stay out until "First ones".
    exclude: tuple[str, ...] = ()
    has_more: bool = False
    just_asked: uuid.UUID | None = field(default=None, compare=False)

    @property
    def exclude_param(self) -> str:
        return ",".join(self.exclude)

    def _url(self, exclude: Sequence[str]) -> str:
        url = reverse("questions:suggestions", kwargs={"meeting_uuid": self.meeting.uuid})
        query = {"section": self.section}
        if exclude:
            query["exclude"] = ",".join(exclude)
        return f"{url}?{urlencode(query)}"

    @property
    def others_url(self) -> str:
        shown = [str(s.question.uuid) for s in self.suggestions]
        return self._url([*self.exclude, *shown])

    @property
    def first_url(self) -> str:
        return self._url([])


@dataclass(frozen=True)
class QuestionPanel:
    """What `questions/_panel.html` renders (its context: `question_panel`)."""

    meeting: Meeting
    sections: list[SectionPrompts]


def section_prompts_for(
    viewer: Person,
    meeting: Meeting,
    section: str,
    *,
    exclude: Sequence[uuid.UUID | str] = (),
    hints: Sequence[ContextHint] | None = None,
    just_asked: uuid.UUID | None = None,
) -> SectionPrompts | None:
    """One section's suggestions and the questions asked in it so far; None for anyone but
    the manager of an active 1:1 (the report never sees the manager's prompts)."""
    if not access.can_run_meeting_mode(viewer, meeting):
        return None
    asked = asked_in_section(meeting, section)
    pool = fresh_questions(meeting, section, exclude)
    suggestions = pick(
        pool,
        hints=context_hints(meeting) if hints is None else hints,
        covered={item.question.category for item in asked},
        seed=meeting.pk,
    )
    return SectionPrompts(
        meeting=meeting,
        section=section,
        label=str(Section(section).label),
        suggestions=suggestions,
        asked=asked,
        exclude=tuple(str(value) for value in exclude),
        has_more=len(pool) > len(suggestions),
        just_asked=just_asked,
    )


def question_panel_for(viewer: Person, meeting: Meeting) -> QuestionPanel | None:
    """Both sections, connection first; None unless the viewer runs this meeting."""
    if not access.can_run_meeting_mode(viewer, meeting):
        return None
    hints = context_hints(meeting)
    sections = []
    for section in Section.values:
        prompts = section_prompts_for(viewer, meeting, section, hints=hints)
        assert prompts is not None  # the access check above is the same
        sections.append(prompts)
    return QuestionPanel(meeting=meeting, sections=sections)
