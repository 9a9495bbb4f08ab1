"""Line charts as SVG markup, drawn on the server: readable without JavaScript, without colour
and in print (WeasyPrint), and safe under a strict CSP.

``line_chart`` takes plain data and returns markup ready for a template. It is built with
ElementTree, so every piece of text (titles, names, labels) is escaped on the way out. Styling
is through SVG presentation attributes (which work with no stylesheet at all, as in a PDF)
and ``chart__*`` classes a stylesheet may refine; never a ``style`` attribute.

Readable without colour: each series has its own point shape and line pattern, every point
carries its value as text, a threshold is a dashed line with its own label, both axes are
labelled, and the chart has a ``<title>`` and a ``<desc>`` that say in words what it shows.
Pages should still give the same numbers in a table as the text alternative.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # building markup only: nothing is parsed here
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"

# Layout, in SVG units (the chart scales to its container's width).
# Narrow enough that the text stays readable when a phone scales the chart down.
WIDTH = 440
HEIGHT = 300
LEFT = 56  # room for the y-axis labels and title
RIGHT = 16
TOP = 24
BOTTOM = 72  # room for two-line category labels and the x-axis title
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
LEGEND_ROW = 22

SHAPES = ("circle", "square", "triangle", "diamond")
DASHES = ("", "2 4", "10 3 2 3", "6 2")
THRESHOLD_DASH = "8 5"
MARKER = 6


@dataclass(frozen=True)
class Point:
    x: str
    """The category (one of the chart's ``categories``) the point sits at."""
    y: float
    label: str = ""
    """Text shown by the point; empty: the value itself."""


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]


@dataclass(frozen=True)
class Threshold:
    value: float
    label: str


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_range: tuple[float, float],
    y_label: str = "",
    x_label: str = "",
    threshold: Threshold | None = None,
    description: str = "",
) -> SafeString:
    """An accessible line chart. ``categories`` are the x-axis positions in order (a label
    may hold a line break: "Start\\n3 Mar"); each series joins its points in that order.
    ``chart_id`` must be unique on the page (it names the title and description).
    """
    known = set(categories)
    for each in series:
        stray = [point.x for point in each.points if point.x not in known]
        if stray:
            raise ValueError(f"Points outside the categories: {stray}")
    low, high = _y_bounds(y_range, series, threshold)
    legend_height = LEGEND_ROW * len(series) if len(series) > 1 else 0
    height = HEIGHT + legend_height
    svg = svg_root(
        chart_id=chart_id,
        title=title,
        description=description or _describe(series, threshold),
        width=WIDTH,
        height=height,
    )

    def y_at(value: float) -> float:
        return y_position(value, (low, high))

    step = PLOT_WIDTH / max(len(categories), 1)
    x_of = {name: LEFT + step * (index + 0.5) for index, name in enumerate(categories)}

    _axes(svg, low, high, y_at, x_of, y_label, x_label)
    if threshold is not None:
        _threshold(svg, threshold, y_at(threshold.value))
    for index, each in enumerate(series):
        _series(svg, each, index, x_of, y_at)
    if legend_height:
        _legend(svg, series)
    # ElementTree escapes every text node and attribute value it writes.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def svg_root(
    *,
    chart_id: str,
    title: str,
    description: str,
    width: int,
    height: int,
    kind: str = "",
    font_size: int = 13,
) -> ET.Element:
    """The ``<svg>`` element every chart starts from: an image named by its ``<title>`` and
    described by its ``<desc>``, scaling to its container."""
    ids = {"title": f"{chart_id}-title", "desc": f"{chart_id}-desc"}
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": f"chart {kind}".strip(),
            "id": chart_id,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{ids['title']} {ids['desc']}",
            "font-family": "system-ui, sans-serif",
            "font-size": str(font_size),
        },
    )
    ET.SubElement(svg, "title", {"id": ids["title"]}).text = title
    ET.SubElement(svg, "desc", {"id": ids["desc"]}).text = description
    return svg


def y_position(value: float, y_range: tuple[float, float]) -> float:
    """Where a value sits on the y axis of a chart spanning ``y_range`` (every value given
    to ``line_chart`` inside its ``y_range``: it widens the range to fit any outside)."""
    low, high = y_range
    return TOP + PLOT_HEIGHT * (high - value) / (high - low)


