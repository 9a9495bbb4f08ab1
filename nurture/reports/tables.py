"""The shape every programme report takes, whatever shows it: the report page, its CSV files,
the PDF and the API all render the same ``Section`` objects, so a figure is defined once.

A report is a list of sections (funnel, waiting list, attendance, outcomes, reach); a section
is a list of tables; each table says in words how its figures are defined, and may carry a
chart (server-side SVG) of the same numbers.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy
from django.utils.safestring import SafeString
from scipy.linalg import null_space  # type: ignore[import-untyped]

MIN_GROUP = 5
"""Groups of fewer people than this are suppressed: the figure is not shown."""

SUPPRESSED = "<5"
"""What a suppressed cell holds (in the page, the CSV and the JSON alike)."""

PAGE_ROWS = 50
"""Rows a table shows on the page and in the PDF; its CSV and the API have every row."""

K = TypeVar("K", bound=Hashable)

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


SOLVED_UP_TO = 400
"""The most hidden cells ``suppress_linked`` solves together (a few milliseconds a round)."""


def suppress_linked(counts: Mapping[K, int], sums: Sequence[tuple[K, Sequence[K]]]) -> set[K]:
    """The cells to hide (by key) among ``counts``, where each of ``sums`` says that one
    cell is the sum of others shown elsewhere (a total and its rows, a venue and its
    courses, in one table or across tables).

    Every count of 1 to 4 is hidden. Then, while some sum has exactly one hidden non-zero
    cell among itself and its parts (so it could be worked out by subtraction), the
    smallest shown non-zero part is hidden too, or the sum itself when no part is left;
    ties go to the earlier part. That is quick and settles most tables, but a reader can
    also combine sums (a facilitator's row minus a venue that is all theirs minus a course
    shown leaves one hidden course), so the sums are then solved together
    (``_worked_out``): while any hidden count of 1 to 4 still follows from the cells shown,
    one more shown cell linked to it is hidden (``_cell_to_hide``), and the quick pass runs
    again. Hiding only ever adds cells, so this ends.

    Solving together is done while at most ``SOLVED_UP_TO`` cells are hidden: any one
    provider's report. Every provider's attendance at national size hides about 3,000 of
    40,000 cells, and solving that system over and over takes minutes, so it gets the quick
    pass alone."""
    order = {key: index for index, key in enumerate(counts)}
    hidden = {key for key, count in counts.items() if 0 < count < MIN_GROUP}
    while True:
        _hide_lone_cells(counts, sums, hidden)
        if len(hidden) > SOLVED_UP_TO:
            return hidden
        small = [key for key in _worked_out(counts, sums, hidden) if counts[key] < MIN_GROUP]
        if not small:
            return hidden
        leak = min(small, key=order.__getitem__)
        extra = _cell_to_hide(leak, counts, sums, hidden, order)
        if extra is None:  # nothing shown is linked to it: it cannot be worked out after all
            return hidden
        hidden.add(extra)


def _cell_to_hide(
    leak: K,
    counts: Mapping[K, int],
    sums: Sequence[tuple[K, Sequence[K]]],
    hidden: set[K],
    order: Mapping[K, int],
) -> K | None:
    """The shown cell to hide so that ``leak`` no longer follows: the smallest shown non-zero
    cell of the sums it is in; when those show nothing, of the sums linked to them through
    hidden cells, and so on outwards."""
    reached = {leak}
    used: set[int] = set()
    while True:
        touching = [
            index
            for index, (total, parts) in enumerate(sums)
            if index not in used and reached.intersection((total, *parts))
        ]
        if not touching:
            return None
        used.update(touching)
        cells = [key for index in touching for key in (sums[index][0], *sums[index][1])]
        shown = [key for key in cells if key not in hidden and counts[key] > 0]
        if shown:
            return min(shown, key=lambda key: (counts[key], order[key]))
        reached.update(key for key in cells if key in hidden)


def _hide_lone_cells(
    counts: Mapping[K, int], sums: Sequence[tuple[K, Sequence[K]]], hidden: set[K]
) -> None:
    """The quick pass of ``suppress_linked``: no sum with exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            cells = (total, *parts)
            if sum(1 for key in cells if key in hidden and counts[key] > 0) != 1:
                continue
            shown = [key for key in parts if key not in hidden and counts[key] > 0]
            if not shown and total not in hidden and counts[total] > 0:
                shown = [total]
            if shown:
                hidden.add(min(shown, key=lambda key: counts[key]))
                changed = True


def _worked_out(
    counts: Mapping[K, int], sums: Sequence[tuple[K, Sequence[K]]], hidden: set[K]
) -> list[K]:
    """The hidden non-zero cells whose values follow from the sums and the cells shown.

    Each sum is an equation; the shown cells are known, the hidden ones unknown. A hidden
    cell is determined exactly when every solution of the equations (with the unknowns
    alone: each a row of +1 for the total and -1 for each part) leaves it unchanged, that
    is when it is zero in every vector of the null space (``scipy.linalg.null_space``)."""
    unknown = [key for key in counts if key in hidden and counts[key] > 0]
    column = {key: index for index, key in enumerate(unknown)}
    rows = []
    for total, parts in sums:
        row = numpy.zeros(len(unknown))
        for key, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
            if key in column:
                row[column[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    free = null_space(numpy.array(rows))
    return [
        key
        for key, weights in zip(unknown, free, strict=True)
        if not numpy.abs(weights).max(initial=0) > 1e-9
    ]


def suppress_parts(counts: Sequence[int], whole: int | None) -> tuple[list[int | str], bool]:
    """Counts that add up to a ``whole`` shown beside them (bands, outcomes, districts), as
    shown (``suppress_linked`` with one sum): each of 1 to 4 suppressed, and, when exactly
    one is, the next smallest non-zero one too, so the hidden one cannot be worked out by
    subtracting the others from the whole. Returns the cells and whether the whole itself
    must be hidden (when nothing else could be)."""
    parts: dict[Any, int] = dict(enumerate(counts))
    sums: list[tuple[Any, Sequence[Any]]] = []
    if whole is not None:
        parts["whole"] = whole
        sums.append(("whole", range(len(counts))))
    hidden = suppress_linked(parts, sums)
    cells: list[int | str] = [
        SUPPRESSED if index in hidden else count for index, count in enumerate(counts)
    ]
    return cells, "whole" in hidden


def share_of_part(cell: int | str, count: int, whole: int | None) -> float | str | None:
    """The share a ``suppress_parts`` cell is of the whole: suppressed with its count."""
    if cell == SUPPRESSED:
        return SUPPRESSED
    return share(count, whole)
