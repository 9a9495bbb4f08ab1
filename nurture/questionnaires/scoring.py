"""Scoring answers, the one place it happens. Pure: no Django, no database, no clock.

``score`` takes an instrument (one pack version) and a parent's answers and returns a
``Result``: totals, subscales, the severity band, and which safety rules fired. A response
stores its raw answers, the pack version, and this result as a snapshot, so an old response
keeps the scoring it was given when a later pack version changes a threshold; ``score`` with
the old version gives the same result again.

Safety rules are checked on each item's own score, never on the total: any score above 0 on a
safety item (PHQ-9 item 9, EPDS item 10 after reversal) fires, whatever the total. Missing
answers are an error, never a silent 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from nurture.questionnaires.instruments import Instrument

MISSING = "Choose an answer to this question."
UNKNOWN_ITEM = "There is no such question in this questionnaire."
BAD_CHOICE = "Choose one of the answers offered."

SAFETY_ITEM = "safety_item"
TOTAL_THRESHOLD = "total_threshold"
SUBSCALE_THRESHOLD = "subscale_threshold"


class AnswerError(ValueError):
    """Answers that cannot be scored; ``errors`` maps "answers.<item number>" to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


@dataclass(frozen=True)
class Result:
    instrument: str
    version: str
    total: int
    subscales: dict[str, int]
    band: str
    threshold: int | None
    """The referral threshold the total was checked against (the provider's, or the pack's)."""
    safety_items: tuple[int, ...] = ()
    """Safety items scored above 0."""
    subscales_at_threshold: tuple[str, ...] = ()
    item_scores: dict[int, int] = field(default_factory=dict)

    @property
    def at_threshold(self) -> bool:
        return self.threshold is not None and self.total >= self.threshold

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why this result needs a clinician, in a fixed order; empty when it does not."""
        found = []
        if self.safety_items:
            found.append(SAFETY_ITEM)
        if self.at_threshold:
            found.append(TOTAL_THRESHOLD)
        if self.subscales_at_threshold:
            found.append(SUBSCALE_THRESHOLD)
        return tuple(found)

    @property
    def needs_alert(self) -> bool:
        return bool(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["safety_items"] = list(self.safety_items)
        data["subscales_at_threshold"] = list(self.subscales_at_threshold)
        data["item_scores"] = {str(number): value for number, value in self.item_scores.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(
            instrument=data["instrument"],
            version=data["version"],
            total=data["total"],
            subscales=dict(data["subscales"]),
            band=data["band"],
            threshold=data["threshold"],
            safety_items=tuple(data["safety_items"]),
            subscales_at_threshold=tuple(data["subscales_at_threshold"]),
            item_scores={int(number): value for number, value in data["item_scores"].items()},
        )


def parse_answers(raw: Mapping[Any, Any]) -> tuple[dict[int, int], dict[str, str]]:
    """Answers keyed by item number as JSON sends them ({"1": 0, ...}) -> ({1: 0}, errors)."""
    answers: dict[int, int] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        try:
            number = int(str(key))
        except ValueError:
            errors[f"answers.{key}"] = UNKNOWN_ITEM
            continue
        if value is None:
            continue  # an unanswered question: left out
        if isinstance(value, bool) or not isinstance(value, int):
            errors[f"answers.{key}"] = BAD_CHOICE
            continue
        answers[number] = value
    return answers, errors


def check_answers(
    instrument: Instrument, answers: Mapping[int, int], *, complete: bool
) -> dict[str, str]:
    """Problems with the answers, by field. ``complete`` also requires every scored item."""
    errors: dict[str, str] = {}
    for number, choice in answers.items():
        item = instrument.item(number)
        if item is None:
            errors[f"answers.{number}"] = UNKNOWN_ITEM
        elif not 0 <= choice < len(item.options):
            errors[f"answers.{number}"] = BAD_CHOICE
    if complete:
        for item in instrument.scored_items:
            if item.number not in answers:
                errors.setdefault(f"answers.{item.number}", MISSING)
    return dict(sorted(errors.items(), key=lambda pair: _order(pair[0])))


def _order(field_name: str) -> tuple[int, str]:
    tail = field_name.rpartition(".")[2]
    return (int(tail), "") if tail.isdigit() else (10**6, tail)


def item_scores(instrument: Instrument, answers: Mapping[int, int]) -> dict[int, int]:
    """The score of each answered scored item (answers must already be checked)."""
    scores = {}
    for item in instrument.scored_items:
        if item.number in answers:
            scores[item.number] = instrument.option_score(item, item.options[answers[item.number]])
    return scores


def positive_safety_items(instrument: Instrument, answers: Mapping[int, int]) -> tuple[int, ...]:
    """Safety items answered with a score above 0. Works on partial answers (a draft)."""
    errors = check_answers(instrument, answers, complete=False)
    if errors:
        raise AnswerError(errors)
    scores = item_scores(instrument, answers)
    return tuple(sorted(n for n in instrument.safety_items if scores.get(n, 0) > 0))


def score(
    instrument: Instrument,
    answers: Mapping[int, int],
    *,
    referral_threshold: int | None = None,
) -> Result:
    """Score a complete set of answers. ``referral_threshold`` replaces the pack's default
    (a provider's own threshold); raises ``AnswerError`` naming each missing or bad answer."""
    errors = check_answers(instrument, answers, complete=True)
    if errors:
        raise AnswerError(errors)
    scores = item_scores(instrument, answers)
    subscales = {
        subscale.key: sum(scores[number] for number in subscale.items)
        for subscale in instrument.subscales
    }
    total = sum(scores.values())
    band = next((b.label for b in instrument.bands if b.low <= total <= b.high), "")
    threshold = instrument.referral_threshold if referral_threshold is None else referral_threshold
    return Result(
        instrument=instrument.key,
        version=instrument.version,
        total=total,
        subscales=subscales,
        band=band,
        threshold=threshold,
        safety_items=tuple(sorted(n for n in instrument.safety_items if scores[n] > 0)),
        subscales_at_threshold=tuple(
            subscale.key
            for subscale in instrument.subscales
            if subscale.referral_threshold is not None
            and subscales[subscale.key] >= subscale.referral_threshold
        ),
        item_scores=scores,
    )
