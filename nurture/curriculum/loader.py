"""Reading and checking the curriculum data files. No database writes here: ``read_content``
returns plain data, or raises ``CurriculumDataError`` listing every problem by file and field
(fields are numbered from 1 in the order they appear, e.g. ``stroke[3].steps``).

Layout of ``data/``: ``curriculum.toml`` (the content ``version``), ``areas/*.toml`` (one body
area and its strokes each), ``rituals.toml``, ``routines.toml`` and ``week_plans/*.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models

from nurture.curriculum import rules
from nurture.curriculum.models import (
    BodyArea,
    Direction,
    Position,
    Ritual,
    Routine,
    RoutineKind,
    Stroke,
    WeekPlan,
)
from nurture.lib.errors import DomainError
from nurture.lib.toml import FileProblem, TomlTable, read_toml

DATA_DIR = Path(__file__).resolve().parent / "data"


class CurriculumDataError(DomainError):
    """The data files are not valid; ``problems`` lists (file, field, message)."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        errors: dict[str, str] = {}
        for file, name, message in problems:
            key = f"{file}: {name}"
            errors[key] = f"{errors[key]} {message}" if key in errors else message
        super().__init__(errors)

    def __str__(self) -> str:
        lines = [f"  {file}: {name}: {message}" for file, name, message in self.problems]
        return "The curriculum data files have problems:\n" + "\n".join(lines)


@dataclass
class StrokeData:
    slug: str
    area: str
    order: int
    name: str
    purpose: str
    steps: list[str]
    direction: str
    repetitions: int
    each_side: bool
    cautions: list[str]
    diagram: str


@dataclass
class AreaData:
    slug: str
    name: str
    order: int
    summary: str
    position: str
    uses_oil: bool
    cautions: list[str]
    diagram: str
    strokes: list[StrokeData] = field(default_factory=list)


@dataclass
class RitualData:
    slug: str
    name: str
    order: int
    purpose: str
    when: str
    steps: list[str]


@dataclass
class StepData:
    stroke: str | None = None
    ritual: str | None = None
    repetitions: int | None = None
    hold_seconds: int | None = None
    note: str = ""


@dataclass
class RoutineData:
    slug: str
    name: str
    kind: str
    area: str | None
    purpose: str
    repeat_cycles: int
    times_per_day: int | None
    minimum_days: int | None
    plan: str
    cautions: list[str]
    minutes: int
    steps: list[StepData]


@dataclass
class PlanData:
    slug: str
    name: str
    is_default: bool
    description: str
    weeks: dict[str, Any]


@dataclass
class Content:
    version: str
    areas: list[AreaData]
    rituals: list[RitualData]
    routines: list[RoutineData]
    plans: list[PlanData]

    @property
    def strokes(self) -> list[StrokeData]:
        return [stroke for area in self.areas for stroke in area.strokes]


