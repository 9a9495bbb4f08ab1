"""Showing report figures: one format per column kind, and suppressed cells said in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from nurture.reports.tables import SUPPRESSED, Column

register = template.Library()

NO_DATA = "\u2013"  # an en dash


def value_text(value: Any, kind: str) -> str:
    """A figure as a person reads it (the CSV keeps raw numbers)."""
    if value is None:
        return NO_DATA
    if value == SUPPRESSED or isinstance(value, str):
        return str(value)
    if kind == "count":
        return f"{int(value):,}"
    if kind == "percent":
        return f"{value:.1f}%"
    if kind == "days":
        return f"{value:.1f}"
    if kind == "number":
        return f"{value:.2f}"
    return str(value)


@register.simple_tag
def cell(row: dict[str, Any], column: Column) -> SafeString:
    value = row.get(column.key)
    if value == SUPPRESSED:
        return format_html(
            '<abbr title="Fewer than 5: not shown to protect privacy">{}</abbr>', SUPPRESSED
        )
    if value is None:
        return format_html(
            '<span aria-hidden="true">{}</span><span class="visually-hidden">No data</span>',
            NO_DATA,
        )
    return format_html("{}", value_text(value, column.kind))
