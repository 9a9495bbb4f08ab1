"""Who sees responses, scores, alerts and concerns, through the API and the policy.

The expected answers are written out by hand from the rules (health visitors for their own
families and the provider's managers see details; facilitators only flags; parents never
scores, alerts or concerns), not computed with the policy module.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nurture import policy
from nurture.audit.models import AuditEvent
from nurture.outcomes.models import Response, SafeguardingConcern, SafetyAlert, TimePoint
from nurture.questionnaires import selectors, services
from nurture.safeguarding import alerts, concerns
from nurture.safeguarding import selectors as safeguarding_selectors
from nurture.safeguarding.api import alert_out
from tests.conftest import World, api_client_for
from tests.questionnaires.conftest import Course, answers, submit

pytestmark = pytest.mark.django_db

SEES_DETAILS = {
    "admin": {"a1", "b1"},
    "manager_a": {"a1"},
    "hv_a": {"a1"},
    "hv_a2": set(),
    "facilitator_a": set(),
    "manager_b": {"b1"},
    "hv_b": {"b1"},
    "parent_a": set(),
    "parent_a2": set(),
    "parent_b": set(),
}
SEES_FLAGS_OF_RUN = {"admin", "manager_a", "facilitator_a"}
USERS = sorted(SEES_DETAILS)
SELF_HARM = [0, 0, 0, 0, 0, 0, 0, 0, 2]


@dataclass
class Records:
    course: Course
    responses: dict[str, Response]
    alerts: dict[str, SafetyAlert]
    concerns: dict[str, SafeguardingConcern]


def _concern(world: World, family: str, by: str) -> SafeguardingConcern:
    concern, _ = concerns.record_concern(
        actor=world.users[by],
        family=world.families[family],
        data=concerns.ConcernData(
            id=uuid.uuid4(),
            seen="Small bruise on the upper arm of a baby who is not yet rolling.",
            regions=["front_left_arm"],
            explanation="Mum said the car seat strap caught it.",
            action="Discussed with the safeguarding lead.",
            informed="Safeguarding lead, GP",
            review_on=timezone.localdate() + timedelta(days=7),
        ),
    )
    return concern


@pytest.fixture
def records(course: Course) -> Records:
    world = course.world
    a1 = submit(course, SELF_HARM).response
    b1 = services.submit_response(
        actor=world.users["hv_b"], carer=world.families["b1"].carers.get(), instrument_key="phq9",
        version="1", answers=answers(SELF_HARM), client_id=uuid.uuid4(), point=TimePoint.AD_HOC,
    ).response  # fmt: skip
    return Records(
        course=course,
        responses={"a1": a1, "b1": b1},
        alerts={"a1": a1.alert, "b1": b1.alert},
        concerns={"a1": _concern(world, "a1", "hv_a"), "b1": _concern(world, "b1", "hv_b")},
    )


def _get(client: Client, url: str) -> Any:
    return client.get(f"/api/v1{url}")


@pytest.mark.parametrize("who", USERS)
def test_scores_responses_alerts_and_concerns_by_role(records: Records, who: str) -> None:
    world = records.course.world
    client = api_client_for(world.users[who])
    for key in ("a1", "b1"):
        family = world.families[key]
        expected = 200 if key in SEES_DETAILS[who] else 404
        assert _get(client, f"/families/{family.pk}/scores").status_code == expected, key
        assert _get(client, f"/responses/{records.responses[key].pk}").status_code == expected
        assert _get(client, f"/alerts/{records.alerts[key].pk}").status_code == expected
        assert _get(client, f"/families/{family.pk}/concerns").status_code == expected
        assert _get(client, f"/concerns/{records.concerns[key].pk}").status_code == expected
    listed = {row["family_id"] for row in _get(client, "/alerts").json()}
    assert listed == {str(world.families[key].pk) for key in SEES_DETAILS[who]}


@pytest.mark.parametrize("who", USERS)
def test_policy_functions_by_role(records: Records, who: str) -> None:
    world = records.course.world
    user = world.users[who]
    for key in ("a1", "b1"):
        family = world.families[key]
        sees = key in SEES_DETAILS[who]
        assert policy.can_see_scores(user, family) is sees
        assert policy.responses_visible_to(user).filter(family=family).exists() is sees
        assert policy.concerns_visible_to(user).filter(family=family).exists() is sees
        assert policy.alerts_visible_to(user).filter(family=family).exists() is sees
        clinician = sees and who != "admin"
        assert policy.can_record_concern(user, family) is clinician
        assert policy.can_act_on_alert(user, records.alerts[key]) is clinician
        flags = sees or (who == "facilitator_a" and key == "a1")
        assert policy.can_see_flags(user, family) is flags
        answers_for = clinician or (who == "facilitator_a" and key == "a1")
        answers_for |= who == {"a1": "parent_a", "b1": "parent_b"}[key]
        assert policy.can_answer_for(user, family.carers.get()) is answers_for


@pytest.mark.parametrize("who", USERS)
def test_flags_for_a_course_say_only_that_something_exists(records: Records, who: str) -> None:
    world = records.course.world
    response = _get(api_client_for(world.users[who]), f"/runs/{records.course.run.pk}/flags")
    if who not in SEES_FLAGS_OF_RUN:
        assert response.status_code == 404
        return
    [flag] = response.json()
    assert set(flag) == {"family_id", "carer_names", "alert", "concern", "what_to_do"}
    assert flag["family_id"] == str(world.families["a1"].pk)
    assert (flag["alert"], flag["concern"], flag["carer_names"]) == (True, True, ["Alex"])
    assert "health visitor" in flag["what_to_do"]
    text = response.content.decode().lower()
    assert "bruise" not in text and "arm" not in text and "phq" not in text


def _body(course: Course, given: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What a client sends to answer the baseline PHQ-9 of the course (with a new id)."""
    return {
        "id": str(uuid.uuid4()),
        "instrument": "phq9",
        "version": "1",
        "point": "baseline",
        "enrolment_id": str(course.enrolment.pk),
        "answers": given,
        **extra,
    }


def test_a_parent_gets_a_message_never_a_score(course: Course) -> None:
    client = api_client_for(course.world.users["parent_a"])
    [due, _] = _get(client, "/questionnaires/due").json()
    assert (due["instrument"], due["point"]) == ("phq9", "baseline")
    body = _body(course, answers([3, 3, 3, 3, 3, 0, 0, 0, 1]), enrolment_id=due["enrolment_id"])
    response = client.post("/api/v1/responses", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "message", "show_help", "help"}
    assert data["show_help"] and any("116 123" in line for line in data["help"])
    again = client.post("/api/v1/responses", body, content_type="application/json")
    assert again.status_code == 200 and again.json() == data
    text = " ".join([data["message"], *data["help"]]).lower()
    for word in ("score", "total", "band", "alert", "severe", "15"):
        assert word not in text, word
    assert _get(client, "/alerts").json() == []
    assert _get(client, f"/families/{course.family.pk}/scores").status_code == 404
    response_id = Response.objects.get().pk
    assert _get(client, f"/responses/{response_id}").status_code == 404


def test_a_parent_resumes_their_draft_with_their_answers(course: Course) -> None:
    client = api_client_for(course.world.users["parent_a"])
    body = _body(course, {"1": 2, "2": 1})
    saved = client.post("/api/v1/responses/drafts", body, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["answers"] == {"1": 2, "2": 1} and saved.json()["help"] is None
    resumed = _get(client, f"/responses/drafts/{saved.json()['id']}").json()
    assert resumed["answered"] == [1, 2]
    body["answers"] = {"9": 1}
    urgent = client.post("/api/v1/responses/drafts", body, content_type="application/json")
    assert urgent.json()["help"]["show_help"] is True
    other = api_client_for(course.world.users["parent_a2"])
    assert _get(other, f"/responses/drafts/{saved.json()['id']}").status_code == 404


def test_a_facilitator_never_receives_answers(course: Course) -> None:
    world = course.world
    client = api_client_for(world.users["facilitator_a"])
    [carer] = _get(client, f"/families/{course.family.pk}/questionnaires/due").json()
    assert carer["carer_name"] == "Alex" and len(carer["due"]) == 2
    body = _body(course, {"1": 2, "9": 1}, carer_id=str(course.carer.pk))
    draft = client.post("/api/v1/responses/drafts", body, content_type="application/json").json()
    assert draft["answers"] is None and draft["answered"] == [1, 9]
    body |= {"id": str(uuid.uuid4()), "answers": answers([2, 0, 0, 0, 0, 0, 0, 0, 1])}
    submitted = client.post("/api/v1/responses", body, content_type="application/json")
    assert submitted.status_code == 201
    assert set(submitted.json()) == {"id", "message", "show_help", "help"}
    response = Response.objects.get()
    assert response.administered_by == world.users["facilitator_a"]
    assert _get(client, f"/responses/{response.pk}").status_code == 404
    assert _get(client, "/alerts").json() == []
    hv = api_client_for(world.users["hv_a"])
    detail = _get(hv, f"/responses/{response.pk}").json()
    assert detail["answers"] == answers([2, 0, 0, 0, 0, 0, 0, 0, 1])
    assert detail["safety_items"] == [9] and detail["administered_by"] == "Facilitator_A"
    outsider = api_client_for(world.users["hv_a2"])
    assert _get(outsider, f"/families/{course.family.pk}/questionnaires/due").status_code == 404


def test_a_parents_own_draft_never_reaches_a_facilitator_in_class(course: Course) -> None:
    """The parent answers question 9 on her phone; in class, the facilitator's saves and what
    comes back are only what was answered together: no help block, no "9" in answered, and
    the parent's draft is neither read nor added to."""
    parent = api_client_for(course.world.users["parent_a"])
    own = parent.post(
        "/api/v1/responses/drafts",
        _body(course, {"1": 1, "9": 2}),
        content_type="application/json",
    ).json()
    assert own["help"]["show_help"] is True
    facilitator = api_client_for(course.world.users["facilitator_a"])
    [carer] = _get(facilitator, f"/families/{course.family.pk}/questionnaires/due").json()
    phq9_due = next(due for due in carer["due"] if due["instrument"] == "phq9")
    assert phq9_due["draft_id"] is None  # the parent's draft is not named to staff
    assert _get(facilitator, f"/responses/drafts/{own['id']}").status_code == 404
    body = _body(course, {"2": 0}, carer_id=str(course.carer.pk))
    in_class = facilitator.post("/api/v1/responses/drafts", body, content_type="application/json")
    assert in_class.status_code == 200, in_class.content
    reply = in_class.json()
    assert reply["id"] != own["id"]
    assert (reply["answered"], reply["answers"], reply["help"]) == ([2], None, None)
    assert Response.objects.get(pk=own["id"]).answers == {"1": 1, "9": 2}
    again = _get(facilitator, f"/families/{course.family.pk}/questionnaires/due").json()
    assert next(d for d in again[0]["due"] if d["instrument"] == "phq9")["draft_id"] == reply["id"]
    mine = _get(parent, "/questionnaires/due").json()
    assert next(d for d in mine if d["instrument"] == "phq9")["draft_id"] == own["id"]


def test_bad_answers_are_422_naming_the_field(course: Course) -> None:
    client = api_client_for(course.world.users["parent_a"])
    body = _body(course, answers([0] * 8))
    missing = client.post("/api/v1/responses", body, content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"field": "answers.9", "message": "Choose an answer to this question."}
    ]
    body["answers"] = {**answers([0] * 9), "3": "often"}
    wrong = client.post("/api/v1/responses", body, content_type="application/json")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"].startswith("answers.3")
    body["answers"], body["version"] = answers([0] * 9), "7"
    version = client.post("/api/v1/responses", body, content_type="application/json")
    assert version.status_code == 422 and version.json()["errors"][0]["field"] == "version"
    assert not Response.objects.exists()


