from __future__ import annotations

import base64
import os
import sys
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from pytest_django import DjangoDbBlocker, Settings
from whitenoise.middleware import WhiteNoiseMiddleware

from rapport import env
from tests.cast import Cast, build_cast
from tests.clock import TEST_NOW
from tests.helpers import template_db

# Python's bytecode cache and pytest's cache of rewritten test modules (both in __pycache__,
# ignored by git) spare every process of a run (each xdist worker, and the subprocesses the
# start-up and settings tests run) compiling the project and rewriting every test module again:
# about 2.5 s of CPU per process. A shell with PYTHONDONTWRITEBYTECODE=1 would disable both for
# every run, so the test run writes them whatever the shell says (docs/development.md, Tiers).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# Tests encrypt private content under a fixed key, not the var folder's development key;
# subprocesses (servers, drills) inherit it. Set before the test database is built.
TEST_MASTER_KEY = bytes(range(32))
os.environ["RAPPORT_MASTER_KEY"] = base64.b64encode(TEST_MASTER_KEY).decode()
django_settings.RAPPORT_MASTER_KEYS = [TEST_MASTER_KEY]


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest, django_db_modify_db_settings: None) -> bool:
    # On SQLite, a copy of the migrated template database is put in place and kept
    # (tests/helpers/template_db.py); --reuse-db keeps whatever is there, as pytest-django does.
    if request.config.getvalue("reuse_db"):
        return True
    template = template_db.template_path()
    return template is not None and template_db.copy_template_into_place(template)


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_keepdb: bool,
    django_db_blocker: DjangoDbBlocker,
) -> Iterator[None]:
    # The first run on SQLite saves the database it has just migrated as the template.
    template = template_db.template_path()
    if template is None:
        yield
        return
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            connection.ensure_connection()
            template_db.save_as_template(connection.connection, template)
    yield
    if django_db_keepdb and not request.config.getvalue("reuse_db"):
        # A kept copy of the template is this run's alone: remove it as Django removes its own.
        connection.close()
        template_db.test_database_path().unlink(missing_ok=True)


# The longest tests (each several seconds to about twenty) are handed out first, so that the
# xdist workers end together rather than one waiting while the other runs a long test that was
# collected last (as these were, being in the suite's top folder or late in their own).
LONGEST_FIRST = (
    "tests/test_canary_sweep.py",
    "tests/test_page_cache.py",
    "tests/test_no_server_errors.py",
    "tests/test_encryption_startup.py",
    "tests/fakedata/test_demo.py",
    "tests/insights/test_org_random_organisations.py",
    "tests/test_access_matrix.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort: each file keeps its own order.
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in LONGEST_FIRST)


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once() -> Iterator[None]:
    # Outside production WhiteNoise finds the static files through Django's finders, and each
    # test client builds the middleware anew: listing and stating every file took about 10 ms
    # per client, some 5% of the fast tier. The files do not change during a run: list them
    # once per process and give each new middleware the same index.
    listed: dict[str, object] = {}
    original = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        if not listed:
            original(self)
            listed.update(self.files)
        self.files.update(listed)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


@pytest.fixture(autouse=True)
def _pinned_now() -> Iterator[None]:
    # No test reads the wall clock: every test starts at the same instant (RAPPORT_TEST_NOW, or a
    # quiet Wednesday morning), and CI runs the fast tier again at hostile instants. The clock
    # still ticks from there, so timeouts and throttling windows behave as they would.
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Argon2 is deliberately slow; tests that are about hashing turn it back on themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _exports_outside_the_var_dir(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Data exports built by any test (the access matrix's download row builds one) go to the
    # session's temporary folder, not the developer's var/exports.
    settings.RAPPORT_EXPORT_DIR = tmp_path_factory.getbasetemp() / "exports"


@pytest.fixture(autouse=True)
def _org_view_computed_each_time(settings: Settings) -> None:
    # Query counts and figures are checked right after the data changes; the cache has its own
    # tests (tests/insights/test_org_figures.py).
    settings.RAPPORT_ORG_VIEW_CACHE_SECONDS = 0
    # Likewise the navigation's depth (its cache: tests/test_navigation_cache.py).
    settings.RAPPORT_NAV_CACHE_SECONDS = 0
    # And the home and team pages' data (tests/test_page_cache.py turns it on).
    settings.RAPPORT_PAGE_CACHE = False
    # The process's memory, not the database's cache table (the default, settings CACHES): the
    # pinned query counts stay those of the pages themselves. tests/test_page_cache.py runs
    # the database's and Redis's.
    settings.CACHES = {"default": env.cache_from("locmem://")}


@pytest.fixture(autouse=True)
def _second_factor_optional(settings: Settings) -> None:
    # Tests sign the cast in with force_login, which has no code step; the cast's HR person and
    # admin would otherwise be sent to set up an authenticator app on every page. The second
    # factor's own tests (tests/people/test_totp*.py) turn the requirement back on.
    settings.TOTP_REQUIRED_FOR = frozenset()


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
