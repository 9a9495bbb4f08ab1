"""What each programme event puts in the outbox, to whom, when, and in what words."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from nurture.accounts.models import ProgrammeRules, Provider, User, Venue
from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.allocation import services as allocation_services
from nurture.courses import messages as events
from nurture.courses import registers
from nurture.courses import services as course_services
from nurture.courses.models import (
    AttendanceStatus,
    CourseRun,
    Enrolment,
    Offer,
    OfferKind,
    OfferStatus,
    Session,
)
from nurture.families import services as family_services
from nurture.families.models import Carer, Family
from nurture.notify import outbox
from nurture.notify.kinds import KINDS
from nurture.notify.models import Channel, Message, MessageStatus
from nurture.referrals import services as referral_services
from nurture.referrals.models import Reason, Referral
from tests import factories

pytestmark = pytest.mark.django_db

COURSE_KINDS = sorted(name for name, kind in KINDS.items() if kind.course)

LONDON = ZoneInfo("Europe/London")
SITE = "https://nurture.example.nhs.uk"
CLINICAL = "Postnatal depression screen: EPDS score 15"
STAFF_NOTE = "Facilitator off sick"
# The course starts on Tuesday 16 March 2027 at 10am (UK summer time begins on 28 March).
START = datetime(2027, 3, 16, 10, tzinfo=LONDON)
SET_UP_AT = datetime(2027, 3, 1, 9, tzinfo=LONDON)  # a Monday


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.NURTURE_SITE_URL = SITE
    settings.NOTIFY_QUIET_HOURS = (21, 8)
    settings.NOTIFY_REMINDER_DAYS_BEFORE = 2
    settings.NOTIFY_SAME_DAY_REMINDER = True


@dataclass
class Course:
    provider: Provider
    manager: User
    venue: Venue
    family: Family
    carer: Carer
    referral: Referral
    run: CourseRun

    def offer(self) -> Offer:
        return Offer.objects.get(referral=self.referral, run=self.run)

    def session(self, number: int) -> Session:
        return self.run.sessions.get(number=number)

    def enrolment(self) -> Enrolment:
        return Enrolment.objects.get(referral=self.referral, run=self.run)


def make_family(
    provider: Provider,
    *,
    carer: str = "Alex",
    baby: str = "Robin",
    channel: str = Carer.Channel.EMAIL,
    consent: bool = True,
) -> Family:
    from nurture.families.services import BabyDetails, CarerDetails

    born = SET_UP_AT.date() - timedelta(weeks=10)
    family, _ = family_services.family_create(
        actor=None,
        provider=provider,
        carer=CarerDetails(
            given_name=carer,
            family_name="Example",
            email=f"{carer.lower()}@example.org",
            mobile="07700 900123",
            preferred_channel=channel,
            consent_to_contact=consent,
        ),
        babies=[BabyDetails(given_name=baby, family_name="Example", date_of_birth=born)],
    )
    return family


def refer(family: Family) -> Referral:
    referral, _ = allocation_services.referral_create(
        actor=None,
        baby=family.babies.get(),
        details=referral_services.ReferralDetails(
            reasons=[Reason.LOW_MOOD, Reason.OTHER],
            reason_other=CLINICAL,
            consent_to_contact=True,
        ),
    )
    return referral


def make_course(
    *,
    channel: str = Carer.Channel.EMAIL,
    consent: bool = True,
    when: datetime = SET_UP_AT,
    hold_hours: int | None = None,
) -> Course:
    """At ``when``: one family referred and waiting, then a run whose free place is offered
    to them straight away (held for ``hold_hours``, by default the provider's 72)."""
    with time_machine.travel(when, tick=False):
        provider = factories.make_provider(f"Riverside {uuid.uuid4().hex[:6]}")
        if hold_hours is not None:
            ProgrammeRules.objects.create(provider=provider, offer_hold_hours=hold_hours)
        manager = factories.make_staff(provider, Role.SERVICE_MANAGER, f"boss{uuid.uuid4().hex}")
        venue = factories.make_venue(provider, "St Mary's Children's Centre")
        family = make_family(provider, channel=channel, consent=consent)
        referral = refer(family)
        run = allocation_services.run_create(
            actor=manager,
            provider=provider,
            template=factories.make_template(provider),
            venue=venue,
            first_session_at=START,
            facilitators=[],
        )
    return Course(provider, manager, venue, family, family.carers.get(), referral, run)


def accept(course: Course, when: datetime) -> Enrolment:
    with time_machine.travel(when, tick=False):
        return places.accept_offer(actor=None, offer=course.offer())


def enrolled(**kw: Any) -> Course:
    course = make_course(**kw)
    accept(course, SET_UP_AT + timedelta(hours=1))
    return course


def save_register(course: Course, number: int, status: str, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        registers.register_save(
            actor=course.manager,
            session=course.session(number),
            marks={course.enrolment().pk: registers.Mark(status)},
            save_id=uuid.uuid4(),
        )


def messages(kind: str) -> list[Message]:
    return list(Message.objects.filter(kind=kind).order_by("created_at"))


def every_word(message: Message) -> str:
    return "\n".join((message.subject, message.body_text, message.body_html))


# --- offers ---------------------------------------------------------------------------------


def test_an_offer_queues_an_email_with_the_hold_expiry_and_a_link() -> None:
    course = make_course()
    [message] = messages("offer_made")
    assert message.channel == Channel.EMAIL
    assert message.to_address == "alex@example.org"
    assert message.carer == course.carer and message.run == course.run
    assert message.family_id == course.family.pk
    assert message.provider_id == course.provider.pk
    # Not urgent: an offer made overnight by the periodic job waits for the morning.
    assert not message.urgent and message.send_after == SET_UP_AT
    assert message.status == MessageStatus.QUEUED
    assert message.subject == "A baby massage place for you and Robin"
    text = message.body_text
    assert "Hello Alex," in text
    assert "St Mary's Children's Centre" in text  # plain text is not HTML-escaped
    assert "It starts on Tuesday 16 March at 10am and runs for 5 weekly sessions." in text
    assert "holding the place for you until Thursday 4 March at 9am" in text  # 72-hour hold
    assert f"{SITE}/my-course/" in text
    assert "another family" in text
    assert "St Mary&#x27;s Children&#x27;s Centre" in message.body_html  # HTML is escaped
    assert f'href="{SITE}/my-course/"' in message.body_html
    assert "Example" not in every_word(message)  # first names only


def test_an_offer_to_all_says_the_first_to_say_yes_gets_it() -> None:
    course = make_course()
    Offer.objects.filter(referral=course.referral).update(status=OfferStatus.WITHDRAWN)
    with time_machine.travel(SET_UP_AT + timedelta(hours=1), tick=False):
        offer = Offer.objects.create(
            run=course.run,
            referral=course.referral,
            kind=OfferKind.OPEN_TO_ALL,
            expires_at=SET_UP_AT + timedelta(hours=25),
        )
        events.offer_made(offer)
    message = messages("offer_made")[-1]
    assert "the first to say yes gets it" in message.body_text
    assert "The offer ends on Tuesday 2 March at 10am." in message.body_text


def test_preferred_channel_decides_sms_email_or_nothing() -> None:
    make_course(channel=Carer.Channel.SMS)
    [sms] = messages("offer_made")
    assert sms.channel == Channel.SMS
    assert sms.to_address == "07700 900123"
    assert sms.subject == "" and sms.body_html == ""
    assert "Thursday 4 March at 9am" in sms.body_text
    assert f"{SITE}/my-course/" in sms.body_text
    assert len(sms.body_text) <= 300
    Message.objects.all().delete()

    make_course(channel=Carer.Channel.PHONE)  # staff ring: nothing automatic
    assert Message.objects.count() == 0


def test_a_carer_who_did_not_consent_gets_nothing_at_all() -> None:
    course = make_course(consent=False)
    accept(course, SET_UP_AT + timedelta(hours=1))
    with time_machine.travel(at(3, 10, 12), tick=False):
        course_services.session_move(
            actor=course.manager, session=course.session(2), starts_at=at(3, 24, 11), reason="x"
        )
        course_services.session_cancel(actor=course.manager, session=course.session(3), reason="x")
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 12))
    from nurture.courses.reminders import queue_reminders

    for moment in (at(3, 3, 10), at(3, 14, 10), at(3, 16, 0, 5)):
        with time_machine.travel(moment, tick=False):
            queue_reminders()
    assert Message.objects.count() == 0


