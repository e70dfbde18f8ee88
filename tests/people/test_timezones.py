"""The time zones offered: canonical names only, grouped by region, aliases kept valid and
stored under their canonical name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rapport.access import SYSTEM
from rapport.meetings.services import import_people
from rapport.people.forms import PersonForm, ProfileForm
from rapport.people.models import Person
from rapport.people.timezones import (
    canonical_timezone,
    canonical_timezones,
    is_known_timezone,
    timezone_choices,
)
from tests.cast import Cast
from tests.people.importing_helpers import csv_bytes, person_row


def offered_names(choices: list[tuple[str, object]]) -> list[str]:
    names: list[str] = []
    for value, label in choices:
        if isinstance(label, list):
            names.extend(name for name, _ in label)
        else:
            names.append(value)
    return names


def test_no_deprecated_alias_or_fixed_offset_is_offered() -> None:
    offered = offered_names(timezone_choices())
    for alias in ("Africa/Asmera", "US/Eastern", "Etc/UTC", "Etc/GMT+5", "Asia/Calcutta", "GMT"):
        assert is_known_timezone(alias)
        assert alias not in offered
    assert not [name for name in offered if name.startswith(("Etc/", "US/", "SystemV/"))]
    assert {"Africa/Asmara", "Europe/Berlin", "America/New_York", "Asia/Kolkata"} <= set(offered)
    assert len(offered) == len(set(offered)) == len(canonical_timezones())


def test_zones_are_grouped_by_region_with_utc_first() -> None:
    choices = timezone_choices()
    assert choices[0] == ("UTC", "UTC")
    regions = [region for region, _ in choices[1:]]
    assert regions == sorted(regions)
    assert {"Africa", "America", "Asia", "Europe", "Pacific"} <= set(regions)
    for region, zones in choices[1:]:
        assert isinstance(zones, list)
        assert all(name.startswith(f"{region}/") for name, _ in zones)
    groups = {region: zones for region, zones in choices[1:] if isinstance(zones, list)}
    assert dict(groups["Europe"])["Europe/Berlin"] == "Berlin"
    assert dict(groups["America"])["America/Argentina/Buenos_Aires"] == "Argentina / Buenos Aires"


def test_aliases_map_to_the_canonical_zone_with_the_same_rules() -> None:
    assert canonical_timezone("Africa/Asmera") == "Africa/Asmara"
    assert canonical_timezone("US/Eastern") == "America/New_York"
    assert canonical_timezone("Asia/Calcutta") == "Asia/Kolkata"
    assert canonical_timezone("Europe/Kiev") == "Europe/Kyiv"
    assert canonical_timezone("Etc/UTC") == "UTC"
    assert canonical_timezone("Europe/Berlin") == "Europe/Berlin"
    # No canonical twin: still a valid zone, kept as it is.
    assert canonical_timezone("Etc/GMT+5") == "Etc/GMT+5"


def test_a_stored_alias_shows_as_its_canonical_zone_and_saves_as_it(
    cast: Cast, client: Client
) -> None:
    cast.report.timezone = "Africa/Asmera"
    cast.report.save(update_fields=["timezone"])
    client.force_login(cast.report)
    page = client.get(reverse("account")).content.decode()
    assert '<option value="Africa/Asmara" selected>Asmara</option>' in page
    assert '<optgroup label="Africa">' in page
    assert "Africa/Asmera" not in page.split('id="id_timezone"')[1].split("</select>")[0]

    client.post(reverse("account"), {"name": "Rui", "timezone": "US/Eastern"})
    cast.report.refresh_from_db()
    assert cast.report.timezone == "America/New_York"


def test_a_stored_zone_without_a_canonical_twin_is_offered_so_saving_keeps_it(
    cast: Cast,
) -> None:
    form = ProfileForm(initial={"name": "Rui", "timezone": "Etc/GMT+5"})
    assert "Etc/GMT+5" in offered_names(form.fields["timezone"].choices)  # type: ignore[attr-defined]
    admin_form = PersonForm(
        data={"name": "Rui", "timezone": "Etc/GMT+5", "role": "member"},
        initial={"timezone": "Etc/GMT+5"},
        person=cast.report,
    )
    assert admin_form.is_valid(), admin_form.errors
    assert admin_form.cleaned_data["timezone"] == "Etc/GMT+5"


def test_the_field_is_labelled_time_zone_in_two_words(cast: Cast, client: Client) -> None:
    client.force_login(cast.report)
    page = client.get(reverse("account")).content.decode()
    assert '<label for="id_timezone">Time zone</label>' in page
    assert "Timezone" not in page
    assert "data-zone-filter" in page


@pytest.mark.django_db
def test_an_imported_alias_is_stored_under_its_canonical_name() -> None:
    rows = [
        person_row("ana@example.org", "Ana", timezone="us/eastern"),
        person_row("ben@example.org", "Ben", timezone="Africa/Asmera"),
    ]
    report = import_people(by=SYSTEM, data=csv_bytes(rows))
    assert report.applied, report.problems
    zones = dict(Person.objects.values_list("email", "timezone"))
    assert zones["ana@example.org"] == "America/New_York"
    assert zones["ben@example.org"] == "Africa/Asmara"
