"""The whole programme in a real browser: a health visitor refers a baby, the family is
offered a place, the parent accepts, the facilitator keeps the register, and the family
completes the course."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, expect

from nurture.accounts import services as account_services
from nurture.accounts.models import Provider, User
from nurture.allocation import services as allocation_services
from nurture.courses import registers
from nurture.courses.models import AttendanceStatus, Enrolment, EnrolmentStatus
from nurture.families import services as family_services
from nurture.referrals.models import Referral, Status
from tests.browser.conftest import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def _weekday_in(days: int) -> Any:
    from datetime import datetime

    from nurture.courses.schedule import is_bank_holiday

    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5 or is_bank_holiday(day, "england"):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone())


def test_refer_offer_accept_register_complete(browser: Browser, live_server: Any) -> None:
    riverside = Provider.objects.get(name="Riverside Community Nursery Team")
    manager = User.objects.get(username="manager")
    hv = User.objects.get(username="hv")
    facilitator = User.objects.get(username="facilitator")
    run = allocation_services.run_create(
        actor=manager,
        provider=riverside,
        template=riverside.templates.get(),
        venue=riverside.venues.get(name="Hillview Family Hub"),
        first_session_at=_weekday_in(3),
        facilitators=[facilitator],
        capacity=2,
    )
    family, _ = family_services.family_create(
        actor=hv,
        provider=riverside,
        carer=family_services.CarerDetails(
            given_name="Bethan", family_name="Rees", email="bethan@example.com"
        ),
        babies=[
            family_services.BabyDetails(
                given_name="Cerys", date_of_birth=timezone.localdate() - timedelta(weeks=9)
            )
        ],
    )
    parent = account_services.user_create(
        actor=None, username="bethan", password="a-long-journey-passphrase"
    )
    family_services.carer_link_login(actor=None, carer=family.carers.get(), user=parent)

    def new_page() -> Any:
        context = browser.new_context(viewport=PHONE, base_url=live_server.url)
        return context.new_page()

    # 1. The health visitor refers Cerys; a free place is offered straight away.
    page = new_page()
    log_in(page, "hv")
    page.goto(f"/families/{family.pk}/")
    page.get_by_role("link", name="Refer for a course").click()
    page.get_by_label("Unsettled baby, colic or wind").check()
    page.get_by_label("First-time parent").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("status")).to_contain_text("A place has been offered")
    referral = Referral.objects.get(baby__given_name="Cerys")
    assert referral.status == Status.OFFERED

    # 2. The parent sees the offer on their home page and accepts it.
    page = new_page()
    log_in(page, "bethan", "a-long-journey-passphrase")
    expect(page.get_by_role("main")).to_contain_text("A course place is waiting for you")
    page.get_by_role("link", name="See the place and reply").click()
    expect(page.get_by_role("main")).to_contain_text("Hillview Family Hub")
    page.get_by_role("button", name="Yes, we would love the place").click()
    expect(page.get_by_role("status")).to_contain_text("Place accepted")
    enrolment = Enrolment.objects.get(referral=referral, run=run)

    # 3. Five weeks on: weeks 1-4 are recorded, and the facilitator keeps week 5's register.
    sessions = list(run.sessions.order_by("number"))
    for session in sessions[:4]:
        registers.register_save(
            actor=facilitator,
            session=session,
            marks={enrolment.pk: registers.Mark(status=AttendanceStatus.PRESENT)},
            save_id=uuid.uuid4(),
            now=session.starts_at + timedelta(hours=1),
        )
    with time_machine.travel(sessions[4].starts_at + timedelta(hours=1), tick=True):
        page = new_page()
        log_in(page, "facilitator")
        page.goto(f"/courses/{run.pk}/")
        page.get_by_role("link", name="Register for week 5").click()
        expect(page.get_by_role("main")).to_contain_text("Cerys")
        page.get_by_role("button", name="Mark everyone present").first.click()
        expect(page.get_by_role("status")).to_contain_text("Register saved for week 5")

        enrolment.refresh_from_db()
        referral.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.COMPLETED
        assert referral.status == Status.COMPLETED

        # 4. The parent sees the course as completed.
        page = new_page()
        log_in(page, "bethan", "a-long-journey-passphrase")
        page.goto("/my-course/")
        expect(page.get_by_role("main")).to_contain_text("Completed")
