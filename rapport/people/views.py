"""People pages: the org chart, a person, editing and departures (admins and HR), the org-chart
import upload, one's own account (hours, days away), and signing in with password resets.
Signing out and changing a password use Django's own views (see rapport/urls.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport import access
from rapport.audit import services as audit
from rapport.audit.models import Action
from rapport.display import format_date
from rapport.http import SignedInRequest
from rapport.meetings import selectors as meeting_selectors
from rapport.meetings import services as meeting_services
from rapport.notify.tasks import enqueue_or_log, queue_invitations, send_password_reset
from rapport.people import selectors, services, throttle, totp
from rapport.people.backends import password_sign_in_allowed
from rapport.people.forms import (
    THROTTLED_MESSAGE,
    DayAwayForm,
    DepartureForm,
    ImportUploadForm,
    PasswordResetRequestForm,
    PeopleSearchForm,
    PersonForm,
    ProfileForm,
    RecoveryCodesRenewForm,
    SecondFactorEnrolForm,
    SignInCodeForm,
    SignInForm,
    WorkingHoursForm,
    WorkingProfileForm,
)
from rapport.people.importing import ImportReport
from rapport.people.models import DayAway, Departure, LeftReason, Person
from rapport.people.selectors import PeopleStatus
from rapport.people.tokens import invitation_token_generator
from rapport.privacy import services as privacy_services


@require_GET
def org_chart(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = PeopleSearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data["q"] if valid else ""
    sees_leavers = access.can_see_leavers(viewer)
    status = form.cleaned_data["status"] if valid and sees_leavers else ""
    listing = bool(query or status)
    context = {
        "form": form,
        "query": query,
        "status": status,
        "status_label": dict(PeopleStatus.CHOICES).get(status, ""),
        "status_links": _status_links(query) if sees_leavers else [],
        "sees_leavers": sees_leavers,
        "results": selectors.search_people_for(viewer, query, status=status) if listing else None,
        "roots": None if listing else selectors.org_chart_for(viewer),
    }
    template = "people/org_chart.html"
    if request.htmx and request.htmx.target == "people-results":
        template += "#results"
    return render(request, template, context)


def _status_links(query: str) -> list[tuple[str, str, str]]:
    """(value, label, URL) of each people-list filter, keeping the search words."""
    base = reverse("people:org_chart")
    links = []
    for value, label in [("", gettext("Everyone")), *PeopleStatus.CHOICES]:
        params = {key: text for key, text in (("q", query), ("status", value)) if text}
        links.append((value, str(label), f"{base}?{urlencode(params)}" if params else base))
    return links


@require_GET
def person_detail(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    context = {
        "person": person,
        "chain": selectors.management_chain(person),
        "reports": selectors.direct_reports_for(viewer, person),
        "show_employment": access.can_see_employment_details(viewer, person),
        "can_edit": access.can_edit_person(viewer, person),
        "can_record_departure": access.can_record_departure(viewer) and person.is_active,
        "departure": selectors.departure_status_of(viewer, person, now=timezone.now()),
        "can_resend_invitation": access.can_resend_invitation(viewer, person),
        "can_erase": access.can_erase_person(viewer)
        and privacy_services.erasure_refusal(person, today=timezone.localdate()) is None,
    }
    return render(request, "people/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    if not access.can_edit_person(viewer, person):
        raise Http404
    initial = {
        "name": person.name,
        "preferred_name": person.preferred_name,
        "title": person.title,
        "timezone": person.timezone,
        "role": person.role,
        "manager": person.manager,
        "started_on": person.started_on,
    }
    form = PersonForm(request.POST or None, initial=initial, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.person_update(person=person, by=viewer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("manager" if error.code == "cycle" else None, error)
        else:
            messages.success(request, gettext("Saved %(name)s.") % {"name": person.name})
            return redirect("people:detail", person_uuid=person.uuid)
    return render(request, "people/person_edit.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def person_departure(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    """Step one: the date and reason. Step two: what will happen to the person's 1:1s, and
    nothing changes until HR confirms it (`confirm`)."""
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    if not access.can_record_departure(viewer) or not person.is_active:
        raise Http404
    form = DepartureForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"person": person, "form": form}
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        leaves_on = form.cleaned_data["leaves_on"]
        reason = LeftReason(form.cleaned_data["reason"])
        if form.cleaned_data["confirm"]:
            departure = meeting_services.departure_record(
                person=person, leaves_on=leaves_on, reason=reason, by=viewer
            )
            if departure.is_scheduled:
                messages.success(
                    request,
                    gettext(
                        "Scheduled %(name)s's departure for %(day)s: they keep access until then, "
                        "and you can cancel it before that day."
                    )
                    % {"name": person.name, "day": format_date(leaves_on, "j F Y")},
                )
            else:
                days = settings.RAPPORT_DEPARTURE_UNDO_DAYS
                messages.success(
                    request,
                    ngettext(
                        "Recorded that %(name)s has left. You can undo it for %(days)s day from "
                        "this page.",
                        "Recorded that %(name)s has left. You can undo it for %(days)s days from "
                        "this page.",
                        days,
                    )
                    % {"name": person.name, "days": days},
                )
            return redirect("people:detail", person_uuid=person.uuid)
        now = timezone.now()
        context |= {
            "consequences": meeting_selectors.departure_consequences(viewer, person, now=now),
            "leaves_on": leaves_on,
            "reason": reason,
            "applies_now": leaves_on <= timezone.localdate(now),
            "undo_days": settings.RAPPORT_DEPARTURE_UNDO_DAYS,
        }
        return render(request, "people/person_departure_confirm.html", context)
    return render(request, "people/person_departure.html", context)


@require_POST
def person_departure_cancel(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    departure = selectors.departure_of(viewer, person, state=Departure.State.SCHEDULED)
    meeting_services.departure_cancel(departure=departure, by=viewer)
    messages.success(
        request,
        gettext("Cancelled %(name)s's departure: nothing has changed.") % {"name": person.name},
    )
    return redirect("people:detail", person_uuid=person.uuid)


@require_POST
def person_departure_undo(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    departure = selectors.departure_of(viewer, person, state=Departure.State.APPLIED)
    try:
        meeting_services.departure_undo(departure=departure, by=viewer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext(
                "Undid %(name)s's departure: they can sign in again, and their reports and "
                "1:1s are back where no one has changed them since."
            )
            % {"name": person.name},
        )
    return redirect("people:detail", person_uuid=person.uuid)


@require_POST
def person_invitation_resend(request: SignedInRequest, person_uuid: str) -> HttpResponse:
    viewer = request.user
    person = selectors.get_person_for(viewer, person_uuid)
    if not access.can_resend_invitation(viewer, person):
        raise Http404
    services.invitation_resend(person=person, by=viewer)
    audit.record(action=Action.INVITATION_SENT, actor=viewer, subject=person)
    transaction.on_commit(lambda: enqueue_or_log(queue_invitations))
    messages.success(
        request,
        gettext("Sent %(name)s a new invitation to %(email)s with a fresh link.")
        % {"name": person.name, "email": person.email},
    )
    return redirect("people:detail", person_uuid=person.uuid)


def _account_page(
    request: SignedInRequest,
    *,
    profile: ProfileForm | None = None,
    hours: WorkingHoursForm | None = None,
    away: DayAwayForm | None = None,
) -> HttpResponse:
    viewer = request.user
    today = timezone.now().astimezone(viewer.zone).date()
    context = {
        "form": profile or ProfileForm(initial=_profile_initial(viewer)),
        "hours_form": hours
        or WorkingHoursForm(initial=WorkingHoursForm.initial_for(viewer), zone=viewer.timezone),
        "away_form": away or DayAwayForm(initial={"kind": DayAway.Kind.HOLIDAY}),
        "days_away": selectors.days_away_of(viewer, viewer, today=today),
        "second_factor": selectors.second_factor_state(viewer),
        "working_days": ", ".join(viewer.working_day_names()),
    }
    return render(request, "people/account.html", context)


def _profile_initial(person: Person) -> dict[str, str]:
    return {
        "name": person.name,
        "preferred_name": person.preferred_name,
        "timezone": person.timezone,
        "language": person.language,
    }


@require_http_methods(["GET", "POST"])
def account(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = ProfileForm(request.POST or None, initial=_profile_initial(viewer))
    if request.method == "POST" and form.is_valid():
        services.profile_set(
            person=viewer,
            name=form.cleaned_data["name"],
            preferred_name=form.cleaned_data["preferred_name"],
            timezone=form.cleaned_data["timezone"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, gettext("Your profile is saved."))
        return redirect("account")
    return _account_page(request, profile=form)


@require_http_methods(["GET", "POST"])
def account_working_profile(request: SignedInRequest) -> HttpResponse:
    """The signed-in person's own working-with-me profile (nobody edits anyone else's)."""
    viewer = request.user
    if not access.can_write_working_profile(viewer, viewer):
        raise Http404
    profile = selectors.own_working_profile(viewer)
    form = WorkingProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.working_profile_save(
                person=viewer, by=viewer, answers=form.answers(), shared=form.shared()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            shared = len(form.shared())
            messages.success(
                request,
                ngettext(
                    "Your profile is saved: %(count)s answer shared with your manager, the rest "
                    "kept to yourself.",
                    "Your profile is saved: %(count)s answers shared with your manager, the rest "
                    "kept to yourself.",
                    shared,
                )
                % {"count": shared},
            )
            return redirect("account_working_profile")
    manager = viewer.manager if viewer.manager_id and viewer.manager else None
    context = {"form": form, "profile": profile, "manager": manager}
    return render(request, "people/working_profile.html", context)


@require_POST
def account_hours(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = WorkingHoursForm(request.POST, zone=viewer.timezone)
    if form.is_valid():
        try:
            services.working_hours_set(person=viewer, by=viewer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your working hours are saved."))
            return redirect(reverse("account") + "#hours-heading")
    return _account_page(request, hours=form)


@require_POST
def account_days_away(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = DayAwayForm(request.POST)
    if form.is_valid():
        try:
            away = meeting_services.day_away_add(person=viewer, by=viewer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            skipped = away.skipped_meetings.count()
            messages.success(
                request,
                ngettext(
                    "Added your days away. %(count)s 1:1 on those days is skipped; open points "
                    "move on to the next one.",
                    "Added your days away. %(count)s 1:1s on those days are skipped; open points "
                    "move on to the next one.",
                    skipped,
                )
                % {"count": skipped},
            )
            return redirect(reverse("account") + "#away-heading")
    return _account_page(request, away=form)


@require_POST
def account_day_away_remove(request: SignedInRequest, day_away_uuid: str) -> HttpResponse:
    viewer = request.user
    away = selectors.get_own_day_away(viewer, day_away_uuid)
    meeting_services.day_away_remove(day_away=away, by=viewer)
    messages.success(
        request, gettext("Removed those days away; the 1:1s they skipped are back on.")
    )
    return redirect(reverse("account") + "#away-heading")


# --- The org-chart import (`rapport import-people` is the same import) ----------------------------

# A file full of mistakes would make a page too long to use; the first ones are enough to
# start fixing, and the command line shows them all.
PROBLEMS_SHOWN = 500


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    assert isinstance(viewer, Person)  # LoginRequiredMiddleware guarantees a person
    if not access.can_import_people(viewer):
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        report = meeting_services.import_people(
            data=form.cleaned_data["file"].read(),
            deactivate_missing=form.cleaned_data["deactivate_missing"],
            dry_run=form.cleaned_data["dry_run"],
            by=viewer,
            keep_names=form.cleaned_data["keep_names"],
        )
        if report.applied and report.created:
            # The new people's invitations go now, not at the worker's next tick.
            transaction.on_commit(lambda: enqueue_or_log(queue_invitations))
    problems = report.problems if report else []
    context = {
        "form": form,
        "report": report,
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - PROBLEMS_SHOWN),
    }
    return render(request, "people/import.html", context)


# --- Signing in and password resets --------------------------------------------------------


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
        if selectors.has_second_factor(form.person):
            # The password was right; the account is the person's once their app agrees.
            request.session[SIGN_IN_PENDING] = {
                "person": form.person.pk,
                "since": timezone.now().timestamp(),
                "next": _safe_next(request),
            }
            return redirect("sign_in_code")
        return _signed_in(request, form.person, next_url=_safe_next(request), second_factor="")
    status = 429 if form.throttled else 200
    context = {"form": form, "next": _safe_next(request), **_sso_choices()}
    return render(request, "people/sign_in.html", context, status=status)


def _sso_choices() -> dict[str, object]:
    """What the sign-in page offers: the provider's button, and passwords (docs/sso.md)."""
    sso_name = settings.OIDC_PROVIDER_NAME if settings.OIDC_ISSUER else ""
    return {"sso_name": sso_name, "break_glass_only": sso_name and not settings.PASSWORD_SIGN_IN}


