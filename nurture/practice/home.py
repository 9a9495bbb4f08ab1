"""The parent's home page, practice part: for each baby, this week's routine, the last few
sessions, and what the baby has enjoyed (with a small chart and a link to the insights
page). A fixed number of queries per baby, whatever the length of the history behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from nurture.families.models import Baby
from nurture.practice import insight_charts as parent_charts
from nurture.practice import insights as parent
from nurture.practice import plans, selectors
from nurture.practice.models import PracticeSession

RECENT = 3
ENJOYED = 3
ENOUGH_SESSIONS = selectors.ENOUGH_SESSIONS


@dataclass(frozen=True)
class BabyPractice:
    baby: Baby
    routine: plans.RoutineChoice | None
    areas: list[str]
    recent: list[PracticeSession]
    enjoyed: list[parent.CueShare] = field(default_factory=list)
    """The best-liked strokes (the ranking the insights page uses), once there are enough
    sessions."""
    enjoyed_chart: SafeString | None = None


def practice_for_home(user: Any, babies: list[Baby]) -> list[BabyPractice]:
    found = []
    for baby in babies:
        cards = plans.cards_for_family(user, baby)
        recent = list(
            PracticeSession.objects.filter(baby=baby)
            .select_related("carer")
            .order_by("-started_at")[: max(RECENT, ENOUGH_SESSIONS)]
        )
        enjoyed = parent.top_strokes(baby, ENJOYED) if len(recent) >= ENOUGH_SESSIONS else []
        found.append(
            BabyPractice(
                baby=baby,
                routine=plans.this_week(cards) if cards else None,
                areas=[card.area.name for card in cards.areas] if cards else [],
                recent=recent[:RECENT],
                enjoyed=enjoyed,
                enjoyed_chart=parent_charts.home_chart(
                    baby.given_name, enjoyed, chart_id=f"home-enjoyed-{baby.pk}"
                ),
            )
        )
    return found
