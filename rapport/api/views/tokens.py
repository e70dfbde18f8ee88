"""The pages where a person makes and revokes their own API tokens (linked from the account
page, which lists them through templates/api/_account_tokens.html)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from rapport.api import selectors, services
from rapport.api.forms import TokenForm
from rapport.api.models import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS
from rapport.http import SignedInRequest


@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.token_create(
                person=viewer,
                by=viewer,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown on this answer only: the page is private and never cached, and the token
            # is stored hashed, so it cannot be shown again.
            return render(request, "api/token_created.html", {"made": made}, status=201)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(viewer),
            "now": timezone.now(),
            "default_days": DEFAULT_LIFETIME_DAYS,
            "max_days": MAX_LIFETIME_DAYS,
        },
    )


@require_POST
def token_revoke(request: SignedInRequest, token_uuid: UUID) -> HttpResponse:
    viewer = request.user
    token = selectors.get_token_for(viewer, token_uuid)
    services.token_revoke(token=token, by=viewer)
    messages.success(
        request,
        gettext("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
    )
    return redirect("api:tokens")
