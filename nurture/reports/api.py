"""API: every programme report section as JSON, scoped like the report page.

``GET /reports`` says which sections the caller may read; ``GET /reports/{section}`` computes
one, with the same filters as the page (``date_from``, ``date_to``, ``venue``, ``facilitator``,
``run``). A filter outside the caller's scope is a 422 naming the field; a section they may
not read, or no reports at all, is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from nurture.accounts.authentication import API_AUTH
from nurture.lib.errors import DomainError
from nurture.lib.problems import Problem
from nurture.policy import ReportScope
from nurture.reports import prepared, registry
from nurture.reports.filters import FilterForm, ReportFilters
from nurture.reports.tables import SUPPRESSED

router = Router(tags=["reports"], auth=API_AUTH)


class SectionLink(Schema):
    key: str
    title: str


class ReportIndexOut(Schema):
    summary_of_own_runs: bool
    sections: list[SectionLink]


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class TableOut(Schema):
    key: str
    title: str
    definition: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    notes: list[str]


class SectionOut(Schema):
    key: str
    title: str
    filters: dict[str, str]
    prepared_at: datetime | None
    """When a prepared copy was computed (reports too large to compute on request); null when
    computed for this request."""
    suppressed_marker: str
    tables: list[TableOut]


def _filters(request: HttpRequest, scope: ReportScope) -> ReportFilters:
    form = FilterForm(request.GET, scope=scope)
    if not form.is_valid():
        raise DomainError(
            {
                field: " ".join(str(error) for error in errors)
                for field, errors in form.errors.items()
            }
        )
    return form.filters()


@router.get("/reports", response={200: ReportIndexOut, 404: Problem})
def report_index(request: HttpRequest) -> dict[str, Any]:
    scope = registry.report_scope_or_404(request.user)
    return {
        "summary_of_own_runs": scope.is_facilitator_summary,
        "sections": [
            {"key": key, "title": registry.SECTIONS[key].title}
            for key in registry.section_keys(scope)
        ],
    }


class PreparingOut(Schema):
    status: str
    detail: str
    retry_after: int


RETRY_AFTER_SECONDS = 60


def _not_ready(*, failed: bool) -> JsonResponse:
    """202 while the report is being prepared; 503 when preparing it failed (it is tried
    again after ``prepared.RETRY_AFTER_FAILURE``). Both say when to ask again."""
    if failed:
        retry = int(prepared.RETRY_AFTER_FAILURE.total_seconds())
        said = ("failed", "This report could not be prepared just now; it will be tried again.")
    else:
        retry = RETRY_AFTER_SECONDS
        said = ("preparing", "This report is being prepared. Ask again in a minute or two.")
    response = JsonResponse(
        {"status": said[0], "detail": said[1], "retry_after": retry}, status=503 if failed else 202
    )
    response["Retry-After"] = str(retry)
    return response


@router.get(
    "/reports/{section}",
    response={200: SectionOut, 202: PreparingOut, 404: Problem, 422: Problem, 503: PreparingOut},
)
def report_section(request: HttpRequest, section: str) -> Any:
    """One section. A report too large to compute on request answers 202 with
    ``Retry-After`` until its first prepared copy is ready (503 if preparing it failed)."""
    scope = registry.report_scope_or_404(request.user)
    registry.check_section(scope, section)
    filters = _filters(request, scope)
    try:
        report = prepared.read(scope, filters, (section,))
    except prepared.Preparing as waiting:
        return _not_ready(failed=waiting.failed)
    (computed,) = report.sections
    return {
        "key": computed.key,
        "title": computed.title,
        "filters": filters.as_query(),
        "prepared_at": report.prepared_at,
        "suppressed_marker": SUPPRESSED,
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "definition": table.definition,
                "columns": [
                    {"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns
                ],
                "rows": table.rows,
                "notes": list(table.notes),
            }
            for table in computed.tables
        ],
    }
