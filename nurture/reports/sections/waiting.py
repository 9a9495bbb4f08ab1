"""The waiting list over time, how long families waited for a first offer, and what became of
the offers made.

The list's size at any moment comes from the referrals' history, not from their status
today: every ``ReferralEvent`` records the status it left and the one it entered, so each
event either puts a referral on the list, takes it off, or neither. The size at the end of a
period is the number of moves on minus moves off up to then: one sum over the history before
the range and one grouped sum per period inside it (two queries, whatever the history's
length). Four queries for the whole section.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Trunc
from django.utils import timezone

from nurture.courses.models import Offer, OfferStatus
from nurture.lib.charts import Point, Series, line_chart
from nurture.policy import ReportScope
from nurture.referrals.models import Referral, ReferralEvent, Status
from nurture.reports.filters import ReportFilters, runs_for
from nurture.reports.sections.common import (
    as_duration,
    count_table,
    in_days,
    rows_over,
    unless_few,
)
from nurture.reports.tables import SUPPRESSED, Column, Section, Table, suppress

ON_LIST = (Status.ELIGIBLE, Status.WAITING)
"""A referral in one of these states is on the waiting list (assessed, not yet offered a
place, enrolled or closed)."""

WEEKLY_UP_TO_DAYS = 13 * 7
"""Ranges this long or shorter show the list size week by week; longer ones month by month."""

OUTCOMES = (
    (OfferStatus.ACCEPTED, "Accepted"),
    (OfferStatus.DECLINED, "Declined"),
    (OfferStatus.EXPIRED, "Expired without a reply"),
    (OfferStatus.WITHDRAWN, "Withdrawn by the service"),
    (OfferStatus.FILLED, "Place already taken"),
    (OfferStatus.PENDING, "Still waiting for a reply"),
)

JOINS = Q(to_status__in=ON_LIST) & ~Q(from_status__in=ON_LIST)
LEAVES = Q(from_status__in=ON_LIST) & ~Q(to_status__in=ON_LIST)

COURSE_NOTE = (
    "Families on the waiting list are not yet linked to a venue, facilitator or course, so "
    "the list size is shown only without those filters. Waiting times and offers count "
    "offers on matching courses."
)


@dataclass(frozen=True)
class Period:
    key: date
    """The first day of the month, or the Monday of the week (as the database truncates)."""
    end: date
    """The last day counted: the period's last day, or the range's last day if sooner."""
    label: str


def waiting_section(scope: ReportScope, filters: ReportFilters) -> Section:
    course_cut = filters.by_course or scope.is_facilitator_summary
    offers = Offer.objects.filter(run__in=runs_for(scope, filters).values("pk"))
    notes = (COURSE_NOTE,) if course_cut else ()
    tables = [] if course_cut else [_list_size_table(scope, filters)]
    tables += [
        _waiting_time_table(offers, filters, notes, course_cut=course_cut),
        _offers_table(offers, filters, notes),
    ]
    return Section(key="waiting", title="Waiting list and offers", tables=tables)


# --- List size ---------------------------------------------------------------------------


def is_weekly(filters: ReportFilters) -> bool:
    return (filters.date_to - filters.date_from).days + 1 <= WEEKLY_UP_TO_DAYS


def periods(filters: ReportFilters) -> list[Period]:
    """Weeks (Monday to Sunday) for a range of 13 weeks or less, else calendar months; the
    first and last may be cut short by the range."""
    if is_weekly(filters):
        return weeks(filters.date_from, filters.date_to)
    return months(filters.date_from, filters.date_to)


def weeks(first: date, last: date) -> list[Period]:
    found = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        end = min(monday + timedelta(days=6), last)
        found.append(Period(monday, end, f"{end:%-d %b}"))
        monday += timedelta(weeks=1)
    return found


def months(first: date, last: date) -> list[Period]:
    found = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        end = date(year, month, calendar.monthrange(year, month)[1])
        found.append(Period(date(year, month, 1), min(end, last), f"{end:%b %Y}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _list_moves(scope: ReportScope) -> QuerySet[ReferralEvent]:
    """Every event that put a referral in scope on the list or took it off."""
    moves = ReferralEvent.objects.filter(JOINS | LEAVES, referral__duplicate_of__isnull=True)
    if scope.provider_ids is not None:
        moves = moves.filter(referral__provider_id__in=scope.provider_ids)
    return moves


def list_sizes(scope: ReportScope, filters: ReportFilters) -> list[tuple[Period, int]]:
    """The number on the list at the end of each period (two queries)."""
    moves = _list_moves(scope)
    change = Sum(Case(When(JOINS, then=Value(1)), default=Value(-1), output_field=IntegerField()))
    size: int = moves.filter(at__lt=filters.start()).aggregate(n=change)["n"] or 0
    weekly = is_weekly(filters)
    tz = timezone.get_current_timezone()
    per_period = {
        timezone.localtime(row["period"], tz).date(): row["n"]
        for row in moves.filter(at__gte=filters.start(), at__lt=filters.end())
        .annotate(period=Trunc("at", "week" if weekly else "month", DateTimeField(), tzinfo=tz))
        .values("period")
        .annotate(n=change)
        .order_by()
    }
    sizes = []
    for period in periods(filters):
        size += per_period.get(period.key, 0)
        sizes.append((period, size))
    return sizes


def _list_size_table(scope: ReportScope, filters: ReportFilters) -> Table:
    sizes = list_sizes(scope, filters)
    unit = "week" if is_weekly(filters) else "month"
    shown = [(period, size) for period, size in sizes if suppress(size) != SUPPRESSED]
    chart = line_chart(
        chart_id="waiting-list-size",
        title=f"Families on the waiting list at the end of each {unit}",
        categories=[period.label for period, _ in sizes],
        series=[
            Series(
                "On the waiting list",
                [Point(period.label, float(size)) for period, size in shown],
            )
        ],
        y_range=(0, max([size for _, size in shown], default=0) or 1),
        y_label="Families",
        x_label=f"End of {unit}",
        description=(
            f"Families on the waiting list at the end of each {unit}: "
            + "; ".join(f"{period.label}: {suppress(size)}" for period, size in sizes)
            + ". Points under 5 are left out of the line."
        ),
    )
    return Table(
        key="list-size",
        title="Waiting list size",
        definition=(
            "The number of referrals on the waiting list at the end of each "
            f"{unit} in the range (for the last, at the end of the range's last day). A "
            "referral is on the list from the moment it is marked eligible or put on the "
            "waiting list (including by an override, or when a family declines an offer but "
            "keeps their place in the queue) until it is offered a place, enrolled, found "
            "not eligible, withdrawn or declines a place altogether. Worked out from each "
            "referral's history, so past months show what the list was then. Duplicates are "
            "left out. Numbers under 5 are shown as <5."
        ),
        columns=(
            Column("period", unit.title()),
            Column("date", "At the end of"),
            Column("families", "On the list", "count"),
        ),
        rows=[
            {
                "period": period.label,
                "date": period.end.isoformat(),
                "families": suppress(size),
            }
            for period, size in sizes
        ],
        chart=chart,
    )


# --- Waiting time --------------------------------------------------------------------------


WAITS_BY_MONTH_SQL = """
SELECT w.month, COUNT(*), AVG(w.waited) FROM ({inner}) w GROUP BY w.month
"""


def _month_of(value: Any, tz: Any) -> date:
    """The month a raw row names: local time already (truncated in the local zone), as text
    on SQLite or a datetime on PostgreSQL."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return timezone.localtime(value, tz).date() if timezone.is_aware(value) else value.date()


