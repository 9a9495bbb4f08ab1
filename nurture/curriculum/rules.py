"""Shape rules for curriculum content, shared by the data-file loader and the admin.

No database here: callers pass the slugs that exist (from the data files when loading, from
the tables when a week plan is edited in the admin). Each rule returns ``(field, message)``
pairs, so the caller can say which file or form field is at fault.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nurture.lib.toml import Problem

STATIC_DIR = Path(__file__).resolve().parent / "static" / "curriculum"
WEEK_KEYS = ("areas", "strokes", "rituals", "routines", "topics")
MAX_WEEKS = 12


@dataclass(frozen=True)
class Known:
    """The slugs a week plan or routine may name."""

    areas: frozenset[str] = field(default_factory=frozenset)
    strokes: frozenset[str] = field(default_factory=frozenset)
    rituals: frozenset[str] = field(default_factory=frozenset)
    routines: frozenset[str] = field(default_factory=frozenset)

    def of(self, kind: str) -> frozenset[str]:
        return {
            "areas": self.areas,
            "strokes": self.strokes,
            "rituals": self.rituals,
            "routines": self.routines,
        }.get(kind, frozenset())


def steps_problems(value: Any, name: str = "steps") -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [(name, "give at least one step.")]
    return [
        (f"{name}[{index}]", "each step is a short, non-empty sentence.")
        for index, step in enumerate(value)
        if not isinstance(step, str) or not step.strip()
    ]


def diagram_problems(
    value: Any, name: str = "diagram", static_dir: Path = STATIC_DIR
) -> list[Problem]:
    if not isinstance(value, str) or not value.endswith(".svg") or "/" in value:
        return [(name, "name an .svg file in curriculum/static/curriculum/.")]
    if not (static_dir / value).is_file():
        return [(name, f"there is no diagram file '{value}' in curriculum/static/curriculum/.")]
    return []


def week_problems(weeks: Any, known: Known, name: str = "weeks") -> list[Problem]:
    """Problems in a week plan's ``weeks``: ``{"1": {"areas": [...], ...}, "2": ...}``.

    Weeks are numbered 1, 2, 3... with no gaps; each names real areas, strokes, rituals and
    routines, and introduces a body area only once."""
    if not isinstance(weeks, dict) or not weeks:
        return [(name, "give at least one week, numbered from 1.")]
    problems: list[Problem] = []
    numbers = sorted(int(key) for key in weeks if isinstance(key, str) and key.isdigit())
    if len(numbers) != len(weeks) or numbers != list(range(1, len(weeks) + 1)):
        problems.append((name, "number the weeks 1, 2, 3... with no gaps."))
    if len(weeks) > MAX_WEEKS:
        problems.append((name, f"a plan has at most {MAX_WEEKS} weeks."))
    seen_areas: set[str] = set()
    for number, week in sorted(weeks.items(), key=_week_order):
        where = f"{name}.{number}"
        if not isinstance(week, dict):
            problems.append((where, "each week lists its areas, strokes, rituals and topics."))
            continue
        for key in sorted(set(week) - set(WEEK_KEYS)):
            problems.append((f"{where}.{key}", f"unknown key; use {', '.join(WEEK_KEYS)}."))
        for key in WEEK_KEYS:
            value = week.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append((f"{where}.{key}", "give a list of names."))
                continue
            if key == "topics":
                continue
            for slug in value:
                if slug not in known.of(key):
                    problems.append((f"{where}.{key}", f"there is no {key[:-1]} '{slug}'."))
            if key == "areas":
                for slug in sorted(seen_areas.intersection(value)):
                    problems.append((f"{where}.areas", f"'{slug}' was already introduced."))
                seen_areas.update(value)
    return problems


def learning_order_problems(
    weeks: dict[str, Any],
    *,
    area_strokes: Mapping[str, Collection[str]],
    routine_strokes: Mapping[str, Collection[str]],
    routine_rituals: Mapping[str, Collection[str]],
    name: str = "weeks",
) -> list[Problem]:
    """A routine introduced in a week may only use strokes and rituals learnt by that week.
    (Run it on weeks that already pass ``week_problems``.)"""
    problems: list[Problem] = []
    strokes: set[str] = set()
    rituals: set[str] = set()
    for number, week in sorted(weeks.items(), key=_week_order):
        for area in week.get("areas", []):
            strokes.update(area_strokes.get(area, ()))
        strokes.update(week.get("strokes", []))
        rituals.update(week.get("rituals", []))
        for routine in week.get("routines", []):
            missing = sorted(set(routine_strokes.get(routine, ())) - strokes) + sorted(
                set(routine_rituals.get(routine, ())) - rituals
            )
            if missing:
                problems.append(
                    (
                        f"{name}.{number}.routines",
                        f"'{routine}' uses {', '.join(missing)}, not learnt by week {number}.",
                    )
                )
    return problems


def _week_order(item: tuple[Any, Any]) -> int:
    key = item[0]
    return int(key) if isinstance(key, str) and key.isdigit() else 0


def duplicates(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    repeated: list[Any] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated
