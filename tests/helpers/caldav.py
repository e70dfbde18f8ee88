"""A real CalDAV server for tests: Radicale (pure Python, a dev dependency) started as its own
process on a free loopback port, with a temporary storage folder and no authentication, and a
small CalDAV client on plain urllib (MKCALENDAR, PUT, REPORT calendar-query with expand)."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar, Event

CALDAV = "urn:ietf:params:xml:ns:caldav"
STARTUP_SECONDS = 20.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass
class CalDAV:
    base: str  # http://127.0.0.1:<port>
    user: str = "rapport"

    def _request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        # Radicale's "none" authentication takes any name; the name picks the home collection.
        token = base64.b64encode(f"{self.user}:x".encode()).decode()
        request = urllib.request.Request(
            self.base + path,
            data=body or None,
            method=method,
            headers={"Authorization": f"Basic {token}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def make_calendar(self, name: str) -> str:
        path = f"/{self.user}/{name}/"
        status, body = self._request("MKCALENDAR", path)
        assert status == 201, (status, body)
        return path

    def put(self, collection: str, name: str, content: bytes) -> None:
        status, body = self._request(
            "PUT", collection + name, content, {"Content-Type": "text/calendar; charset=utf-8"}
        )
        assert status in (201, 204), (status, body)

    def expand(self, collection: str, start: datetime, end: datetime) -> list[Event]:
        """REPORT calendar-query with <C:expand>: every occurrence in [start, end) as the server
        computes it, one VEVENT each, times in UTC."""
        span = f'start="{_utc(start)}" end="{_utc(end)}"'
        query = f"""<?xml version="1.0" encoding="utf-8" ?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="{CALDAV}">
  <D:prop><C:calendar-data><C:expand {span}/></C:calendar-data></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT"><C:time-range {span}/></C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>"""
        status, body = self._request(
            "REPORT",
            collection,
            query.encode(),
            {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        assert status == 207, (status, body)
        events: list[Event] = []
        for data in ET.fromstring(body).iter(f"{{{CALDAV}}}calendar-data"):
            events.extend(Calendar.from_ical(data.text or "").events)
        return events


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@contextmanager
def radicale(folder: Path) -> Iterator[CalDAV]:
    port = _free_port()
    config = folder / "config"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = none\n"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[logging]\nlevel = warning\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                _out, errors = process.communicate()
                raise RuntimeError(f"Radicale did not start: {errors.decode()}")
            time.sleep(0.05)
        yield CalDAV(base=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
