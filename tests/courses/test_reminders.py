"""Scheduled reminders: the right message at the right time, once, however often the job runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from nurture.allocation import places
from nurture.courses import services as course_services
from nurture.courses.reminders import queue_reminders
from nurture.families.models import Carer
from nurture.notify.models import Channel, Message, MessageStatus
from tests.courses.test_messages import (
    SET_UP_AT,
    SITE,
    at,
    enrolled,
    make_course,
    messages,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.NURTURE_SITE_URL = SITE
    settings.NOTIFY_QUIET_HOURS = (21, 8)
    settings.NOTIFY_REMINDER_DAYS_BEFORE = 2
    settings.NOTIFY_SAME_DAY_REMINDER = True


def run_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return queue_reminders()


def test_a_session_reminder_goes_two_days_before_and_not_earlier() -> None:
    enrolled()  # first session: Tuesday 16 March at 10am
    assert run_at(at(3, 13, 10)) == 0
    assert run_at(at(3, 14, 9, 59)) == 0
    assert messages("session_reminder") == []
    assert run_at(at(3, 14, 10)) == 1
    [message] = messages("session_reminder")
    assert not message.urgent and message.send_after == at(3, 14, 10)
    assert message.subject == "Baby massage on Tuesday 16 March at 10am"
    assert "Robin (week 1) is on Tuesday 16 March at 10am at St Mary's" in message.body_text
    assert "What to bring: A towel or soft blanket" in message.body_text
    assert "reply to your health visitor or open Nurture" in message.body_text
    assert f"{SITE}/my-course/" in message.body_text


def test_running_the_job_again_and_again_never_duplicates() -> None:
    enrolled()
    moment = at(3, 13, 0)
    while moment < at(3, 17, 0):
        run_at(moment)
        run_at(moment)  # twice in the same minute too
        moment += timedelta(minutes=37)
    queued = Message.objects.filter(kind__startswith="session_")
    assert sorted(m.kind for m in queued) == ["session_reminder", "session_today"]
    assert run_at(at(3, 16, 0, 1)) == 0


def test_the_same_day_reminder_is_queued_overnight_and_held_until_eight() -> None:
    enrolled()
    run_at(at(3, 14, 10))
    assert run_at(at(3, 15, 23, 59)) == 0
    assert run_at(at(3, 16, 0, 0)) == 1
    [message] = messages("session_today")
    assert message.send_after == at(3, 16, 8)
    assert message.subject == "Baby massage today at 10am"
    assert "See you and Robin at baby massage today at 10am" in message.body_text
    assert "What to bring" in message.body_text


def test_a_same_day_reminder_that_would_arrive_too_late_is_skipped(settings: Any) -> None:
    settings.NOTIFY_QUIET_HOURS = (21, 10)  # held until 10am, when the session starts
    enrolled()
    run_at(at(3, 16, 0, 0))
    assert messages("session_today") == []


def test_the_same_day_reminder_can_be_switched_off(settings: Any) -> None:
    settings.NOTIFY_SAME_DAY_REMINDER = False
    enrolled()
    for moment in (at(3, 14, 10), at(3, 16, 0), at(3, 16, 8)):
        run_at(moment)
    assert [m.kind for m in Message.objects.filter(kind__startswith="session_")] == [
        "session_reminder"
    ]


def test_days_before_is_a_setting(settings: Any) -> None:
    settings.NOTIFY_REMINDER_DAYS_BEFORE = 3
    enrolled()
    assert run_at(at(3, 13, 9, 59)) == 0
    assert run_at(at(3, 13, 10)) == 1
    settings.NOTIFY_REMINDER_DAYS_BEFORE = 0  # no reminder days before: only the same day
    assert run_at(at(3, 20, 10)) == 0
    assert run_at(at(3, 23, 0)) == 1
    assert messages("session_today")[0].subject == "Baby massage today at 10am"


def test_a_reminder_the_job_missed_waits_for_the_same_day_one() -> None:
    enrolled()
    assert run_at(at(3, 15, 23)) == 0  # 11 hours before: too late for "in two days"
    assert run_at(at(3, 16, 0)) == 1
    assert [m.kind for m in Message.objects.filter(kind__startswith="session_")] == [
        "session_today"
    ]


def test_text_message_reminders_go_to_the_mobile() -> None:
    enrolled(channel=Carer.Channel.SMS)
    run_at(at(3, 14, 10))
    [message] = messages("session_reminder")
    assert message.channel == Channel.SMS and message.to_address == "07700 900123"
    assert "Tuesday 16 March at 10am" in message.body_text and len(message.body_text) <= 300


def test_phone_only_and_unconsenting_carers_get_no_reminders() -> None:
    enrolled(channel=Carer.Channel.PHONE)
    enrolled(consent=False)
    for moment in (at(3, 14, 10), at(3, 16, 0)):
        run_at(moment)
    assert Message.objects.count() == 0


def test_a_moved_session_cancels_the_queued_reminder_and_does_not_repeat_the_news() -> None:
    course = enrolled()
    run_at(at(3, 14, 10))
    [old] = messages("session_reminder")
    with time_machine.travel(at(3, 14, 12), tick=False):
        course_services.session_move(
            actor=course.manager, session=course.session(1), starts_at=at(3, 16, 14), reason="x"
        )
    old.refresh_from_db()
    assert old.status == MessageStatus.CANCELLED  # it named the old time
    assert len(messages("session_moved")) == 1
    assert run_at(at(3, 14, 14)) == 0  # the "moved" message already gave the new time
    assert run_at(at(3, 16, 0)) == 1
    [today] = messages("session_today")
    assert today.subject == "Baby massage today at 2pm"


def test_a_session_moved_long_before_still_gets_its_reminder() -> None:
    course = enrolled()
    with time_machine.travel(at(3, 10, 9), tick=False):
        course_services.session_move(
            actor=course.manager, session=course.session(2), starts_at=at(3, 24, 11), reason="x"
        )
    assert run_at(at(3, 22, 10, 59)) == 0
    assert run_at(at(3, 22, 11)) == 1
    reminder = Message.objects.get(kind="session_reminder")
    assert "Wednesday 24 March at 11am" in reminder.body_text


def test_a_cancelled_session_gets_no_reminders_and_loses_queued_ones() -> None:
    course = enrolled()
    run_at(at(3, 14, 10))
    with time_machine.travel(at(3, 14, 11), tick=False):
        course_services.session_cancel(actor=course.manager, session=course.session(1), reason="x")
    assert Message.objects.get(kind="session_reminder").status == MessageStatus.CANCELLED
    run_at(at(3, 16, 0))
    assert messages("session_today") == []


def test_a_withdrawn_family_gets_no_reminders() -> None:
    course = enrolled()
    with time_machine.travel(at(3, 10, 9), tick=False):
        places.withdraw_enrolment(actor=course.manager, enrolment=course.enrolment(), reason="x")
    run_at(at(3, 14, 10))
    run_at(at(3, 16, 0))
    assert Message.objects.filter(kind__startswith="session_").count() == 0


# --- offers about to expire -----------------------------------------------------------------


def test_an_offer_about_to_expire_is_reminded_once_in_its_last_day() -> None:
    course = make_course()  # offered Monday 1 March at 9am, held for 72 hours
    assert run_at(at(3, 3, 8, 59)) == 0
    assert run_at(at(3, 3, 9)) == 1
    [message] = messages("offer_expiring")
    assert message.urgent and message.send_after == at(3, 3, 9)
    assert message.subject == "Your baby massage place is held until Thursday 4 March at 9am"
    assert f"{SITE}/my-course/" in message.body_text
    assert run_at(at(3, 3, 9, 1)) == 0
    with time_machine.travel(at(3, 3, 10), tick=False):
        places.accept_offer(actor=None, offer=course.offer())
    assert run_at(at(3, 3, 12)) == 0
    assert len(messages("offer_expiring")) == 1


def test_an_answered_or_expired_offer_is_not_reminded() -> None:
    course = make_course()
    with time_machine.travel(SET_UP_AT + timedelta(hours=1), tick=False):
        places.decline_offer(actor=None, offer=course.offer(), stay_on_list=True)
    assert run_at(at(3, 3, 10)) == 0
    assert run_at(at(3, 4, 10)) == 0


def test_an_offer_expiring_reminder_waits_out_the_night_when_it_can() -> None:
    make_course(when=at(3, 1, 23, 30))  # held until Thursday 4 March at 11:30pm
    assert run_at(at(3, 3, 23, 30)) == 0
    assert run_at(at(3, 4, 7, 59)) == 0
    assert run_at(at(3, 4, 8)) == 1
    assert messages("offer_expiring")[0].send_after == at(3, 4, 8)


def test_an_offer_expiring_before_morning_is_reminded_at_night() -> None:
    make_course(when=at(3, 1, 19), hold_hours=13)  # held until Tuesday 2 March at 8am
    assert run_at(at(3, 2, 6, 59)) == 0  # made under 12 hours ago: its offer said when
    assert run_at(at(3, 2, 7)) == 1
    assert messages("offer_expiring")[0].send_after == at(3, 2, 7)


def test_a_fresh_short_offer_gets_no_expiry_reminder() -> None:
    make_course(hold_hours=12)
    for hour in range(9, 21):
        assert run_at(at(3, 1, hour)) == 0
