"""The growth conversation's talking points (data/growth_agenda.json), marked for translation:
makemessages reads them from here, and `services.meeting_make_growth` adds them in the active
language. Kept in step with the JSON file by tests/meetings/test_growth_texts.py."""

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop(
        "Direction: picture your work a year or two from now. What are you doing more of, "
        "and what draws you to it?"
    ),
    gettext_noop(
        "Strengths: which piece of work since our last growth talk are you proudest of, "
        "and what did you bring to it that others might not have?"
    ),
    gettext_noop(
        "Learning next: one skill or kind of experience that would move you towards that "
        "picture. Where could you practise it in the next three months?"
    ),
    gettext_noop(
        "My part: what could I open up, introduce, or stop doing so you get there sooner?"
    ),
)