def test_the_same_offer_never_queues_twice() -> None:
    course = make_course()
    assert events.offer_made(course.offer()) == []
    assert len(messages("offer_made")) == 1


# --- enrolment ------------------------------------------------------------------------------


def test_accepting_confirms_every_date_with_a_calendar_invitation() -> None:
    course = enrolled()
    [message] = messages("enrolment_confirmed")
    assert not message.urgent and message.send_after == SET_UP_AT + timedelta(hours=1)
    assert message.subject == "Your baby massage place is booked"
    text = message.body_text
    dates = [
        "Tuesday 16 March at 10am",
        "Tuesday 23 March at 10am",
        "Tuesday 30 March at 10am",  # summer time: still 10am locally
        "Tuesday 6 April at 10am",
        "Tuesday 13 April at 10am",
    ]
    assert [line[2:] for line in text.splitlines() if line.startswith("- ")] == dates
    assert course.run.template.what_to_bring in text
    assert "reply to your health visitor or open Nurture" in text
    assert "The calendar file attached adds every session" in text
    assert message.attachment_name == "baby-massage-course.ics"
    calendar = Calendar.from_ical(bytes(message.attachment))
    assert calendar["METHOD"] == "REQUEST"
    events = calendar.walk("VEVENT")
    assert len(events) == 5
    assert all(str(e["UID"]).endswith("@nurture.example.nhs.uk") for e in events)
    assert events[2].decoded("DTSTART") == at(3, 30, 10)


