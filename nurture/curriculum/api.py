"""API: the curriculum, read only. Body areas with their strokes, the rituals, the routines
with their steps, and the stroke cards of a course week for the signed-in person's plan.

The curriculum is the same for everyone who may see a course, so any signed-in person may
read it; which week plan applies follows ``selectors.plan_followed_by``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.templatetags.static import static
from ninja import Router, Schema
from pydantic import Field

from nurture.accounts.authentication import API_AUTH
from nurture.curriculum import selectors
from nurture.curriculum.models import BodyArea, Ritual, Routine, RoutineStep, Stroke
from nurture.lib.problems import Problem
from nurture.lib.schemas import Id

router = Router(tags=["curriculum"], auth=API_AUTH)


class StrokeOut(Schema):
    slug: str
    name: str
    area: str = Field(alias="area.slug")
    purpose: str
    steps: list[str]
    direction: str
    repetitions: int
    each_side: bool
    cautions: list[str]
    diagram: str = Field(description="The picture's URL.")
    version: str

    @staticmethod
    def resolve_diagram(stroke: Stroke) -> str:
        return static(stroke.diagram_static)


class AreaOut(Schema):
    slug: str
    name: str
    order: int
    summary: str
    position: str
    uses_oil: bool
    cautions: list[str]
    diagram: str
    version: str
    strokes: list[StrokeOut]

    @staticmethod
    def resolve_diagram(area: BodyArea) -> str:
        return static(area.diagram_static)

    @staticmethod
    def resolve_strokes(area: BodyArea) -> list[Stroke]:
        return list(area.strokes.all())


class RitualOut(Schema):
    slug: str
    name: str
    purpose: str
    when: str
    steps: list[str]
    version: str


class RoutineStepOut(Schema):
    position: int
    stroke: str | None = Field(alias="stroke.slug", default=None)
    ritual: str | None = Field(alias="ritual.slug", default=None)
    repetitions: int | None
    hold_seconds: int | None
    note: str


class RoutineOut(Schema):
    slug: str
    name: str
    kind: str
    area: str | None = Field(alias="area.slug", default=None)
    purpose: str
    repeat_cycles: int
    times_per_day: int | None
    minimum_days: int | None
    plan: str
    cautions: list[str]
    minutes: int
    version: str
    steps: list[RoutineStepOut]

    @staticmethod
    def resolve_steps(routine: Routine) -> list[RoutineStep]:
        return list(routine.steps.all())


class AreaCardOut(Schema):
    area: str = Field(alias="area.slug")
    strokes: list[str]
    week_introduced: int
    is_new: bool
    complete: bool

    @staticmethod
    def resolve_strokes(card: selectors.AreaCard) -> list[str]:
        return [stroke.slug for stroke in card.strokes]


class CourseWeekOut(Schema):
    plan: str = Field(alias="plan.slug")
    week: int
    week_count: int = Field(alias="plan.week_count")
    rituals: list[str]
    areas: list[AreaCardOut]
    routines: list[str]
    topics: list[str]

    @staticmethod
    def resolve_rituals(cards: selectors.WeekCards) -> list[str]:
        return [ritual.slug for ritual in cards.rituals]

    @staticmethod
    def resolve_routines(cards: selectors.WeekCards) -> list[str]:
        return [routine.slug for routine in cards.routines]


@router.get("/curriculum/areas", response=list[AreaOut])
def areas(request: HttpRequest) -> Any:
    """Body areas in routine order, each with its strokes in order."""
    strokes = Stroke.objects.select_related("area").order_by("order", "slug")
    return BodyArea.objects.order_by("order", "slug").prefetch_related(Prefetch("strokes", strokes))


@router.get("/curriculum/rituals", response=list[RitualOut])
def rituals(request: HttpRequest) -> Any:
    return Ritual.objects.order_by("order", "slug")


@router.get("/curriculum/routines", response=list[RoutineOut])
def routines(request: HttpRequest) -> Any:
    """Every routine with its steps (strokes and rituals by slug)."""
    steps = RoutineStep.objects.select_related("stroke", "ritual").order_by("position")
    return (
        Routine.objects.select_related("area")
        .prefetch_related(Prefetch("steps", steps))
        .order_by("kind", "name")
    )


@router.get("/curriculum/weeks/{int:week}", response={200: CourseWeekOut, 404: Problem})
def week(request: HttpRequest, week: int, provider: Id | None = None) -> Any:
    """The stroke cards of a course week on the plan this person follows (a parent: their
    course's; staff: their provider's, or ``provider`` if they work for several)."""
    followed = selectors.plan_followed_by(request.user, provider=provider)
    if followed.plan is None or not 1 <= week <= followed.plan.week_count:
        raise Http404("No such week.")
    return selectors.stroke_cards(followed.plan, week)
