"""Safety alert lifecycle (open -> acknowledged -> closed, by the right people) and escalation
with a frozen clock: nothing before 4 hours, escalated at 4, again at 8, never cleared."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.lib.errors import Conflict, DomainError
from nurture.notify.models import Message
from nurture.outcomes.models import AlertAction, AlertOutcome, AlertState, SafetyAlert
from nurture.questionnaires import config
from nurture.safeguarding import alerts
from nurture.safeguarding.escalation import escalate_overdue
from tests.questionnaires.conftest import Course, make_duty_clinician, submit

pytestmark = pytest.mark.django_db

SELF_HARM = [0, 0, 0, 0, 0, 0, 0, 0, 1]


def raised(course: Course, at: datetime | None = None) -> SafetyAlert:
    with time_machine.travel(at or timezone.now(), tick=False):
        submit(course, SELF_HARM)
    return SafetyAlert.objects.get()


def close(course: Course, alert: SafetyAlert, who: str = "hv_a") -> SafetyAlert:
    return alerts.close_alert(
        actor=course.world.users[who],
        alert=alert,
        actions=[AlertAction.CONTACTED, AlertAction.RISK_ASSESSED],
        action_note="Rang the same afternoon and visited at home.",
        outcome=AlertOutcome.SUPPORT_PLAN,
        outcome_note="Agreed weekly visits; GP informed.",
    )


def test_acknowledge_then_close_records_who_when_and_what(course: Course) -> None:
    alert = raised(course)
    hv = course.world.users["hv_a"]
    with pytest.raises(DomainError) as error:
        close(course, alert)
    assert error.value.errors == {"state": "Acknowledge the alert before closing it."}
    alert = alerts.acknowledge_alert(actor=hv, alert=alert)
    assert (alert.state, alert.acknowledged_by, alert.next_escalation_at) == (
        AlertState.ACKNOWLEDGED,
        hv,
        None,
    )
    assert alert.acknowledged_at is not None
    alerts.acknowledge_alert(actor=hv, alert=alert)  # a retry changes nothing
    assert AuditEvent.objects.filter(action="safety_alert.acknowledged").count() == 1
    alert = close(course, alert)
    assert alert.state == AlertState.CLOSED and alert.closed_by == hv
    assert alert.actions == ["contacted_parent", "risk_assessed"]
    assert alert.outcome == "support_plan" and alert.outcome_note.startswith("Agreed")
    event = AuditEvent.objects.get(action="safety_alert.closed")
    assert event.data == {
        "actions": ["contacted_parent", "risk_assessed"],
        "outcome": "support_plan",
    }
    with pytest.raises(Conflict):
        close(course, alert)
    with pytest.raises(Conflict):
        alerts.acknowledge_alert(actor=hv, alert=alert)


def test_closing_needs_the_action_and_the_outcome(course: Course) -> None:
    alert = raised(course)
    alerts.acknowledge_alert(actor=course.world.users["hv_a"], alert=alert)
    with pytest.raises(DomainError) as error:
        alerts.close_alert(
            actor=course.world.users["hv_a"], alert=alert, actions=[], action_note=" ",
            outcome="fine", outcome_note="",
        )  # fmt: skip
    assert set(error.value.errors) == {"actions", "action_note", "outcome", "outcome_note"}
    with pytest.raises(DomainError) as error:
        alerts.close_alert(
            actor=course.world.users["hv_a"], alert=alert, actions=["tea"], action_note="x",
            outcome=AlertOutcome.OTHER, outcome_note="x",
        )  # fmt: skip
    assert error.value.errors == {"actions": "Choose from the actions offered."}
    assert SafetyAlert.objects.get().state == AlertState.ACKNOWLEDGED


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("hv_a", True),
        ("manager_a", True),
        ("hv_a2", False),
        ("facilitator_a", False),
        ("parent_a", False),
        ("manager_b", False),
        ("hv_b", False),
        ("admin", False),
    ],
)
def test_who_may_acknowledge(course: Course, who: str, may: bool) -> None:
    alert = raised(course)
    if may:
        alerts.acknowledge_alert(actor=course.world.users[who], alert=alert)
        assert SafetyAlert.objects.get().state == AlertState.ACKNOWLEDGED
    else:
        with pytest.raises(DomainError):
            alerts.acknowledge_alert(actor=course.world.users[who], alert=alert)
        assert SafetyAlert.objects.get().state == AlertState.OPEN


def test_the_duty_clinician_may_act(course: Course) -> None:
    world = course.world
    make_duty_clinician(world, "hv_a2")
    alert = raised(course)
    alerts.acknowledge_alert(actor=world.users["hv_a2"], alert=alert)
    close(course, alert, who="hv_a2")
    assert SafetyAlert.objects.get().closed_by == world.users["hv_a2"]


# --- Escalation ---------------------------------------------------------------------------------


def escalate_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return escalate_overdue()


def escalation_messages() -> list[Message]:
    return list(Message.objects.filter(kind="safety_alert_escalated").order_by("created_at"))


def test_escalation_at_4_hours_and_again_at_8_never_cleared(course: Course) -> None:
    start = (timezone.now() + timedelta(seconds=1)).replace(microsecond=0)
    alert = raised(course, start)
    manager = course.world.users["manager_a"]
    assert escalate_at(start + timedelta(hours=3, minutes=59)) == 0
    assert escalation_messages() == []
    assert escalate_at(start + timedelta(hours=4)) == 1
    assert escalate_at(start + timedelta(hours=4, minutes=1)) == 0  # a second run: nothing new
    alert.refresh_from_db()
    [first] = alert.escalations.all()
    assert (first.level, first.at, list(first.notified.all())) == (
        1,
        start + timedelta(hours=4),
        [manager],
    )
    assert [m.user for m in escalation_messages()] == [manager]
    assert escalation_messages()[0].urgent and "alert" in escalation_messages()[0].subject
    assert escalate_at(start + timedelta(hours=7, minutes=59)) == 0
    assert escalate_at(start + timedelta(hours=8)) == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 2 and alert.next_escalation_at == start + timedelta(hours=12)
    # Days later it is still open: software never acknowledges or closes it.
    later = start + timedelta(days=3)
    while escalate_at(later):
        pass
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and alert.acknowledged_at is None
    assert alert.escalation_level == 18 and alert.next_escalation_at > later
    assert [e.level for e in alert.escalations.all()] == list(range(1, 19))
    events = AuditEvent.objects.filter(action="safety_alert.escalated", object_id=str(alert.pk))
    assert events.count() == 18 and all(e.actor is None for e in events)


def test_an_acknowledged_alert_does_not_escalate(course: Course) -> None:
    start = (timezone.now() + timedelta(seconds=1)).replace(microsecond=0)
    alert = raised(course, start)
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        alerts.acknowledge_alert(actor=course.world.users["hv_a"], alert=alert)
    assert escalate_at(start + timedelta(hours=9)) == 0
    assert escalation_messages() == []


def test_the_escalation_time_is_the_providers(course: Course) -> None:
    config.settings_update(
        actor=course.world.users["manager_a"],
        provider=course.world.provider_a,
        data=config.SettingsData(duty_clinician_id=None, escalation_hours=1),
    )
    start = (timezone.now() + timedelta(seconds=1)).replace(microsecond=0)
    raised(course, start)
    assert escalate_at(start + timedelta(minutes=59)) == 0
    assert escalate_at(start + timedelta(hours=1)) == 1
    assert escalate_at(start + timedelta(hours=2)) == 1


def test_an_alert_from_another_provider_is_not_escalated_to_these_managers(
    course: Course,
) -> None:
    start = (timezone.now() + timedelta(seconds=1)).replace(microsecond=0)
    raised(course, start)
    escalate_at(start + timedelta(hours=4))
    told = {m.user.username for m in escalation_messages()}  # type: ignore[union-attr]
    assert told == {"manager_a"}


def test_the_escalation_job_is_scheduled() -> None:
    from nurture.periodic import JOBS

    [job] = [job for job in JOBS if job.path.startswith("nurture.safeguarding.escalation")]
    assert job.function() is escalate_overdue
