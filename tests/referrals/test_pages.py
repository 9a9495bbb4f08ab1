"""Referral pages: refer a baby, duplicates, history, actions, waiting list and to-do list."""

from __future__ import annotations

from typing import Any

import pytest

from nurture.accounts.roles import Role
from nurture.audit.models import AuditEvent
from nurture.courses.models import Offer, OfferStatus
from nurture.referrals.models import Referral, Status
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def referral_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reasons": ["unsettled", "first_time"],
        "priority": "routine",
        "consent_to_contact": "on",
        "client_id": "3b1f0a9e-5c7d-4e2a-8f00-0000000000a1",
    }
    data.update(overrides)
    return data


def test_health_visitor_refers_a_baby_and_sees_the_history(world: World) -> None:
    baby = world.families["a1"].babies.get()
    client = client_for(world.users["hv_a"])
    assert client.get(f"/referrals/new/{baby.pk}/").status_code == 200
    response = client.post(f"/referrals/new/{baby.pk}/", referral_form(), follow=True)
    assert "The family is on the waiting list." in response.text
    referral = Referral.objects.get(baby=baby)
    assert referral.status == Status.WAITING
    assert "Ages out" in response.text and "Received" in response.text
    assert AuditEvent.objects.filter(action="referral.created", object_id=str(referral.pk)).exists()


def test_sending_the_same_form_twice_stores_once(world: World) -> None:
    baby = world.families["a1"].babies.get()
    client = client_for(world.users["hv_a"])
    client.post(f"/referrals/new/{baby.pk}/", referral_form())
    client.post(f"/referrals/new/{baby.pk}/", referral_form())
    assert Referral.objects.filter(baby=baby).count() == 1


def test_a_second_referral_warns_and_links_to_the_first(world: World) -> None:
    baby = world.families["a1"].babies.get()
    first = factories.make_referral(baby)
    client = client_for(world.users["hv_a"])
    response = client.post(
        f"/referrals/new/{baby.pk}/",
        referral_form(client_id="3b1f0a9e-5c7d-4e2a-8f00-0000000000b2"),
    )
    assert response.status_code == 200
    assert "already has an open referral" in response.text
    assert f"/referrals/{first.pk}/" in response.text
    assert Referral.objects.filter(baby=baby).count() == 1
    response = client.post(
        f"/referrals/new/{baby.pk}/",
        referral_form(client_id="3b1f0a9e-5c7d-4e2a-8f00-0000000000b3", confirm_duplicate="True"),
    )
    assert response.status_code == 302
    assert Referral.objects.get(baby=baby, duplicate_of=first)


def test_referral_form_errors_are_shown_next_to_fields(world: World) -> None:
    baby = world.families["a1"].babies.get()
    response = client_for(world.users["hv_a"]).post(
        f"/referrals/new/{baby.pk}/", referral_form(reasons=["other"], reason_other="")
    )
    assert response.status_code == 200
    assert 'id="id_reason_other_error"' in response.text
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("who", "can_see", "can_refer"),
    [
        ("admin", True, True),
        ("manager_a", True, True),
        ("hv_a", True, True),
        ("hv_a2", False, False),
        ("facilitator_a", False, False),
        ("manager_b", False, False),
        ("parent_a", False, False),
    ],
)
def test_referral_pages_are_scoped(world: World, who: str, can_see: bool, can_refer: bool) -> None:
    baby = world.families["a1"].babies.get()
    referral = factories.make_referral(baby, actor=world.users["hv_a"])
    client = client_for(world.users[who])
    assert client.get(f"/referrals/{referral.pk}/").status_code == (200 if can_see else 404)
    assert client.get(f"/referrals/new/{baby.pk}/").status_code == (200 if can_refer else 404)
    assert client.get(f"/referrals/{referral.pk}/withdraw/").status_code == (
        200 if can_refer else 404
    )
    listing = client.get("/referrals/")
    if who.startswith("parent"):
        assert listing.status_code == 404
    else:
        assert (str(referral.pk) in listing.text) == can_see