def _waiting_time_table(
    offers: QuerySet[Offer], filters: ReportFilters, notes: tuple[str, ...], *, course_cut: bool
) -> Table:
    """One query, set-based: per referral with an offer in the range, its first offer and the
    day it first joined the list (a grouping over the referral's offers and history), then
    those grouped by the month of the first offer. Correlated lookups per referral took
    minutes at national scale."""
    offered_in_range = offers.filter(offered_at__gte=filters.start(), offered_at__lt=filters.end())
    tz = timezone.get_current_timezone()
    # A referral's offers are all on its own provider's courses, so without a course cut
    # every offer of a referral in scope counts, and the test (a hashed subquery of every
    # offer, repeated wherever the first offer is used) is left out.
    on_matching_courses = Q(offers__in=offers.values("pk")) if course_cut else Q()
    per_referral = (
        Referral.objects.filter(
            duplicate_of__isnull=True, pk__in=offered_in_range.values("referral_id")
        )
        .values("pk")
        .annotate(
            first_offer=Min("offers__offered_at", filter=on_matching_courses),
            joined=Min("events__at", filter=Q(events__to_status__in=ON_LIST)),
        )
        .filter(first_offer__gte=filters.start(), joined__lte=F("first_offer"))
        .annotate(
            month=Trunc("first_offer", "month", DateTimeField(), tzinfo=tz),
            waited=ExpressionWrapper(F("first_offer") - F("joined"), output_field=DurationField()),
        )
        .order_by()
    )
    by_month: dict[date, dict[str, Any]] = {
        _month_of(month, tz): {"referrals": count, "mean_wait": as_duration(mean)}
        for month, count, mean in rows_over(per_referral, WAITS_BY_MONTH_SQL)
    }
    calendar_months = months(filters.date_from, filters.date_to)
    table_rows = []
    points = []
    for month in calendar_months:
        found = by_month.get(month.key, {"referrals": 0, "mean_wait": None})
        count: int = found["referrals"]
        days = unless_few(count, in_days(found["mean_wait"]))
        table_rows.append({"month": month.label, "referrals": suppress(count), "mean_days": days})
        if days is not None and days != SUPPRESSED:
            points.append(Point(month.label, days))
    return Table(
        key="waiting-time",
        title="Time from joining the waiting list to a first offer",
        definition=(
            "For each referral whose first offer of a place was made in the month (on a "
            "course in the report's scope): the days from when it first joined the waiting "
            "list (marked eligible, or put on the list) to that first offer; the mean across "
            "those referrals. Months are the calendar months the range covers, with offers "
            "counted only inside the range. Not shown for months with fewer than 5 referrals."
        ),
        columns=(
            Column("month", "Month of first offer"),
            Column("referrals", "Referrals offered a first place", "count"),
            Column("mean_days", "Mean days waited", "days"),
        ),
        rows=table_rows,
        chart=line_chart(
            chart_id="waiting-time",
            title="Mean days from joining the waiting list to a first offer",
            categories=[month.label for month in calendar_months],
            series=[Series("Mean days waited", points)],
            y_range=(0, max([p.y for p in points], default=0) or 1),
            y_label="Days",
            x_label="Month of first offer",
            description=(
                "Mean days from joining the waiting list to a first offer, by month: "
                + "; ".join(f"{row['month']}: {_said(row['mean_days'])}" for row in table_rows)
                + "."
            ),
        ),
        notes=notes,
    )


