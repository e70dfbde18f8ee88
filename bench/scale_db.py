"""The scale-out run's looks into Rapport's database, run inside its settings:

python -m bench.scale_db target EMAIL    the person's next 1:1 meeting: its page, the save URL
    of their shared note there and its version, and a signed-in cookie of the other person
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import django


def target(email: str) -> dict[str, Any]:
    from django.urls import reverse

    from bench.sessions import session_cookie
    from rapport.meetings.models import Meeting, Note, OneOnOne
    from rapport.people.models import Person

    person = Person.objects.get(email=email)
    meeting = (
        Meeting.objects.filter(
            one_on_one__manager=person,
            one_on_one__status=OneOnOne.Status.ACTIVE,
            status=Meeting.Status.UPCOMING,
        )
        .select_related("one_on_one__report")
        .order_by("scheduled_for")
        .first()
    )
    assert meeting is not None, f"{email} has no upcoming 1:1"
    note = Note.objects.filter(meeting=meeting, author=person, kind="shared").first()
    report = meeting.one_on_one.report
    return {
        "name": person.get_short_name(),
        "meeting_path": reverse("meetings:meeting", args=[meeting.uuid]),
        "note_save_path": reverse("meetings:note_save", args=[meeting.uuid, "shared"]),
        "version": note.version if note else 0,
        "body": note.body if note else "",
        "other_cookie": session_cookie(report),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    if sys.argv[1] == "target":
        json.dump(target(sys.argv[2]), sys.stdout)


if __name__ == "__main__":
    main()
