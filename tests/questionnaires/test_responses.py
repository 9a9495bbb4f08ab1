"""Answering: drafts kept on the server, submission, the alert stored with the response (both
or neither), exactly once, and what the parent is told."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nurture.audit.models import AuditEvent
from nurture.lib.errors import Conflict, DomainError
from nurture.notify.models import Message
from nurture.outcomes.models import (
    AlertState,
    OutcomesSettings,
    Response,
    ResponseStatus,
    SafetyAlert,
    TimePoint,
)
from nurture.questionnaires import config, feedback, packs, scoring, services
from nurture.questionnaires.instruments import Instrument
from tests.questionnaires.conftest import (
    Course,
    answers,
    install,
    make_duty_clinician,
    phq9,
    submit,
)

pytestmark = pytest.mark.django_db

CALM = [0, 1, 0, 1, 0, 0, 1, 0, 0]  # total 3, question 9 at 0


def test_a_calm_response_is_scored_and_stored_without_an_alert(course: Course) -> None:
    submission = submit(course, CALM)
    response = submission.response
    assert submission.created and response.status == ResponseStatus.SUBMITTED
    assert (response.instrument_key, response.instrument_version) == ("phq9", "1")
    assert response.answers == answers(CALM)
    assert (response.total, response.band, response.needs_follow_up) == (3, "Minimal", False)
    assert response.result["threshold"] == 10 and response.administered_by is None
    assert not SafetyAlert.objects.exists()
    assert submission.parent == feedback.ParentResult(feedback.THANKS, False, ())


def test_question_9_raises_one_alert_to_the_hv_with_help_for_the_parent(course: Course) -> None:
    submission = submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    alert = SafetyAlert.objects.get()
    assert alert.response == submission.response and alert.state == AlertState.OPEN
    assert alert.reasons == [scoring.SAFETY_ITEM]
    assert alert.health_visitor == course.world.users["hv_a"] and alert.duty_clinician is None
    parent = submission.parent
    assert parent.show_help and parent.message == feedback.REACH_OUT
    assert "Samaritans, day or night, free: call 116 123." in parent.help
    assert any("999" in line for line in parent.help) and any("111" in line for line in parent.help)
    assert any("Hv_A" in line for line in parent.help)  # their own health visitor, by name
    for words in (parent.message, *parent.help):
        assert not any(ch.isdigit() for ch in parent.message)
        assert "score" not in words.lower() and "depress" not in words.lower()
    [message] = Message.objects.filter(kind="safety_alert")
    assert message.user == course.world.users["hv_a"] and message.family is None
    assert message.urgent and message.subject == "A new alert needs your attention in Nurture"


def test_the_duty_clinician_is_told_too(course: Course) -> None:
    world = course.world
    make_duty_clinician(world, "hv_a2")
    submit(course, [3, 3, 3, 3, 0, 0, 0, 0, 0])  # 12: over the threshold
    alert = SafetyAlert.objects.get()
    assert (
        alert.reasons == [scoring.TOTAL_THRESHOLD] and alert.duty_clinician == world.users["hv_a2"]
    )
    told = {m.user for m in Message.objects.filter(kind="safety_alert")}
    assert told == {world.users["hv_a"], world.users["hv_a2"]}


def test_without_hv_or_duty_clinician_the_managers_are_told_at_once(course: Course) -> None:
    course.family.health_visitor = None
    course.family.save()
    submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    assert SafetyAlert.objects.get().health_visitor is None
    told = {m.user for m in Message.objects.filter(kind="safety_alert")}
    assert told == {course.world.users["manager_a"]}


def test_help_text_is_the_providers_own_when_set(course: Course) -> None:
    OutcomesSettings.objects.create(
        provider=course.world.provider_a, help_text="Call the perinatal line: 0800 000 000\n\n999"
    )
    parent = submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 1]).parent
    assert parent.help == ("Call the perinatal line: 0800 000 000", "999")


def test_missing_answers_are_field_errors_and_nothing_is_stored(course: Course) -> None:
    values = answers(CALM)
    del values["4"]
    values["12"] = 1
    with pytest.raises(DomainError) as error:
        services.submit_response(
            actor=course.world.users["parent_a"], carer=course.carer, instrument_key="phq9",
            version="1", answers=values, client_id=uuid.uuid4(), point=TimePoint.BASELINE,
            enrolment=course.enrolment,
        )  # fmt: skip
    assert error.value.errors == {
        "answers.4": scoring.MISSING,
        "answers.12": scoring.UNKNOWN_ITEM,
    }
    assert not Response.objects.exists()


def test_the_same_client_id_stores_once_and_other_answers_conflict(course: Course) -> None:
    client_id = uuid.uuid4()
    first = submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 1], client_id=client_id)
    again = submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 1], client_id=client_id)
    assert again.response == first.response and not again.created
    assert again.parent.show_help
    assert Response.objects.count() == SafetyAlert.objects.count() == 1
    with pytest.raises(Conflict):
        submit(course, CALM, client_id=client_id)
    with pytest.raises(Conflict):  # the baseline PHQ-9 is answered already
        submit(course, CALM)


def test_response_and_alert_are_both_stored_or_neither(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(SafetyAlert.objects, "create", broken)
    with pytest.raises(RuntimeError):
        submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 3])
    assert not Response.objects.exists() and not SafetyAlert.objects.exists()
    assert not Message.objects.filter(kind="safety_alert").exists()
    assert not AuditEvent.objects.filter(action__startswith="outcome_response").exists()
    monkeypatch.undo()
    submit(course, [0, 0, 0, 0, 0, 0, 0, 0, 3])  # trying again works, once
    assert Response.objects.count() == SafetyAlert.objects.count() == 1


def test_not_due_is_refused(course: Course) -> None:
    with pytest.raises(DomainError) as error:
        submit(course, CALM, point=TimePoint.POST)
    assert error.value.errors == {"instrument": "This questionnaire is not due now."}
    with pytest.raises(DomainError) as error:
        submit(course, CALM, point=TimePoint.AD_HOC)
    assert "point" in error.value.errors


def test_a_facilitator_can_go_through_it_in_class(course: Course) -> None:
    facilitator = course.world.users["facilitator_a"]
    response = submit(course, CALM, actor=facilitator).response
    assert response.administered_by == facilitator
    event = AuditEvent.objects.get(action="outcome_response.submitted")
    assert event.actor == facilitator and event.data["administered"] is True


def test_another_parent_cannot_answer_for_this_carer(course: Course) -> None:
    with pytest.raises(DomainError):
        submit(course, CALM, actor=course.world.users["parent_a2"])
    with pytest.raises(DomainError):
        submit(course, CALM, actor=course.world.users["hv_a2"])


def test_audit_events_hold_no_answers_or_scores(course: Course) -> None:
    services.save_draft(
        actor=course.world.users["parent_a"], carer=course.carer, instrument_key="phq9",
        version="1", answers={"1": 2, "9": 1}, point=TimePoint.BASELINE,
        enrolment=course.enrolment,
    )  # fmt: skip
    submit(course, [3, 3, 3, 3, 3, 3, 3, 3, 1])
    events = list(AuditEvent.objects.all())
    assert {e.action for e in events} >= {
        "outcome_response.started",
        "outcome_response.submitted",
        "safety_alert.raised",
    }
    for event in events:
        flat = str(event.data)
        for banned in ("answers", "total", "band", "score", "safety_item", "threshold"):
            assert banned not in flat, (event.action, flat)
        counted = {key: value for key, value in event.data.items() if key != "notified"}
        assert 25 not in _numbers(counted), event.action  # the total of these answers


def _numbers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return [value] if isinstance(value, int) else []


# --- Drafts ------------------------------------------------------------------------------------


def draft(course: Course, given: dict[str, int], **kw: Any) -> services.DraftSaved:
    return services.save_draft(
        actor=kw.pop("actor", course.world.users["parent_a"]), carer=course.carer,
        instrument_key=kw.pop("instrument", "phq9"), version="1", answers=given,
        point=TimePoint.BASELINE, enrolment=course.enrolment,
    )  # fmt: skip


def test_a_draft_keeps_answers_so_far_and_submission_finishes_it(course: Course) -> None:
    first = draft(course, {"1": 1, "2": 2})
    second = draft(course, {"3": 0, "2": 1})
    assert first.response.pk == second.response.pk and second.parent is None
    assert second.response.answers == {"1": 1, "2": 1, "3": 0}
    assert second.response.status == ResponseStatus.DRAFT
    submission = submit(course, CALM)
    assert submission.response.pk == first.response.pk
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_a_safety_answer_raises_the_alert_as_soon_as_it_is_kept(course: Course) -> None:
    saved = draft(course, {"9": 2})
    assert saved.parent is not None and saved.parent.show_help
    alert = SafetyAlert.objects.get()
    assert alert.response == saved.response and saved.response.needs_follow_up
    # Changing the answer back does not clear the alert; submitting adds no second one.
    draft(course, {"9": 0})
    submission = submit(course, [3, 3, 3, 3, 0, 0, 0, 0, 0])
    assert submission.parent.show_help
    assert SafetyAlert.objects.get().reasons == [scoring.SAFETY_ITEM, scoring.TOTAL_THRESHOLD]
    assert Message.objects.filter(kind="safety_alert").count() == 1


def test_an_old_response_keeps_its_scoring_when_the_threshold_changes(course: Course) -> None:
    values = [2, 2, 2, 2, 1, 0, 0, 0, 0]  # 9
    response = submit(course, values).response
    config.threshold_set(
        actor=course.world.users["manager_a"],
        provider=course.world.provider_a,
        instrument_key="phq9",
        total=8,
    )
    later = services.submit_response(
        actor=course.world.users["hv_a"], carer=course.carer, instrument_key="phq9",
        version="1", answers=answers(values), client_id=uuid.uuid4(), point=TimePoint.AD_HOC,
    ).response  # fmt: skip
    assert later.result["threshold"] == 8 and later.needs_follow_up
    response.refresh_from_db()
    assert response.result["threshold"] == 10 and not response.needs_follow_up
    stored = scoring.Result.from_dict(response.result)
    assert stored == scoring.score(phq9(), {int(k): v for k, v in response.answers.items()})


def test_responses_name_their_pack_version_and_rescore_with_it(
    course: Course, tmp_path: Any, settings: Any, restore_packs: None
) -> None:
    response = submit(course, [2, 2, 2, 2, 1, 0, 0, 0, 0]).response
    v2 = (packs.DATA_DIR / "phq9-1.toml").read_text().replace('version = "1"', 'version = "2"')
    install(
        tmp_path / "licensed",
        settings,
        {"phq9-2.toml": v2.replace("referral_threshold = 10", "referral_threshold = 9")},
    )
    registry = packs.registry()
    assert registry.latest("phq9").version == "2"  # type: ignore[union-attr]
    old = registry.get(response.instrument_key, response.instrument_version)
    assert old is not None and old.referral_threshold == 10
    assert scoring.score(old, {int(k): v for k, v in response.answers.items()}).to_dict() == (
        response.result
    )


# --- Exactly when it should, exactly once --------------------------------------------------------


def _ad_hoc(course: Course, instrument: Instrument, values: list[int], client_id: uuid.UUID) -> Any:
    return services.submit_response(
        actor=course.world.users["hv_a"], carer=course.carer, instrument_key=instrument.key,
        version=instrument.version, answers=answers(values), client_id=client_id,
        point=TimePoint.AD_HOC,
    )  # fmt: skip


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_alert_raised_exactly_when_it_should_exactly_once(
    course: Course, values: list[int]
) -> None:
    client_id = uuid.uuid4()
    response = _ad_hoc(course, phq9(), values, client_id).response
    _ad_hoc(course, phq9(), values, client_id)  # a retry
    expected = values[8] > 0 or sum(values) >= 10
    assert SafetyAlert.objects.filter(response=response).count() == (1 if expected else 0)
    assert Response.objects.filter(client_id=client_id).count() == 1
    assert response.needs_follow_up is expected


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 3), min_size=10, max_size=10))
def test_epds_question_10_alert_exactly_once(
    course: Course, epds: Instrument, positions: list[int]
) -> None:
    client_id = uuid.uuid4()
    submission = _ad_hoc(course, epds, positions, client_id)
    _ad_hoc(course, epds, positions, client_id)
    result = scoring.Result.from_dict(submission.response.result)
    fires = positions[9] != 3  # only "never" (listed last) scores 0 on question 10
    assert (scoring.SAFETY_ITEM in result.reasons) is fires
    alerts_for_it = SafetyAlert.objects.filter(response=submission.response)
    assert alerts_for_it.count() == (1 if fires or result.total >= 13 else 0)
    assert submission.parent.show_help is (fires or result.total >= 13)