def _max(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


class CurriculumTable(TomlTable):
    """A TOML table of curriculum content: adds stroke steps and diagram names."""

    def steps(self, key: str = "steps") -> list[str]:
        value = self.table.get(key)
        found = rules.steps_problems(value, self.name(key))
        self.note_all(found)
        return [step.strip() for step in value] if isinstance(value, list) and not found else []

    def diagram(self, key: str, static_dir: Path, default: str = "") -> str:
        value = self.table.get(key, default or None)
        self.note_all(rules.diagram_problems(value, self.name(key), static_dir))
        return str(value or "")


def _area(file: str, data: dict[str, Any], problems: list[FileProblem], static: Path) -> AreaData:
    top = CurriculumTable(file, "", data, problems)
    top.allow("area", "stroke")
    table = CurriculumTable(file, "area", data.get("area"), problems)
    table.allow("slug", "name", "order", "summary", "position", "uses_oil", "cautions", "diagram")
    area = AreaData(
        slug=table.slug(),
        name=table.text("name", limit=_max(BodyArea, "name")),
        order=table.number("order", default=0, low=1, high=99) or 0,
        summary=table.text("summary"),
        position=table.choice("position", Position.values),
        uses_oil=table.flag("uses_oil", True),
        cautions=table.sentences("cautions"),
        diagram=table.diagram("diagram", static),
    )
    strokes = data.get("stroke", [])
    if not isinstance(strokes, list) or not strokes:
        top.note("stroke", "give the area at least one [[stroke]].")
        strokes = []
    for index, raw in enumerate(strokes, start=1):
        row = CurriculumTable(file, f"stroke[{index}]", raw, problems)
        row.allow(
            "slug", "name", "purpose", "steps", "direction", "repetitions", "each_side",
            "cautions", "diagram",
        )  # fmt: skip
        area.strokes.append(
            StrokeData(
                slug=row.slug(),
                area=area.slug,
                order=index,
                name=row.text("name", limit=_max(Stroke, "name")),
                purpose=row.text("purpose", limit=_max(Stroke, "purpose")),
                steps=row.steps(),
                direction=row.choice("direction", Direction.values),
                repetitions=row.number("repetitions", default=1, low=1, high=30) or 1,
                each_side=row.flag("each_side"),
                cautions=row.sentences("cautions"),
                diagram=row.diagram("diagram", static, default=area.diagram),
            )
        )
    return area


def _ritual(file: str, index: int, raw: Any, problems: list[FileProblem]) -> RitualData:
    row = CurriculumTable(file, f"ritual[{index}]", raw, problems)
    row.allow("slug", "name", "purpose", "when", "steps")
    return RitualData(
        slug=row.slug(),
        name=row.text("name", limit=_max(Ritual, "name")),
        order=index,
        purpose=row.text("purpose", limit=_max(Ritual, "purpose")),
        when=row.text("when", limit=_max(Ritual, "when")),
        steps=row.steps(),
    )


def _routine(
    file: str, index: int, raw: Any, problems: list[FileProblem], areas: dict[str, AreaData]
) -> tuple[RoutineData, list[tuple[str, StepData]]]:
    """The routine, and each step with the field it came from (to check names later)."""
    row = CurriculumTable(file, f"routine[{index}]", raw, problems)
    row.allow(
        "slug", "name", "kind", "area", "purpose", "repeat_cycles", "times_per_day",
        "minimum_days", "plan", "cautions", "minutes", "steps",
    )  # fmt: skip
    routine = RoutineData(
        slug=row.slug(),
        name=row.text("name", limit=_max(Routine, "name")),
        kind=row.choice("kind", RoutineKind.values),
        area=row.text("area", required=False) or None,
        purpose=row.text("purpose", limit=_max(Routine, "purpose")),
        repeat_cycles=row.number("repeat_cycles", default=1, low=1, high=10) or 1,
        times_per_day=row.number("times_per_day", default=None, low=1, high=6),
        minimum_days=row.number("minimum_days", default=None, low=1, high=90),
        plan=row.text("plan", limit=_max(Routine, "plan"), required=False),
        cautions=row.sentences("cautions"),
        minutes=row.number("minutes", default=10, low=1, high=60) or 10,
        steps=[],
    )
    if routine.area is not None and routine.area not in areas:
        row.note("area", f"there is no area '{routine.area}'.")
    if routine.kind == RoutineKind.AREA and routine.area is None:
        row.note("area", "a routine of kind 'area' names its area.")
    raw_steps = row.table.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        row.note("steps", "give at least one step.")
        return routine, []
    found: list[tuple[str, StepData]] = []
    for number, step in enumerate(raw_steps, start=1):
        where = row.name(f"steps[{number}]")
        kind, _, slug = step.partition(":") if isinstance(step, str) else ("", "", "")
        if kind == "area" and slug in areas:
            found += [(where, StepData(stroke=stroke.slug)) for stroke in areas[slug].strokes]
        elif kind == "area":
            problems.append((file, where, f"there is no area '{slug}'."))
        elif kind in ("stroke", "ritual"):
            found.append(
                (where, StepData(stroke=slug) if kind == "stroke" else StepData(ritual=slug))
            )
        elif isinstance(step, dict):
            table = CurriculumTable(file, where, step, problems)
            table.allow("stroke", "ritual", "repetitions", "hold_seconds", "note")
            found.append(
                (
                    where,
                    StepData(
                        stroke=table.text("stroke", required=False) or None,
                        ritual=table.text("ritual", required=False) or None,
                        repetitions=table.number("repetitions", default=None, low=1, high=30),
                        hold_seconds=table.number("hold_seconds", default=None, low=1, high=120),
                        note=table.text("note", limit=200, required=False),
                    ),
                )
            )
        else:
            problems.append(
                (file, where, "use 'stroke:SLUG', 'ritual:SLUG', 'area:SLUG' or a table.")
            )
    routine.steps = [step for _, step in found]
    return routine, found


def _plan(file: str, data: dict[str, Any], problems: list[FileProblem]) -> PlanData:
    row = CurriculumTable(file, "", data, problems)
    row.allow("slug", "name", "default", "description", "weeks")
    return PlanData(
        slug=row.slug(),
        name=row.text("name", limit=_max(WeekPlan, "name")),
        is_default=row.flag("default"),
        description=row.text("description", required=False),
        weeks=data.get("weeks", {}),
    )


def _unique(kind: str, items: list[tuple[str, str, str]], problems: list[FileProblem]) -> None:
    """items: (value, file, field). Every repeat after the first is a problem."""
    seen: set[str] = set()
    for value, file, name in items:
        if value and value in seen:
            problems.append((file, name, f"the {kind} '{value}' is used more than once."))
        seen.add(value)


def read_content(data_dir: Path = DATA_DIR, *, static_dir: Path = rules.STATIC_DIR) -> Content:
    """Read every data file and check it; raise ``CurriculumDataError`` on any problem."""
    problems: list[FileProblem] = []
    file, manifest = read_toml(data_dir / "curriculum.toml", data_dir, problems)
    top = CurriculumTable(file, "", manifest, problems)
    top.allow("version")
    version = top.text("version", limit=_max(BodyArea, "version"))

    areas: list[AreaData] = []
    area_files: list[str] = []
    for path in sorted((data_dir / "areas").glob("*.toml")):
        file, data = read_toml(path, data_dir, problems)
        areas.append(_area(file, data, problems, static_dir))
        area_files.append(file)
    if not areas:
        problems.append(("areas/", "(files)", "there are no body area files."))
    named = list(zip(areas, area_files, strict=True))
    _unique("area slug", [(a.slug, f, "area.slug") for a, f in named], problems)
    _unique("area order", [(str(a.order), f, "area.order") for a, f in named], problems)
    _unique(
        "stroke slug",
        [(s.slug, f, f"stroke[{s.order}].slug") for a, f in named for s in a.strokes],
        problems,
    )
    by_slug = {area.slug: area for area in areas}

    file, data = read_toml(data_dir / "rituals.toml", data_dir, problems)
    raw_rituals = data.get("ritual", [])
    rituals = [_ritual(file, i, raw, problems) for i, raw in enumerate(raw_rituals, start=1)]
    _unique("ritual slug", [(r.slug, file, f"ritual[{r.order}].slug") for r in rituals], problems)

    strokes = {stroke.slug for area in areas for stroke in area.strokes}
    ritual_slugs = {ritual.slug for ritual in rituals}
    file, data = read_toml(data_dir / "routines.toml", data_dir, problems)
    routines: list[RoutineData] = []
    for index, raw in enumerate(data.get("routine", []), start=1):
        routine, steps = _routine(file, index, raw, problems, by_slug)
        routines.append(routine)
        for where, step in steps:
            if (step.stroke is None) == (step.ritual is None):
                problems.append((file, where, "name a stroke or a ritual, not both."))
            elif step.stroke is not None and step.stroke not in strokes:
                problems.append((file, where, f"there is no stroke '{step.stroke}'."))
            elif step.ritual is not None and step.ritual not in ritual_slugs:
                problems.append((file, where, f"there is no ritual '{step.ritual}'."))
    _unique(
        "routine slug",
        [(r.slug, file, f"routine[{i}].slug") for i, r in enumerate(routines, start=1)],
        problems,
    )

    known = rules.Known(
        areas=frozenset(by_slug),
        strokes=frozenset(strokes),
        rituals=frozenset(ritual_slugs),
        routines=frozenset(routine.slug for routine in routines),
    )
    plans: list[PlanData] = []
    plan_files: list[str] = []
    for path in sorted((data_dir / "week_plans").glob("*.toml")):
        file, data = read_toml(path, data_dir, problems)
        plan = _plan(file, data, problems)
        found = rules.week_problems(plan.weeks, known)
        problems.extend((file, name, message) for name, message in found)
        if not found:
            order = rules.learning_order_problems(
                plan.weeks,
                area_strokes={a.slug: [s.slug for s in a.strokes] for a in areas},
                routine_strokes={r.slug: [s.stroke for s in r.steps if s.stroke] for r in routines},
                routine_rituals={r.slug: [s.ritual for s in r.steps if s.ritual] for r in routines},
            )
            problems.extend((file, name, message) for name, message in order)
        plans.append(plan)
        plan_files.append(file)
    _unique(
        "week plan slug",
        [(p.slug, f, "slug") for p, f in zip(plans, plan_files, strict=True)],
        problems,
    )
    if sum(plan.is_default for plan in plans) != 1:
        problems.append(("week_plans/", "default", "mark exactly one week plan 'default = true'."))

    if problems:
        raise CurriculumDataError(problems)
    return Content(version=version, areas=areas, rituals=rituals, routines=routines, plans=plans)
