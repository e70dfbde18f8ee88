from __future__ import annotations

from django.urls import reverse

from rapport.meetings.services import feed_for
from tests.access_rows.base import PUBLIC, SIGNED_IN, Row, Write, data, everyone, fixed, only

ROWS: dict[str, Row] = {
    "meetings:calendar": Row(fixed("meetings:calendar"), everyone(200)),
    # POST only; a GET is refused (signed-out visitors go to sign-in first).
    "meetings:calendar_regenerate": Row(fixed("meetings:calendar_regenerate"), everyone(405)),
    # The secret token is the credential: whoever holds the address gets the feed.
    "meetings:calendar_feed": Row(
        lambda cast: reverse(
            "meetings:calendar_feed", kwargs={"token": feed_for(cast.report).token}
        ),
        PUBLIC,
    ),
    "meetings:meeting_invite": Row(
        lambda cast: reverse("meetings:meeting_invite", kwargs={"meeting_uuid": cast.meeting.uuid}),
        only(("manager", "report")),
    ),
}


# Each signed-in person replaces their own feed address; there is nobody else's to touch.
WRITES: dict[str, Write] = {
    "meetings:calendar_regenerate": Write(
        fixed("meetings:calendar_regenerate"), data(), allowed=SIGNED_IN
    ),
}
