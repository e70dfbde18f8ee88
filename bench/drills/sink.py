"""The drills' SMTP sink: aiosmtpd on a loopback port, one JSON line per accepted message.

    python -m bench.drills.sink --port P --log FILE [--delay SECONDS]

Each line holds the Message-ID header (or ""), the subject, the recipients and the moment the
sink recorded it. `--delay` sleeps before the 250 answer, like a slow mail server. By default the
message counts as received only once the sleep is over (a sender that hangs up during the sleep
has sent nothing: aiosmtpd cancels the handler). With `--record-first` it counts as soon as the
final dot arrives, then the sink sleeps: a server that has queued the message and is slow to say
so, which is the crash window of a sender killed before it records the send. "Down" is this
process stopped: the port then refuses connections. It stops by itself after --max-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, log: Path, delay: float, record_first: bool) -> None:
        self.log = log
        self.delay = delay
        self.record_first = record_first

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        if self.delay and not self.record_first:
            await asyncio.sleep(self.delay)
        line = {
            "message_id": str(message.get("Message-ID", "") or "").strip(),
            "subject": str(message.get("Subject", "") or ""),
            "to": list(envelope.rcpt_tos),
            "at": time.time(),
        }
        with self.log.open("a") as out:
            out.write(json.dumps(line) + "\n")
        if self.delay and self.record_first:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--record-first", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    options = parser.parse_args()
    controller = Controller(
        Recorder(options.log, options.delay, options.record_first),
        hostname="127.0.0.1",
        port=options.port,
    )
    controller.start()
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + options.max_seconds
    print("ready", flush=True)
    while not stopping and time.monotonic() < deadline:
        time.sleep(0.1)
    controller.stop()


if __name__ == "__main__":
    main()
