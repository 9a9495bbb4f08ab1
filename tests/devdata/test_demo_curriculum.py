from __future__ import annotations

import pytest
from django.core.management import call_command

from nurture.accounts.models import Provider
from nurture.curriculum import selectors
from nurture.curriculum.models import Stroke

pytestmark = pytest.mark.django_db


def test_demo_loads_the_curriculum_and_a_provider_plan_of_its_own() -> None:
    call_command("demo_data")
    call_command("demo_data")
    assert Stroke.objects.count() > 40
    riverside = Provider.objects.get(name="Riverside Community Nursery Team")
    little_oak = Provider.objects.get(name="Little Oak Baby Massage")
    river_plan = selectors.week_plan_for(riverside.pk)
    oak_plan = selectors.week_plan_for(little_oak.pk)
    assert river_plan is not None and (river_plan.slug, river_plan.provider) == ("five-week", None)
    assert oak_plan is not None and (oak_plan.slug, oak_plan.provider) == ("four-week", little_oak)
