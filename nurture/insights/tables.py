"""The shape every programme report takes, whatever shows it: the report page, its CSV files,
the PDF and the API all render the same ``Section`` objects, so a figure is defined once.

A report is a list of sections (funnel, waiting list, attendance, outcomes, reach); a section
is a list of tables; each table says in words how its figures are defined, and may carry a
chart (server-side SVG) of the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.safestring import SafeString

MIN_GROUP = 5
"""Groups of fewer people than this are suppressed: the figure is not shown."""

SUPPRESSED = "<5"
"""What a suppressed cell holds (in the page, the CSV and the JSON alike)."""

PAGE_ROWS = 50
"""Rows a table shows on the page and in the PDF; its CSV and the API have every row."""

ColumnKind = Literal["text", "count", "percent", "number", "days"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "text"
    """How a value is shown: counts as whole numbers, percents as ``12.5`` (meaning 12.5%),
    numbers to two decimals, days to one decimal."""


@dataclass(frozen=True)
class Table:
    key: str
    """Unique within its section; the CSV file is ``<section>-<table>.csv``."""
    title: str
    definition: str
    """How each figure in the table is defined, in plain words (shown under the table)."""
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    """One dict per row, keyed by column key. A value is an int, float, str, None (no data)
    or ``SUPPRESSED``."""
    chart: SafeString | None = None
    notes: tuple[str, ...] = ()

    @property
    def shown_rows(self) -> list[dict[str, Any]]:
        return self.rows[:PAGE_ROWS]

    @property
    def rows_left_out(self) -> int:
        return max(len(self.rows) - PAGE_ROWS, 0)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def suppress(count: int | None) -> int | str | None:
    """A count as shown: ``SUPPRESSED`` when it counts fewer than ``MIN_GROUP`` people (but
    not zero, which reveals nothing)."""
    if count is None or count == 0 or count >= MIN_GROUP:
        return count
    return SUPPRESSED


def percent(part: int | None, whole: int | None) -> float | None:
    """``part`` as a percentage of ``whole``, to one decimal; None when ``whole`` is empty."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def share(part: int | None, whole: int | None) -> float | str | None:
    """``percent`` with small numbers suppressed: a share of fewer than ``MIN_GROUP`` people,
    or out of fewer than ``MIN_GROUP``, would let a reader work back to a handful of
    families."""
    if not whole:
        return None
    if whole < MIN_GROUP or (part and part < MIN_GROUP):
        return SUPPRESSED
    return percent(part, whole)


def suppress_parts(counts: Sequence[int], whole: int | None) -> tuple[list[int | str], bool]:
    """Counts that add up to a ``whole`` shown beside them (bands, outcomes, districts), as
    shown: each of 1 to 4 suppressed, and, when exactly one is, the next smallest non-zero
    one too, so the hidden one cannot be worked out by subtracting the others from the
    whole. Returns the cells and whether the whole itself must be hidden (when nothing else
    could be)."""
    cells: list[int | str] = [SUPPRESSED if 0 < count < MIN_GROUP else count for count in counts]
    hidden = [index for index, cell in enumerate(cells) if cell == SUPPRESSED]
    if len(hidden) != 1 or whole is None:
        return cells, False
    others = [i for i, count in enumerate(counts) if cells[i] != SUPPRESSED and count > 0]
    if not others:
        return cells, True
    cells[min(others, key=lambda i: counts[i])] = SUPPRESSED
    return cells, False


def share_of_part(cell: int | str, count: int, whole: int | None) -> float | str | None:
    """The share a ``suppress_parts`` cell is of the whole: suppressed with its count."""
    if cell == SUPPRESSED:
        return SUPPRESSED
    return share(count, whole)
