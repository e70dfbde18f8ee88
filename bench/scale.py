"""`make scale`: Rapport scaled out on loopback, and what must hold when it is.

Two app instances (gunicorn, the bench's gthread workers) on 127.0.0.2 and 127.0.0.3 behind
HAProxy (Debian's package, installed with apt-get when missing) on 127.0.0.1; two `rapport
worker` processes (the tick) and two `rapport rqworker` processes (the tasks); a fresh PostgreSQL
database on 127.0.0.1:5432; Redis on 127.0.0.1:6379 for the cache and the task queue; an SMTP
sink on loopback. The run shows, with figures:

- signing in on instance A gives a cookie that instance B accepts, and signing out on B ends it
  on A;
- a note saved through A is on the next page from B, for its author and for the other person;
- the soak's autosaves (bench/soak.py's clients) through HAProxy lose nothing;
- each email goes out exactly once with two tick workers and two task workers (outbox rows
  counted at the sink, as the drills do, plus every outbox Message-ID the sink saw);
- the requests each instance served (HAProxy's stats socket and each instance's access log).

    python -m bench.scale [--clients 30] [--seconds 20] [--emails 60] [--redis-db 7]

Prints a table, writes bench/results/scale-<date>.json, exits 1 when a check fails (a lost save,
a save refused or unanswered, a lost or doubled email, a session or write not seen across
instances, an instance unused).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import soak
from bench.drills import mailing
from bench.drills.services import Sink
from bench.drills.soaking import Place
from bench.environments import RAPPORT, ROOT
from bench.load import PROXY_HEADER
from bench.server import GUNICORN

RESULTS = ROOT / "bench" / "results"
SCALE_VAR = ROOT / "var" / "scale"
TEMPLATE = Path(__file__).with_name("scale_haproxy.cfg")
PG_SERVER = os.environ.get("SCALE_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("SCALE_DATABASE", "rapport_scale")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PROXY_ADDRESS = "127.0.0.1"
INSTANCES = {"a": "127.0.0.2", "b": "127.0.0.3"}
# Per instance: the machine this was written on has 2 cores for everything here.
GUNICORN_WORKERS = int(os.environ.get("SCALE_GUNICORN_WORKERS", "2"))
GUNICORN_THREADS = int(os.environ.get("SCALE_GUNICORN_THREADS", "4"))
KEEP_ALIVE_SECONDS = 75
FIRST_PORT = 18800
# The synthetic organisation (rapport synth): its reference manager signs in with a password.
PEOPLE, YEARS = 60, 1
SIGN_IN_EMAIL = "manager30@synth.rapport.example"
SIGN_IN_PASSWORD = "rapport-synth"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=30, help="autosaving people (soak)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long they type")
    parser.add_argument("--emails", type=int, default=60, help="outbox rows to send")
    parser.add_argument("--redis-db", type=int, default=7, help="emptied at the start")
    options = parser.parse_args()
    started = time.monotonic()
    SCALE_VAR.mkdir(parents=True, exist_ok=True)
    log = SCALE_VAR / "scale.log"
    log.write_text("")
    print(f"Scale-out run; log: {log.relative_to(ROOT)}", flush=True)
    haproxy = _haproxy_binary()
    folder = Path(tempfile.mkdtemp(prefix="rapport-scale-"))
    try:
        result = _run(options, haproxy, folder, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["seconds_total"] = round(time.monotonic() - started, 1)
    failures = failures_of(result)
    result["failures"] = failures
    _print(result)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"scale-{datetime.now(UTC):%Y-%m-%dT%H%M}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {path.relative_to(ROOT)} ({result['seconds_total']:.0f} s in all)")
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)


@dataclass(frozen=True)
class ScalePlace(Place):
    """The soak's place with this run's settings (Redis, the sink, the hosts) in its env()."""

    settings: tuple[tuple[str, str], ...] = ()

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(**{**dict(self.settings), **extra})


def _run(options: argparse.Namespace, haproxy: str, folder: Path, log: Path) -> dict[str, Any]:
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{options.redis_db}"
    sink = Sink(folder, log)
    settings = {
        "RAPPORT_TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "RAPPORT_CACHE_URL": redis_url,
        "ALLOWED_HOSTS": ",".join([PROXY_ADDRESS, *INSTANCES.values(), "localhost"]),
        "RAPPORT_BASE_URL": f"https://{PROXY_ADDRESS}",
        **sink.env(),
    }
    place = ScalePlace("postgresql", "soak", folder=str(SCALE_VAR / "var"),
                       database_url=f"{PG_SERVER}/{DATABASE}",
                       settings=tuple(settings.items()))  # fmt: skip
    env = place.env()
    timings: dict[str, float] = {}
    clock = time.monotonic()
    print("  a fresh database and organisation...", flush=True)
    _fresh_database(env, place, log)
    _redis_flush(options.redis_db)
    timings["prepare"] = time.monotonic() - clock
    app_port, proxy_port = _free_ports(2)
    result: dict[str, Any] = {
        "layout": {
            "proxy": f"HAProxy {_haproxy_version(haproxy)} on {PROXY_ADDRESS}:{proxy_port}",
            "instances": {n: f"{a}:{app_port}" for n, a in INSTANCES.items()},
            "gunicorn": f"{GUNICORN_WORKERS} gthread workers x {GUNICORN_THREADS} threads each",
            "workers": "2 x rapport worker (tick) + 2 x rapport rqworker (tasks)",
            "database": f"PostgreSQL {PG_SERVER.rsplit('@', 1)[-1]}/{DATABASE}",
            "redis": redis_url + " (cache and task queue)",
            "cores": os.cpu_count(),
        },
        "options": vars(options),
    }
    with ExitStack() as stack:
        clock = time.monotonic()
        sink.start()
        stack.callback(sink.stop)
        logs = {}
        for name, address in INSTANCES.items():
            logs[name] = folder / f"access-{name}.log"
            stack.enter_context(_instance(env, address, app_port, logs[name], log))
        stats_socket = folder / "haproxy.sock"
        stack.enter_context(_haproxy(haproxy, folder, proxy_port, app_port, stats_socket, log))
        ticks = mailing.Workers(env, log)
        rq = mailing.Workers(env, log, [RAPPORT, "rqworker", "default", "--job-class",
                                        "django_tasks_rq.Job"])  # fmt: skip
        stack.callback(ticks.stop)
        stack.callback(rq.stop)
        ticks.start(2)
        rq.start(2)
        # While the servers start: what the checks write.
        target = json.loads(
            subprocess.run([sys.executable, "-m", "bench.scale_db", "target", SIGN_IN_EMAIL],
                           env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        )  # fmt: skip
        _wait_all_up(stats_socket)
        timings["start"] = time.monotonic() - clock
        base = f"http://{PROXY_ADDRESS}:{proxy_port}"
        clock = time.monotonic()
        result["sessions"] = _sessions_across(app_port)
        result["write_across"] = _write_across(app_port, target)
        timings["checks"] = time.monotonic() - clock
        # What the instances put in the shared cache meanwhile (entries expire: count now).
        result["shared_cache_keys"] = _redis_cache_keys(options.redis_db)
        # Who types where, from the notes as they are now (the checks wrote one).
        specs = soak._django(place, "clients", str(options.clients))

        print(f"  soak through HAProxy ({options.clients} clients, {options.seconds:.0f} s) "
              f"while the workers send {options.emails} emails...", flush=True)  # fmt: skip
        clock = time.monotonic()
        prefix = f"scale-{int(time.time())}"
        mailing.db(env, "create", prefix, str(options.emails))
        clients = soak._run(base, specs, options.seconds)
        timings["soak"] = time.monotonic() - clock
        clock = time.monotonic()
        mailing.wait_sent(env, prefix, seconds=60)
        timings["emails_after_soak"] = time.monotonic() - clock
        workers_alive = len(ticks.alive()) + len(rq.alive())
        ticks.stop()
        rq.stop()
        found = soak._django(place, "check", stdin=json.dumps(soak._claims(clients)))
        result["soak"] = soak._summary("postgresql", clients, found, options.seconds)
        result["soak"]["through"] = base
        result["emails"] = _emails(env, prefix, sink)
        result["emails"]["workers_alive_at_end"] = workers_alive
        result["per_instance"] = {
            "haproxy_requests": _haproxy_requests(stats_socket),
            "access_log_requests": {n: requests_logged(p) for n, p in logs.items()},
        }
    result["timings_seconds"] = {k: round(v, 1) for k, v in timings.items()}
    return result


# --- the servers ----------------------------------------------------------------------------


def _haproxy_binary() -> str:
    """HAProxy from Debian, installed as the CI script installs its packages."""
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("HAProxy is missing: `sudo apt-get install haproxy`, then again.")
    print("  installing HAProxy (apt-get install haproxy)...", flush=True)
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True, env=quiet,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return shutil.which("haproxy") or "/usr/sbin/haproxy"


def _haproxy_version(binary: str) -> str:
    output = subprocess.run([binary, "-v"], capture_output=True, text=True).stdout
    match = re.search(r"version (\S+)", output)
    return match.group(1) if match else "?"


def _free_ports(count: int) -> list[int]:
    """Ports from FIRST_PORT up that are free on every address used."""
    found: list[int] = []
    port = FIRST_PORT
    while len(found) < count:
        if all(_port_free(a, port) for a in [PROXY_ADDRESS, *INSTANCES.values()]):
            found.append(port)
        port += 1
    return found


def _port_free(address: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def _fresh_database(env: dict[str, str], place: Place, log: Path) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    place.var_dir.mkdir(parents=True, exist_ok=True)

    def run(*command: str, production: bool = True) -> None:
        variables = env if production else {**env, "RAPPORT_PRODUCTION": "false"}
        with log.open("a") as out:
            subprocess.run(command, env=variables, check=True, cwd=ROOT, stdout=out,
                           stderr=subprocess.STDOUT)  # fmt: skip

    run(RAPPORT, "migrate", "--no-input")
    run(RAPPORT, "collectstatic", "--no-input", "-v0")
    # synth refuses production settings (its accounts share a published password)...
    run(RAPPORT, "synth", f"--people={PEOPLE}", f"--years={YEARS}", "--seed=1", production=False)
    # ... and production refuses demo accounts: in this throwaway database they are ordinary.
    run(sys.executable, "-m", "bench.drills.db", "undemo")


def _redis(db: int) -> Any:
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=5)


def _redis_flush(db: int) -> None:
    """Empties this run's Redis database (only it: the server is shared)."""
    _redis(db).flushdb()


