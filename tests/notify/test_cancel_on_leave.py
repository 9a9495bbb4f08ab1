"""Messages not yet sent are called off when a family leaves a course or an offer closes."""

from __future__ import annotations

import pytest

from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.courses.models import Offer
from nurture.notify.models import Message, MessageStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_leaving_a_course_cancels_its_queued_messages() -> None:
    provider = factories.make_provider("Leaving")
    manager = factories.make_staff(provider, Role.SERVICE_MANAGER)
    run = factories.make_run(provider)
    referral = factories.make_referral(factories.baby_born(provider, 10))
    enrolment = places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral))
    Message.objects.filter(family_id=referral.family_id).update(status=MessageStatus.QUEUED)
    places.withdraw_enrolment(actor=manager, enrolment=enrolment, reason="Moved away")
    statuses = set(
        Message.objects.filter(family_id=referral.family_id, run=run).values_list(
            "status", flat=True
        )
    )
    assert statuses == {MessageStatus.CANCELLED}


def test_a_declined_offer_cancels_its_queued_reminders() -> None:
    provider = factories.make_provider("Declining")
    run = factories.make_run(provider)
    referral = factories.make_referral(factories.baby_born(provider, 10))
    offer = Offer.objects.get(referral=referral, run=run)
    assert Message.objects.filter(family_id=referral.family_id, status="queued").exists()
    places.decline_offer(actor=None, offer=offer, stay_on_list=True)
    assert not Message.objects.filter(
        family_id=referral.family_id, run=run, status=MessageStatus.QUEUED
    ).exists()
