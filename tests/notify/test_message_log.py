"""The staff message log, per family and per run, and sending a message again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from nurture.accounts import services as account_services
from nurture.accounts.roles import Role
from nurture.audit.models import AuditEvent
from nurture.courses.models import CourseRun, Enrolment
from nurture.families.models import Carer, Family
from nurture.notify.models import Channel, Message, MessageStatus
from tests import factories
from tests.conftest import World, client_for
from tests.courses.test_calendar_link import enrol

pytestmark = pytest.mark.django_db


def make_message(
    family: Family | None,
    *,
    run: CourseRun | None = None,
    status: str = MessageStatus.SENT,
    kind: str = "session_reminder",
    **extra: Any,
) -> Message:
    now = timezone.now()
    carer = family.carers.first() if family else None
    return Message.objects.create(
        provider_id=family.provider_id if family else (run.provider_id if run else None),
        family=family,
        run=run,
        carer=carer,
        channel=extra.pop("channel", Channel.EMAIL),
        to_address=extra.pop("to_address", carer.email if carer else "staff@example.org"),
        kind=kind,
        subject="Your session on Tuesday",
        body_text="See you on Tuesday at Venue A.",
        body_html="<p>See you on Tuesday at Venue A.</p>",
        status=status,
        attempts=extra.pop("attempts", 1),
        send_after=now,
        next_attempt_at=now,
        sent_at=now if status == MessageStatus.SENT else None,
        dedupe_key=extra.pop("dedupe_key", None),
        **extra,
    )


@pytest.fixture
def enrolment(world: World) -> Enrolment:
    return enrol(world)


def family_url(family: Family) -> str:
    return f"/messages/family/{family.pk}/"


def run_url(run: CourseRun) -> str:
    return f"/messages/run/{run.pk}/"


def again_url(message: Message) -> str:
    return f"/messages/{message.pk}/send-again/"


# --- The family log ------------------------------------------------------------------------------


def test_the_family_log_lists_each_message(world: World, enrolment: Enrolment) -> None:
    family = world.families["a1"]
    make_message(family, run=enrolment.run, kind="enrolment_confirmed", attempts=1)
    make_message(
        family,
        run=enrolment.run,
        status=MessageStatus.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )
    page = client_for(world.users["hv_a"]).get(family_url(family))
    assert page.status_code == 200
    text = page.text
    for shown in (
        "Place confirmed",
        "Session reminder",
        "Email",
        "alex@example.org",
        "Sent",
        "Failed",
        "SMTPRecipientsRefused: mailbox unavailable",
        "Venue A",
        "Send again",
    ):
        assert shown in text, shown


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("manager_a", 200),
        ("hv_a", 200),
        ("facilitator_a", 200),  # the family is on their run
        ("hv_a2", 404),  # not their family
        ("manager_b", 404),
        ("hv_b", 404),
        ("parent_a", 404),  # parents never see the log, not even their own
        ("parent_a2", 404),
    ],
)
def test_who_sees_the_family_log(world: World, enrolment: Enrolment, who: str, status: int) -> None:
    make_message(world.families["a1"], run=enrolment.run)
    assert client_for(world.users[who]).get(family_url(world.families["a1"])).status_code == status


def test_a_facilitator_sees_no_family_outside_their_runs(world: World) -> None:
    make_message(world.families["a2"])
    client = client_for(world.users["facilitator_a"])
    assert client.get(family_url(world.families["a2"])).status_code == 404


def test_a_parent_who_is_also_staff_elsewhere_does_not_see_their_own_log(world: World) -> None:
    parent = world.users["parent_b"]
    account_services.membership_grant(
        actor=None, user=parent, provider=world.provider_a, role=Role.HEALTH_VISITOR
    )
    make_message(world.families["b1"])
    assert client_for(parent).get(family_url(world.families["b1"])).status_code == 404


def test_the_log_pages_and_says_when_empty(world: World) -> None:
    family = world.families["a1"]
    client = client_for(world.users["manager_a"])
    assert "No messages have been sent to this family." in client.get(family_url(family)).text
    for _ in range(55):
        make_message(family)
    first = client.get(family_url(family)).text
    assert "Page 1 of 2" in first
    assert first.count("Send again<span") == 50
    second = client.get(family_url(family) + "?page=2").text
    assert second.count("Send again<span") == 5


# --- The run log ---------------------------------------------------------------------------------


def test_the_run_log_shows_only_families_each_person_looks_after(world: World) -> None:
    first = enrol(world, "a1")
    enrol(world, "a2", run=first.run)
    make_message(world.families["a1"], run=first.run, to_address="one@example.org")
    make_message(world.families["a2"], run=first.run, to_address="two@example.org")
    make_message(None, run=first.run, to_address="staff@example.org", user=world.users["hv_a"])
    manager = client_for(world.users["manager_a"]).get(run_url(first.run)).text
    assert all(a in manager for a in ("one@", "two@", "staff@"))
    facilitator = client_for(world.users["facilitator_a"]).get(run_url(first.run)).text
    assert "one@" in facilitator and "two@" in facilitator and "staff@" not in facilitator
    hv = client_for(world.users["hv_a"]).get(run_url(first.run)).text
    assert "one@" in hv and "two@" not in hv and "staff@" not in hv


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 200),
        ("hv_a", 200),
        ("facilitator_a", 200),
        ("manager_b", 404),
        ("hv_b", 404),
        ("parent_a", 404),
        ("parent_b", 404),
    ],
)
def test_who_sees_the_run_log(world: World, enrolment: Enrolment, who: str, status: int) -> None:
    assert client_for(world.users[who]).get(run_url(enrolment.run)).status_code == status


def test_a_facilitator_sees_only_their_own_runs(world: World, enrolment: Enrolment) -> None:
    other_run = factories.make_run(world.provider_a, venue=world.venue_a)
    client = client_for(world.users["facilitator_a"])
    assert client.get(run_url(enrolment.run)).status_code == 200
    assert client.get(run_url(other_run)).status_code == 404


# --- Send again -----------------------------------------------------------------------------------


def test_send_again_queues_a_copy_and_audits_it(world: World, enrolment: Enrolment) -> None:
    family = world.families["a1"]
    original = make_message(
        family,
        run=enrolment.run,
        status=MessageStatus.FAILED,
        attempts=5,
        last_error="Timeout",
        dedupe_key="session_reminder:1:2:email",
        attachment_name="course.ics",
        attachment=b"BEGIN:VCALENDAR",
    )
    client = client_for(world.users["hv_a"])
    response = client.post(again_url(original), {"next": family_url(family)}, follow=True)
    assert "Message queued to send again." in response.text
    copy = Message.objects.get(resend_of=original)
    assert copy.status == MessageStatus.QUEUED
    assert copy.attempts == 0
    assert copy.dedupe_key is None
    assert copy.last_error == "" and copy.sent_at is None
    for name in ("family_id", "run_id", "carer_id", "channel", "to_address", "kind", "subject"):
        assert getattr(copy, name) == getattr(original, name), name
    assert copy.body_text == original.body_text and copy.body_html == original.body_html
    assert bytes(copy.attachment) == b"BEGIN:VCALENDAR"
    original.refresh_from_db()
    assert original.status == MessageStatus.FAILED and original.attempts == 5
    event = AuditEvent.objects.get(action="message.resent")
    assert event.object_id == str(copy.pk)
    assert event.data["resend_of"] == str(original.pk)
    assert "alex@example.org" not in str(event.data)
    assert "a copy of an earlier message" in response.text


def test_the_copy_is_sent_once_the_change_commits(
    world: World, enrolment: Enrolment, django_capture_on_commit_callbacks: Any
) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    noon = timezone.localtime().replace(hour=12, minute=0) + timedelta(days=1)
    with time_machine.travel(noon, tick=False), django_capture_on_commit_callbacks(execute=True):
        client_for(world.users["manager_a"]).post(again_url(original))
    copy = Message.objects.get(resend_of=original)
    assert copy.status == MessageStatus.SENT
    assert [m.to for m in mail.outbox] == [["alex@example.org"]]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 302),
        ("hv_a", 302),  # the family's named health visitor may change their details
        ("admin", 302),
        ("facilitator_a", 404),  # sees the log, may not send again
        ("hv_a2", 404),
        ("manager_b", 404),
        ("parent_a", 404),
    ],
)
def test_who_may_send_again(world: World, enrolment: Enrolment, who: str, status: int) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    assert client_for(world.users[who]).post(again_url(original)).status_code == status
    assert Message.objects.filter(resend_of=original).exists() == (status == 302)


def test_facilitators_see_no_send_again_button(world: World, enrolment: Enrolment) -> None:
    message = make_message(world.families["a1"], run=enrolment.run)
    page = client_for(world.users["facilitator_a"]).get(family_url(world.families["a1"])).text
    assert "Session reminder" in page and again_url(message) not in page
    assert "Send again" not in page


def test_send_again_needs_a_post(world: World, enrolment: Enrolment) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    assert client_for(world.users["manager_a"]).get(again_url(original)).status_code == 405


@pytest.mark.parametrize("status", [MessageStatus.QUEUED, MessageStatus.SENDING])
def test_a_message_on_its_way_is_not_sent_twice(
    world: World, enrolment: Enrolment, status: str
) -> None:
    original = make_message(world.families["a1"], run=enrolment.run, status=status)
    client = client_for(world.users["manager_a"])
    assert again_url(original) not in client.get(family_url(world.families["a1"])).text
    response = client.post(again_url(original), follow=True)
    assert "still on its way" in response.text
    assert not Message.objects.filter(resend_of=original).exists()


def test_no_copy_for_a_carer_who_no_longer_agrees(world: World, enrolment: Enrolment) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    Carer.objects.filter(family=world.families["a1"]).update(consent_to_contact=False)
    response = client_for(world.users["manager_a"]).post(again_url(original), follow=True)
    assert "no longer agrees" in response.text
    assert not Message.objects.filter(resend_of=original).exists()


def test_a_double_click_queues_one_copy(world: World, enrolment: Enrolment) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    client = client_for(world.users["manager_a"])
    client.post(again_url(original))
    response = client.post(again_url(original), follow=True)
    assert "already on its way" in response.text
    assert Message.objects.filter(resend_of=original).count() == 1


def test_send_again_returns_only_to_our_own_pages(world: World, enrolment: Enrolment) -> None:
    original = make_message(world.families["a1"], run=enrolment.run)
    client = client_for(world.users["manager_a"])
    response = client.post(again_url(original), {"next": "https://evil.example/"})
    assert response["Location"] == family_url(world.families["a1"])
    response = client.post(again_url(original), {"next": run_url(enrolment.run)})
    assert response["Location"] == run_url(enrolment.run)


# --- Bounded queries and the policy ------------------------------------------------------------


def _url_for(kind: str, world: World, enrolment: Enrolment) -> str:
    return family_url(world.families["a1"]) if kind == "family" else run_url(enrolment.run)


@pytest.mark.parametrize("kind", ["family", "run"])
@pytest.mark.parametrize("who", ["manager_a", "hv_a", "facilitator_a"])
def test_queries_stay_bounded_however_many_messages(
    world: World, enrolment: Enrolment, kind: str, who: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.users[who])
    url = _url_for(kind, world, enrolment)
    make_message(world.families["a1"], run=enrolment.run)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(few) <= 12
    for _ in range(29):
        make_message(world.families["a1"], run=enrolment.run, status=MessageStatus.FAILED)
    make_message(None, run=enrolment.run)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("Session reminder") >= 30


def test_every_message_view_goes_through_the_policy() -> None:
    """Deny by default: each view mounted from nurture.notify carries a policy decorator."""

    def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), pattern.callback))
        return found

    ours = [
        (route, view)
        for route, view in walk(get_resolver().url_patterns)
        if view.__module__.startswith("nurture.notify")
    ]
    assert {route for route, _ in ours} >= {
        "calendar/<str:token>.ics",
        "calendar/enrolments/<uuid:enrolment_id>/",
        "calendar/enrolments/<uuid:enrolment_id>/revoke/",
        "messages/family/<uuid:family_id>/",
        "messages/run/<uuid:run_id>/",
        "messages/<uuid:message_id>/send-again/",
    }
    assert [route for route, view in ours if not getattr(view, "policy_checked", False)] == []