def _redis_cache_keys(db: int) -> int:
    """Keys Django's Redis cache wrote (":<version>:<key>"; RQ's start with "rq:")."""
    return sum(1 for _ in _redis(db).scan_iter(match=":*", count=1000))


@contextmanager
def _instance(
    env: dict[str, str], address: str, port: int, access_log: Path, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        GUNICORN, "rapport.wsgi", f"--bind={address}:{port}", f"--workers={GUNICORN_WORKERS}",
        "--worker-class=gthread", f"--threads={GUNICORN_THREADS}", "--log-level=warning",
        f"--access-logfile={access_log}",
        # Longer than HAProxy keeps an idle connection to it (pool-purge-delay, 5 s): otherwise
        # gunicorn's 2 s default may close one just as HAProxy sends a request on it, and the
        # proxy then drops the client's connection (docs/deployment.md#proxy).
        f"--keep-alive={KEEP_ALIVE_SECONDS}",
    ]  # fmt: skip
    with log.open("a") as out:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield server
    finally:
        _stop(server)


@contextmanager
def _haproxy(
    binary: str, folder: Path, port: int, app_port: int, stats_socket: Path, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(stats_socket, port, app_port))
    subprocess.run([binary, "-c", "-q", "-f", str(config)], check=True)
    with log.open("a") as out:
        # -db: in the foreground, so it stops with this run.
        proxy = subprocess.Popen([binary, "-db", "-f", str(config)], stdout=out,
                                 stderr=subprocess.STDOUT)  # fmt: skip
    try:
        yield proxy
    finally:
        _stop(proxy)


