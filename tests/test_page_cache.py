"""The shared cache (settings CACHES) and what it keeps per viewer (rapport/pagecache.py,
rapport/versions.py): page data and the rendered content of home and the team view, never stale,
never shared between viewers, each request with its own CSRF token.

The stateful test performs random writes through the services as random members of a small
organisation, and moves the pinned clock; after each step every viewer's home page and team view
(sorted and filtered too), served with the cache on (filled at earlier steps), must equal the same
page rendered with the cache off."""

from __future__ import annotations

import base64
import os
import pickle
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.middleware.csrf import (  # type: ignore[attr-defined]  # no stub for the unmasking
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
)
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from pytest_django import Settings

from rapport import access, env, pagecache, versions
from rapport import views as home_views
from rapport.checkins.services import checkin_submit
from rapport.checkins.window import opens_before, window_of
from rapport.crypto import cache as cache_backends
from rapport.crypto import envelope
from rapport.goals.services import goal_propose
from rapport.home import home_page
from rapport.insights import selectors as insights_selectors
from rapport.insights import views as insights_views
from rapport.insights.models import SignalDismissal
from rapport.meetings.models import ActionItem, Meeting, Note, OneOnOne, TalkingPoint
from rapport.meetings.services import (
    Rule,
    action_add,
    action_set_done,
    day_away_add,
    meeting_reschedule,
    meeting_set_status,
    note_save,
    one_on_one_set_up,
    person_card_save,
    person_change_manager,
    person_update,
    point_add,
    point_delete,
    point_move,
    point_set_discussed,
    schedules_extend_due,
)
from rapport.meetings.views.meeting import AGENDA_SEEN_HEADER as AGENDA_SEEN
from rapport.pagecache import Bulk
from rapport.people.models import Person
from rapport.people.services import working_profile_save
from tests.cast import Cast, build_cast
from tests.clock import TEST_NOW
from tests.insights.test_team_view import overdue_actions
from tests.insights.test_team_view_horizon import second_pair

pytestmark = pytest.mark.django_db

VIEWERS = ("manager", "report", "report_two", "skip_level", "peer_manager", "peer_report", "hr")
# The team view of someone who leads nobody is an empty state without data.
LEADERS = ("manager", "skip_level", "peer_manager")
# Home, the team view, and the team view sorted and filtered (another entry of the HTML cache);
# and the page of the next meeting each leader runs, with that pair's signals.
LEADER_PAGES = ("/", "/insights/team/", "/insights/team/?sort=signals&show=signals")
# What differs between two renders of one page for one viewer, cached or not: the per-request
# CSRF token's mask and the CSP nonce; and the polled agenda's tag, which only the page cache
# gives (checked apart, below: an agenda answered "unchanged" must be unchanged).
NOISE = re.compile(r'(csrfmiddlewaretoken" value=|nonce=|"X-CSRFToken": )"[^"]*"')
AGENDA_TAG = re.compile(r""" hx-headers='\{"X-Rapport-Agenda-Seen": "([0-9a-f]+)"\}'""")


def _normalised(html: str) -> str:
    return AGENDA_TAG.sub("", NOISE.sub("", html))


def test_the_database_cache_table_exists_after_migrate() -> None:
    # The test database was built by migrate, like every other: the people app's migration
    # 0014_shared_cache_table made the table, so the default backend works without a command.
    with override_settings(CACHES={"default": env.cache_from("")}):
        assert env.CACHE_TABLE in connection.introspection.table_names()
        caches["default"].set("probe", {"kept": [1, 2]}, 30)
        assert caches["default"].get("probe") == {"kept": [1, 2]}


def test_the_cache_url_chooses_the_backend() -> None:
    assert env.cache_from("")["BACKEND"] == "rapport.crypto.cache.SealedDatabaseCache"
    assert env.cache_from("redis://127.0.0.1:6379/7") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/7",
        "OPTIONS": {"serializer": "rapport.crypto.cache.SealedRedisSerializer"},
    }
    with pytest.raises(env.ConfigError):
        env.cache_from("memcached://127.0.0.1")


# Redis databases 5 to 14 are this project's for tests (docs/development.md), one for each test
# process (pytest-xdist's gw0, gw1...): one process's FLUSHDB must not empty another's cache.
# 7 is `make scale`'s and 15 the RQ test's.
FREE_REDIS_DATABASES = (5, 6, 8, 9, 10, 11, 12, 13, 14)
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
TEST_REDIS_URL = f"redis://127.0.0.1:6379/{FREE_REDIS_DATABASES[_WORKER % 9]}"


def use_shared_cache(settings: Settings, url: str) -> Any:
    """The cache `url` chooses (RAPPORT_CACHE_URL; "" the database's), emptied; for Redis the
    `redis` module, and a skip when no server answers."""
    redis = None
    if url:
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(url).ping()
        except redis.ConnectionError:
            if os.environ.get("RAPPORT_REQUIRE_REDIS"):  # CI's: a missing Redis fails there
                raise
            pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": env.cache_from(url)}
    cache.clear()
    return redis


@pytest.mark.parametrize("url", ["", TEST_REDIS_URL], ids=["database", "redis"])
def test_the_shared_cache_keeps_values_sealed_and_counters_plain(
    settings: Settings, url: str
) -> None:
    redis = use_shared_cache(settings, url)
    cache.clear()
    secret = "A private point, never in clear"
    cache.set("sealed-probe", {"points": [secret]}, 30)
    cache.add("sealed-added", secret, 30)
    assert cache.get("sealed-probe") == {"points": [secret]}
    assert cache.get_many(["sealed-probe", "sealed-added"])["sealed-added"] == secret
    if url:
        client = redis.Redis.from_url(url)
        raw = [client.get(key) or b"" for key in client.keys("*sealed-*")]
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {env.CACHE_TABLE}")
            raw = [base64.b64decode(value) for (value,) in cursor.fetchall()]
    assert len(raw) == 2 and not any(secret.encode() in value for value in raw)
    # The API's rate limit counts with incr: a number stays a number.
    cache.set("sealed-counter", 1, 30)
    assert cache.incr("sealed-counter") == 2
    cache.clear()


