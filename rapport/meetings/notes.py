"""Notes on a meeting: conflict-safe saving, resolving conflicts, and what a viewer sees.

Every save names the version it was typed on. A save on the current version wins; a save on
an older one (another tab, another device) is refused, and its text is kept on the server as a
`NoteConflictCopy` until the person chooses. Nothing typed is ever overwritten unseen, and
nothing is lost when the browser closes.

Each save also carries an idempotency key, one per save attempt, sent again unchanged when the
browser retries until an answer arrives. The note remembers the key of the save that produced
its current version, so a save whose answer was lost and that arrives again is answered as
saved, not as a conflict with itself, and leaves no spare copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import SafeString

from rapport import access
from rapport.markdown import render_markdown
from rapport.meetings.models import Meeting, Note, NoteConflictCopy
from rapport.people.models import Person


class NoteConflict(Exception):
    """The save was made on an older version than the saved one. `copy` keeps the refused
    text on the server; `current` is the note as it is saved now."""

    def __init__(self, *, current: Note, rejected_body: str, copy: NoteConflictCopy) -> None:
        super().__init__(f"note {current.pk} is at version {current.version}")
        self.current = current
        self.rejected_body = rejected_body
        self.copy = copy


class NotesClosed(PermissionDenied):
    """The person may read these notes but no longer change them (the 1:1 is closed)."""


class NoteVersionUnknown(ValueError):
    """A save names a version of a note that was never written."""


def _ensure_can_write(author: Person, meeting: Meeting) -> None:
    access.require(access.can_see_one_on_one(author, meeting.one_on_one))
    if not access.can_write_in(author, meeting.one_on_one):
        raise NotesClosed("This 1:1 is closed: its notes can be read but no longer changed.")


def _conditional_write(note_filter: Q, *, body: str, base_version: int, save_key: str = "") -> bool:
    """One UPDATE that only matches the version the text was typed on: the database decides
    who was first, so two writers can never both think they won."""
    updated = Note.objects.filter(note_filter, version=base_version).update(
        body=body, version=F("version") + 1, updated_at=timezone.now(), last_save_key=save_key
    )
    return updated == 1


def _keep_rejected(current: Note, *, author: Person, body: str, base_version: int) -> NoteConflict:
    # The same text refused twice (a retry, or two tabs holding the same words) is kept once.
    copy = NoteConflictCopy.objects.filter(note=current, author=author, body=body).first()
    if copy is None:
        copy = NoteConflictCopy.objects.create(
            note=current, author=author, body=body, base_version=base_version
        )
    return NoteConflict(current=current, rejected_body=body, copy=copy)


def note_save(
    *,
    meeting: Meeting,
    author: Person,
    kind: str,
    body: str,
    base_version: int,
    save_key: str = "",
) -> Note:
    """Save the author's note of this kind, typed on `base_version` (0: no note existed).

    `save_key` names this save attempt (a retry sends the same key): when the current version
    was produced by this very attempt, the retry is answered as saved, never as a conflict with
    itself; text typed since is saved on top.

    Raises NoteConflict when the note has moved on since (the refused text is kept),
    NotesClosed when the author may no longer write here, NoteVersionUnknown for a version
    that never existed. Only ever writes the author's own note: callers pass the viewer.
    """
    if kind not in Note.Kind.values:
        raise ValueError(f"unknown kind of note: {kind!r}")
    _ensure_can_write(author, meeting)
    mine = Q(meeting=meeting, author=author, kind=kind)
    if base_version == 0:
        try:
            with transaction.atomic():
                return Note.objects.create(
                    meeting=meeting,
                    author=author,
                    kind=kind,
                    body=body,
                    version=1,
                    last_save_key=save_key,
                )
        except IntegrityError:
            pass  # created meanwhile by another tab: a stale save like any other
    else:
        # Our UPDATE holds the row until commit, so the read shows our write, not a later one.
        with transaction.atomic():
            if _conditional_write(mine, body=body, base_version=base_version, save_key=save_key):
                return Note.objects.get(mine)
    current = Note.objects.filter(mine).first()
    if current is None:
        raise NoteVersionUnknown(f"no version {base_version} of this note")
    if save_key and current.last_save_key == save_key and current.body != body:
        # This very save attempt produced the current version, its answer was lost, and the
        # browser sent it again with the words typed since: nobody else wrote in between, so
        # there is nothing to choose between; the newer words go on top of the person's own.
        with transaction.atomic():
            if _conditional_write(mine, body=body, base_version=current.version, save_key=save_key):
                return Note.objects.get(mine)
        current = Note.objects.get(mine)  # another tab wrote meanwhile: a real conflict
    if current.body == body:
        # The save already happened (its answer was lost and the browser retried), or the
        # other tab saved the very same words: nothing to choose between.
        return current
    raise _keep_rejected(current, author=author, body=body, base_version=base_version)


@dataclass(frozen=True)
class Resolution:
    note: Note
    conflicts_left: int


def note_conflict_resolve(
    *, copy: NoteConflictCopy, by: Person, body: str | None, seen_version: int
) -> Resolution:
    """Settle one kept copy. `body=None` keeps the saved note and discards the copy; a text
    (the copy's own, or a merge of both) is saved on top of `seen_version`, the version the
    person had in front of them while choosing. If the note moved on again meanwhile the copy
    stays and NoteConflict is raised, so the person chooses again with the newest text."""
    access.require(access.can_settle_note_copy(by, copy))
    note = copy.note
    note.refresh_from_db()
    if body is not None:
        _ensure_can_write(by, note.meeting)
        mine = Q(pk=note.pk)
        if body != note.body and not _conditional_write(mine, body=body, base_version=seen_version):
            # The newest text the person chose replaces the copy, so a merge is never lost.
            copy.body, copy.base_version = body, seen_version
            copy.save(update_fields=["body", "base_version"])
            raise NoteConflict(current=Note.objects.get(mine), rejected_body=body, copy=copy)
        note.refresh_from_db()
    # Discarding is allowed even on a closed 1:1: it removes only the person's own spare copy.
    copy.delete()
    left = NoteConflictCopy.objects.filter(note=note, author=by).count()
    return Resolution(note=note, conflicts_left=left)


# --- Reading ----------------------------------------------------------------------------


@dataclass
class NoteSlot:
    """One note as the viewer meets it on the meeting page."""

    kind: str
    label: str
    note: Note | None
    editable: bool
    conflicts: list[NoteConflictCopy] = field(default_factory=list)

    @property
    def body(self) -> str:
        return self.note.body if self.note else ""

    @property
    def version(self) -> int:
        return self.note.version if self.note else 0

    @property
    def html(self) -> SafeString:
        return render_markdown(self.body)


@dataclass
class NotesView:
    meeting: Meeting
    other: Person
    editable: bool
    shared: NoteSlot
    private: NoteSlot
    theirs: NoteSlot

    @property
    def mine(self) -> list[NoteSlot]:
        return [self.shared, self.private]


def notes_for(viewer: Person, meeting: Meeting) -> NotesView:
    """The viewer's own shared and private notes, the other person's shared note, and the
    viewer's kept conflict copies. `meeting` must come from get_meeting_for(viewer, ...):
    this selector trusts that the viewer is one of the pair. Two queries."""
    one_on_one = meeting.one_on_one
    other = one_on_one.other_person(viewer)
    visible = Note.objects.filter(meeting=meeting).filter(
        Q(author=viewer) | Q(author=other, kind=Note.Kind.SHARED)
    )
    notes = {(note.author_id, note.kind): note for note in visible}
    copies = NoteConflictCopy.objects.filter(note__meeting=meeting, author=viewer)
    copies_by_note: dict[int, list[NoteConflictCopy]] = {}
    for copy in copies:
        copies_by_note.setdefault(copy.note_id, []).append(copy)
    editable = access.can_write_in(viewer, one_on_one)

    def own(kind: str, label: str) -> NoteSlot:
        note = notes.get((viewer.pk, kind))
        conflicts = copies_by_note.get(note.pk, []) if note else []
        return NoteSlot(kind=kind, label=label, note=note, editable=editable, conflicts=conflicts)

    return NotesView(
        meeting=meeting,
        other=other,
        editable=editable,
        shared=own(Note.Kind.SHARED, f"Shared with {other.get_short_name()}"),
        private=own(Note.Kind.PRIVATE, "Only you"),
        theirs=NoteSlot(
            kind=Note.Kind.SHARED,
            label=f"Shared by {other.get_short_name()}",
            note=notes.get((other.pk, Note.Kind.SHARED)),
            editable=False,
        ),
    )


def conflict_copy_for(
    viewer: Person, meeting: Meeting, kind: str, copy_uuid: str
) -> NoteConflictCopy | None:
    """One of the viewer's own kept copies on this note, or None (the view answers 404)."""
    try:
        return (
            NoteConflictCopy.objects.select_related("note__meeting__one_on_one")
            .filter(author=viewer, note__meeting=meeting, note__kind=kind, note__author=viewer)
            .get(uuid=copy_uuid)
        )
    except (NoteConflictCopy.DoesNotExist, ValueError):
        return None
