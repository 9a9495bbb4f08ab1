"""The readiness rules name body areas by slug: those slugs must exist in the curriculum."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from nurture.curriculum.models import BodyArea
from nurture.practice import readiness

pytestmark = pytest.mark.django_db


def test_areas_named_by_the_readiness_rules_exist_in_the_curriculum() -> None:
    call_command("load_curriculum", verbosity=0)
    slugs = set(BodyArea.objects.values_list("slug", flat=True))
    config = readiness.RulesConfig()
    assert {config.tummy_area, config.injection_site_area} <= slugs
