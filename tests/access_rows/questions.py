"""The question bank and the manager's prompts in meeting mode."""

from __future__ import annotations

from django.urls import reverse

from rapport.questions.models import Question
from tests.access_rows.base import Payload, Row, Write, data, everyone, fixed, only
from tests.cast import Cast


def suggestions(cast: Cast) -> str:
    url = reverse("questions:suggestions", kwargs={"meeting_uuid": cast.meeting.uuid})
    return f"{url}?section=connection"


def asked(cast: Cast) -> str:
    return reverse("questions:asked", kwargs={"meeting_uuid": cast.meeting.uuid})


ROWS: dict[str, Row] = {
    # Reference material with nothing private in it: every signed-in person may read it.
    "questions:bank": Row(fixed("questions:bank"), everyone(200)),
    "questions:add": Row(fixed("questions:add"), everyone(405)),
    # The prompts are the manager's own: the report sees the meeting but not these.
    "questions:suggestions": Row(suggestions, only(("manager",))),
    "questions:asked": Row(asked, everyone(405)),
}


def first_question(cast: Cast) -> Payload:
    question = Question.objects.filter(section="connection", is_active=True).order_by("pk").first()
    return {"question": str(question.uuid), "section": "connection"}  # type: ignore[union-attr]


WRITES: dict[str, Write] = {
    "questions:add": Write(
        fixed("questions:add"),
        data(
            text="What would make next week feel lighter?",
            section="connection",
            category="wellbeing",
        ),
        allowed=("admin",),
    ),
    # Marking a question asked is the manager's, in their own 1:1.
    "questions:asked": Write(asked, first_question, allowed=("manager",)),
}
