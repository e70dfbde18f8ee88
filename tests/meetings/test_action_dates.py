"""Action due dates: the past is refused unless recorded late on purpose, overdue items come
first, old dates carry their year, and a tick on My actions can be undone."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.meetings.models import ActionItem
from rapport.meetings.services import Rule, action_add, one_on_one_set_up
from rapport.meetings.templatetags.actions_ui import day_label, due_phrase
from rapport.people.models import Person
from tests.cast import Cast
from tests.helpers.queries import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db


def _add(cast: Cast, **fields: object) -> ActionItem:
    values: dict[str, object] = {
        "one_on_one": cast.one_on_one,
        "meeting": None,
        "owner": cast.report,
        "text": "Send the draft",
        "due_on": None,
        "by": cast.report,
    }
    values.update(fields)
    return action_add(**values)  # type: ignore[arg-type]


def test_a_due_date_in_the_past_is_refused_with_a_clear_message(cast: Cast) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError, match=r"has passed.*Already late"):
        _add(cast, due_on=yesterday)
    assert not ActionItem.objects.filter(text="Send the draft").exists()


def test_an_item_recorded_as_already_late_keeps_its_past_date(cast: Cast) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    action = _add(cast, due_on=yesterday, already_late=True)
    assert action.due_on == yesterday
    assert action.is_overdue(timezone.localdate())


def test_today_is_accepted_and_not_overdue(cast: Cast) -> None:
    today = timezone.localdate()
    action = _add(cast, due_on=today)
    assert not action.is_overdue(today)
    assert due_phrase(action, today) == "due today"


def test_the_meeting_form_says_why_a_past_date_was_refused(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    meeting = cast.one_on_one.meetings.filter(scheduled_for__gte=timezone.now()).first()
    assert meeting is not None
    url = reverse("meetings:action_add", kwargs={"meeting_uuid": meeting.uuid})
    past = (timezone.localdate() - timedelta(days=400)).isoformat()
    response = client.post(url, {"text": "Old thing", "owner": "me", "due_on": past}, follow=True)
    assert "has passed" in response.content.decode()
    assert not ActionItem.objects.filter(text="Old thing").exists()
    client.post(url, {"text": "Old thing", "owner": "me", "due_on": past, "already_late": "1"})
    assert ActionItem.objects.filter(text="Old thing").count() == 1


def test_dates_carry_their_year_only_when_it_is_not_this_year(cast: Cast) -> None:
    today = timezone.localdate()
    same_year = today.replace(day=1, month=1) if today.month > 1 else today
    last_year = today - timedelta(days=400)
    assert str(last_year.year) in day_label(last_year, today)
    assert str(today.year) not in day_label(same_year, today)
    late = _add(cast, due_on=last_year, already_late=True)
    assert due_phrase(late, today) == f"overdue since {day_label(last_year, today)}"


def test_my_actions_lists_overdue_first_and_undated_last(cast: Cast, client: Client) -> None:
    today = timezone.localdate()
    _add(cast, text="No date")
    _add(cast, text="Next week", due_on=today + timedelta(days=7))
    _add(cast, text="Long overdue", due_on=today - timedelta(days=30), already_late=True)
    client.force_login(cast.report)
    page = client.get(reverse("meetings:my_actions")).content.decode()
    positions = [page.index(text) for text in ("Long overdue", "Next week", "No date")]
    assert positions == sorted(positions)


def test_a_tick_on_my_actions_can_be_undone(cast: Cast, client: Client) -> None:
    action = _add(cast)
    client.force_login(cast.report)
    done_url = reverse("meetings:action_done", kwargs={"action_uuid": action.uuid})
    response = client.post(done_url, {"done": "1"}, follow=True)
    action.refresh_from_db()
    assert action.is_done
    page = response.content.decode()
    assert "Undo" in page and "Send the draft" in page
    client.post(done_url, {"done": "0"})
    action.refresh_from_db()
    assert not action.is_done


def test_the_undo_offer_names_only_the_viewers_own_done_items(cast: Cast, client: Client) -> None:
    theirs = _add(cast, owner=cast.manager, by=cast.manager, text="Manager's own item")
    theirs.done_at = timezone.now()
    theirs.save()
    for viewer in (cast.report, cast.outsider):
        client.force_login(viewer)
        url = reverse("meetings:my_actions") + f"?done={theirs.uuid}"
        page = client.get(url).content.decode()
        assert "Manager's own item" not in page
    client.force_login(cast.report)
    assert client.get(reverse("meetings:my_actions") + "?done=not-a-uuid").status_code == 200


def _team_page(client: Client, **params: str) -> str:
    return client.get(reverse("meetings:my_actions"), params).content.decode()


def test_a_manager_sees_what_each_report_owes_and_what_she_owes_them(
    cast: Cast, client: Client
) -> None:
    today = timezone.localdate()
    _add(cast, text="Rui sends the draft", due_on=today - timedelta(days=3), already_late=True)
    _add(cast, text="Rui books the room")
    _add(cast, owner=cast.manager, by=cast.manager, text="Mia reviews the plan")
    client.force_login(cast.manager)
    page = _team_page(client)
    team = page[page.index("Across your team") :]
    assert "They owe you" in team and "You owe them" in team
    they, mine = team.index("They owe you"), team.index("You owe them")
    assert they < team.index("Rui sends the draft") < team.index("Rui books the room") < mine
    assert mine < team.index("Mia reviews the plan")
    assert "overdue since" in team
    only_overdue = _team_page(client, show="overdue")
    team = only_overdue[only_overdue.index("Across your team") :]
    assert "Rui sends the draft" in team
    assert "Rui books the room" not in team and "Mia reviews the plan" not in team


def test_the_report_filter_takes_only_the_managers_own_reports(cast: Cast, client: Client) -> None:
    _add(cast, text="Rui books the room")
    client.force_login(cast.manager)
    mine = _team_page(client, person=str(cast.report.uuid))
    assert "Rui books the room" in mine[mine.index("Across your team") :]
    stranger = _team_page(client, person=str(cast.outsider.uuid))  # not hers: the whole team
    assert "Rui books the room" in stranger[stranger.index("Across your team") :]
    assert (
        client.get(reverse("meetings:my_actions"), {"person": "x", "show": "?"}).status_code == 200
    )


def test_a_report_has_no_team_section(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    assert "Across your team" not in _team_page(client)


def test_the_manager_can_undo_a_tick_on_a_reports_item(cast: Cast, client: Client) -> None:
    action = _add(cast, text="Rui books the room")
    client.force_login(cast.manager)
    done_url = reverse("meetings:action_done", kwargs={"action_uuid": action.uuid})
    page = client.post(done_url, {"done": "1"}, follow=True).content.decode()
    assert "Undo" in page and "Done: <strong>Rui books the room" in page


def test_the_team_section_makes_the_same_queries_for_3_or_30_reports(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)

    def grow() -> None:
        for number in range(27):
            report = Person.objects.create_user(
                f"r{number}@example.com", name=f"R {number}", manager=cast.manager
            )
            rule = Rule("weekly", 2, time(11, 0), 30, timezone.localdate())
            pair = one_on_one_set_up(
                manager=cast.manager,
                report=report,
                rule=rule,
                by=cast.manager,
                confirmed_out_of_hours=True,
            )
            for owner in (report, cast.manager):
                action_add(
                    one_on_one=pair,
                    meeting=None,
                    owner=owner,
                    text=f"Item {number}",
                    due_on=None,
                    by=owner,
                )

    _add(cast, text="Rui books the room")
    assert_queries_do_not_grow(
        lambda: count_queries(lambda: client.get(reverse("meetings:my_actions"))),
        grow,
        pinned=6,
    )
