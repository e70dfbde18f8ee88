"""Single sign-on with OpenID Connect (docs/sso.md), through Authlib's Django client.

Rapport is the relying party of one provider, found by discovery from its issuer URL. The
authorisation code flow runs with PKCE, a state and a nonce kept in the session. The ID token's
signature (the provider's published keys), issuer, audience (our client id), expiry and nonce are
checked by Authlib with the options given here; a failure of any of them is an `SsoRefused`.

The provider proves who someone is; Rapport decides whether they may come in: only by an email
the provider says it has verified, matching an active person (or a new member when the admin
allows it, RAPPORT_OIDC_CREATE_ACCOUNTS), and under the same rules as a password sign-in
(PersonBackend: no demo account in production, no inactive account).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from joserfc.errors import JoseError

from rapport.people import selectors, services
from rapport.people.backends import PersonBackend
from rapport.people.models import Person, normalise_email

# Where the session keeps what sign-out needs: the ID token (the provider's hint for whom to
# sign out) and the page to return to after the callback.
SESSION_ID_TOKEN = "rapport_sso_id_token"
SESSION_NEXT = "rapport_sso_next"
# Clocks of the provider and Rapport may differ a little; an hour-old token is still refused.
LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10


class SsoRefused(Exception):
    """Sign-in through the provider did not let this person in; the message says why, in words
    the person can act on."""


@dataclass(frozen=True)
class VerifiedIdentity:
    email: str
    name: str


def is_configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME)


def client() -> DjangoOAuth2App:
    return _client(
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
    )


@functools.cache
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> DjangoOAuth2App:
    # One client per configuration: it keeps the provider's metadata and keys once fetched.
    oauth = OAuth()
    app = oauth.register(
        name="rapport",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
    )
    assert isinstance(app, DjangoOAuth2App)
    return app


def _metadata() -> dict[str, Any]:
    try:
        metadata = client().load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise SsoRefused(
            f"{provider_name()} could not be reached. Try again in a moment."
        ) from error
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer we asked.
    if str(metadata.get("issuer", "")).rstrip("/") != settings.OIDC_ISSUER:
        raise SsoRefused(f"{provider_name()} is not set up correctly (its issuer differs).")
    return metadata


def start(request: HttpRequest, *, callback_url: str, next_url: str) -> HttpResponse:
    """The redirect to the provider's sign-in page."""
    _metadata()
    request.session[SESSION_NEXT] = next_url
    return client().authorize_redirect(request, callback_url)


def finish(request: HttpRequest) -> tuple[Person, str]:
    """The person the provider's answer signs in, and the page they were going to."""
    metadata = _metadata()
    claims_options = {
        "iss": {"essential": True, "value": metadata["issuer"]},
        "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
    }
    try:
        token = client().authorize_access_token(
            request, claims_options=claims_options, leeway=LEEWAY_SECONDS
        )
    except OAuthError as error:
        if error.error == "access_denied":
            raise SsoRefused(
                gettext("Sign-in with %(provider)s was cancelled.") % {"provider": provider_name()}
            ) from error
        raise SsoRefused(_try_again()) from error
    except (JoseError, requests.RequestException, ValueError, KeyError, TypeError) as error:
        # A bad signature, another audience, an expired token, a replayed or missing state.
        raise SsoRefused(_try_again()) from error
    claims = token.get("userinfo")
    if not claims:
        raise SsoRefused(_try_again())
    identity = verified_identity(claims)
    person = person_for(identity)
    request.session[SESSION_ID_TOKEN] = token.get("id_token", "")
    return person, str(request.session.pop(SESSION_NEXT, ""))


def _try_again() -> str:
    return gettext(
        "%(provider)s did not give a valid answer, so you are not signed in. Try again; if it "
        "keeps happening, tell your administrator."
    ) % {"provider": provider_name()}


def verified_identity(claims: dict[str, Any]) -> VerifiedIdentity:
    email = normalise_email(str(claims.get("email") or ""))
    if not email:
        raise SsoRefused(
            gettext(
                "%(provider)s did not share your email address, which Rapport needs to know who "
                "you are. Ask your administrator to include the email scope."
            )
            % {"provider": provider_name()}
        )
    # Anyone may put any address on an account at some providers: only a verified one proves it.
    if claims.get("email_verified") is not True:
        raise SsoRefused(
            gettext(
                "%(provider)s has not verified the email address %(email)s. Verify it with "
                "%(provider)s first, then sign in again."
            )
            % {"provider": provider_name(), "email": email}
        )
    name = str(claims.get("name") or "").strip()
    return VerifiedIdentity(email=email, name=name[:150])


def person_for(identity: VerifiedIdentity) -> Person:
    person = selectors.person_with_email(identity.email)
    if person is None and settings.OIDC_CREATE_ACCOUNTS:
        person = services.person_join_by_sso(email=identity.email, name=identity.name)
    if person is None:
        raise SsoRefused(
            gettext(
                "No one in Rapport has the email address %(email)s. Ask your administrator to "
                "add you (people join Rapport through the org-chart import)."
            )
            % {"email": identity.email}
        )
    if not PersonBackend().user_can_authenticate(person):
        raise SsoRefused(
            gettext(
                "The account for %(email)s cannot sign in: it is closed or not in use. Ask your "
                "administrator if you think this is wrong."
            )
            % {"email": identity.email}
        )
    return person


def end_session_url(*, id_token: str, after_url: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), when it has one."""
    if not is_configured() or not id_token:
        return None
    try:
        metadata = _metadata()
    except SsoRefused:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = client().create_logout_url(
        post_logout_redirect_uri=after_url,
        id_token_hint=id_token,
        client_id=settings.OIDC_CLIENT_ID,
    )
    return str(result["url"])
