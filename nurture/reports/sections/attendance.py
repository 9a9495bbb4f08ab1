"""Attendance: how many register marks were present, late, absent (told us) or did not
attend, by venue, by facilitator and by course, for sessions in the date range.

Every figure is a database aggregate (five queries, whatever the number of marks; the marks
themselves are read once, see ``grouped_marks``). Rates are
out of the marks recorded, so a session whose register has not been taken yet counts as
nothing rather than as an absence; the registers table says how many such sessions there are.

Suppression is about people, not marks: one family at five sessions is five marks but still
one family. So each row also counts the families behind its marks, and a row of fewer than 5
hides its marks and every rate. The rows of a table add up to (or, for facilitators, cover)
the "All venues" total, and a venue's or facilitator's courses add up to its row, so when
only one row of such a sum would be hidden the next smallest is hidden too, across the three
tables (``grouped_marks``), so no hidden row is one sum minus rows shown. (Combining two sums
can still narrow one down in some layouts; see ``tables.suppress_linked``.) A row that is
shown shows all three rates: they are shares of the marks of at least 5 families.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from nurture.accounts.models import User, Venue
from nurture.courses.models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    CourseRun,
    SessionStatus,
)
from nurture.lib.bar_charts import Bar, bar_chart
from nurture.policy import ReportScope
from nurture.reports.filters import ReportFilters, runs_for, sessions_in
from nurture.reports.sections.common import (
    ATTENDANCE_RATE,
    COURSE_COLUMNS,
    DNA_RATE,
    course_cells,
    rows_over,
)
from nurture.reports.tables import (
    SUPPRESSED,
    Column,
    Section,
    Table,
    percent,
    suppress,
    suppress_linked,
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


PLACE_COUNTS = {
    "marks": Count("pk"),
    "attended": Count("pk", filter=Q(status__in=ATTENDED)),
    "absent": Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
    "dna": Count("pk", filter=Q(status=AttendanceStatus.DID_NOT_ATTEND)),
}
"""A place's (one family on one course) register marks, by what they were."""

GROUPED_MARKS_SQL = """
WITH per_run AS (
    SELECT p.course AS course, COUNT(*) AS families, SUM(p.marks) AS marks,
        SUM(p.attended) AS attended, SUM(p.absent) AS absent, SUM(p.dna) AS dna
    FROM ({inner}) p GROUP BY p.course
)
SELECT 'run', r.course, c.venue_id, r.families, r.marks, r.attended, r.absent, r.dna
FROM per_run r JOIN {runs} c ON c.id = r.course
UNION ALL
SELECT 'staff', r.course, f.user_id, NULL, NULL, NULL, NULL, NULL
FROM per_run r LEFT JOIN {facilitators} f ON f.courserun_id = r.course
UNION ALL
SELECT 'venue', NULL, c.venue_id, SUM(r.families), SUM(r.marks), SUM(r.attended),
    SUM(r.absent), SUM(r.dna)
FROM per_run r JOIN {runs} c ON c.id = r.course GROUP BY c.venue_id
UNION ALL
SELECT 'facilitator', NULL, f.user_id, SUM(r.families), SUM(r.marks), SUM(r.attended),
    SUM(r.absent), SUM(r.dna)
FROM per_run r LEFT JOIN {facilitators} f ON f.courserun_id = r.course GROUP BY f.user_id
UNION ALL
SELECT 'all', NULL, NULL, SUM(r.families), SUM(r.marks), SUM(r.attended), SUM(r.absent),
    SUM(r.dna)
FROM per_run r
"""
"""The marks of the report's sessions, grouped once per place, then per course (with the
course's venue, and a row for each of its facilitators); from those course rows, the sums
by venue, by facilitator and over all. A place belongs to one course (so to one venue), so a
group's families are the sum of its courses' families."""

NO_MARKS = {"families": 0, "marks": 0, "attended": 0, "absent": 0, "dna": 0}


