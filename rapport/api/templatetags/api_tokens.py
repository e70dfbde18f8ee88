"""The account page's API-token card reads the person's tokens through this tag, so the
account view stays as it is (templates/api/_account_tokens.html)."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

from rapport.api import selectors
from rapport.api.models import ApiToken
from rapport.people.models import Person

register = template.Library()


@register.simple_tag
def api_tokens_of(person: Person) -> QuerySet[ApiToken]:
    return selectors.tokens_of(person)
