"""Staff course pages: who sees what, the manager's flows, and the register."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from nurture.accounts.models import User
from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.courses import registers, schedule
from nurture.courses.models import (
    Attendance,
    CourseRun,
    CourseTemplate,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferKind,
    OfferStatus,
    RegisterSave,
    RunStatus,
    Session,
    SessionStatus,
)
from nurture.referrals.models import Referral, Status
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db


# --- Helpers ----------------------------------------------------------------------------------


def make_run(world: World, **kw: Any) -> CourseRun:
    kw.setdefault("facilitators", [world.users["facilitator_a"]])
    return factories.make_run(world.provider_a, venue=world.venue_a, **kw)


def refer(world: World, name: str, *, hv: str = "hv_a", weeks_old: int = 10) -> Referral:
    family = factories.make_family(
        world.provider_a,
        health_visitor=world.users[hv],
        carer_name=f"Carer{name}",
        babies=[(name, timezone.localdate() - timedelta(weeks=weeks_old), None)],
    )
    return factories.make_referral(family.babies.get(), actor=world.users[hv])


def enrol(world: World, run: CourseRun, count: int, *, hv: str = "hv_a") -> list[Enrolment]:
    """Refer ``count`` babies; each is offered a place on ``run`` and accepts it."""
    enrolments = []
    for number in range(count):
        referral = refer(world, f"Baby{number:02d}{hv}", hv=hv)
        offer = Offer.objects.get(run=run, referral=referral, status=OfferStatus.PENDING)
        enrolments.append(places.accept_offer(actor=None, offer=offer))
    return enrolments


def back_on_the_list(run: CourseRun, referral: Referral) -> None:
    """Staff take back an automatic offer: the family waits again, the place is free."""
    offer = Offer.objects.get(run=run, referral=referral, status=OfferStatus.PENDING)
    places.close_offer(offer, OfferStatus.WITHDRAWN, actor=None, now=timezone.now())


def session(run: CourseRun, number: int) -> Session:
    return Session.objects.get(run=run, number=number)


def after(moment: datetime, **delta: float) -> Any:
    return time_machine.travel(moment + timedelta(**delta), tick=False)


def marks_data(
    marks: dict[Enrolment, tuple[str, str, bool]], save_id: Any = None, **extra: str
) -> dict[str, str]:
    data = {"save_id": str(save_id or uuid.uuid4()), **extra}
    for enrolment, (status, note, checked) in marks.items():
        prefix = f"m{enrolment.pk.hex}_"
        data[prefix + "status"] = status
        data[prefix + "note"] = note
        if checked:
            data[prefix + "checked"] = "on"
    return data


def next_bank_holiday(after_day: date) -> date:
    days = schedule.bank_holidays("england", range(after_day.year, after_day.year + 2))
    return min(day for day in days if day > after_day)


@pytest.fixture
def other_facilitator(world: World) -> User:
    return factories.make_staff(world.provider_a, Role.FACILITATOR, "facilitator_a2")


# --- Who sees which page ------------------------------------------------------------------------


PAGES = {
    "list": lambda run, s, e: "/courses/",
    "detail": lambda run, s, e: f"/courses/{run.pk}/",
    "register": lambda run, s, e: f"/courses/sessions/{s.pk}/register/",
    "create": lambda run, s, e: "/courses/new/",
    "template": lambda run, s, e: "/courses/templates/new/",
    "edit": lambda run, s, e: f"/courses/{run.pk}/edit/",
    "copy": lambda run, s, e: f"/courses/{run.pk}/copy/",
    "close": lambda run, s, e: f"/courses/{run.pk}/close/",
    "offer_to_all": lambda run, s, e: f"/courses/{run.pk}/offer-to-all/",
    "offer": lambda run, s, e: f"/courses/{run.pk}/offer/",
    "withdraw": lambda run, s, e: f"/courses/enrolments/{e.pk}/withdraw/",
    "move": lambda run, s, e: f"/courses/sessions/{s.pk}/move/",
    "cancel": lambda run, s, e: f"/courses/sessions/{s.pk}/cancel/",
    "reopen": lambda run, s, e: f"/courses/sessions/{s.pk}/register/reopen/",
}
MANAGER_PAGES = {"create", "template", "edit", "copy", "close", "offer_to_all", "offer"}
MANAGER_PAGES |= {"withdraw", "move", "cancel", "reopen"}
SEES = {
    "admin": set(PAGES),
    "manager_a": set(PAGES),
    "hv_a": {"list", "detail"},
    "facilitator_a": {"list", "detail", "register"},
    "facilitator_a2": {"list"},
    "manager_b": {"list", "create", "template"},
    "hv_b": {"list"},
    "parent_a": set(),
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_page_opens_for_the_right_people_and_is_404_for_others(
    world: World, other_facilitator: User, who: str
) -> None:
    run = make_run(world)
    (enrolment,) = enrol(world, run, 1)
    user = world.admin if who == "admin" else world.users.get(who) or other_facilitator
    client = client_for(user)
    for page, url in PAGES.items():
        status = client.get(url(run, session(run, 1), enrolment)).status_code
        assert status == (200 if page in SEES[who] else 404), (who, page, status)


def test_the_list_shows_places_and_only_a_facilitators_own_runs(
    world: World, other_facilitator: User
) -> None:
    run = make_run(world, capacity=6)
    enrol(world, run, 2)
    make_run(world, facilitators=[other_facilitator])
    page = client_for(world.users["facilitator_a"]).get("/courses/").text
    assert page.count('class="run-row"') == 1
    assert run.template.name in page and "Venue A" in page
    assert "2 of 6 places taken" in page and "4 free" in page
    assert "5 sessions" in page and "Scheduled" in page
    assert "Schedule a course" not in page
    manager_page = client_for(world.users["manager_a"]).get("/courses/").text
    assert manager_page.count('class="run-row"') == 2
    assert "Schedule a course" in manager_page
    assert "Schedule a course" not in client_for(world.users["hv_a"]).get("/courses/").text


def test_closed_runs_are_listed_on_request(world: World) -> None:
    run = make_run(world)
    client = client_for(world.users["manager_a"])
    client.post(f"/courses/{run.pk}/close/")
    assert run.template.name not in client.get("/courses/").text
    assert run.template.name in client.get("/courses/?closed=1").text


# --- Scheduling ---------------------------------------------------------------------------------


def run_form(world: World, course: CourseTemplate, **overrides: Any) -> dict[str, Any]:
    first = factories.next_weekday_at(10)
    data: dict[str, Any] = {
        "template": str(course.pk),
        "venue": str(world.venue_a.pk),
        "date": first.date().isoformat(),
        "time": "10:30",
        "facilitators": [str(world.users["facilitator_a"].pk)],
        "capacity": "8",
    }
    data.update(overrides)
    return data


def test_a_manager_schedules_a_run_and_places_are_offered(world: World) -> None:
    waiting = refer(world, "Wren")
    template = factories.make_template(world.provider_a)
    client = client_for(world.users["manager_a"])
    form = client.get("/courses/new/").text
    assert 'type="date"' in form and 'type="time"' in form and 'type="checkbox"' in form
    assert 'value="8"' in form
    response = client.post("/courses/new/", run_form(world, template), follow=True)
    run = CourseRun.objects.get()
    assert response.redirect_chain[-1][0] == f"/courses/{run.pk}/"
    assert "Course scheduled. 1 place offered to the waiting list." in response.text
    assert list(run.facilitators.all()) == [world.users["facilitator_a"]]
    assert timezone.localtime(run.first_session_at).strftime("%H:%M") == "10:30"
    assert run.sessions.count() == 5
    assert Offer.objects.get(run=run).referral == waiting


def test_scheduling_with_bad_input_shows_errors_by_the_fields_and_saves_nothing(
    world: World,
) -> None:
    template = factories.make_template(world.provider_a)
    client = client_for(world.users["manager_a"])
    response = client.post(
        "/courses/new/",
        run_form(world, template, template="", capacity="0", time="soon"),
    )
    assert response.status_code == 200
    for field in ("template", "capacity", "time"):
        assert f'id="id_{field}_error"' in response.text
    assert 'class="error-summary"' in response.text
    assert not CourseRun.objects.exists()


@pytest.mark.parametrize(
    ("when", "message"),
    [("past", "The first session must be in the future."), ("holiday", "bank holiday")],
)
def test_service_rules_land_on_the_date_field(world: World, when: str, message: str) -> None:
    template = factories.make_template(world.provider_a)
    today = timezone.localdate()
    day = today - timedelta(days=3) if when == "past" else next_bank_holiday(today + timedelta(1))
    response = client_for(world.users["manager_a"]).post(
        "/courses/new/", run_form(world, template, date=day.isoformat())
    )
    assert response.status_code == 200
    assert 'id="id_date_error"' in response.text and message in response.text
    assert not CourseRun.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", "9999-12-31"),
        ("date", "0001-01-01"),
        ("facilitators", [str(10**20)]),
        ("facilitators", ["-1", "x"]),
        ("capacity", str(10**20)),
    ],
)
def test_values_at_the_ends_of_the_range_are_form_errors(
    world: World, field: str, value: Any
) -> None:
    template = factories.make_template(world.provider_a)
    client = client_for(world.users["manager_a"])
    response = client.post("/courses/new/", run_form(world, template, **{field: value}))
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.text
    assert not CourseRun.objects.exists()
    run = make_run(world)
    for path, data in (
        (f"/courses/{run.pk}/copy/", {"date": "9999-12-31", "time": "10:00"}),
        (f"/courses/{run.pk}/edit/", {"capacity": "2", "facilitators": [str(10**20)]}),
    ):
        page = client.post(path, data)
        assert page.status_code == 200 and 'class="error-summary"' in page.text, path
    assert CourseRun.objects.count() == 1


def test_a_facilitator_of_another_provider_cannot_be_chosen(world: World) -> None:
    template = factories.make_template(world.provider_a)
    stranger = factories.make_staff(world.provider_b, Role.FACILITATOR, "stranger")
    response = client_for(world.users["manager_a"]).post(
        "/courses/new/", run_form(world, template, facilitators=[str(stranger.pk)])
    )
    assert 'id="id_facilitators_error"' in response.text
    assert "stranger" not in response.text.lower()
    assert not CourseRun.objects.exists()


def test_admin_chooses_the_provider_first(world: World) -> None:
    client = client_for(world.admin)
    choose = client.get("/courses/new/").text
    assert "Provider A" in choose and "Provider B" in choose
    page = client.get(f"/courses/new/?provider={world.provider_b.pk}").text
    assert "For Provider B." in page and "Add a course" in page


def test_a_manager_adds_a_course_template(world: World) -> None:
    client = client_for(world.users["manager_a"])
    response = client.post(
        "/courses/templates/new/",
        {
            "name": "Gentle start",
            "sessions_count": "3",
            "session_minutes": "45",
            "week_plan": "Legs and feet\n\nTummy and chest\nThe whole routine\n",
            "what_to_bring": "A towel.",
        },
        follow=True,
    )
    assert "Course “Gentle start” added. You can schedule it now." in response.text
    template = CourseTemplate.objects.get(name="Gentle start")
    assert template.provider == world.provider_a
    assert template.week_plan == ["Legs and feet", "Tummy and chest", "The whole routine"]
    assert (template.sessions_count, template.session_minutes) == (3, 45)
    assert template.what_to_bring == "A towel."
    assert f'<option value="{template.pk}">Gentle start</option>' in response.text


def test_template_errors_show_by_the_fields(world: World) -> None:
    factories.make_template(world.provider_a)
    existing = CourseTemplate.objects.get()
    client = client_for(world.users["manager_a"])
    response = client.post(
        "/courses/templates/new/",
        {"name": "New", "sessions_count": "5", "session_minutes": "60", "week_plan": "One\nTwo"},
    )
    assert 'id="id_week_plan_error"' in response.text
    assert "Give one line for each of the 5 weeks (you gave 2)." in response.text
    response = client.post(
        "/courses/templates/new/",
        {"name": existing.name, "sessions_count": "5", "session_minutes": "60"},
    )
    assert 'id="id_name_error"' in response.text
    assert "There is already a course with this name." in response.text
    assert CourseTemplate.objects.count() == 1


# --- The run's page -------------------------------------------------------------------------------


def test_detail_shows_sessions_families_offers_and_places(world: World) -> None:
    run = make_run(world, capacity=3)
    (enrolment,) = enrol(world, run, 1)
    pending = refer(world, "Ivy")
    page = client_for(world.users["manager_a"]).get(f"/courses/{run.pk}/").text
    for number in range(1, 6):
        assert f"Week {number}</strong>" in page
    assert enrolment.referral.baby.full_name() in page
    assert "CarerBaby00hv_a Example" in page
    assert "Joined at week 1" in page and "attended 0 sessions" in page
    assert pending.baby.full_name() in page and "Waiting for a reply" in page
    assert "held until" in page
    assert "2 of 3 taken or held" in page and "1 free" in page
    assert "Close the course" in page and "Offer to everyone waiting" in page
    assert f"/courses/enrolments/{enrolment.pk}/withdraw/" in page
    assert f"/courses/sessions/{session(run, 1).pk}/move/" in page


def test_a_facilitator_sees_the_run_read_only_with_register_links_and_no_reasons(
    world: World,
) -> None:
    run = make_run(world, days_ahead=1)
    enrol(world, run, 2)
    first = session(run, 1)
    with after(first.starts_at, hours=1):
        page = client_for(world.users["facilitator_a"]).get(f"/courses/{run.pk}/").text
    assert f"/courses/sessions/{first.pk}/register/" in page
    assert "Register opens on the day" in page  # the later weeks
    assert "Manage this course" not in page
    assert "/move/" not in page and "/withdraw/" not in page and "/close/" not in page
    assert "First-time parent" not in page and "first_time" not in page
    assert "Baby00hv_a" in page and "Baby01hv_a" in page


def test_a_health_visitor_sees_only_their_own_families_on_a_run(world: World) -> None:
    run = make_run(world)
    enrol(world, run, 1, hv="hv_a")
    enrol(world, run, 1, hv="hv_a2")
    page = client_for(world.users["hv_a"]).get(f"/courses/{run.pk}/").text
    assert "Baby00hv_a " in page
    assert "Baby00hv_a2" not in page
    assert "1 other family you do not look after" in page
    assert "/register/" not in page


# --- Manager actions --------------------------------------------------------------------------


def test_manager_changes_capacity_and_facilitators(world: World, other_facilitator: User) -> None:
    run = make_run(world, capacity=1)
    enrol(world, run, 1)
    waiting = refer(world, "Wren")
    client = client_for(world.users["manager_a"])
    response = client.post(
        f"/courses/{run.pk}/edit/",
        {"capacity": "2", "facilitators": [str(other_facilitator.pk)]},
        follow=True,
    )
    assert "Course details saved. 1 place offered to the waiting list." in response.text
    run.refresh_from_db()
    assert run.capacity == 2
    assert list(run.facilitators.all()) == [other_facilitator]
    assert Offer.objects.filter(run=run, referral=waiting, status=OfferStatus.PENDING).exists()


def test_capacity_below_the_places_taken_is_refused_by_the_field(world: World) -> None:
    run = make_run(world, capacity=3)
    enrol(world, run, 2)
    response = client_for(world.users["manager_a"]).post(
        f"/courses/{run.pk}/edit/", {"capacity": "1"}
    )
    assert 'id="id_capacity_error"' in response.text
    assert "2 places are already taken or held." in response.text
    run.refresh_from_db()
    assert run.capacity == 3 and run.facilitators.count() == 1


def test_manager_copies_a_run_to_a_new_date(world: World) -> None:
    run = make_run(world, capacity=5)
    client = client_for(world.users["manager_a"])
    form = client.get(f"/courses/{run.pk}/copy/").text
    assert 'type="date"' in form and 'value="10:00"' in form
    start = factories.next_weekday_at(60)
    response = client.post(
        f"/courses/{run.pk}/copy/",
        {"date": start.date().isoformat(), "time": "13:15"},
        follow=True,
    )
    copy = CourseRun.objects.exclude(pk=run.pk).get()
    assert response.redirect_chain[-1][0] == f"/courses/{copy.pk}/"
    assert "Course copied. 0 places offered to the waiting list." in response.text
    assert (copy.venue, copy.template, copy.capacity, copy.copied_from) == (
        run.venue,
        run.template,
        5,
        run,
    )
    assert list(copy.facilitators.all()) == [world.users["facilitator_a"]]
    local = timezone.localtime(copy.first_session_at)
    assert (local.date(), local.strftime("%H:%M")) == (start.date(), "13:15")


def test_copy_to_a_past_date_is_refused(world: World) -> None:
    run = make_run(world)
    response = client_for(world.users["manager_a"]).post(
        f"/courses/{run.pk}/copy/",
        {"date": (timezone.localdate() - timedelta(days=1)).isoformat(), "time": "10:00"},
    )
    assert 'id="id_date_error"' in response.text
    assert CourseRun.objects.count() == 1


def test_manager_closes_a_run_after_confirming(world: World) -> None:
    run = make_run(world)
    referral = refer(world, "Wren")
    client = client_for(world.users["manager_a"])
    confirm = client.get(f"/courses/{run.pk}/close/").text
    assert "Close the course?" in confirm and "1 offer still waiting for a reply" in confirm
    run.refresh_from_db()
    assert run.status == RunStatus.SCHEDULED
    response = client.post(f"/courses/{run.pk}/close/", follow=True)
    assert "Course closed." in response.text
    run.refresh_from_db()
    assert run.status == RunStatus.CLOSED
    assert Offer.objects.get(referral=referral).status == OfferStatus.WITHDRAWN
    again = client.post(f"/courses/{run.pk}/close/")
    assert again.status_code == 200 and "This course is already closed." in again.text


def test_manager_moves_a_session(world: World) -> None:
    run = make_run(world)
    week2 = session(run, 2)
    new_time = timezone.localtime(week2.starts_at) + timedelta(days=1, hours=3)
    client = client_for(world.users["manager_a"])
    response = client.post(
        f"/courses/sessions/{week2.pk}/move/",
        {
            "date": new_time.date().isoformat(),
            "time": new_time.strftime("%H:%M"),
            "reason": "Hall booked for voting",
        },
        follow=True,
    )
    assert "Week 2 moved to" in response.text
    week2.refresh_from_db()
    assert week2.starts_at == new_time and week2.note == "Hall booked for voting"
    assert "Moved</span> from" in response.text and "Hall booked for voting" in response.text


def test_moving_a_session_out_of_order_or_without_a_reason_changes_nothing(world: World) -> None:
    run = make_run(world)
    week2 = session(run, 2)
    before = week2.starts_at
    week4 = timezone.localtime(session(run, 4).starts_at)
    client = client_for(world.users["manager_a"])
    response = client.post(
        f"/courses/sessions/{week2.pk}/move/",
        {"date": week4.date().isoformat(), "time": "10:00", "reason": "Clash"},
    )
    assert 'id="id_date_error"' in response.text and "Keep the sessions in order" in response.text
    response = client.post(
        f"/courses/sessions/{week2.pk}/move/",
        {"date": week4.date().isoformat(), "time": "10:00", "reason": ""},
    )
    assert 'id="id_reason_error"' in response.text
    week2.refresh_from_db()
    assert week2.starts_at == before and week2.moved_from is None


def test_manager_cancels_a_session_with_a_replacement_week(world: World) -> None:
    run = make_run(world)
    week3 = session(run, 3)
    client = client_for(world.users["manager_a"])
    form = client.get(f"/courses/sessions/{week3.pk}/cancel/").text
    assert 'name="add_replacement" id="id_add_replacement" checked' in form
    response = client.post(
        f"/courses/sessions/{week3.pk}/cancel/",
        {"reason": "Facilitator unwell", "add_replacement": "on"},
        follow=True,
    )
    assert "Week 3 cancelled. Week 6 added on" in response.text
    week3.refresh_from_db()
    assert week3.status == SessionStatus.CANCELLED and week3.note == "Facilitator unwell"
    assert run.sessions.count() == 6
    assert "Cancelled</span> Facilitator unwell" in response.text


def test_cancelling_without_a_replacement_or_a_reason(world: World) -> None:
    run = make_run(world)
    week5 = session(run, 5)
    client = client_for(world.users["manager_a"])
    refused = client.post(f"/courses/sessions/{week5.pk}/cancel/", {"reason": " "})
    assert 'id="id_reason_error"' in refused.text
    assert Session.objects.get(pk=week5.pk).status == SessionStatus.SCHEDULED
    response = client.post(
        f"/courses/sessions/{week5.pk}/cancel/", {"reason": "Venue closed"}, follow=True
    )
    assert "Week 5 cancelled." in response.text and "added on" not in response.text
    assert run.sessions.count() == 5


def test_manager_offers_to_everyone_waiting(world: World) -> None:
    run = make_run(world, capacity=1)
    first, second = refer(world, "Wren"), refer(world, "Ivy")
    back_on_the_list(run, first)
    client = client_for(world.users["manager_a"])
    confirm = client.get(f"/courses/{run.pk}/offer-to-all/").text
    assert "The first to accept gets the place." in confirm
    response = client.post(f"/courses/{run.pk}/offer-to-all/", follow=True)
    assert "Place offered to 2 families. The first to accept gets it." in response.text
    kinds = set(
        Offer.objects.filter(run=run, status=OfferStatus.PENDING).values_list("referral", "kind")
    )
    assert kinds == {(first.pk, OfferKind.OPEN_TO_ALL), (second.pk, OfferKind.OPEN_TO_ALL)}


def test_offer_to_all_on_a_full_run_is_refused(world: World) -> None:
    run = make_run(world, capacity=1)
    enrol(world, run, 1)
    response = client_for(world.users["manager_a"]).post(f"/courses/{run.pk}/offer-to-all/")
    assert response.status_code == 200 and "This course has no free places." in response.text
    assert not Offer.objects.filter(kind=OfferKind.OPEN_TO_ALL).exists()


def test_manager_offers_a_place_to_a_chosen_family(world: World) -> None:
    run = make_run(world, capacity=2)
    high = factories.make_referral(
        factories.baby_born(world.provider_a, 12, carer_name="Hana"), priority="high"
    )
    routine = refer(world, "Wren")
    for referral in (high, routine):
        back_on_the_list(run, referral)
    client = client_for(world.users["manager_a"])
    page = client.get(f"/courses/{run.pk}/offer/").text
    born = f"{high.baby.date_of_birth.day} {high.baby.date_of_birth:%B %Y}"
    assert f"1. Baby, born {born} · High priority · ages out" in page
    assert "2. Wren, born" in page and "· Routine priority · ages out" in page
    response = client.post(f"/courses/{run.pk}/offer/", {"referral": str(routine.pk)}, follow=True)
    assert "Place offered to Wren&#x27;s family. It is held until" in response.text
    offer = Offer.objects.get(run=run, status=OfferStatus.PENDING)
    assert (offer.referral, offer.kind) == (routine, OfferKind.MANUAL)
    refused = client.post(f"/courses/{run.pk}/offer/", {"referral": str(uuid.uuid4())})
    assert 'id="id_referral_error"' in refused.text
    assert Offer.objects.filter(run=run, status=OfferStatus.PENDING).count() == 1


def test_manager_withdraws_an_enrolment_with_a_reason(world: World) -> None:
    run = make_run(world, capacity=1)
    (enrolment,) = enrol(world, run, 1)
    waiting = refer(world, "Wren")
    client = client_for(world.users["manager_a"])
    url = f"/courses/enrolments/{enrolment.pk}/withdraw/"
    refused = client.post(url, {"reason": ""})
    assert 'id="id_reason_error"' in refused.text
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.ENROLLED
    response = client.post(url, {"reason": "Moved away"}, follow=True)
    assert "Baby00hv_a is withdrawn from the course." in response.text
    assert Enrolment.objects.get(pk=enrolment.pk).status == EnrolmentStatus.WITHDRAWN
    assert Referral.objects.get(pk=enrolment.referral_id).status == Status.WITHDRAWN
    assert Offer.objects.get(referral=waiting).status == OfferStatus.PENDING


# --- The register -------------------------------------------------------------------------------


@pytest.fixture
def class_of_three(world: World) -> tuple[CourseRun, list[Enrolment]]:
    run = make_run(world, days_ahead=1, capacity=6)
    return run, enrol(world, run, 3)


def test_register_marks_everyone_present(world: World, class_of_three: Any) -> None:
    run, enrolments = class_of_three
    week1 = session(run, 1)
    with after(week1.starts_at, minutes=20):
        client = client_for(world.users["facilitator_a"])
        page = client.get(f"/courses/sessions/{week1.pk}/register/").text
        assert "Mark everyone present" in page and "Save register" in page
        assert page.count('class="register-row"') == 3
        assert 'name="save_id"' in page
        assert "CarerBaby00hv_a Example" in page
        data = marks_data({}, all_present="1")
        data[f"m{enrolments[0].pk.hex}_note"] = "Sleepy"
        response = client.post(f"/courses/sessions/{week1.pk}/register/", data, follow=True)
    assert "Register saved for week 1." in response.text
    marks = Attendance.objects.filter(session=week1)
    assert {m.status for m in marks} == {"present"} and marks.count() == 3
    assert marks.get(enrolment=enrolments[0]).baby_state_note == "Sleepy"
    assert marks.get(enrolment=enrolments[0]).recorded_by == world.users["facilitator_a"]


def test_register_saves_exceptions(world: World, class_of_three: Any) -> None:
    run, (one, two, three) = class_of_three
    week1 = session(run, 1)
    with after(week1.starts_at, hours=2):
        client = client_for(world.users["manager_a"])
        response = client.post(
            f"/courses/sessions/{week1.pk}/register/",
            marks_data(
                {
                    one: ("late", "Unsettled at first", True),
                    two: ("absent", "", False),
                    three: ("dna", "", False),
                },
                save="1",
            ),
            follow=True,
        )
        assert "Register saved for week 1." in response.text
        assert "Unsettled at first" in response.text
    saved = {m.enrolment_id: m for m in Attendance.objects.filter(session=week1)}
    assert saved[one.pk].status == "late" and saved[one.pk].contraindications_checked
    assert saved[one.pk].baby_state_note == "Unsettled at first"
    assert (saved[two.pk].status, saved[three.pk].status) == ("absent", "dna")


def test_pressing_save_twice_stores_once(world: World, class_of_three: Any) -> None:
    run, enrolments = class_of_three
    week1 = session(run, 1)
    data = marks_data(dict.fromkeys(enrolments, ("present", "", True)))
    with after(week1.starts_at, hours=1):
        client = client_for(world.users["facilitator_a"])
        first = client.post(f"/courses/sessions/{week1.pk}/register/", data, follow=True)
        data[f"m{enrolments[0].pk.hex}_status"] = "dna"  # the retry carries the same save id
        second = client.post(f"/courses/sessions/{week1.pk}/register/", data, follow=True)
    assert "Register saved for week 1." in first.text
    assert "Register saved for week 1." in second.text
    assert RegisterSave.objects.filter(session=week1).count() == 1
    assert set(Attendance.objects.filter(session=week1).values_list("status", flat=True)) == {
        "present"
    }


def test_bad_register_input_shows_errors_by_the_family_and_saves_nothing(
    world: World, class_of_three: Any
) -> None:
    run, (one, two, three) = class_of_three
    week1 = session(run, 1)
    with after(week1.starts_at, hours=1):
        client = client_for(world.users["facilitator_a"])
        response = client.post(
            f"/courses/sessions/{week1.pk}/register/",
            marks_data(
                {
                    one: ("maybe", "", False),
                    two: ("", "Teething", False),
                    three: ("present", "x" * 201, False),
                }
            ),
        )
        assert response.status_code == 200
        text = response.text
        assert f'id="id_m{one.pk.hex}_status_error"' in text
        assert f'id="id_m{two.pk.hex}_status_error"' in text
        assert "Choose present, late, absent or did not attend." in text
        assert f'id="id_m{three.pk.hex}_note_error"' in text
        assert 'class="error-summary"' in text and 'value="Teething"' in text
        empty = client.post(f"/courses/sessions/{week1.pk}/register/", marks_data({}))
        assert "Mark at least one family" in empty.text
    assert not Attendance.objects.exists() and not RegisterSave.objects.exists()


def test_future_and_cancelled_sessions_have_no_register_yet(
    world: World, class_of_three: Any
) -> None:
    run, enrolments = class_of_three
    week1, week2 = session(run, 1), session(run, 2)
    client = client_for(world.users["manager_a"])
    client.post(f"/courses/sessions/{week2.pk}/cancel/", {"reason": "Snow"})
    future = client.get(f"/courses/sessions/{week1.pk}/register/").text
    assert "has not happened yet" in future and "Save register" not in future
    cancelled = client.get(f"/courses/sessions/{week2.pk}/register/").text
    assert "was cancelled (Snow)" in cancelled and "Save register" not in cancelled
    response = client.post(
        f"/courses/sessions/{week1.pk}/register/",
        marks_data(dict.fromkeys(enrolments, ("present", "", False))),
        follow=True,
    )
    assert "This session has not happened yet" in response.text
    assert not Attendance.objects.exists()


def test_a_locked_register_is_read_only_and_refuses_saves(
    world: World, class_of_three: Any
) -> None:
    run, enrolments = class_of_three
    week1 = session(run, 1)
    registers.register_save(
        actor=None,
        session=week1,
        marks={e.pk: registers.Mark("present", "Calm") for e in enrolments},
        save_id=uuid.uuid4(),
        now=week1.starts_at + timedelta(hours=1),
    )
    with after(week1.starts_at, days=8):
        client = client_for(world.users["facilitator_a"])
        page = client.get(f"/courses/sessions/{week1.pk}/register/").text
        assert "Locked 7 days after the session." in page
        assert "Save register" not in page and "Reopen with a reason" not in page
        assert "Calm" in page
        response = client.post(
            f"/courses/sessions/{week1.pk}/register/",
            marks_data(dict.fromkeys(enrolments, ("dna", "", False))),
            follow=True,
        )
        assert "This register is locked." in response.text
        assert (
            client.post(
                f"/courses/sessions/{week1.pk}/register/reopen/", {"reason": "Typo"}
            ).status_code
            == 404
        )
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}
    assert Session.objects.get(pk=week1.pk).register_reopened_at is None


def test_a_manager_reopens_a_locked_register_with_a_reason(
    world: World, class_of_three: Any
) -> None:
    run, enrolments = class_of_three
    week1 = session(run, 1)
    url = f"/courses/sessions/{week1.pk}/register/"
    with after(week1.starts_at, days=9):
        client = client_for(world.users["manager_a"])
        page = client.get(url).text
        assert "Reopen with a reason" in page
        refused = client.post(url + "reopen/", {"reason": ""})
        assert 'id="id_reason_error"' in refused.text
        response = client.post(url + "reopen/", {"reason": "Paper register found"}, follow=True)
        assert "Register reopened for week 1." in response.text
        assert "Save register" in response.text and "Paper register found" in response.text
        saved = client.post(
            url,
            marks_data(dict.fromkeys(enrolments, ("present", "", False)), save="1"),
            follow=True,
        )
        assert "Register saved for week 1." in saved.text
    assert Attendance.objects.filter(session=week1).count() == 3
    assert Session.objects.get(pk=week1.pk).register_reopen_reason == "Paper register found"


def test_attended_sessions_show_on_the_run_page(world: World, class_of_three: Any) -> None:
    run, (one, two, _) = class_of_three
    week1 = session(run, 1)
    registers.register_save(
        actor=None,
        session=week1,
        marks={one.pk: registers.Mark("present"), two.pk: registers.Mark("dna")},
        save_id=uuid.uuid4(),
        now=week1.starts_at,
    )
    page = client_for(world.users["manager_a"]).get(f"/courses/{run.pk}/").text
    assert "attended 1 session</p>" in page
    assert page.count("attended 0 sessions") == 2


# --- Bounded queries --------------------------------------------------------------------------------


def big_class(world: World, families: int) -> tuple[CourseRun, Session]:
    """A run with ``families`` enrolled and three past registers; returns week 4."""
    run = make_run(world, days_ahead=1, capacity=families + 2)
    enrolments = enrol(world, run, families)
    for number in (1, 2, 3):
        past = session(run, number)
        registers.register_save(
            actor=None,
            session=past,
            marks={e.pk: registers.Mark("present", "Settled", True) for e in enrolments},
            save_id=uuid.uuid4(),
            now=past.starts_at + timedelta(hours=1),
        )
    return run, session(run, 4)


def register_queries(world: World, families: int, django_assert_max_num_queries: Any) -> None:
    run, week4 = big_class(world, families)
    url = f"/courses/sessions/{week4.pk}/register/"
    with after(week4.starts_at, hours=1):
        client = client_for(world.users["facilitator_a"])
        client.get(url)  # warm the session
        with django_assert_max_num_queries(11):
            page = client.get(url)
        assert page.text.count('class="register-row"') == families
        with django_assert_max_num_queries(21):
            response = client.post(url, marks_data({}, all_present="1"))
        assert response.status_code == 302
        with django_assert_max_num_queries(13):
            client.get(f"/courses/{run.pk}/")
    assert Attendance.objects.filter(session=week4, status="present").count() == families


@pytest.mark.parametrize("families", [2, 22])
def test_register_queries_stay_bounded(
    world: World, families: int, django_assert_max_num_queries: Any
) -> None:
    register_queries(world, families, django_assert_max_num_queries)


def test_the_run_list_queries_stay_bounded(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for _ in range(4):
        enrol(world, make_run(world, capacity=2), 2)
    client = Client()
    client.force_login(world.users["manager_a"])
    client.get("/courses/")
    with django_assert_max_num_queries(10):
        page = client.get("/courses/").text
    assert page.count('class="run-row"') == 4


def test_mark_everyone_present_keeps_the_exceptions_already_ticked(
    world: World, class_of_three: Any
) -> None:
    run, (one, two, three) = class_of_three
    week1 = session(run, 1)
    with after(week1.starts_at, minutes=30):
        client = client_for(world.users["facilitator_a"])
        data = marks_data({two: ("absent", "", False)}, all_present="1")
        client.post(f"/courses/sessions/{week1.pk}/register/", data)
    marks = {m.enrolment_id: m.status for m in Attendance.objects.filter(session=week1)}
    assert marks == {one.pk: "present", two.pk: "absent", three.pk: "present"}