def _said(value: Any) -> str:
    if value is None:
        return "no first offers"
    if value == SUPPRESSED:
        return "fewer than 5 referrals"
    return f"{value} days"


# --- Offers --------------------------------------------------------------------------------


def _offers_table(offers: QuerySet[Offer], filters: ReportFilters, notes: tuple[str, ...]) -> Table:
    """One query: offers made in the range, counted by what became of them."""
    made = offers.filter(offered_at__gte=filters.start(), offered_at__lt=filters.end())
    counts: dict[str, int] = made.aggregate(
        total=Count("pk"),
        **{str(status): Count("pk", filter=Q(status=status)) for status, _label in OUTCOMES},
    )
    total = counts["total"]
    outcomes = [(label, counts[str(status)]) for status, label in OUTCOMES]
    return count_table(
        key="offers",
        title="Offers made and what became of them",
        definition=(
            "Offers of a place made in the date range (by the day the offer was made), on "
            "courses in the report's scope, by where each stands now: accepted; declined by "
            "the family; expired with no reply before the offer's deadline; withdrawn by the "
            "service (the course closed or was full, the family took another place, or the "
            "baby could no longer join); the place already taken by someone who replied first; "
            "or still waiting for a reply. A family may have had more than one offer. Share: "
            "of all offers made. Numbers under 5 are shown as <5; when only one outcome would "
            "be, the next smallest is hidden too, so it cannot be worked out from the total."
        ),
        columns=(
            Column("outcome", "Outcome"),
            Column("offers", "Offers", "count"),
            Column("share", "% of offers made", "percent"),
        ),
        items=outcomes,
        whole=total,
        whole_label="All offers made",
        # Every offer has exactly one of these outcomes: they add up to all offers made.
        parts=True,
        chart_id="waiting-offers",
        chart_title="What became of the offers made",
        max_value=float(total) or None,
        notes=notes,
    )
