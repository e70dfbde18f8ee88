"""The autosave endpoints of meeting notes. They answer JSON to rapport/static/rapport/notes.js.

Statuses: 200 saved; 409 the save was made on an older version (the text is kept on the
server and both texts come back, so the person chooses); 400 bad input; 403 the 1:1 is closed
(the person can still read it, so 403 reveals nothing they do not know); 404 for everyone
outside the pair, and for an unknown kind of note or conflict copy; 503 with the reason and a
Retry-After when the database refuses the write (RefusedWriteMiddleware), never an HTML 500.
GET answers 405 to all (before any lookup, so it says nothing about the meeting).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.core.validators import RegexValidator
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from rapport.http import SignedInRequest, answers_json
from rapport.markdown import render_markdown
from rapport.meetings import selectors, services
from rapport.meetings.models import Note

MAX_BODY = 100_000
# Note.version and the conflict copy's base_version are PositiveIntegerFields: a larger number
# is no version that could exist, and SQLite cannot even compare it (OverflowError).
MAX_VERSION = 2_147_483_647


class NoteTextField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        # Leading spaces and blank lines are Markdown; a note may also be emptied on purpose.
        super().__init__(required=False, strip=False, max_length=MAX_BODY, **kwargs)

    def to_python(self, value: Any) -> str:
        # Browsers send textarea text with CRLF in forms and LF from scripts: one form is kept,
        # so the same words compare equal whichever way they came.
        return str(super().to_python(value)).replace("\r\n", "\n")


class NoteSaveForm(forms.Form):
    body = NoteTextField()
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION)
    # One random id per save attempt, sent again unchanged on a retry (see services.note_save).
    # Optional, so a client without one still saves, only without the retry's protection.
    key = forms.CharField(
        required=False,
        min_length=16,
        max_length=64,
        validators=[
            RegexValidator(r"\A[A-Za-z0-9_-]+\Z", "Only letters, digits, - and _ are allowed.")
        ],
    )


class NoteResolveForm(forms.Form):
    CHOICES = (("mine", "Keep mine"), ("theirs", "Keep the saved one"), ("merge", "Merged"))

    copy = forms.UUIDField()
    choice = forms.ChoiceField(choices=CHOICES)
    body = NoteTextField()
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION)


def _saved(note: Note) -> dict[str, Any]:
    return {
        "version": note.version,
        "saved_at": note.updated_at.isoformat(),
        "html": str(render_markdown(note.body)),
    }


def _conflict(conflict: services.NoteConflict) -> JsonResponse:
    current = conflict.current
    return JsonResponse(
        {
            "current_body": current.body,
            "current_version": current.version,
            "current_html": str(render_markdown(current.body)),
            "current_saved_at": current.updated_at.isoformat(),
            "yours": conflict.rejected_body,
            "copy": str(conflict.copy.uuid),
        },
        status=409,
    )


def _invalid(form: forms.Form) -> JsonResponse:
    problems = "; ".join(
        f"{name}: {' '.join(str(message) for message in messages)}"
        for name, messages in form.errors.items()
    )
    return JsonResponse(
        {"error": gettext("The note could not be read (%(problems)s).") % {"problems": problems}},
        status=400,
    )


def _closed(error: services.NotesClosed) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=403)


def _check_kind(kind: str) -> None:
    if kind not in Note.Kind.values:
        raise Http404("No such kind of note.")


@answers_json
@require_POST
def note_save(request: SignedInRequest, meeting_uuid: UUID, kind: str) -> JsonResponse:
    viewer = request.user
    meeting = selectors.get_meeting_for(viewer, meeting_uuid)
    _check_kind(kind)
    form = NoteSaveForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    try:
        note = services.note_save(
            meeting=meeting,
            author=viewer,
            kind=kind,
            body=form.cleaned_data["body"],
            base_version=form.cleaned_data["version"],
            save_key=form.cleaned_data["key"],
        )
    except services.NoteConflict as conflict:
        return _conflict(conflict)
    except services.NotesClosed as error:
        return _closed(error)
    except services.NoteVersionUnknown:
        return JsonResponse(
            {"error": gettext("That version of the note does not exist.")}, status=400
        )
    return JsonResponse(_saved(note))


@answers_json
@require_POST
def note_resolve(request: SignedInRequest, meeting_uuid: UUID, kind: str) -> JsonResponse:
    viewer = request.user
    meeting = selectors.get_meeting_for(viewer, meeting_uuid)
    _check_kind(kind)
    form = NoteResolveForm(request.POST)
    if not form.is_valid():
        return _invalid(form)
    copy = selectors.conflict_copy_for(viewer, meeting, kind, str(form.cleaned_data["copy"]))
    if copy is None:
        raise Http404("No such unsaved version.")
    choice = form.cleaned_data["choice"]
    body = {"mine": copy.body, "theirs": None, "merge": form.cleaned_data["body"]}[choice]
    try:
        resolution = services.note_conflict_resolve(
            copy=copy, by=viewer, body=body, seen_version=form.cleaned_data["version"]
        )
    except services.NoteConflict as conflict:
        return _conflict(conflict)
    except services.NotesClosed as error:
        return _closed(error)
    note = resolution.note
    return JsonResponse(
        {**_saved(note), "body": note.body, "conflicts_left": resolution.conflicts_left}
    )
