"""One demo per test module (and per xdist worker: the modules that read it are in one
xdist group), built as of the pinned test instant and rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from rapport.fakedata.build import demo_create, synth_create
from tests.clock import TEST_NOW

# Enough weeks for every shape of the story (the signals read the last six); the command writes
# 26. The full size is built by test_demo_full.py in the slow tier.
TEST_WEEKS = 10


@pytest.fixture(scope="module")
def demo_today(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[date]:
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TEST_NOW, tick=False),
        transaction.atomic(),
    ):
        today = timezone.localdate()
        demo_create(today=today, weeks=TEST_WEEKS)
        yield today
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def synth_today(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[date]:
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TEST_NOW, tick=False),
        transaction.atomic(),
    ):
        today = timezone.localdate()
        synth_create(people=300, years=1, seed=7, today=today)
        yield today
        transaction.set_rollback(True)
