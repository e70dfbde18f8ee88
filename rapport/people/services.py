"""Changes to people: their details, working hours, password resets, and the rule that keeps
the org chart free of loops. A change of manager also closes 1:1s, so it is a workflow of the
meetings app (meetings/services.py: person_change_manager, person_update,
departure_record, departure_cancel, departure_undo, import_people)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from rapport import access, versions
from rapport.people import totp
from rapport.people.models import (
    Invitation,
    PasswordResetRequest,
    Person,
    RecoveryCode,
    SecondFactor,
    WorkingProfile,
    normalise_email,
    validate_preferred_name,
    validate_video_link,
)


class ReportingCycleError(ValidationError):
    pass


def would_create_cycle(*, person: Person, new_manager: Person | None) -> bool:
    """True when `new_manager` is the person or reports to them, directly or not."""
    if new_manager is None:
        return False
    if new_manager.pk == person.pk:
        return True
    parents = dict(Person.objects.values_list("pk", "manager_id"))
    current: int | None = new_manager.pk
    for _ in range(access.MAX_CHAIN_DEPTH + len(parents)):
        if current is None:
            return False
        if current == person.pk:
            return True
        current = parents.get(current)
    return True  # a chain this long is already broken; refuse rather than make it worse


def cycle_message(person: Person, new_manager: Person) -> str:
    if new_manager.pk == person.pk:
        return gettext("%(name)s cannot be their own manager.") % {"name": person.name}
    return gettext(
        "%(manager)s reports to %(name)s (directly or further down), so %(manager)s cannot "
        "become %(name)s's manager: nobody can end up above themselves."
    ) % {"manager": new_manager.name, "name": person.name}


@versions.bumps
def profile_set(
    *,
    person: Person,
    name: str,
    timezone: str,
    preferred_name: str | None = None,
    language: str | None = None,
) -> Person:
    """The signed-in person's own name, preferred name, time zone and language (the account
    page): the person is the actor, so there is nobody else to check. `preferred_name` and
    `language` None keep them; language "" follows the browser."""
    person.name = name
    person.timezone = timezone
    fields = ["name", "timezone"]
    if language is not None:
        if language not in {code for code, _ in settings.LANGUAGES} | {""}:
            raise ValidationError({"language": "Choose one of the languages offered."})
        person.language = language
        fields.append("language")
    if preferred_name is not None:
        validate_preferred_name(preferred_name)
        person.preferred_name = preferred_name.strip()
        fields.append("preferred_name")
    person.save(update_fields=fields)
    return person


@versions.bumps
def working_hours_set(
    *,
    person: Person,
    work_days: int,
    work_starts: time,
    work_ends: time,
    video_link: str,
    by: Person,
) -> Person:
    """The person's working days and hours, on their own clock, and their usual video room."""
    access.require(access.can_change_schedule_of(by, person))
    if not work_days:
        raise ValidationError({"work_days": gettext("Choose at least one working day.")})
    if work_ends <= work_starts:
        raise ValidationError({"work_ends": gettext("The working day must end after it starts.")})
    try:
        validate_video_link(video_link)
    except ValidationError as error:
        raise ValidationError({"video_link": error.messages}) from error
    person.work_days = work_days
    person.work_starts = work_starts
    person.work_ends = work_ends
    person.video_link = video_link
    person.full_clean(
        exclude=[
            field.name
            for field in Person._meta.fields
            if field.name not in ("work_days", "work_starts", "work_ends", "video_link")
        ]
    )
    person.save(update_fields=["work_days", "work_starts", "work_ends", "video_link"])
    return person


def password_reset_request(*, email: str, address: str) -> bool:
    """Record a request for a reset email and say whether it may be sent: within the hour's
    limits for the target address and for the client address. It never looks the address up,
    so known and unknown addresses take the same queries and the same time; the task that
    sends the email decides whether anyone is there."""
    email = normalise_email(email)
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_LIMIT_WINDOW_SECONDS)
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    account_limit = settings.PASSWORD_RESET_ACCOUNT_LIMIT
    address_limit = settings.PASSWORD_RESET_ADDRESS_LIMIT
    queued = (
        recent.filter(address=address)[:address_limit].count() < address_limit
        and recent.filter(email=email, queued=True)[:account_limit].count() < account_limit
    )
    PasswordResetRequest.objects.create(email=email, address=address, queued=queued)
    # Rows older than the window count for nothing; drop them as we go.
    PasswordResetRequest.objects.filter(at__lt=since - timedelta(days=1)).delete()
    return queued


# --- Joining through single sign-on -------------------------------------------------------------


