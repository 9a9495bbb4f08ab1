"""A family's whole record, for a subject access request (UK GDPR article 15).

Everything Nurture holds about the family, table by table, every column: the family, its
carers and babies; referrals and their history; offers, enrolments and attendance; messages
sent; practice reminders; questionnaire answers and scores; practice sessions with their cue
events, and the diary. Safety alerts (with their escalations) and safeguarding concerns are
included only for someone who sees the family's clinical record. One query per table,
however long the history.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from nurture.courses.models import Attendance, Enrolment, Offer
from nurture.families.models import Baby, Carer, Family
from nurture.notify.models import Message, PracticeNudge, PracticeNudgeSent
from nurture.outcomes.models import AlertEscalation, Response, SafeguardingConcern, SafetyAlert
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from nurture.referrals.models import Referral, ReferralEvent


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    model: type[models.Model]
    to_family: str
    """The lookup from a row to its family ("family", "referral__family", ...)."""
    clinical: bool = False


PARTS: tuple[Part, ...] = (
    Part("family", "The family", Family, "pk"),
    Part("carers", "Carers", Carer, "family"),
    Part("babies", "Babies", Baby, "family"),
    Part("referrals", "Referrals", Referral, "family"),
    Part("referral_history", "Referral history", ReferralEvent, "referral__family"),
    Part("offers", "Places offered", Offer, "referral__family"),
    Part("enrolments", "Courses joined", Enrolment, "referral__family"),
    Part("attendance", "Attendance", Attendance, "enrolment__referral__family"),
    Part("messages", "Messages sent", Message, "family"),
    Part("practice_reminders", "Practice reminders", PracticeNudge, "carer__family"),
    Part("practice_reminders_sent", "Practice reminders sent", PracticeNudgeSent, "carer__family"),
    Part("questionnaires", "Questionnaire answers and scores", Response, "family"),
    Part("practice_sessions", "Massage sessions at home", PracticeSession, "baby__family"),
    Part("cue_events", "Baby's cues during sessions", CueEvent, "session__baby__family"),
    Part("diary", "Diary", DiaryEntry, "baby__family"),
    Part("safety_alerts", "Safety alerts", SafetyAlert, "family", clinical=True),
    Part("alert_escalations", "Alert escalations", AlertEscalation, "alert__family", clinical=True),
    Part(
        "safeguarding_concerns",
        "Safeguarding concerns",
        SafeguardingConcern,
        "family",
        clinical=True,
    ),
)


def parts(*keys: str) -> tuple[Part, ...]:
    """The parts named, in the order named."""
    by_key = {part.key: part for part in PARTS}
    return tuple(by_key[key] for key in keys)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class FamilyRecord:
    family: Family
    made_at: Any
    sections: list[Section]
    clinical: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "family_id": str(self.family.pk),
            "made_at": self.made_at,
            "includes_clinical_record": self.clinical,
            **{section.key: section.rows for section in self.sections},
        }


def _readable(value: Any) -> Any:
    """Stored bytes (a calendar file sent with a message) as the text they hold."""
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(raw).decode("ascii")
    return value


def family_record(family: Family, *, clinical: bool) -> FamilyRecord:
    """The family's record (with the clinical parts only when ``clinical``)."""
    sections = [
        Section(
            part.key,
            part.title,
            [
                {name: _readable(value) for name, value in row.items()}
                for row in part.model._default_manager.filter(**{part.to_family: family.pk})
                .order_by("pk")
                .values()
            ],
        )
        for part in PARTS
        if clinical or not part.clinical
    ]
    return FamilyRecord(family, timezone.now(), sections, clinical)
