"""Curriculum content is editable in the admin; every change is audited and checked."""

from __future__ import annotations

import json

from nurture.audit.models import AuditEvent
from nurture.curriculum import selectors, services
from nurture.curriculum.models import Ritual, Routine, Stroke, WeekPlan
from tests.conftest import World, client_for


def test_admin_edits_to_a_ritual_are_audited_and_steps_are_one_per_line(
    world: World, curriculum: services.LoadResult
) -> None:
    ritual = Ritual.objects.get(slug="resting-hands")
    response = client_for(world.admin).post(
        f"/admin/curriculum/ritual/{ritual.pk}/change/",
        {
            "slug": ritual.slug,
            "name": "Resting hands",
            "order": ritual.order,
            "purpose": ritual.purpose,
            "when": ritual.when,
            "steps": "Rest your hands still.\n\n  Breathe slowly.  \n",
            "version": ritual.version,
        },
    )
    assert response.status_code == 302, response.content
    ritual.refresh_from_db()
    assert ritual.steps == ["Rest your hands still.", "Breathe slowly."]
    assert AuditEvent.objects.filter(
        action="admin.ritual.changed", actor=world.admin, object_id=str(ritual.pk)
    ).exists()


def test_admin_rejects_a_stroke_without_steps(
    world: World, curriculum: services.LoadResult
) -> None:
    stroke = Stroke.objects.get(slug="chest-butterfly")
    response = client_for(world.admin).post(
        f"/admin/curriculum/stroke/{stroke.pk}/change/",
        {
            "area": stroke.area_id,
            "order": stroke.order,
            "slug": stroke.slug,
            "name": stroke.name,
            "purpose": stroke.purpose,
            "steps": "   \n",
            "direction": stroke.direction,
            "repetitions": stroke.repetitions,
            "cautions": "",
            "diagram": "nowhere.svg",
            "version": stroke.version,
        },
    )
    assert response.status_code == 200
    assert b"nowhere.svg" in response.content
    stroke.refresh_from_db()
    assert stroke.steps and stroke.diagram == "chest.svg"
    assert not AuditEvent.objects.filter(action="admin.stroke.changed").exists()


def plan_form(world: World, weeks: dict[str, object]) -> dict[str, object]:
    return {
        "slug": "our-plan",
        "name": "Our plan",
        "provider": world.provider_a.pk,
        "is_default_for_provider": "on",
        "description": "",
        "weeks": json.dumps(weeks),
        "version": "",
    }


def test_a_provider_week_plan_added_in_the_admin_is_checked_and_audited(
    world: World, curriculum: services.LoadResult
) -> None:
    client = client_for(world.admin)
    bad = client.post(
        "/admin/curriculum/weekplan/add/",
        plan_form(world, {"1": {"areas": ["legs-and-feet"]}, "2": {"areas": ["elbows"]}}),
    )
    assert bad.status_code == 200
    assert b"there is no area" in bad.content
    too_soon = client.post(
        "/admin/curriculum/weekplan/add/",
        plan_form(
            world,
            {
                "1": {"areas": ["legs-and-feet"], "routines": ["colic-relief"]},
                "2": {"areas": ["tummy"]},
            },
        ),
    )
    assert too_soon.status_code == 200
    assert b"not learnt by week 1" in too_soon.content
    assert not WeekPlan.objects.filter(provider=world.provider_a).exists()

    good = client.post(
        "/admin/curriculum/weekplan/add/",
        plan_form(
            world,
            {
                "1": {"areas": ["legs-and-feet", "tummy"], "rituals": ["asking-permission"]},
                "2": {"areas": ["chest", "arms-and-hands", "face", "back"]},
            },
        ),
    )
    assert good.status_code == 302, good.content
    plan = WeekPlan.objects.get(provider=world.provider_a)
    assert AuditEvent.objects.filter(
        action="admin.weekplan.added", object_id=str(plan.pk), provider_id=world.provider_a.pk
    ).exists()
    assert selectors.week_plan_for(world.provider_a.pk) == plan


def test_the_admin_lists_curriculum_content(world: World, curriculum: services.LoadResult) -> None:
    client = client_for(world.admin)
    for model in ("bodyarea", "stroke", "ritual", "routine", "weekplan"):
        assert client.get(f"/admin/curriculum/{model}/").status_code == 200
    colic = Routine.objects.get(slug="colic-relief")
    page = client.get(f"/admin/curriculum/routine/{colic.pk}/change/")
    assert page.status_code == 200 and b"Water wheel" in page.content
