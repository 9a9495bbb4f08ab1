"""The family's stroke cards follow their course week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from nurture.allocation import places
from nurture.courses.models import Offer
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def curriculum(db: Any) -> None:
    call_command("load_curriculum", verbosity=0)


def test_before_a_course_the_family_sees_week_one(world: World) -> None:
    page = client_for(world.users["parent_a"]).get("/strokes/").text
    assert "When your course starts" in page
    assert "Legs and feet" in page


def test_cards_build_up_week_by_week(world: World, django_assert_max_num_queries: Any) -> None:
    run = factories.make_run(world.provider_a)
    referral = factories.make_referral(world.families["a1"].babies.get())
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    week1 = run.sessions.get(number=1)
    week2 = run.sessions.get(number=2)
    with time_machine.travel(week1.starts_at + timedelta(hours=2), tick=False):
        first = client_for(world.users["parent_a"]).get("/strokes/").text
    with time_machine.travel(week2.starts_at + timedelta(hours=2), tick=False):
        client = client_for(world.users["parent_a"])
        client.get("/strokes/")
        with django_assert_max_num_queries(15):
            second = client.get("/strokes/").text
    assert "by week 1" in first and "by week 2" in second
    assert "Tummy" in second and "Tummy" not in first.split("week-cards-heading")[1]


def test_only_parents_have_a_strokes_page(world: World) -> None:
    assert client_for(world.users["hv_a"]).get("/strokes/").status_code == 404
