"""Everything a guided session needs once the readiness check has passed, for the page and
the API alike: the engine's starting record, the table walked out from it, each stroke's words
and picture, and the labels of every answer the parent can give."""

from __future__ import annotations

from typing import Any

from nurture.families.models import Baby
from nurture.practice.cues import (
    COMFORTABLE_SIGNS,
    SIGNS,
    STRESS_SIGNS,
    BabyState,
    CryingReason,
    Permission,
)
from nurture.practice.engine import Session
from nurture.practice.graph import start_after_readiness
from nurture.practice.plans import GuidePlan
from nurture.practice.readiness import Readiness
from nurture.practice.replay import CUE_TO_TAP

ANSWERS: dict[str, Any] = {
    "signs": {sign.id: sign.cue.value for sign in SIGNS.values()},
    "comfortable_signs": [{"id": s.id, "label": s.label} for s in COMFORTABLE_SIGNS],
    "stress_signs": [{"id": s.id, "label": s.label} for s in STRESS_SIGNS],
    "crying_reasons": [{"id": r.value, "label": r.label} for r in CryingReason],
    "states": [{"id": s.value, "label": s.label} for s in BabyState],
    "permission": [{"id": p.value, "label": p.label} for p in Permission],
    "taps": CUE_TO_TAP,
}
"""The answers a parent can give, with their labels; the same for every session."""


def guide_for(baby: Baby, guide: GuidePlan, readiness: Readiness) -> dict[str, Any]:
    session = Session(guide.plan)
    table = start_after_readiness(session, readiness)
    return {
        "baby": {"id": str(baby.pk), "name": baby.given_name},
        "routine": {"slug": guide.routine.slug, "name": guide.routine.name},
        "engine": session.to_dict(),
        "table": table,
        "strokes": guide.strokes,
        "names": dict(guide.plan.names),
        "readiness": readiness.to_dict(),
        **ANSWERS,
    }
