from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from rapport.checkins.charts import Point, pair_trends, polyline, spark_geometry
from rapport.checkins.models import CheckIn
from rapport.checkins.selectors import TrendPoint
from rapport.meetings.balance import Source, SplitPoint
from tests.cast import Cast


def test_the_points_spread_evenly_with_low_at_the_bottom_and_high_at_the_top() -> None:
    points = spark_geometry([1, 3, 5], low=1, high=5, width=100, height=40, pad=5)
    assert points == [Point(5, 35), Point(50, 20), Point(95, 5)]


def test_a_single_value_sits_in_the_middle() -> None:
    assert spark_geometry([5], low=1, high=5, width=100, height=40, pad=5) == [Point(50, 5)]


def test_a_missing_value_keeps_its_slot_and_out_of_range_values_are_clamped() -> None:
    points = spark_geometry([0, None, 150], low=0, high=100, width=100, height=40, pad=0)
    assert points == [Point(0, 40), None, Point(100, 0)]
    assert polyline(points) == "0,40 100,0"


def test_no_values_no_points_and_a_flat_scale_does_not_divide_by_zero() -> None:
    assert spark_geometry([], low=1, high=5) == []
    assert spark_geometry([3, 3], low=3, high=3, width=10, height=10, pad=0) == [
        Point(0, 0),
        Point(10, 0),
    ]


def test_the_trends_are_accessible_pictures() -> None:
    points = [TrendPoint(date(2026, 3, day), 4, 3, day % 5 + 1) for day in range(1, 4)]
    splits = [SplitPoint(date(2026, 3, 1), 12, 18, Source.MEASURED)]
    trends = pair_trends(points, splits)
    assert [trend.key for trend in trends] == ["mood", "energy", "workload", "connection"]
    mood = str(trends[0].chart)
    assert 'role="img"' in mood and "<title>Mood in the last 3 check-ins</title>" in mood
    assert 'aria-label="Mood in the last 3 check-ins: Oldest to newest: 4, 4, 4' in mood
    assert "style" not in mood
    assert trends[0].latest == "4 Good" and trends[3].latest == "40%"


def test_no_check_ins_and_no_recorded_time_draw_nothing() -> None:
    assert pair_trends([], [SplitPoint(date(2026, 3, 1), 0, 0, Source.NONE)]) == []


def test_both_people_see_the_trends_on_the_pairs_page(cast: Cast) -> None:
    CheckIn.objects.create(
        meeting=cast.meeting,
        one_on_one=cast.one_on_one,
        report=cast.report,
        mood=2,
        energy=3,
        workload=5,
    )
    for person in (cast.manager, cast.report):
        client = Client()
        client.force_login(person)
        page = client.get(reverse("meetings:one_on_one", args=[cast.one_on_one.uuid]))
        assert "Mood in the last 1 check-in" in page.content.decode()
        assert "2 Low" in page.content.decode()
