"""Horizontal bar charts as SVG markup drawn on the server, for reports and parent insights.

The same promises as ``nurture.lib.charts.line_chart``: built with ElementTree (every
text escaped), presentation attributes rather than ``style`` (so it prints through WeasyPrint
and passes a strict CSP), a ``<title>`` and ``<desc>`` in words, and readable without colour:
each bar's value is printed at its end, and the parts of a stacked bar differ in pattern as
well as shade, with a legend. Pages still give the numbers in a table beside the chart.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET  # building markup only: nothing is parsed here
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from nurture.lib.charts import axis_title, coordinate, number_text, svg_root

WIDTH = 440
LABEL_WIDTH = 140
VALUE_WIDTH = 100
"""Room after the longest bar for its text, e.g. "1,234 (100%)"."""
BAR_LEFT = LABEL_WIDTH + 8
BAR_SPACE = WIDTH - BAR_LEFT - VALUE_WIDTH
ROW = 38
BAR_HEIGHT = 20
TOP = 8
LEGEND_ROW = 24
AXIS_TITLE = 28
LABEL_CHARACTERS = 18
FONT_SIZE = 15
"""Larger than the line charts': a phone shows the chart at about 80% of its size."""

# Solid dark, diagonal hatching, light with an outline: told apart in grey print as well.
PART_FILLS = ("#0b6e63", "hatch", "#dfe9e7", "#6b3fa0")


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[float, ...]
    """The bar's length, in parts that stack left to right (one part: a plain bar)."""
    text: str = ""
    """Printed at the end of the bar; empty: the parts' total."""


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    part_names: Sequence[str] = (),
    x_label: str = "",
    max_value: float | None = None,
    description: str = "",
) -> SafeString:
    """An accessible horizontal bar chart, one row per ``Bar``. ``max_value`` is the length
    of a full bar (e.g. 100 for percentages); by default the longest bar. ``chart_id`` must
    be unique on the page (it names the title, description and patterns)."""
    parts_count = max((len(bar.parts) for bar in bars), default=1)
    if part_names and len(part_names) != parts_count:
        raise ValueError("Give one name for each part of the bars.")
    full = max_value or max((sum(bar.parts) for bar in bars), default=0) or 1
    legend = LEGEND_ROW if len(part_names) > 1 else 0
    axis = AXIS_TITLE if x_label else 0
    height = TOP + legend + ROW * max(len(bars), 1) + axis
    svg = svg_root(
        chart_id=chart_id,
        title=title,
        description=description or _describe(bars, part_names),
        width=WIDTH,
        height=height,
        kind="chart--bars",
        font_size=FONT_SIZE,
    )
    _hatch_pattern(svg, chart_id)
    if legend:
        _legend(svg, chart_id, part_names)
    top = TOP + legend
    for index, bar in enumerate(bars):
        _bar(svg, chart_id, bar, top + ROW * index, full)
    if x_label:
        x = coordinate(BAR_LEFT + BAR_SPACE / 2)
        axis_title(svg, x_label, x, str(height - 8), aria_hidden="true")
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _fill(chart_id: str, part: int) -> str:
    fill = PART_FILLS[part % len(PART_FILLS)]
    return f"url(#{chart_id}-hatch)" if fill == "hatch" else fill


def _hatch_pattern(svg: ET.Element, chart_id: str) -> None:
    defs = ET.SubElement(svg, "defs")
    pattern = ET.SubElement(
        defs,
        "pattern",
        {
            "id": f"{chart_id}-hatch",
            "width": "6",
            "height": "6",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
    )
    ET.SubElement(pattern, "rect", {"width": "6", "height": "6", "fill": "#f4d9a6"})
    ET.SubElement(pattern, "rect", {"width": "3", "height": "6", "fill": "#8a5a00"})


def _legend(svg: ET.Element, chart_id: str, part_names: Sequence[str]) -> None:
    group = ET.SubElement(svg, "g", {"class": "chart__legend", "aria-hidden": "true"})
    x = float(BAR_LEFT)
    for index, name in enumerate(part_names):
        ET.SubElement(
            group,
            "rect",
            {
                "x": coordinate(x),
                "y": str(TOP + 2),
                "width": "14",
                "height": "14",
                "fill": _fill(chart_id, index),
                "stroke": "#1d2b29",
                "stroke-width": "1",
            },
        )
        text = ET.SubElement(group, "text", {"x": coordinate(x + 19), "y": str(TOP + 14)})
        text.text = name
        x += 19 + 7.5 * len(name) + 14


def _bar(svg: ET.Element, chart_id: str, bar: Bar, top: float, full: float) -> None:
    group = ET.SubElement(svg, "g", {"class": "chart__bar", "aria-hidden": "true"})
    label = ET.SubElement(
        group,
        "text",
        {"class": "chart__label", "x": str(LABEL_WIDTH), "text-anchor": "end"},
    )
    lines = textwrap.wrap(bar.label, LABEL_CHARACTERS, max_lines=2, placeholder="…") or [""]
    first_y = top + ROW / 2 + 5 - (8 if len(lines) > 1 else 0)
    for number, line in enumerate(lines):
        span = ET.SubElement(
            label, "tspan", {"x": str(LABEL_WIDTH), "y": coordinate(first_y + 16 * number)}
        )
        span.text = line
    x = float(BAR_LEFT)
    bar_top = top + (ROW - BAR_HEIGHT) / 2
    for index, part in enumerate(bar.parts):
        width = BAR_SPACE * max(part, 0) / full
        if width <= 0:
            continue
        ET.SubElement(
            group,
            "rect",
            {
                "class": f"chart__part chart__part--{index + 1}",
                "x": coordinate(x),
                "y": coordinate(bar_top),
                "width": coordinate(width),
                "height": str(BAR_HEIGHT),
                "fill": _fill(chart_id, index),
                "stroke": "#1d2b29",
                "stroke-width": "0.75",
            },
        )
        x += width
    value = ET.SubElement(
        group,
        "text",
        {"class": "chart__value", "x": coordinate(x + 6), "y": coordinate(top + ROW / 2 + 4)},
    )
    value.text = bar.text or number_text(sum(bar.parts))


def _describe(bars: Sequence[Bar], part_names: Sequence[str]) -> str:
    if not bars:
        return "No data to show."
    described = []
    for bar in bars:
        if len(part_names) > 1:
            parts = ", ".join(
                f"{name} {number_text(value)}"
                for name, value in zip(part_names, bar.parts, strict=False)
            )
            ending = f" ({bar.text})" if bar.text else ""
            described.append(f"{bar.label}: {parts}{ending}")
        else:
            described.append(f"{bar.label}: {bar.text or number_text(sum(bar.parts))}")
    return "; ".join(described) + "."