def test_an_sms_confirmation_has_no_attachment_and_fits_a_text() -> None:
    enrolled(channel=Carer.Channel.SMS)
    [message] = messages("enrolment_confirmed")
    assert message.channel == Channel.SMS
    assert message.attachment_name == "" and bytes(message.attachment) == b""
    assert "Tuesday 16 March at 10am" in message.body_text
    assert len(message.body_text) <= 300


# --- session changes ------------------------------------------------------------------------


def test_a_moved_session_tells_each_family_due_at_it_the_new_time() -> None:
    course = enrolled()
    with time_machine.travel(at(3, 17, 9), tick=False):
        late = make_family(course.provider, carer="Bea", baby="Kit")
        refer(late)
        offer = Offer.objects.get(referral__family=late)
        places.accept_offer(actor=None, offer=offer)  # joins at week 2
    with time_machine.travel(at(3, 18, 15), tick=False):
        course_services.session_move(
            actor=course.manager,
            session=course.session(2),
            starts_at=at(3, 24, 11),
            reason=STAFF_NOTE,
        )
    moved = messages("session_moved")
    assert {m.to_address for m in moved} == {"alex@example.org", "bea@example.org"}
    for message in moved:
        assert message.urgent and message.send_after == at(3, 18, 15)
        assert "Wednesday 24 March at 11am" in message.subject
        assert "It is now on Wednesday 24 March at 11am" in message.body_text
        assert STAFF_NOTE not in every_word(message)
    with time_machine.travel(at(3, 18, 16), tick=False):
        course_services.session_move(
            actor=course.manager, session=course.session(2), starts_at=at(3, 24, 14), reason="x"
        )
    assert len(messages("session_moved")) == 4  # a second move is news again


def test_a_family_that_joined_later_hears_nothing_about_weeks_before_it() -> None:
    course = enrolled()
    with time_machine.travel(at(3, 10, 9), tick=False):
        course_services.session_move(
            actor=course.manager, session=course.session(1), starts_at=at(3, 16, 11), reason="x"
        )
    assert len(messages("session_moved")) == 1
    Enrolment.objects.filter(pk=course.enrolment().pk).update(joined_at_session=2)
    with time_machine.travel(at(3, 10, 10), tick=False):
        course_services.session_move(
            actor=course.manager, session=course.session(1), starts_at=at(3, 16, 12), reason="x"
        )
    assert len(messages("session_moved")) == 1


