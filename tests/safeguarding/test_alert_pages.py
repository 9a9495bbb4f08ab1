"""Safety alert pages: the home panel for the people an alert goes to, the list, one alert
(what each role may see), acknowledging and closing it, escalation history, access for
every role, and queries that stay the same however many alerts there are."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nurture.accounts.roles import Role
from nurture.audit.models import AuditEvent
from nurture.outcomes.models import AlertState, SafetyAlert, TimePoint
from nurture.questionnaires import services
from nurture.safeguarding import pages as alert_pages
from nurture.safeguarding.escalation import escalate_overdue
from tests import factories
from tests.conftest import World, client_for
from tests.questionnaires.conftest import Course, answers, make_duty_clinician, submit

pytestmark = pytest.mark.django_db

SELF_HARM = [0, 0, 0, 0, 0, 0, 0, 0, 1]
PANEL = "Needs your attention today"
REASON = "PHQ-9 question 9 answered above 0"
SCORES = 'class="plain-list alert-scores"'
ACKNOWLEDGE = "Acknowledge this alert"
CLOSE = "Close the alert"
CLOSE_DATA = {
    "actions": ["contacted_parent", "risk_assessed"],
    "action_note": "Rang the same afternoon and visited at home.",
    "outcome": "support_plan",
    "outcome_note": "Weekly visits agreed; GP told.",
}

# Who sees family a1's alert, and whether they see its scores and may act on it.
DETAIL = {
    "hv_a": (200, True, True),
    "manager_a": (200, True, True),
    "duty_a": (200, False, True),
    "admin": (200, True, False),
    "hv_a2": (404, False, False),
    "facilitator_a": (404, False, False),
    "parent_a": (404, False, False),
    "parent_a2": (404, False, False),
    "manager_b": (404, False, False),
    "hv_b": (404, False, False),
    "parent_b": (404, False, False),
}


@pytest.fixture
def duty(course: Course) -> Course:
    """Course a1, with a duty clinician (duty_a, a health visitor at provider A)."""
    world = course.world
    world.users["duty_a"] = factories.make_staff(world.provider_a, Role.HEALTH_VISITOR, "duty_a")
    make_duty_clinician(world, "duty_a")
    carer = course.carer
    carer.mobile = "07700 900123"
    carer.save()
    return course


def raise_alert(course: Course, at: datetime | None = None) -> SafetyAlert:
    """Family a1's alert: the parent's own baseline PHQ-9 now, or at ``at`` (in the past, before
    the course made it due) one their health visitor went through with them."""
    if at is not None:
        return ad_hoc_alert(course.world, course.family, at)
    return SafetyAlert.objects.get(response=submit(course, SELF_HARM).response)


def user(course: Course, who: str) -> Client:
    return client_for(course.world.users[who])


def panel_of(page: str) -> str:
    """The home panel's HTML (empty when there is none)."""
    found = re.search(r'<section class="alert-panel.*?</section>', page, re.S)
    return found.group(0) if found else ""


# --- The home page -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hv_a", "duty_a", "manager_a"])
def test_the_home_panel_shows_the_alert_first_to_those_it_goes_to(duty: Course, who: str) -> None:
    alert = raise_alert(duty)
    page = user(duty, who).get("/").text
    main = page[page.index("<main") :]
    assert main.index("<h1>") < main.index(PANEL) < main.index("You are signed in as")
    assert re.search(r"<h1>.*?</h1>\s*<section class=\"alert-panel\"", main, re.S)
    panel = panel_of(page)
    assert "1 safety alert</strong>" in panel
    assert "Alex Example · baby Robin" in panel
    assert f'href="/alerts/{alert.pk}/"' in panel
    assert "Not yet acknowledged" in panel and "ago)" in panel
    assert "Safety alerts (1)" in page
    assert "Total" not in panel and "scoring" not in panel


@pytest.mark.parametrize(
    "who", ["hv_a2", "facilitator_a", "parent_a", "parent_a2", "manager_b", "hv_b", "parent_b"]
)
def test_the_home_panel_leaves_the_alert_out_for_everyone_else(duty: Course, who: str) -> None:
    raise_alert(duty)
    page = user(duty, who).get("/").text
    assert "Alex Example · baby" not in page
    assert "Safety alerts (1)" not in page
    if who in {"hv_a2", "manager_b", "hv_b"}:
        assert "No safety alerts need you right now." in panel_of(page)
        assert "Safety alerts (0)" in page
    else:
        assert PANEL not in page and "Safety alerts (" not in page


