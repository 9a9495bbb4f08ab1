"""The guided session engine: the decision model of domain.md §4.3, step by step."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nurture.practice.cues import BabyState, CryingReason, Cue, CueDetails, Permission
from nurture.practice.engine import (
    ACCEPTS,
    FINAL,
    FLOW,
    WORDS,
    EndReason,
    EventKind,
    EventRejected,
    Outcome,
    OutcomeKind,
    Plan,
    PlanArea,
    Session,
    SessionOver,
    StepKind,
)
from nurture.practice.readiness import Action, Answers, Readiness, RulesConfig, Verdict, assess

GO = assess(Answers())
C, M, S = Cue.COMFORTABLE, Cue.MIXED, Cue.STRESS


def make_plan(*areas: tuple[str, list[str]], favourite: str | None = None) -> Plan:
    return Plan(tuple(PlanArea(area, tuple(strokes)) for area, strokes in areas), favourite)


PLAN = make_plan(
    ("legs-and-feet", ["indian-milking", "thumb-over-thumb"]),
    ("tummy", ["water-wheel"]),
    ("arms-and-hands", ["arm-milking", "rolling"]),
    favourite="arms-and-hands",
)


def begun(plan: Plan = PLAN) -> Session:
    session = Session(plan)
    session.readiness(GO)
    session.baby_state(BabyState.QUIET_ALERT)
    session.permission(Permission.ENGAGED)
    return session


def position(session: Session) -> tuple[StepKind, str | None, int | None]:
    step = session.step
    return step.kind, step.area, step.stroke_index


def every_event(session: Session) -> list[Any]:
    """One call of each kind of event, to check that all of them are refused."""
    return [
        lambda: session.readiness(GO),
        lambda: session.baby_state(BabyState.QUIET_ALERT),
        lambda: session.permission(Permission.ENGAGED),
        *(lambda cue=cue: session.cue(cue) for cue in Cue),
        session.next,
        session.stop,
    ]


def finish_closing(session: Session) -> None:
    for kind in (StepKind.INTEGRATION, StepKind.RESTING_HANDS, StepKind.CUDDLE):
        assert session.step.kind is kind
        session.next()
    assert session.step.kind is StepKind.FINISHED


def test_all_comfortable_goes_area_by_area_stroke_by_stroke_then_the_closing() -> None:
    session = Session(PLAN)
    assert session.step.kind is StepKind.READINESS
    assert session.readiness(GO).kind is StepKind.BABY_STATE
    assert session.baby_state(BabyState.QUIET_ALERT).kind is StepKind.PERMISSION
    session.permission(Permission.ENGAGED)
    seen = [position(session)]
    while seen[-1][0] is StepKind.STROKE:
        session.cue(C)
        seen.append(position(session))
    assert [p for p in seen if p[0] is StepKind.STROKE] == [
        (StepKind.STROKE, "legs-and-feet", 0),
        (StepKind.STROKE, "legs-and-feet", 1),
        (StepKind.STROKE, "tummy", 0),
        (StepKind.STROKE, "arms-and-hands", 0),
        (StepKind.STROKE, "arms-and-hands", 1),
    ]
    finish_closing(session)
    assert session.final and session.outcome == Outcome()
    assert session.outcome.kind is OutcomeKind.COMPLETED
    assert [event.seq for event in session.events] == list(range(1, 12))
    assert len(session.state.done) == 5


def test_a_stroke_step_says_what_to_do_with_rest_hands_first_on_a_new_area() -> None:
    session = begun(Plan(PLAN.areas, names={"legs-and-feet": "legs", "indian-milking": "milking"}))
    step = session.step
    assert step.id == "stroke:legs-and-feet:0"
    assert "Rest your hands on the legs" in step.text and "milking" in step.text
    session.cue(C)
    assert "Rest your hands" not in session.step.text
    assert "thumb over thumb" in session.step.text


def test_mixed_pauses_with_resting_hands_then_retries_the_same_stroke() -> None:
    session = begun()
    session.cue(C)
    pause = session.cue(M)
    assert (pause.kind, pause.area, pause.stroke_index) == (StepKind.PAUSE, "legs-and-feet", 1)
    assert "Rest your hands" in pause.text
    retry = session.next()
    assert (retry.kind, retry.area, retry.stroke_index, retry.attempt) == (
        StepKind.STROKE,
        "legs-and-feet",
        1,
        2,
    )
    assert "again" in retry.text
    assert position(session) == (StepKind.STROKE, "legs-and-feet", 1)
    session.cue(C)
    assert position(session) == (StepKind.STROKE, "tummy", 0)
    assert session.step.attempt == 1
    session.cue(M)
    assert session.step.kind is StepKind.PAUSE  # a new stroke gets its own pause


def test_a_second_mixed_moves_on_to_the_favourite_area_then_ends_early() -> None:
    session = begun()
    session.cue(M)
    session.next()
    step = session.cue(M)
    assert (step.kind, step.area, step.stroke_index) == (StepKind.STROKE, "arms-and-hands", 0)
    assert "favourite" in step.notice
    session.cue(C)
    session.cue(C)
    finish_closing(session)
    assert session.outcome == Outcome(EndReason.SECOND_MIXED)
    assert session.outcome.kind is OutcomeKind.ENDED_EARLY
    assert "enough for today" in session.step.text
    assert all(area != "tummy" for area, _ in session.state.done)


def test_after_the_favourite_comes_the_closing_not_the_rest_of_the_plan() -> None:
    session = begun(Plan(PLAN.areas, "tummy"))
    session.cue(M)
    session.next()
    session.cue(M)
    assert position(session) == (StepKind.STROKE, "tummy", 0)
    assert session.cue(C).kind is StepKind.INTEGRATION


def test_a_second_mixed_without_a_favourite_goes_to_the_closing() -> None:
    session = begun(Plan(PLAN.areas))
    session.cue(M)
    session.next()
    assert session.cue(M).kind is StepKind.INTEGRATION
    finish_closing(session)
    assert session.outcome == Outcome(EndReason.SECOND_MIXED)


def test_a_second_mixed_ends_when_the_favourite_is_already_done() -> None:
    session = begun(Plan(PLAN.areas, "legs-and-feet"))
    session.cue(C)
    session.cue(C)
    session.cue(M)
    session.next()
    assert session.cue(M).kind is StepKind.INTEGRATION


def test_a_second_mixed_in_the_favourite_itself_ends() -> None:
    session = begun(Plan(PLAN.areas, "legs-and-feet"))
    session.cue(M)
    session.next()
    assert session.cue(M).kind is StepKind.INTEGRATION


def test_a_second_mixed_in_the_favourite_after_moving_there_ends() -> None:
    session = begun()
    session.cue(M)
    session.next()
    session.cue(M)
    assert position(session) == (StepKind.STROKE, "arms-and-hands", 0)
    session.cue(M)
    session.next()
    assert session.cue(M).kind is StepKind.INTEGRATION
    finish_closing(session)
    assert session.outcome == Outcome(EndReason.SECOND_MIXED)


@pytest.mark.parametrize("where", ["stroke", "pause", "integration", "cuddle"])
def test_stress_stops_at_once_and_nothing_is_taken_afterwards(where: str) -> None:
    session = begun()
    if where == "pause":
        session.cue(M)
    elif where in ("integration", "cuddle"):
        for _ in range(5):
            session.cue(C)
        if where == "cuddle":
            session.next()
            session.next()
    assert session.step.kind.value == where
    step = session.cue(S)
    assert step.kind is StepKind.STOP_AND_TEND and step.final and not step.accepts
    assert "pick your baby up" in step.text
    assert session.outcome == Outcome(EndReason.STRESS)
    assert session.outcome.kind is OutcomeKind.STOPPED
    before = session.to_dict()
    for attempt in every_event(session):
        with pytest.raises(SessionOver):
            attempt()
    assert session.to_dict() == before


@pytest.mark.parametrize(
    ("tap", "details", "expected"),
    [
        (C, CueDetails(signs=("smiling", "easy-breathing")), StepKind.STROKE),
        (C, CueDetails(signs=("smiling", "yawning")), StepKind.PAUSE),
        (C, CueDetails(signs=("arching",)), StepKind.STOP_AND_TEND),
        (M, CueDetails(signs=("crying",)), StepKind.STOP_AND_TEND),
        (M, CueDetails(crying_reason=CryingReason.TIRED), StepKind.STOP_AND_TEND),
        (S, CueDetails(signs=("smiling",)), StepKind.STOP_AND_TEND),
    ],
)
def test_details_can_raise_the_tap_but_never_lower_it(
    tap: Cue, details: CueDetails, expected: StepKind
) -> None:
    session = begun()
    assert session.cue(tap, details).kind is expected
    assert session.events[-1].details == details
    assert session.events[-1].value == tap.value


def test_stop_and_tend_suggests_how_to_meet_the_need_behind_crying() -> None:
    session = begun()
    step = session.cue(S, CueDetails(signs=("crying",), crying_reason=CryingReason.HUNGRY))
    assert step.kind is StepKind.STOP_AND_TEND and "offer a feed" in step.notice


def test_unknown_signs_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown sign"):
        CueDetails(signs=("grumpy",))


def test_only_an_upset_tap_changes_a_pause_or_the_closing() -> None:
    session = begun()
    session.cue(M)
    before = session.to_dict()
    for cue in (C, M):
        with pytest.raises(EventRejected) as error:
            session.cue(cue)
        assert not isinstance(error.value, SessionOver)
    assert session.to_dict() == before


def test_not_now_ends_the_session_gently() -> None:
    session = Session(PLAN)
    session.readiness(GO)
    session.baby_state(BabyState.QUIET_ALERT)
    step = session.permission(Permission.DISENGAGED)
    assert step.kind is StepKind.NOT_NOW and step.final
    assert session.outcome == Outcome(EndReason.NOT_NOW)
    with pytest.raises(SessionOver):
        session.cue(C)


def test_readiness_defer_ends_wait_stays_and_skipped_areas_are_left_out() -> None:
    deferred = Session(PLAN)
    step = deferred.readiness(assess(Answers(feverish=True)))
    assert step.kind is StepKind.DEFERRED and "temperature" in step.notice
    assert deferred.outcome == Outcome(EndReason.DEFERRED)

    session = Session(PLAN)
    step = session.readiness(assess(Answers(since_feed=timedelta(minutes=10))))
    assert step.kind is StepKind.READINESS and "20 minutes" in step.notice
    step = session.readiness(assess(Answers(cord_healed=False)))
    assert step.kind is StepKind.BABY_STATE and "tummy" in step.notice
    session.baby_state(BabyState.QUIET_ALERT)
    session.permission(Permission.ENGAGED)
    while session.step.kind is StepKind.STROKE:
        assert session.step.area != "tummy"
        session.cue(C)
    finish_closing(session)
    assert session.outcome == Outcome()


def test_a_plan_with_every_area_left_out_is_deferred() -> None:
    session = Session(make_plan(("tummy", ["water-wheel", "sun-and-moon"])))
    assert session.readiness(assess(Answers(tummy_upset=True))).kind is StepKind.DEFERRED


def test_immunisation_can_skip_the_injection_site_when_the_provider_says_so() -> None:
    config = RulesConfig(immunisation_action=Action.SKIP_AREA)
    result = assess(Answers(since_immunisation=timedelta(hours=3)), config)
    assert result.verdict is Verdict.GO_SKIPPING_AREAS
    session = Session(PLAN)
    session.readiness(result)
    assert session.state.route == ("tummy", "arms-and-hands")


@pytest.mark.parametrize("state", [s for s in BabyState if s is not BabyState.QUIET_ALERT], ids=str)
def test_a_baby_who_is_not_calm_and_alert_is_waited_for(state: BabyState) -> None:
    session = Session(PLAN)
    session.readiness(GO)
    step = session.baby_state(state)
    assert step.kind is StepKind.BABY_STATE and step.notice
    assert session.baby_state(BabyState.QUIET_ALERT).kind is StepKind.PERMISSION


def test_the_parent_may_stop_at_any_step_before_the_end() -> None:
    for steps_taken in range(6):
        session = Session(PLAN)
        actions = [lambda s: s.readiness(GO), lambda s: s.baby_state(BabyState.QUIET_ALERT)]
        actions += [lambda s: s.permission(Permission.ENGAGED)] + [lambda s: s.cue(C)] * 3
        for action in actions[:steps_taken]:
            action(session)
        assert session.stop().kind is StepKind.STOPPED
        assert session.outcome == Outcome(EndReason.PARENT_STOPPED)


def test_events_the_step_does_not_take_are_refused_and_change_nothing() -> None:
    session = Session(PLAN)
    for attempt in (
        lambda: session.cue(C),
        session.next,
        lambda: session.permission(Permission.ENGAGED),
    ):
        with pytest.raises(EventRejected):
            attempt()
    assert session.events == [] and session.step.kind is StepKind.READINESS


def test_plans_must_make_sense() -> None:
    with pytest.raises(ValueError):
        Plan(())
    with pytest.raises(ValueError):
        make_plan(("legs", ["a"]), ("legs", ["b"]))
    with pytest.raises(ValueError):
        make_plan(("legs", ["a"]), favourite="face")
    with pytest.raises(ValueError):
        PlanArea("legs", ())
    assert make_plan(("tummy", ["knees-up", "water-wheel", "knees-up"])).areas[0].strokes[2]


def test_every_step_kind_has_words_and_only_final_steps_take_nothing() -> None:
    assert set(WORDS) == set(StepKind)
    assert {k for k in StepKind if k not in ACCEPTS} == FINAL
    assert all(EventKind.STOP in ACCEPTS[k] for k in ACCEPTS)
    assert FLOW[0] is StepKind.READINESS and FLOW[-1] is StepKind.FINISHED


def test_events_record_the_step_the_cue_and_the_time() -> None:
    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    session = begun()
    session.cue(M, CueDetails(signs=("hiccups",)), at=at)
    event = session.events[-1]
    assert (event.seq, event.kind, event.step, event.area, event.stroke, event.at) == (
        4,
        EventKind.CUE,
        StepKind.STROKE,
        "legs-and-feet",
        "indian-milking",
        at,
    )


def roundtrip(session: Session) -> Session:
    return Session.from_dict(json.loads(json.dumps(session.to_dict())))


def test_a_session_resumes_from_a_plain_dict_and_refuses_a_doctored_one() -> None:
    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    session = begun()
    session.cue(M, CueDetails(signs=("yawning",), crying_reason=None), at=at)
    assert roundtrip(session) == session
    data = session.to_dict()
    data["events"][3]["area"] = "tummy"
    with pytest.raises(EventRejected):
        Session.from_dict(data)
    data = session.to_dict()
    del data["events"][1]
    with pytest.raises(EventRejected):
        Session.from_dict(data)
    with pytest.raises(EventRejected):
        Session.from_dict({"version": 2})


def test_receive_is_idempotent_and_in_order() -> None:
    phone = begun()
    server = Session(PLAN)
    for event in phone.events:
        server.receive(event.to_dict())
        server.receive(event.to_dict())  # sent twice: stored once
    assert server == phone
    phone.cue(C)
    phone.cue(S)
    with pytest.raises(EventRejected, match="Expected event 4, got 5"):
        server.receive(phone.events[-1].to_dict())
    changed = phone.events[0].to_dict() | {"value": Verdict.WAIT.value}
    with pytest.raises(EventRejected, match="differs"):
        server.receive(changed)
    for event in phone.events[3:]:
        server.receive(event.to_dict())
    assert server == phone and server.final
    for junk in ({"seq": "x"}, {"seq": 9, "kind": "cue", "step": "stroke", "details": 3}):
        with pytest.raises(EventRejected):
            server.receive(junk)
    with pytest.raises(EventRejected):
        Session.from_dict({"version": 1, "plan": {"areas": [], "names": 3}})


# Hypothesis: arbitrary cue sequences over arbitrary plans.

AREA_IDS = ["legs-and-feet", "tummy", "chest", "arms-and-hands", "face", "back", "movements"]
STROKE_IDS = ["a", "b", "c", "d"]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    ids = draw(st.lists(st.sampled_from(AREA_IDS), min_size=1, max_size=5, unique=True))
    areas = tuple(
        PlanArea(area, tuple(draw(st.lists(st.sampled_from(STROKE_IDS), min_size=1, max_size=4))))
        for area in ids
    )
    return Plan(areas, draw(st.none() | st.sampled_from(ids)))


cue_lists = st.lists(st.sampled_from(list(Cue)), max_size=60)


def drive(session: Session, cues: list[Cue]) -> list[tuple[Any, Any, Any]]:
    """Feed cues: a stroke takes the cue, other steps go on unless the cue is upset.

    Once the list runs out, the baby is comfortable. Returns (before, cue, after) steps.
    """
    trace = []
    stream = iter(cues)
    while not session.final:
        before, cue = session.step, next(stream, C)
        after = session.cue(cue) if before.kind is StepKind.STROKE or cue is S else session.next()
        trace.append((before, cue, after))
    return trace


@settings(max_examples=300)
@given(plan=plans(), cues=cue_lists)
def test_the_session_ends_within_three_events_a_stroke_and_never_goes_on_after_stress(
    plan: Plan, cues: list[Cue]
) -> None:
    session = begun(plan)
    trace = drive(session, cues)
    strokes = sum(len(area.strokes) for area in plan.areas)
    assert len(session.events) <= 3 + 3 * strokes + 3
    assert [event.seq for event in session.events] == list(range(1, len(session.events) + 1))
    stressed = [i for i, (_, cue, after) in enumerate(trace) if cue is S]
    if stressed:
        assert stressed[0] == len(trace) - 1
        assert trace[-1][2].kind is StepKind.STOP_AND_TEND
        assert session.outcome == Outcome(EndReason.STRESS)
    else:
        assert session.step.kind is StepKind.FINISHED
        assert session.outcome is not None and session.outcome.kind in (
            OutcomeKind.COMPLETED,
            OutcomeKind.ENDED_EARLY,
        )
    before = session.to_dict()
    for attempt in every_event(session):
        with pytest.raises(SessionOver):
            attempt()
    assert session.to_dict() == before


@settings(max_examples=300)
@given(plan=plans(), cues=cue_lists)
def test_mixed_is_followed_by_a_pause_then_the_same_stroke_and_never_a_third_time(
    plan: Plan, cues: list[Cue]
) -> None:
    session = begun(plan)
    trace = drive(session, cues)
    cues_at: dict[tuple[str | None, int | None], list[Cue]] = {}
    moved_to: str | None = None
    for index, (before, cue, after) in enumerate(trace):
        if before.kind is not StepKind.STROKE:
            continue
        spot = (before.area, before.stroke_index)
        assert len(cues_at.get(spot, [])) < 2 and cues_at.get(spot) != [C]
        assert before.attempt == 1 + len(cues_at.get(spot, []))
        if moved_to is not None:
            assert before.area == moved_to == plan.favourite
        cues_at.setdefault(spot, []).append(cue)
        if cue is M and before.attempt == 1:
            assert (after.kind, after.area, after.stroke_index) == (StepKind.PAUSE, *spot)
            following = trace[index + 1]
            if following[1] is not S:
                retry = following[2]
                assert (retry.kind, retry.area, retry.stroke_index) == (StepKind.STROKE, *spot)
                assert retry.attempt == 2
        if cue is M and before.attempt == 2:
            assert after.kind in (StepKind.STROKE, StepKind.INTEGRATION)
            assert (after.area, after.stroke_index) != spot
            moved_to = after.area if after.kind is StepKind.STROKE else "the closing"
    completed = all(c == [C] or c == [M, C] for c in cues_at.values())
    if session.outcome == Outcome():
        assert completed and len(cues_at) == sum(len(a.strokes) for a in plan.areas)


@given(plan=plans(), cues=cue_lists, data=st.data())
def test_a_session_round_trips_through_a_plain_dict_at_every_point(
    plan: Plan, cues: list[Cue], data: st.DataObject
) -> None:
    skipped = data.draw(st.sets(st.sampled_from([a.id for a in plan.areas])))
    result = (
        Readiness(Verdict.GO_SKIPPING_AREAS, skip_areas=tuple(sorted(skipped))) if skipped else GO
    )
    session = Session(plan)
    assert roundtrip(session) == session
    session.readiness(result)
    if session.final:
        assert set(skipped) == {a.id for a in plan.areas}
        assert roundtrip(session) == session
        return
    session.baby_state(BabyState.QUIET_ALERT)
    session.permission(Permission.ENGAGED)
    stream = iter(cues)
    while not session.final:
        assert roundtrip(session) == session
        assert session.step.area not in skipped
        cue = next(stream, C)
        session.cue(cue) if session.step.kind is StepKind.STROKE or cue is S else session.next()
    assert roundtrip(session) == session


operations = st.lists(
    st.one_of(
        st.sampled_from(list(Verdict)).map(lambda v: ("readiness", v)),
        st.sampled_from(list(BabyState)).map(lambda s: ("baby_state", s)),
        st.sampled_from(list(Permission)).map(lambda p: ("permission", p)),
        st.sampled_from(list(Cue)).map(lambda c: ("cue", c)),
        st.just(("next", None)),
        st.just(("stop", None)),
    ),
    max_size=40,
)


def readiness_for(verdict: Verdict) -> Readiness:
    return {
        Verdict.GO: GO,
        Verdict.GO_SKIPPING_AREAS: assess(Answers(cord_healed=False)),
        Verdict.WAIT: assess(Answers(hungry=True)),
        Verdict.DEFER: assess(Answers(unwell=True)),
    }[verdict]


@given(plan=plans(), ops=operations)
def test_any_stream_of_events_keeps_the_rules(plan: Plan, ops: list[tuple[str, Any]]) -> None:
    """Refused events change nothing; after a final step everything is refused."""
    session = Session(plan)
    for name, value in ops:
        before = session.to_dict()
        was_final = session.final
        arguments = [readiness_for(value)] if name == "readiness" else [value] * (value is not None)
        try:
            getattr(session, name)(*arguments)
        except EventRejected as error:
            assert session.to_dict() == before
            assert isinstance(error, SessionOver) == was_final
            continue
        assert not was_final
        if name == "cue" and value is S:
            assert session.step.kind is StepKind.STOP_AND_TEND
    cues = [e for e in session.events if e.kind is EventKind.CUE]
    assert all(e.value != S.value for e in cues[:-1])
    assert roundtrip(session) == session
