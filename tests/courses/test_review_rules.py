"""Rules found in review: state changes at the edges, per-provider settings, and scope."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nurture.accounts.models import ProgrammeRules
from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.allocation import services as allocation_services
from nurture.courses import capacity, registers
from nurture.courses.models import (
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferKind,
    OfferStatus,
)
from nurture.courses.schedule import session_times
from nurture.lib.errors import DomainError
from nurture.referrals import services as referral_services
from nurture.referrals.models import Referral, Status
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider() -> Any:
    return factories.make_provider("Rules")


def refer(provider: Any, weeks_old: int = 10, **kw: Any) -> Referral:
    return factories.make_referral(factories.baby_born(provider, weeks_old), **kw)


def status_of(referral: Referral) -> str:
    referral.refresh_from_db()
    return referral.status


def mark_all(run: Any, status_for: dict[Any, Any], upto: int) -> None:
    for session in run.sessions.order_by("number")[:upto]:
        registers.register_save(
            actor=None,
            session=session,
            marks={pk: registers.Mark(status=st) for pk, st in status_for.items()},
            save_id=uuid.uuid4(),
            now=session.starts_at + timedelta(hours=1),
        )


def test_families_who_do_not_complete_are_closed_and_back_fill_can_complete_them(
    provider: Any,
) -> None:
    ProgrammeRules.objects.create(provider=provider, register_lock_days=10)
    run = factories.make_run(provider)
    referral = refer(provider)
    enrolment = places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral))
    sessions = list(run.sessions.order_by("number"))
    present = {enrolment.pk: AttendanceStatus.PRESENT}
    absent = {enrolment.pk: AttendanceStatus.DID_NOT_ATTEND}
    for session, marks in zip(sessions, [present, present, absent, absent, absent], strict=True):
        registers.register_save(
            actor=None,
            session=session,
            marks={k: registers.Mark(v) for k, v in marks.items()},
            save_id=uuid.uuid4(),
            now=session.starts_at + timedelta(hours=1),
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.NOT_COMPLETED
    assert status_of(referral) == Status.WITHDRAWN
    # Week 4 was wrong: the family came. Saving it again settles completion again.
    registers.register_save(
        actor=None,
        session=sessions[3],
        marks={enrolment.pk: registers.Mark(AttendanceStatus.PRESENT)},
        save_id=uuid.uuid4(),
        now=sessions[4].starts_at + timedelta(hours=2),
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert status_of(referral) == Status.COMPLETED


def test_an_enrolled_family_cannot_be_put_back_on_the_list(provider: Any) -> None:
    factories.make_run(provider)
    referral = refer(provider)
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral))
    with pytest.raises(DomainError, match="can be put back"):
        allocation_services.referral_reopen(actor=None, referral=referral)


def test_a_family_is_never_offered_a_run_it_was_already_on(provider: Any) -> None:
    manager = factories.make_staff(provider, Role.SERVICE_MANAGER)
    run = factories.make_run(provider)
    referral = refer(provider)
    enrolment = places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral))
    places.withdraw_enrolment(actor=manager, enrolment=enrolment, reason="Poorly")
    allocation_services.referral_reopen(actor=manager, referral=referral)
    assert not Offer.objects.filter(run=run, referral=referral, status="pending").exists()
    with pytest.raises(DomainError, match="already been on this course"):
        places.offer_place(actor=manager, run=run, referral=referral)


def test_no_place_wanted_withdraws_every_pending_offer(provider: Any) -> None:
    manager = factories.make_staff(provider, Role.SERVICE_MANAGER)
    first_run = factories.make_run(provider, capacity=1)
    referral = refer(provider)
    second_run = factories.make_run(provider, capacity=1, days_ahead=21)
    Offer.objects.filter(run=second_run).delete()
    Referral.objects.filter(pk=referral.pk).update(status=Status.WAITING)
    places.offer_place(actor=manager, run=second_run, referral=referral)
    first = Offer.objects.get(run=first_run, referral=referral)
    places.decline_offer(actor=None, offer=first, stay_on_list=False)
    assert not Offer.objects.filter(referral=referral, status=OfferStatus.PENDING).exists()
    assert status_of(referral) == Status.DECLINED


def test_babies_who_age_out_while_waiting_become_not_eligible(provider: Any) -> None:
    referral = refer(provider, weeks_old=25)
    window = referral_services.age_window(referral)
    assert referral_services.mark_aged_out(today=window.last_start) == 0
    assert referral_services.mark_aged_out(today=window.last_start + timedelta(days=1)) == 1
    assert status_of(referral) == Status.NOT_ELIGIBLE
    assert referral.status_note.startswith("Aged out on")


def test_accepting_rechecks_eligibility_for_the_week_they_would_join(provider: Any) -> None:
    run = factories.make_run(provider, days_ahead=2)
    referral = refer(provider, weeks_old=25)
    offer = Offer.objects.get(referral=referral, run=run)
    week_two = run.sessions.get(number=2)
    window = referral_services.age_window(referral)
    if window.last_start >= timezone.localtime(week_two.starts_at).date():
        pytest.skip("this baby is still young enough at week 2 today")
    with pytest.raises(DomainError, match="can no longer join"):
        places.accept_offer(
            actor=None, offer=offer, now=run.sessions.get(number=1).starts_at + timedelta(hours=1)
        )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_provider_rules_change_hold_late_joining_and_completion(provider: Any) -> None:
    ProgrammeRules.objects.create(
        provider=provider, offer_hold_hours=24, late_join_last_session=3, completion_min_sessions=4
    )
    run = factories.make_run(provider, days_ahead=2)
    referral = refer(provider)
    offer = Offer.objects.get(referral=referral)
    assert offer.expires_at - offer.offered_at < timedelta(hours=24, seconds=5)
    sessions = list(run.sessions.order_by("number"))
    joins = capacity.joining(run, sessions, sessions[1].starts_at + timedelta(hours=1))
    assert joins is not None and joins.session_number == 3
    enrolment = places.accept_offer(actor=None, offer=offer)
    present = {enrolment.pk: AttendanceStatus.PRESENT}
    mark_all(run, present, upto=3)
    absent = {enrolment.pk: AttendanceStatus.ABSENT}
    for session in sessions[3:]:
        registers.register_save(
            actor=None,
            session=session,
            marks={k: registers.Mark(v) for k, v in absent.items()},
            save_id=uuid.uuid4(),
            now=session.starts_at + timedelta(hours=1),
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.NOT_COMPLETED  # 3 of 5, but 4 are needed


def test_waiting_list_by_area_offers_to_families_who_chose_that_venue(provider: Any) -> None:
    ProgrammeRules.objects.create(provider=provider, waiting_list_by_area=True)
    north, south = (
        factories.make_venue(provider, "North hub"),
        factories.make_venue(provider, "South hub"),
    )
    wants_south = refer(provider, venues=[south.pk])
    anywhere = refer(provider)
    run = factories.make_run(provider, venue=north, capacity=5)
    offered = set(Offer.objects.filter(run=run).values_list("referral_id", flat=True))
    assert offered == {anywhere.pk}
    assert status_of(wants_south) == Status.WAITING


def test_sessions_keep_their_local_time_across_the_clock_change() -> None:
    london = ZoneInfo("Europe/London")
    times = session_times(datetime(2026, 3, 17, 10, tzinfo=london), 3, "england")
    assert [t.date() for t in times] == [date(2026, 3, 17), date(2026, 3, 24), date(2026, 3, 31)]
    assert {t.astimezone(london).hour for t in times} == {10}


def test_health_visitors_to_do_list_names_only_their_own_families(world: World) -> None:
    run = factories.make_run(world.provider_a, days_ahead=1)
    mine = factories.make_referral(world.families["a1"].babies.get())
    theirs = factories.make_referral(world.families["a2"].babies.get())
    for referral in (mine, theirs):
        places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    session = run.sessions.get(number=1)
    registers.register_save(
        actor=None,
        session=session,
        marks={
            e.pk: registers.Mark(AttendanceStatus.DID_NOT_ATTEND)
            for e in Enrolment.objects.filter(run=run)
        },
        save_id=uuid.uuid4(),
        now=session.starts_at + timedelta(hours=1),
    )
    from nurture.courses.selectors import working_list

    work = working_list(world.users["hv_a"], now=session.starts_at + timedelta(hours=2))
    assert [e.referral_id for e in work.missed_last_session] == [mine.pk]


def test_facilitators_do_not_see_withdrawal_reasons(world: World) -> None:
    facilitator = world.users["facilitator_a"]
    run = factories.make_run(world.provider_a, facilitators=[facilitator])
    referral = factories.make_referral(world.families["a1"].babies.get())
    enrolment = places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    places.withdraw_enrolment(
        actor=world.users["manager_a"], enrolment=enrolment, reason="Private family matter"
    )
    page = client_for(facilitator).get(f"/referrals/{referral.pk}/").text
    assert "Private family matter" not in page
    assert (
        "Private family matter"
        in client_for(world.users["manager_a"]).get(f"/referrals/{referral.pk}/").text
    )


def test_offer_kinds_are_recorded(provider: Any) -> None:
    factories.make_run(provider)
    assert Offer.objects.get(referral=refer(provider)).kind == OfferKind.AUTOMATIC