def test_facilitators_see_their_runs_families_but_not_why_they_were_referred(
    world: World,
) -> None:
    facilitator = world.users["facilitator_a"]
    run = factories.make_run(world.provider_a, facilitators=[facilitator])
    referral = factories.make_referral(world.families["a1"].babies.get())
    from nurture.allocation import places

    places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    page = client_for(facilitator).get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "First-time parent" not in page.text
    assert (
        client_for(world.users["hv_a"])
        .get(f"/referrals/{referral.pk}/")
        .text.count("First-time parent")
    )
    assert client_for(facilitator).get(f"/families/{referral.family_id}/").status_code == 200


def test_withdraw_needs_a_reason_and_frees_the_offer(world: World) -> None:
    run = factories.make_run(world.provider_a, capacity=1)
    first = factories.make_referral(world.families["a1"].babies.get())
    second = factories.make_referral(world.families["a2"].babies.get())
    client = client_for(world.users["manager_a"])
    response = client.post(f"/referrals/{first.pk}/withdraw/", {"reason": ""})
    assert 'id="id_reason_error"' in response.text
    response = client.post(
        f"/referrals/{first.pk}/withdraw/", {"reason": "Moved away"}, follow=True
    )
    assert "Referral withdrawn." in response.text
    assert Offer.objects.get(referral=second, run=run).status == OfferStatus.PENDING


def test_manager_overrides_eligibility_with_a_reason(world: World) -> None:
    old = factories.baby_born(world.provider_a, 40, health_visitor=world.users["hv_a"])
    referral = factories.make_referral(old)
    assert referral.status == Status.NOT_ELIGIBLE
    assert (
        client_for(world.users["hv_a"]).get(f"/referrals/{referral.pk}/override/").status_code
        == 404
    )
    client = client_for(world.users["manager_a"])
    response = client.post(
        f"/referrals/{referral.pk}/override/", {"reason": "Agreed with the team"}, follow=True
    )
    assert "Override recorded." in response.text
    referral.refresh_from_db()
    assert referral.status == Status.WAITING


def test_waiting_list_page_shows_the_offer_order(world: World) -> None:
    young = factories.make_referral(world.families["a1"].babies.get())
    high = factories.make_referral(
        factories.baby_born(world.provider_a, 8, health_visitor=world.users["hv_a"]),
        priority="high",
    )
    page = client_for(world.users["manager_a"]).get("/referrals/waiting-list/").text
    assert page.index(str(high.pk)) < page.index(str(young.pk))
    assert "High priority" in page


def test_to_do_list_shows_what_needs_doing(world: World) -> None:
    factories.make_run(world.provider_a, capacity=1)
    factories.make_referral(world.families["a1"].babies.get())
    ageing = factories.make_referral(
        factories.baby_born(world.provider_a, 25, health_visitor=world.users["hv_a"])
    )
    page = client_for(world.users["manager_a"]).get("/referrals/to-do/").text
    assert "Babies ageing out within two weeks" in page
    assert str(ageing.pk) in page


def test_staff_record_an_answer_given_by_phone(world: World) -> None:
    run = factories.make_run(world.provider_a)
    referral = factories.make_referral(world.families["a1"].babies.get())
    offer = Offer.objects.get(referral=referral, run=run)
    client = client_for(world.users["hv_a"])
    response = client.post(
        f"/my-course/offers/{offer.pk}/accept/",
        {"next": f"/referrals/{referral.pk}/"},
        follow=True,
    )
    assert "Place accepted." in response.text
    referral.refresh_from_db()
    assert referral.status == Status.ENROLLED
    assert (
        client_for(world.users["hv_b"]).post(f"/my-course/offers/{offer.pk}/accept/").status_code
        == 404
    )


def test_manager_b_cannot_touch_provider_a(world: World) -> None:
    referral = factories.make_referral(world.families["a1"].babies.get())
    client = client_for(factories.make_staff(world.provider_b, Role.SERVICE_MANAGER, "other_boss"))
    for url in (
        f"/referrals/{referral.pk}/",
        f"/referrals/{referral.pk}/edit/",
        f"/referrals/{referral.pk}/override/",
    ):
        assert client.get(url).status_code == 404