def test_a_cancelled_session_says_when_the_replacement_week_is() -> None:
    course = enrolled()
    with time_machine.travel(at(3, 20, 22, 30), tick=False):  # urgent: no quiet hours
        course_services.session_cancel(
            actor=course.manager, session=course.session(3), reason=STAFF_NOTE
        )
    [message] = messages("session_cancelled")
    assert message.urgent and message.send_after == at(3, 20, 22, 30)
    assert message.subject == "Baby massage on Tuesday 30 March at 10am is cancelled"
    assert (
        "replacement week at the end of the course: Tuesday 20 April at 10am" in message.body_text
    )
    assert STAFF_NOTE not in every_word(message)


def test_a_cancelled_session_without_a_replacement_says_so() -> None:
    course = enrolled(channel=Carer.Channel.SMS)
    with time_machine.travel(at(3, 20, 12), tick=False):
        course_services.session_cancel(
            actor=course.manager, session=course.session(3), reason="x", add_replacement=False
        )
    [message] = messages("session_cancelled")
    assert "cancelled" in message.body_text
    assert "The other weeks go ahead as planned." in message.body_text
    assert "replacement" not in message.body_text
    assert len(message.body_text) <= 300


def test_a_withdrawn_family_hears_nothing_about_session_changes() -> None:
    course = enrolled()
    with time_machine.travel(at(3, 10, 9), tick=False):
        places.withdraw_enrolment(
            actor=course.manager, enrolment=course.enrolment(), reason="Moved"
        )
        course_services.session_cancel(actor=course.manager, session=course.session(2), reason="x")
    assert messages("session_cancelled") == []


# --- registers ------------------------------------------------------------------------------


def test_did_not_attend_gets_one_kind_note_with_the_next_date() -> None:
    course = enrolled()
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 12))
    [message] = messages("missed_session")
    assert not message.urgent and message.send_after == at(3, 16, 12)
    assert message.subject == "Sorry we missed you at baby massage"
    assert "We missed you and Robin at baby massage on Tuesday 16 March." in message.body_text
    assert "The next session is on Tuesday 23 March at 10am" in message.body_text
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 13))  # saved again
    assert len(messages("missed_session")) == 1


def test_present_late_and_absent_get_no_missed_note() -> None:
    course = enrolled()
    for status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT):
        save_register(course, 1, status, at(3, 16, 12))
    assert messages("missed_session") == []


def test_correcting_a_register_calls_off_a_note_not_yet_sent() -> None:
    course = enrolled()
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 22, 30))
    [message] = messages("missed_session")
    assert message.send_after == at(3, 17, 8)  # quiet hours hold it until the morning
    save_register(course, 1, AttendanceStatus.PRESENT, at(3, 16, 22, 45))
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED


def test_a_register_filled_in_days_later_sends_no_missed_note() -> None:
    course = enrolled()
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 20, 12))
    assert messages("missed_session") == []


def test_quiet_hours_hold_non_urgent_messages_but_not_urgent_ones() -> None:
    course = enrolled()
    late = at(3, 16, 22, 30)
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, late)
    with time_machine.travel(late, tick=False):
        course_services.session_cancel(actor=course.manager, session=course.session(2), reason="x")
    [missed] = messages("missed_session")
    [cancelled] = messages("session_cancelled")
    assert missed.send_after == at(3, 17, 8)
    assert cancelled.send_after == late
    assert missed.next_attempt_at == cancelled.next_attempt_at == late
    # Early morning waits until 08:00 the same day; daytime goes straight away.
    assert outbox.send_after(at(3, 17, 6), urgent=False) == at(3, 17, 8)
    assert outbox.send_after(at(3, 17, 8), urgent=False) == at(3, 17, 8)
    assert outbox.send_after(at(3, 17, 20, 59), urgent=False) == at(3, 17, 20, 59)