def test_the_home_panel_shows_acknowledgement_and_escalation(duty: Course) -> None:
    start = (timezone.now() - timedelta(hours=9)).replace(microsecond=0)
    first = raise_alert(duty, start)
    other = factories.make_family(
        duty.world.provider_a, health_visitor=duty.world.users["hv_a"], carer_name="Dee"
    )
    second = ad_hoc_alert(duty.world, other, at=start + timedelta(minutes=5))
    escalate_overdue(now=start + timedelta(hours=4, minutes=10))
    user(duty, "hv_a").post(f"/alerts/{second.pk}/acknowledge/")
    panel = panel_of(user(duty, "manager_a").get("/").text)
    assert "2 safety alerts" in panel
    assert panel.index("Alex Example") < panel.index("Dee Example")  # open before acknowledged
    assert "Overdue" in panel and "Escalated (level 1)" in panel
    assert "Acknowledged by Hv_A" in panel
    assert f'href="/alerts/{first.pk}/"' in panel


# --- The list ------------------------------------------------------------------------------------


def ad_hoc_alert(world: World, family: Any, at: datetime | None = None) -> SafetyAlert:
    """An alert for ``family``, from a PHQ-9 its health visitor went through with them."""
    with time_machine.travel(at or timezone.now(), tick=False):
        submission = services.submit_response(
            actor=family.health_visitor,
            carer=family.carers.get(),
            instrument_key="phq9",
            version="1",
            answers=answers(SELF_HARM),
            client_id=uuid.uuid4(),
            point=TimePoint.AD_HOC,
        )
    return SafetyAlert.objects.get(response=submission.response)


def many_alerts(world: World, count: int, start: datetime | None = None) -> list[SafetyAlert]:
    start = start or timezone.now() - timedelta(days=2)
    made = []
    for number in range(count):
        family = factories.make_family(
            world.provider_a, health_visitor=world.users["hv_a"], carer_name=f"Carer{number:02}"
        )
        made.append(ad_hoc_alert(world, family, at=start + timedelta(minutes=number)))
    return made


def test_the_list_shows_open_ones_oldest_first_pages_of_25_and_a_closed_tab(
    world: World,
) -> None:
    made = many_alerts(world, 27)
    hv = client_for(world.users["hv_a"])
    hv.post(f"/alerts/{made[0].pk}/acknowledge/")
    hv.post(f"/alerts/{made[1].pk}/acknowledge/")
    hv.post(f"/alerts/{made[1].pk}/close/", CLOSE_DATA)

    first = hv.get("/alerts/").text
    names = re.findall(r"Carer(\d\d) Example", first)
    assert names == [f"{n:02}" for n in range(2, 27)]  # 25 open ones, oldest first
    assert "Page 1 of 2" in first and "26 alerts still need someone" in first
    assert "Overdue" in first  # raised two days ago and never acknowledged
    second = hv.get("/alerts/?show=&page=2").text
    assert re.findall(r"Carer(\d\d) Example", second) == ["00"]  # acknowledged comes last
    assert "Acknowledged by Hv_A" in second and "Overdue" not in second

    closed = hv.get("/alerts/?show=closed").text
    assert re.findall(r"Carer(\d\d) Example", closed) == ["01"]
    assert 'aria-current="page">Closed' in closed
    assert hv.get("/alerts/?page=99").status_code == 200  # out of range: the last page
    assert "Safety alerts (26)" in first


@pytest.mark.parametrize(
    ("who", "status", "sees"),
    [
        ("admin", 200, True),
        ("manager_a", 200, True),
        ("hv_a", 200, True),
        ("hv_a2", 200, False),
        ("manager_b", 200, False),
        ("hv_b", 200, False),
        ("facilitator_a", 404, False),
        ("parent_a", 404, False),
        ("parent_a2", 404, False),
        ("parent_b", 404, False),
    ],
)
def test_the_list_for_every_role(course: Course, who: str, status: int, sees: bool) -> None:
    raise_alert(course)
    response = user(course, who).get("/alerts/")
    assert response.status_code == status
    assert ("Alex Example" in response.text) == sees


