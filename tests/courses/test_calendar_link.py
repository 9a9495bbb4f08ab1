"""Each enrolment's calendar link: signed, revocable, no login, no names, and calendar apps
can tell a moved or cancelled session from a new one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from icalendar import Calendar

from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.audit.models import AuditEvent
from nurture.courses import calendar_links, services
from nurture.courses.models import Enrolment, Offer, Session
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


def enrol(world: World, family: str = "a1", run: Any = None) -> Enrolment:
    """A family of provider A takes a place on a run of provider A."""
    run = run or factories.make_run(
        world.provider_a, venue=world.venue_a, facilitators=[world.users["facilitator_a"]]
    )
    referral = factories.make_referral(world.families[family].babies.get())
    offer = Offer.objects.get(referral=referral, run=run)
    return places.accept_offer(actor=None, offer=offer)


def feed_path(enrolment: Enrolment) -> str:
    return urlsplit(calendar_links.calendar_url(enrolment)).path


def download(enrolment_or_path: Enrolment | str) -> list[Any]:
    path = enrolment_or_path if isinstance(enrolment_or_path, str) else feed_path(enrolment_or_path)
    response = Client().get(path)
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def by_uid(events: list[Any]) -> dict[str, Any]:
    return {str(event["UID"]): event for event in events}


def week(run: Any, number: int) -> Session:
    return Session.objects.get(run=run, number=number)


# --- The link ------------------------------------------------------------------------------------


def test_the_link_is_absolute_and_signed(world: World) -> None:
    enrolment = enrol(world)
    url = calendar_links.calendar_url(enrolment)
    assert url.startswith(f"{settings.NURTURE_SITE_URL}/calendar/") and url.endswith(".ics")
    token = url.removeprefix(f"{settings.NURTURE_SITE_URL}/calendar/").removesuffix(".ics")
    assert signing.Signer(salt="nurture.calendar").unsign(token) == str(enrolment.calendar_key)
    assert calendar_links.webcal_url(enrolment).startswith("webcal://")


def test_the_feed_needs_no_login_and_is_never_cached(world: World) -> None:
    enrolment = enrol(world)
    response = Client().get(feed_path(enrolment))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store"
    calendar = Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == 5
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT4H"  # calendar apps check back often


def test_the_feed_holds_no_names_or_clinical_detail(world: World) -> None:
    enrolment = enrol(world)
    body = Client().get(feed_path(enrolment)).content.decode()
    family = world.families["a1"]
    baby = family.babies.get()
    carer = family.carers.get()
    for private in (
        baby.given_name,
        carer.given_name,
        carer.family_name,
        carer.email,
        world.users["hv_a"].username,
        world.users["facilitator_a"].username,
        "first_time",  # the referral reason
        "Provider A",
    ):
        assert private not in body, private
    assert "Venue A" in body


def test_one_event_per_session_the_family_attends_with_stable_uids(world: World) -> None:
    enrolment = enrol(world)
    first, second = download(enrolment), download(enrolment)
    assert len(first) == 5
    assert len(by_uid(first)) == 5  # every UID is different
    assert set(by_uid(first)) == set(by_uid(second))
    assert all(int(event["SEQUENCE"]) == 0 for event in first)
    assert all(str(event["STATUS"]) == "CONFIRMED" for event in first)


def test_a_family_joining_late_gets_only_their_weeks(world: World) -> None:
    enrolment = enrol(world)
    Enrolment.objects.filter(pk=enrolment.pk).update(joined_at_session=3)
    events = download(enrolment)
    assert len(events) == 3
    assert {str(e["SUMMARY"]).split(",")[1].split(":")[0].strip() for e in events} == {
        "week 3",
        "week 4",
        "week 5",
    }


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(world: World) -> None:
    enrolment = enrol(world)
    before = by_uid(download(enrolment))
    session = week(enrolment.run, 2)
    services.session_move(
        actor=world.users["manager_a"],
        session=session,
        starts_at=session.starts_at + timedelta(hours=2),
        reason="Room needed in the morning",
    )
    after = by_uid(download(enrolment))
    assert set(after) == set(before)
    changed = [uid for uid in after if after[uid]["SEQUENCE"] != before[uid]["SEQUENCE"]]
    assert len(changed) == 1
    uid = changed[0]
    assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1
    assert after[uid]["DTSTART"].dt == before[uid]["DTSTART"].dt + timedelta(hours=2)


def test_a_cancelled_session_is_marked_cancelled_with_a_higher_sequence(world: World) -> None:
    enrolment = enrol(world)
    before = by_uid(download(enrolment))
    session = week(enrolment.run, 3)
    services.session_cancel(actor=world.users["manager_a"], session=session, reason="Venue closed")
    after = by_uid(download(enrolment))
    assert set(before) <= set(after)
    assert len(after) == 6  # the replacement week is added at the end
    cancelled = [uid for uid, event in after.items() if str(event["STATUS"]) == "CANCELLED"]
    assert len(cancelled) == 1
    uid = cancelled[0]
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])


# --- Links that do not work ----------------------------------------------------------------------


def test_a_tampered_or_guessed_token_is_a_404(world: World) -> None:
    enrolment = enrol(world)
    good = calendar_links.token_for(enrolment)
    value, signature = good.rsplit(":", 1)
    swapped = "A" if signature[0] != "A" else "B"
    attempts = [
        f"{value}:{swapped}{signature[1:]}",  # altered signature
        signing.dumps(str(enrolment.calendar_key), salt="another.salt"),  # wrong salt
        signing.dumps(str(enrolment.pk), salt="nurture.calendar") + "x",  # truncated/odd
        str(enrolment.calendar_key),  # the bare key, unsigned
        "not-a-token",
    ]
    client = Client()
    for token in attempts:
        assert client.get(f"/calendar/{token}.ics").status_code == 404, token
    # Signed but naming no enrolment (the enrolment's id, not its key): also a 404.
    other = signing.dumps(str(enrolment.pk), salt="nurture.calendar")
    assert client.get(f"/calendar/{other}.ics").status_code == 404


def test_a_revoked_link_stops_working(world: World) -> None:
    enrolment = enrol(world)
    old = feed_path(enrolment)
    calendar_links.revoke(actor=world.users["parent_a"], enrolment=enrolment)
    enrolment.refresh_from_db()
    assert Client().get(old).status_code == 404
    new = feed_path(enrolment)
    assert new != old
    assert len(download(new)) == 5
    event = AuditEvent.objects.get(action="enrolment.calendar_link_revoked")
    assert event.object_id == str(enrolment.pk)
    assert event.provider_id == world.provider_a.pk
    assert str(enrolment.calendar_key) not in str(event.data)


def test_a_withdrawn_family_loses_the_link(world: World) -> None:
    enrolment = enrol(world)
    path = feed_path(enrolment)
    places.withdraw_enrolment(
        actor=world.users["manager_a"], enrolment=enrolment, reason="Moved away"
    )
    assert Client().get(path).status_code == 404


def test_only_get_is_allowed_on_the_feed(world: World) -> None:
    enrolment = enrol(world)
    assert Client().post(feed_path(enrolment)).status_code == 405


# --- Pages ----------------------------------------------------------------------------------------


def test_the_family_sees_their_link_and_can_make_a_new_one(world: World) -> None:
    enrolment = enrol(world)
    client = client_for(world.users["parent_a"])
    page = client.get(f"/calendar/enrolments/{enrolment.pk}/")
    assert page.status_code == 200
    assert calendar_links.calendar_url(enrolment) in page.text
    assert "Make a new link" in page.text
    old_key = enrolment.calendar_key
    response = client.post(f"/calendar/enrolments/{enrolment.pk}/revoke/", follow=True)
    assert "Calendar link changed." in response.text
    enrolment.refresh_from_db()
    assert enrolment.calendar_key != old_key
    assert calendar_links.calendar_url(enrolment) in response.text


def test_the_revoke_page_returns_to_a_safe_next_only(world: World) -> None:
    enrolment = enrol(world)
    client = client_for(world.users["parent_a"])
    response = client.post(f"/calendar/enrolments/{enrolment.pk}/revoke/", {"next": "/my-course/"})
    assert response["Location"] == "/my-course/"
    response = client.post(
        f"/calendar/enrolments/{enrolment.pk}/revoke/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/calendar/enrolments/{enrolment.pk}/"


@pytest.mark.parametrize(
    ("who", "sees", "revokes"),
    [
        ("parent_a", 200, 302),
        ("parent_a2", 404, 404),
        ("parent_b", 404, 404),
        ("manager_a", 200, 302),
        ("hv_a", 200, 404),  # the family's own HV sees the link but does not manage the run
        ("hv_a2", 404, 404),  # another HV of the same provider: not their family
        ("facilitator_a", 200, 404),
        ("manager_b", 404, 404),
        ("admin", 200, 302),
    ],
)
def test_who_may_see_and_change_the_link(world: World, who: str, sees: int, revokes: int) -> None:
    enrolment = enrol(world)
    client = client_for(world.users[who])
    assert client.get(f"/calendar/enrolments/{enrolment.pk}/").status_code == sees
    before = enrolment.calendar_key
    assert client.post(f"/calendar/enrolments/{enrolment.pk}/revoke/").status_code == revokes
    enrolment.refresh_from_db()
    assert (enrolment.calendar_key != before) == (revokes == 302)


def test_a_facilitator_of_another_run_cannot_see_the_link(world: World) -> None:
    other = factories.make_staff(world.provider_a, Role.FACILITATOR, "other_fac")
    enrolment = enrol(world)
    assert client_for(other).get(f"/calendar/enrolments/{enrolment.pk}/").status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(world: World) -> None:
    enrolment = enrol(world)
    response = Client().get(f"/calendar/enrolments/{enrolment.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(f"/calendar/enrolments/{enrolment.pk}/revoke/").status_code == 302