Key = tuple[str, Any]
"""A row of one of the tables: ("run", id), ("venue", id), ("facilitator", id or None) or
("all", None)."""
TOTAL: Key = ("all", None)


@dataclass(frozen=True)
class GroupedMarks:
    """Mark counts (``NO_MARKS``'s keys) by course, by venue, by facilitator (None: courses
    with no facilitator named) and over all, and which rows' families must be hidden."""

    counts: dict[Key, dict[str, int]]
    hidden: set[Key]

    def of(self, kind: str) -> dict[Any, dict[str, int]]:
        return {key[1]: row for key, row in self.counts.items() if key[0] == kind}

    def cells(self, key: Key) -> dict[str, Any]:
        """The families, marks and rates of one row, as shown."""
        row = self.counts.get(key, NO_MARKS)
        return rates(row, SUPPRESSED if key in self.hidden else row["families"])


def grouped_marks(marks: QuerySet[Attendance]) -> GroupedMarks:
    """One query, one pass over the marks: see ``GROUPED_MARKS_SQL``. Suppression is worked
    out across the three tables at once (``suppress_linked``): the courses of a venue add
    up to the venue's row, a facilitator's courses to theirs, and the venues and the courses
    each to the total, so no hidden row is any one of those sums minus rows shown in any of
    the tables. (Facilitator rows can add up to more than the total, when courses are
    shared; treating them as parts of it too only ever hides more.) The rows are taken in a
    fixed order, so the same data always hides the same rows, on the page, in the CSV and in
    the API alike."""
    per_place = (
        marks.values(course=F("session__run_id"), place=F("enrolment_id"))
        .annotate(**PLACE_COUNTS)
        .order_by()
    )
    tables: dict[str, type[Model]] = {
        "runs": CourseRun,
        "facilitators": CourseRun.facilitators.through,
    }
    counts: dict[Key, dict[str, int]] = {TOTAL: dict(NO_MARKS)}
    parts: dict[Key, list[Key]] = {TOTAL: []}
    to_uuid = CourseRun._meta.pk.to_python  # SQLite gives hex text, PostgreSQL a UUID
    rows = sorted(
        (
            (kind, to_uuid(run_id) if run_id else None, other_id, *figures)
            for kind, run_id, other_id, *figures in rows_over(per_place, GROUPED_MARKS_SQL, tables)
        ),
        key=lambda row: (row[0], str(row[1]), str(row[2])),
    )
    for kind, run_id, other_id, *figures in rows:
        row = dict(zip(NO_MARKS, (int(figure or 0) for figure in figures), strict=True))
        run: Key = ("run", run_id)
        if kind == "run":
            counts[run] = row
            parts.setdefault(("venue", other_id), []).append(run)
        elif kind == "staff":
            parts.setdefault(("facilitator", other_id), []).append(run)
        else:
            counts[TOTAL if kind == "all" else (kind, other_id)] = row
    groups = [key for key in counts if key[0] in ("venue", "facilitator")]
    sums = [
        (TOTAL, [key for key in counts if key[0] == "run"]),
        (TOTAL, [key for key in groups if key[0] == "venue"]),
        (TOTAL, [key for key in groups if key[0] == "facilitator"]),
        *((key, parts.get(key, [])) for key in groups),
    ]
    families = {key: row["families"] for key, row in counts.items()}
    return GroupedMarks(counts, suppress_linked(families, sums))


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


def _by_venue(grouped: GroupedMarks) -> Table:
    """Venues in name order (one query for their names)."""
    venues = Venue.objects.filter(pk__in=list(grouped.of("venue"))).order_by("name", "pk")
    table_rows = [
        {"venue": name, **grouped.cells(("venue", pk))}
        for pk, name in venues.values_list("pk", "name")
    ]
    table_rows.append({"venue": "All venues", **grouped.cells(TOTAL)})
    return Table(
        key="by_venue",
        title="Attendance by venue",
        definition=RATES_DEFINED + " The last row counts every venue together.",
        columns=(Column("venue", "Venue"), *RATE_COLUMNS),
        rows=table_rows,
        chart=_venue_chart(table_rows[:-1]),
        notes=(CHART_VENUES_NOTE,) if len(table_rows) - 1 > CHART_VENUES else (),
    )


