"""The soak's two looks at the database, run inside Rapport's settings:

python -m bench.soak_db clients 50     who types where (JSON list)
python -m bench.soak_db check <CLAIMS how many acknowledged saves are in the database
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import django


def clients(count: int) -> list[dict[str, Any]]:
    from django.urls import reverse

    from bench.sessions import session_cookie
    from rapport.meetings.models import Meeting, Note, OneOnOne

    pairs = list(
        OneOnOne.objects.filter(status=OneOnOne.Status.ACTIVE)
        .select_related("manager", "report")
        .order_by("pk")[: (count + 1) // 2]
    )
    cookies: dict[int, str] = {}
    found: list[dict[str, Any]] = []
    for pair in pairs:
        meeting = (
            Meeting.objects.filter(one_on_one=pair, status=Meeting.Status.UPCOMING)
            .order_by("scheduled_for")
            .first()
        )
        assert meeting is not None, f"{pair} has no upcoming meeting"
        for person in (pair.report, pair.manager):
            if len(found) == count:
                break
            note = Note.objects.filter(meeting=meeting, author=person, kind="shared").first()
            cookie = cookies.setdefault(person.pk, session_cookie(person))
            found.append(
                {
                    "note": [str(meeting.uuid), person.pk],
                    "path": reverse("meetings:note_save", args=[meeting.uuid, "shared"]),
                    "cookie": cookie,
                    "body": note.body if note else "",
                    "version": note.version if note else 0,
                }
            )
    return found


def check(claims: list[dict[str, Any]]) -> dict[str, int]:
    from rapport.meetings.models import Note

    found = 0
    for claim in claims:
        meeting_uuid, author = claim["note"]
        note = Note.objects.get(meeting__uuid=meeting_uuid, author_id=author, kind="shared")
        for version, text in claim["acknowledged"]:
            # Each save sent the whole text so far: an acknowledged one survives as the start
            # of what is stored, at its version or a later one.
            found += note.body.startswith(text) and note.version >= version
    return {"found": found}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    django.setup()
    if sys.argv[1] == "clients":
        json.dump(clients(int(sys.argv[2])), sys.stdout)
    else:  # the claims come on stdin: thirty seconds of saves outgrow a command line
        json.dump(check(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
