"""Which report sections exist, who gets which, and computing them.

A service manager (or admin) gets the programme report; a facilitator the summary of their
own runs. Pages, CSV, PDF and the API all ask here, so the same person sees the same figures
whichever way they read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.http import Http404
from django.utils.module_loading import import_string

from nurture import policy
from nurture.policy import ReportScope
from nurture.reports.filters import ReportFilters
from nurture.reports.tables import Section

REPORTS = "nurture.reports.sections"
Compute = Callable[[ReportScope, ReportFilters], Section]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    compute_path: str
    """Where the function computing it lives, imported on first use (the report modules
    import every app's models; the navigation imports this module on every page)."""

    @property
    def compute(self) -> Compute:
        computed: Compute = import_string(self.compute_path)
        return computed


SECTIONS = {
    spec.key: spec
    for spec in (
        SectionSpec("funnel", "From referral to completion", f"{REPORTS}.funnel.funnel_section"),
        SectionSpec("waiting", "Waiting list and offers", f"{REPORTS}.waiting.waiting_section"),
        SectionSpec("attendance", "Attendance", f"{REPORTS}.attendance.attendance_section"),
        SectionSpec("outcomes", "Outcomes", f"{REPORTS}.outcomes.outcomes_section"),
        SectionSpec("reach", "Who the programme reaches", f"{REPORTS}.reach.reach_section"),
        SectionSpec("my_runs", "Your courses", f"{REPORTS}.my_runs.my_runs_section"),
    )
}
PROGRAMME = ("funnel", "waiting", "attendance", "outcomes", "reach")
FACILITATOR_SUMMARY = ("my_runs", "attendance")


def report_scope(user: Any) -> ReportScope | None:
    """The widest report this person may read: the programme report if they manage a
    provider, else the summary of their own runs; None if neither."""
    return policy.programme_report_scope(user) or policy.facilitator_report_scope(user)


def report_scope_or_404(user: Any) -> ReportScope:
    """``report_scope``, for views and API routes: no reports at all is a 404."""
    scope = report_scope(user)
    if scope is None:
        raise Http404("Not found.")
    return scope


def check_section(scope: ReportScope, key: str) -> None:
    """A section outside the scope's sections is a 404, as if it did not exist."""
    if key not in section_keys(scope):
        raise Http404("Not found.")


def section_keys(scope: ReportScope) -> tuple[str, ...]:
    return FACILITATOR_SUMMARY if scope.is_facilitator_summary else PROGRAMME


def compute(
    scope: ReportScope, filters: ReportFilters, keys: tuple[str, ...] | None = None
) -> list[Section]:
    """The sections asked for (by default all this scope may see), in report order. A key
    outside the scope's sections is left out: callers turn that into a 404."""
    allowed = section_keys(scope)
    wanted = allowed if keys is None else tuple(key for key in allowed if key in keys)
    with report_memory():
        return [SECTIONS[key].compute(scope, filters) for key in wanted]


REPORT_WORK_MEM = "128MB"
"""PostgreSQL's memory for each hash in a report query. Report queries test membership of a
year's referrals (300,000 at national scale) with ``IN (subquery)``; with the default 4 MB
the hash does not fit, and PostgreSQL re-runs the subquery for every row (minutes, not
seconds)."""


@contextmanager
def report_memory() -> Iterator[None]:
    """A transaction in which report queries may use ``REPORT_WORK_MEM`` (PostgreSQL only;
    ``SET LOCAL`` ends with the transaction)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield
