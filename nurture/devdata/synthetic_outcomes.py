"""Synthetic questionnaire responses (PHQ-9 and GAD-7 from the shipped packs) and the safety
alerts real submissions would have raised with them.

Answers are built to add up to a chosen total, then scored by ``outcomes.scoring`` exactly
as a real submission is, so the stored result snapshot, total, band and follow-up flag agree.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any

from nurture.devdata import synthetic_data as data
from nurture.devdata.synthetic_sink import Sink
from nurture.outcomes.models import Response, SafetyAlert
from nurture.questionnaires import scoring
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.packs import registry

INSTRUMENTS = ("phq9", "gad7")


class Scorer:
    """Answers for a wanted total on one instrument, and their scored result (cached: a few
    thousand distinct answer sets cover a national load)."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.scored = [item for item in instrument.scored_items]
        self.unscored = [item for item in instrument.items if item not in self.scored]
        # For each scored item: the option index that gives each score.
        self.choice_for: dict[int, dict[int, int]] = {}
        for item in self.scored:
            self.choice_for[item.number] = {
                instrument.option_score(item, option): index
                for index, option in enumerate(item.options)
            }
        self.top = {item.number: max(self.choice_for[item.number]) for item in self.scored}
        self.maximum = sum(self.top.values())
        self.cache: dict[tuple[int, ...], tuple[dict[str, int], dict[str, Any]]] = {}

    def answers(self, total: int, rng: random.Random, *, safety: bool) -> dict[int, int]:
        total = max(0, min(total, self.maximum))
        scores = dict.fromkeys(self.top, 0)
        safety_items = self.instrument.safety_items
        if safety and safety_items:
            scores[min(safety_items)] = 1
        open_items = [n for n in self.top if n not in safety_items]
        left = total - sum(scores.values())
        while left > 0 and open_items:
            number = rng.choice(open_items)
            scores[number] += 1
            left -= 1
            if scores[number] >= self.top[number]:
                open_items.remove(number)
        answers = {n: self.choice_for[n][score] for n, score in scores.items()}
        for item in self.unscored:
            answers[item.number] = min(len(item.options) - 1, total // 8)
        return answers

    def result(self, answers: dict[int, int]) -> tuple[dict[str, int], dict[str, Any]]:
        key = tuple(answers[n] for n in sorted(answers))
        found = self.cache.get(key)
        if found is None:
            result = scoring.score(self.instrument, answers)
            stored = {str(number): choice for number, choice in sorted(answers.items())}
            found = (stored, _result_dict(result))
            self.cache[key] = found
        return found


def _result_dict(result: scoring.Result) -> dict[str, Any]:
    """``Result.to_dict()`` without ``dataclasses.asdict``'s deep copies (a national load
    scores over a million responses); the tests check the two agree."""
    return {
        "instrument": result.instrument,
        "version": result.version,
        "total": result.total,
        "subscales": dict(result.subscales),
        "band": result.band,
        "threshold": result.threshold,
        "safety_items": list(result.safety_items),
        "subscales_at_threshold": list(result.subscales_at_threshold),
        "item_scores": {str(number): value for number, value in result.item_scores.items()},
    }


class OutcomesMaker:
    def __init__(self, sink: Sink, new_uuid: Callable[[Hashable], str]) -> None:
        self.sink = sink
        self.new_uuid = new_uuid
        packs = registry()
        self.scorers = {}
        for key in INSTRUMENTS:
            instrument = packs.latest(key)
            if instrument is None:
                raise RuntimeError(f"The {key} pack is not installed.")
            self.scorers[key] = Scorer(instrument)

    def response(
        self,
        rng: random.Random,
        *,
        provider_id: int,
        family_id: str,
        carer_id: str,
        enrolment_id: str,
        health_visitor_id: int | None,
        point: str,
        key: str,
        total: int,
        submitted_at: datetime,
        end: datetime,
    ) -> None:
        scorer = self.scorers[key]
        safety = total >= 15 and rng.random() < 0.12
        answers = scorer.answers(total, rng, safety=safety)
        stored, result = scorer.result(answers)
        needs = bool(result["safety_items"]) or (
            result["threshold"] is not None and result["total"] >= result["threshold"]
        )
        started = submitted_at - timedelta(minutes=rng.randint(2, 15))
        response_id = self.new_uuid(Response)
        administered = health_visitor_id if rng.random() < 0.08 else None
        self.sink.add(
            Response,
            (
                response_id, None, provider_id, family_id, carer_id, enrolment_id, point, key,
                scorer.instrument.version, "submitted", stored, result, result["total"],
                result["band"], needs, administered, started, submitted_at, submitted_at,
            ),
        )  # fmt: skip
        if needs:
            self._alert(rng, response_id, provider_id, family_id, health_visitor_id, result,
                        submitted_at, end)  # fmt: skip

    def _alert(
        self,
        rng: random.Random,
        response_id: str,
        provider_id: int,
        family_id: str,
        health_visitor_id: int | None,
        result: dict[str, Any],
        at: datetime,
        end: datetime,
    ) -> None:
        reasons = []
        if result["safety_items"]:
            reasons.append(scoring.SAFETY_ITEM)
        if result["threshold"] is not None and result["total"] >= result["threshold"]:
            reasons.append(scoring.TOTAL_THRESHOLD)
        acknowledged = at + timedelta(minutes=rng.randint(20, 300))
        closed = acknowledged + timedelta(hours=rng.randint(4, 120))
        actor = health_visitor_id
        row: tuple[Any, ...]
        if closed < end:
            row = (
                "closed", acknowledged, actor, closed, actor, rng.choice(data.ALERT_ACTIONS),
                "", rng.choice(data.ALERT_OUTCOMES), "", None,
            )  # fmt: skip
        elif acknowledged < end:
            row = ("acknowledged", acknowledged, actor, None, None, [], "", "", "", None)
        else:
            row = ("open", None, None, None, None, [], "", "", "", at + timedelta(hours=4))
        state, ack_at, ack_by, closed_at, closed_by, actions, note, outcome, out_note, nxt = row
        self.sink.add(
            SafetyAlert,
            (
                self.new_uuid(SafetyAlert), response_id, provider_id, family_id, reasons,
                health_visitor_id, None, state, at, ack_at, ack_by, closed_at, closed_by,
                actions, note, outcome, out_note, 0, nxt,
            ),
        )  # fmt: skip
