"""Attendance: how many register marks were present, late, absent (told us) or did not
attend, by venue, by facilitator and by course, for sessions in the date range.

Every figure is a database aggregate (six queries, whatever the number of marks). Rates are
out of the marks recorded, so a session whose register has not been taken yet counts as
nothing rather than as an absence; the registers table says how many such sessions there are.

Suppression is about people, not marks: one family at five sessions is five marks but still
one family. So each row also counts the families behind its marks, and a row of fewer than 5
hides its marks and every rate. The rows of a table add up to (or, for facilitators, cover)
the "All venues" total, so when only one row would be hidden the next smallest is hidden too
(``suppress_parts``), and the hidden one cannot be worked out by subtraction. A row that is
shown shows all three rates: they are shares of the marks of at least 5 families.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from nurture.insights.tables import (
    SUPPRESSED,
    Column,
    Section,
    Table,
    percent,
    suppress,
    suppress_parts,
)

RATE_COLUMNS = (
    Column("families", "Families with a mark", "count"),
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
    "as absences. Cancelled sessions are left out. Families with a mark: the families "
    "(one for each place on a course) with at least one mark in the row. A row covering "
    "fewer than 5 families shows <5 for its families, marks and every rate; when only one "
    "row would be hidden, the next smallest is hidden too, so that it cannot be worked out "
    "from the total."
)


def mark_counts(prefix: str = "", where: Q | None = None) -> dict[str, Count]:
    """Count expressions for register marks reached through ``prefix`` (e.g.
    ``"sessions__attendance"`` from a run; ``""`` when counting ``Attendance`` itself),
    only where ``where`` holds; ``families`` counts the distinct places behind them."""
    field = prefix or "pk"
    status = f"{prefix}__status" if prefix else "status"
    enrolment = f"{prefix}__enrolment" if prefix else "enrolment"
    base = where or Q()
    return {
        "families": Count(enrolment, filter=where, distinct=True),
        "marks": Count(field, filter=where),
        "attended": Count(field, filter=base & Q(**{f"{status}__in": ATTENDED})),
        "absent": Count(field, filter=base & Q(**{status: AttendanceStatus.ABSENT})),
        "dna": Count(field, filter=base & Q(**{status: AttendanceStatus.DID_NOT_ATTEND})),
    }


def rates(row: dict[str, Any], families: int | str | None) -> dict[str, Any]:
    """The cells of one aggregated row, given its families cell as shown: everything
    suppressed with it, otherwise every rate shown (they are shares of the marks of at
    least 5 families, so none needs hiding on its own)."""
    if families == SUPPRESSED:
        hidden = ("families", "marks", "attendance_rate", "absent_rate", "dna_rate")
        return dict.fromkeys(hidden, SUPPRESSED)
    marks = row["marks"]
    return {
        "families": families,
        "marks": marks,
        "attendance_rate": percent(row["attended"], marks),
        "absent_rate": percent(row["absent"], marks),
        "dna_rate": percent(row["dna"], marks),
    }


def rate_rows(
    rows: Sequence[dict[str, Any]], totals: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The cells of ``rows`` whose families add up to (or cover) ``totals`` (or their own
    sum, when the total is not shown), and of the totals row if given: ``suppress_parts``
    on the families, so a lone hidden row takes the next smallest with it."""
    counts = [row["families"] for row in rows]
    whole = sum(counts) if totals is None else totals["families"]
    cells, hide_whole = suppress_parts(counts, whole)
    shown = [rates(row, cell) for row, cell in zip(rows, cells, strict=True)]
    if totals is None:
        return shown, None
    total_cell = SUPPRESSED if hide_whole else suppress(totals["families"])
    return shown, rates(totals, total_cell)


def count_of(queryset: QuerySet[Any], group: str, field: str = "pk") -> Coalesce:
    """A correlated count of ``queryset`` rows (or of distinct ``field`` values, when one is
    given) per ``group`` (which the queryset has already tied to ``OuterRef``), 0 when there
    are none: for annotating runs without multiplying joins."""
    counted = (
        queryset.order_by()
        .values(group)
        .annotate(n=Count(field, distinct=field != "pk"))
        .values("n")
    )
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
    cells, total_cells = rate_rows(rows, marks.aggregate(**mark_counts()))
    table_rows = [
        {"venue": row["name"], **row_cells} for row, row_cells in zip(rows, cells, strict=True)
    ]
    table_rows.append({"venue": "All venues", **(total_cells or {})})
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
    database groups on a number rather than sorting every mark by name. Marks of courses
    with no facilitator come last on either database."""
    prefix = "session__run__facilitators__"
    names = ("preferred_name", "first_name", "last_name", "username")
    rows = list(
        marks.values(person=F(f"{prefix}id"))
        .annotate(**{name: Max(prefix + name) for name in names}, **mark_counts())
        .order_by(
            F("first_name").asc(nulls_last=True), F("last_name").asc(nulls_last=True), "person"
        )
    )
    cells, _ = rate_rows(rows)
    return Table(
        key="by_facilitator",
        title="Attendance by facilitator",
        definition=(
            RATES_DEFINED + " A course with two facilitators counts in full for each of them, "
            "so the rows can add up to more than the total."
        ),
        columns=(Column("facilitator", "Facilitator"), *RATE_COLUMNS),
        rows=[
            {"facilitator": _facilitator_name(row), **row_cells}
            for row, row_cells in zip(rows, cells, strict=True)
        ],
    )


def _by_run(scope: ReportScope, filters: ReportFilters, marks: QuerySet[Attendance]) -> Table:
    """Two grouped queries (courses with their enrolment counts; marks per course) joined
    here by course: one query would have to multiply marks by enrolments, or count
    enrolments once per mark."""
    sessions = sessions_in(scope, filters).filter(status=SessionStatus.SCHEDULED)
    runs = list(
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
    no_marks = {"families": 0, "marks": 0, "attended": 0, "absent": 0, "dna": 0}
    cells, _ = rate_rows([counts.get(row["pk"], no_marks) for row in runs])
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
                **row_cells,
            }
            for row, row_cells in zip(runs, cells, strict=True)
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
