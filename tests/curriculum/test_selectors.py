"""Which week plan a provider follows, what is learnt by each week, and the stroke cards."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string

from nurture.audit.models import AuditEvent
from nurture.curriculum import selectors, services
from nurture.curriculum.models import WeekPlan
from nurture.lib.errors import DomainError
from tests.conftest import World

ALL_AREAS = [
    "legs-and-feet",
    "tummy",
    "chest",
    "arms-and-hands",
    "face",
    "back",
    "gentle-movements",
]


def slugs(items: Any) -> list[str]:
    return [item.slug for item in items]


def test_providers_follow_the_shipped_default_until_they_choose(
    world: World, curriculum: services.LoadResult
) -> None:
    default = selectors.week_plan_for(world.provider_a.pk)
    assert default is not None and default.slug == "five-week" and default.provider is None
    assert selectors.week_plan_for(None) == default

    four = WeekPlan.objects.get(provider=None, slug="four-week")
    own = services.week_plan_choose(
        actor=world.users["manager_a"], provider=world.provider_a, plan=four
    )
    assert (own.provider, own.slug, own.weeks) == (world.provider_a, "four-week", four.weeks)
    assert selectors.week_plan_for(world.provider_a.pk) == own
    assert selectors.week_plan_for(world.provider_b.pk) == default
    assert AuditEvent.objects.filter(
        action="week_plan.chosen", provider_id=world.provider_a.pk
    ).exists()

    # Choosing again reuses the provider's copy; going back restores the shipped default.
    again = services.week_plan_choose(actor=None, provider=world.provider_a, plan=four)
    assert again == own and WeekPlan.objects.filter(provider=world.provider_a).count() == 1
    services.week_plan_use_shipped(actor=None, provider=world.provider_a)
    assert selectors.week_plan_for(world.provider_a.pk) == default


def test_a_provider_cannot_choose_another_providers_plan(
    world: World, curriculum: services.LoadResult
) -> None:
    four = WeekPlan.objects.get(provider=None, slug="four-week")
    theirs = services.week_plan_choose(actor=None, provider=world.provider_b, plan=four)
    with pytest.raises(DomainError):
        services.week_plan_choose(actor=None, provider=world.provider_a, plan=theirs)
    assert selectors.week_plan_for(world.provider_a.pk).provider is None  # type: ignore[union-attr]


def test_a_providers_own_plan_counts_only_once_marked_as_its_default(
    world: World, curriculum: services.LoadResult
) -> None:
    WeekPlan.objects.create(
        provider=world.provider_a, slug="draft", name="Draft", weeks={"1": {"areas": ["tummy"]}}
    )
    plan = selectors.week_plan_for(world.provider_a.pk)
    assert plan is not None and plan.slug == "five-week"


def test_nothing_is_chosen_before_the_curriculum_is_loaded(db: Any) -> None:
    assert selectors.week_plan_for(None) is None


@pytest.mark.parametrize(
    ("week", "expected"),
    [
        (0, []),
        (1, ALL_AREAS[:1]),
        (2, ALL_AREAS[:2]),
        (3, ALL_AREAS[:4]),
        (4, ALL_AREAS[:6]),
        (5, ALL_AREAS),
        (9, ALL_AREAS),
    ],
)
def test_areas_learnt_are_cumulative_by_week(
    curriculum: services.LoadResult, week: int, expected: list[str]
) -> None:
    plan = WeekPlan.objects.get(slug="five-week", provider=None)
    assert slugs(selectors.areas_learnt_by_week(plan, week)) == expected


def test_the_four_week_plan_reaches_the_full_body_sooner(curriculum: services.LoadResult) -> None:
    plan = WeekPlan.objects.get(slug="four-week", provider=None)
    assert slugs(selectors.areas_learnt_by_week(plan, 2)) == ALL_AREAS[:3]
    assert slugs(selectors.areas_learnt_by_week(plan, 4)) == ALL_AREAS


def test_stroke_cards_for_week_two(
    curriculum: services.LoadResult, django_assert_num_queries: Any
) -> None:
    plan = WeekPlan.objects.get(slug="five-week", provider=None)
    with django_assert_num_queries(4):
        cards = selectors.stroke_cards(plan, 2)
    assert [card.area.slug for card in cards.areas] == [
        "legs-and-feet",
        "tummy",
        "gentle-movements",
    ]
    legs, tummy, movements = cards.areas
    assert (legs.is_new, legs.complete, legs.week_introduced) == (False, True, 1)
    assert (tummy.is_new, tummy.complete) == (True, True)
    assert slugs(tummy.strokes)[0] == "tummy-water-wheel"
    assert (movements.complete, slugs(movements.strokes)) == (False, ["gentle-knees-to-tummy"])
    assert slugs(cards.rituals) == [
        "asking-permission",
        "resting-hands",
        "touch-relaxation",
        "closing-integration",
    ]
    assert slugs(cards.routines) == ["legs-and-feet-only", "colic-relief", "tummy-only"]
    assert "Crying, wind, colic and constipation" in cards.topics


def test_stroke_cards_query_count_does_not_grow_with_the_week(
    curriculum: services.LoadResult, django_assert_num_queries: Any
) -> None:
    plan = WeekPlan.objects.get(slug="five-week", provider=None)
    with django_assert_num_queries(4):
        cards = selectors.stroke_cards(plan, 5)
    assert all(card.complete for card in cards.areas) and len(cards.areas) == 7
    assert selectors.stroke_cards(plan, 0).areas == []


def test_stroke_cards_render_with_diagrams_and_steps(curriculum: services.LoadResult) -> None:
    plan = WeekPlan.objects.get(slug="five-week", provider=None)
    html = render_to_string(
        "curriculum/includes/week_cards.html", {"cards": selectors.stroke_cards(plan, 2)}
    )
    assert "Sun and moon" in html
    assert "/static/curriculum/tummy.svg" in html
    assert "Always stroke clockwise" in html
    assert "(new this week)" in html
    assert 'alt="' in html and "style=" not in html


def test_a_routine_with_its_steps(curriculum: services.LoadResult) -> None:
    routine = selectors.routine_with_steps("colic-relief")
    names = [(step.stroke or step.ritual).name for step in routine.steps.all()]  # type: ignore[union-attr]
    assert names[:2] == ["Resting hands", "Water wheel"]
