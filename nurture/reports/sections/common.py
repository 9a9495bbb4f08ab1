"""Builders the report modules share, so a count, a bar or a course's name cell is worked out
and suppressed the same way in every section."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.utils import timezone

from nurture.lib.bar_charts import Bar, bar_chart
from nurture.reports.tables import (
    SUPPRESSED,
    Column,
    Table,
    share,
    share_of_part,
    suppress,
    suppress_parts,
)

COURSE_COLUMNS = (
    Column("run", "Course"),
    Column("venue", "Venue"),
    Column("first_session", "First session"),
)
"""The columns naming a course; ``course_cells`` fills them."""

ATTENDANCE_RATE = Column("attendance_rate", "Attended (present or late)", "percent")
DNA_RATE = Column("dna_rate", "Did not attend", "percent")


def course_cells(row: dict[str, Any]) -> dict[str, Any]:
    """The ``COURSE_COLUMNS`` cells of a row read with ``template__name``, ``venue__name``
    and ``first_session_at``; the first session's local date."""
    return {
        "run": row["template__name"],
        "venue": row["venue__name"],
        "first_session": timezone.localtime(row["first_session_at"]).date().isoformat(),
    }


def in_days(duration: timedelta | None) -> float | None:
    """A mean duration in days, to one decimal; None when there was nothing to average."""
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def unless_few(count: int, value: Any) -> Any:
    """``value``, or ``SUPPRESSED`` when it describes a group ``count`` too small to show."""
    return SUPPRESSED if suppress(count) == SUPPRESSED else value


def count_bar(label: str, count: int, of: int | None = None) -> Bar:
    """A bar as long as ``count``, labelled with it (and its share of ``of``, if given), or
    empty and labelled "<5" when suppressed."""
    if suppress(count) == SUPPRESSED:
        return Bar(label, (0,), SUPPRESSED)
    shown = share(count, of)
    text = f"{count} ({shown:g}%)" if isinstance(shown, float) else str(count)
    return Bar(label, (float(count),), text)


def count_table(
    *,
    key: str,
    title: str,
    definition: str,
    columns: tuple[Column, Column, Column],
    items: Sequence[tuple[str, int]],
    whole: int,
    chart_id: str,
    chart_title: str,
    notes: tuple[str, ...] = (),
    chart_items: Sequence[tuple[str, int]] | None = None,
    bar_shares: bool = True,
    max_value: float | None = None,
    parts: bool = False,
    whole_label: str | None = None,
) -> Table:
    """A table of (label, count) ``items`` in three ``columns`` (label, count, share of
    ``whole``), with a bar chart of ``chart_items`` (default: the same items) measured in
    the count column's label. Bars show their share of ``whole`` unless ``bar_shares`` is
    False.

    With ``parts``, the items add up to ``whole`` (each person or offer is in exactly one),
    so they are suppressed together (``suppress_parts``): a hidden count cannot be worked out
    by subtracting the shown ones from the whole, nor its share from 100%. ``whole_label``
    adds a first row showing the whole itself (not charted)."""
    label_key, count_key, share_key = (column.key for column in columns)
    counts = [count for _label, count in items]
    cells: list[int | str]
    if parts:
        cells, hide_whole = suppress_parts(counts, whole)
    else:
        cells = [unless_few(count, count) for count in counts]
        hide_whole = False
    rows = [
        {
            label_key: label,
            count_key: cell,
            share_key: SUPPRESSED if hide_whole else share_of_part(cell, count, whole),
        }
        for (label, count), cell in zip(items, cells, strict=True)
    ]
    if whole_label is not None:
        whole_row = {
            label_key: whole_label,
            count_key: SUPPRESSED if hide_whole else suppress(whole),
            share_key: SUPPRESSED if hide_whole else share(whole, whole),
        }
        rows.insert(0, whole_row)
    hidden = {
        label for (label, _count), cell in zip(items, cells, strict=True) if cell == SUPPRESSED
    }
    of = whole if bar_shares else None
    bars = [
        Bar(label, (0,), SUPPRESSED) if label in hidden else count_bar(label, count, of)
        for label, count in (items if chart_items is None else chart_items)
    ]
    return Table(
        key=key,
        title=title,
        definition=definition,
        columns=columns,
        rows=rows,
        chart=bar_chart(
            chart_id=chart_id,
            title=chart_title,
            bars=bars,
            x_label=columns[1].label,
            max_value=max_value,
        ),
        notes=notes,
    )


def rows_over(
    queryset: QuerySet[Any], outer_sql: str, tables: Mapping[str, type[Model]] | None = None
) -> list[tuple[Any, ...]]:
    """Run ``outer_sql`` over the rows of ``queryset``, which it names ``{inner}``: a second
    grouping over a grouped query, which the ORM cannot say. ``{name}`` placeholders for
    ``tables`` become their quoted table names. Only ORM-compiled SQL and quoted names are
    put into the text; every value stays a parameter."""
    inner, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    # A fence, so the planner keeps the inner grouping as it is.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"
    sql = outer_sql.replace("{inner}", inner + fence)
    for name, model in (tables or {}).items():
        sql = sql.replace("{" + name + "}", connection.ops.quote_name(model._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def as_duration(value: Any) -> timedelta | None:
    """A mean of durations read back through ``rows_over``: PostgreSQL gives an interval,
    SQLite a number of microseconds."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=float(value))
