"""The demo organisation behind `rapport demo`: a remote company small enough to read, with the
reference case of the product at its centre (one manager with a remote team of 30).

    Daniel Cohen, CEO
     ├── Ingrid Solberg, VP Product & Engineering        (the skip-level)
     │    ├── Maya Okafor, Engineering Manager, Platform  (30 reports, every continent)
     │    ├── Elif Demir, Engineering Manager, Mobile     (6 reports)
     │    └── Tendai Moyo, Engineering Manager, Data      (5 reports)
     ├── Anouk de Vries, Head of Design                   (4 reports)
     ├── Grace Mensah, People Partner                     (role hr)
     └── Lukas Brenner, IT & Workplace                    (role admin)

Seven people left in the last year (recorded by HR, most by their own choice): five after their
1:1s had lapsed, two whose 1:1s were kept, so the organisation view has retention to compare.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from rapport.meetings.models import Meeting, OneOnOne
from rapport.people.models import DayAway, LeftReason, Person, Role

DEMO_DOMAIN = "demo.rapport.example"
# Shared by every demo account and printed by `rapport demo`: the demo is for trying Rapport
# on your own machine, never for an installation other people can reach.
DEMO_PASSWORD = "rapport-demo"

# Start dates are drawn from a seeded generator so every run builds the same organisation.
_SEED = 20_30
_MAX_TENURE_DAYS = 6 * 365  # the company's age: the CEO founded it
_MIN_TENURE_DAYS = 21  # the newest joiners have been around long enough to have had a 1:1


@dataclass(frozen=True)
class _Seat:
    name: str
    title: str
    timezone: str
    # Set where "first.last" of the written name is wrong, e.g. family name first.
    email_local: str = ""
    role: str = Role.MEMBER
    # Leaders get fixed tenures so the chart reads plausibly (the CEO founded the company).
    days_ago: int | None = None


_CEO = _Seat(
    "Daniel Cohen", "Chief Executive Officer", "America/New_York", days_ago=_MAX_TENURE_DAYS
)
_SKIP_LEVEL = _Seat("Ingrid Solberg", "VP Product & Engineering", "Europe/Oslo", days_ago=2010)
_HR = _Seat("Grace Mensah", "People Partner", "Europe/London", role=Role.HR, days_ago=1650)
_ADMIN = _Seat("Lukas Brenner", "IT & Workplace", "Europe/Berlin", role=Role.ADMIN, days_ago=1900)
_MANAGER = _Seat("Maya Okafor", "Engineering Manager, Platform", "Europe/London", days_ago=1480)
_REPORT = _Seat("José Hernández", "Staff Engineer", "America/Mexico_City")

# The main team: remote, spread over the Americas, Europe, Africa, Asia and Oceania.
_PLATFORM_TEAM = (
    _REPORT,
    _Seat("Zoë Martin", "Senior Engineer", "Europe/Paris"),
    _Seat("Björn Lindqvist", "Site Reliability Engineer", "Europe/Stockholm"),
    # Turkish writes this name with a dotless i; ruff would flag it as a lookalike letter.
    _Seat("Şebnem Yıldız", "Senior Engineer", "Europe/Istanbul"),  # noqa: RUF001
    _Seat("Nguyễn Thị Lan", "Engineer II", "Asia/Ho_Chi_Minh", email_local="lan.nguyen"),
    _Seat("Kwame Asante", "Engineer II", "Africa/Accra"),
    _Seat("Aisha Bello", "Senior Engineer", "Africa/Lagos"),
    _Seat("Wanjiru Kamau", "QA Engineer", "Africa/Nairobi"),
    _Seat("Thabo Mokoena", "Data Engineer", "Africa/Johannesburg"),
    _Seat("Omar Haddad", "Engineer II", "Africa/Cairo"),
    _Seat("Priya Raman", "Senior Engineer", "Asia/Kolkata"),
    _Seat("Arjun Mehta", "Engineer I", "Asia/Kolkata"),
    _Seat("Mei Lin Tan", "Staff Engineer", "Asia/Singapore", email_local="meilin.tan"),
    _Seat("Haruto Sato", "Engineer II", "Asia/Tokyo"),
    _Seat("Ji-woo Park", "Senior Engineer", "Asia/Seoul", email_local="jiwoo.park"),
    _Seat("Rizal Santoso", "Site Reliability Engineer", "Asia/Jakarta"),
    _Seat("Maria Santos", "QA Engineer", "Asia/Manila"),
    _Seat("Liam O'Connor", "Senior Engineer", "Australia/Sydney"),
    _Seat("Aroha Ngata", "Engineer II", "Pacific/Auckland"),
    _Seat("Chloé Tremblay", "Engineer II", "America/Toronto"),
    _Seat("Marcus Johnson", "Senior Site Reliability Engineer", "America/New_York"),
    _Seat("Camila Rojas", "Engineer II", "America/Bogota"),
    _Seat("Valentina Gómez", "Senior Engineer", "America/Argentina/Buenos_Aires"),
    _Seat("Lucas Oliveira", "Engineer II", "America/Sao_Paulo"),
    _Seat("Hannah Kim", "Engineer I", "America/Los_Angeles"),
    _Seat("Diego Fernández", "Data Engineer", "America/Lima"),
    _Seat("Sofia Esposito", "Engineer II", "Europe/Rome"),
    _Seat("Łukasz Nowak", "Senior Engineer", "Europe/Warsaw"),
    _Seat("Siobhán Murphy", "Senior Engineer, Developer Experience", "Europe/Dublin"),
    _Seat("Andrei Popescu", "Security Engineer", "Europe/Bucharest"),
)

_MOBILE_MANAGER = _Seat("Elif Demir", "Engineering Manager, Mobile", "Europe/Istanbul")
_MOBILE_TEAM = (
    _Seat("Kenji Watanabe", "Senior iOS Engineer", "Asia/Tokyo"),
    _Seat(
        "Fatima Zahra Alaoui", "Android Engineer", "Africa/Casablanca", email_local="fatima.alaoui"
    ),
    _Seat("Jonas Becker", "Engineer II", "Europe/Berlin"),
    _Seat("Ana Luísa Ferreira", "Senior Android Engineer", "Europe/Lisbon"),
    _Seat("Noah Williams", "QA Engineer", "America/Chicago"),
    _Seat("Tariq Rahman", "Engineer I", "Asia/Dhaka"),
)

_DATA_MANAGER = _Seat("Tendai Moyo", "Engineering Manager, Data", "Africa/Harare")
_DATA_TEAM = (
    _Seat("Nikola Petrović", "Senior Data Engineer", "Europe/Belgrade"),
    _Seat("Layla Hassan", "Data Scientist", "Asia/Dubai"),
    _Seat("Ethan Brooks", "Data Engineer", "America/Denver"),
    _Seat("Emma Laurent", "Analytics Engineer", "Europe/Brussels"),
    _Seat("Ama Owusu", "Machine Learning Engineer", "Africa/Accra"),
)

_DESIGN_MANAGER = _Seat(
    "Anouk de Vries",
    "Head of Design",
    "Europe/Amsterdam",
    email_local="anouk.devries",
    days_ago=1720,
)
_DESIGN_TEAM = (
    _Seat("Isabela Costa", "Senior Product Designer", "America/Sao_Paulo"),
    _Seat("Chen Yu", "Product Designer", "Asia/Shanghai", email_local="yu.chen"),
    _Seat("Mateo Silva", "UX Researcher", "America/Montevideo"),
    _Seat("Olivia Brown", "Content Designer", "Australia/Melbourne"),
)


@dataclass(frozen=True)
class _Hours:
    work_days: int  # Monday = bit 0, as Person.work_days
    starts: time
    ends: time


# Most people keep the default (Monday to Friday, 09:00-17:30 on their own clock); these do not.
_MONDAY_TO_THURSDAY = 0b0001111
_SUNDAY_TO_THURSDAY = 0b1001111
_MONDAY_TO_FRIDAY = 0b0011111
_WORKING_HOURS = {
    "Marcus Johnson": _Hours(_MONDAY_TO_FRIDAY, time(8), time(16)),
    "Liam O'Connor": _Hours(_MONDAY_TO_FRIDAY, time(8), time(16, 30)),
    "Hannah Kim": _Hours(_MONDAY_TO_FRIDAY, time(8, 30), time(17)),
    "Haruto Sato": _Hours(_MONDAY_TO_FRIDAY, time(10), time(18, 30)),
    "Sofia Esposito": _Hours(_MONDAY_TO_THURSDAY, time(9), time(17, 30)),  # part time
    "Omar Haddad": _Hours(_SUNDAY_TO_THURSDAY, time(9), time(17)),  # Egypt's working week
    "Layla Hassan": _Hours(_MONDAY_TO_FRIDAY, time(8), time(16)),
}

# Days away, counted from the day the demo is built: (name, first day, last day, kind).
_DAYS_AWAY = (
    ("Zoë Martin", 2, 2, DayAway.Kind.LEAVE),
    ("Haruto Sato", 9, 13, DayAway.Kind.HOLIDAY),
    ("Priya Raman", 16, 20, DayAway.Kind.HOLIDAY),
    ("José Hernández", 23, 24, DayAway.Kind.OTHER),
    ("Kenji Watanabe", 5, 6, DayAway.Kind.HOLIDAY),
)


@dataclass(frozen=True)
class _Leaver:
    seat: _Seat
    team: str  # whose team they were in: "platform", "mobile", "data" or "design"
    left_days_ago: int
    reason: LeftReason
    # Were their 1:1s kept (most held) in the months before they left, or had they lapsed?
    kept: bool


_LEAVERS = (
    _Leaver(
        _Seat("Rafael Duarte", "Engineer II", "America/Sao_Paulo", days_ago=900),
        "platform",
        70,
        LeftReason.VOLUNTARY,
        kept=False,
    ),
    _Leaver(
        _Seat("Samir Khoury", "Senior Engineer", "Asia/Beirut", days_ago=1300),
        "platform",
        150,
        LeftReason.VOLUNTARY,
        kept=False,
    ),
    _Leaver(
        _Seat("Elena Volkova", "Site Reliability Engineer", "Europe/Vilnius", days_ago=1100),
        "platform",
        220,
        LeftReason.VOLUNTARY,
        kept=True,
    ),
    _Leaver(
        _Seat("Yusuf Kaya", "Android Engineer", "Europe/Istanbul", days_ago=700),
        "mobile",
        40,
        LeftReason.VOLUNTARY,
        kept=False,
    ),
    _Leaver(
        _Seat("Hiroshi Tanaka", "iOS Engineer", "Asia/Tokyo", days_ago=1000),
        "mobile",
        260,
        LeftReason.INVOLUNTARY,
        kept=False,
    ),
    _Leaver(
        _Seat("Ruth Abebe", "Data Analyst", "Africa/Addis_Ababa", days_ago=800),
        "data",
        120,
        LeftReason.VOLUNTARY,
        kept=False,
    ),
    _Leaver(
        _Seat("Pieter Jansen", "Product Designer", "Europe/Amsterdam", days_ago=1400),
        "design",
        300,
        LeftReason.VOLUNTARY,
        kept=True,
    ),
)


@dataclass(frozen=True)
class DemoOrganisation:
    ceo: Person
    skip_level: Person
    manager: Person
    report: Person
    peer_managers: tuple[Person, ...]
    hr: Person
    admin: Person

    def sign_ins(self) -> list[tuple[str, Person]]:
        """Who to sign in as to see each point of view, in the order worth trying them."""
        team_size = self.manager.reports.filter(is_active=True).count()
        return [
            (f"Manager of the {team_size}-person team", self.manager),
            ("Report in that team", self.report),
            ("Skip-level manager", self.skip_level),
            *(("Peer manager", peer) for peer in self.peer_managers),
            ("CEO", self.ceo),
            ("HR", self.hr),
            ("Admin", self.admin),
        ]


def _demo_email(seat: _Seat) -> str:
    local = seat.email_local or _ascii_local_part(seat.name)
    return f"{local}@{DEMO_DOMAIN}"


# Letters NFKD does not split into a base letter and an accent.
_TRANSLITERATE = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "ı": "i"}  # noqa: RUF001
)


def _ascii_local_part(name: str) -> str:
    words = name.translate(_TRANSLITERATE).split()
    first, last = words[0], words[-1]

    def plain(word: str) -> str:
        decomposed = unicodedata.normalize("NFKD", word)
        return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()

    return f"{plain(first)}.{plain(last)}"


def demo_people() -> QuerySet[Person]:
    return Person.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}")


def demo_passwords_disable() -> int:
    """Make every demo account's password unusable (a production database that was once a demo);
    returns how many changed. They may still receive a reset email outside production."""
    return Person.objects.filter(is_demo=True).update(password=make_password(None))


def demo_organisation_exists() -> bool:
    return demo_people().exists()


def demo_organisation_get() -> DemoOrganisation | None:
    """The key people of an existing demo, or None when any of them is missing."""
    key_seats = (_CEO, _SKIP_LEVEL, _MANAGER, _REPORT, _MOBILE_MANAGER, _DATA_MANAGER, _HR, _ADMIN)
    found = {p.email: p for p in Person.objects.filter(email__in=map(_demo_email, key_seats))}

    def at(seat: _Seat) -> Person:
        return found[_demo_email(seat)]

    try:
        return DemoOrganisation(
            ceo=at(_CEO),
            skip_level=at(_SKIP_LEVEL),
            manager=at(_MANAGER),
            report=at(_REPORT),
            peer_managers=(at(_MOBILE_MANAGER), at(_DATA_MANAGER)),
            hr=at(_HR),
            admin=at(_ADMIN),
        )
    except KeyError:
        return None


class DemoOrganisationExistsError(Exception):
    pass


class DemoResetError(Exception):
    pass


@transaction.atomic
def demo_organisation_create(*, today: date | None = None) -> DemoOrganisation:
    if demo_organisation_exists():
        raise DemoOrganisationExistsError(f"People with @{DEMO_DOMAIN} addresses already exist.")
    today = today or timezone.localdate()
    rng = random.Random(_SEED)
    # One hash for everyone: hashing with Argon2 once per person would take seconds.
    password = make_password(DEMO_PASSWORD)

    def seat_person(seat: _Seat, manager: Person | None) -> Person:
        days_ago = (
            seat.days_ago
            if seat.days_ago is not None
            else rng.randint(_MIN_TENURE_DAYS, _MAX_TENURE_DAYS)
        )
        person = Person(
            email=_demo_email(seat),
            name=seat.name,
            title=seat.title,
            timezone=seat.timezone,
            role=seat.role,
            manager=manager,
            started_on=today - timedelta(days=days_ago),
            password=password,
            is_demo=True,
        )
        if hours := _WORKING_HOURS.get(seat.name):
            person.work_days = hours.work_days
            person.work_starts = hours.starts
            person.work_ends = hours.ends
        return person

    def create_level(pairs: Sequence[tuple[_Seat, Person | None]]) -> list[Person]:
        # A level at a time, because a manager needs its primary key before its reports do.
        return Person.objects.bulk_create([seat_person(seat, manager) for seat, manager in pairs])

    [ceo] = create_level([(_CEO, None)])
    skip_level, hr, admin, design_manager = create_level(
        [(_SKIP_LEVEL, ceo), (_HR, ceo), (_ADMIN, ceo), (_DESIGN_MANAGER, ceo)]
    )
    manager, mobile_manager, data_manager, *_ = create_level(
        [(_MANAGER, skip_level), (_MOBILE_MANAGER, skip_level), (_DATA_MANAGER, skip_level)]
        + [(seat, design_manager) for seat in _DESIGN_TEAM]
    )
    report, *_ = create_level(
        [(seat, manager) for seat in _PLATFORM_TEAM]
        + [(seat, mobile_manager) for seat in _MOBILE_TEAM]
        + [(seat, data_manager) for seat in _DATA_TEAM]
    )
    # The leavers come last, with fixed dates, so the seeded start dates above stay the same.
    teams = {
        "platform": manager,
        "mobile": mobile_manager,
        "data": data_manager,
        "design": design_manager,
    }
    leavers = [seat_person(leaver.seat, teams[leaver.team]) for leaver in _LEAVERS]
    for person, leaver in zip(leavers, _LEAVERS, strict=True):
        person.is_active = False
        person.left_on = today - timedelta(days=leaver.left_days_ago)
        person.left_reason = leaver.reason
    Person.objects.bulk_create(leavers)
    return DemoOrganisation(
        ceo=ceo,
        skip_level=skip_level,
        manager=manager,
        report=report,
        peer_managers=(mobile_manager, data_manager),
        hr=hr,
        admin=admin,
    )


@dataclass(frozen=True)
class DemoDaysAway:
    person: Person
    starts_on: date
    ends_on: date
    kind: str


def demo_days_away(manager: Person, today: date) -> list[DemoDaysAway]:
    """A few holidays in the coming weeks, and the manager's own over the turn of the year. Plain
    data: the demo command records them through the days-away service once the meetings exist,
    so the 1:1s on those days are skipped as they would be for anyone."""
    people = {person.name: person for person in demo_people().filter(is_active=True)}
    planned = [
        DemoDaysAway(
            people[name], today + timedelta(days=first), today + timedelta(days=last), kind
        )
        for name, first, last, kind in _DAYS_AWAY
    ]
    # The manager's winter holiday: the one under way, else the next.
    ends = date(today.year, 1, 2)
    starts = date(today.year - 1, 12, 23)
    if ends < today:
        starts, ends = date(today.year, 12, 23), date(today.year + 1, 1, 2)
    planned.append(DemoDaysAway(manager, starts, ends, DayAway.Kind.HOLIDAY))
    return planned


_LEAVER_WEEKS = 30  # how far back each leaver's weekly 1:1s go from the day they left


@transaction.atomic
def demo_departures_history_create() -> int:
    """The leavers' weekly 1:1s up to the day they left, closed since; held or not as each one's
    story says. Run after demo_organisation_create; returns how many meetings it wrote. Only
    the organisation view's aggregates read them: nobody sees a closed 1:1 of someone who left.
    """
    stories = {_demo_email(leaver.seat): leaver for leaver in _LEAVERS}
    leavers = demo_people().filter(email__in=stories, left_on__isnull=False, manager__isnull=False)
    meetings: list[Meeting] = []
    for person in leavers.select_related("manager"):
        assert person.manager is not None and person.left_on is not None
        zone = person.manager.timezone
        left = datetime.combine(person.left_on, time(10), tzinfo=ZoneInfo(zone))
        first = left - timedelta(weeks=_LEAVER_WEEKS)
        pair = OneOnOne.objects.create(
            manager=person.manager,
            report=person,
            weekday=first.weekday(),
            start_time=time(10),
            timezone=zone,
            starts_on=first.date(),
            status=OneOnOne.Status.CLOSED,
            closed_at=left,
            scheduled_until=left,
            created_at=first - timedelta(days=3),
        )
        kept = stories[person.email].kept
        for week in range(_LEAVER_WEEKS):
            at = first + timedelta(weeks=week)
            status = _leaver_meeting_status(kept=kept, weeks_before_leaving=_LEAVER_WEEKS - week)
            meetings.append(Meeting(one_on_one=pair, slot=at, scheduled_for=at, status=status))
    Meeting.objects.bulk_create(meetings)
    return len(meetings)


def _leaver_meeting_status(*, kept: bool, weeks_before_leaving: int) -> str:
    status = Meeting.Status
    weeks = weeks_before_leaving
    if kept:  # nearly every week, to the end (about 88% held over the last six months)
        return status.SKIPPED if weeks % 8 == 0 else status.HELD
    # Lapsing (about half held over the last six months): steady at first, then patchy, and
    # in the last two months mostly skipped or simply left unmarked.
    if weeks > 20:
        return status.SKIPPED if weeks % 5 == 0 else status.HELD
    if weeks > 8:
        return status.HELD if weeks % 2 else status.CANCELLED
    if weeks % 4 == 0:
        return status.HELD
    return status.SKIPPED if weeks % 3 else status.UPCOMING


@transaction.atomic
def demo_organisation_delete() -> int:
    """Delete every demo person and return how many there were. Refuses, changing nothing,
    when someone outside the demo reports to a demo person or other rows still point at one."""
    demo = demo_people()
    outside_reports = Person.objects.filter(manager__in=demo).exclude(pk__in=demo)
    if names := sorted(outside_reports.values_list("name", flat=True)):
        raise DemoResetError(
            "These people outside the demo report to a demo person; give them another manager "
            f"first: {', '.join(names)}."
        )
    # Reporting lines inside the demo are protected; dropping them lets the rows go together.
    demo.update(manager=None)
    try:
        _, per_model = demo.delete()
    except ProtectedError as error:
        raise DemoResetError(
            "Other records still point at demo people, so the demo cannot be deleted: "
            f"{len(error.protected_objects)} of them."
        ) from error
    return per_model.get(Person._meta.label, 0)
