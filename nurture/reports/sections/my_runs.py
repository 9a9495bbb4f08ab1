"""A facilitator's summary of their own courses: for each course that began in the date
range, how many families came, how many sessions have been held, attendance, completion and
how many families answered the start-of-course questions (whether, never what).

Two queries whatever the history: one row per course, each figure a correlated count (so
enrolments, sessions and marks never multiply each other through joins), then the same
figures summed over all the courses in the database.

The courses add up to the last row, so counts are suppressed with ``suppress_parts``: when
one course's families (or completions) would be the only hidden cell, the next smallest is
hidden too. A course whose families are hidden hides every figure about them; its rates are
also hidden when fewer than 5 families have a register mark (one family at five sessions is
five marks, but one family).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from nurture.courses.models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)
from nurture.outcomes.models import Response, ResponseStatus, TimePoint
from nurture.policy import ReportScope
from nurture.reports.filters import ReportFilters, runs_started_in
from nurture.reports.sections.attendance import count_of
from nurture.reports.sections.common import (
    ATTENDANCE_RATE,
    COURSE_COLUMNS,
    DNA_RATE,
    course_cells,
)
from nurture.reports.tables import (
    SUPPRESSED,
    Column,
    Section,
    Table,
    percent,
    share,
    suppress,
    suppress_parts,
)

FIGURES = (
    "enrolled",
    "held",
    "marked",
    "marks",
    "attended",
    "dna",
    "completed",
    "staying",
    "baseline_answered",
)


def _runs(scope: ReportScope, filters: ReportFilters) -> QuerySet[CourseRun]:
    """The courses, each with its counts (see ``FIGURES``)."""
    run = OuterRef("pk")
    enrolments = Enrolment.objects.filter(run=run)
    staying = enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
    marks = Attendance.objects.filter(session__run=run, session__status=SessionStatus.SCHEDULED)
    answered = Exists(
        Response.objects.filter(
            enrolment=OuterRef("pk"),
            point=TimePoint.BASELINE,
            status=ResponseStatus.SUBMITTED,
        )
    )
    return (
        runs_started_in(scope, filters)
        .order_by()
        .annotate(
            enrolled=count_of(enrolments, "run"),
            held=count_of(
                Session.objects.filter(
                    run=run, status=SessionStatus.SCHEDULED, starts_at__lt=timezone.now()
                ),
                "run",
            ),
            marked=count_of(marks, "session__run", "enrolment"),
            marks=count_of(marks, "session__run"),
            attended=count_of(marks.filter(status__in=ATTENDED), "session__run"),
            dna=count_of(marks.filter(status=AttendanceStatus.DID_NOT_ATTEND), "session__run"),
            completed=count_of(enrolments.filter(status=EnrolmentStatus.COMPLETED), "run"),
            staying=count_of(staying, "run"),
            baseline_answered=count_of(staying.filter(answered), "run"),
        )
    )


def _cells(
    row: dict[str, Any], enrolled: int | str | None, marked: int | str | None, completed: Any
) -> dict[str, Any]:
    """The cells of one row, given how its families, families with a mark and completions
    are shown (suppressed or not): nothing about the families shows when their number is
    hidden, and no rate when fewer than 5 families are behind the marks."""
    hidden = enrolled == SUPPRESSED
    no_rates = hidden or marked == SUPPRESSED
    completed = SUPPRESSED if hidden else completed
    return {
        "enrolled": enrolled,
        "held": row["held"],
        "attendance_rate": SUPPRESSED if no_rates else percent(row["attended"], row["marks"]),
        "dna_rate": SUPPRESSED if no_rates else percent(row["dna"], row["marks"]),
        "completed": completed,
        "completed_share": (
            SUPPRESSED if completed == SUPPRESSED else share(row["completed"], row["enrolled"])
        ),
        "baseline_share": (
            SUPPRESSED if hidden else share(row["baseline_answered"], row["staying"])
        ),
    }


def _table_rows(rows: list[dict[str, Any]], total: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each course's cells, then the totals row's (when there are courses), with the
    families, families with a mark and completions of the courses suppressed as parts of
    the total."""
    columns: dict[str, list[Any]] = {}
    hide_total: dict[str, bool] = {}
    for name in ("enrolled", "marked", "completed"):
        whole = total[name] if total else None
        columns[name], hide_total[name] = suppress_parts([row[name] for row in rows], whole)
    table_rows = [
        {
            **course_cells(row),
            **_cells(row, columns["enrolled"][i], columns["marked"][i], columns["completed"][i]),
        }
        for i, row in enumerate(rows)
    ]
    if total:
        shown = {
            name: SUPPRESSED if hide_total[name] else suppress(total[name])
            for name in ("enrolled", "marked", "completed")
        }
        table_rows.append(
            {
                "run": "All these courses",
                "venue": "",
                "first_session": "",
                **_cells(total, shown["enrolled"], shown["marked"], shown["completed"]),
            }
        )
    return table_rows


def my_runs_section(scope: ReportScope, filters: ReportFilters) -> Section:
    """One row per course that began in the range, then a row for them all (two queries)."""
    runs = _runs(scope, filters)
    rows = list(
        runs.order_by("first_session_at", "pk").values(
            "template__name", "venue__name", "first_session_at", *FIGURES
        )
    )
    # Aggregate aliases must differ from the annotations they sum: Django would otherwise
    # replace the annotation with the aggregate.
    sums = runs.aggregate(**{f"all_{name}": Sum(name) for name in FIGURES}, courses=Count("pk"))
    total = {name: sums[f"all_{name}"] or 0 for name in FIGURES} if sums["courses"] else None
    table_rows = _table_rows(rows, total)
    return Section(
        key="my_runs",
        title="Your courses",
        tables=[
            Table(
                key="runs",
                title="Your courses in this period",
                definition=(
                    "Courses you facilitate whose first session falls in the date range. "
                    "Families: every family given a place, including any who later withdrew. "
                    "Sessions held: sessions whose start time has passed, not counting "
                    "cancelled ones. Attended is present or late, and did not attend is no "
                    "word from the family, each as a share of the register marks recorded "
                    "at any of the course's sessions, including any after the date range "
                    "(a session with no register yet counts for nothing). Completed is out "
                    "of every family given a place. Start questions answered: of families "
                    "who did not withdraw, the share where a carer submitted at least one "
                    "start-of-course questionnaire; what they answered is not shown here. "
                    "Counts below 5, and shares of or out of fewer than 5, show as <5. A "
                    "course with fewer than 5 families shows <5 for every figure about "
                    "them, and its attendance shares show <5 when fewer than 5 families "
                    "have a register mark. When only one course's count would be hidden, "
                    "the next smallest is hidden too, so that it cannot be worked out from "
                    "the last row, which counts all the courses together."
                ),
                columns=(
                    *COURSE_COLUMNS,
                    Column("enrolled", "Families", "count"),
                    Column("held", "Sessions held", "count"),
                    ATTENDANCE_RATE,
                    DNA_RATE,
                    Column("completed", "Completed", "count"),
                    Column("completed_share", "Completed (share)", "percent"),
                    Column("baseline_share", "Start questions answered", "percent"),
                ),
                rows=table_rows,
            )
        ],
    )
