"""A facilitator's summary of their own courses: for each course that began in the date
range, how many families came, how many sessions have been held, attendance, completion and
how many families answered the start-of-course questions (whether, never what).

Two queries whatever the history: one row per course, each figure a correlated count (so
enrolments, sessions and marks never multiply each other through joins), then the same
figures summed over all the courses in the database.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from nurture.accounts.policy import ReportScope
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
from nurture.insights.filters import ReportFilters, runs_started_in
from nurture.insights.reports.attendance import count_of
from nurture.insights.reports.common import (
    ATTENDANCE_RATE,
    COURSE_COLUMNS,
    DNA_RATE,
    course_cells,
)
from nurture.insights.tables import Column, Section, Table, share, suppress
from nurture.outcomes.models import Response, ResponseStatus, TimePoint

FIGURES = (
    "enrolled",
    "held",
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
            marks=count_of(marks, "session__run"),
            attended=count_of(marks.filter(status__in=ATTENDED), "session__run"),
            dna=count_of(marks.filter(status=AttendanceStatus.DID_NOT_ATTEND), "session__run"),
            completed=count_of(enrolments.filter(status=EnrolmentStatus.COMPLETED), "run"),
            staying=count_of(staying, "run"),
            baseline_answered=count_of(staying.filter(answered), "run"),
        )
    )


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "enrolled": suppress(row["enrolled"]),
        "held": row["held"],
        "attendance_rate": share(row["attended"], row["marks"]),
        "dna_rate": share(row["dna"], row["marks"]),
        "completed": suppress(row["completed"]),
        "completed_share": share(row["completed"], row["enrolled"]),
        "baseline_share": share(row["baseline_answered"], row["staying"]),
    }


def my_runs_section(scope: ReportScope, filters: ReportFilters) -> Section:
    """One row per course that began in the range, then a row for them all (two queries)."""
    runs = _runs(scope, filters)
    rows = runs.order_by("first_session_at", "pk").values(
        "template__name", "venue__name", "first_session_at", *FIGURES
    )
    # Aggregate aliases must differ from the annotations they sum: Django would otherwise
    # replace the annotation with the aggregate.
    sums = runs.aggregate(**{f"all_{name}": Sum(name) for name in FIGURES}, courses=Count("pk"))
    table_rows = [
        {
            **course_cells(row),
            **_cells(row),
        }
        for row in rows
    ]
    if sums["courses"]:
        all_courses = {name: sums[f"all_{name}"] or 0 for name in FIGURES}
        table_rows.append(
            {"run": "All these courses", "venue": "", "first_session": "", **_cells(all_courses)}
        )
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
                    "Counts below 5, and shares of or out of fewer than 5, show as <5. The "
                    "last row counts all the courses together."
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