# --- wording --------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Carer.Channel.EMAIL, Carer.Channel.SMS])
def test_no_message_carries_clinical_detail_or_staff_notes(channel: str) -> None:
    from nurture.courses.reminders import queue_reminders

    course = make_course(channel=channel)
    with time_machine.travel(at(3, 3, 10), tick=False):
        queue_reminders()  # offer about to expire
    accept(course, at(3, 3, 11))
    for moment in (at(3, 14, 10), at(3, 16, 0, 5)):
        with time_machine.travel(moment, tick=False):
            queue_reminders()
    save_register(course, 1, AttendanceStatus.DID_NOT_ATTEND, at(3, 16, 12))
    with time_machine.travel(at(3, 17, 9), tick=False):
        course_services.session_move(
            actor=course.manager,
            session=course.session(2),
            starts_at=at(3, 24, 11),
            reason=STAFF_NOTE,
        )
        course_services.session_cancel(
            actor=course.manager, session=course.session(3), reason=STAFF_NOTE
        )
    sent = list(Message.objects.all())
    assert {m.kind for m in sent} == set(COURSE_KINDS), channel
    for message in sent:
        words = every_word(message)
        for banned in (CLINICAL, STAFF_NOTE, "depression", "mood", "EPDS", "score"):
            assert banned.lower() not in words.lower(), (message.kind, banned)
        for reason in Reason:
            assert reason.label.lower() not in words.lower(), (message.kind, reason)
        assert "Example" not in words  # no family names
        if message.channel == Channel.SMS:
            assert len(message.body_text) <= 300, (message.kind, len(message.body_text))


LONG_CONTEXT = {
    "carer": Carer(given_name="Alexandra"),
    "site_url": "https://nurture.example.nhs.uk",
    "venue": "St Mary's Children's Centre and Family Hub",
    "address": "1 High Street, Riverton, RT1 1AA",
    "what_to_bring": "A towel or soft blanket, a change of nappy, and your baby's usual feed.",
    "baby": "Florence",
    "starts": "Wednesday 24 November at 10:30am",
    "weeks": 5,
    "expires": "Saturday 27 November at 10:30am",
    "first_to_accept": True,
    "dates": ["Wednesday 24 November at 10:30am", "Wednesday 1 December at 10:30am"],
    "week": 3,
    "day": "Wednesday 24 November",
    "time": "10:30am",
    "was": "Wednesday 24 November at 10:30am",
    "replacement": "Wednesday 22 December at 10:30am",
    "missed": "Wednesday 24 November",
    "next": "Wednesday 1 December at 10:30am",
}


@pytest.mark.parametrize("kind", COURSE_KINDS)
def test_every_course_kind_renders_cleanly_on_both_channels(kind: str) -> None:
    subject, text, html = outbox.render(kind, Channel.EMAIL, LONG_CONTEXT)
    assert subject and "\n" not in subject and len(subject) <= 200
    assert text.startswith("Hello Alexandra,")
    assert "{" not in text + html and "None" not in text + html
    assert "&#x27;" not in text and "&amp;" not in text  # plain text is not escaped
    assert "St Mary&#x27;s" in html and "<title>" in html and "Hello Alexandra," in html
    assert f"{LONG_CONTEXT['site_url']}/my-course/" in text and "/my-course/" in html
    assert not re.search(r"\n\n\n", text), text  # no stray blank lines
    _, sms, sms_html = outbox.render(kind, Channel.SMS, LONG_CONTEXT)
    assert sms_html == "" and "\n" not in sms and "  " not in sms
    assert "St Mary's" in sms
    assert len(sms) <= 306, (kind, len(sms), sms)  # two text-message parts at most


def test_quiet_hours_for_every_shape_of_window(settings: Any) -> None:
    from nurture.notify.outbox import send_after

    noon = datetime(2027, 3, 1, 12, tzinfo=LONDON)
    late = datetime(2027, 3, 1, 22, 30, tzinfo=LONDON)
    early = datetime(2027, 3, 1, 6, tzinfo=LONDON)
    settings.NOTIFY_QUIET_HOURS = (21, 8)
    assert send_after(noon, urgent=False) == noon
    assert send_after(late, urgent=False) == datetime(2027, 3, 2, 8, tzinfo=LONDON)
    assert send_after(early, urgent=False) == datetime(2027, 3, 1, 8, tzinfo=LONDON)
    assert send_after(late, urgent=True) == late
    settings.NOTIFY_QUIET_HOURS = (0, 7)
    assert send_after(noon, urgent=False) == noon
    assert send_after(early, urgent=False) == datetime(2027, 3, 1, 7, tzinfo=LONDON)
    settings.NOTIFY_QUIET_HOURS = (8, 8)
    assert send_after(late, urgent=False) == late
