from __future__ import annotations

import pytest
from pytest_django import Settings

from tests.cast import Cast, build_cast


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Argon2 is deliberately slow; tests that are about hashing turn it back on themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