# The code step waits this long after the password step; then the password is asked again.
SIGN_IN_PENDING = "sign_in_pending"
SIGN_IN_PENDING_SECONDS = 5 * 60


def _signed_in(
    request: HttpRequest, person: Person, *, next_url: str, second_factor: str
) -> HttpResponse:
    login(request, person)
    address = throttle.client_address(request)
    details: dict[str, str] = {"address": address}
    if second_factor:
        details["second_factor"] = second_factor
    audit.record(action=Action.SIGN_IN, actor=person, subject=person, details=details)
    if selectors.second_factor_required(person) and not selectors.has_second_factor(person):
        messages.info(
            request,
            gettext(
                "Your role needs a second factor: set up an authenticator app before you go on."
            ),
        )
        next_url = reverse("account_second_factor")
    response = redirect(next_url)
    throttle.trusted_browser_remember(response, email=person.email)
    return response


def _pending_sign_in(request: HttpRequest) -> tuple[Person, str] | None:
    pending = request.session.get(SIGN_IN_PENDING)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - float(pending.get("since", 0))
    person = Person.objects.filter(pk=int(pending.get("person") or 0), is_active=True).first()
    if person is None or not 0 <= age <= SIGN_IN_PENDING_SECONDS:
        del request.session[SIGN_IN_PENDING]
        return None
    return person, str(pending.get("next") or resolve_url("home"))


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for people with an authenticator app: throttled like
    the password, by the same counters (rapport/people/throttle.py)."""
    pending = _pending_sign_in(request)
    if pending is None:
        if request.user.is_authenticated:
            return redirect("home")
        messages.info(
            request, gettext("Sign in with your password first; then Rapport asks for a code.")
        )
        return redirect("login")
    person, next_url = pending
    form = SignInCodeForm(request.POST or None)
    throttled = False
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        address = throttle.client_address(request)
        browser = throttle.trusted_browser(request, email=person.email)
        how = ""
        if throttle.is_throttled(email=person.email, address=address, browser=browser):
            throttled = True
            form.add_error(None, ValidationError(THROTTLED_MESSAGE, code="throttled"))
        elif totp.is_code_shaped(totp.normalise_code(code)):
            how = "app" if services.second_factor_check(person=person, code=code) else ""
        elif services.recovery_code_use(person=person, code=code):
            how = "recovery code"
        if how:
            throttle.clear_failures(email=person.email, address=address, browser=browser)
            del request.session[SIGN_IN_PENDING]
            if how == "recovery code":
                left = selectors.second_factor_state(person).recovery_codes_left
                audit.record(
                    action=Action.RECOVERY_CODE_USED,
                    actor=person,
                    subject=person,
                    details={"address": address, "codes_left": left},
                )
                messages.warning(
                    request,
                    gettext(
                        "You signed in with a recovery code: %(left)s left. Make new ones on your "
                        "account page if you are running short."
                    )
                    % {"left": left},
                )
            return _signed_in(request, person, next_url=next_url, second_factor=how)
        if not throttled:
            throttle.record_failure(email=person.email, address=address, browser=browser)
            audit.record(
                action=Action.SIGN_IN_CODE_FAILED,
                actor=None,
                subject=person,
                details={"address": address},
            )
            form.add_error(
                "code",
                ValidationError(
                    gettext(
                        "That code does not match, or was used already. Type the code your app "
                        "shows now, or an unused recovery code."
                    ),
                    code="wrong_code",
                ),
            )
    status = 429 if throttled else 200
    return render(request, "people/sign_in_code.html", {"form": form}, status=status)


# --- The second factor on the account page ------------------------------------------------------


def _second_factor_page(
    request: SignedInRequest,
    *,
    enrol: SecondFactorEnrolForm | None = None,
    renew: RecoveryCodesRenewForm | None = None,
    secret: str = "",
    recovery_codes: list[str] | None = None,
) -> HttpResponse:
    viewer = request.user
    state = selectors.second_factor_state(viewer)
    context: dict[str, object] = {"state": state, "recovery_codes": recovery_codes}
    if state.enrolled_at is None and recovery_codes is None:
        secret = secret or totp.new_secret()
        uri = totp.provisioning_uri(secret, account=viewer.email, issuer=settings.TOTP_ISSUER)
        enrol = enrol or SecondFactorEnrolForm(
            initial={"enrolment": SecondFactorEnrolForm.sign(viewer, secret)}, person=viewer
        )
        context |= {
            "enrol_form": enrol,
            "qr_code": totp.qr_code_data_uri(uri),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        }
    else:
        context["renew_form"] = renew or RecoveryCodesRenewForm()
    return render(request, "people/second_factor.html", context)


@require_http_methods(["GET", "POST"])
def account_second_factor(request: SignedInRequest) -> HttpResponse:
    """Setting up an authenticator app: a QR code, then a code from the app to prove it."""
    viewer = request.user
    if request.method != "POST":
        return _second_factor_page(request)
    form = SecondFactorEnrolForm(request.POST, person=viewer)
    if not form.is_valid():
        if "enrolment" in form.errors:
            # Too old (or tampered with): a new secret and QR code, the reason said once.
            messages.error(request, " ".join(map(str, form.errors["enrolment"])))
            return _second_factor_page(request)
        return _second_factor_page(request, enrol=form, secret=form.cleaned_data["enrolment"])
    secret = form.cleaned_data["enrolment"]
    try:
        codes = services.second_factor_enrol(
            person=viewer, by=viewer, secret=secret, code=form.cleaned_data["code"]
        )
    except ValidationError as error:
        form.add_error("code", error)
        return _second_factor_page(request, enrol=form, secret=secret)
    audit.record(action=Action.SECOND_FACTOR_ENROLLED, actor=viewer, subject=viewer)
    messages.success(
        request,
        gettext("Your authenticator app is set up: Rapport asks for its code at each sign-in."),
    )
    return _second_factor_page(request, recovery_codes=codes)


@require_POST
def account_recovery_codes(request: SignedInRequest) -> HttpResponse:
    viewer = request.user
    form = RecoveryCodesRenewForm(request.POST)
    if form.is_valid():
        try:
            codes = services.recovery_codes_renew(
                person=viewer, by=viewer, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            audit.record(action=Action.RECOVERY_CODES_RENEWED, actor=viewer, subject=viewer)
            messages.success(request, gettext("New recovery codes: the old ones no longer work."))
            return _second_factor_page(request, recovery_codes=codes)
    return _second_factor_page(request, renew=form)


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
        # With passwords switched off, a reset would make one nobody may use: nothing is sent,
        # and the page still answers the same.
        if password_sign_in_allowed(email) and services.password_reset_request(
            email=email, address=address
        ):
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
        audit.record(
            action=Action.PASSWORD_RESET,
            actor=form.user,
            subject=form.user,
            details={"address": throttle.client_address(self.request)},
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own, recorded in the audit trail."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            action=Action.PASSWORD_CHANGED,
            actor=form.user,
            subject=form.user,
            details={"address": throttle.client_address(self.request)},
        )
        return response


class InvitationAcceptView(PasswordResetConfirmView):
    """The invitation's link: the same two steps as a reset link (the token moves into the
    session, then the set-password form), with the invitation's own token, for people who can
    sign in, and on to the sign-in page with a welcome."""

    token_generator = invitation_token_generator
    template_name = "people/invitation_accept.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64: str) -> Person | None:
        person = super().get_user(uidb64)
        return person if isinstance(person, Person) and person.is_active else None

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            gettext("Your password is set. Sign in with your email address and the new password."),
        )
        return response
