"""API: a parent's insights about their own baby, the same figures and words as the page.

Only the baby's own family's carers see them; for anyone else, staff included, the baby is a
404. The lead mounts ``router`` on the API under /api/v1/.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from nurture.accounts.authentication import API_AUTH
from nurture.lib.problems import Problem
from nurture.practice import insights as parent
from nurture.practice import selectors

router = Router(tags=["insights"], auth=API_AUTH)


class CueShareOut(Schema):
    slug: str
    name: str
    happy: int
    not_sure: int
    upset: int
    total: int
    happy_percent: int
    upset_percent: int


class EnjoymentOut(Schema):
    sessions: int = Field(description="Sessions looked at: the latest, at most 20.")
    enough: bool = Field(description="Whether there are enough sessions to rank anything.")
    strokes: list[CueShareOut] = Field(description="Ranked, most enjoyed first.")
    areas: list[CueShareOut]
    strokes_not_yet: list[str] = Field(description="Tried, but too few cues to rank yet.")
    areas_not_yet: list[str]
    summary: str
    definition: str


class BandOut(Schema):
    key: str
    label: str
    name: str = Field(description="A short name for the band.")
    sessions: int
    calm: int
    share_of_all: int | None = Field(description="Percent of all sessions in this band.")
    share_of_calm: int | None = Field(description="Percent of the calm sessions in this band.")


class BandSetOut(Schema):
    sessions: int
    calm: int
    enough: bool
    bands: list[BandOut]
    best: str | None = Field(description="The band with the most calm sessions, if enough.")
    summary: str
    definition: str


class BestTimesOut(Schema):
    sessions: int = Field(description="Sessions looked at: the latest, at most 60.")
    time_of_day: BandSetOut
    after_feed: BandSetOut


class PracticeWeekOut(Schema):
    starting: date = Field(description="The Monday the week starts on.")
    sessions: int


class MeanOut(Schema):
    value: float | None
    count: int = Field(description="Entries (for crying: days) behind the mean.")


class DiaryMeasureOut(Schema):
    key: str
    label: str
    unit: str
    before: MeanOut = Field(description="The 4 weeks before the first session.")
    after: MeanOut = Field(description="The 4 weeks from the first session.")
    with_massage: MeanOut = Field(description="Days with a session, in the last 12 weeks.")
    without: MeanOut = Field(description="Days without one, in the last 12 weeks.")
    before_after_enough: bool
    days_enough: bool
    summary: list[str]
    definition: str


class TrendsOut(Schema):
    weeks: list[PracticeWeekOut]
    practice_began: date | None
    measures: list[DiaryMeasureOut]
    summary: str
    definition: str
    note: str


class InsightsOut(Schema):
    baby_id: uuid.UUID
    baby_name: str
    total_sessions: int
    enjoyment: EnjoymentOut
    best_times: BestTimesOut
    trends: TrendsOut

    @staticmethod
    def resolve_baby_id(insights: parent.BabyInsights) -> uuid.UUID:
        return insights.baby.pk

    @staticmethod
    def resolve_baby_name(insights: parent.BabyInsights) -> str:
        return insights.baby.given_name


@router.get("/babies/{uuid:baby_id}/insights", response={200: InsightsOut, 404: Problem})
def baby_insights(request: HttpRequest, baby_id: uuid.UUID) -> Any:
    """What the baby enjoys, good times for a massage, and how practice and the diary have
    gone: every figure with how it is defined, and "not enough yet" until it can be said."""
    baby = selectors.practice_baby(request.user, baby_id)
    return parent.baby_insights(baby)
