"""A small but real OpenID Connect provider for the tests, served on a free loopback port.

It speaks the parts of OpenID Connect that Rapport uses: discovery, the authorisation code flow
with PKCE (S256) behind an HTML login page, a token endpoint with client authentication, RS256
ID tokens signed with joserfc, the JSON Web Key Set, and RP-initiated logout. A user can be
marked to receive a tampered ID token (another audience, expired, or signed with a key the
provider never published) so that the tests see Rapport refuse each one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "rapport-tests"
CLIENT_SECRET = "a-client-secret-for-the-tests"
PROVIDER_NAME = "Loopback Identity"
# Where the provider sends people back: the live server, or Django's test client.
REDIRECTS = ("http://127.0.0.1:", "http://localhost:", "http://testserver/")

Tamper = Literal["audience", "expired", "signature"]
StartResponse = Callable[..., Any]


@dataclass
class ProviderUser:
    email: str
    password: str
    name: str
    email_verified: bool = True
    tamper: Tamper | None = None
    subject: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass
class _Grant:
    user: ProviderUser
    redirect_uri: str
    nonce: str
    code_challenge: str


def _signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@functools.cache
def _keys() -> tuple[RSAKey, RSAKey]:
    """The provider's key and, with the same key id, an impostor's: made once per process
    (a 2,048-bit RSA key takes tens of milliseconds, and the SSO tests start many providers)."""
    return _signing_key("rapport-tests-1"), _signing_key("rapport-tests-1")


class Provider:
    def __init__(self, *, with_end_session: bool = True) -> None:
        self.users: dict[str, ProviderUser] = {}
        self.with_end_session = with_end_session
        self.ended_sessions: list[dict[str, str]] = []
        self.issuer = ""
        # The impostor's: same key id, different key, so a token signed with it must fail the
        # signature check.
        self._key, self._impostor_key = _keys()
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def add_user(
        self, email: str, *, name: str = "", password: str = "provider-pass", **more: Any
    ) -> ProviderUser:
        user = ProviderUser(email=email, password=password, name=name or email, **more)
        self.users[email.lower()] = user
        return user

    # --- WSGI -----------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        form: dict[str, str] = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/jwks": self._jwks,
            "/end-session": self._end_session,
        }
        handler = routes.get(path)
        if handler is None:
            return _answer(start_response, HTTPStatus.NOT_FOUND, "text/plain", "not found")
        return handler(environ, start_response, method, query, form)

    def _discovery(
        self, environ: dict[str, Any], start_response: StartResponse, *_: Any
    ) -> Iterable[bytes]:
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        }
        if self.with_end_session:
            document["end_session_endpoint"] = f"{self.issuer}/end-session"
        return _json(start_response, HTTPStatus.OK, document)

    def _jwks(
        self, environ: dict[str, Any], start_response: StartResponse, *_: Any
    ) -> Iterable[bytes]:
        return _json(start_response, HTTPStatus.OK, KeySet([self._key]).as_dict(private=False))

    def _authorize(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        method: str,
        query: dict[str, str],
        form: dict[str, str],
    ) -> Iterable[bytes]:
        params = form if method == "POST" else query
        if (
            params.get("client_id") != CLIENT_ID
            or params.get("response_type") != "code"
            or "openid" not in params.get("scope", "").split()
            or params.get("code_challenge_method") != "S256"
            or not params.get("code_challenge")
            or not params.get("redirect_uri", "").startswith(REDIRECTS)
        ):
            return _answer(start_response, HTTPStatus.BAD_REQUEST, "text/plain", "bad request")
        if method == "GET":
            return _answer(start_response, HTTPStatus.OK, "text/html", _login_page(params, ""))
        user = self.users.get(form.get("username", "").strip().lower())
        if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
            page = _login_page(params, "Unknown user or wrong password.")
            return _answer(start_response, HTTPStatus.OK, "text/html", page)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = _Grant(
                user=user,
                redirect_uri=params["redirect_uri"],
                nonce=params.get("nonce", ""),
                code_challenge=params["code_challenge"],
            )
        answer = urlencode({"code": code, "state": params.get("state", "")})
        target = f"{params['redirect_uri']}?{answer}"
        start_response("302 Found", [("Location", target)])
        return [b""]

    def _token(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        method: str,
        query: dict[str, str],
        form: dict[str, str],
    ) -> Iterable[bytes]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if method != "POST" or client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return _json(start_response, HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"})
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.redirect_uri != form.get("redirect_uri")
            or challenge.rstrip(b"=").decode() != grant.code_challenge
        ):
            return _json(start_response, HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"})
        access_token = secrets.token_urlsafe(24)
        return _json(
            start_response,
            HTTPStatus.OK,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            },
        )

    def _id_token(self, grant: _Grant) -> str:
        user, now = grant.user, int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": user.subject,
            "aud": "another-application" if user.tamper == "audience" else CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "email": user.email,
            "email_verified": user.email_verified,
            "name": user.name,
        }
        if user.tamper == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        key = self._impostor_key if user.tamper == "signature" else self._key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def _end_session(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        method: str,
        query: dict[str, str],
        form: dict[str, str],
    ) -> Iterable[bytes]:
        self.ended_sessions.append(query)
        after = query.get("post_logout_redirect_uri", "")
        if after.startswith(REDIRECTS):
            separator = "&" if "?" in after else "?"
            target = f"{after}{separator}{urlencode({'state': query.get('state', '')})}"
            start_response("302 Found", [("Location", target)])
            return [b""]
        return _answer(start_response, HTTPStatus.OK, "text/html", "<p>You are signed out.</p>")


def _login_page(params: dict[str, str], error: str) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in params.items()
        if name not in ("username", "password")
    )
    problem = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return (
        f"<!doctype html><html lang='en'><head><title>{PROVIDER_NAME}</title>"
        # No favicon request: a 404 in the console would read as an error of Rapport's pages.
        "<link rel='icon' href='data:,'></head><body>"
        f"<h1>{PROVIDER_NAME}</h1>{problem}"
        '<form method="post" action="/authorize">'
        f"{hidden}"
        '<label for="username">Username</label> <input id="username" name="username">'
        '<label for="password">Secret</label> <input id="password" name="password" type="password">'
        '<button type="submit">Continue</button></form></body></html>'
    )


def _answer(start_response: StartResponse, status: HTTPStatus, kind: str, body: str) -> list[bytes]:
    data = body.encode()
    start_response(
        f"{status.value} {status.phrase}",
        [("Content-Type", f"{kind}; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _json(start_response: StartResponse, status: HTTPStatus, document: object) -> list[bytes]:
    response = _answer(start_response, status, "application/json", json.dumps(document))
    return response


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running_provider(**options: Any) -> Iterator[Provider]:
    """The provider on a free 127.0.0.1 port (the OS picks it) for the length of the block."""
    provider = Provider(**options)
    server = make_server(
        "127.0.0.1", 0, provider, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def authorize_query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