def test_when_saving_fails_the_parent_is_asked_to_try_again_with_help(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(alerts, "raise_alert", broken)
    client = api_client_for(course.world.users["parent_a"])
    body = _body(course, answers(SELF_HARM))
    response = client.post("/api/v1/responses", body, content_type="application/json")
    assert response.status_code == 503
    assert "try again" in response.json()["detail"]
    assert any("999" in line for line in response.json()["help"])
    assert not Response.objects.exists() and not SafetyAlert.objects.exists()


def test_alert_actions_through_the_api(records: Records) -> None:
    world = records.course.world
    alert = records.alerts["a1"]
    facilitator = api_client_for(world.users["facilitator_a"])
    assert facilitator.post(f"/api/v1/alerts/{alert.pk}/acknowledge").status_code == 404
    hv = api_client_for(world.users["hv_a"])
    acknowledged = hv.post(f"/api/v1/alerts/{alert.pk}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "acknowledged"
    assert acknowledged.json()["can_act"] is True
    incomplete = hv.post(
        f"/api/v1/alerts/{alert.pk}/close",
        {"actions": [], "action_note": "", "outcome": "no_current_risk", "outcome_note": ""},
        content_type="application/json",
    )
    assert incomplete.status_code == 422
    closed = hv.post(
        f"/api/v1/alerts/{alert.pk}/close",
        {
            "actions": ["contacted_parent"],
            "action_note": "Phoned.",
            "outcome": "no_current_risk",
            "outcome_note": "Safe, supported by family.",
        },
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert _get(hv, "/alerts").json() == []
    assert len(_get(hv, "/alerts?include_closed=true").json()) == 1
    views = AuditEvent.objects.filter(object_id=str(alert.pk), actor=world.users["hv_a"])
    assert {"safety_alert.viewed", "safety_alert.listed", "safety_alert.acknowledged",
            "safety_alert.closed"} <= set(views.values_list("action", flat=True))  # fmt: skip


def test_reads_of_scores_and_concerns_are_audited(records: Records) -> None:
    world = records.course.world
    hv = world.users["hv_a"]
    selectors.score_timeline(hv, world.families["a1"])
    safeguarding_selectors.concerns_for_family(hv, world.families["a1"])
    actions = set(AuditEvent.objects.filter(actor=hv).values_list("action", flat=True))
    assert {"outcome_scores.viewed", "safeguarding_concern.listed"} <= actions


def test_the_alert_list_takes_a_fixed_number_of_queries(
    course: Course, django_assert_max_num_queries: Any
) -> None:
    world = course.world
    manager = world.users["manager_a"]

    def more(count: int) -> None:
        for _ in range(count):
            services.submit_response(
                actor=world.users["hv_a"], carer=course.carer, instrument_key="phq9",
                version="1", answers=answers(SELF_HARM), client_id=uuid.uuid4(),
                point=TimePoint.AD_HOC,
            )  # fmt: skip

    def listed() -> list[Any]:
        user = type(manager).objects.get(pk=manager.pk)
        return [alert_out(user, alert) for alert in safeguarding_selectors.alerts_for(user)]

    more(1)
    with django_assert_max_num_queries(12) as one:
        assert len(listed()) == 1
    more(5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(listed()) == 6
