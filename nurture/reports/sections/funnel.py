"""The funnel: of the referrals received in the range, how many went on to each stage, and
how long families waited from referral to the first session they came to.

Two queries, whatever the number of referrals. Each stage is a conditional count over the
cohort whose condition is an uncorrelated ``pk IN (subquery)``: PostgreSQL hashes the
subquery once instead of probing it per referral, which matters at national scale.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, QuerySet

from nurture.courses.models import ATTENDED, Attendance, Enrolment, EnrolmentStatus, Offer
from nurture.lib.bar_charts import bar_chart
from nurture.policy import ReportScope
from nurture.referrals.models import Referral, ReferralEvent, Status
from nurture.reports.filters import ReportFilters, referrals_received_in, runs_for
from nurture.reports.sections.common import count_bar, count_table, in_days, unless_few
from nurture.reports.tables import (
    SUPPRESSED,
    Column,
    Section,
    Table,
    share,
    suppress,
    suppress_parts,
)

ASSESSED_ELIGIBLE = (
    Status.ELIGIBLE,
    Status.WAITING,
    Status.OFFERED,
    Status.ENROLLED,
    Status.COMPLETED,
)
"""A referral that ever moved to one of these was assessed as eligible (an override that
puts a family on the waiting list counts too)."""

STAGES = (
    ("referred", "Referred"),
    ("eligible", "Assessed as eligible"),
    ("offered", "Offered a place"),
    ("enrolled", "Enrolled"),
    ("attended_first", "Came to their first session"),
    ("completed", "Completed the course"),
)

WAIT_BANDS = (
    ("within_4", "Within 4 weeks", 0, 4),
    ("weeks_4_8", "4 to 8 weeks", 4, 8),
    ("weeks_8_12", "8 to 12 weeks", 8, 12),
    ("over_12", "12 weeks or more", 12, None),
)

COURSE_NOTE = (
    "Filtered by venue, facilitator or course: only referrals offered a place on, or enrolled "
    "on, a matching course are counted, so the first two stages are not the whole intake, "
    "and the later stages count only matching courses."
)


def funnel_section(scope: ReportScope, filters: ReportFilters) -> Section:
    cohort = referrals_received_in(scope, filters)
    runs = _matching_runs(scope, filters)
    notes = (COURSE_NOTE,) if runs is not None else ()
    return Section(
        key="funnel",
        title="From referral to completion",
        tables=[
            _stages_table(cohort, runs, filters, notes),
            *_wait_tables(cohort, runs, notes),
        ],
    )


def _matching_runs(scope: ReportScope, filters: ReportFilters) -> QuerySet[Any] | None:
    """With a venue, facilitator or run filter (or a facilitator's own summary), the runs
    that match; None when every run counts."""
    if filters.by_course or scope.is_facilitator_summary:
        return runs_for(scope, filters).values("pk")
    return None


def _stage_counts(
    cohort: QuerySet[Referral], runs: QuerySet[Any] | None, filters: ReportFilters
) -> dict[str, int]:
    """One query: the cohort's size and how many reached each stage (by now). Each
    subquery is limited to the cohort (an uncorrelated ``IN``), so its cost follows the
    date range, not every offer, enrolment and register mark ever made."""
    in_cohort = cohort.values("pk")
    offers = Offer.objects.filter(referral__in=in_cohort)
    enrolments = Enrolment.objects.filter(referral__in=in_cohort)
    first_sessions = Attendance.objects.filter(
        status__in=ATTENDED,
        session__number=F("enrolment__joined_at_session"),
        enrolment__referral__in=in_cohort,
    )
    if runs is not None:
        offers = offers.filter(run__in=runs)
        enrolments = enrolments.filter(run__in=runs)
        first_sessions = first_sessions.filter(session__run__in=runs)
    # Events of referrals received in the range cannot be older than the range.
    assessed = ReferralEvent.objects.filter(
        to_status__in=ASSESSED_ELIGIBLE, at__gte=filters.start(), referral__in=in_cohort
    ).values("referral_id")
    counts: dict[str, int] = cohort.aggregate(
        referred=Count("pk"),
        eligible=Count("pk", filter=Q(pk__in=assessed) | Q(status__in=ASSESSED_ELIGIBLE)),
        offered=Count("pk", filter=Q(pk__in=offers.values("referral_id"))),
        enrolled=Count("pk", filter=Q(pk__in=enrolments.values("referral_id"))),
        attended_first=Count(
            "pk", filter=Q(pk__in=first_sessions.values("enrolment__referral_id"))
        ),
        completed=Count(
            "pk",
            filter=Q(
                pk__in=enrolments.filter(status=EnrolmentStatus.COMPLETED).values("referral_id")
            ),
        ),
    )
    return counts


def _stages_table(
    cohort: QuerySet[Referral],
    runs: QuerySet[Any] | None,
    filters: ReportFilters,
    notes: tuple[str, ...],
) -> Table:
    counts = _stage_counts(cohort, runs, filters)
    referred = counts["referred"]
    rows: list[dict[str, Any]] = []
    previous: int | None = None
    for key, label in STAGES:
        count = counts[key]
        rows.append(
            {
                "stage": label,
                "referrals": suppress(count),
                "of_referred": share(count, referred),
                "of_previous": None if previous is None else share(count, previous),
            }
        )
        previous = count
    bars = [count_bar(label, counts[key], of=referred) for key, label in STAGES]
    return Table(
        key="stages",
        title="From referral to completion",
        definition=(
            "Referrals received in the date range (duplicates left out), and how many of them "
            "have reached each stage so far, whenever that happened. Assessed as eligible: the "
            "referral was at some point marked eligible or put on the waiting list (including "
            "by an override), or went further. Offered a place: at least one offer, whatever "
            "the answer. Enrolled: a place on a course, even if they later withdrew. Came to "
            "their first session: marked present or late at the first session of the course "
            "they were booked on (week 1, or the week they joined). Completed: the course "
            "was marked completed. The stages are cumulative counts of the same referrals: "
            "a referral is counted at every stage it has reached, not only its latest, and "
            "no stage adds referrals from outside the range. Each stage is shown as a share of all "
            "referrals and of the stage before. Numbers under 5 are shown as <5."
        ),
        columns=(
            Column("stage", "Stage"),
            Column("referrals", "Referrals", "count"),
            Column("of_referred", "% of referred", "percent"),
            Column("of_previous", "% of the stage before", "percent"),
        ),
        rows=rows,
        chart=bar_chart(
            chart_id="funnel-stages",
            title="Referrals reaching each stage",
            bars=bars,
            max_value=float(referred) or None,
            x_label="Referrals",
        ),
        notes=notes,
    )


def _wait_tables(
    cohort: QuerySet[Referral], runs: QuerySet[Any] | None, notes: tuple[str, ...]
) -> list[Table]:
    """One query: per referral, the first session they came to (a grouped subquery), then
    the mean and the bands over those rows. A first session before the referral was
    received (a family already on a course when referred again) is left out of both, so the
    mean and the bands describe the same referrals and the bands add up to their count."""
    attended = Attendance.objects.filter(
        status__in=ATTENDED, enrolment__referral__in=cohort.values("pk")
    )
    if runs is not None:
        attended = attended.filter(session__run__in=runs)
    per_referral = (
        attended.values("enrolment__referral_id")
        .annotate(
            first_session=Min("session__starts_at"),
            referred_at=Min("enrolment__referral__created_at"),
        )
        .filter(first_session__gte=F("referred_at"))
        .order_by()
    )
    waited = ExpressionWrapper(F("first_session") - F("referred_at"), output_field=DurationField())
    bands = {}
    for key, _label, low, high in WAIT_BANDS:
        condition = Q(first_session__gte=F("referred_at") + timedelta(weeks=low))
        if high is not None:
            condition &= Q(first_session__lt=F("referred_at") + timedelta(weeks=high))
        bands[key] = Count("enrolment__referral_id", filter=condition)
    result = per_referral.aggregate(
        attended=Count("enrolment__referral_id"), mean_wait=Avg(waited), **bands
    )
    families: int = result["attended"]
    mean_wait: timedelta | None = result["mean_wait"]
    items = [(label, result[key]) for key, label, _low, _high in WAIT_BANDS]
    # The bands add up to ``families``: when only one band's count could be worked out from
    # that total, it is hidden too (``count_table`` hides the bands the same way).
    _cells, hide_families = suppress_parts([count for _label, count in items], families)
    summary = Table(
        key="time-to-first-session",
        title="Time from referral to the first session attended",
        definition=(
            "Of the referrals received in the date range, those who have come to at least one "
            "session (marked present or late) on or after the day the referral was received. "
            "For each, the time from when the referral was received to the start of the first "
            "session they came to; the mean in days. A family who came to a session before "
            "this referral (already on a course when referred again) is left out. Not shown "
            "when fewer than 5 families have come to a session."
        ),
        columns=(
            Column("families", "Referrals who came to a session", "count"),
            Column("mean_days", "Mean days from referral", "days"),
        ),
        rows=[
            {
                "families": SUPPRESSED if hide_families else suppress(families),
                "mean_days": unless_few(families, in_days(mean_wait)),
            }
        ],
        notes=notes,
    )
    distribution = count_table(
        key="time-to-first-session-bands",
        title="How long families waited for their first session",
        definition=(
            "The same referrals, grouped by the time from referral to the first session they "
            "came to: within 4 weeks (under 28 days), 4 to 8 weeks (28 to 55 days), 8 to 12 "
            "weeks (56 to 83 days), 12 weeks or more (84 days or more). Share: of all those "
            "who came to a session. Numbers under 5 are shown as <5; when only one group "
            "would be, the next smallest is hidden too, so it cannot be worked out from the "
            "total."
        ),
        columns=(
            Column("band", "Time from referral"),
            Column("families", "Referrals", "count"),
            Column("share", "% of those who came", "percent"),
        ),
        items=items,
        whole=families,
        chart_id="funnel-wait-bands",
        chart_title="Time from referral to the first session attended",
        bar_shares=False,
        parts=True,
        notes=notes,
    )
    return [summary, distribution]
