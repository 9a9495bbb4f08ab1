"""Report downloads leave the system (a CSV in a spreadsheet, a PDF on a laptop), so each one
is audited: who, which format and table, and the filters they chose."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from nurture.audit.services import record_read
from nurture.reports.filters import ReportFilters


def record_download(user: Any, *, kind: str, filters: ReportFilters, table: str = "") -> None:
    record_read(
        actor=user,
        action="report.downloaded",
        target=user,
        data={
            "format": kind,
            "table": table,
            "filters": {name: str(value) for name, value in asdict(filters).items() if value},
        },
    )
