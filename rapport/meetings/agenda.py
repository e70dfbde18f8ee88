"""Changes to the agenda: talking points and action items."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rapport import access
from rapport.meetings.models import ActionItem, Meeting, OneOnOne, TalkingPoint
from rapport.people.models import Person


def _require_writer(by: Person, one_on_one: OneOnOne) -> None:
    access.require(access.can_see_one_on_one(by, one_on_one))
    if not access.can_write_in(by, one_on_one):
        raise ValidationError("This 1:1 is closed: its agenda can be read but no longer changed.")


def _require_may_touch(by: Person, point: TalkingPoint) -> None:
    access.require(access.can_see_point(by, point))
    _require_writer(by, point.one_on_one)


@transaction.atomic
def point_add(
    *,
    one_on_one: OneOnOne,
    author: Person,
    text: str,
    section: str,
    is_private: bool = False,
    is_recurring: bool = False,
) -> TalkingPoint:
    _require_writer(author, one_on_one)
    last = TalkingPoint.objects.filter(one_on_one=one_on_one).aggregate(last=Max("position"))
    return TalkingPoint.objects.create(
        one_on_one=one_on_one,
        author=author,
        text=text.strip(),
        section=section,
        is_private=is_private,
        is_recurring=is_recurring,
        position=(last["last"] or 0) + 1,
    )


@transaction.atomic
def point_set_discussed(
    *, point: TalkingPoint, meeting: Meeting, discussed: bool, by: Person
) -> None:
    """Tick or untick a point in a meeting. A recurring point keeps its place on every agenda:
    ticking it records a discussion of it in this meeting only."""
    _require_may_touch(by, point)
    if meeting.one_on_one_id != point.one_on_one_id:
        raise ValidationError("That point belongs to another 1:1.")
    if point.is_recurring:
        existing = point.discussions.filter(discussed_in=meeting)
        if discussed and not existing.exists():
            TalkingPoint.objects.create(
                one_on_one=point.one_on_one,
                author=point.author,
                text=point.text,
                section=point.section,
                is_private=point.is_private,
                recurring_source=point,
                position=point.position,
                discussed_in=meeting,
                discussed_at=timezone.now(),
            )
        elif not discussed:
            existing.delete()
        return
    point.discussed_in = meeting if discussed else None
    point.discussed_at = timezone.now() if discussed else None
    point.save(update_fields=["discussed_in", "discussed_at"])


@transaction.atomic
def point_move(*, point: TalkingPoint, meeting: Meeting, up: bool, by: Person) -> None:
    """Swap a point with its neighbour among the points the mover can see in that section;
    points hidden from them (the other person's private ones) keep their places."""
    _require_may_touch(by, point)
    from rapport.meetings.selectors import agenda_for

    section = next(s for s in agenda_for(by, meeting) if s.section == point.section)
    order = [
        p for p in section.points if p.discussed_in_id is None or p.discussed_in_id == meeting.pk
    ]
    index = next((i for i, p in enumerate(order) if p.pk == point.pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        return
    slots = sorted(p.position for p in order)
    order[index], order[other] = order[other], order[index]
    # Distinct positions, reusing the values these points already held.
    for position, item in zip(_distinct(slots), order, strict=True):
        if item.position != position:
            TalkingPoint.objects.filter(pk=item.pk).update(position=position)


def _distinct(values: list[int]) -> list[int]:
    result: list[int] = []
    for value in values:
        result.append(max(value, result[-1] + 1) if result else value)
    return result


def point_delete(*, point: TalkingPoint, by: Person) -> None:
    access.require(access.can_remove_point(by, point))
    _require_writer(by, point.one_on_one)
    if point.discussed_in_id is not None:
        raise ValidationError("A discussed point is part of the record and stays.")
    point.delete()


def action_add(
    *,
    one_on_one: OneOnOne,
    meeting: Meeting | None,
    owner: Person,
    text: str,
    due_on: date | None,
    by: Person,
    already_late: bool = False,
) -> ActionItem:
    """A new action of the pair. A due date in the past (on the writer's calendar) is refused
    unless `already_late` says the item is being recorded late on purpose."""
    _require_writer(by, one_on_one)
    if owner.pk not in (one_on_one.manager_id, one_on_one.report_id):
        raise ValidationError("An action belongs to one of the two people of the 1:1.")
    if due_on is not None and not already_late and due_on < timezone.localdate():
        raise ValidationError(
            f"{due_on:%-d %b %Y} has passed. Choose today or a later day, or tick "
            "“Already late” to record it with that date."
        )
    if meeting is not None and meeting.one_on_one_id != one_on_one.pk:
        raise ValidationError("That meeting belongs to another 1:1.")
    return ActionItem.objects.create(
        one_on_one=one_on_one,
        created_in=meeting,
        owner=owner,
        created_by=by,
        text=text.strip(),
        due_on=due_on,
    )


def action_set_done(*, action: ActionItem, done: bool, by: Person) -> ActionItem:
    _require_writer(by, action.one_on_one)
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done_at"])
    return action
