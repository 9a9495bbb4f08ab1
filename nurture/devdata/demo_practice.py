"""Demo home practice: Grace (parent2), three weeks into her course, has been massaging her
baby at home most days and keeping the diary since a week before, so her home page and
insights page have something to show. Amira (parent) has no sessions yet. Idempotent: ids
are derived from names, and nothing is added once the baby has any session.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from nurture.curriculum.models import Stroke
from nurture.devdata.demo_accounts import DemoWorld
from nurture.families.models import Baby, Carer
from nurture.practice.models import CueEvent, CueTap, DiaryEntry, DiaryKind, Outcome
from nurture.practice.models import PracticeSession as Session

NAMESPACE = uuid.UUID("6f1d3c1e-8a57-4d0c-9a55-2f7d0f0b9a11")
DAYS = 18
"""Days of practice, ending yesterday (a session on most days)."""
AREAS = ("legs-and-feet", "tummy", "chest")
# A baby who loves her feet being stroked, is mixed about her tummy and not keen on her chest.
CUE_PATTERN = {
    "legs-and-feet": (CueTap.HAPPY, CueTap.HAPPY, CueTap.HAPPY, CueTap.NOT_SURE),
    "tummy": (CueTap.HAPPY, CueTap.NOT_SURE, CueTap.HAPPY, CueTap.UPSET),
    "chest": (CueTap.NOT_SURE, CueTap.UPSET, CueTap.HAPPY, CueTap.UPSET),
}
HOURS = (10, 15, 19)
"""Morning, afternoon and evening sessions, in turn."""


def _id(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts))


def load(world: DemoWorld) -> None:
    user = world.users.get("parent2")
    carer = Carer.objects.filter(user=user).select_related("family").first() if user else None
    baby = carer.family.babies.order_by("date_of_birth").first() if carer else None
    if carer is None or baby is None or Session.objects.filter(baby=baby).exists():
        return
    strokes = {
        area: list(
            Stroke.objects.filter(area__slug=area).order_by("order").values_list("slug", flat=True)
        )[:2]
        for area in AREAS
    }
    today = timezone.localdate()
    sessions, events = [], []
    for day in range(DAYS):
        if day % 6 == 5:
            continue  # a day off now and then
        day_of = today - timedelta(days=DAYS - day)
        hour = HOURS[day % len(HOURS)]
        start = timezone.make_aware(datetime.combine(day_of, time(hour, 5)))
        session = Session(
            id=_id("session", day),
            baby=baby,
            carer=carer,
            started_at=start,
            ended_at=start + timedelta(minutes=12),
            outcome=Outcome.COMPLETED,
            areas=list(AREAS),
            duration_seconds=720,
            readiness={"verdict": "go", "since_feed_minutes": None if day % 2 else 45},
        )
        sequence = 0
        for area in AREAS:
            for index, stroke in enumerate(strokes[area]):
                sequence += 1
                session.strokes.append(stroke)
                events.append(
                    CueEvent(
                        id=_id("cue", day, sequence),
                        session=session,
                        sequence=sequence,
                        step=f"stroke:{area}:{stroke}",
                        area=area,
                        stroke=stroke,
                        cue=_cue(area, day, index),
                        at=start + timedelta(minutes=sequence),
                    )
                )
        sessions.append(session)
    Session.objects.bulk_create(sessions)
    CueEvent.objects.bulk_create(events)
    DiaryEntry.objects.bulk_create(_diary(baby, carer, today))


def _cue(area: str, day: int, index: int) -> CueTap:
    """The area's pattern; two days in three are calm ones (no upset cue at all)."""
    cue = CUE_PATTERN[area][(day + index) % 4]
    return CueTap.NOT_SURE if cue == CueTap.UPSET and day % 3 else cue


def _diary(baby: Baby, carer: Carer, today: date) -> list[DiaryEntry]:
    """A nightly sleep and settling entry from a week before the first session, and a
    crying spell every few days."""
    entries = []
    for day in range(DAYS + 7):
        day_of = today - timedelta(days=DAYS + 7 - day)
        practising = day >= 7
        entries.append(
            DiaryEntry(
                id=_id("sleep", day),
                baby=baby,
                carer=carer,
                date=day_of,
                kind=DiaryKind.SLEEP,
                night_sleep_hours=Decimal("9.5")
                + (Decimal("1.0") if practising else 0)
                - Decimal(day % 3) / 2,
                settling=(4 if practising else 3) - (day % 2),
            )
        )
        if day % 3 == 0:
            entries.append(
                DiaryEntry(
                    id=_id("crying", day),
                    baby=baby,
                    carer=carer,
                    date=day_of,
                    kind=DiaryKind.CRYING,
                    crying_minutes=(25 if practising else 40) + 5 * (day % 2),
                )
            )
    return entries
