"""Access rows for the export of one's own data (see tests/test_access_matrix.py). Everyone
signed in may ask for a copy of their own data; a download link works for its requester alone
(the report's here): anyone else, whatever their role, gets 404."""

from __future__ import annotations

from django.urls import reverse

from rapport.export import services
from tests.access_rows.base import SIGNED_IN, Row, Write, data, everyone, fixed, only
from tests.cast import Cast


def report_download(cast: Cast) -> str:
    """A built export of the report's, behind its signed link."""
    export = services.export_request(by=cast.report)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    return reverse("export:download", args=[services.download_token(export)])


ROWS: dict[str, Row] = {
    # POST only: a GET answers 405 to everyone signed in.
    "export:request": Row(fixed("export:request"), everyone(405)),
    "export:download": Row(report_download, only(("report",))),
}

WRITES: dict[str, Write] = {
    "export:request": Write(fixed("export:request"), data(), allowed=SIGNED_IN),
}