@versions.bumps
def person_join_by_sso(*, email: str, name: str) -> Person:
    """A new member for an address the identity provider has verified, when the admin allows
    accounts to be made that way (RAPPORT_OIDC_CREATE_ACCOUNTS). There is no person to check
    yet: the provider's proof and the setting are the permission. The newcomer has no manager
    and the member role until the next org-chart import places them (docs/sso.md)."""
    access.require(bool(settings.OIDC_CREATE_ACCOUNTS))
    email = normalise_email(email)
    existing = Person.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    person = Person(email=email, name=name or email.split("@", 1)[0])
    person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two first sign-ins at once: the other one made the row.
        return Person.objects.get(email__iexact=email)
    return person


# --- The working-with-me profile ----------------------------------------------------------------

PROFILE_ANSWER_MAX = 2000


@versions.bumps
@transaction.atomic
def working_profile_save(
    *, person: Person, by: Person, answers: dict[str, str], shared: Collection[str]
) -> WorkingProfile:
    """The person's own profile: every answer in `answers` (blank clears it), each shared with
    their manager when its name is in `shared` and kept to the person otherwise. Only the
    person writes it: not their manager, not an admin."""
    access.require(access.can_write_working_profile(by, person))
    names = [name for name, _, _ in WorkingProfile.ANSWERS]
    unknown = (set(answers) | set(shared)) - set(names)
    if unknown:
        raise ValidationError(f"Unknown profile answers: {', '.join(sorted(unknown))}.")
    errors = {
        name: gettext("Keep this answer under %(limit)s characters.")
        % {"limit": PROFILE_ANSWER_MAX}
        for name, text in answers.items()
        if len(text.strip()) > PROFILE_ANSWER_MAX
    }
    if errors:
        raise ValidationError(errors)
    profile, _ = WorkingProfile.objects.select_for_update().get_or_create(person=person)
    for name in names:
        if name in answers:
            setattr(profile, name, answers[name].strip())
        setattr(profile, f"{name}_shared", name in shared)
    profile.updated_at = timezone.now()
    profile.save()
    return profile


def invitation_resend(*, person: Person, by: Person) -> Invitation:
    """An admin asks for `person`'s invitation again (a lost or expired email): a new row that
    the worker's tick sends once, with a fresh link."""
    access.require(access.can_resend_invitation(by, person))
    return Invitation.objects.create(person=person, created_by=by)


# --- The second factor (an authenticator app, rapport/people/totp.py) ---------------------------


class WrongCodeError(ValidationError):
    pass


def _recovery_codes_replace(person: Person) -> list[str]:
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(person=person).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(person=person, code_hash=totp.recovery_code_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def second_factor_enrol(
    *, person: Person, by: Person, secret: str, code: str, now: datetime | None = None
) -> list[str]:
    """Sets up the person's authenticator app once it proved it holds `secret` (a code it made
    from it) and returns ten new recovery codes: the only time they are readable."""
    access.require(access.can_manage_second_factor(by, person))
    if SecondFactor.objects.select_for_update().filter(person=person).exists():
        raise ValidationError(gettext("An authenticator app is already set up for this account."))
    step = totp.matching_step(secret, code, now or timezone.now())
    if step is None:
        raise WrongCodeError(
            gettext(
                "That code does not match. Type the six digits your app shows now for Rapport."
            ),
            code="wrong_code",
        )
    SecondFactor.objects.create(person=person, secret=secret, last_used_step=step)
    return _recovery_codes_replace(person)


@transaction.atomic
def recovery_codes_renew(
    *, person: Person, by: Person, code: str, now: datetime | None = None
) -> list[str]:
    """Ten new recovery codes for ten old ones (used or not), against a code from the app."""
    access.require(access.can_manage_second_factor(by, person))
    if not second_factor_check(person=person, code=code, now=now):
        raise WrongCodeError(
            gettext(
                "That code does not match. Type the six digits your app shows now for Rapport."
            ),
            code="wrong_code",
        )
    return _recovery_codes_replace(person)


def second_factor_check(*, person: Person, code: str, now: datetime | None = None) -> bool:
    """Whether `code` is the person's app's code for now (one step either side) and was never
    accepted before: a code seen over a shoulder or in a proxy log cannot be replayed, nor can
    an older one after a newer was used. The claim is one conditional UPDATE, so two requests
    with the same code cannot both win."""
    factor = SecondFactor.objects.filter(person=person).first()
    if factor is None:
        return False
    step = totp.matching_step(factor.secret, code, now or timezone.now())
    if step is None:
        return False
    claimed = SecondFactor.objects.filter(pk=factor.pk, last_used_step__lt=step).update(
        last_used_step=step
    )
    return claimed == 1


def recovery_code_use(*, person: Person, code: str, now: datetime | None = None) -> bool:
    """Spends one of the person's recovery codes; False when it is not theirs or already used."""
    if not SecondFactor.objects.filter(person=person).exists():
        return False
    spent = RecoveryCode.objects.filter(
        person=person, code_hash=totp.recovery_code_digest(code), used_at__isnull=True
    ).update(used_at=now or timezone.now())
    return spent == 1
