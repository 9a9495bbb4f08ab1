"""When each questionnaire is due, from a family's place on a course.

Each provider lists which instruments it gives at which point (``ScheduledInstrument``; the
defaults below while it has none). The points open and close with the course:

- baseline: from enrolment until the end-of-course questions open (in practice, weeks 1 to 4);
- post: from the start of the session in week ``post_session`` (5 by default, or the last
  week of a shorter course) until the follow-up opens;
- follow-up: ``follow_up_weeks`` (6) after the last session, open for four weeks.

A carer has something due when a point is open, the instrument is loaded, and they have not
yet submitted it for that enrolment and point. Withdrawn places and cancelled courses have
nothing due. Works for many carers at once in a fixed number of queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch

from nurture.courses.models import Enrolment, EnrolmentStatus, RunStatus, Session
from nurture.families.models import Carer, Family
from nurture.outcomes.models import (
    OutcomesSettings,
    Response,
    ResponseStatus,
    ScheduledInstrument,
    TimePoint,
)
from nurture.questionnaires.packs import registry

DEFAULT_SCHEDULE: tuple[tuple[str, str, bool], ...] = (
    ("phq9", TimePoint.BASELINE, False),
    ("gad7", TimePoint.BASELINE, False),
    ("phq9", TimePoint.POST, False),
    ("gad7", TimePoint.POST, False),
    ("course-feedback", TimePoint.POST, False),
    ("phq9", TimePoint.FOLLOW_UP, True),
    ("gad7", TimePoint.FOLLOW_UP, True),
)
FOLLOW_UP_OPEN_FOR = timedelta(weeks=4)


@dataclass(frozen=True)
class Window:
    opens: datetime
    closes: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.opens <= now and (self.closes is None or now < self.closes)


def windows(
    *,
    enrolled_at: datetime,
    sessions: list[tuple[int, datetime]],
    post_session: int = 5,
    follow_up_weeks: int = 6,
) -> dict[str, Window]:
    """When each point opens and closes, from the enrolment time and the (number, start)
    of each session of the course."""
    if not sessions:
        return {TimePoint.BASELINE: Window(enrolled_at)}
    ordered = sorted(sessions)
    post_at = [starts for number, starts in ordered if number <= post_session][-1:] or [
        ordered[0][1]
    ]
    post_opens = post_at[0]
    follow_opens = ordered[-1][1] + timedelta(weeks=follow_up_weeks)
    return {
        TimePoint.BASELINE: Window(enrolled_at, post_opens),
        TimePoint.POST: Window(post_opens, follow_opens),
        TimePoint.FOLLOW_UP: Window(follow_opens, follow_opens + FOLLOW_UP_OPEN_FOR),
    }


@dataclass(frozen=True)
class Due:
    """One questionnaire one carer can answer now."""

    carer_id: uuid.UUID
    family_id: uuid.UUID
    enrolment_id: uuid.UUID | None
    point: str
    instrument_key: str
    version: str
    title: str
    optional: bool
    online_only: bool
    opens_at: datetime
    closes_at: datetime | None
    draft_id: uuid.UUID | None = None
    """The carer's own answers in progress, to resume: private to them."""
    class_draft_id: uuid.UUID | None = None
    """Answers in progress begun in class with staff, to carry on with there."""
    class_version: str = ""

    def in_class(self) -> Due:
        """This questionnaire as staff going through it in class see it: with the draft begun
        in class, never the carer's own (which stays private to them)."""
        return replace(
            self,
            draft_id=self.class_draft_id,
            version=self.class_version or self.version,
            class_draft_id=None,
            class_version="",
        )


def schedules(provider_ids: Iterable[int]) -> dict[int, list[tuple[str, str, bool]]]:
    """Each provider's schedule as (instrument key, point, optional); defaults when none."""
    provider_ids = set(provider_ids)
    found: dict[int, list[tuple[str, str, bool]]] = {}
    for row in ScheduledInstrument.objects.filter(provider_id__in=provider_ids):
        found.setdefault(row.provider_id, []).append((row.instrument_key, row.point, row.optional))
    return {pid: found.get(pid, list(DEFAULT_SCHEDULE)) for pid in provider_ids}


