"""The guided session table: walking it must be exactly walking the engine, in Python and in
the browser's script (run under Node)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nurture.practice.cues import SIGNS, BabyState, CryingReason, Cue, CueDetails, Permission
from nurture.practice.engine import EventRejected, Plan, PlanArea, Session, describe
from nurture.practice.graph import EVENTS, MAX_NODES, compile_session, start_after_readiness
from nurture.practice.readiness import Answers, assess

ROOT = Path(__file__).resolve().parents[2]
WALKER = ROOT / "static" / "js" / "guide-table.js"


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(1, 4))
    areas = tuple(
        PlanArea(f"area-{n}", tuple(f"s{n}-{k}" for k in range(draw(st.integers(1, 3)))))
        for n in range(count)
    )
    favourite = draw(st.sampled_from([None, *[area.id for area in areas]]))
    return Plan(areas, favourite=favourite)


def engine_step(session: Session) -> dict[str, Any]:
    step = describe(session.plan, session.state)
    return {"kind": step.kind.value, "id": step.id, "text": step.text, "notice": step.notice}


def table_step(node: dict[str, Any]) -> dict[str, Any]:
    return {key: node["step"][key] for key in ("kind", "id", "text", "notice")}


@given(plan=plans(), skip=st.booleans(), choices=st.lists(st.integers(0, 30), max_size=60))
def test_walking_the_table_is_walking_the_engine(
    plan: Plan, skip: bool, choices: list[int]
) -> None:
    answers = Answers(sore_skin_areas=(plan.areas[0].id,)) if skip else Answers()
    engine = Session(plan)
    table = start_after_readiness(Session(plan), assess(answers))
    engine.readiness(assess(answers))
    node = table["nodes"][table["start"]]
    for choice in choices:
        assert table_step(node) == engine_step(engine)
        assert node["step"]["final"] == engine.final
        if not node["edges"]:
            break
        names = sorted(node["edges"])
        name = names[choice % len(names)]
        make = next(make for edge, _, make in EVENTS if edge == name)
        make(engine)
        node = table["nodes"][node["edges"][name]]
    assert table_step(node) == engine_step(engine)
    outcome = engine.outcome
    expected = None if outcome is None else {
        "kind": outcome.kind.value, "reason": outcome.reason.value if outcome.reason else None
    }  # fmt: skip
    assert node["outcome"] == expected


@given(plan=plans())
def test_every_edge_is_an_event_the_engine_takes_and_finals_have_none(plan: Plan) -> None:
    table = start_after_readiness(Session(plan), assess(Answers()))
    for node in table["nodes"].values():
        assert bool(node["edges"]) != node["step"]["final"]
        assert set(node["edges"]) <= {name for name, _, _ in EVENTS}
        if node["step"]["kind"] in ("stop-and-tend",):
            assert node["outcome"] == {"kind": "stopped", "reason": "stress"}


def test_a_stress_sign_always_leads_to_stop_and_tend() -> None:
    plan = Plan(tuple(PlanArea(f"a{n}", ("x", "y")) for n in range(3)), favourite="a2")
    table = start_after_readiness(Session(plan), assess(Answers()))
    for node in table["nodes"].values():
        for name, target in node["edges"].items():
            if name.startswith("cue:stress"):
                assert table["nodes"][target]["step"]["kind"] == "stop-and-tend"


def test_a_full_week_five_plan_stays_small() -> None:
    plan = Plan(tuple(PlanArea(f"a{n}", tuple(f"s{k}" for k in range(6))) for n in range(7)))
    table = start_after_readiness(Session(plan), assess(Answers()))
    assert len(table["nodes"]) < 300
    assert len(json.dumps(table)) < 150_000


def test_the_table_refuses_a_plan_too_large_to_guide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nurture.practice.graph.MAX_NODES", 10)
    plan = Plan(tuple(PlanArea(f"a{n}", ("x", "y")) for n in range(3)))
    session = Session(plan)
    session.readiness(assess(Answers()))
    with pytest.raises(ValueError, match="too large"):
        compile_session(session)
    assert MAX_NODES > 10


# ---- the browser's walker, under Node ---------------------------------------------------

SIGN_IDS = sorted(SIGNS)


def random_answer(rng: random.Random, kind: str) -> dict[str, Any]:
    if kind == "baby-state":
        return {"kind": kind, "value": rng.choice(list(BabyState)).value}
    if kind == "permission":
        return {"kind": kind, "value": rng.choice(list(Permission)).value}
    if kind in ("stroke", "pause", "integration", "resting-hands", "cuddle"):
        roll = rng.random()
        if roll < 0.08:
            return {"kind": "stop", "value": ""}
        if kind != "stroke" and roll < 0.75:
            return {"kind": "next", "value": ""}
        details = None
        if rng.random() < 0.3:
            signs = rng.sample(SIGN_IDS, rng.randint(0, 2))
            reason = rng.choice([None, None, *[r.value for r in CryingReason]])
            details = {"signs": signs, "crying_reason": reason}
        cue = rng.choices([c.value for c in Cue], weights=[6, 3, 1])[0]
        return {"kind": "cue", "value": cue, "details": details}
    return {"kind": "stop", "value": ""}


def python_walk(plan: Plan, rng: random.Random) -> tuple[list[dict[str, Any]], list[str]]:
    """Answers chosen at random, and the step ids the engine goes through."""
    session = Session(plan)
    session.readiness(assess(Answers()))
    answers: list[dict[str, Any]] = []
    steps = [session.step.id]
    while not session.final and len(answers) < 80:
        answer = random_answer(rng, session.step.kind.value)
        try:
            if answer["kind"] == "cue":
                details = CueDetails.from_dict(answer["details"]) if answer["details"] else None
                session.cue(Cue(answer["value"]), details)
            elif answer["kind"] in ("next", "stop"):
                getattr(session, answer["kind"])()
            elif answer["kind"] == "baby-state":
                session.baby_state(BabyState(answer["value"]))
            else:
                session.permission(Permission(answer["value"]))
        except EventRejected:
            answer["rejected"] = True
        answers.append(answer)
        steps.append(session.step.id)
    return answers, steps


NODE_SCRIPT = """
const guide = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
let n = 0;
const out = cases.map((c) => {
  const walk = guide.createWalk(c.table, c.saved, c.signs, () => `id-${++n}`);
  const steps = [walk.node().step.id];
  const rejected = [];
  for (const a of c.answers) {
    const node = walk.apply(a.kind, a.value, a.details || null, "2026-11-22T10:00:00+00:00");
    rejected.push(node === null);
    steps.push(walk.node().step.id);
  }
  return { steps, rejected, record: walk.record(), cues: walk.cueEvents(c.taps) };
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the browser's walker")
def test_the_browsers_walker_matches_the_engine_and_its_record_replays() -> None:
    rng = random.Random(20261122)  # fixed: the same 150 walks every run
    taps = {"comfortable": "happy", "mixed": "not_sure", "stress": "upset"}
    cases, expected = [], []
    for _ in range(150):
        plan = Plan(
            tuple(
                PlanArea(f"area-{n}", tuple(f"s{n}-{k}" for k in range(rng.randint(1, 3))))
                for n in range(rng.randint(1, 3))
            ),
            favourite=rng.choice([None, "area-0"]),
        )
        answers, steps = python_walk(plan, rng)
        session = Session(plan)
        table = start_after_readiness(session, assess(Answers()))
        cases.append(
            {
                "table": table,
                "saved": session.to_dict(),
                "signs": {sign.id: sign.cue.value for sign in SIGNS.values()},
                "answers": answers,
                "taps": taps,
            }
        )
        expected.append((answers, steps))
    result = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(WALKER)],  # noqa: S607
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for (answers, steps), walked in zip(expected, json.loads(result.stdout), strict=True):
        assert walked["steps"] == steps
        assert walked["rejected"] == [bool(a.get("rejected")) for a in answers]
        replayed = Session.from_dict(walked["record"])
        assert replayed.step.id == steps[-1]
        cue_events = [e for e in replayed.events if e.kind == "cue"]
        assert [c["sequence"] for c in walked["cues"]] == [e.seq for e in cue_events]
        assert [c["cue"] for c in walked["cues"]] == [taps[e.value] for e in cue_events]
        assert len({c["id"] for c in walked["cues"]}) == len(cue_events)


AMEND_SCRIPT = """
const guide = require(process.argv[1]);
const c = JSON.parse(require("fs").readFileSync(0, "utf8"));
let n = 0;
const walk = guide.createWalk(c.table, c.saved, c.signs, () => `id-${++n}`);
const kinds = [];
walk.apply("baby-state", "quiet-alert");
walk.apply("permission", "engaged");
walk.apply("cue", "mixed");
kinds.push(walk.node().step.kind);                       // pause
kinds.push(walk.amendLast({ signs: ["arching"] }) ? walk.node().step.kind : null);
kinds.push(walk.amendLast({ signs: [] }) === null ? "refused" : walk.node().step.kind);
const reasoned = walk.amendLast({ signs: ["arching"], crying_reason: "hungry" });
kinds.push(reasoned ? reasoned.step.notice : null);
process.stdout.write(JSON.stringify({ kinds, record: walk.record() }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the browser's walker")
def test_details_added_to_a_tap_only_ever_add_concern() -> None:
    plan = Plan((PlanArea("legs", ("a", "b")),))
    session = Session(plan)
    table = start_after_readiness(session, assess(Answers()))
    case = {
        "table": table,
        "saved": session.to_dict(),
        "signs": {sign.id: sign.cue.value for sign in SIGNS.values()},
    }
    result = subprocess.run(
        ["node", "-e", AMEND_SCRIPT, str(WALKER)],  # noqa: S607
        input=json.dumps(case), capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    out = json.loads(result.stdout)
    assert out["kinds"][:3] == ["pause", "stop-and-tend", "refused"]
    assert "offer a feed" in out["kinds"][3]
    replayed = Session.from_dict(out["record"])
    assert replayed.final and replayed.outcome is not None
    assert replayed.outcome.reason is not None and replayed.outcome.reason.value == "stress"
