"""The coaching questions of data/coaching.json, marked for translation (makemessages reads this
module; coaching.py translates each question when it is shown). Generated from the file; a test
(tests/goals/test_coaching_translations.py) fails when the two drift apart: regenerate with
`python -m rapport.goals.coaching_messages`."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext_noop

QUESTIONS = (
    gettext_noop("If this goal got only one hour a week, what would that hour be for?"),
    gettext_noop("Which part of the goal still matters if the deadline moved a month?"),
    gettext_noop("What would a smaller version of this goal look like that still fits your week?"),
    gettext_noop("Which skill, exactly, would you need to have for this goal to feel doable?"),
    gettext_noop("How will you know you have learned enough to move on?"),
    gettext_noop("What would you be able to do at the end that you cannot do today?"),
    gettext_noop("When you first picked this goal, what drew you to it?"),
    gettext_noop("Is this still your goal, or has it become someone else's?"),
    gettext_noop("What would make this goal worth the effort again?"),
    gettext_noop("Whose help does this goal depend on, and do they know it?"),
    gettext_noop("Which part of the goal is fully in your hands?"),
    gettext_noop("If the others were on board tomorrow, what would you aim for?"),
    gettext_noop("How would you describe done to someone who has never heard of this goal?"),
    gettext_noop("What would you see or count on the day this goal is reached?"),
    gettext_noop("If you had to cut the goal in half, which half would you keep?"),
    gettext_noop("In one sentence, what are you trying to achieve here?"),
    gettext_noop("What would be different for you once this is done?"),
    gettext_noop("How far along do you feel, and what tells you that?"),
    gettext_noop("Walk me through last week: where did the hours meant for this go?"),
    gettext_noop("Which of your current commitments could wait without anyone minding?"),
    gettext_noop("When in the week do you have the most energy for work like this?"),
    gettext_noop("What have you tried so far, and where did it get stuck?"),
    gettext_noop("Who around you already does this well?"),
    gettext_noop("Which part feels hardest when you sit down to do it?"),
    gettext_noop("On a scale of 1 to 10, how much do you want this today, and why not lower?"),
    gettext_noop("What happens in your day just before you put this off?"),
    gettext_noop("What drains your energy for this goal, and what gives some back?"),
    gettext_noop("Who is in the way, and what do you think they want?"),
    gettext_noop("What have you asked of them so far, in your own words?"),
    gettext_noop("How do you think they see this situation?"),
    gettext_noop("What do you know for sure about what is expected, and what are you guessing?"),
    gettext_noop("Who could tell you what good looks like here?"),
    gettext_noop("Where does the confusion start: the what, the how or the why?"),
    gettext_noop("What is actually happening right now with this goal?"),
    gettext_noop("What is the obstacle costing you at the moment?"),
    gettext_noop("What have you already tried, and what did you learn from it?"),
    gettext_noop("What could you stop doing, hand over or do less well to make room?"),
    gettext_noop("What if you blocked the time in your calendar before anything else?"),
    gettext_noop("Could this be done in smaller pieces, spread over more days?"),
    gettext_noop("Which ways of learning this have worked for you before?"),
    gettext_noop("Who could you pair with for an afternoon on it?"),
    gettext_noop("What is the smallest exercise that would build the skill?"),
    gettext_noop("How could you make the first step so small you would do it today?"),
    gettext_noop("What reward or milestone would keep you going?"),
    gettext_noop("Would changing the goal itself bring the energy back?"),
    gettext_noop("What could you offer them that makes helping you easier?"),
    gettext_noop("Who else could unblock this if they cannot?"),
    gettext_noop("What would you try if you were sure they would say yes?"),
    gettext_noop("Who could you ask this week to make the target concrete?"),
    gettext_noop("What would you write as the measure if you had to pick one now?"),
    gettext_noop("Could a first draft of the outcome, shown early, settle the question?"),
    gettext_noop("What are all the ways forward you can think of, even the unlikely ones?"),
    gettext_noop("What would you advise a colleague in your place to do?"),
    gettext_noop("If nothing held you back, what would you try first?"),
    gettext_noop("Which slot in your calendar will hold the first step?"),
    gettext_noop("What will you say no to so that this happens?"),
    gettext_noop("How will you notice early if the time gets eaten again?"),
    gettext_noop("Which learning step will you take first, and by when?"),
    gettext_noop("How will you practise it before it really counts?"),
    gettext_noop("Who will you show your progress to, and when?"),
    gettext_noop("What will you do in the next two days to get moving?"),
    gettext_noop("How sure are you, from 1 to 10, that you will do it, and what would raise that?"),
    gettext_noop("Who would you like to check in with you on it?"),
    gettext_noop("When will you talk to them, and what will you ask for?"),
    gettext_noop("What will you do if the answer is no?"),
    gettext_noop("How can I help you with that conversation?"),
    gettext_noop("By when will the target be written down and agreed?"),
    gettext_noop("Whom will you ask, and what exactly will you ask them?"),
    gettext_noop("What will you do once the target is clear?"),
    gettext_noop("Of the options you named, which will you act on first?"),
    gettext_noop("What will you do, and by when?"),
    gettext_noop("Which kind of backing from me would make this step easier?"),
    gettext_noop("This came easily: what would a version that scares you a little look like?"),
    gettext_noop("What would you aim for if you knew you would probably get there?"),
    gettext_noop("Which part of this could you now teach someone else?"),
    gettext_noop("What would make the next goal twice as ambitious without being reckless?"),
    gettext_noop("Where is the edge of your comfort zone on this, and what lies just past it?"),
    gettext_noop("If your confidence is this high, is the goal still asking enough of you?"),
)


def file_questions() -> list[str]:
    """Every question in data/coaching.json, each once, in file order."""
    data = json.loads(
        (Path(__file__).resolve().parent / "data" / "coaching.json").read_text("utf-8")
    )
    found = [
        q for kinds in data["steps"].values() for questions in kinds.values() for q in questions
    ]
    found += data["stretch"]
    return list(dict.fromkeys(found))


if __name__ == "__main__":  # pragma: no cover - prints the tuple to paste above
    for question in file_questions():
        print(f"    gettext_noop({json.dumps(question, ensure_ascii=False)}),")
