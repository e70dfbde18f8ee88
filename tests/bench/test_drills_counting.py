"""The drills' email count can fail: a duplicated or a lost email is counted as such, whether
the messages carry an outbox Message-ID (one per row, the same on every send) or not (today:
a fresh id per send, matched to its row by subject and recipient)."""

from __future__ import annotations

from typing import Any

from bench.drills.__main__ import verdict
from bench.drills.counting import count_emails


def rows(count: int) -> list[dict[str, Any]]:
    return [
        {"key": f"drill:x:{i}", "subject": f"Drill #{i}", "to": f"d{i}@x.drill.example"}
        for i in range(count)
    ]


def message(index: int, message_id: str = "") -> dict[str, Any]:
    return {
        "message_id": message_id,
        "subject": f"Drill #{index}",
        "to": [f"d{index}@x.drill.example"],
    }


def test_one_message_per_row_is_delivered_once_and_passes() -> None:
    counts = count_emails(rows(3), [message(0, "<a@h>"), message(1, "<b@h>"), message(2)])
    assert (counts["delivered_once"], counts["lost"], counts["extra_copies"]) == (3, 0, 0)
    assert verdict("slow-smtp", counts) == []


def test_a_second_copy_with_a_fresh_message_id_is_a_duplicate() -> None:
    counts = count_emails(rows(2), [message(0, "<a@h>"), message(0, "<c@h>"), message(1, "<b@h>")])
    assert (counts["lost"], counts["duplicated_rows"], counts["extra_copies"]) == (0, 1, 1)
    assert verdict("slow-smtp", counts) == ["1 duplicated emails"]


def test_a_repeated_outbox_message_id_is_a_duplicate_of_its_row() -> None:
    received = [message(0, "<outbox-0@h>"), message(0, "<outbox-0@h>"), message(1, "<outbox-1@h>")]
    counts = count_emails(rows(2), received)
    assert (counts["lost"], counts["extra_copies"]) == (0, 1)
    assert counts["copies_histogram"] == {"1": 1, "2": 1}


def test_a_row_without_a_message_is_lost() -> None:
    counts = count_emails(rows(3), [message(0), message(2, "<outbox-2@h>")])
    assert (counts["delivered_once"], counts["lost"], counts["extra_copies"]) == (2, 1, 0)
    assert verdict("slow-smtp", counts) == ["1 emails lost"]


def test_a_copy_does_not_hide_a_lost_email() -> None:
    # Three messages for three rows, but row 1 got two and row 2 none.
    counts = count_emails(rows(3), [message(0), message(1), message(1)])
    assert (counts["lost"], counts["extra_copies"]) == (1, 1)


def test_messages_for_no_row_are_counted_apart() -> None:
    counts = count_emails(rows(1), [message(0), {"message_id": "", "subject": "?", "to": ["z@z"]}])
    assert counts["unexpected"] == 1 and counts["lost"] == 0


def test_the_kill_drill_forgives_one_copy_per_kill_and_no_more() -> None:
    counts = count_emails(rows(2), [message(0), message(0), message(1), message(1), message(1)])
    assert verdict("kill-worker", {**counts, "crash_window_copies": 2}) == ["1 duplicated emails"]
    assert verdict("kill-worker", {**counts, "crash_window_copies": 3}) == []


def test_a_lost_save_fails_the_drill() -> None:
    assert verdict("pg-restart-soak", {"saves_lost": 2}) == ["2 saves lost"]
