"""Practice sessions: idempotent sync, cue events in constant queries, stress ends it."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.families.models import Baby
from nurture.lib.errors import DomainError
from nurture.practice import selectors, services
from nurture.practice.cues import BabyState, Cue, Permission
from nurture.practice.engine import Plan, PlanArea, Session
from nurture.practice.models import CueEvent, PracticeSession
from nurture.practice.readiness import Answers, assess
from tests.conftest import World

pytestmark = pytest.mark.django_db


def cue_events(count: int, *, last: str = "happy") -> list[services.CueEventData]:
    start = timezone.now()
    return [
        services.CueEventData(
            id=uuid.uuid4(),
            sequence=number,
            step=f"stroke:legs-and-feet:{number - 1}",
            area="legs-and-feet",
            stroke=f"stroke-{number % 3}",
            cue=last if number == count else "happy",
            at=start + timedelta(seconds=number),
        )
        for number in range(1, count + 1)
    ]


def session_data(count: int = 3, **changes: Any) -> services.SessionData:
    start = timezone.now() - timedelta(minutes=15)
    data = services.SessionData(
        id=uuid.uuid4(),
        started_at=start,
        ended_at=start + timedelta(minutes=12),
        outcome="completed",
        areas=["legs-and-feet"],
        strokes=["stroke-0", "stroke-1", "stroke-2"],
        readiness=assess(Answers()).to_dict(),
        notes="She loved the feet today",
        events=cue_events(count),
    )
    return replace(data, **changes)


def baby_of(world: World) -> Baby:
    return world.families["a1"].babies.select_related("family").get()


def test_a_session_is_stored_with_its_cue_events_and_who_logged_it(world: World) -> None:
    baby = baby_of(world)
    session, created = services.session_save(
        actor=world.users["parent_a"], baby=baby, data=session_data(5)
    )
    assert created
    assert session.carer.user == world.users["parent_a"]
    assert session.duration_seconds == 12 * 60
    assert list(session.cue_events.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]


def test_the_same_session_twice_stores_once(world: World) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    data = session_data(4)
    first, created = services.session_save(actor=parent, baby=baby, data=data)
    again, created_again = services.session_save(actor=parent, baby=baby, data=data)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert PracticeSession.objects.count() == 1
    assert CueEvent.objects.count() == 4
    assert AuditEvent.objects.filter(action__startswith="practice_session").count() == 1


def test_cue_events_are_stored_once_by_their_own_ids(world: World) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    data = session_data(3)
    services.session_save(actor=parent, baby=baby, data=replace(data, events=data.events[:2]))
    _, created = services.session_save(actor=parent, baby=baby, data=data)
    assert not created
    assert CueEvent.objects.filter(session_id=data.id).count() == 3
    services.session_save(actor=parent, baby=baby, data=data)
    assert CueEvent.objects.filter(session_id=data.id).count() == 3


def test_a_cue_event_id_from_another_session_is_refused(world: World) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    first = session_data(2)
    services.session_save(actor=parent, baby=baby, data=first)
    with pytest.raises(DomainError) as error:
        services.session_save(actor=parent, baby=baby, data=session_data(2, events=first.events))
    assert "events.0.id" in error.value.errors


def test_events_after_a_stress_cue_are_refused(world: World) -> None:
    events = cue_events(4)
    events[1] = replace(events[1], cue="upset")
    with pytest.raises(DomainError) as error:
        services.session_save(
            actor=world.users["parent_a"],
            baby=baby_of(world),
            data=session_data(events=events, outcome="stopped", stop_reason="stress"),
        )
    assert list(error.value.errors) == ["events"]
    assert not PracticeSession.objects.exists()


def test_crying_in_the_details_counts_as_stress(world: World) -> None:
    events = cue_events(3)
    events[0] = replace(events[0], details={"signs": [], "crying_reason": "tired"})
    with pytest.raises(DomainError) as error:
        services.session_save(
            actor=world.users["parent_a"],
            baby=baby_of(world),
            data=session_data(events=events, outcome="stopped", stop_reason="stress"),
        )
    assert "events" in error.value.errors


def test_a_session_ending_in_stress_is_stored_as_stopped_for_stress(world: World) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    ended = session_data(events=cue_events(3, last="upset"))
    with pytest.raises(DomainError) as error:
        services.session_save(actor=parent, baby=baby, data=ended)
    assert "outcome" in error.value.errors
    session, _ = services.session_save(
        actor=parent, baby=baby, data=replace(ended, outcome="stopped", stop_reason="stress")
    )
    assert session.stop_reason == "stress"


def test_an_engine_replay_that_runs_on_after_stress_is_refused(world: World) -> None:
    plan = Plan((PlanArea("legs-and-feet", ("thigh-milking", "foot-press")),))
    engine = Session(plan)
    engine.readiness(assess(Answers()))
    engine.baby_state(BabyState.QUIET_ALERT)
    engine.permission(Permission.ENGAGED)
    engine.cue(Cue.STRESS)
    saved = engine.to_dict()
    extra = {**saved["events"][-1], "seq": len(saved["events"]) + 1}
    saved["events"].append(extra)
    with pytest.raises(DomainError) as error:
        services.session_save(
            actor=world.users["parent_a"],
            baby=baby_of(world),
            data=session_data(0, engine=saved, outcome="stopped", stop_reason="stress"),
        )
    assert list(error.value.errors) == ["events"]
    ok = {**saved, "events": saved["events"][:-1]}
    upset = services.CueEventData(
        id=uuid.uuid4(),
        sequence=4,
        step="stroke:legs-and-feet:0",
        area="legs-and-feet",
        stroke="thigh-milking",
        cue="upset",
        at=timezone.now(),
    )
    data = session_data(0, engine=ok, outcome="stopped", stop_reason="stress", events=[upset])
    _, created = services.session_save(
        actor=world.users["parent_a"], baby=baby_of(world), data=data
    )
    assert created


def guided(*cues: Cue) -> Session:
    plan = Plan(
        (
            PlanArea("legs-and-feet", ("thigh-milking", "foot-press")),
            PlanArea("tummy", ("water-wheel",)),
        )
    )
    engine = Session(plan)
    engine.readiness(assess(Answers()))
    engine.baby_state(BabyState.QUIET_ALERT)
    engine.permission(Permission.ENGAGED)
    for cue in cues:
        if engine.step.kind == "pause":
            engine.next()
        engine.cue(cue)
    while not engine.final:
        engine.next()
    return engine


def sent_events(engine: Session) -> list[services.CueEventData]:
    taps = {"comfortable": "happy", "mixed": "not_sure", "stress": "upset"}
    return [
        services.CueEventData(
            id=uuid.uuid4(),
            sequence=event.seq,
            step=f"{event.step}:{event.area}:{event.stroke_index}",
            area=event.area or "",
            stroke=event.stroke or "",
            cue=taps[event.value],
            at=timezone.now(),
        )
        for event in engine.events
        if event.kind == "cue"
    ]


@pytest.mark.parametrize(
    ("cues", "outcome", "areas", "strokes"),
    [
        ((Cue.COMFORTABLE,) * 3, "completed", ["legs-and-feet", "tummy"], 3),
        ((Cue.MIXED, Cue.COMFORTABLE, Cue.COMFORTABLE, Cue.COMFORTABLE), "paused_and_resumed",
         ["legs-and-feet", "tummy"], 4),
    ],
)  # fmt: skip
def test_how_a_guided_session_ended_comes_from_its_replay(
    world: World, cues: tuple[Cue, ...], outcome: str, areas: list[str], strokes: int
) -> None:
    engine = guided(*cues)
    data = session_data(
        0, engine=engine.to_dict(), outcome="", areas=[], strokes=[], readiness=None,
        events=sent_events(engine),
    )  # fmt: skip
    session, _ = services.session_save(
        actor=world.users["parent_a"], baby=baby_of(world), data=data
    )
    assert (session.outcome, session.stop_reason) == (outcome, "")
    assert session.areas == areas and len(session.strokes) == strokes
    assert session.readiness == assess(Answers()).to_dict()
    assert session.cue_events.count() == len(cues)


def test_a_guided_session_that_ended_early_is_stopped_ended_early(world: World) -> None:
    engine = guided(Cue.MIXED, Cue.MIXED)
    data = session_data(0, engine=engine.to_dict(), outcome="", events=sent_events(engine))
    session, _ = services.session_save(
        actor=world.users["parent_a"], baby=baby_of(world), data=data
    )
    assert (session.outcome, session.stop_reason) == ("stopped", "ended_early")


@pytest.mark.parametrize("tamper", ["outcome", "drop_event", "change_tap"])
def test_a_guided_session_must_match_its_replay(world: World, tamper: str) -> None:
    engine = guided(Cue.COMFORTABLE, Cue.MIXED, Cue.COMFORTABLE, Cue.COMFORTABLE)
    events = sent_events(engine)
    data = session_data(0, engine=engine.to_dict(), outcome="", events=events)
    if tamper == "outcome":
        data = replace(data, outcome="completed")
    elif tamper == "drop_event":
        data = replace(data, events=events[:-1])
    else:
        data = replace(data, events=[replace(events[0], cue="not_sure"), *events[1:]])
    with pytest.raises(DomainError) as error:
        services.session_save(actor=world.users["parent_a"], baby=baby_of(world), data=data)
    assert list(error.value.errors) == ["outcome" if tamper == "outcome" else "events"]
    assert not PracticeSession.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "stopped"}, "stop_reason"),
        ({"stop_reason": "stress"}, "stop_reason"),
        ({"outcome": "finished"}, "outcome"),
        ({"readiness": {"verdict": "maybe"}}, "readiness"),
    ],
)
def test_bad_sessions_name_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as error:
        services.session_save(
            actor=world.users["parent_a"], baby=baby_of(world), data=session_data(**changes)
        )
    assert field in error.value.errors


def test_every_carer_of_the_baby_can_log_and_staff_cannot(world: World) -> None:
    from nurture.families import services as family_services
    from tests import factories

    family = world.families["a1"]
    baby = baby_of(world)
    partner = family_services.carer_add(
        actor=None,
        family=family,
        details=family_services.CarerDetails(
            given_name="Jamie", family_name="Example", email="jamie@example.org"
        ),
    )
    partner_user = factories.make_user("partner_a")
    family_services.carer_link_login(actor=None, carer=partner, user=partner_user)
    session, _ = services.session_save(actor=partner_user, baby=baby, data=session_data())
    assert session.carer == partner
    for staff in ("hv_a", "manager_a", "admin", "parent_b"):
        with pytest.raises(DomainError):
            services.session_save(actor=world.users[staff], baby=baby, data=session_data())


def test_a_session_id_of_another_baby_is_refused(world: World) -> None:
    data = session_data()
    services.session_save(actor=world.users["parent_a"], baby=baby_of(world), data=data)
    other = world.families["a2"].babies.select_related("family").get()
    with pytest.raises(DomainError) as error:
        services.session_save(actor=world.users["parent_a2"], baby=other, data=data)
    assert list(error.value.errors) == ["id"]


def test_audit_holds_no_notes(world: World) -> None:
    services.session_save(actor=world.users["parent_a"], baby=baby_of(world), data=session_data())
    event = AuditEvent.objects.get(action="practice_session.saved")
    assert "loved" not in str(event.data)
    assert "notes" not in event.data


def test_saving_30_cue_events_takes_as_many_queries_as_3(
    world: World, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.session_save(actor=parent, baby=baby, data=session_data(1))  # warm the scope
    with CaptureQueriesContext(connection) as small:
        services.session_save(actor=parent, baby=baby, data=session_data(3))
    with django_assert_max_num_queries(len(small.captured_queries)):
        services.session_save(actor=parent, baby=baby, data=session_data(30))
    assert CueEvent.objects.count() == 1 + 3 + 30


def test_what_the_baby_enjoyed(world: World) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    for _ in range(2):
        services.session_save(actor=parent, baby=baby, data=session_data(6))
    enjoyed = selectors.enjoyed(baby)
    assert enjoyed == [
        {"stroke": "stroke-0", "happy": 4},
        {"stroke": "stroke-1", "happy": 4},
        {"stroke": "stroke-2", "happy": 4},
    ]
    assert selectors.enjoyed(baby, sessions=1)[0]["happy"] == 2


def test_a_note_added_after_the_session_was_sent_is_kept(world: World) -> None:
    parent, baby = world.users["parent_a"], baby_of(world)
    engine = guided(Cue.COMFORTABLE, Cue.COMFORTABLE, Cue.COMFORTABLE)
    first = session_data(
        0, engine=engine.to_dict(), outcome="", notes="", events=sent_events(engine)
    )
    services.session_save(actor=parent, baby=baby, data=first)
    again = replace(first, notes="She loved the tummy")
    session, created = services.session_save(actor=parent, baby=baby, data=again)
    assert not created and session.notes == "She loved the tummy"
    assert PracticeSession.objects.get().notes == "She loved the tummy"
    assert AuditEvent.objects.filter(action="practice_session.note_added").count() == 1
    services.session_save(actor=parent, baby=baby, data=replace(again, notes=""))
    assert PracticeSession.objects.get().notes == "She loved the tummy"  # never wiped


def test_a_longer_record_of_the_same_session_says_how_it_ended(world: World) -> None:
    parent, baby = world.users["parent_a"], baby_of(world)
    plan = Plan((PlanArea("legs-and-feet", ("thigh-milking", "foot-press")),))
    engine = Session(plan)
    engine.readiness(assess(Answers()))
    engine.baby_state(BabyState.QUIET_ALERT)
    engine.permission(Permission.ENGAGED)
    engine.cue(Cue.COMFORTABLE)
    early = sent_events(engine)
    data = session_data(0, engine=engine.to_dict(), outcome="", events=early)
    stored, _ = services.session_save(actor=parent, baby=baby, data=data)
    assert (stored.outcome, stored.stop_reason) == ("stopped", "parent_stopped")
    engine.cue(Cue.STRESS)
    later = early + sent_events(engine)[1:]
    longer = replace(data, engine=engine.to_dict(), events=later)
    session, created = services.session_save(actor=parent, baby=baby, data=longer)
    assert not created and (session.outcome, session.stop_reason) == ("stopped", "stress")
    assert PracticeSession.objects.get().stop_reason == "stress"
    assert CueEvent.objects.count() == 2
