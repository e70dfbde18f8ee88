"""Signing in, asking for a password reset and following its link. Signing out and password
change use Django's own views (see rapport/urls.py)."""

from __future__ import annotations

import uuid

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from rapport.notify.tasks import enqueue_or_log, send_password_reset
from rapport.people import services, throttle
from rapport.people.forms import PasswordResetRequestForm, SignInForm


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path only: redirect() reads a bare word ("x") as a view name and fails on it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("home")


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and form.person is not None:
        login(request, form.person)
        response = redirect(_safe_next(request))
        throttle.trusted_browser_remember(response, email=form.person.email)
        return response
    status = 429 if form.throttled else 200
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "people/sign_in.html", context, status=status)


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # The same work for every address, known or not, and within the limits or not: the
        # lookup and the email happen in a task, and every answer is the same page.
        address = throttle.client_address(request)
        if services.password_reset_request(email=email, address=address):
            # A broker error is logged, never a 500: the same page answers either way.
            enqueue_or_log(send_password_reset, email=email, key=f"password_reset:{uuid.uuid4()}")
        return redirect("password_reset_done")
    return render(request, "people/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link, and one thing more: completing it proves the mailbox as a sign-in
    proves the password, so the browser becomes trusted for the account. That makes "reset your
    password", which the throttle's refusal offers, a real way into an account under attack."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        throttle.trusted_browser_remember(response, email=form.user.email)
        return response