def _y_bounds(
    y_range: tuple[float, float], series: Sequence[Series], threshold: Threshold | None
) -> tuple[float, float]:
    """The given range, widened to hold every value (a pack's range may have changed)."""
    values = [point.y for each in series for point in each.points]
    if threshold is not None:
        values.append(threshold.value)
    low = min([y_range[0], *values])
    high = max([y_range[1], *values])
    return (low, high) if high > low else (low, low + 1)


def _ticks(low: float, high: float) -> list[float]:
    """Round steps, at most about six of them, from ``low`` to ``high``."""
    span = high - low
    magnitude = 10 ** math.floor(math.log10(span)) if span >= 1 else 1
    step = next(
        (m * magnitude for m in (0.1, 0.2, 0.5, 1, 2, 2.5, 5, 10) if span / (m * magnitude) <= 6),
        10 * magnitude,
    )
    step = max(step, 1)
    first = math.ceil(low / step) * step
    count = int((high - first) // step) + 1
    return [first + step * n for n in range(count)]


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def coordinate(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _axes(
    svg: ET.Element,
    low: float,
    high: float,
    y_at: Callable[[float], float],
    x_of: dict[str, float],
    y_label: str,
    x_label: str,
) -> None:
    bottom = TOP + PLOT_HEIGHT
    axes = ET.SubElement(svg, "g", {"class": "chart__axes", "aria-hidden": "true"})
    for tick in _ticks(low, high):
        y = coordinate(y_at(tick))
        ET.SubElement(
            axes,
            "line",
            {
                "class": "chart__grid",
                "x1": str(LEFT),
                "x2": str(LEFT + PLOT_WIDTH),
                "y1": y,
                "y2": y,
                "stroke": "#c9d2d0",
                "stroke-width": "1",
            },
        )
        label = ET.SubElement(
            axes,
            "text",
            {"class": "chart__tick", "x": str(LEFT - 8), "y": y, "text-anchor": "end"},
        )
        label.set("dominant-baseline", "middle")
        label.text = number_text(tick)
    ET.SubElement(
        axes,
        "path",
        {
            "class": "chart__axis",
            "d": f"M{LEFT} {TOP} V{bottom} H{LEFT + PLOT_WIDTH}",
            "fill": "none",
            "stroke": "currentColor",
            "stroke-width": "1.5",
        },
    )
    for name, x in x_of.items():
        label = ET.SubElement(
            axes,
            "text",
            {
                "class": "chart__tick",
                "x": coordinate(x),
                "y": str(bottom + 18),
                "text-anchor": "middle",
                "font-size": "12",
            },
        )
        for line_number, line in enumerate(name.split("\n")):
            span = ET.SubElement(label, "tspan", {"x": coordinate(x)})
            if line_number:
                span.set("dy", "16")
            span.text = line
    if y_label:
        middle = coordinate(TOP + PLOT_HEIGHT / 2)
        axis_title(axes, y_label, "16", middle, transform=f"rotate(-90 16 {middle})")
    if x_label:
        axis_title(axes, x_label, coordinate(LEFT + PLOT_WIDTH / 2), str(HEIGHT - 8))


def axis_title(parent: ET.Element, text: str, x: str, y: str, **extra: str) -> ET.Element:
    """An axis's title, centred on (x, y), for line and bar charts alike; ``extra``
    attributes (``transform``, ``aria_hidden`` for ``aria-hidden``) are added to it."""
    attributes = {"class": "chart__axis-title", "x": x, "y": y, "text-anchor": "middle"}
    attributes |= {name.replace("_", "-"): value for name, value in extra.items()}
    title = ET.SubElement(parent, "text", {**attributes, "font-weight": "600"})
    title.text = text
    return title


def _threshold(svg: ET.Element, threshold: Threshold, y: float) -> None:
    group = ET.SubElement(svg, "g", {"class": "chart__threshold"})
    ET.SubElement(
        group,
        "line",
        {
            "class": "chart__threshold-line",
            "x1": str(LEFT),
            "x2": str(LEFT + PLOT_WIDTH),
            "y1": coordinate(y),
            "y2": coordinate(y),
            "stroke": "#b3261e",
            "stroke-width": "2",
            "stroke-dasharray": THRESHOLD_DASH,
        },
    )
    text = ET.SubElement(
        group,
        "text",
        {
            "class": "chart__threshold-label",
            "x": str(LEFT + PLOT_WIDTH - 4),
            "y": coordinate(y - 6),
            "text-anchor": "end",
            "fill": "#7a1a14",
            "font-weight": "600",
        },
    )
    text.text = threshold.label


def _marker(group: ET.Element, shape: str, x: float, y: float) -> ET.Element:
    common = {"class": f"chart__point chart__point--{shape}"}
    if shape == "circle":
        return ET.SubElement(
            group, "circle", {**common, "cx": coordinate(x), "cy": coordinate(y), "r": str(MARKER)}
        )
    if shape == "square":
        return ET.SubElement(
            group,
            "rect",
            {
                **common,
                "x": coordinate(x - MARKER),
                "y": coordinate(y - MARKER),
                "width": str(2 * MARKER),
                "height": str(2 * MARKER),
            },
        )
    corners = (
        [(x, y - MARKER - 1), (x + MARKER + 1, y + MARKER), (x - MARKER - 1, y + MARKER)]
        if shape == "triangle"
        else [(x, y - MARKER - 2), (x + MARKER + 2, y), (x, y + MARKER + 2), (x - MARKER - 2, y)]
    )
    points = " ".join(f"{coordinate(px)},{coordinate(py)}" for px, py in corners)
    return ET.SubElement(group, "polygon", {**common, "points": points})


def _series(
    svg: ET.Element,
    series: Series,
    index: int,
    x_of: dict[str, float],
    y_at: Callable[[float], float],
) -> None:
    shape = SHAPES[index % len(SHAPES)]
    group = ET.SubElement(
        svg,
        "g",
        {
            "class": f"chart__series chart__series--{index % len(SHAPES) + 1}",
            "fill": "currentColor",
            "stroke": "currentColor",
        },
    )
    ET.SubElement(group, "title").text = series.name
    placed = [(x_of[point.x], y_at(point.y), point) for point in series.points]
    if len(placed) > 1:
        line = ET.SubElement(
            group,
            "polyline",
            {
                "class": "chart__line",
                "points": " ".join(f"{coordinate(x)},{coordinate(y)}" for x, y, _ in placed),
                "fill": "none",
                "stroke-width": "2.5",
            },
        )
        dash = DASHES[index % len(DASHES)]
        if dash:
            line.set("stroke-dasharray", dash)
    # Labels alternate above and below between series, so two close lines stay readable.
    offset = -12 if index % 2 == 0 else 22
    for x, y, point in placed:
        _marker(group, shape, x, y)
        value = ET.SubElement(
            group,
            "text",
            {
                "class": "chart__value",
                "x": coordinate(x),
                "y": coordinate(y + offset),
                "text-anchor": "middle",
                "stroke": "none",
                "font-weight": "700",
                "font-size": "14",
            },
        )
        value.text = point.label or number_text(point.y)


def _legend(svg: ET.Element, series: Sequence[Series]) -> None:
    legend = ET.SubElement(svg, "g", {"class": "chart__legend", "aria-hidden": "true"})
    for index, each in enumerate(series):
        y = HEIGHT + LEGEND_ROW * index + LEGEND_ROW / 2
        group = ET.SubElement(
            legend,
            "g",
            {
                "class": f"chart__series chart__series--{index % len(SHAPES) + 1}",
                "fill": "currentColor",
                "stroke": "currentColor",
            },
        )
        sample = ET.SubElement(
            group,
            "line",
            {
                "x1": str(LEFT),
                "x2": str(LEFT + 36),
                "y1": coordinate(y),
                "y2": coordinate(y),
                "stroke-width": "2.5",
            },
        )
        dash = DASHES[index % len(DASHES)]
        if dash:
            sample.set("stroke-dasharray", dash)
        _marker(group, SHAPES[index % len(SHAPES)], LEFT + 18, y)
        text = ET.SubElement(
            group,
            "text",
            {
                "x": str(LEFT + 46),
                "y": coordinate(y),
                "stroke": "none",
                "dominant-baseline": "middle",
            },
        )
        text.text = each.name


def _describe(series: Sequence[Series], threshold: Threshold | None) -> str:
    parts = []
    for each in series:
        values = ", ".join(
            f"{point.label or number_text(point.y)} at {point.x.replace(chr(10), ' ')}"
            for point in each.points
        )
        parts.append(f"{each.name}: {values or 'no values'}.")
    if threshold is not None:
        parts.append(f"{threshold.label}: {number_text(threshold.value)}.")
    return " ".join(parts)
