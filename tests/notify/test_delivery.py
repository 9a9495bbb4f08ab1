"""Sending what is due: through the configured backend, once, with retries that back off."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from nurture.courses.models import AttendanceStatus
from nurture.families.models import Carer
from nurture.notify import delivery
from nurture.notify.models import Message, MessageStatus
from tests.courses.test_messages import SITE, at, enrolled, make_course, save_register
from tests.notify.test_notify_backend import FakeNotify, use_notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(settings: Any, tmp_path: Path) -> None:
    settings.NURTURE_SITE_URL = SITE
    settings.NOTIFY_QUIET_HOURS = (21, 8)
    settings.NOTIFY_SMS_BACKEND = "file"
    settings.NOTIFY_EMAIL_BACKEND = "django"
    settings.DATA_DIR = tmp_path


@pytest.fixture
def failing_notify(settings: Any) -> Iterator[FakeNotify]:
    with FakeNotify() as server:
        use_notify(settings, server)
        server.answers = [500] * 100
        yield server


def deliver_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return delivery.deliver_due(now=moment)


def test_email_goes_through_django_with_text_html_and_the_invitation() -> None:
    enrolled()  # an offer at 9am, accepted at 10am
    assert deliver_at(at(3, 1, 10, 1)) == 2
    assert len(mail.outbox) == 2
    confirmation = Message.objects.get(kind="enrolment_confirmed")
    [email] = [e for e in mail.outbox if e.subject == confirmation.subject]
    assert email.to == ["alex@example.org"]
    assert email.body == confirmation.body_text
    assert email.extra_headers["X-Nurture-Message"] == str(confirmation.pk)
    [(html, html_type)] = email.alternatives  # type: ignore[attr-defined]
    assert html_type == "text/html" and html == confirmation.body_html
    assert "<p>Hello Alex,</p>" in html
    [(name, content, mimetype)] = email.attachments
    assert name == "baby-massage-course.ics"
    assert mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype
    raw = content.encode() if isinstance(content, str) else content
    assert len(Calendar.from_ical(raw).walk("VEVENT")) == 5
    offer_email = next(e for e in mail.outbox if e is not email)
    assert offer_email.attachments == []
    confirmation.refresh_from_db()
    assert confirmation.status == MessageStatus.SENT
    assert confirmation.provider_reference == f"email:{confirmation.pk}"
    assert confirmation.sent_at == at(3, 1, 10, 1)


def test_text_messages_go_to_the_file_backend(tmp_path: Path) -> None:
    make_course(channel=Carer.Channel.SMS)
    message = Message.objects.get()
    assert deliver_at(at(3, 1, 9, 1)) == 1
    lines = (tmp_path / "sms.log").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "at": at(3, 1, 9, 1).isoformat(),
            "to": "07700 900123",
            "body": message.body_text,
            "id": str(message.pk),
        }
    ]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_reference == f"file:{message.pk}"
    assert mail.outbox == []


def test_a_message_held_by_quiet_hours_goes_in_the_morning() -> None:
    course = enrolled()
    deliver_at(at(3, 1, 10, 1))
    mail.outbox.clear()
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 22, 30))
    assert deliver_at(at(3, 16, 22, 31)) == 0
    assert deliver_at(at(3, 17, 7, 59)) == 0
    assert deliver_at(at(3, 17, 8)) == 1
    assert [e.subject for e in mail.outbox] == ["Sorry we missed you at baby massage"]


def test_two_deliveries_one_after_the_other_never_send_twice() -> None:
    enrolled()
    assert deliver_at(at(3, 1, 10, 1)) == 2
    assert deliver_at(at(3, 1, 10, 1)) == 0
    assert deliver_at(at(3, 1, 12)) == 0
    for message in Message.objects.all():
        with time_machine.travel(at(3, 1, 12), tick=False):
            assert delivery.deliver(message.pk) is False  # the per-message task, late
    assert len(mail.outbox) == 2
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_a_due_message_is_sent_as_soon_as_its_event_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        time_machine.travel(at(3, 1, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        make_course()
    assert len(callbacks) == 1  # one task, run at once by the tests' immediate backend
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT
    assert [e.subject for e in mail.outbox] == [message.subject]


def test_a_message_not_yet_due_waits_for_the_periodic_job(
    django_capture_on_commit_callbacks: Any,
) -> None:
    course = enrolled()
    deliver_at(at(3, 1, 10, 1))
    mail.outbox.clear()
    with (
        time_machine.travel(at(3, 16, 22, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 22, 30))
    assert len(callbacks) == 1  # the task ran, and left it for the morning
    assert Message.objects.get(kind="missed_session").status == MessageStatus.QUEUED
    assert mail.outbox == []


def test_a_failing_backend_is_retried_with_backoff_then_marked_failed(
    failing_notify: FakeNotify,
) -> None:
    make_course(channel=Carer.Channel.SMS)
    message = Message.objects.get()
    start = at(3, 1, 10)
    waits = []
    moment = start
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        assert deliver_at(moment) == 0
        message.refresh_from_db()
        assert message.attempts == attempt
        assert len(failing_notify.requests) == attempt
        assert "HTTPError" in message.last_error
        if attempt < delivery.MAX_ATTEMPTS:
            assert message.status == MessageStatus.QUEUED
            wait = message.next_attempt_at - moment
            waits.append(wait)
            assert deliver_at(moment + wait - timedelta(seconds=1)) == 0  # not yet
            assert len(failing_notify.requests) == attempt
            moment += wait
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert message.status == MessageStatus.FAILED
    assert deliver_at(moment + timedelta(days=1)) == 0
    assert len(failing_notify.requests) == delivery.MAX_ATTEMPTS


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [delivery.backoff(n).total_seconds() / 60 for n in range(1, 10)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
        60,
    ]


def test_a_stale_sending_row_is_queued_again_with_a_note() -> None:
    enrolled()
    offer, confirmation = (
        Message.objects.get(kind="offer_made"),
        Message.objects.get(kind="enrolment_confirmed"),
    )
    now = at(3, 1, 11)
    Message.objects.filter(pk=offer.pk).update(
        status=MessageStatus.SENDING, attempts=1, sending_started_at=now - timedelta(minutes=11)
    )
    Message.objects.filter(pk=confirmation.pk).update(
        status=MessageStatus.SENDING, attempts=1, sending_started_at=now - timedelta(minutes=5)
    )
    assert deliver_at(now) == 1
    offer.refresh_from_db()
    confirmation.refresh_from_db()
    assert offer.status == MessageStatus.SENT and offer.attempts == 2
    assert "may or may not have gone" in offer.last_error
    assert confirmation.status == MessageStatus.SENDING  # another worker may still be on it
    assert [e.subject for e in mail.outbox] == [offer.subject]