# --- One alert -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(DETAIL))
def test_the_detail_shows_each_role_what_it_may_see(duty: Course, who: str) -> None:
    alert = raise_alert(duty)
    status, sees_scores, may_act = DETAIL[who]
    events = AuditEvent.objects.filter(action="safety_alert.viewed").count()
    response = user(duty, who).get(f"/alerts/{alert.pk}/")
    assert response.status_code == status
    viewed = AuditEvent.objects.filter(action="safety_alert.viewed").count() - events
    if status == 404:
        assert viewed == 0
        return
    page = response.text
    assert viewed == 1
    assert REASON in page
    assert "Alex Example" in page and "Robin, born" in page
    assert 'href="tel:07700900123"' in page and 'href="mailto:alex@example.org"' in page
    assert "Hv_A (the family's health visitor)" in page and "Duty_A (duty clinician)" in page
    assert (SCORES in page) == sees_scores
    assert ("Total 1 (referral threshold 10): Minimal" in page) == sees_scores
    assert ("“Several days”, scoring 1" in page) == sees_scores
    assert (ACKNOWLEDGE in page) == may_act
    assert CLOSE not in page  # only once acknowledged
    assert "Not escalated." in page


def test_acknowledge_then_close_with_errors_then_close(duty: Course) -> None:
    alert = raise_alert(duty)
    hv = user(duty, "hv_a")
    response = hv.post(f"/alerts/{alert.pk}/acknowledge/", follow=True)
    assert "Alert acknowledged" in response.text
    assert ACKNOWLEDGE not in response.text and CLOSE in response.text
    alert.refresh_from_db()
    assert (
        alert.state == AlertState.ACKNOWLEDGED and alert.acknowledged_by == duty.world.users["hv_a"]
    )

    response = hv.post(f"/alerts/{alert.pk}/close/", {"action_note": "  ", "outcome": ""})
    assert response.status_code == 200
    page = response.text
    assert 'class="error-summary"' in page
    assert 'id="id_actions_error"' in page and "Choose at least one action taken." in page
    assert 'id="id_outcome_error"' in page and "Choose the outcome." in page
    assert 'id="id_action_note_error"' in page and 'id="id_outcome_note_error"' in page
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED and alert.actions == []
    assert not AuditEvent.objects.filter(action="safety_alert.closed").exists()

    response = hv.post(f"/alerts/{alert.pk}/close/", {**CLOSE_DATA, "outcome": "fine"})
    assert 'id="id_outcome_error"' in response.text
    assert SafetyAlert.objects.get(pk=alert.pk).state == AlertState.ACKNOWLEDGED

    response = hv.post(f"/alerts/{alert.pk}/close/", CLOSE_DATA, follow=True)
    assert "Alert closed." in response.text
    alert.refresh_from_db()
    assert alert.state == AlertState.CLOSED and alert.closed_by == duty.world.users["hv_a"]
    assert alert.actions == ["contacted_parent", "risk_assessed"]
    assert (alert.outcome, alert.outcome_note) == ("support_plan", "Weekly visits agreed; GP told.")
    page = response.text
    assert "Contacted the parent" in page and "Support plan agreed" in page
    assert "Rang the same afternoon" in page and "cannot be changed" in page
    assert ACKNOWLEDGE not in page and CLOSE not in page
    for action in ("safety_alert.viewed", "safety_alert.acknowledged", "safety_alert.closed"):
        assert AuditEvent.objects.filter(action=action, object_id=str(alert.pk)).exists(), action


def test_a_closed_alert_cannot_be_acknowledged_or_closed_again(duty: Course) -> None:
    alert = raise_alert(duty)
    hv = user(duty, "hv_a")
    hv.post(f"/alerts/{alert.pk}/acknowledge/")
    hv.post(f"/alerts/{alert.pk}/close/", CLOSE_DATA)
    before = SafetyAlert.objects.get(pk=alert.pk)
    events = AuditEvent.objects.exclude(action__endswith="viewed").count()

    response = hv.post(f"/alerts/{alert.pk}/acknowledge/", follow=True)
    assert "This alert is already closed." in response.text
    response = hv.post(
        f"/alerts/{alert.pk}/close/", {**CLOSE_DATA, "outcome": "no_current_risk"}, follow=True
    )
    assert "This alert is already closed." in response.text
    after = SafetyAlert.objects.get(pk=alert.pk)
    assert (after.state, after.outcome, after.closed_at, after.acknowledged_at) == (
        AlertState.CLOSED,
        "support_plan",
        before.closed_at,
        before.acknowledged_at,
    )
    assert AuditEvent.objects.exclude(action__endswith="viewed").count() == events