@pytest.mark.parametrize("url", ["", TEST_REDIS_URL], ids=["database", "redis"])
def test_the_previous_release_reads_every_value_but_this_releases_page_entries(
    settings: Settings, url: str
) -> None:
    # During a rolling deploy both releases share the cache: the people's versions, the
    # navigation's depths and the rate limits must stay in the text form the previous release
    # reads. Page entries, under keys that name the release, are sealed as bytes.
    redis = use_shared_cache(settings, url)
    cache.set("shared-value", {"version": "v1"}, 30)
    cache.set("page-entry", Bulk(("v1", "<p>kept page</p>")), 30)
    assert cache.get("page-entry") == Bulk(("v1", "<p>kept page</p>"))
    backend = caches["default"]
    raw: dict[str, bytes | str] = {}
    for name in ("shared-value", "page-entry"):
        key = backend.make_and_validate_key(name)
        if url:
            raw[name] = redis.Redis.from_url(url).get(key)
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT value FROM {env.CACHE_TABLE} WHERE cache_key = %s",
                    [key],
                )
                (stored,) = cursor.fetchone()
            raw[name] = pickle.loads(base64.b64decode(stored)).sealed

    def previous_release_reads(sealed: bytes | str) -> object:
        text = sealed if isinstance(sealed, str) else sealed.decode("ascii")
        return pickle.loads(base64.b64decode(envelope.open_text(text)))

    assert previous_release_reads(raw["shared-value"]) == {"version": "v1"}
    page = raw["page-entry"]
    assert isinstance(page, bytes) and not page.startswith(envelope.PREFIX.encode())
    assert b"kept page" not in page
    cache.clear()


@pytest.mark.parametrize("url", ["", TEST_REDIS_URL], ids=["database", "redis"])
def test_values_the_previous_release_sealed_as_text_are_still_read(
    settings: Settings, url: str
) -> None:
    # A value the previous release stored (its pickle sealed as base64 text, `enc:v1:`, as the
    # columns are, written by its own backend) is read by this one: during a rolling deploy
    # both share the people's versions and the navigation's depths.
    redis = use_shared_cache(settings, url)
    value = {"version": "a1b2", "points": ["kept by the previous release"]}
    former = envelope.seal(base64.b64encode(pickle.dumps(value)).decode("ascii"))
    backend = caches["default"]
    key = backend.make_and_validate_key("former-form")
    if url:
        redis.Redis.from_url(url).set(key, former.encode("ascii"), ex=30)
    else:
        # As the previous release's backend stored it: Django's own set, around the text.
        DatabaseCache._base_set(backend, "set", key, cache_backends._Sealed(former), 30)  # type: ignore[attr-defined]
    assert cache.get("former-form") == value
    cache.set("former-form", value, 30)  # and written back in the new form
    assert cache.get("former-form") == value
    cache.clear()


@pytest.mark.parametrize("url", ["", TEST_REDIS_URL], ids=["database", "redis"])
def test_page_data_is_kept_per_viewer_until_their_version_moves(
    settings: Settings, url: str
) -> None:
    use_shared_cache(settings, url)
    settings.RAPPORT_PAGE_CACHE = True
    cache.clear()
    built: list[tuple[int, datetime]] = []

    def page_of(viewer: int, now: datetime) -> object:
        def build(moment: datetime) -> object:
            built.append((viewer, moment))
            return {"viewer": viewer, "as_of": moment}

        return pagecache.page_data("home", viewer, now, build)

    # Within one minute whatever the pinned instant (42 s past it crossed into the next one
    # when the suite ran as of 23:59:30).
    minute = pagecache.as_of(TEST_NOW)
    now = minute + timedelta(seconds=42)
    assert page_of(1, now) == {"viewer": 1, "as_of": minute}
    assert page_of(1, now + timedelta(seconds=10)) == {"viewer": 1, "as_of": minute}
    assert page_of(2, now) == {"viewer": 2, "as_of": minute}
    versions.bump_people([1])
    page_of(1, now)
    page_of(2, now)
    page_of(1, now + timedelta(minutes=1))
    assert built == [
        (1, minute),
        (2, minute),
        (1, minute),
        (1, minute + timedelta(minutes=1)),
    ]


