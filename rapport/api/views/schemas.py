"""The shapes of the API's answers and request bodies (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, field_validator

from rapport.checkins.forms import MAX_TOPICS
from rapport.checkins.services import TOPIC_MAX_CHARS, topic_lines


def _no_nul(value: str) -> str:
    # As Django's form fields refuse them: PostgreSQL cannot store NUL in text.
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


# Every text a request sends.
Text = Annotated[str, AfterValidator(_no_nul)]
# A point's or an action's text: blank after trimming is no text.
Line = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_no_nul),
]


class Error(Schema):
    detail: str


class InputError(Schema):
    """Ninja's answer to a body or parameter of the wrong shape (422)."""

    detail: list[dict[str, Any]]


class PersonRef(Schema):
    uuid: UUID
    name: str


class Me(Schema):
    uuid: UUID
    email: str
    name: str
    timezone: str
    role: str
    token_scope: Literal["read", "read-write"]


class OneOnOneOut(Schema):
    uuid: UUID
    manager: PersonRef
    report: PersonRef
    status: str
    cadence: str
    timezone: str
    duration_minutes: int


class MeetingOut(Schema):
    uuid: UUID
    one_on_one: UUID
    scheduled_for: datetime
    duration_minutes: int
    status: str
    is_growth: bool


class PointOut(Schema):
    uuid: UUID
    author: PersonRef
    text: str
    section: str
    is_private: bool
    is_recurring: bool
    discussed_in: UUID | None
    created_at: datetime


class PointIn(Schema):
    text: Line
    section: Literal["connection", "performance"] = "connection"
    is_private: bool = False
    is_recurring: bool = False


class NoteOut(Schema):
    kind: Literal["shared", "private"]
    body: str
    version: int
    editable: bool


class NotesOut(Schema):
    shared: NoteOut
    private: NoteOut
    theirs: NoteOut


class NoteIn(Schema):
    body: Text = Field(max_length=100_000)
    version: int = Field(ge=0, le=2_147_483_647)
    key: Text = Field(default="", max_length=64, pattern=r"^([A-Za-z0-9_-]{16,64})?$")


class NoteConflictOut(Schema):
    detail: str
    current_body: str
    current_version: int
    yours_kept_as: UUID


class ActionOut(Schema):
    uuid: UUID
    owner: PersonRef
    text: str
    due_on: date | None
    done: bool
    done_at: datetime | None
    created_in: UUID | None
    created_at: datetime


class ActionIn(Schema):
    text: Line
    owner: UUID
    due_on: date | None = None
    meeting: UUID | None = None


class ActionDoneIn(Schema):
    done: bool


class GoalOut(Schema):
    uuid: UUID
    title: str
    kind: str
    status: str
    why: str
    metric: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    current: Decimal | None
    confidence: int | None
    due_on: date | None
    created_at: datetime


class ProgressOut(Schema):
    by: PersonRef
    meeting: UUID | None
    value: Decimal | None
    confidence: int | None
    obstacle: str
    obstacle_kind: str
    note: str
    created_at: datetime


class ProgressIn(Schema):
    """As on the goal page: at least one of a value, a confidence, an obstacle or a note."""

    value: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    confidence: int | None = Field(default=None, ge=1, le=10)
    obstacle: Text = Field(default="", max_length=2000)
    obstacle_kind: Literal["", "time", "skill", "motivation", "people", "unclear"] = ""
    note: Text = Field(default="", max_length=2000)
    meeting: UUID | None = None


class GoalDetailOut(GoalOut):
    progress: list[ProgressOut]


class CheckInOut(Schema):
    uuid: UUID
    meeting: UUID
    mood: int
    energy: int
    workload: int
    wins: str
    challenges: str
    topics: str
    # Null unless the viewer may read it: the report, or the manager when the report shares it.
    outside_work: str | None
    submitted_at: datetime


# A check-in's free text, trimmed as the form trims it.
CheckInText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2000),
    AfterValidator(_no_nul),
]


class CheckInIn(Schema):
    """As the check-in form: three scores from 1 to 5 (required) and optional texts. The whole
    check-in is sent each time: a text left out is saved blank."""

    mood: int = Field(ge=1, le=5, description="1 Rough, 2 Low, 3 Okay, 4 Good, 5 Great.")
    energy: int = Field(
        ge=1, le=5, description="1 Drained, 2 Tired, 3 Steady, 4 Lively, 5 Buzzing."
    )
    workload: int = Field(
        ge=1, le=5, description="1 Too light, 2 Light, 3 About right, 4 Heavy, 5 Too much."
    )
    wins: CheckInText = ""
    challenges: CheckInText = ""
    outside_work: CheckInText = Field(
        default="", description="Seen by your manager only when `outside_work_shared` is true."
    )
    outside_work_shared: bool = False
    topics: CheckInText = Field(
        default="",
        description=f"One per line (at most {MAX_TOPICS}, each under {TOPIC_MAX_CHARS} "
        "characters): each becomes a talking point of yours on the agenda.",
    )

    @field_validator("topics")
    @classmethod
    def _topics_as_the_form(cls, topics: str) -> str:
        lines = topic_lines(topics)
        if len(lines) > MAX_TOPICS:
            raise ValueError(f"At most {MAX_TOPICS} topics; the rest can wait.")
        if any(len(line) > TOPIC_MAX_CHARS for line in lines):
            raise ValueError(f"Keep each topic under {TOPIC_MAX_CHARS} characters (one line each).")
        return topics


class PersonOut(Schema):
    uuid: UUID
    email: str
    name: str
    title: str
    manager_email: str | None
    timezone: str
    role: str
    started_on: date | None
    is_active: bool


class PersonIn(Schema):
    """One row of the org-chart import (docs/people-import.md): blank means "not stated"."""

    email: Text = Field(max_length=254)
    name: Text = Field(max_length=150)
    title: Text = Field(default="", max_length=150)
    manager_email: Text = Field(default="", max_length=254)
    timezone: Text = Field(default="", max_length=64)
    started_on: Text = Field(default="", max_length=10)
    role: Text = Field(default="", max_length=16)


class PeopleIn(Schema):
    people: list[PersonIn] = Field(min_length=1, max_length=1000)


class ImportProblemOut(Schema):
    index: int
    message: str


class ImportRefusedOut(Schema):
    detail: str
    problems: list[ImportProblemOut] = []


class ImportOut(Schema):
    detail: str
    applied: bool
    created: int
    updated: int
    unchanged: int
    problems: list[ImportProblemOut]


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of a list: `count` items in all, `items` from `offset`, at most `limit`."""
    fields = {"count": int, "limit": int, "offset": int, "items": list[item]}  # type: ignore[valid-type]
    return type(name, (Schema,), {"__annotations__": fields})


OneOnOnePage = page_of(OneOnOneOut, "OneOnOnePage")
MeetingPage = page_of(MeetingOut, "MeetingPage")
PointPage = page_of(PointOut, "PointPage")
ActionPage = page_of(ActionOut, "ActionPage")
GoalPage = page_of(GoalOut, "GoalPage")
CheckInPage = page_of(CheckInOut, "CheckInPage")
PersonPage = page_of(PersonOut, "PersonPage")
