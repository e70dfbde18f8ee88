"""`make scale`'s verdict can fail, and its HAProxy configuration is one HAProxy accepts: a lost
save, a doubled email, a session or a write not seen across instances, or an idle instance each
fail the run; its request counts leave health checks out."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.scale import (
    failures_of,
    haproxy_config,
    outbox_ids_seen,
    parse_stats,
    requests_logged,
    requests_per_server,
)

PASSING: dict[str, Any] = {
    "sessions": {"home_on_b_is_signed_in": True, "signed_out_everywhere": True},
    "write_across": {
        "meeting_page_on_b_before_has_it": False,
        "note_saved_on_a": 200,
        "author_sees_it_on_b": True,
        "other_person_sees_it_on_b": True,
    },
    "soak": {"lost": 0, "saves_acknowledged": 700, "errors": 0, "error_samples": []},
    "emails": {"lost": 0, "duplicated_rows": 0, "all_outbox_ids_sent_twice": 0},
    "per_instance": {"haproxy_requests": {"a": 350, "b": 351}},
}


def broken(section: str, key: str, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(PASSING)
    result[section][key] = value
    return result


def test_a_run_where_everything_held_passes() -> None:
    assert failures_of(PASSING) == []


@pytest.mark.parametrize(
    ("section", "key", "value", "says"),
    [
        ("sessions", "home_on_b_is_signed_in", False, "not signed in on B"),
        ("sessions", "signed_out_everywhere", False, "signed in on A"),
        ("write_across", "meeting_page_on_b_before_has_it", True, "proves nothing"),
        ("write_across", "note_saved_on_a", 409, "not on the page from B"),
        ("write_across", "author_sees_it_on_b", False, "not on the page from B"),
        ("write_across", "other_person_sees_it_on_b", False, "other person"),
        ("soak", "lost", 1, "1 saves lost"),
        ("soak", "saves_acknowledged", 0, "of 0 acknowledged"),
        ("soak", "errors", 3, "3 saves refused or unanswered"),
        ("emails", "lost", 2, "2 lost"),
        ("emails", "duplicated_rows", 1, "1 rows sent twice"),
        ("emails", "all_outbox_ids_sent_twice", 1, "1 outbox ids seen twice"),
        ("per_instance", "haproxy_requests", {"a": 700, "b": 0}, "served nothing"),
        ("per_instance", "haproxy_requests", {"a": 700}, "served nothing"),
    ],
)
def test_each_broken_guarantee_fails_the_run(section: str, key: str, value: Any, says: str) -> None:
    failures = failures_of(broken(section, key, value))
    assert len(failures) == 1
    assert says in failures[0]


def test_an_outbox_message_id_seen_twice_counts_once_as_doubled() -> None:
    received = [
        {"message_id": "<outbox-1@h>"},
        {"message_id": "<outbox-1@h>"},
        {"message_id": "<outbox-2@h>"},
        {"message_id": "<other@h>"},
    ]
    assert outbox_ids_seen(received) == {"all_outbox_messages": 3, "all_outbox_ids_sent_twice": 1}


def test_requests_per_instance_come_from_the_app_backend_servers_only() -> None:
    stats = parse_stats(
        "# pxname,svname,stot,req_tot\n"
        "rapport,FRONTEND,9,40\n"
        "app,a,5,21\n"
        "app,b,4,19\n"
        "app,BACKEND,9,40\n"
    )
    assert requests_per_server(stats) == {"a": 21, "b": 19}


def test_access_log_counts_leave_health_checks_out(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(
        '127.0.0.1 - - [02/Dec/2026:12:00:00 +0000] "GET /health/alive/ HTTP/1.1" 200 2 "-" "-"\n'
        '127.0.0.1 - - [02/Dec/2026:12:00:01 +0000] "POST /meetings/x/notes/shared/ HTTP/1.1" '
        '200 30 "-" "-"\n'
        '127.0.0.1 - - [02/Dec/2026:12:00:02 +0000] "GET / HTTP/1.1" 200 900 "-" "-"\n'
    )
    assert requests_logged(log) == 2
    assert requests_logged(tmp_path / "absent.log") == 0


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="HAProxy is not installed")
def test_haproxy_accepts_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(tmp_path / "stats.sock", 18899, 18898))
    text = config.read_text()
    assert "server a 127.0.0.2:18898" in text and "server b 127.0.0.3:18898" in text
    checked = subprocess.run(["haproxy", "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
