"""The person card: the manager's private card about a report, in one 1:1.

Only the manager of the active 1:1 ever reads or writes it (access.can_see_person_card). It
belongs to the 1:1, not to the person, so when the report's manager changes the card closes
with the old 1:1 and the new manager starts with a blank one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rapport import access
from rapport.meetings.models import OneOnOne, PersonCard
from rapport.people.models import Person

CARD_FIELDS = ("motivators", "struggles", "outside_work", "working_style", "recognition")


def person_card_for(viewer: Person, one_on_one: OneOnOne) -> PersonCard | None:
    """None for anyone but the manager of the active 1:1. The manager gets the saved card, or
    an unsaved blank one when there is none yet, so pages can invite them to fill it in."""
    if not access.can_see_person_card(viewer, one_on_one):
        return None
    card = PersonCard.objects.filter(one_on_one=one_on_one).first()
    return card or PersonCard(one_on_one=one_on_one)


def card_is_empty(card: PersonCard) -> bool:
    return not any(getattr(card, name).strip() for name in CARD_FIELDS)


@transaction.atomic
def person_card_save(*, one_on_one: OneOnOne, by: Person, **fields: str) -> PersonCard:
    """Write the given fields of the card (creating it on first save); fields not given keep
    their text. Refused for anyone but the manager of the active 1:1."""
    access.require(access.can_see_person_card(by, one_on_one))
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a person card: {sorted(unknown)}")
    card, _ = PersonCard.objects.select_for_update().get_or_create(one_on_one=one_on_one)
    for name, value in fields.items():
        setattr(card, name, value.strip())
    card.updated_at = timezone.now()
    card.full_clean()
    card.save()
    return card
