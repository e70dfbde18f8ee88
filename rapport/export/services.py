"""Every write of the export: a person asks for a copy of their data, the worker builds it
once, offers it for 7 days by a signed link, and deletes it afterwards.

`export_request` and `export_download` are the two things a person does; an audit trail can
record both from here (they return what happened). Building and purging are bookkeeping of the
worker and act for nobody.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport import access
from rapport.audit import services as audit
from rapport.audit.models import Action as AuditAction
from rapport.display import language_to_activate
from rapport.export import archive, selectors
from rapport.export.models import OFFERED_FOR, DataExport
from rapport.notify.tasks import enqueue_or_log
from rapport.people.models import Person

logger = logging.getLogger(__name__)

LINK_SALT = "rapport.export.download"


class LinkExpired(Exception):
    """The link was genuine and the requester's, but its 7 days are over."""


def export_dir() -> Path:
    path = settings.RAPPORT_EXPORT_DIR
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class _BuiltAtSigner(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is the moment the export was built, not the moment
    the link is shown: every page shows the same link, and `max_age` counts from the build."""

    def __init__(self, *, at: datetime) -> None:
        super().__init__(salt=LINK_SALT)
        self.at = at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.at.timestamp()))


def download_token(export: DataExport) -> str:
    """The signed link's token of a built export: names the export and its requester."""
    if export.built_at is None:
        raise ValueError("an export gets a link once it is built")
    signer = _BuiltAtSigner(at=export.built_at)
    return signer.sign_object({"e": str(export.uuid), "p": export.person_id})


def export_request(*, by: Person) -> DataExport:
    """`by` asks for a copy of their own data. One request at a time: while one is being
    prepared, asking again is refused with a message. The worker builds it (enqueued once the
    request is committed; the worker's tick catches up if enqueuing failed)."""
    access.require(by.is_active)
    with transaction.atomic():
        # Lock the person's row so two clicks cannot both pass the check below.
        Person.objects.select_for_update().filter(pk=by.pk).first()
        if DataExport.objects.filter(
            person=by, status__in=(DataExport.Status.PENDING, DataExport.Status.BUILDING)
        ).exists():
            raise ValidationError(
                gettext("Your data is already being prepared; it will be ready soon.")
            )
        export = DataExport.objects.create(person=by)
        audit.record(action=AuditAction.EXPORT_REQUESTED, actor=by, subject=by)

    def enqueue() -> None:
        from rapport.export.tasks import build_export  # the task calls this module back

        enqueue_or_log(build_export, export.pk)

    transaction.on_commit(enqueue)
    return export


def export_build(*, export_id: int, now: datetime | None = None) -> bool:
    """Build one requested export, exactly once: the row is claimed from PENDING to BUILDING
    by one conditional UPDATE, so a second task or a tick at the same time finds nothing to do.
    True when this call built it."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.BUILDING
    )
    if not claimed:
        return False
    export = DataExport.objects.select_related("person").get(pk=export_id)
    now = now or timezone.now()
    try:
        contents = selectors.export_contents(export.person, now=now)
        # The README speaks the person's language, whoever builds it (usually the worker).
        with translation.override(language_to_activate(export.person.email_language)):
            data = archive.zip_bytes(contents)
        name = f"{export.uuid}.zip"
        target = export_dir() / name
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.chmod(0o600)
        partial.replace(target)
    except Exception:
        logger.exception("Building export %s failed", export.uuid)
        DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED)
        return False
    DataExport.objects.filter(pk=export_id).update(
        status=DataExport.Status.READY, built_at=now, file_name=name, size_bytes=len(data)
    )
    return True


def exports_build_waiting(*, now: datetime | None = None, older_than_seconds: int = 120) -> int:
    """The worker's tick: build requests whose task never ran (a broker outage when they were
    asked). Requests younger than `older_than_seconds` are left to their own task."""
    now = now or timezone.now()
    waiting = DataExport.objects.filter(
        status=DataExport.Status.PENDING,
        requested_at__lte=now - timedelta(seconds=older_than_seconds),
    ).values_list("pk", flat=True)
    return sum(export_build(export_id=pk) for pk in list(waiting))


def exports_purge_expired(*, now: datetime | None = None) -> int:
    """The worker's tick: delete the files of exports offered for 7 days, and mark them
    expired (the row stays, so the link says "expired" rather than "not found")."""
    now = now or timezone.now()
    expired = list(
        DataExport.objects.filter(
            status=DataExport.Status.READY, built_at__lte=now - OFFERED_FOR
        ).values_list("pk", "file_name")
    )
    for pk, name in expired:
        if name:
            (export_dir() / name).unlink(missing_ok=True)
        DataExport.objects.filter(pk=pk).update(status=DataExport.Status.EXPIRED, file_name="")
    return len(expired)


@dataclass(frozen=True)
class Download:
    export: DataExport
    file_name: str
    content: bytes


def export_download(*, token: str, by: Person, now: datetime | None = None) -> Download:
    """The zip behind a signed link, for its requester alone. Anyone else, a forged or unknown
    token: `access.Refused` (a 404, saying nothing). The requester after 7 days: LinkExpired."""
    now = now or timezone.now()
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        payload = signer.unsign_object(token)
    except signing.BadSignature:
        raise access.Refused from None
    if not isinstance(payload, dict) or payload.get("p") != by.pk:
        raise access.Refused
    try:
        export = DataExport.objects.get(uuid=uuid.UUID(str(payload.get("e"))), person=by)
    except (DataExport.DoesNotExist, ValueError):
        raise access.Refused from None
    access.require(export.person_id == by.pk)
    try:
        signer.unsign_object(token, max_age=OFFERED_FOR)
    except signing.SignatureExpired:
        raise LinkExpired from None
    if export.is_expired(now) or export.status != DataExport.Status.READY:
        raise LinkExpired
    path = export_dir() / export.file_name
    if not export.file_name or not path.is_file():
        raise LinkExpired
    stamp = export.built_at.date().isoformat() if export.built_at else "export"
    audit.record(action=AuditAction.EXPORT_DOWNLOADED, actor=by, subject=by)
    return Download(export=export, file_name=f"rapport-data-{stamp}.zip", content=path.read_bytes())
