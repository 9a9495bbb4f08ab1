"""The structure we require of packs a provider installs under licence.

The EPDS's item text is the Royal College of Psychiatrists' and may not be republished, so
the pack comes from the provider (``NURTURE_LICENSED_PACKS_DIR``). Its scoring is still ours to
get right: these checks make sure an installed pack has the published EPDS structure before
it is used, so a mistyped pack cannot change who gets an alert. Item wording is not checked
(we do not hold it); the provider's clinical safety officer signs that off.

The Postpartum Bonding Questionnaire is free to use, but we do not ship its item text (we
could not verify every item's exact published wording), so it is installed the same way and
its shape is checked here too.
"""

from __future__ import annotations

from collections.abc import Callable

from nurture.questionnaires.instruments import Instrument

Problem = tuple[str, str]  # field, message

NEVER_SHIPPED = {
    "epds": "the EPDS must never be in the repository: a provider installs it from "
    "NURTURE_LICENSED_PACKS_DIR under its own licence.",
}

EPDS_ITEMS = 10
EPDS_REVERSED = frozenset({3, 5, 6, 7, 8, 9, 10})
EPDS_SELF_HARM_ITEM = 10
PBQ_ITEMS = 25
PBQ_SCALE_SIZES = [12, 7, 4, 2]


def _shape(instrument: Instrument, items: int, scale: tuple[int, int], name: str) -> list[Problem]:
    """Every item scored, on the given scale, with one option per score listed in order."""
    problems: list[Problem] = []
    if len(instrument.items) != items or len(instrument.scored_items) != items:
        problems.append(("item", f"the {name} has exactly {items} scored questions; this pack "
                         f"has {len(instrument.scored_items)}."))  # fmt: skip
    if (instrument.scale_min, instrument.scale_max) != scale:
        problems.append(("scale", f"the {name} scores each question {scale[0]} to {scale[1]}."))
    expected = list(range(scale[0], scale[1] + 1))
    for item in instrument.items:
        if [option.score for option in item.options] != expected:
            problems.append(
                (
                    f"item[{item.number}].options",
                    f"give {len(expected)} options scored {expected[0]} to {expected[-1]} in "
                    "the order printed; reverse-scored questions are listed in reverse_scored.",
                )
            )
    return problems


def check_epds(instrument: Instrument) -> list[Problem]:
    problems = _shape(instrument, EPDS_ITEMS, (0, 3), "EPDS")
    if instrument.reverse_scored != EPDS_REVERSED:
        problems.append(("reverse_scored", "the EPDS reverse-scores questions 3 and 5 to 10: "
                         "reverse_scored = [3, 5, 6, 7, 8, 9, 10]."))  # fmt: skip
    if EPDS_SELF_HARM_ITEM not in instrument.safety_items:
        problems.append(("safety_items", "EPDS question 10 (thoughts of self-harm) must be a "
                         "safety item: safety_items = [10]."))  # fmt: skip
    if instrument.referral_threshold is None:
        problems.append(("referral_threshold", "set the total that needs further assessment "
                         "(13 is usual; 10 where more sensitivity is wanted)."))  # fmt: skip
    return problems


def check_pbq(instrument: Instrument) -> list[Problem]:
    problems = _shape(instrument, PBQ_ITEMS, (0, 5), "Postpartum Bonding Questionnaire")
    sizes = sorted((len(subscale.items) for subscale in instrument.subscales), reverse=True)
    counted = [number for subscale in instrument.subscales for number in subscale.items]
    if sizes != PBQ_SCALE_SIZES or sorted(counted) != list(range(1, PBQ_ITEMS + 1)):
        problems.append(("subscale", "the PBQ has four scales of 12, 7, 4 and 2 questions, "
                         "together covering each of the 25 questions once."))  # fmt: skip
    return problems


STRUCTURES: dict[str, Callable[[Instrument], list[Problem]]] = {
    "epds": check_epds,
    "pbq": check_pbq,
}


def check(instrument: Instrument) -> list[Problem]:
    """Problems with a pack whose key names an instrument of known structure."""
    rule = STRUCTURES.get(instrument.key)
    return rule(instrument) if rule else []
