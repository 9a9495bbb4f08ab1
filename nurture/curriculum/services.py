"""Writes to the curriculum: loading the shipped content, and a provider's choice of week
plan. Each runs in one transaction with its audit events."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from nurture.accounts.models import Provider
from nurture.audit.services import record, record_many
from nurture.curriculum.loader import Content
from nurture.curriculum.models import BodyArea, Ritual, Routine, RoutineStep, Stroke, WeekPlan
from nurture.lib.errors import DomainError

M = TypeVar("M", bound=models.Model)


@dataclass
class LoadResult:
    version: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_data: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"Curriculum {self.version}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )
        if self.not_in_data:
            text += " Kept, but no longer in the data files: " + ", ".join(self.not_in_data) + "."
        return text


class _Changes:
    """What a load created and changed, for the result and the audit log."""

    def __init__(self, version: str) -> None:
        self.result = LoadResult(version=version)
        self.targets: dict[tuple[str, str], list[models.Model]] = defaultdict(list)

    def upsert(self, model: type[M], existing: dict[str, M], values: dict[str, Any]) -> M:
        """Create or update the row with ``values["slug"]``; ``existing`` is kept up to date."""
        obj = existing.get(values["slug"])
        if obj is None:
            obj = existing[values["slug"]] = model._default_manager.create(**values)
            self.note("created", obj)
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.note("updated", obj)
        else:
            self.result.unchanged += 1
        return obj

    def touched(self, obj: models.Model) -> bool:
        return any(obj in targets for targets in self.targets.values())

    def note(self, verb: str, obj: models.Model) -> None:
        self.targets[(obj._meta.model_name or "", verb)].append(obj)
        if verb == "created":
            self.result.created += 1
        else:
            self.result.updated += 1

    def audit(self, actor: Any) -> None:
        for (model_name, verb), targets in self.targets.items():
            record_many(
                actor=actor,
                action=f"curriculum.{model_name}.{verb}",
                targets=targets,
                data={"version": self.result.version},
            )


def _stale(kind: str, existing: dict[str, Any], wanted: set[str]) -> list[str]:
    return [f"{kind} {slug}" for slug in sorted(set(existing) - wanted)]


def _steps(routine: Routine, steps: list[dict[str, Any]]) -> bool:
    """Make the routine's steps match; True when anything changed."""
    existing = {step.position: step for step in routine.steps.all()}
    changed = False
    for position, values in enumerate(steps, start=1):
        step = existing.pop(position, None)
        if step is None:
            RoutineStep.objects.create(routine=routine, position=position, **values)
            changed = True
        elif any(getattr(step, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(step, name, value)
            step.save(update_fields=list(values))
            changed = True
    if existing:
        RoutineStep.objects.filter(pk__in=[step.pk for step in existing.values()]).delete()
        changed = True
    return changed


@transaction.atomic
def load_curriculum(*, actor: Any, content: Content) -> LoadResult:
    """Create or update the shipped content by slug, from data read by
    ``loader.read_content``. Loading the same content twice changes nothing. Rows no
    longer in the data files are kept (practice logs may point at them) and reported."""
    changes = _Changes(content.version)
    version = content.version

    areas = {area.slug: area for area in BodyArea.objects.all()}
    for area in content.areas:
        changes.upsert(
            BodyArea,
            areas,
            {
                "slug": area.slug,
                "name": area.name,
                "order": area.order,
                "summary": area.summary,
                "position": area.position,
                "uses_oil": area.uses_oil,
                "cautions": area.cautions,
                "diagram": area.diagram,
                "version": version,
            },
        )

    strokes = {stroke.slug: stroke for stroke in Stroke.objects.all()}
    for stroke in content.strokes:
        changes.upsert(
            Stroke,
            strokes,
            {
                "slug": stroke.slug,
                "area_id": areas[stroke.area].pk,
                "order": stroke.order,
                "name": stroke.name,
                "purpose": stroke.purpose,
                "steps": stroke.steps,
                "direction": stroke.direction,
                "repetitions": stroke.repetitions,
                "each_side": stroke.each_side,
                "cautions": stroke.cautions,
                "diagram": stroke.diagram,
                "version": version,
            },
        )

    rituals = {ritual.slug: ritual for ritual in Ritual.objects.all()}
    for ritual in content.rituals:
        changes.upsert(
            Ritual,
            rituals,
            {
                "slug": ritual.slug,
                "name": ritual.name,
                "order": ritual.order,
                "purpose": ritual.purpose,
                "when": ritual.when,
                "steps": ritual.steps,
                "version": version,
            },
        )

    routines = {routine.slug: routine for routine in Routine.objects.all()}
    for routine_data in content.routines:
        routine = changes.upsert(
            Routine,
            routines,
            {
                "slug": routine_data.slug,
                "name": routine_data.name,
                "kind": routine_data.kind,
                "area_id": areas[routine_data.area].pk if routine_data.area else None,
                "purpose": routine_data.purpose,
                "repeat_cycles": routine_data.repeat_cycles,
                "times_per_day": routine_data.times_per_day,
                "minimum_days": routine_data.minimum_days,
                "plan": routine_data.plan,
                "cautions": routine_data.cautions,
                "minutes": routine_data.minutes,
                "version": version,
            },
        )
        steps = [
            {
                "stroke_id": strokes[step.stroke].pk if step.stroke else None,
                "ritual_id": rituals[step.ritual].pk if step.ritual else None,
                "repetitions": step.repetitions,
                "hold_seconds": step.hold_seconds,
                "note": step.note,
            }
            for step in routine_data.steps
        ]
        if _steps(routine, steps) and not changes.touched(routine):
            changes.result.unchanged -= 1
            changes.note("updated", routine)

    plans = {plan.slug: plan for plan in WeekPlan.objects.filter(provider__isnull=True)}
    default = next(plan.slug for plan in content.plans if plan.is_default)
    for slug, plan in plans.items():
        if plan.is_default_for_provider and slug != default:
            plan.is_default_for_provider = False
            plan.save(update_fields=["is_default_for_provider"])
            changes.note("updated", plan)
    for plan_data in sorted(content.plans, key=lambda plan: plan.is_default):
        changes.upsert(
            WeekPlan,
            plans,
            {
                "slug": plan_data.slug,
                "name": plan_data.name,
                "provider_id": None,
                "is_default_for_provider": plan_data.is_default,
                "description": plan_data.description,
                "weeks": plan_data.weeks,
                "version": version,
            },
        )

    changes.result.not_in_data = (
        _stale("area", areas, {area.slug for area in content.areas})
        + _stale("stroke", strokes, {stroke.slug for stroke in content.strokes})
        + _stale("ritual", rituals, {ritual.slug for ritual in content.rituals})
        + _stale("routine", routines, {routine.slug for routine in content.routines})
        + _stale("week plan", plans, {plan.slug for plan in content.plans})
    )
    changes.audit(actor)
    return changes.result


@transaction.atomic
def week_plan_choose(*, actor: Any, provider: Provider, plan: WeekPlan) -> WeekPlan:
    """Make ``plan`` the one the provider's courses follow. A shipped plan is first copied
    into the provider's own plans (or its earlier copy reused), so the provider can adapt it
    in the admin without changing anyone else's."""
    if plan.provider_id not in (None, provider.pk):
        raise DomainError({"plan": "Choose a shipped week plan or one of this provider's own."})
    if plan.provider_id is None:
        own = WeekPlan.objects.filter(provider=provider, slug=plan.slug).first()
        if own is None:
            own = WeekPlan.objects.create(
                provider=provider,
                slug=plan.slug,
                name=plan.name,
                description=plan.description,
                weeks=copy.deepcopy(plan.weeks),
                version=plan.version,
            )
        plan = own
    WeekPlan.objects.filter(provider=provider, is_default_for_provider=True).exclude(
        pk=plan.pk
    ).update(is_default_for_provider=False)
    if not plan.is_default_for_provider:
        plan.is_default_for_provider = True
        plan.save(update_fields=["is_default_for_provider"])
    record(
        actor=actor,
        action="week_plan.chosen",
        target=plan,
        provider_id=provider.pk,
        data={"slug": plan.slug, "version": plan.version},
    )
    return plan


@transaction.atomic
def week_plan_use_shipped(*, actor: Any, provider: Provider) -> None:
    """Go back to the shipped default plan (the provider's own plans are kept)."""
    chosen = WeekPlan.objects.filter(provider=provider, is_default_for_provider=True).first()
    if chosen is None:
        return
    chosen.is_default_for_provider = False
    chosen.save(update_fields=["is_default_for_provider"])
    record(actor=actor, action="week_plan.unchosen", target=chosen, provider_id=provider.pk)
