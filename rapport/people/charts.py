"""The pictures on people pages: when a remote team is at work, how big teams are."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext, ngettext

from rapport.charts import Bar, bar_chart
from rapport.people.models import Person
from rapport.people.selectors import OrganisationOverview, TeamMember, team_at_work_by_hour


def team_hours_chart(team: list[TeamMember], manager: Person, now: datetime) -> str:
    counts = team_at_work_by_hour(team, manager=manager, now=now)
    best = max(counts)
    bars = [
        Bar(label=f"{hour:02d}", value=count, highlight=count == best)
        for hour, count in enumerate(counts)
    ]
    best_hours = ", ".join(f"{hour:02d}:00" for hour, count in enumerate(counts) if count == best)
    return bar_chart(
        bars,
        title=gettext("Your team at work, by your hour"),
        description=ngettext(
            "How many of your %(count)d report is within 9:00-17:00 where they are, for each "
            "hour of your day (%(zone)s). Most overlap (%(best)d) at %(hours)s.",
            "How many of your %(count)d reports are within 9:00-17:00 where they are, for each "
            "hour of your day (%(zone)s). Most overlap (%(best)d) at %(hours)s.",
            len(team),
        )
        % {"count": len(team), "zone": manager.timezone, "best": best, "hours": best_hours},
        label_every=3,
    )


def team_sizes_chart(overview: OrganisationOverview) -> str:
    bars = [Bar(label=label, value=count) for label, count in overview.managers_by_team_size]
    summary = "; ".join(
        gettext("%(size)s reports: %(count)s") % {"size": label, "count": count}
        for label, count in overview.managers_by_team_size
    )
    return bar_chart(
        bars,
        title=gettext("Managers by number of direct reports"),
        description=summary,
        width=720,
        height=200,
    )
