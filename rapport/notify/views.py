"""Email choices for the signed-in person, one-click unsubscribe links, and the admins' outbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rapport import access
from rapport.http import SignedInRequest
from rapport.notify import selectors, services
from rapport.notify.forms import PreferenceForm, RetryForm, TestEmailForm
from rapport.notify.models import Kind
from rapport.notify.unsubscribe import read_unsubscribe_token


@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    current = services.preference_of(request.user)
    offered = selectors.kinds_offered_to(request.user)
    initial = {"kinds": [kind.value for kind in offered if current.wants(kind)]}
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial=initial, offered=offered
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(
            person=request.user, kinds=form.cleaned_data["kinds"], offered=offered
        )
        messages.success(request, "Your email choices are saved.")
        return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})


# The link in the email is the credential: no sign-in. Mail programs send RFC 8058 one-click
# POSTs without a CSRF token, and a forged POST could only unsubscribe the link's own owner.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    person, kind = found
    if request.method == "POST":
        services.unsubscribe(person=person, kind=kind)
    context = {"kind_label": Kind(kind).label, "done": request.method == "POST"}
    return render(request, "notify/unsubscribe.html", context)


@require_http_methods(["GET", "POST"])
def outbox(request: SignedInRequest) -> HttpResponse:
    """Counts, failure reasons and a retry: never a recipient, subject or time that tells of
    a 1:1 (notify/selectors.py, docs/privacy.md)."""
    if not access.can_run_outbox(request.user):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    retry = RetryForm(posted if posted and "retry" in posted else None)
    form = TestEmailForm(posted if posted and "retry" not in posted else None)
    if retry.is_valid():
        count = services.outbox_retry_failed(by=request.user)
        messages.success(request, f"{count} email{'s' if count != 1 else ''} will be tried again.")
        return redirect("notify:outbox")
    if form.is_valid():
        services.sample_email_queue(to=form.cleaned_data["to"], by=request.user)
        messages.success(request, "The test email is queued; the worker sends it within a minute.")
        return redirect("notify:outbox")
    context = {
        "form": form,
        "overview": selectors.outbox_overview(timezone.now(), max_attempts=services.MAX_ATTEMPTS),
        "max_attempts": services.MAX_ATTEMPTS,
        "health": selectors.email_health(timezone.now(), max_attempts=services.MAX_ATTEMPTS),
        "sent_window_days": selectors.SENT_WINDOW.days,
    }
    return render(request, "notify/outbox.html", context)
