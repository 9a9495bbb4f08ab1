"""The "questions are ready" message: once per course point and carer, no clinical detail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nurture.allocation import places
from nurture.courses.models import Enrolment, EnrolmentStatus, Offer
from nurture.notify.models import Message
from nurture.periodic import JOBS
from nurture.questionnaires.reminders import KIND, queue_questionnaire_due
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def enrol(world: World, family: str = "a1", run: Any = None) -> Enrolment:
    run = run or factories.make_run(world.provider_a, venue=world.venue_a)
    referral = factories.make_referral(world.families[family].babies.get())
    return places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral))


def due_messages(**filters: Any) -> list[Message]:
    return list(Message.objects.filter(kind=KIND, **filters))


def point_of(message: Message) -> str:
    """The course point a message is about, from its dedupe key (kind:enrolment:point:...)."""
    return str(message.dedupe_key).split(":")[2]


def test_questions_opening_send_one_message_per_point_and_carer(world: World) -> None:
    enrolment = enrol(world)
    carer = world.families["a1"].carers.get(user=world.users["parent_a"])
    assert queue_questionnaire_due() == 1
    baseline = due_messages(carer=carer)
    assert baseline and {point_of(m) for m in baseline} == {"baseline"}
    assert queue_questionnaire_due() == 0  # again: nothing new
    assert len(due_messages(carer=carer)) == len(baseline)
    week_five = enrolment.run.sessions.get(number=5).starts_at
    with time_machine.travel(week_five + timedelta(minutes=5), tick=False):
        assert queue_questionnaire_due() == 1
    points = {point_of(m) for m in due_messages(carer=carer)}
    assert points == {"baseline", "post"}


def test_the_message_says_nothing_clinical(world: World) -> None:
    enrol(world)
    queue_questionnaire_due()
    for message in due_messages():
        words = f"{message.subject} {message.body_text} {message.body_html}".lower()
        for banned in ("phq", "gad", "depress", "anxi", "mood", "score", "epds"):
            assert banned not in words, (message.channel, banned)
        assert "short questions" in words and "/" in words


def test_no_message_without_a_login_a_place_or_consent(world: World) -> None:
    enrolment = enrol(world)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save()
    enrol(world, "a2")
    world.families["a2"].carers.update(consent_to_contact=False)
    assert queue_questionnaire_due() == 0
    assert not due_messages()


def test_the_job_runs_every_minute_with_bounded_queries(world: World) -> None:
    assert any(job.path.endswith(":queue_questionnaire_due") for job in JOBS)
    run = factories.make_run(world.provider_a, venue=world.venue_a, capacity=20)
    enrol(world, run=run)
    with CaptureQueriesContext(connection) as one:
        queue_questionnaire_due(now=timezone.now())
    for number in range(6):
        family = factories.make_family(world.provider_a, parent=factories.make_user(f"p{number}"))
        enrol_family = family.babies.get()
        referral = factories.make_referral(enrol_family)
        places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    with CaptureQueriesContext(connection) as many:
        assert queue_questionnaire_due(now=timezone.now()) == 6
    assert len(many.captured_queries) <= len(one.captured_queries) + 2