CHART_VENUES = 20
"""A chart of hundreds of venues (every provider at once) cannot be read, and takes seconds
to draw in the PDF; beyond this many, it shows the venues with the most families."""
CHART_VENUES_NOTE = (
    f"The chart shows the {CHART_VENUES} venues with the most families; the table lists "
    "every venue."
)


def _venue_chart(rows: list[dict[str, Any]]) -> SafeString | None:
    if not rows:
        return None
    title = "Attendance rate by venue"
    if len(rows) > CHART_VENUES:
        largest = sorted(rows, key=lambda row: -_shown_count(row["families"]))[:CHART_VENUES]
        kept = {id(row) for row in largest}
        rows = [row for row in rows if id(row) in kept]
        title += f" (the {CHART_VENUES} with the most families)"
    bars = []
    for row in rows:
        rate = row["attendance_rate"]
        if rate is None or rate == SUPPRESSED:
            bars.append(Bar(row["venue"], (0,), SUPPRESSED if rate == SUPPRESSED else "no marks"))
        else:
            bars.append(Bar(row["venue"], (float(rate),), f"{rate:g}%"))
    return bar_chart(
        chart_id="attendance-by-venue",
        title=title,
        bars=bars,
        x_label="Marks that were present or late (%)",
        max_value=100,
    )


def _shown_count(cell: Any) -> int:
    """A count cell as a number to rank by: a hidden one counts as none."""
    return cell if isinstance(cell, int) else 0


def _by_facilitator(grouped: GroupedMarks) -> Table:
    """Facilitators by first and last name (one query for their names); marks of courses
    with no facilitator named come last."""
    staff = grouped.of("facilitator")
    people = User.objects.filter(pk__in=[pk for pk in staff if pk is not None])
    named: list[tuple[int | None, str]] = [
        (pk, f"{preferred or first} {last}".strip() or username)
        for pk, preferred, first, last, username in people.order_by(
            "first_name", "last_name", "pk"
        ).values_list("pk", "preferred_name", "first_name", "last_name", "username")
    ]
    if None in staff:
        named.append((None, "No facilitator named"))
    return Table(
        key="by_facilitator",
        title="Attendance by facilitator",
        definition=(
            RATES_DEFINED + " A course with two facilitators counts in full for each of them, "
            "so the rows can add up to more than the total."
        ),
        columns=(Column("facilitator", "Facilitator"), *RATE_COLUMNS),
        rows=[{"facilitator": name, **grouped.cells(("facilitator", pk))} for pk, name in named],
    )


def _by_run(scope: ReportScope, filters: ReportFilters, grouped: GroupedMarks) -> Table:
    """The courses with their enrolment counts (one query), beside their marks: one query
    would have to multiply marks by enrolments, or count enrolments once per mark."""
    sessions = sessions_in(scope, filters).filter(status=SessionStatus.SCHEDULED)
    runs = list(
        runs_for(scope, filters)
        .filter(pk__in=sessions.values("run_id"))
        .order_by("first_session_at", "venue__name", "pk")
        .values("pk", "template__name", "venue__name", "first_session_at")
        .annotate(enrolled=Count("enrolments"))
    )
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
                **grouped.cells(("run", row["pk"])),
            }
            for row in runs
        ],
    )


def attendance_section(scope: ReportScope, filters: ReportFilters) -> Section:
    """Registers, then attendance by venue, facilitator and course (five queries)."""
    grouped = grouped_marks(_marks(scope, filters))
    return Section(
        key="attendance",
        title="Attendance",
        tables=[
            _registers(scope, filters, timezone.now()),
            _by_venue(grouped),
            _by_facilitator(grouped),
            _by_run(scope, filters, grouped),
        ],
    )