def test_an_entry_kept_by_another_release_is_never_read(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shared cache outlives a deploy: an entry of an older shape (the meeting page's data
    # was a tuple before it was a dataclass) must not reach the new code, even when nothing
    # was written in between. The release is the digest of the code and templates.
    use_shared_cache(settings, "")
    settings.RAPPORT_PAGE_CACHE = True
    cache.clear()
    assert re.fullmatch(r"[0-9a-f]{12}", pagecache.release_digest())
    monkeypatch.setattr(pagecache, "release_digest", lambda: "release-one")
    assert pagecache.page_data("meeting-1", 1, TEST_NOW, lambda _: ("old", "shape")) == (
        "old",
        "shape",
    )
    monkeypatch.setattr(pagecache, "release_digest", lambda: "release-two")
    assert pagecache.page_data("meeting-1", 1, TEST_NOW, lambda _: {"new": "shape"}) == {
        "new": "shape"
    }
    # An instance still on the old release (a rolling deploy) reads its own entry.
    monkeypatch.setattr(pagecache, "release_digest", lambda: "release-one")
    assert pagecache.page_data("meeting-1", 1, TEST_NOW, lambda _: "built again") == (
        "old",
        "shape",
    )


def test_a_release_that_changes_only_a_translation_keys_every_entry_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Home and the team view are kept until their horizon, up to a day: a release that only
    # changes wording (the compiled catalogues) must not leave them in the old words.
    before = pagecache.release_digest.__wrapped__()
    read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        return read(path) + (b"a new wording" if path.suffix == ".mo" else b"")

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert pagecache.release_digest.__wrapped__() != before


def test_a_bump_after_commit_abandons_what_a_reader_stored_meanwhile(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = Person.objects.create_user("v@example.com", "x", name="V")
    before = versions.of_person(person.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        versions.bump_people([person.pk])
        inside = versions.of_person(person.pk)
        # A reader between the write and its commit stores under `inside`...
    assert inside != before and len(callbacks) == 1
    callbacks[0]()
    # ... which nobody asks for once the write has committed.
    assert versions.of_person(person.pk) not in (before, inside)


def _agenda_of(client: Client, poll: str) -> str:
    """The agenda as the poll renders it now, with no tag sent."""
    with override_settings(RAPPORT_PAGE_CACHE=False):
        return _page(client, poll)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _normalised(response.content.decode())


@pytest.fixture
def html_cache(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The page cache on, the clock still within one minute; yields the templates that
    `page_content` rendered (an HTML cache hit renders none)."""
    settings.RAPPORT_PAGE_CACHE = True
    cache.clear()
    rendered: list[str] = []
    real = pagecache.render_to_string

    def render_to_string(template: str, *args: Any, **kwargs: Any) -> str:
        rendered.append(template)
        return real(template, *args, **kwargs)

    monkeypatch.setattr(pagecache, "render_to_string", render_to_string)
    with time_machine.travel(TEST_NOW + timedelta(seconds=5), tick=False):
        yield rendered


def _signed_in(person: Person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


CARD = "insights/team.html#member-card"
ROW = "home/_triage_row.html"


def _team_of(manager: Person) -> list[Person]:
    return list(manager.reports.filter(is_active=True))


def test_two_viewers_never_get_each_others_html(cast: Cast, html_cache: list[str]) -> None:
    overdue_actions(cast.one_on_one)
    manager, peer = _signed_in(cast.manager), _signed_in(cast.peer_manager)
    pages = ("/", "/insights/team/", "/insights/team/?sort=signals&show=signals")
    first = {
        (who, url): client.get(url)
        for url in pages
        for who, client in (("m", manager), ("p", peer))
    }
    # Each page's content once per viewer; each report's card once per viewer, whichever view
    # of the team shows it (the sorted and filtered one reuses the cards of the plain one).
    contents = [name for name in html_cache if name not in (CARD, ROW)]
    assert len(contents) == 6
    assert html_cache.count(CARD) == len(_team_of(cast.manager)) + len(_team_of(cast.peer_manager))
    rendered = len(html_cache)
    for url in pages:
        mine, theirs = manager.get(url).content.decode(), peer.get(url).content.decode()
        assert "Rui Report" in mine and "Rui Report" not in theirs
        assert "Overdue thing" not in theirs and "Priya Peer" not in mine
        assert _normalised(mine) == _normalised(first["m", url].content.decode())
        assert _normalised(theirs) == _normalised(first["p", url].content.decode())
    # The second visits were the kept HTML: nothing rendered again.
    assert len(html_cache) == rendered
    # The filtered team view is its own entry: Rosa (no signal) is not in it.
    filtered = manager.get(pages[2]).content.decode()
    assert "Rosa Report" in manager.get(pages[1]).content.decode()
    assert "Rosa Report" not in filtered and 'value="signals" selected' in filtered


@pytest.fixture
def facts_read(monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """The pairs of each reading of the team's facts, counted where every reading goes,
    whoever calls `team_view` (a module that imported it by name still calls this)."""
    built: list[set[int]] = []
    real = insights_selectors._read_facts

    def read_facts(by_pair: dict[int, Any], *args: Any) -> None:
        built.append(set(by_pair))
        real(by_pair, *args)

    monkeypatch.setattr(insights_selectors, "_read_facts", read_facts)
    return built


def test_home_and_the_team_view_read_the_teams_facts_once_a_minute_between_writes(
    cast: Cast, html_cache: list[str], facts_read: list[set[int]]
) -> None:
    built = facts_read
    manager = _signed_in(cast.manager)
    home = manager.get("/").content.decode()
    team = manager.get("/insights/team/").content.decode()
    assert built == [{cast.one_on_one.pk}], "the team view read what home had kept"
    assert "Rui Report" in home and "Rui Report" in team
    # A write concerning the manager: the next page, whichever it is, reads the facts anew...
    action_add(
        one_on_one=cast.one_on_one,
        meeting=None,
        owner=cast.report,
        text="Book the offsite",
        due_on=None,
        by=cast.manager,
    )
    team = manager.get("/insights/team/").content.decode()
    assert "2 open" in team, "the cast's action and this one"
    assert manager.get("/").status_code == 200
    assert built == [{cast.one_on_one.pk}] * 2
    # ... and both equal the pages drawn without the cache.
    with override_settings(RAPPORT_PAGE_CACHE=False):
        assert _page(manager, "/insights/team/") == _normalised(team)


def test_a_write_about_one_report_reads_that_pairs_facts_again_and_no_other(
    cast: Cast, html_cache: list[str], facts_read: list[set[int]]
) -> None:
    second = second_pair(cast, timezone.now())
    built = facts_read
    manager = _signed_in(cast.manager)
    manager.get("/insights/team/")
    assert built == [{cast.one_on_one.pk, second.pk}]
    manager.get("/")
    # An action in the 1:1 with Rosa: the team view is built again from Rui's member as kept
    # and Rosa's read anew (and the other way round), and equals the page drawn without cache.
    for pair, text in ((second, "Send the agenda"), (cast.one_on_one, "Book the offsite")):
        built.clear()
        html_cache.clear()
        action_add(
            one_on_one=pair,
            meeting=None,
            owner=pair.report,
            text=text,
            due_on=None,
            by=cast.manager,
        )
        team = manager.get("/insights/team/").content.decode()
        assert built == [{pair.pk}]
        assert html_cache == [CARD, "insights/team.html#content"], "that report's card alone"
        # Home renders that report's rows of the board alone.
        html_cache.clear()
        manager.get("/")
        board = home_page(cast.manager, now=timezone.now(), keep=False).home.board
        assert board is not None
        rows = [*board.today, *board.week, *board.week_quiet, *board.later]
        assert html_cache.count(ROW) == len([r for r in rows if r.other == pair.report]) > 0
        assert len(rows) > html_cache.count(ROW)
        with override_settings(RAPPORT_PAGE_CACHE=False):
            assert _page(manager, "/insights/team/") == _normalised(team)
    # The report's own home is theirs alone: it reads nothing of the team's.
    built.clear()
    _signed_in(cast.report).get("/")
    assert built == []


def test_a_note_saved_leaves_every_kept_page_and_agenda_poll_as_they_were(
    cast: Cast, html_cache: list[str]
) -> None:
    # The meeting page reads the notes on each visit; nothing kept shows them. A note autosaved
    # every few seconds during a 1:1 moves neither person's pages: their agenda polls go on
    # answering "unchanged", their kept pages are served as kept, the note shows at once.
    manager, report = _signed_in(cast.manager), _signed_in(cast.report)
    meeting = reverse("meetings:meeting", args=[cast.meeting.uuid])
    pages = {manager: ("/", "/insights/team/", meeting), report: ("/", meeting)}
    first = {(client, url): _page(client, url) for client, urls in pages.items() for url in urls}
    tags = {}
    for client in pages:
        found = AGENDA_TAG.search(client.get(meeting).content.decode())
        assert found is not None
        tags[client] = found.group(1)
    html_cache.clear()

    note = note_save(
        meeting=cast.meeting,
        author=cast.manager,
        kind=Note.Kind.SHARED,
        body="Typed during the 1:1",
        base_version=0,
    )
    note_save(
        meeting=cast.meeting,
        author=cast.manager,
        kind=Note.Kind.SHARED,
        body="Typed during the 1:1, and more",
        base_version=note.version,
    )
    after = {}
    for client, urls in pages.items():
        poll = client.get(
            meeting + "agenda/", headers={"HX-Request": "true", AGENDA_SEEN: tags[client]}
        )
        assert poll.status_code == 204, "the agenda did not change"
        after.update({(client, url): _page(client, url) for url in urls})
    assert html_cache == [], "every kept part served as kept"
    for (client, url), page in after.items():
        if url == meeting:
            assert "Typed during the 1:1, and more" in page
        else:
            assert page == first[client, url]
        with override_settings(RAPPORT_PAGE_CACHE=False):
            assert page == _page(client, url)


def test_the_worker_extending_one_pairs_schedule_rebuilds_that_pair_alone(
    cast: Cast, html_cache: list[str], facts_read: list[set[int]]
) -> None:
    # The worker keeps every pair's meetings ten weeks ahead, a few pairs a day in a large
    # organisation. Each extension is a write in that 1:1: it moves its two people's pages,
    # not everyone's (it once moved every page of the organisation, every time).
    now = timezone.now()
    second = second_pair(cast, now)
    one_on_one_set_up(
        manager=cast.peer_manager,
        report=cast.peer_report,
        rule=Rule("weekly", 2, time(10, 0), 30, timezone.localdate(now)),
        by=cast.peer_manager,
        confirmed_out_of_hours=True,
    )
    manager, peer, report = (
        _signed_in(person) for person in (cast.manager, cast.peer_manager, cast.report)
    )
    pages = {manager: ("/", "/insights/team/"), peer: ("/", "/insights/team/"), report: ("/",)}
    first = {(client, url): _page(client, url) for client, urls in pages.items() for url in urls}
    # Rosa's pair as if set up five weeks ago: its meetings run out in five weeks.
    until = now + timedelta(weeks=5)
    second.meetings.filter(scheduled_for__gt=until).delete()
    OneOnOne.objects.filter(pk=second.pk).update(scheduled_until=until)
    meetings = second.meetings.count()
    facts_read.clear()
    html_cache.clear()

    assert schedules_extend_due(now=now) > 0
    assert second.meetings.count() > meetings
    for client in (peer, report):
        for url in pages[client]:
            assert _page(client, url) == first[client, url]
    assert html_cache == [] and facts_read == [], "the others' pages were kept"
    team = _page(manager, "/insights/team/")
    assert facts_read == [{second.pk}], "Rosa's pair read anew, Rui's kept"
    assert html_cache == [CARD, "insights/team.html#content"]
    with override_settings(RAPPORT_PAGE_CACHE=False):
        assert _page(manager, "/insights/team/") == team


@pytest.mark.parametrize("page", ["/insights/team/", "/"], ids=["card", "row"])
def test_a_piece_built_from_data_read_before_a_write_is_not_kept(
    cast: Cast, html_cache: list[str], monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    # A review found it: a report's card was built from the member the request had read, and
    # a row of home's board from the board, each kept under the version read after it. A write
    # landing between the two reads left the piece of before the write kept under the version
    # after it, until its horizon: here an action (the card's count) or a point (the row's).
    module, name = (insights_views, "_member_cards") if page != "/" else (home_views, "_triage")
    real = getattr(module, name)
    raced: list[bool] = []

    def racing(*args: Any) -> Any:
        if not raced:
            raced.append(True)
            if page == "/":
                point_add(
                    one_on_one=cast.one_on_one,
                    author=cast.report,
                    text="Racing",
                    section="connection",
                )
            else:
                action_add(
                    one_on_one=cast.one_on_one,
                    meeting=None,
                    owner=cast.report,
                    text="Racing",
                    due_on=None,
                    by=cast.report,
                )
        return real(*args)

    monkeypatch.setattr(module, name, racing)
    manager = _signed_in(cast.manager)
    manager.get(page)
    again = _page(manager, page)
    with override_settings(RAPPORT_PAGE_CACHE=False):
        assert again == _page(manager, page)


def test_home_keeps_its_content_or_its_data_never_both(
    cast: Cast, html_cache: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list[str] = []

    class Recorded:
        """The shared cache, noting the kind of each entry the page cache stores."""

        def set(self, key: str, *rest: Any) -> None:
            kept.append(key.split(":")[1])
            cache.set(key, *rest)

        def set_many(self, entries: dict[str, Any], *rest: Any) -> list[str]:
            kept.extend(key.split(":")[1] for key in entries)
            return cache.set_many(entries, *rest)

        def __getattr__(self, name: str) -> Any:
            return getattr(cache, name)

    monkeypatch.setattr(pagecache, "cache", Recorded())
    # A manager's home: its content is kept, with the team's facts it read (each pair's member,
    # which the team view reads too) and each row of its board (today's and later rows here),
    # but not home's data, which only a missing content would be built from.
    _signed_in(cast.manager).get("/")
    assert sorted(set(kept)) == ["html-home", "piece-home-row", "piece-team-member"]
    assert kept[0] == "piece-team-member" and kept[-1] == "html-home"
    kept.clear()
    # HR's home shows the organisation overview, rendered each time: its data is kept.
    _signed_in(cast.hr).get("/")
    assert kept == ["home"]


def test_an_entry_of_a_version_gone_is_turned_away_unopened(html_cache: list[str]) -> None:
    # The kept data is unpickled only under the viewer's current version: a payload that
    # cannot be unpickled is turned away unread when its version is gone, and read (and
    # refused) when it is current. A team view's data takes milliseconds to unpickle, and
    # after every write the first reader finds the entry of the version before.
    now = timezone.now()
    moment = pagecache.as_of(now)
    key = pagecache._key("probe", 1, moment)
    gone = versions.of_person(1)
    minute = (moment, moment + pagecache.MINUTE)
    cache.set(key, Bulk((gone, *minute, b"not a pickle")), 30)
    versions.bump_people([1])
    assert pagecache.page_data("probe", 1, now, lambda moment: "built anew") == "built anew"
    cache.set(key, Bulk((versions.of_person(1), *minute, b"not a pickle")), 30)
    with pytest.raises(pickle.UnpicklingError):
        pagecache.page_data("probe", 1, now, lambda moment: "built anew")


def test_a_cached_pages_csrf_token_is_the_requests_own_and_a_post_with_it_is_accepted(
    cast: Cast, html_cache: list[str]
) -> None:
    overdue_actions(cast.one_on_one)
    # The same manager signed in twice (two browsers): one HTML entry, two CSRF secrets.
    one, two = _signed_in(cast.manager), _signed_in(cast.manager)
    one.get("/insights/team/")
    body = two.get("/insights/team/").content.decode()
    assert [name for name in html_cache if name not in (CARD, ROW)] == [
        "insights/team.html#content"
    ]
    secret = two.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert secret != one.cookies[django_settings.CSRF_COOKIE_NAME].value
    tokens = TOKEN.findall(body)
    # The sign-out form of the layout and the dismiss form of each signal in the content.
    assert len(tokens) >= 2
    assert all(len(token) == CSRF_TOKEN_LENGTH for token in tokens)
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    form = re.search(
        r'<form method="post" action="([^"]*)"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]*)">\s*<input type="hidden" '
        r'name="rule" value="overdue_actions">\s*<input type="hidden" '
        r'name="since" value="([^"]*)">',
        body,
    )
    assert form is not None
    action, token, since = form.groups()
    payload = {"rule": "overdue_actions", "since": since, "reason": "On holiday"}
    # The other browser's token is refused for this one, and nothing is written...
    other = TOKEN.findall(one.get("/insights/team/").content.decode())[-1]
    assert two.post(action, {**payload, "csrfmiddlewaretoken": other}).status_code == 403
    assert not SignalDismissal.objects.exists()
    # ... its own token, from the kept HTML, is accepted.
    assert two.post(action, {**payload, "csrfmiddlewaretoken": token}).status_code == 302
    assert SignalDismissal.objects.get().reason == "On holiday"
    # The dismissal bumped the manager's version: the next page is rendered anew.
    assert "1 signal dismissed" in two.get("/insights/team/").content.decode()


class PagesMatchWithoutTheCache(RuleBasedStateMachine):
    """A small organisation: Sam leads Mia and Pete, Mia leads Rui and Rosa, Pete leads Priya,
    Hana is HR. Each has a 1:1 with their manager."""

    # The random runs start at the suite's instant (CI moves it to hostile ones).
    starts_at: datetime = TEST_NOW

    def __init__(self) -> None:
        super().__init__()
        self.clock = time_machine.travel(self.starts_at, tick=False)
        self.traveller = self.clock.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        cache.clear()
        self.cast = build_cast()
        cast = self.cast
        start = timezone.localdate()
        for manager, report in (
            (cast.manager, cast.report_two),
            (cast.peer_manager, cast.peer_report),
            (cast.skip_level, cast.manager),
        ):
            one_on_one_set_up(
                manager=manager,
                report=report,
                rule=Rule("weekly", 1, time(9, 30), 30, start),
                by=manager,
                confirmed_out_of_hours=True,
            )
        self.writes = 0
        self.refusals: list[Exception] = []
        # Per leader: their next meeting's agenda address, the tag their page gave its poll,
        # and the agenda as it was then.
        self.agendas_seen: dict[str, tuple[str, str, str]] = {}
        self.polls: Counter[int] = Counter()  # the polls' answers, by status
        self.people = {role: getattr(cast, role) for role in (*VIEWERS, "admin")}
        self.clients = {}
        for role in VIEWERS:
            client = Client()
            client.force_login(self.people[role])
            self.clients[role] = client

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.clock.stop()

    # --- helpers ---------------------------------------------------------------------------

    def _person(self, role: str) -> Person:
        person = Person.objects.get(pk=self.people[role].pk)
        return person

    def _pair(self, index: int) -> OneOnOne:
        pairs = list(OneOnOne.objects.order_by("pk"))
        return pairs[index % len(pairs)]

    def _meeting(self, index: int, *, open_only: bool = True) -> Meeting | None:
        meetings = Meeting.objects.filter(scheduled_for__lt=timezone.now() + timedelta(days=10))
        if open_only:
            meetings = meetings.filter(status=Meeting.Status.UPCOMING)
        found = list(meetings.order_by("scheduled_for", "pk")[:12])
        return found[index % len(found)] if found else None

    def _actor(self, by: str, pair: OneOnOne) -> Person:
        if by == "pair-manager":
            return self._person_pk(pair.manager_id)
        if by == "pair-report":
            return self._person_pk(pair.report_id)
        return self._person(by)

    def _person_pk(self, pk: int) -> Person:
        return Person.objects.get(pk=pk)

    def _attempt(self, write: Any) -> None:
        # A refused or invalid write changes nothing: its savepoint is rolled back.
        try:
            with transaction.atomic():
                write()
        except (access.Refused, ValidationError) as refusal:
            self.refusals.append(refusal)
            return
        self.writes += 1

    # --- writes ----------------------------------------------------------------------------

    # Mostly one of the pair's own people (their writes go through), else anyone (refused).
    actor = st.sampled_from(("pair-manager", "pair-report") * 2 + (*VIEWERS, "admin"))
    index = st.integers(min_value=0, max_value=11)

    @rule(by=actor, pair=index, private=st.booleans())
    def add_point(self, by: str, pair: int, private: bool) -> None:
        one_on_one = self._pair(pair)
        self._attempt(
            lambda: point_add(
                one_on_one=one_on_one,
                author=self._actor(by, one_on_one),
                text=f"Point by {by}",
                section="connection",
                is_private=private,
            )
        )

    @rule(by=actor, which=index)
    def remove_point(self, by: str, which: int) -> None:
        points = list(TalkingPoint.objects.order_by("pk"))
        if points:
            point = points[which % len(points)]
            self._attempt(lambda: point_delete(point=point, by=self._actor(by, point.one_on_one)))

    def _open_point(self, pair: int, which: int) -> tuple[TalkingPoint, Meeting] | None:
        """One of the pair's points not yet discussed (in the order they were added), with the
        pair's next open meeting: the one the leaders' check shows."""
        one_on_one = self._pair(pair)
        points = list(
            TalkingPoint.objects.filter(
                one_on_one=one_on_one, discussed_in__isnull=True, recurring_source__isnull=True
            ).order_by("pk")
        )
        meeting = (
            Meeting.objects.filter(one_on_one=one_on_one, status=Meeting.Status.UPCOMING)
            .order_by("scheduled_for")
            .first()
        )
        if not points or meeting is None:
            return None
        return points[which % len(points)], meeting

    @rule(by=actor, pair=index, which=index)
    def discuss_point(self, by: str, pair: int, which: int) -> None:
        if found := self._open_point(pair, which):
            point, meeting = found
            self._attempt(
                lambda: point_set_discussed(
                    point=point,
                    meeting=meeting,
                    discussed=True,
                    by=self._actor(by, point.one_on_one),
                )
            )

    @rule(by=actor, pair=index, which=index, up=st.booleans())
    def move_point(self, by: str, pair: int, which: int, up: bool) -> None:
        if found := self._open_point(pair, which):
            point, meeting = found
            self._attempt(
                lambda: point_move(
                    point=point, meeting=meeting, up=up, by=self._actor(by, point.one_on_one)
                )
            )

    @rule(by=actor, pair=index, shared=st.booleans(), n=index)
    def write_note(self, by: str, pair: int, shared: bool, n: int) -> None:
        # The kept meeting page reads the notes on each visit: a note saved since shows at once.
        one_on_one = self._pair(pair)
        meeting = (
            Meeting.objects.filter(one_on_one=one_on_one, status=Meeting.Status.UPCOMING)
            .order_by("scheduled_for")
            .first()
        )
        if meeting is None:
            return
        author = self._actor(by, one_on_one)
        kind = Note.Kind.SHARED if shared else Note.Kind.PRIVATE
        current = Note.objects.filter(meeting=meeting, author=author, kind=kind).first()
        self._attempt(
            lambda: note_save(
                meeting=meeting,
                author=author,
                kind=kind,
                body=f"Note {n} by {by}",
                base_version=current.version if current else 0,
            )
        )

    @rule(by=actor, pair=index, days=st.integers(min_value=-3, max_value=5))
    def add_action(self, by: str, pair: int, days: int) -> None:
        one_on_one = self._pair(pair)
        self._attempt(
            lambda: action_add(
                one_on_one=one_on_one,
                meeting=None,
                owner=one_on_one.report,
                text="Follow up",
                due_on=timezone.now().date() + timedelta(days=days),
                by=self._actor(by, one_on_one),
                already_late=days < 0,
            )
        )

    @rule(by=actor, which=index, done=st.booleans())
    def tick_action(self, by: str, which: int, done: bool) -> None:
        actions = list(ActionItem.objects.order_by("pk"))
        if actions:
            action = actions[which % len(actions)]
            self._attempt(
                lambda: action_set_done(
                    action=action, done=done, by=self._actor(by, action.one_on_one)
                )
            )

    @rule(by=actor, which=index, mood=st.integers(min_value=1, max_value=5))
    def check_in(self, by: str, which: int, mood: int) -> None:
        now = timezone.now()
        open_now = [
            meeting
            for meeting in Meeting.objects.filter(status=Meeting.Status.UPCOMING).order_by("pk")
            if window_of(meeting).is_open(now)
        ]
        if open_now:
            meeting = open_now[which % len(open_now)]
            self._attempt(
                lambda: checkin_submit(
                    meeting=meeting,
                    by=self._actor(by, meeting.one_on_one),
                    mood=mood,
                    energy=3,
                    workload=mood,
                )
            )

    @rule(
        by=actor,
        which=index,
        status=st.sampled_from(
            (Meeting.Status.HELD, Meeting.Status.CANCELLED, Meeting.Status.SKIPPED)
        ),
    )
    def set_status(self, by: str, which: int, status: str) -> None:
        meeting = self._meeting(which, open_only=False)
        if meeting is not None:
            self._attempt(
                lambda: meeting_set_status(
                    meeting=meeting,
                    status=status,
                    reason="",
                    by=self._actor(by, meeting.one_on_one),
                )
            )

    @rule(by=actor, which=index, hours=st.integers(min_value=-30, max_value=30))
    def reschedule(self, by: str, which: int, hours: int) -> None:
        meeting = self._meeting(which)
        if meeting is not None:
            self._attempt(
                lambda: meeting_reschedule(
                    meeting=meeting,
                    to=meeting.scheduled_for + timedelta(hours=hours),
                    by=self._actor(by, meeting.one_on_one),
                    confirmed_out_of_hours=True,
                )
            )

    @rule(by=actor, pair=index)
    def propose_goal(self, by: str, pair: int) -> None:
        one_on_one = self._pair(pair)
        self._attempt(
            lambda: goal_propose(
                one_on_one=one_on_one,
                by=self._actor(by, one_on_one),
                kind="career",
                title="Give a talk",
                specific="One talk",
                metric="talks",
                unit="talks",
                baseline=Decimal(0),
                target=Decimal(1),
                confidence=6,
                realistic_because="A CFP is open",
                due_on=timezone.now().date() + timedelta(days=60),
            )
        )

    @rule(
        by=st.sampled_from((*VIEWERS, "admin")),
        who=st.sampled_from(VIEWERS),
        days=st.integers(min_value=0, max_value=3),
    )
    def days_away(self, by: str, who: str, days: int) -> None:
        first = timezone.now().date() + timedelta(days=days)
        self._attempt(
            lambda: day_away_add(
                person=self._person(who),
                starts_on=first,
                ends_on=first + timedelta(days=2),
                kind="holiday",
                by=self._person(by),
            )
        )

    @rule(
        by=st.sampled_from(("hr", "admin", "manager")),
        to=st.sampled_from(("manager", "peer_manager")),
    )
    def change_manager(self, by: str, to: str) -> None:
        self._attempt(
            lambda: person_change_manager(
                person=self._person("report_two"), new_manager=self._person(to), by=self._person(by)
            )
        )

    @rule(by=st.sampled_from(("admin", "hr")), who=st.sampled_from(VIEWERS), n=index)
    def rename(self, by: str, who: str, n: int) -> None:
        person = self._person(who)
        self._attempt(
            lambda: person_update(
                person=person,
                name=f"Renamed {who} {n}",
                title=person.title,
                timezone=person.timezone,
                role=person.role,
                manager=person.manager,
                started_on=person.started_on,
                by=self._person(by),
            )
        )

    @rule(by=actor, pair=index, n=index)
    def write_card(self, by: str, pair: int, n: int) -> None:
        # The manager's person card, beside the agenda on their meeting page.
        one_on_one = self._pair(pair)
        self._attempt(
            lambda: person_card_save(
                one_on_one=one_on_one,
                by=self._actor(by, one_on_one),
                motivators=f"Motivated by {n}",
            )
        )

    @rule(by=actor, pair=index, n=index, shared=st.booleans())
    def write_profile(self, by: str, pair: int, n: int, shared: bool) -> None:
        # The report's working-with-me profile: what they share shows on their manager's
        # meeting page.
        one_on_one = self._pair(pair)
        self._attempt(
            lambda: working_profile_save(
                person=one_on_one.report,
                by=self._actor(by, one_on_one),
                answers={"how_i_work": f"Mornings {n}"},
                shared={"how_i_work"} if shared else set(),
            )
        )

    @rule(minutes=st.sampled_from((1, 29, 60 * 5, 60 * 24, 60 * 24 * 3)))
    def advance_clock(self, minutes: int) -> None:
        self.advance_clock_by(timedelta(minutes=minutes))

    def advance_clock_by(self, span: timedelta) -> None:
        self.traveller.shift(span)
        # A long run moves the clock past a session's two weeks: everyone signs in again, as
        # they would (an expired session is answered with the sign-in page, not the pages
        # compared here).
        for role, client in self.clients.items():
            client.force_login(self.people[role])

    @rule(
        edge=st.sampled_from(("next start", "check-in opens", "midnight")),
        seconds=st.integers(-61, 121),
    )
    def advance_to_an_edge(self, edge: str, seconds: int) -> None:
        """To about when home or the team view reads differently by time alone
        (pagecache.Horizon): a meeting's start, a check-in's opening, the manager's midnight,
        a minute either side."""
        now = timezone.now()
        if edge != "midnight":
            ahead = opens_before() if edge == "check-in opens" else timedelta(0)
            upcoming = Meeting.objects.filter(
                status=Meeting.Status.UPCOMING, scheduled_for__gt=now + ahead
            ).order_by("scheduled_for")
            start = upcoming.values_list("scheduled_for", flat=True).first()
            target = start - ahead if start else None
        else:
            zone = ZoneInfo(self.people["manager"].timezone)
            tomorrow = now.astimezone(zone).date() + timedelta(days=1)
            target = datetime.combine(tomorrow, time(0), tzinfo=zone)
        if target is None or target + timedelta(seconds=seconds) <= now:
            return
        self.advance_clock_by(target + timedelta(seconds=seconds) - now)

    # --- the check -------------------------------------------------------------------------

    def _meeting_page(self, role: str) -> tuple[str, ...]:
        """The page of the next open meeting the leader runs, which shows that pair's signals
        (kept in the page cache too); none when they run none."""
        meeting = (
            Meeting.objects.filter(
                one_on_one__manager=self.people[role],
                one_on_one__status=OneOnOne.Status.ACTIVE,
                status=Meeting.Status.UPCOMING,
            )
            .order_by("scheduled_for", "pk")
            .first()
        )
        return (reverse("meetings:meeting", args=[meeting.uuid]),) if meeting else ()

    @invariant()
    def every_cached_page_equals_the_page_without_cache(self) -> None:
        for role, client in self.clients.items():
            pages = (*LEADER_PAGES, *self._meeting_page(role)) if role in LEADERS else ("/",)
            for url in pages:
                cached = _page(client, url)
                with override_settings(RAPPORT_PAGE_CACHE=False):
                    fresh = _page(client, url)
                assert cached == fresh, f"{role}'s {url} served stale or foreign data"

    @invariant()
    def an_agenda_answered_unchanged_is_unchanged(self) -> None:
        # The meeting page's poll sends back the tag its page gave it; a 204 keeps the agenda
        # the page shows. Whatever was written meanwhile, that must be the agenda of now.
        for role in LEADERS:
            client = self.clients[role]
            seen = self.agendas_seen.pop(role, None)
            if seen is not None:
                poll, tag, then = seen
                answer = client.get(poll, headers={"HX-Request": "true", AGENDA_SEEN: tag})
                # 404 once the pair has closed (a change of manager) or the meeting gone.
                assert answer.status_code in (200, 204, 404), answer.status_code
                self.polls[answer.status_code] += 1
                if answer.status_code == 204:
                    now = _agenda_of(client, poll)
                    assert now == then, f"{role}'s poll was told nothing changed"
            for page in self._meeting_page(role):
                found = AGENDA_TAG.search(client.get(page).content.decode())
                assert found, f"{role}'s meeting page gives its poll no tag"
                poll = page + "agenda/"
                self.agendas_seen[role] = (poll, found.group(1), _agenda_of(client, poll))


def test_cached_pages_equal_pages_without_cache(settings: Settings) -> None:
    settings.RAPPORT_PAGE_CACHE = True
    run_state_machine_as_test(PagesMatchWithoutTheCache, settings=settings_for("fast"))


class FromAQuietWednesday(PagesMatchWithoutTheCache):
    """The scripted run starts where every step has something to act on (a check-in window
    opens four days later): at some hostile instants none is open then, and the check-in would
    check nothing."""

    starts_at = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


def test_each_kind_of_write_shows_at_once_on_every_cached_page(settings: Settings) -> None:
    # Every rule once, by someone allowed, each followed by the check: a service that forgets
    # its bump fails here on every run, not only when the random runs above happen on it.
    settings.RAPPORT_PAGE_CACHE = True
    machine = FromAQuietWednesday()
    steps = (
        lambda: machine.add_point(by="pair-manager", pair=0, private=False),
        lambda: machine.add_point(by="pair-report", pair=1, private=True),
        # The manager's checked meeting page is the second pair's: two points of theirs there,
        # the second moved up, then the first ticked.
        lambda: machine.add_point(by="pair-manager", pair=1, private=False),
        lambda: machine.add_point(by="pair-manager", pair=1, private=True),
        lambda: machine.move_point(by="pair-manager", pair=1, which=2, up=True),
        lambda: machine.discuss_point(by="pair-manager", pair=1, which=1),
        lambda: machine.write_note(by="pair-report", pair=1, shared=True, n=1),
        lambda: machine.write_note(by="pair-manager", pair=1, shared=False, n=2),
        lambda: machine.add_action(by="pair-manager", pair=0, days=-1),
        lambda: machine.tick_action(by="pair-report", which=0, done=True),
        lambda: machine.propose_goal(by="pair-report", pair=0),
        lambda: machine.advance_clock(minutes=60 * 24 * 4),
        lambda: machine.check_in(by="pair-report", which=0, mood=2),
        lambda: machine.reschedule(by="pair-manager", which=1, hours=2),
        lambda: machine.set_status(by="pair-manager", which=0, status=Meeting.Status.HELD),
        lambda: machine.remove_point(by="pair-manager", which=1),
        lambda: machine.write_card(by="pair-manager", pair=0, n=1),
        lambda: machine.write_profile(by="pair-report", pair=0, n=1, shared=True),
        lambda: machine.write_profile(by="pair-report", pair=0, n=2, shared=False),
        lambda: machine.days_away(by="report", who="report", days=1),
        lambda: machine.rename(by="admin", who="manager", n=1),
        lambda: machine.change_manager(by="admin", to="peer_manager"),
        lambda: machine.advance_clock(minutes=29),
        # The team view is kept until its horizon: just before and just after a meeting starts,
        # and the manager's midnight.
        lambda: machine.advance_to_an_edge(edge="next start", seconds=-61),
        lambda: machine.advance_to_an_edge(edge="next start", seconds=0),
        lambda: machine.advance_to_an_edge(edge="next start", seconds=59),
        lambda: machine.advance_to_an_edge(edge="midnight", seconds=-1),
        lambda: machine.advance_to_an_edge(edge="midnight", seconds=1),
        lambda: machine.advance_to_an_edge(edge="check-in opens", seconds=-1),
        lambda: machine.advance_to_an_edge(edge="check-in opens", seconds=30),
    )
    try:
        assert machine._meeting_page("manager"), "the check would compare no meeting page"
        machine.every_cached_page_equals_the_page_without_cache()
        machine.an_agenda_answered_unchanged_is_unchanged()
        for step in steps:
            step()
            machine.every_cached_page_equals_the_page_without_cache()
            machine.an_agenda_answered_unchanged_is_unchanged()
        # Each write went through (a refusal would have checked nothing).
        assert machine.writes == len(steps) - 9, machine.refusals
        # Some polls were told "unchanged" (after the writes to other pairs), others got the
        # agenda anew.
        assert machine.polls[204] and machine.polls[200], machine.polls
    finally:
        machine.teardown()


@pytest.mark.slow
def test_cached_pages_equal_pages_without_cache_longer(settings: Settings) -> None:
    settings.RAPPORT_PAGE_CACHE = True
    run_state_machine_as_test(PagesMatchWithoutTheCache, settings=settings_for("slow"))


def settings_for(profile: str) -> hypothesis_settings:
    # The slow run: each step renders every viewer's pages twice (about 29 pages with the
    # leaders' meeting pages), so 10 sequences of 12 steps is a few minutes of one CI worker.
    examples, steps = (1, 6) if profile == "fast" else (10, 12)
    return hypothesis_settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        derandomize=profile == "fast",
        # Each step renders the pages twice: shrinking a failure takes minutes. The failing
        # steps are printed as they ran.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
