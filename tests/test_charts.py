from __future__ import annotations

from datetime import UTC, datetime

from rapport.charts import Bar, bar_chart
from rapport.people.models import Person
from rapport.people.selectors import TeamMember, team_at_work_by_hour


def member(zone: str) -> TeamMember:
    person = Person(name=zone, timezone=zone)
    return TeamMember(person=person, report_count=0)


def test_team_hours_count_who_is_within_their_own_working_day() -> None:
    manager = Person(name="M", timezone="Europe/London")
    team = [member("Europe/London"), member("Asia/Tokyo"), member("America/New_York")]
    counts = team_at_work_by_hour(team, manager=manager, now=datetime(2026, 1, 15, 12, tzinfo=UTC))
    # In January London is UTC+0, Tokyo UTC+9, New York UTC-5.
    assert counts[9] == 1  # only London is at work at 09:00 London
    assert counts[14] == 2  # London and New York (09:00 there)
    assert counts[0] == 1  # Tokyo (09:00 there)
    assert counts[23] == 0  # 18:00 in New York, 08:00 in Tokyo


def test_team_hours_follow_daylight_saving_of_the_manager() -> None:
    manager = Person(name="M", timezone="Europe/London")
    team = [member("UTC")]
    winter = team_at_work_by_hour(team, manager=manager, now=datetime(2026, 1, 15, 12, tzinfo=UTC))
    summer = team_at_work_by_hour(team, manager=manager, now=datetime(2026, 7, 15, 12, tzinfo=UTC))
    assert winter.index(1) == 9 and summer.index(1) == 10


def test_a_bar_chart_is_an_accessible_image_with_escaped_labels() -> None:
    svg = bar_chart(
        [Bar("<b>a</b>", 3), Bar("b", 0), Bar("c", 6, highlight=True)],
        title="Things & stuff",
        description="three bars",
    )
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert "<title>Things &amp; stuff</title>" in svg
    assert "&lt;b&gt;a&lt;/b&gt;" in svg and "<b>" not in svg
    assert svg.count("<rect") == 3 and "is-highlight" in svg
    assert " style=" not in svg


def test_the_tallest_bar_fills_the_chart_and_zero_bars_have_no_height() -> None:
    svg = bar_chart([Bar("a", 0), Bar("b", 10)], title="t", description="d", height=120)
    heights = [chunk.split('"')[0] for chunk in svg.split(' height="')[1:]]
    assert heights[0] == "0" and float(heights[1]) == 120 - 22 - 18
