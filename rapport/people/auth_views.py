"""Signing in and out. Password change and reset use Django's own views (see urls.py)."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from rapport.people.forms import SignInForm


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
        return redirect(_safe_next(request))
    status = 429 if form.throttled else 200
    context = {"form": form, "next": _safe_next(request)}
    return render(request, "people/sign_in.html", context, status=status)
