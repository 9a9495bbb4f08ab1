"""Programme reports for service managers (and admins), and a facilitator's summary of their
own runs: one page with filters, a CSV file per table and the whole report as a PDF.

Every view asks ``registry.report_scope`` (which asks the policy) what the person may see;
someone with no reports gets a 404. Filters outside the person's scope are form errors.
"""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nurture import policy
from nurture.accounts.reauth import reauthenticated
from nurture.accounts.roles import Role
from nurture.lib import pdf
from nurture.policy import ReportScope
from nurture.reports import downloads, prepared, registry
from nurture.reports.filters import FilterForm
from nurture.reports.tables import Table

REPORT_ROLES = (Role.ADMIN, Role.SERVICE_MANAGER, Role.FACILITATOR)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _context(
    request: HttpRequest, scope: ReportScope, keys: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """The page's context, with the sections ``keys`` (default: all the scope may see).
    ``preparing``: the report is too large to compute now and its first copy is on its way
    (``prepared.read``)."""
    form = FilterForm(request.GET, scope=scope)
    found = prepared.Report(sections=[])
    preparing = failed = False
    query = ""
    summary: list[str] = []
    filters = None
    if form.is_valid():
        summary = form.summary()
        filters = form.filters()
        query = urlencode(filters.as_query())
        try:
            found = prepared.read(scope, filters, keys)
        except prepared.Preparing as waiting:
            preparing, failed = True, waiting.failed
    return {
        "form": form,
        "sections": found.sections,
        "prepared_at": found.prepared_at,
        "updating": found.updating,
        "preparing": preparing,
        "failed": failed,
        "filters": filters,
        "query": query,
        "filter_summary": summary,
        "is_summary": scope.is_facilitator_summary,
        "title": "Your courses" if scope.is_facilitator_summary else "Programme report",
        "made_at": found.prepared_at or timezone.now(),
    }


def _status(context: dict[str, Any]) -> int:
    """400 for filters that are wrong; 202 (accepted, not ready) while being prepared; 503
    when preparing it failed (it is tried again later)."""
    if not context["form"].is_valid():
        return 400
    if context["failed"]:
        return 503
    return 202 if context["preparing"] else 200


@policy.require_roles(*REPORT_ROLES)
def report(request: HttpRequest) -> HttpResponse:
    context = _context(request, registry.report_scope_or_404(request.user))
    return render(request, "reports/report.html", context, status=_status(context))


@policy.require_roles(*REPORT_ROLES)
@reauthenticated
def report_pdf(request: HttpRequest) -> HttpResponse:
    context = _context(request, registry.report_scope_or_404(request.user))
    if _status(context) != 200:
        return render(request, "reports/report.html", context, status=_status(context))
    document = pdf.render_pdf("reports/report_pdf.html", context, request=request)
    downloads.record_download(request.user, kind="pdf", filters=context["filters"])
    return pdf.pdf_response(document, "nurture-report.pdf", download=True)


@policy.require_roles(*REPORT_ROLES)
@reauthenticated
def table_csv(request: HttpRequest, section: str, table: str) -> HttpResponse:
    scope = registry.report_scope_or_404(request.user)
    registry.check_section(scope, section)
    context = _context(request, scope, (section,))
    if _status(context) != 200:
        return render(request, "reports/report.html", context, status=_status(context))
    (computed,) = context["sections"]
    filters = context["filters"]
    found = next((each for each in computed.tables if each.key == table), None)
    if found is None:
        raise Http404("Not found.")
    downloads.record_download(request.user, kind="csv", filters=filters, table=f"{section}.{table}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"nurture-{section}-{table}-{filters.date_from}-to-{filters.date_to}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_csv(response, found)
    return response


def write_csv(out: Any, table: Table) -> None:
    """A header row of column labels, then one row per table row. Suppressed cells hold
    ``<5``; cells with no data are empty. Text that a spreadsheet would run as a formula is
    quoted with a leading apostrophe."""
    writer = csv.writer(out)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(column.key)) for column in table.columns])


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