def test_closing_needs_acknowledging_first(duty: Course) -> None:
    alert = raise_alert(duty)
    response = user(duty, "hv_a").post(f"/alerts/{alert.pk}/close/", CLOSE_DATA, follow=True)
    assert "Acknowledge the alert before closing it." in response.text
    assert SafetyAlert.objects.get(pk=alert.pk).state == AlertState.OPEN


@pytest.mark.parametrize("who", list(DETAIL))
def test_only_those_who_may_act_can_acknowledge_or_close(duty: Course, who: str) -> None:
    alert = raise_alert(duty)
    _, _, may_act = DETAIL[who]
    client = user(duty, who)
    response = client.post(f"/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == (302 if may_act else 404)
    expected = AlertState.ACKNOWLEDGED if may_act else AlertState.OPEN
    assert SafetyAlert.objects.get(pk=alert.pk).state == expected
    response = client.post(f"/alerts/{alert.pk}/close/", CLOSE_DATA)
    assert response.status_code == (302 if may_act else 404)
    expected = AlertState.CLOSED if may_act else AlertState.OPEN
    assert SafetyAlert.objects.get(pk=alert.pk).state == expected


def test_get_is_not_allowed_for_actions_and_unknown_alerts_are_404(duty: Course) -> None:
    alert = raise_alert(duty)
    hv = user(duty, "hv_a")
    assert hv.get(f"/alerts/{alert.pk}/acknowledge/").status_code == 405
    assert hv.get(f"/alerts/{uuid.uuid4()}/").status_code == 404
    assert hv.post(f"/alerts/{uuid.uuid4()}/acknowledge/").status_code == 404
    assert SafetyAlert.objects.get(pk=alert.pk).state == AlertState.OPEN


def test_the_escalation_history_after_the_job_runs(duty: Course) -> None:
    start = (timezone.now() - timedelta(hours=12)).replace(microsecond=0)
    alert = raise_alert(duty, start)
    for hours in (4, 8):
        with time_machine.travel(start + timedelta(hours=hours, seconds=1), tick=False):
            assert escalate_overdue() == 1
    page = user(duty, "manager_a").get(f"/alerts/{alert.pk}/").text
    local = timezone.localtime(start + timedelta(hours=4, seconds=1))
    assert f'Level 1: <time datetime="{local.isoformat()}">' in page
    assert "Level 2:" in page and "to Manager_A" in page
    assert "Escalated (level 2)" in page and "Overdue: not acknowledged in time" in page
    assert "Not escalated." not in page


def test_an_alert_from_answers_saved_part_way(duty: Course) -> None:
    services.save_draft(
        actor=duty.world.users["parent_a"],
        carer=duty.carer,
        instrument_key="phq9",
        version="1",
        answers={"9": 2},
        point=TimePoint.BASELINE,
        enrolment=duty.enrolment,
    )
    alert = SafetyAlert.objects.get()
    page = user(duty, "hv_a").get(f"/alerts/{alert.pk}/").text
    assert REASON in page and "raised while it was still being answered" in page
    assert "“More than half the days”, scoring 2" in page
    assert "Total" not in page


# --- What raised it, in words --------------------------------------------------------------------


def test_a_total_at_the_threshold_is_described_in_words(duty: Course) -> None:
    submit(duty, [2, 2, 2, 2, 2, 0, 0, 0, 0], instrument="phq9")
    alert = SafetyAlert.objects.get()
    raised = alert_pages.what_raised(alert)
    assert raised.reasons == ["PHQ-9 total at or above the referral threshold"]
    assert raised.scores == ["Total 10 (referral threshold 10): Moderate"]
    assert raised.finished


# --- Queries -------------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("hv_a", "/"),
        ("manager_a", "/"),
        ("hv_a", "/alerts/"),
        ("manager_a", "/alerts/"),
        ("hv_a", "/alerts/?show=closed"),
    ],
)
def test_queries_stay_the_same_however_many_alerts(world: World, who: str, url: str) -> None:
    made = many_alerts(world, 1)
    closer = client_for(world.users["hv_a"])
    closer.post(f"/alerts/{made[0].pk}/acknowledge/")
    closer.post(f"/alerts/{made[0].pk}/close/", CLOSE_DATA)
    many_alerts(world, 1)
    client = client_for(world.users[who])
    few = _queries(client, url)
    for alert in many_alerts(world, 29)[:10]:
        closer.post(f"/alerts/{alert.pk}/acknowledge/")
        closer.post(f"/alerts/{alert.pk}/close/", CLOSE_DATA)
    assert _queries(client, url) == few
    assert few <= 20
