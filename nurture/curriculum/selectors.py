"""Reads of the curriculum. Curriculum content is the same for everyone who may see a course;
the callers decide who sees which course week. Each read makes a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from nurture import policy
from nurture.courses import selectors as course_selectors
from nurture.curriculum.models import BodyArea, Ritual, Routine, RoutineStep, Stroke, WeekPlan
from nurture.families.models import Family
from nurture.policy import Person


def week_plan_for(provider_id: int | None) -> WeekPlan | None:
    """The week plan a provider's courses follow: the provider's chosen plan, else the
    shipped default. None only if the curriculum has not been loaded."""
    chosen = Q(provider__isnull=True)
    if provider_id is not None:
        chosen |= Q(provider_id=provider_id)
    return (
        WeekPlan.objects.filter(chosen, is_default_for_provider=True)
        .order_by(F("provider_id").asc(nulls_last=True))
        .first()
    )


def _weeks_up_to(plan: WeekPlan, week: int) -> list[tuple[int, dict[str, list[str]]]]:
    return [(number, plan.week(number)) for number in range(1, min(week, plan.week_count) + 1)]


def _introduced(plan: WeekPlan, week: int, key: str) -> dict[str, int]:
    """Slug -> the week it is introduced, for weeks 1..week (first mention wins)."""
    found: dict[str, int] = {}
    for number, content in _weeks_up_to(plan, week):
        for slug in content.get(key, []):
            found.setdefault(slug, number)
    return found


def areas_learnt_by_week(plan: WeekPlan, week: int) -> list[BodyArea]:
    """Every body area introduced in weeks 1 to ``week``, in routine order. Weeks past the
    end of the plan count as its last week; week 0 or less has nothing learnt yet."""
    slugs = _introduced(plan, week, "areas")
    return list(BodyArea.objects.filter(slug__in=slugs).order_by("order", "slug"))


@dataclass(frozen=True)
class AreaCard:
    """One body area's stroke cards. ``complete`` is False when only some strokes of the
    area have been introduced so far (e.g. knees to tummy with the colic routine)."""

    area: BodyArea
    strokes: list[Stroke]
    week_introduced: int
    is_new: bool
    complete: bool


@dataclass(frozen=True)
class WeekCards:
    """What a family has learnt by a course week: rituals, area cards, routines to try, and
    this week's discussion topics."""

    plan: WeekPlan
    week: int
    rituals: list[Ritual] = field(default_factory=list)
    areas: list[AreaCard] = field(default_factory=list)
    routines: list[Routine] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def stroke_cards(plan: WeekPlan, week: int) -> WeekCards:
    """The stroke cards for course week ``week`` (weeks past the end count as the last)."""
    week = max(0, min(week, plan.week_count))
    area_weeks = _introduced(plan, week, "areas")
    stroke_weeks = _introduced(plan, week, "strokes")
    ritual_weeks = _introduced(plan, week, "rituals")
    routine_weeks = _introduced(plan, week, "routines")

    strokes = Stroke.objects.order_by("order", "slug")
    areas = BodyArea.objects.filter(
        Q(slug__in=area_weeks) | Q(strokes__slug__in=stroke_weeks)
    ).distinct()
    cards: list[AreaCard] = []
    for area in areas.order_by("order", "slug").prefetch_related(Prefetch("strokes", strokes)):
        if area.slug in area_weeks:
            introduced = area_weeks[area.slug]
            chosen = list(area.strokes.all())
        else:
            chosen = [stroke for stroke in area.strokes.all() if stroke.slug in stroke_weeks]
            introduced = min(stroke_weeks[stroke.slug] for stroke in chosen)
        cards.append(
            AreaCard(
                area=area,
                strokes=chosen,
                week_introduced=introduced,
                is_new=introduced == week,
                complete=area.slug in area_weeks,
            )
        )
    rituals = Ritual.objects.filter(slug__in=ritual_weeks).order_by("order", "slug")
    routines = Routine.objects.filter(slug__in=routine_weeks)
    return WeekCards(
        plan=plan,
        week=week,
        rituals=list(rituals),
        areas=cards,
        routines=sorted(routines, key=lambda routine: (routine_weeks[routine.slug], routine.name)),
        topics=list(plan.week(week).get("topics", [])) if week else [],
    )


def routine_with_steps(slug: str) -> Routine:
    """A routine with its steps, strokes and rituals loaded (for a guided session)."""
    steps = RoutineStep.objects.select_related("stroke__area", "ritual").order_by("position")
    return Routine.objects.prefetch_related(Prefetch("steps", steps)).get(slug=slug)


# --- Whose week plan a user follows ----------------------------------------------------------


def course_week(sessions: Iterable[Any], now: datetime) -> int:
    """The course week a run has reached: how many of its sessions (not cancelled) have
    started by ``now``; 1 before the first."""
    started = sum(1 for s in sessions if s.status != "cancelled" and s.starts_at <= now)
    return max(started, 1)


@dataclass(frozen=True)
class FollowedPlan:
    """The week plan someone follows, and where they are on it.

    Parents follow the plan of their course's provider (before a course: their family's
    provider); ``enrolment`` is their latest course place and ``current_week`` its week.
    Staff follow their own provider's plan; ``providers`` are the ones they may choose
    between (a chooser is worth showing when there is more than one)."""

    plan: WeekPlan | None
    provider_id: int | None
    current_week: int = 1
    enrolment: Any = None
    providers: list[Any] = field(default_factory=list)


def plan_followed_by(
    user: Person, *, provider: Any = None, now: datetime | None = None
) -> FollowedPlan:
    """Whose week plan ``user`` sees. ``provider`` (an id, e.g. from ``?provider=``) picks one
    of the providers the user works for; without it a parent gets their family's plan and
    staff their first provider's. Http404 when the user is neither, or asks for a provider
    that is not theirs."""
    scope = policy.scope_of(user)
    if provider in (None, "") and scope.family_id is not None:
        enrolment = next(iter(course_selectors.enrolments_for_family(user)), None)
        provider_id: int | None = None
        week = 1
        if enrolment is not None:
            provider_id = enrolment.run.provider_id
            week = course_week(enrolment.run.sessions.all(), now or timezone.now())
        else:
            family = Family.objects.filter(pk=scope.family_id)
            provider_id = family.values_list("provider_id", flat=True).first()
        return FollowedPlan(week_plan_for(provider_id), provider_id, week, enrolment)

    providers = list(policy.providers_visible_to(user).order_by("name", "pk"))
    providers.sort(key=lambda p: p.pk not in scope.provider_roles)  # own ones first (admins)
    if provider in (None, ""):
        chosen = providers[0] if providers else None
    else:
        chosen = next((p for p in providers if str(p.pk) == str(provider)), None)
    if chosen is None:
        raise Http404("Not found.")
    return FollowedPlan(week_plan_for(chosen.pk), chosen.pk, providers=providers)


def week_guide_for(
    user: Person, week: int, *, provider: Any = None
) -> tuple[FollowedPlan, WeekCards]:
    """The stroke cards of course week ``week`` of the plan ``user`` follows (see
    ``plan_followed_by``). Http404 for a week the plan does not have."""
    followed = plan_followed_by(user, provider=provider)
    if followed.plan is None or not 1 <= week <= followed.plan.week_count:
        raise Http404("Not found.")
    return followed, stroke_cards(followed.plan, week)
