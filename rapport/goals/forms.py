from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from rapport.goals.models import Goal, ObstacleKind, Status
from rapport.goals.services import REFLECTION_MAX_CHARS
from rapport.goals.smart import PAST_DATE_HINT, GoalDraft
from rapport.meetings.models import ActionItem, OneOnOne

if TYPE_CHECKING:  # the type of a lazily translated string (django-stubs)
    from django.utils.functional import _StrPromise

# A kind of obstacle is optional: the questions fit any obstacle when nobody is sure yet.
NOT_SURE = ("", _("Not sure"))


def obstacle_kind_field(*, help_text: str | _StrPromise) -> forms.ChoiceField:
    """The kind of an obstacle, on the progress form and in a coaching conversation."""
    return forms.ChoiceField(
        label=_("Kind of obstacle"),
        required=False,
        choices=[NOT_SURE, *ObstacleKind.choices],
        help_text=help_text,
    )


@dataclass(frozen=True)
class Step:
    """One SMART step of the guided form: a letter, a question, and its fields."""

    letter: str
    heading: str
    helper: str
    fields: list[forms.BoundField]


# The guided order. The words are ours: a question per step that a person can answer.
STEPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "S",
        gettext_noop("Specific"),
        gettext_noop("Name the goal and say what exactly will be different when it is reached."),
        ("title", "kind", "is_stretch", "specific"),
    ),
    (
        "M",
        gettext_noop("Measurable"),
        gettext_noop(
            "Pick one thing you can count or observe, where it stands now and where it should be."
        ),
        ("metric", "unit", "baseline", "target"),
    ),
    (
        "A",
        gettext_noop("Attainable and realistic"),
        gettext_noop("How sure are you, and what will make it possible?"),
        ("confidence", "realistic_because"),
    ),
    (
        "R",
        gettext_noop("Relevant"),
        gettext_noop("Why does this matter to you? Required: it is what keeps a goal going."),
        ("why",),
    ),
    (
        "T",
        gettext_noop("Time-bound"),
        gettext_noop("By when? Close enough to check on it in your 1:1s."),
        ("due_on",),
    ),
)


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = (
            "title",
            "kind",
            "is_stretch",
            "specific",
            "metric",
            "unit",
            "baseline",
            "target",
            "confidence",
            "realistic_because",
            "why",
            "due_on",
        )
        labels = {
            "title": _("Goal"),
            "is_stretch": _("Stretch goal"),
            "specific": _("What exactly will be different"),
            "metric": _("What you will measure"),
            "baseline": _("Where it stands now"),
            "target": _("Where you want it"),
            "confidence": _("Confidence (1 to 10)"),
            "realistic_because": _("What makes it realistic"),
            "why": _("Why it matters to you"),
            "due_on": _("Reach it by"),
        }
        help_texts = {
            "is_stretch": _("Ambitious on purpose: reaching most of it is a success."),
            "unit": _("For example: hours, talks, %, reviews."),
            "realistic_because": _("Time you can give it, help you will get, skills you have."),
        }
        widgets = {
            "specific": forms.Textarea(attrs={"rows": 2}),
            "realistic_because": forms.Textarea(attrs={"rows": 2}),
            "why": forms.Textarea(attrs={"rows": 3}),
            "confidence": forms.NumberInput(attrs={"min": 1, "max": 10}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(
        self, *args: Any, today: date | None = None, for_name: str = "", **kwargs: Any
    ) -> None:
        """`today` refuses due dates not ahead of it (None: no such check, as in the live
        check); `for_name` is the short name of the person the goal is for, when someone
        else (their manager) is typing: the why is then theirs, not the typist's."""
        super().__init__(*args, **kwargs)
        self.today = today
        self.for_name = for_name
        if for_name:
            self.fields["why"].label = gettext("Why it matters to %(name)s") % {"name": for_name}

    def steps(self) -> list[Step]:
        return [
            Step(
                letter,
                gettext(heading),
                self._helper(letter, gettext(helper)),
                [self[name] for name in names],
            )
            for letter, heading, helper, names in STEPS
        ]

    def _helper(self, letter: str, helper: str) -> str:
        if letter == "R" and self.for_name:
            return gettext(
                "Why does this matter to %(name)s? In their words if you can. Required: it is "
                "what keeps a goal going."
            ) % {"name": self.for_name}
        return helper

    def clean_due_on(self) -> date | None:
        due_on: date | None = self.cleaned_data.get("due_on")
        if due_on is not None and self.today is not None and due_on <= self.today:
            raise forms.ValidationError(gettext(PAST_DATE_HINT))
        return due_on

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values, named as the goal services take them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def draft(self) -> GoalDraft:
        """What the SMART check reads, from whatever is valid so far: the live check runs on
        half-written forms, where an unparseable number simply counts as missing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return GoalDraft(
            title=data.get("title") or "",
            specific=data.get("specific") or "",
            metric=data.get("metric") or "",
            unit=data.get("unit") or "",
            baseline=data.get("baseline"),
            target=data.get("target"),
            confidence=data.get("confidence"),
            realistic_because=data.get("realistic_because") or "",
            why=data.get("why") or "",
            due_on=data.get("due_on"),
        )


class NewGoalForForm(forms.Form):
    """The goals page's "New goal for …" chooser: the viewer's own 1:1 ("Myself"), or the 1:1
    of one of their reports. It sends a GET to the new goal form, which checks the choice."""

    one_on_one = forms.ChoiceField(label=_("New goal for"))

    def __init__(self, *, own: OneOnOne | None, reports: list[OneOnOne]) -> None:
        super().__init__()
        choices = [(str(own.uuid), gettext("Myself"))] if own else []
        choices += [(str(pair.uuid), pair.report.name) for pair in reports]
        self.fields["one_on_one"].choices = choices  # type: ignore[attr-defined]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["one_on_one"].choices)  # type: ignore[attr-defined]


class PairForm(forms.Form):
    """Which 1:1 a new goal is for (?one_on_one=<uuid>)."""

    one_on_one = forms.UUIDField()


class CloseForm(forms.Form):
    """Closing is an explicit choice: no outcome is chosen for the person. Achieving may also
    mark the goal's open actions done (the ones ticked)."""

    outcome = forms.ChoiceField(
        label=_("How did it end?"),
        choices=[(Status.ACHIEVED, _("Achieved")), (Status.DROPPED, _("Dropped"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the goal ended: achieved or dropped.")},
    )
    reflection = forms.CharField(
        max_length=REFLECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few sentences: what helped, what got in the way, what you take with you."),
        error_messages={
            "required": _("Add a short reflection: what helped, what you would do again.")
        },
    )
    close_actions = forms.MultipleChoiceField(
        label=_("Its open actions to mark done"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when it is achieved: a dropped goal leaves its actions as they are."),
    )

    def __init__(
        self,
        *args: Any,
        can_achieve: bool = True,
        open_actions: list[ActionItem] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not can_achieve:
            # A draft was never agreed, so it can only be let go.
            outcome = self.fields["outcome"]
            outcome.choices = [(Status.DROPPED, _("Dropped"))]  # type: ignore[attr-defined]
        actions = open_actions if can_achieve and open_actions else []
        if actions:
            field = self.fields["close_actions"]
            field.choices = [(str(a.pk), a.text) for a in actions]  # type: ignore[attr-defined]
            field.initial = [str(a.pk) for a in actions]
        else:
            del self.fields["close_actions"]

    def chosen_action_ids(self) -> list[int]:
        if self.cleaned_data.get("outcome") != Status.ACHIEVED:
            return []
        return [int(pk) for pk in self.cleaned_data.get("close_actions", [])]


class ProgressForm(forms.Form):
    value = forms.DecimalField(
        label=_("Where it stands now"),
        required=False,
        max_digits=14,
        decimal_places=2,
    )
    confidence = forms.IntegerField(
        label=_("Confidence (1-10)"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("How sure the person is of reaching it, in their own words as a number."),
    )
    obstacle = forms.CharField(
        label=_("Obstacle in the way"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Anything blocking progress. Coaching questions about it appear in meeting mode."
        ),
    )
    obstacle_kind = obstacle_kind_field(
        help_text=_("It chooses the coaching questions; leave “Not sure” when it is.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The meeting the progress was recorded in, when the form sits on a meeting page.
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = any((data.get(name) or "").strip() for name in ("obstacle", "note"))
        if data.get("value") is None and data.get("confidence") is None and not has_text:
            raise forms.ValidationError(
                gettext("Give a value, a confidence, an obstacle or a note.")
            )
        return data


# --- A coaching conversation (GROW): starting one, saving a step, the decision that becomes
# an action.

MOVES = (("next", _("Next step")), ("back", _("Back")), ("stay", _("Save")))
OWNERS = (("report", _("The person")), ("manager", _("The manager")))


class CoachingStartForm(forms.Form):
    # The meeting the conversation happens in, when started from meeting mode.
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CoachingStepForm(forms.Form):
    obstacle_kind = obstacle_kind_field(help_text=_("It chooses the questions."))
    options = forms.CharField(
        label=_("Options the person named"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In their own words, one per line. Both of you see these."),
    )
    private_note = forms.CharField(
        label=_("Your private coaching note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only you ever see this."),
    )
    move = forms.ChoiceField(choices=MOVES, initial="stay", required=False)

    def clean_move(self) -> str:
        move: str = self.cleaned_data.get("move") or "stay"
        return move


class CoachingDecideForm(forms.Form):
    decision = forms.CharField(
        label=_("What the person will do"),
        max_length=300,
        error_messages={"required": _("Write what the person will do.")},
    )
    owner = forms.ChoiceField(
        label=_("Who does it"),
        choices=OWNERS,
        initial="report",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who does it.")},
    )
    due_on = forms.DateField(
        label=_("By when"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the action a due date: a decision without one drifts."),
            "invalid": _("Enter a date such as 2026-03-31."),
        },
    )
    private_note = forms.CharField(
        label=_("Your private coaching note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only you ever see this."),
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_due_on(self) -> date:
        due_on: date = self.cleaned_data["due_on"]
        if self.today is not None and due_on < self.today:
            raise forms.ValidationError(gettext("Choose today or a later day."))
        return due_on
