"""Email choices and the chat webhook of the signed-in person, one-click unsubscribe links, the
admins' outbox, and the chat webhooks admins set for a person or for the organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from rapport import access
from rapport.http import SignedInRequest
from rapport.notify import selectors, services
from rapport.notify.forms import (
    ChatRemoveForm,
    ChatWebhookForm,
    PreferenceForm,
    RetryForm,
    TestEmailForm,
)
from rapport.notify.models import ChatFlavour, Kind
from rapport.notify.unsubscribe import read_unsubscribe_token
from rapport.people.models import Person
from rapport.people.selectors import get_person_for


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
        messages.success(request, gettext("Your email choices are saved."))
        return redirect("notify:preferences")
    return _preferences_page(request, form)


def _preferences_page(
    request: SignedInRequest, form: PreferenceForm, chat_form: ChatWebhookForm | None = None
) -> HttpResponse:
    chat = selectors.chat_status(request.user, viewer=request.user)
    context = {
        "form": form,
        "chat_form": chat_form or _blank_chat_form(chat),
        "chat": chat,
        "organisation_chat": selectors.organisation_chat_reaches(request.user),
    }
    return render(request, "notify/preferences.html", context)


def _blank_chat_form(
    chat: selectors.ChatStatus | None, *, flavours: list[str] | None = None
) -> ChatWebhookForm:
    """The connect form, with the current kind of webhook chosen."""
    initial = {"flavour": chat.flavour_value} if chat is not None else {}
    return ChatWebhookForm(initial=initial, flavours=flavours)


def _chat_change(
    request: SignedInRequest, person: Person | None, *, flavours: list[str]
) -> ChatWebhookForm | None:
    """Connect, replace or remove a webhook from a POST: None when done, else the form with
    its errors."""
    if ChatRemoveForm(request.POST).is_valid():
        if services.chat_webhook_remove(by=request.user, person=person):
            messages.success(request, gettext("The chat webhook is disconnected."))
        return None
    form = ChatWebhookForm(request.POST, flavours=flavours)
    if not form.is_valid():
        return form
    services.chat_webhook_set(
        by=request.user,
        person=person,
        flavour=form.cleaned_data["flavour"],
        url=form.cleaned_data["url"],
    )
    messages.success(
        request, gettext("The chat webhook is connected: reminders go there too from now on.")
    )
    return None


@require_POST
def chat(request: SignedInRequest) -> HttpResponse:
    """The signed-in person's own webhook (shown on the email choices page)."""
    form = _chat_change(request, request.user, flavours=list(ChatFlavour.values))
    if form is None:
        return redirect("notify:preferences")
    current = services.preference_of(request.user)
    offered = selectors.kinds_offered_to(request.user)
    initial = {"kinds": [kind.value for kind in offered if current.wants(kind)]}
    return _preferences_page(
        request, PreferenceForm(initial=initial, offered=offered), chat_form=form
    )


@require_http_methods(["GET", "POST"])
def person_chat(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    """An admin sees whether a person's chat reminders arrive, and sets or removes their
    webhook on their behalf."""
    if not access.can_manage_chat_webhooks(request.user):
        raise Http404
    person = get_person_for(request.user, person_uuid)
    return _admin_chat_page(request, person, flavours=list(ChatFlavour.values))


@require_http_methods(["GET", "POST"])
def organisation_chat(request: SignedInRequest) -> HttpResponse:
    """The organisation's webhook: a generic JSON router for everyone without their own."""
    if not access.can_manage_chat_webhooks(request.user):
        raise Http404
    return _admin_chat_page(request, None, flavours=[ChatFlavour.JSON])


def _admin_chat_page(
    request: SignedInRequest, person: Person | None, *, flavours: list[str]
) -> HttpResponse:
    chat = selectors.chat_status(person, viewer=request.user)
    form: ChatWebhookForm | None = _blank_chat_form(chat, flavours=flavours)
    if request.method == "POST":
        form = _chat_change(request, person, flavours=flavours)
        if form is None:
            return redirect(request.path)
    context = {
        "person": person,
        "chat_form": form,
        "chat": chat,
        "organisation_chat": person is not None and selectors.organisation_chat_reaches(person),
    }
    return render(request, "notify/chat_admin.html", context)


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
        messages.success(
            request,
            ngettext(
                "%(count)d email will be tried again.",
                "%(count)d emails will be tried again.",
                count,
            )
            % {"count": count},
        )
        return redirect("notify:outbox")
    if form.is_valid():
        services.sample_email_queue(to=form.cleaned_data["to"], by=request.user)
        messages.success(
            request, gettext("The test email is queued; the worker sends it within a minute.")
        )
        return redirect("notify:outbox")
    context = {
        "form": form,
        "overview": selectors.outbox_overview(timezone.now(), max_attempts=services.MAX_ATTEMPTS),
        "max_attempts": services.MAX_ATTEMPTS,
        "health": selectors.email_health(timezone.now(), max_attempts=services.MAX_ATTEMPTS),
        "sent_window_days": selectors.SENT_WINDOW.days,
    }
    return render(request, "notify/outbox.html", context)
