"""The meetings app's pages, one module per page family:

- meeting.py   one meeting: its page, agenda fragment, status, rescheduling; search
- agenda.py    talking points and action items (htmx fragments)
- notes.py     the autosave endpoints of meeting notes (JSON for notes.js)
- pairs.py     the team's 1:1s: set-up, one pair, its rule, everyone's actions
- balance.py   the team's balance, the person card, a meeting's estimate
- calendar.py  the week view, the calendar feed and invites
- mode.py      meeting mode: the one screen, its clock fragment and controls, the summary

urls.py is the one list of the app's routes.
"""

from __future__ import annotations

from rapport.meetings.views.meeting import meeting_context

__all__ = ["meeting_context"]
