"""Today's guided session, built from the curriculum: which routine, its areas and strokes.

A family practises what they have learnt so far on their course ("this week's routine"), or
one of the routines their course has introduced (bedtime, colic relief, one area...). The
engine takes a ``Plan`` of areas and stroke ids; the page also needs each stroke's words,
picture and a suggested time, which ``GuidePlan.strokes`` carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.templatetags.static import static
from django.utils import timezone

from nurture.courses import selectors as course_selectors
from nurture.curriculum import selectors as curriculum_selectors
from nurture.curriculum.models import Routine, Stroke
from nurture.curriculum.selectors import WeekCards
from nurture.families.models import Baby
from nurture.practice import selectors
from nurture.practice.engine import Plan, PlanArea

THIS_WEEK = "this-week"
SECONDS_PER_REPETITION = 4
"""A slow, gentle stroke takes about this long; the timer is a guide, never a deadline."""


@dataclass(frozen=True)
class RoutineChoice:
    slug: str
    name: str
    purpose: str
    minutes: int
    cautions: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuidePlan:
    routine: RoutineChoice
    plan: Plan
    strokes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per area id, one entry per stroke of that area in the plan, in order."""


def cards_for_family(user: Any, baby: Baby) -> WeekCards | None:
    """What the family has learnt: their course week's cards (the last week once the course
    is over), or the first week's when they are not on a course yet, as the stroke cards do."""
    now = timezone.now()
    enrolment = next(
        (e for e in course_selectors.enrolments_for_family(user) if e.referral.baby_id == baby.pk),
        None,
    )
    provider_id = enrolment.run.provider_id if enrolment else baby.family.provider_id
    plan = curriculum_selectors.week_plan_for(provider_id)
    if plan is None:
        return None
    week = 1  # not on a course (yet): start where a course starts
    if enrolment is not None:
        week = curriculum_selectors.course_week(enrolment.run.sessions.all(), now)
    return curriculum_selectors.stroke_cards(plan, week)


def this_week(cards: WeekCards) -> RoutineChoice:
    minutes = max(5, min(20, 3 * len(cards.areas)))
    if cards.week >= cards.plan.week_count:
        name = "Everything you have learnt"
    else:
        name = f"This week's routine (week {cards.week})"
    return RoutineChoice(THIS_WEEK, name, "The strokes you have learnt so far, in order.", minutes)


def choices(cards: WeekCards) -> list[RoutineChoice]:
    """This week's routine first, then each routine the course has introduced."""
    return [this_week(cards)] + [
        RoutineChoice(r.slug, r.name, r.purpose, r.minutes, tuple(r.cautions))
        for r in cards.routines
    ]


def favourite_area(baby: Baby, areas: list[str]) -> str | None:
    """The area with most happy cues over the baby's recent sessions, if any."""
    counts = selectors.happy_counts(baby, "area", only=areas)
    return counts[0]["area"] if counts else None


def _stroke_entry(
    stroke: Stroke, repetitions: int | None = None, hold: int | None = None, note: str = ""
) -> dict[str, Any]:
    reps = repetitions or stroke.repetitions
    seconds = hold or reps * SECONDS_PER_REPETITION * (2 if stroke.each_side else 1)
    return {
        "stroke": stroke.slug,
        "name": stroke.name,
        "steps": list(stroke.steps),
        "repetitions": reps,
        "each_side": stroke.each_side,
        "hold_seconds": hold,
        "seconds": seconds,
        "note": note,
        "cautions": list(stroke.cautions),
        "diagram": static(stroke.diagram_static),
    }


Groups = list[tuple[str, list[dict[str, Any]]]]
"""(area id, its stroke entries) in order."""


def _with_area_cautions(groups: Groups, cautions: dict[str, list[str]]) -> Groups:
    """The area's cautions go with its first stroke (said as the area begins)."""
    for slug, entries in groups:
        entries[0] = {**entries[0], "area_cautions": cautions.get(slug, [])}
    return groups


def _from_cards(cards: WeekCards) -> tuple[Groups, dict[str, str]]:
    groups = [
        (card.area.slug, [_stroke_entry(stroke) for stroke in card.strokes])
        for card in cards.areas
        if card.strokes
    ]
    _with_area_cautions(groups, {card.area.slug: list(card.area.cautions) for card in cards.areas})
    names = {card.area.slug: card.area.name for card in cards.areas}
    return groups, names


def _from_routine(
    routine: Routine,
) -> tuple[list[tuple[str, list[dict[str, Any]]]], dict[str, str]]:
    """Group the routine's strokes by area, in order. A stroke whose area already has a group
    joins the group we are in (the colic routine goes back and forth between the tummy and
    knees-to-tummy, all one tummy routine); so does every stroke of a one-area routine."""
    groups: Groups = []
    names: dict[str, str] = {}
    cautions: dict[str, list[str]] = {}
    single = routine.kind in ("area", "colic")
    ritual_note = ""
    for step in routine.steps.all():
        stroke = step.stroke
        if stroke is None:
            ritual_note = step.note  # e.g. "Turn your baby onto their tummy": said next
            continue
        area = stroke.area
        names.setdefault(area.slug, area.name)
        cautions.setdefault(area.slug, list(area.cautions))
        note = " ".join(part for part in (ritual_note, step.note) if part)
        ritual_note = ""
        entry = _stroke_entry(stroke, step.repetitions, step.hold_seconds, note)
        seen = {slug for slug, _ in groups}
        if groups and (single or area.slug == groups[-1][0] or area.slug in seen):
            groups[-1][1].append(entry)
        else:
            groups.append((area.slug, [entry]))
    cycles = max(routine.repeat_cycles, 1)
    repeated = [(slug, entries * cycles) for slug, entries in groups]
    return _with_area_cautions(repeated, cautions), names


def guide_plan(baby: Baby, cards: WeekCards, routine_slug: str) -> GuidePlan | None:
    """The plan for a routine the family may choose, or None if it is not one of theirs."""
    chosen = next((c for c in choices(cards) if c.slug == routine_slug), None)
    if chosen is None:
        return None
    if chosen.slug == THIS_WEEK:
        groups, area_names = _from_cards(cards)
    else:
        groups, area_names = _from_routine(curriculum_selectors.routine_with_steps(chosen.slug))
    if not groups:
        return None
    names = dict(area_names)
    for _, entries in groups:
        names.update({entry["stroke"]: entry["name"] for entry in entries})
    favourite = favourite_area(baby, [slug for slug, _ in groups])
    plan = Plan(
        areas=tuple(
            PlanArea(slug, tuple(e["stroke"] for e in entries)) for slug, entries in groups
        ),
        favourite=favourite,
        names=names,
    )
    return GuidePlan(chosen, plan, {slug: entries for slug, entries in groups})
