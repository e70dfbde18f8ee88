"""`make soak`: 50 people autosaving meeting notes at once against Rapport under gunicorn, on
SQLite and on PostgreSQL, then a count of what reached the database.

Each client is one person typing into their shared note of their pair's next meeting: every
save sends the whole text so far (as the browser does) with the version it was based on, and
waits a moment before the next. Two people of each pair write to the same meeting at once.
Afterwards every acknowledged save must be in the database: the note's text begins with the
text of each acknowledged save, and its version is the last acknowledged one.

    python -m bench.soak [--clients 50] [--seconds 30] [--only sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.environments import BENCH_VAR, ROOT, Environment, prepared, reset
from bench.load import PROXY_HEADER
from bench.server import serving

RESULTS = ROOT / "bench" / "results"


@dataclass
class Client:
    spec: dict[str, Any]
    attempted: int = 0
    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--only", default="sqlite,postgresql")
    options = parser.parse_args()
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    log = BENCH_VAR / "soak.log"
    print(f"Soak log: {log}", flush=True)
    results = []
    for database in options.only.split(","):
        environment = Environment(database, "soak")
        reset(environment)  # a fresh organisation each time, so the counts start from zero
        prepared(environment, log=log)
        specs = _django(environment, "clients", str(options.clients))
        with serving(environment.env(), log=log) as (base, _):
            clients = _run(base, specs, options.seconds)
        found = _django(environment, "check", stdin=json.dumps(_claims(clients)))
        results.append(_summary(database, clients, found, options.seconds))
        _print(results[-1])
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"soak-{datetime.now(UTC):%Y-%m-%dT%H%M}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)}")
    if any(r["errors"] or r["lost"] for r in results):
        sys.exit(1)


def _run(base: str, specs: list[dict[str, Any]], seconds: float) -> list[Client]:
    clients = [Client(spec) for spec in specs]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=_type, args=(base, c, deadline)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients


def _type(base: str, client: Client, deadline: float) -> None:
    """One person typing: a few words, an autosave, a pause, again until the time is up."""
    parts = urlsplit(base)
    spec = client.spec
    rng = random.Random(spec["path"] + spec["cookie"])
    csrf = secrets.token_hex(16)  # any 32-character secret, sent as cookie and header alike
    headers = {
        "Cookie": f"{spec['cookie']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Origin": f"https://{parts.netloc}",
        "Content-Type": "application/x-www-form-urlencoded",
        PROXY_HEADER[0]: PROXY_HEADER[1],
    }
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    body, version, word = spec["body"], spec["version"], 0
    while time.monotonic() < deadline:
        word += 1
        text = f"{body} w{word}".strip()
        client.attempted += 1
        try:
            connection.request(
                "POST", spec["path"], urlencode({"body": text, "version": version}), headers
            )
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            client.errors.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection(parts.netloc, timeout=30)
            continue
        if response.status != 200:
            client.errors.append(f"{response.status} {answer[:120]!r}")
            continue
        version, body = json.loads(answer)["version"], text
        client.acknowledged.append((version, text))
        time.sleep(rng.uniform(0.05, 0.3))  # autosave fires a moment after typing stops
    connection.close()


def _claims(clients: list[Client]) -> list[dict[str, Any]]:
    return [
        {"note": c.spec["note"], "acknowledged": c.acknowledged} for c in clients if c.acknowledged
    ]


def _django(environment: Environment, *arguments: str, stdin: str = "") -> Any:
    result = subprocess.run(
        [sys.executable, "-m", "bench.soak_db", *arguments],
        env=environment.env(), cwd=ROOT, capture_output=True, text=True, input=stdin,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(f"bench.soak_db {arguments[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def _summary(
    database: str, clients: list[Client], found: dict[str, int], seconds: float
) -> dict[str, Any]:
    acknowledged = sum(len(c.acknowledged) for c in clients)
    return {
        "database": database,
        "clients": len(clients),
        "seconds": seconds,
        "saves_attempted": sum(c.attempted for c in clients),
        "saves_acknowledged": acknowledged,
        "acknowledged_found_in_database": found["found"],
        "lost": acknowledged - found["found"],
        "errors": sum(len(c.errors) for c in clients),
        "error_samples": sorted({e for c in clients for e in c.errors})[:5],
        "saves_per_second": round(acknowledged / seconds, 1),
    }


def _print(result: dict[str, Any]) -> None:
    print(
        f"  {result['database']}: {result['clients']} clients for {result['seconds']:.0f} s: "
        f"{result['saves_attempted']:,} saves attempted, {result['saves_acknowledged']:,} "
        f"acknowledged, {result['acknowledged_found_in_database']:,} found in the database; "
        f"lost {result['lost']}, errors {result['errors']} "
        f"({result['saves_per_second']:.0f} saves/s)",
        flush=True,
    )
    for sample in result["error_samples"]:
        print(f"    error: {sample}")


if __name__ == "__main__":
    main()