def _enrolments(family_ids: set[Any]) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(referral__family_id__in=family_ids)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exclude(run__status=RunStatus.CANCELLED)
        .select_related("run", "referral")
        .prefetch_related(Prefetch("run__sessions", Session.objects.order_by("number")))
    )


def due_for_carers(carers: Iterable[Carer], *, now: datetime) -> dict[uuid.UUID, list[Due]]:
    """What each carer can answer now, keyed by carer id (six queries, however many)."""
    carers = list(carers)
    if not carers:
        return {}
    family_ids = {carer.family_id for carer in carers}
    providers = dict(Family.objects.filter(pk__in=family_ids).values_list("pk", "provider_id"))
    settings = {
        row.provider_id: row
        for row in OutcomesSettings.objects.filter(provider_id__in=set(providers.values()))
    }
    plans = schedules(providers.values())
    enrolments = _enrolments(family_ids)
    submitted: set[tuple[Any, ...]] = set()
    drafts: dict[tuple[Any, ...], tuple[Any, str]] = {}
    """(carer, enrolment, point, key, begun in class?) -> (draft id, version)"""
    for row in Response.objects.filter(
        carer__in=[carer.pk for carer in carers], enrolment__in=[e.pk for e in enrolments]
    ).values("id", "carer_id", "enrolment_id", "point", "instrument_key", "status",
             "instrument_version", "administered_by_id"):  # fmt: skip
        found = (row["carer_id"], row["enrolment_id"], row["point"], row["instrument_key"])
        if row["status"] == ResponseStatus.SUBMITTED:
            submitted.add(found)
        else:
            in_class = row["administered_by_id"] is not None
            drafts[(*found, in_class)] = (row["id"], row["instrument_version"])
    packs = registry()
    due: dict[uuid.UUID, list[Due]] = {carer.pk: [] for carer in carers}
    for enrolment in enrolments:
        family_id = enrolment.referral.family_id
        provider_id = providers[family_id]
        rules = settings.get(provider_id) or OutcomesSettings(provider_id=provider_id)
        open_points = windows(
            enrolled_at=enrolment.created_at,
            sessions=[(s.number, s.starts_at) for s in enrolment.run.sessions.all()],
            post_session=rules.post_session,
            follow_up_weeks=rules.follow_up_weeks,
        )
        for carer in carers:
            if carer.family_id != family_id:
                continue
            for key, point, optional in plans[provider_id]:
                window = open_points.get(point)
                instrument = packs.latest(key)
                if window is None or instrument is None or not window.is_open(now):
                    continue
                found = (carer.pk, enrolment.pk, point, key)
                if found in submitted:
                    continue
                own_id, own_version = drafts.get((*found, False), (None, None))
                class_id, class_version = drafts.get((*found, True), (None, None))
                due[carer.pk].append(
                    Due(
                        carer_id=carer.pk,
                        family_id=family_id,
                        enrolment_id=enrolment.pk,
                        point=point,
                        instrument_key=key,
                        version=own_version or instrument.version,
                        title=instrument.parent_title,
                        optional=optional,
                        online_only=instrument.online_only,
                        opens_at=window.opens,
                        closes_at=window.closes,
                        draft_id=own_id,
                        class_draft_id=class_id,
                        class_version=class_version or instrument.version,
                    )
                )
    return due


def is_due(
    carer: Carer, *, instrument_key: str, point: str, enrolment_id: Any, now: datetime
) -> bool:
    return any(
        item.instrument_key == instrument_key
        and item.point == point
        and str(item.enrolment_id) == str(enrolment_id)
        for item in due_for_carers([carer], now=now)[carer.pk]
    )
