"""Offers, the waiting list and capacity: fair order, automatic offers on every trigger,
holds that expire, and never more families than places."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from nurture.accounts.models import ProgrammeRules
from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.allocation import services as allocation_services
from nurture.courses import capacity
from nurture.courses.models import Enrolment, EnrolmentStatus, Offer, OfferKind, OfferStatus
from nurture.lib.errors import DomainError
from nurture.referrals import services as referral_services
from nurture.referrals.models import Referral, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider() -> Any:
    return factories.make_provider("Riverside")


@pytest.fixture
def manager(provider: Any) -> Any:
    return factories.make_staff(provider, Role.SERVICE_MANAGER, "boss")


def refer(provider: Any, weeks_old: int = 10, priority: str = "routine", **kw: Any) -> Referral:
    return factories.make_referral(
        factories.baby_born(provider, weeks_old, **kw), priority=priority
    )


def status(referral: Referral) -> str:
    referral.refresh_from_db()
    return referral.status


def test_referral_goes_on_the_waiting_list_with_a_history(provider: Any) -> None:
    referral = refer(provider)
    assert referral.status == Status.WAITING
    steps = [(e.from_status, e.to_status) for e in referral.events.all()]
    assert steps == [("", "received"), ("received", "eligible"), ("eligible", "waiting")]


def test_a_baby_who_has_aged_out_is_not_eligible_and_says_why(provider: Any, manager: Any) -> None:
    referral = refer(provider, weeks_old=30)
    assert referral.status == Status.NOT_ELIGIBLE
    assert referral.status_note.startswith("Aged out on")
    allocation_services.eligibility_override(
        actor=manager, referral=referral, reason="Clinical need"
    )
    assert status(referral) == Status.WAITING
    assert referral.eligibility_override_reason == "Clinical need"


def test_a_second_referral_for_the_same_baby_warns_and_links(provider: Any) -> None:
    baby = factories.baby_born(provider, 10)
    first = factories.make_referral(baby)
    with pytest.raises(referral_services.DuplicateReferral) as raised:
        factories.make_referral(baby)
    assert raised.value.existing == first
    second = factories.make_referral(baby, confirm_duplicate=True)
    assert second.duplicate_of == first


def test_waiting_list_order_priority_then_ageing_out_then_referral_date(provider: Any) -> None:
    routine_young = refer(provider, weeks_old=8)
    routine_old = refer(provider, weeks_old=16)
    high_young = refer(provider, weeks_old=7, priority="high")
    routine_old_same_age = refer(provider, weeks_old=16)
    preterm = refer(provider, weeks_old=18, gestation_weeks=30)  # corrected: 8 weeks
    order = places.waiting_list(provider.pk)
    assert order[0] == high_young
    assert order[1:3] == [routine_old, routine_old_same_age]
    assert set(order[3:]) == {routine_young, preterm}


def test_a_new_run_offers_its_places_to_the_next_families(provider: Any) -> None:
    waiting = [refer(provider, weeks_old=10) for _ in range(3)]
    run = factories.make_run(provider, capacity=2)
    offers = Offer.objects.filter(run=run)
    assert offers.count() == 2
    assert all(offer.kind == OfferKind.AUTOMATIC for offer in offers)
    hours = ProgrammeRules.for_provider(provider.pk).offer_hold_hours
    for offer in offers:
        assert offer.expires_at - offer.offered_at == pytest.approx(
            timedelta(hours=hours), abs=timedelta(seconds=5)
        )
    assert [status(r) for r in waiting].count(Status.OFFERED) == 2


def test_babies_too_young_or_too_old_at_the_start_are_passed_over(provider: Any) -> None:
    too_young = refer(provider, weeks_old=1)
    nearly_too_old = refer(provider, weeks_old=25)
    fine = refer(provider, weeks_old=10)
    run = factories.make_run(provider, capacity=5, days_ahead=14)
    offered = set(Offer.objects.filter(run=run).values_list("referral_id", flat=True))
    assert offered == {fine.pk}
    assert status(too_young) == status(nearly_too_old) == Status.WAITING


def test_accepting_enrols_for_the_whole_run(provider: Any) -> None:
    referral = refer(provider)
    run = factories.make_run(provider)
    offer = Offer.objects.get(run=run, referral=referral)
    enrolment = places.accept_offer(actor=None, offer=offer)
    assert enrolment.joined_at_session == 1
    assert status(referral) == Status.ENROLLED
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


@pytest.mark.parametrize("stay", [True, False])
def test_declining_passes_the_place_on(provider: Any, stay: bool) -> None:
    first, second = refer(provider), refer(provider)
    run = factories.make_run(provider, capacity=1)
    offer = Offer.objects.get(run=run, status=OfferStatus.PENDING)
    declined_by = first if offer.referral_id == first.pk else second
    other = second if declined_by == first else first
    places.decline_offer(actor=None, offer=offer, stay_on_list=stay)
    assert status(declined_by) == (Status.WAITING if stay else Status.DECLINED)
    assert Offer.objects.get(run=run, status=OfferStatus.PENDING).referral == other


def test_an_expired_hold_passes_the_place_on(provider: Any) -> None:
    first, second = refer(provider), refer(provider)
    run = factories.make_run(provider, capacity=1)
    offer = Offer.objects.get(run=run, status=OfferStatus.PENDING)
    assert places.expire_offers(now=offer.expires_at - timedelta(minutes=1)) == 0
    assert places.expire_offers(now=offer.expires_at + timedelta(minutes=1)) == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert status(offer.referral) == Status.WAITING
    new = Offer.objects.get(run=run, status=OfferStatus.PENDING)
    assert new.referral_id != offer.referral_id
    assert {first.pk, second.pk} == {offer.referral_id, new.referral_id}


def test_accepting_after_the_hold_has_expired_is_refused(provider: Any) -> None:
    refer(provider)
    run = factories.make_run(provider)
    offer = Offer.objects.get(run=run)
    with pytest.raises(DomainError, match="expired"):
        places.accept_offer(actor=None, offer=offer, now=offer.expires_at + timedelta(seconds=1))
    assert not Enrolment.objects.exists()


def test_a_withdrawal_frees_the_place_for_the_next_family(provider: Any) -> None:
    first = refer(provider)
    run = factories.make_run(provider, capacity=1)
    enrolment = places.accept_offer(actor=None, offer=Offer.objects.get(referral=first))
    later = refer(provider)
    assert not Offer.objects.filter(referral=later).exists()
    places.withdraw_enrolment(actor=None, enrolment=enrolment, reason="Moved away")
    assert status(first) == Status.WITHDRAWN
    assert Offer.objects.get(referral=later, run=run).status == OfferStatus.PENDING


def test_a_new_referral_gets_a_free_place_on_an_existing_run(provider: Any) -> None:
    run = factories.make_run(provider, capacity=2)
    referral = refer(provider)
    assert Offer.objects.get(referral=referral).run == run
    assert referral.status == Status.OFFERED


def test_offer_to_all_first_to_accept_wins(provider: Any, manager: Any) -> None:
    run = factories.make_run(provider, capacity=1)
    keeper = refer(provider)
    enrolled = places.accept_offer(actor=None, offer=Offer.objects.get(referral=keeper))
    others = [refer(provider) for _ in range(3)]
    places.withdraw_enrolment(actor=manager, enrolment=enrolled, reason="Moved away")
    Offer.objects.filter(status=OfferStatus.PENDING).update(status=OfferStatus.WITHDRAWN)
    Referral.objects.filter(pk__in=[r.pk for r in others]).update(status=Status.WAITING)
    gap = places.offer_to_all(actor=manager, run=run)
    assert len(gap) == 3 and all(o.kind == OfferKind.OPEN_TO_ALL for o in gap)
    places.accept_offer(actor=None, offer=gap[1])
    with pytest.raises(DomainError):
        places.accept_offer(actor=None, offer=gap[0])
    statuses = sorted(
        Offer.objects.filter(kind=OfferKind.OPEN_TO_ALL).values_list("status", flat=True)
    )
    assert statuses == ["accepted", "filled", "filled"]
    assert Enrolment.objects.filter(run=run, status=EnrolmentStatus.ENROLLED).count() == 1
    assert status(others[0]) == Status.WAITING


def test_manual_offers_respect_capacity_and_eligibility(provider: Any, manager: Any) -> None:
    run = factories.make_run(provider, capacity=1)
    fine = refer(provider)
    assert Offer.objects.get(referral=fine).run == run
    too_old = refer(provider, weeks_old=40)
    assert too_old.status == Status.NOT_ELIGIBLE
    allocation_services.eligibility_override(actor=manager, referral=too_old, reason="Agreed")
    assert status(too_old) == Status.WAITING
    with pytest.raises(DomainError, match="full"):
        places.offer_place(actor=manager, run=run, referral=too_old)
    allocation_services.run_update(actor=manager, run=run, capacity=2, facilitators=[])
    assert Offer.objects.get(referral=too_old, run=run).status == OfferStatus.PENDING

    too_young = refer(provider, weeks_old=1)
    allocation_services.run_update(actor=manager, run=run, capacity=3, facilitators=[])
    with pytest.raises(DomainError, match="Too young"):
        places.offer_place(actor=manager, run=run, referral=too_young)


def test_late_joining_is_allowed_up_to_the_configured_session(provider: Any) -> None:
    run = factories.make_run(provider, days_ahead=3)
    sessions = list(run.sessions.order_by("number"))
    before = capacity.joining(run, sessions, sessions[0].starts_at - timedelta(hours=1))
    after_first = capacity.joining(run, sessions, sessions[0].starts_at + timedelta(hours=1))
    assert before is not None and before.session_number == 1
    assert after_first is not None and after_first.session_number == 2
    assert capacity.joining(run, sessions, sessions[1].starts_at + timedelta(hours=1)) is None


def test_capacity_is_never_exceeded(provider: Any) -> None:
    run = factories.make_run(provider, capacity=3)
    for _ in range(6):
        refer(provider)
    for offer in Offer.objects.filter(status=OfferStatus.PENDING):
        places.accept_offer(actor=None, offer=offer)
    assert run.enrolments.count() == 3
    assert capacity.free_places(run) == 0