def haproxy_config(stats_socket: Path, port: int, app_port: int) -> str:
    """bench/scale_haproxy.cfg filled in: the proxy on PROXY_ADDRESS:port, an instance per
    address of INSTANCES on app_port."""
    servers = "\n".join(f"    server {n} {a}:{app_port}" for n, a in INSTANCES.items())
    return TEMPLATE.read_text().format(
        stats_socket=stats_socket, address=PROXY_ADDRESS, port=port, servers=servers
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _stats(stats_socket: Path) -> list[dict[str, str]]:
    """HAProxy's `show stat` (CSV), one dict per proxy and server."""
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(5)
        connection.connect(str(stats_socket))
        connection.sendall(b"show stat\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return parse_stats(b"".join(chunks).decode())


def parse_stats(text: str) -> list[dict[str, str]]:
    """HAProxy's `show stat` CSV: a "# name,name,..." header, then a line per proxy or server."""
    lines = text.strip().splitlines()
    header = lines[0].lstrip("# ").split(",")
    return [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]


def _wait_all_up(stats_socket: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    status: dict[str, str] = {}
    while time.monotonic() < deadline:
        if stats_socket.exists():
            rows = _stats(stats_socket)
            status = {r["svname"]: r["status"] for r in rows if r["svname"] in INSTANCES}
            if len(status) == len(INSTANCES) and all(s == "UP" for s in status.values()):
                return
        time.sleep(0.5)
    raise SystemExit(f"the instances did not come up behind HAProxy: {status}")


def _haproxy_requests(stats_socket: Path) -> dict[str, int]:
    return requests_per_server(_stats(stats_socket))


def requests_per_server(stats: list[dict[str, str]]) -> dict[str, int]:
    """HTTP requests HAProxy sent to each instance (its health checks are not counted)."""
    return {
        r["svname"]: int(r["req_tot"])
        for r in stats
        if r["pxname"] == "app" and r["svname"] in INSTANCES
    }


def requests_logged(path: Path) -> int:
    """Requests in an instance's access log, HAProxy's health checks left out (the checks of
    this run that go straight to an instance are in)."""
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text().splitlines() if " /health/alive/ " not in line)


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    cookies: dict[str, str]
    body: str


def _request(
    address: str, port: int, method: str, path: str, *, cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None, headers: dict[str, str] | None = None,
) -> Answer:  # fmt: skip
    """One request straight to an instance, as from the TLS proxy; no redirect is followed."""
    connection = http.client.HTTPConnection(address, port, timeout=30)
    sent = {PROXY_HEADER[0]: PROXY_HEADER[1], **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Origin"] = f"https://{address}:{port}"
        sent["Referer"] = f"https://{address}:{port}{path}"
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        jar = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, response.getheader("Location") or "", jar, text)
    finally:
        connection.close()


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf(answer: Answer) -> str:
    match = CSRF_FIELD.search(answer.body)
    assert match, f"no CSRF field in the page (status {answer.status})"
    return match.group(1)


def _sign_in(instance: str, port: int) -> tuple[Any, Any, dict[str, str]]:
    """Signs in through one instance with the password form: the sign-in page, the answer to
    the POST and the session's cookies."""
    page = _request(instance, port, "GET", "/sign-in/")
    cookies = dict(page.cookies)
    signed_in = _request(instance, port, "POST", "/sign-in/", cookies=cookies,
                         form={"email": SIGN_IN_EMAIL, "password": SIGN_IN_PASSWORD,
                               "csrfmiddlewaretoken": _csrf(page)})  # fmt: skip
    cookies.update(signed_in.cookies)
    return page, signed_in, cookies


def _sessions_across(port: int) -> dict[str, Any]:
    """Signs in on A with the password form, uses the cookie on B, signs out on B, tries A."""
    a, b = INSTANCES["a"], INSTANCES["b"]
    page, signed_in, cookies = _sign_in(a, port)
    on_b = _request(b, port, "GET", "/", cookies=cookies)
    home_token = CSRF_FIELD.search(on_b.body)
    signed_out = None
    if home_token:
        form = {"csrfmiddlewaretoken": home_token.group(1)}
        signed_out = _request(b, port, "POST", "/sign-out/", cookies=cookies, form=form)
    after_on_a = _request(a, port, "GET", "/", cookies=cookies)
    return {
        "sign_in_on_a": f"{signed_in.status} -> {signed_in.location}",
        "new_session_cookie": bool(set(signed_in.cookies) - set(page.cookies)),
        "home_on_b_with_cookie_from_a": on_b.status,
        "home_on_b_is_signed_in": on_b.status == 200 and "/sign-out/" in on_b.body,
        "sign_out_on_b": f"{signed_out.status} -> {signed_out.location}" if signed_out else "-",
        "home_on_a_after_sign_out_on_b": f"{after_on_a.status} -> {after_on_a.location}",
        "signed_out_everywhere": after_on_a.status == 302 and "/sign-in/" in after_on_a.location,
    }


def _write_across(port: int, target: dict[str, Any]) -> dict[str, Any]:
    """The manager saves their shared note through A (a fresh session: the last check signed
    out); the next page from B shows it to them and to the other person of the 1:1."""
    a, b = INSTANCES["a"], INSTANCES["b"]
    *_, cookies = _sign_in(a, port)
    marker = f"scale-marker-{int(time.time() * 1000)}"
    before_on_b = _request(b, port, "GET", target["meeting_path"], cookies=cookies)
    token = cookies.get("csrftoken") or "x" * 32
    cookies["csrftoken"] = token
    saved = _request(
        a, port, "POST", target["note_save_path"], cookies=cookies,
        form={"body": f"{target['body']} {marker}".strip(), "version": str(target["version"])},
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    after_on_b = _request(b, port, "GET", target["meeting_path"], cookies=cookies)
    other_name, _, other_value = target["other_cookie"].partition("=")
    other_on_b = _request(b, port, "GET", target["meeting_path"], cookies={other_name: other_value})
    return {
        "note_saved_on_a": saved.status,
        "meeting_page_on_b_before_has_it": marker in before_on_b.body,
        "meeting_page_on_b_after": after_on_b.status,
        "author_sees_it_on_b": marker in after_on_b.body,
        "other_person_sees_it_on_b": other_on_b.status == 200 and marker in other_on_b.body,
    }


def _emails(env: dict[str, str], prefix: str, sink: Sink) -> dict[str, Any]:
    counts = mailing.outcome(env, prefix, sink)
    return {**counts, **outbox_ids_seen(sink.received())}


def outbox_ids_seen(received: list[dict[str, Any]]) -> dict[str, int]:
    """Beyond the run's rows: every email the sink saw that names its outbox row (reminders the
    tick decided for the synthetic organisation included), by Message-ID."""
    ids = Counter(m["message_id"] for m in received if m["message_id"].startswith("<outbox-"))
    return {
        "all_outbox_messages": sum(ids.values()),
        "all_outbox_ids_sent_twice": sum(1 for n in ids.values() if n > 1),
    }


# --- the verdict ----------------------------------------------------------------------------


def failures_of(result: dict[str, Any]) -> list[str]:
    failures = []
    sessions, write = result["sessions"], result["write_across"]
    if not sessions["home_on_b_is_signed_in"]:
        failures.append("the session from A was not signed in on B")
    if not sessions["signed_out_everywhere"]:
        failures.append("signing out on B left the session signed in on A")
    if write["meeting_page_on_b_before_has_it"]:
        failures.append("the marker was on B's page before the save: the check proves nothing")
    if write["note_saved_on_a"] != 200 or not write["author_sees_it_on_b"]:
        failures.append("the note saved through A was not on the page from B")
    if not write["other_person_sees_it_on_b"]:
        failures.append("the other person did not see the note through B")
    if result["soak"]["lost"] or not result["soak"]["saves_acknowledged"]:
        soaked = result["soak"]
        failures.append(
            f"soak: {soaked['lost']} saves lost of {soaked['saves_acknowledged']} acknowledged"
        )
    if result["soak"]["errors"]:
        # Refused or unanswered saves: none in a sound layout (an instance with another
        # SECRET_KEY refuses every other save, for instance).
        samples = ", ".join(result["soak"]["error_samples"][:2])
        failures.append(f"soak: {result['soak']['errors']} saves refused or unanswered ({samples})")
    emails = result["emails"]
    if emails["lost"] or emails["duplicated_rows"] or emails["all_outbox_ids_sent_twice"]:
        failures.append(
            f"emails: {emails['lost']} lost, {emails['duplicated_rows']} rows sent twice, "
            f"{emails['all_outbox_ids_sent_twice']} outbox ids seen twice"
        )
    served = result["per_instance"]["haproxy_requests"]
    if len(served) != len(INSTANCES) or not all(served.values()):
        failures.append(f"an instance served nothing through HAProxy: {served}")
    return failures


def _print(result: dict[str, Any]) -> None:
    sessions, write, soaked = result["sessions"], result["write_across"], result["soak"]
    emails, served = result["emails"], result["per_instance"]
    rows = [
        ("sign in on A (password form)", sessions["sign_in_on_a"]),
        ("home on B with A's cookie", f"{sessions['home_on_b_with_cookie_from_a']}, signed in: "
         f"{_yes(sessions['home_on_b_is_signed_in'])}"),
        ("sign out on B, then home on A", f"{sessions['home_on_a_after_sign_out_on_b']}, "
         f"signed out: {_yes(sessions['signed_out_everywhere'])}"),
        ("note saved through A", str(write["note_saved_on_a"])),
        ("next page from B shows it", f"author {_yes(write['author_sees_it_on_b'])}, other "
         f"person {_yes(write['other_person_sees_it_on_b'])}"),
        (f"soak via HAProxy, {soaked['clients']} clients {soaked['seconds']:.0f} s",
         f"{soaked['saves_acknowledged']:,} saves acknowledged, "
         f"{soaked['acknowledged_found_in_database']:,} found, errors {soaked['errors']}"),
        ("saves lost", str(soaked["lost"])),
        (f"emails ({emails['rows']} outbox rows, 2+2 workers)",
         f"{emails['delivered_once']} once, {emails['lost']} lost, "
         f"{emails['rows_unsent']} unsent"),
        ("emails sent twice", f"{emails['duplicated_rows']} rows; all outbox ids at the sink: "
         f"{emails['all_outbox_ids_sent_twice']} of {emails['all_outbox_messages']}"),
        ("requests per instance (HAProxy)", _pair(served["haproxy_requests"])),
        ("requests per instance (access logs)", _pair(served["access_log_requests"])),
        ("shared Redis cache keys after the checks", str(result["shared_cache_keys"])),
        ("time", ", ".join(f"{k} {v:.0f} s" for k, v in result["timings_seconds"].items())
         + f"; total {result['seconds_total']:.0f} s"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def _pair(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in sorted(counts.items()))


if __name__ == "__main__":
    main()
