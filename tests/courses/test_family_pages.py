"""The family's side: see the offer, accept or decline it, course dates and a calendar file."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from nurture.courses.models import Offer, OfferStatus
from nurture.referrals.models import Status
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(world: World) -> Offer:
    run = factories.make_run(world.provider_a, venue=world.venue_a)
    referral = factories.make_referral(world.families["a1"].babies.get())
    return Offer.objects.get(referral=referral, run=run)


def test_parent_sees_the_offer_on_home_and_course_page(world: World, offered: Offer) -> None:
    client = client_for(world.users["parent_a"])
    assert "A course place is waiting for you" in client.get("/").text
    page = client.get("/my-course/").text
    assert "Venue A" in page and "Week 5" in page and "What to bring" in page
    assert "Yes, we would love the place" in page


def test_parent_accepts_and_gets_the_dates_and_calendar(world: World, offered: Offer) -> None:
    client = client_for(world.users["parent_a"])
    response = client.post(f"/my-course/offers/{offered.pk}/accept/", follow=True)
    assert "Place accepted." in response.text
    assert "Add all dates to your calendar" in response.text
    offered.refresh_from_db()
    assert offered.status == OfferStatus.ACCEPTED
    ics = client.get("/my-course/calendar.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == 5
    assert "Venue A" in str(events[0]["LOCATION"])


@pytest.mark.parametrize(("choice", "status"), [("yes", Status.WAITING), ("no", Status.DECLINED)])
def test_parent_declines(world: World, offered: Offer, choice: str, status: str) -> None:
    client = client_for(world.users["parent_a"])
    assert client.get(f"/my-course/offers/{offered.pk}/decline/").status_code == 200
    response = client.post(
        f"/my-course/offers/{offered.pk}/decline/", {"stay_on_list": choice}, follow=True
    )
    assert "Thank you for letting us know." in response.text
    offered.referral.refresh_from_db()
    assert offered.referral.status == status


def test_another_family_cannot_see_or_answer_the_offer(world: World, offered: Offer) -> None:
    client = client_for(world.users["parent_a2"])
    assert "Venue A" not in client.get("/my-course/").text
    assert client.post(f"/my-course/offers/{offered.pk}/accept/").status_code == 404
    assert client.get(f"/my-course/offers/{offered.pk}/decline/").status_code == 404
    offered.refresh_from_db()
    assert offered.status == OfferStatus.PENDING


def test_staff_have_no_family_course_page(world: World) -> None:
    assert client_for(world.users["hv_a"]).get("/my-course/").status_code == 404


def test_accepting_twice_says_so_kindly(world: World, offered: Offer) -> None:
    client = client_for(world.users["parent_a"])
    client.post(f"/my-course/offers/{offered.pk}/accept/")
    response = client.post(f"/my-course/offers/{offered.pk}/accept/", follow=True)
    assert "no longer open" in response.text
