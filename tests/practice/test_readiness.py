"""The readiness check: every contraindication rule, its boundary, and which one wins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nurture.practice.cues import BabyState
from nurture.practice.readiness import (
    LEGS,
    RULES,
    RULES_BY_ID,
    SETTING_CHECKLIST,
    TUMMY,
    Action,
    Answers,
    Readiness,
    RuleId,
    RulesConfig,
    Verdict,
    assess,
)


def rules(result: Readiness) -> list[RuleId]:
    return [reason.rule for reason in result.reasons]


def test_nothing_to_report_means_go() -> None:
    result = assess(Answers())
    assert result == Readiness(Verdict.GO)
    assert result.message == "Ready when you are."


@pytest.mark.parametrize(
    ("since", "verdict"),
    [
        (timedelta(hours=47, minutes=59), Verdict.DEFER),
        (timedelta(hours=47, minutes=59, seconds=59), Verdict.DEFER),
        (timedelta(hours=48), Verdict.GO),
        (timedelta(0), Verdict.DEFER),
        (timedelta(days=5), Verdict.GO),
    ],
)
def test_immunisation_defers_for_48_hours(since: timedelta, verdict: Verdict) -> None:
    result = assess(Answers(since_immunisation=since))
    assert result.verdict is verdict
    assert rules(result) == ([RuleId.IMMUNISATION] if verdict is Verdict.DEFER else [])


def test_a_provider_sets_the_immunisation_window_and_may_skip_the_site_instead() -> None:
    config = RulesConfig(immunisation_hours=72)
    assert assess(Answers(since_immunisation=timedelta(hours=60)), config).verdict is Verdict.DEFER
    assert assess(Answers(since_immunisation=timedelta(hours=72)), config).verdict is Verdict.GO

    skip = RulesConfig(immunisation_action=Action.SKIP_AREA)
    result = assess(Answers(since_immunisation=timedelta(hours=2)), skip)
    assert result.verdict is Verdict.GO_SKIPPING_AREAS and result.skip_areas == (LEGS,)
    result = assess(
        Answers(since_immunisation=timedelta(hours=2), injection_sites=("arms-and-hands",)), skip
    )
    assert result.skip_areas == ("arms-and-hands",)
    assert "arms and hands" in result.reasons[0].advice


@pytest.mark.parametrize(
    ("since", "minutes"),
    [
        (timedelta(minutes=29), 1),
        (timedelta(minutes=29, seconds=59), 1),
        (timedelta(minutes=29, seconds=1), 1),
        (timedelta(minutes=10), 20),
        (timedelta(0), 30),
        (timedelta(minutes=30), None),
        (timedelta(hours=3), None),
    ],
)
def test_a_recent_feed_means_waiting_until_30_minutes_have_passed(
    since: timedelta, minutes: int | None
) -> None:
    result = assess(Answers(since_feed=since))
    if minutes is None:
        assert result.verdict is Verdict.GO
        return
    assert result.verdict is Verdict.WAIT and result.wait_minutes == minutes
    assert rules(result) == [RuleId.RECENT_FEED]
    assert result.skip_areas == ()
    assert f"{minutes} minutes" in result.message


def test_after_a_feed_a_provider_may_skip_the_tummy_instead_of_waiting() -> None:
    config = RulesConfig(feed_minutes=45, feed_action=Action.SKIP_AREA)
    result = assess(Answers(since_feed=timedelta(minutes=40)), config)
    assert result.verdict is Verdict.GO_SKIPPING_AREAS and result.skip_areas == (TUMMY,)
    assert result.wait_minutes is None
    assert assess(Answers(since_feed=timedelta(minutes=45)), config).verdict is Verdict.GO


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        (Answers(unwell=True), RuleId.UNWELL),
        (Answers(feverish=True), RuleId.FEVER),
    ],
)
def test_an_unwell_or_feverish_baby_is_deferred(answers: Answers, rule: RuleId) -> None:
    result = assess(answers)
    assert result.verdict is Verdict.DEFER and rules(result) == [rule]
    assert result.message.startswith("Not today.") and "teddy" in result.message


@pytest.mark.parametrize(
    ("answers", "rule", "areas"),
    [
        (Answers(sore_skin_areas=("face", "back")), RuleId.BROKEN_SKIN, ("face", "back")),
        (Answers(cord_healed=False), RuleId.CORD, (TUMMY,)),
        (Answers(tummy_upset=True), RuleId.TUMMY_UPSET, (TUMMY,)),
    ],
)
def test_skin_cord_and_tummy_upsets_leave_out_an_area(
    answers: Answers, rule: RuleId, areas: tuple[str, ...]
) -> None:
    result = assess(answers)
    assert result.verdict is Verdict.GO_SKIPPING_AREAS
    assert rules(result) == [rule] and result.skip_areas == areas
    assert "leave out" in result.message


@pytest.mark.parametrize(
    ("answers", "rule", "until"),
    [
        (Answers(state=BabyState.DEEP_SLEEP), RuleId.ASLEEP, "awake"),
        (Answers(state=BabyState.LIGHT_SLEEP), RuleId.ASLEEP, "awake"),
        (Answers(state=BabyState.DROWSY), RuleId.DROWSY, "wide awake"),
        (Answers(state=BabyState.ACTIVE_ALERT), RuleId.FUSSY, "settled"),
        (Answers(state=BabyState.CRYING), RuleId.CRYING, "comforted"),
        (Answers(hungry=True), RuleId.HUNGRY, "fed and settled"),
    ],
)
def test_a_baby_who_is_not_calm_and_alert_is_waited_for(
    answers: Answers, rule: RuleId, until: str
) -> None:
    result = assess(answers)
    assert result.verdict is Verdict.WAIT and rules(result) == [rule]
    assert result.wait_until == (until,) and result.wait_minutes is None
    assert f"until your baby is {until}" in result.message


def test_defer_beats_wait_beats_skip_and_every_reason_is_listed() -> None:
    everything = Answers(
        since_immunisation=timedelta(hours=1),
        since_feed=timedelta(minutes=5),
        cord_healed=False,
        state=BabyState.CRYING,
    )
    result = assess(everything)
    assert result.verdict is Verdict.DEFER
    assert rules(result) == [RuleId.IMMUNISATION, RuleId.CORD, RuleId.RECENT_FEED, RuleId.CRYING]

    result = assess(Answers(since_feed=timedelta(minutes=5), cord_healed=False, hungry=True))
    assert result.verdict is Verdict.WAIT
    assert result.skip_areas == (TUMMY,)  # still to leave out once the wait is over
    assert result.wait_minutes == 25 and result.wait_until == ("fed and settled",)
    assert "25 minutes and until your baby is fed and settled" in result.message

    result = assess(Answers(cord_healed=False, tummy_upset=True, sore_skin_areas=("face",)))
    assert result.verdict is Verdict.GO_SKIPPING_AREAS
    assert result.skip_areas == ("face", TUMMY)


def test_every_rule_says_why_in_plain_words_and_providers_see_their_numbers() -> None:
    assert {rule.id for rule in RULES} == set(RuleId)
    for rule in RULES:
        assert rule.why.endswith(".") and len(rule.why) < 200
        assert rule.action in rule.allowed or not rule.allowed
    config = RulesConfig(immunisation_hours=24, feed_minutes=45)
    assert (
        config.condition(RULES_BY_ID[RuleId.IMMUNISATION]) == "An immunisation in the last 24 hours"
    )
    assert config.condition(RULES_BY_ID[RuleId.RECENT_FEED]) == "Fed less than 45 minutes ago"


@pytest.mark.parametrize(
    "settings",
    [
        {"immunisation_action": Action.WAIT},
        {"feed_action": Action.DEFER},
        {"immunisation_hours": -1},
        {"feed_minutes": 181},
    ],
)
def test_provider_settings_are_checked(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RulesConfig(**settings)  # type: ignore[arg-type]


def test_times_since_cannot_be_in_the_future() -> None:
    with pytest.raises(ValueError):
        Answers(since_feed=timedelta(minutes=-1))


def test_the_setting_checklist() -> None:
    ids = [item.id for item in SETTING_CHECKLIST]
    assert ids == ["warm", "quiet", "oil", "towel", "phone"]
    oil = SETTING_CHECKLIST[2]
    assert "no nut oils" in oil.label and "Unscented vegetable oil" in oil.label
    assert all(item.why for item in SETTING_CHECKLIST)


# Hypothesis: any answers, any provider settings.

durations = (
    st.none()
    | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4))
    | st.integers(0, 400).map(lambda minutes: timedelta(minutes=minutes))
    | st.integers(0, 400).map(lambda hours: timedelta(hours=hours))
)
area_ids = st.lists(
    st.sampled_from(["face", "back", "chest", TUMMY, LEGS]), unique=True, max_size=3
).map(tuple)
answers = st.builds(
    Answers,
    since_immunisation=durations,
    injection_sites=area_ids,
    unwell=st.booleans(),
    feverish=st.booleans(),
    sore_skin_areas=area_ids,
    cord_healed=st.booleans(),
    tummy_upset=st.booleans(),
    since_feed=durations,
    state=st.sampled_from(list(BabyState)),
    hungry=st.booleans(),
)
configs = st.builds(
    RulesConfig,
    immunisation_hours=st.integers(0, 24 * 14),
    immunisation_action=st.sampled_from([Action.DEFER, Action.SKIP_AREA]),
    feed_minutes=st.integers(0, 180),
    feed_action=st.sampled_from([Action.WAIT, Action.SKIP_AREA]),
)


def expected_rules(a: Answers, config: RulesConfig) -> set[RuleId]:
    """The rules that apply, worked out independently of ``assess``."""
    hours, minutes = config.immunisation_hours, config.feed_minutes
    triggered = {
        RuleId.IMMUNISATION: a.since_immunisation is not None
        and a.since_immunisation.total_seconds() < hours * 3600,
        RuleId.UNWELL: a.unwell,
        RuleId.FEVER: a.feverish,
        RuleId.BROKEN_SKIN: bool(a.sore_skin_areas),
        RuleId.CORD: not a.cord_healed,
        RuleId.TUMMY_UPSET: a.tummy_upset,
        RuleId.RECENT_FEED: a.since_feed is not None
        and a.since_feed.total_seconds() < minutes * 60,
        RuleId.ASLEEP: a.state in (BabyState.DEEP_SLEEP, BabyState.LIGHT_SLEEP),
        RuleId.DROWSY: a.state is BabyState.DROWSY,
        RuleId.FUSSY: a.state is BabyState.ACTIVE_ALERT,
        RuleId.CRYING: a.state is BabyState.CRYING,
        RuleId.HUNGRY: a.hungry,
    }
    return {rule for rule, applies in triggered.items() if applies}


@given(a=answers, config=configs)
def test_every_rule_that_applies_gives_a_reason_and_the_strictest_action_wins(
    a: Answers, config: RulesConfig
) -> None:
    result = assess(a, config)
    assert set(rules(result)) == expected_rules(a, config)
    assert len(rules(result)) == len(set(rules(result)))
    for reason in result.reasons:
        assert reason.why and reason.advice and reason.text.startswith(reason.why)
        assert reason.action is config.action(RULES_BY_ID[reason.rule])
        assert bool(reason.areas) == (reason.action is Action.SKIP_AREA)
    actions = {reason.action for reason in result.reasons}
    if Action.DEFER in actions:
        assert result.verdict is Verdict.DEFER
    elif Action.WAIT in actions:
        assert result.verdict is Verdict.WAIT
        assert result.wait_minutes is not None or result.wait_until
    elif Action.SKIP_AREA in actions:
        assert result.verdict is Verdict.GO_SKIPPING_AREAS
    else:
        assert result.verdict is Verdict.GO and result.reasons == ()
    assert set(result.skip_areas) == {area for r in result.reasons for area in r.areas}
    assert result.message
    assert Readiness.from_dict(result.to_dict()) == result


@pytest.mark.parametrize(("since", "minutes"), [(None, None), (timedelta(minutes=45), 45)])
def test_the_feed_answer_is_kept_with_the_result_for_the_insights(
    since: timedelta | None, minutes: int | None
) -> None:
    result = assess(Answers(since_feed=since))
    assert result.since_feed_minutes == minutes
    assert result.to_dict()["since_feed_minutes"] == minutes
    assert Readiness.from_dict(result.to_dict()) == result
