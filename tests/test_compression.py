"""Pages go out gzip-compressed to clients that accept it (GZipMiddleware, which pads each body
at random against BREACH); static files keep WhiteNoise's own precompressed answers."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client
from django.urls import reverse

from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_the_home_page_is_compressed_for_a_client_that_accepts_gzip(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)
    plain = client.get(reverse("home"))
    packed = client.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    html = gzip.decompress(packed.content).decode()
    assert "Hello, Mia" in html and html.rstrip().endswith("</html>")


def test_a_private_page_stays_private_when_compressed(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)
    response = client.get(reverse("insights:team"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "private, no-store"
