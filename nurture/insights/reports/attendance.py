"""Attendance: how many register marks were present, late, absent (told us) or did not
attend, by venue, by facilitator and by course, for sessions in the date range.

Every figure is a database aggregate (six queries, whatever the number of marks). Rates are
out of the marks recorded, so a session whose register has not been taken yet counts as
nothing rather than as an absence; the registers table says how many such sessions there are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from nurture.accounts.policy import ReportScope
from nurture.courses.models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    SessionStatus,
)
from nurture.insights.charts import Bar, bar_chart
from nurture.insights.filters import ReportFilters, runs_for, sessions_in
from nurture.insights.reports.common import (
    ATTENDANCE_RATE,
    COURSE_COLUMNS,
    DNA_RATE,
    course_cells,
)
from nurture.insights.tables import SUPPRESSED, Column, Section, Table, share, suppress

RATE_COLUMNS = (
    Column("marks", "Marks recorded", "count"),
    ATTENDANCE_RATE,
    Column("absent_rate", "Absent (told us)", "percent"),
    DNA_RATE,
)

RATES_DEFINED = (
    "Each family's place at each session gets one register mark: present, late, absent "
    "(they told us they could not come) or did not attend (no word). Attended is present "
    "or late, as a share of the marks recorded; absent and did not attend are shares of "
    "the same marks. Sessions whose register has not been taken are left out, not counted "
    "as absences. Cancelled sessions are left out. A share of, or out of, fewer than 5 "
    "marks shows as <5."
)


def mark_counts(prefix: str = "", where: Q | None = None) -> dict[str, Count]:
    """Count expressions for register marks reached through ``prefix`` (e.g.
    ``"sessions__attendance"`` from a run; ``""`` when counting ``Attendance`` itself),
    only where ``where`` holds."""
    field = prefix or "pk"
    status = f"{prefix}__status" if prefix else "status"
    base = where or Q()
    return {
        "marks": Count(field, filter=where),
        "attended": Count(field, filter=base & Q(**{f"{status}__in": ATTENDED})),
        "absent": Count(field, filter=base & Q(**{status: AttendanceStatus.ABSENT})),
        "dna": Count(field, filter=base & Q(**{status: AttendanceStatus.DID_NOT_ATTEND})),
    }


def rates(row: dict[str, Any]) -> dict[str, Any]:
    """The rate cells of one aggregated row, suppressed where the numbers are small."""
    marks = row["marks"]
    return {
        "marks": suppress(marks),
        "attendance_rate": share(row["attended"], marks),
        "absent_rate": share(row["absent"], marks),
        "dna_rate": share(row["dna"], marks),
    }


def count_of(queryset: QuerySet[Any], group: str) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset`` rows per ``group`` (which the queryset has
    already tied to ``OuterRef``), 0 when there are none: for annotating runs without
    multiplying joins."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _marks(scope: ReportScope, filters: ReportFilters) -> QuerySet[Attendance]:
    sessions = sessions_in(scope, filters).filter(status=SessionStatus.SCHEDULED)
    return Attendance.objects.filter(session__in=sessions.values("pk")).order_by()


def _registers(scope: ReportScope, filters: ReportFilters, now: datetime) -> Table:
    sessions = sessions_in(scope, filters).order_by()
    held = Q(status=SessionStatus.SCHEDULED, starts_at__lt=now)
    totals = sessions.annotate(
        has_register=Exists(Attendance.objects.filter(session=OuterRef("pk")))
    ).aggregate(
        planned=Count("pk", filter=Q(status=SessionStatus.SCHEDULED)),
        cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
        held=Count("pk", filter=held),
        registered=Count("pk", filter=held & Q(has_register=True)),
    )
    totals["unregistered"] = totals["held"] - totals["registered"]
    return Table(
        key="registers",
        title="Registers",
        definition=(
            "Sessions of the courses in this report that fall in the date range. Held: the "
            "session's start time has passed and it was not cancelled. Register taken: at "
            "least one mark recorded. Held with no register yet: these sessions are left "
            "out of every rate below rather than counted as absences."
        ),
        columns=(
            Column("planned", "Sessions (not cancelled)", "count"),
            Column("cancelled", "Cancelled", "count"),
            Column("held", "Held so far", "count"),
            Column("registered", "Register taken", "count"),
            Column("unregistered", "Held with no register yet", "count"),
        ),
        rows=[totals],
        notes=(_unregistered_note(totals["unregistered"]),) if totals["unregistered"] else (),
    )


def _unregistered_note(count: int) -> str:
    if count == 1:
        return "1 held session has no register yet."
    return f"{count} held sessions have no register yet."


def _by_venue(marks: QuerySet[Attendance]) -> Table:
    rows = list(
        marks.values(place=F("session__run__venue_id"))
        .annotate(name=Max("session__run__venue__name"), **mark_counts())
        .order_by("name", "place")
    )
    totals = marks.aggregate(**mark_counts())
    table_rows = [{"venue": row["name"], **rates(row)} for row in rows]
    table_rows.append({"venue": "All venues", **rates(totals)})
    return Table(
        key="by_venue",
        title="Attendance by venue",
        definition=RATES_DEFINED + " The last row counts every venue together.",
        columns=(Column("venue", "Venue"), *RATE_COLUMNS),
        rows=table_rows,
        chart=_venue_chart(table_rows[:-1]),
    )


def _venue_chart(rows: list[dict[str, Any]]) -> SafeString | None:
    if not rows:
        return None
    bars = []
    for row in rows:
        rate = row["attendance_rate"]
        if rate is None or rate == SUPPRESSED:
            bars.append(Bar(row["venue"], (0,), SUPPRESSED if rate == SUPPRESSED else "no marks"))
        else:
            bars.append(Bar(row["venue"], (float(rate),), f"{rate:g}%"))
    return bar_chart(
        chart_id="attendance-by-venue",
        title="Attendance rate by venue",
        bars=bars,
        x_label="Marks that were present or late (%)",
        max_value=100,
    )


def _facilitator_name(row: dict[str, Any]) -> str:
    if row["person"] is None:
        return "No facilitator named"
    first = row["preferred_name"] or row["first_name"]
    return f"{first} {row['last_name']}".strip() or row["username"]


def _by_facilitator(marks: QuerySet[Attendance]) -> Table:
    """Grouped by the facilitator's id alone (names come along as MAX of one value), so the
    database groups on a number rather than sorting every mark by name."""
    prefix = "session__run__facilitators__"
    names = ("preferred_name", "first_name", "last_name", "username")
    rows = (
        marks.values(person=F(f"{prefix}id"))
        .annotate(**{name: Max(prefix + name) for name in names}, **mark_counts())
        .order_by("first_name", "last_name", "person")
    )
    return Table(
        key="by_facilitator",
        title="Attendance by facilitator",
        definition=(
            RATES_DEFINED + " A course with two facilitators counts in full for each of them, "
            "so the rows can add up to more than the total."
        ),
        columns=(Column("facilitator", "Facilitator"), *RATE_COLUMNS),
        rows=[{"facilitator": _facilitator_name(row), **rates(row)} for row in rows],
    )


def _by_run(scope: ReportScope, filters: ReportFilters, marks: QuerySet[Attendance]) -> Table:
    """Two grouped queries (courses with their enrolment counts; marks per course) joined
    here by course: one query would have to multiply marks by enrolments, or count
    enrolments once per mark."""
    sessions = sessions_in(scope, filters).filter(status=SessionStatus.SCHEDULED)
    runs = (
        runs_for(scope, filters)
        .filter(pk__in=sessions.values("run_id"))
        .order_by("first_session_at", "venue__name", "pk")
        .values("pk", "template__name", "venue__name", "first_session_at")
        .annotate(enrolled=Count("enrolments"))
    )
    counts = {
        row["session__run_id"]: row
        for row in marks.values("session__run_id").annotate(**mark_counts())
    }
    no_marks = {"marks": 0, "attended": 0, "absent": 0, "dna": 0}
    return Table(
        key="by_run",
        title="Attendance by course",
        definition=(
            RATES_DEFINED + " Courses with at least one session in the date range; only "
            "those sessions count. Families enrolled: every family given a place on the "
            "course, including any who later withdrew."
        ),
        columns=(
            *COURSE_COLUMNS,
            Column("enrolled", "Families enrolled", "count"),
            *RATE_COLUMNS,
        ),
        rows=[
            {
                **course_cells(row),
                "enrolled": suppress(row["enrolled"]),
                **rates(counts.get(row["pk"], no_marks)),
            }
            for row in runs
        ],
    )


def attendance_section(scope: ReportScope, filters: ReportFilters) -> Section:
    """Registers, then attendance by venue, facilitator and course (six queries)."""
    marks = _marks(scope, filters)
    return Section(
        key="attendance",
        title="Attendance",
        tables=[
            _registers(scope, filters, timezone.now()),
            _by_venue(marks),
            _by_facilitator(marks),
            _by_run(scope, filters, marks),
        ],
    )
