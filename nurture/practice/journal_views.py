"""The parent's practice log, one session's cue events, and the one-tap diary.

Only the baby's own family's carers see these pages (everyone else, staff included, gets a
404). Reads go through ``selectors`` and writes through ``services``, as the API's do; this
module only puts what is stored into plain, warm words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from nurture import policy
from nurture.lib.errors import DomainError, add_to_forms
from nurture.practice import selectors, services
from nurture.practice.cues import SIGNS, CryingReason
from nurture.practice.forms import CRYING, DIARY_FORMS, MOOD, SETTLING, DiaryForm
from nurture.practice.models import (
    CueEvent,
    CueTap,
    DiaryEntry,
    DiaryKind,
    Outcome,
    PracticeSession,
    StopReason,
    TummyTrouble,
)

PAGE_SIZE = 20

_ENDINGS: dict[str, str] = {
    Outcome.COMPLETED: "Completed",
    Outcome.PAUSED_AND_RESUMED: "Paused, then carried on",
}
_STOPPED: dict[str, str] = {
    StopReason.STRESS: "Stopped to comfort your baby: they showed they had had enough",
    StopReason.NOT_NOW: "Stopped: your baby said not now",
    StopReason.DEFERRED: "Stopped: it was not a good time today",
    StopReason.PARENT_STOPPED: "Stopped when it felt right to stop",
    StopReason.ENDED_EARLY: "Ended early, after your baby seemed unsure",
}
_REASONS = {reason.value for reason in CryingReason}
_STEPS = {
    "readiness": "Checking it is a good time",
    "baby-state": "Looking at your baby",
    "permission": "Asking permission",
    "pause": "A pause with resting hands",
    "integration": "The closing stroke",
    "resting-hands": "Resting hands",
    "cuddle": "A cuddle",
}
"""Steps other than a stroke, by the first part of the engine's step id."""


def ending(session: PracticeSession) -> str:
    """How a session ended, in plain words."""
    if session.outcome == Outcome.STOPPED:
        return _STOPPED.get(session.stop_reason, "Stopped")
    return _ENDINGS.get(session.outcome, session.get_outcome_display())


def duration(seconds: int) -> str:
    if seconds < 60:
        return "Under a minute"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _name(names: dict[str, str], slug: str) -> str:
    return names.get(slug) or slug.replace("-", " ").capitalize()


@dataclass(frozen=True)
class SessionRow:
    session: PracticeSession
    areas: list[str]
    ending: str
    duration: str


def _rows(sessions: list[PracticeSession], area_names: dict[str, str]) -> list[SessionRow]:
    return [
        SessionRow(
            session=session,
            areas=[_name(area_names, slug) for slug in session.areas],
            ending=ending(session),
            duration=duration(session.duration_seconds),
        )
        for session in sessions
    ]


@dataclass(frozen=True)
class EventRow:
    event: CueEvent
    step: str
    cue: str
    signs: list[str]
    crying_reason: str


def _event_row(event: CueEvent, areas: dict[str, str], strokes: dict[str, str]) -> EventRow:
    place = ", ".join(
        _name(names, slug) for names, slug in ((areas, event.area), (strokes, event.stroke)) if slug
    )
    kind = event.step.split(":", 1)[0]
    step = _STEPS.get(kind, "")
    if step and place:
        step = f"{step} ({place})"
    reason = event.details.get("crying_reason") if isinstance(event.details, dict) else None
    signs = event.details.get("signs", []) if isinstance(event.details, dict) else []
    return EventRow(
        event=event,
        step=step or place or event.step,
        cue=CueTap(event.cue).label if event.cue in CueTap.values else event.cue,
        signs=[SIGNS[sign].label if sign in SIGNS else sign for sign in signs],
        crying_reason=CryingReason(reason).label if reason in _REASONS else "",
    )


@policy.require_roles(policy.Role.PARENT)
@require_GET
def log(request: HttpRequest, baby_id: Any) -> HttpResponse:
    baby = selectors.practice_baby(request.user, baby_id)
    page = Paginator(selectors.session_log(request.user, baby), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sessions = list(page.object_list)
    area_names, _ = selectors.curriculum_names(
        areas=[slug for session in sessions for slug in session.areas]
    )
    return render(
        request,
        "practice/log.html",
        {"baby": baby, "page": page, "rows": _rows(sessions, area_names)},
    )


@policy.require_roles(policy.Role.PARENT)
@require_GET
def session(request: HttpRequest, baby_id: Any, session_id: Any) -> HttpResponse:
    baby = selectors.practice_baby(request.user, baby_id)
    practice = selectors.baby_session(request.user, baby, session_id)
    events = list(practice.cue_events.all())
    area_names, stroke_names = selectors.curriculum_names(
        areas=[*practice.areas, *(event.area for event in events)],
        strokes=[*practice.strokes, *(event.stroke for event in events)],
    )
    return render(
        request,
        "practice/session_detail.html",
        {
            "baby": baby,
            "row": _rows([practice], area_names)[0],
            "strokes": [_name(stroke_names, slug) for slug in practice.strokes],
            "events": [_event_row(event, area_names, stroke_names) for event in events],
        },
    )


# --- The diary -------------------------------------------------------------------------------

_SETTLING = {int(tap.value): tap.label.lower() for tap in SETTLING}
_CRYING = {int(tap.value): tap.label for tap in CRYING}
_MOODS = {int(tap.value): tap for tap in MOOD}


def _crying(minutes: int) -> str:
    if minutes in _CRYING:
        return _CRYING[minutes]
    if minutes >= 120:
        return _CRYING[120]
    return f"About {minutes} minute{'' if minutes == 1 else 's'}"


def diary_words(entry: DiaryEntry) -> str:
    """One entry in a few plain words (the face for a mood is added by the template)."""
    if entry.kind == DiaryKind.SLEEP:
        parts = []
        if entry.night_sleep_hours is not None:
            hours = f"{entry.night_sleep_hours.normalize():f}"
            parts.append(f"Slept {hours} hour{'' if hours == '1' else 's'}")
        if entry.settling is not None:
            parts.append(f"settling was {_SETTLING.get(entry.settling, entry.settling)}")
        return "; ".join(parts).capitalize() if parts else "Sleep"
    if entry.kind == DiaryKind.TUMMY:
        return (
            TummyTrouble(entry.tummy).label
            if entry.tummy in TummyTrouble.values
            else "Tummy trouble"
        )
    if entry.kind == DiaryKind.CRYING and entry.crying_minutes is not None:
        return _crying(entry.crying_minutes)
    if entry.kind == DiaryKind.FEED and entry.feeds is not None:
        return f"{entry.feeds} feed{'' if entry.feeds == 1 else 's'}"
    if entry.kind == DiaryKind.MOOD and entry.mood in _MOODS:
        return f"Feeling {_MOODS[entry.mood].label.lower()}"
    return entry.get_kind_display()


@dataclass(frozen=True)
class DiaryRow:
    entry: DiaryEntry
    words: str
    face: str


@dataclass(frozen=True)
class DiaryDay:
    day: date
    label: str
    rows: list[DiaryRow]


def _day_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return f"{day:%A} {day.day} {day:%B}"


def _days(entries: list[DiaryEntry]) -> list[DiaryDay]:
    today = timezone.localdate()
    return [
        DiaryDay(
            day=day,
            label=_day_label(day, today),
            rows=[
                DiaryRow(
                    entry=entry,
                    words=diary_words(entry),
                    face=_MOODS[entry.mood].face if entry.mood in _MOODS else "",
                )
                for entry in group
            ],
        )
        for day, group in groupby(entries, key=lambda entry: entry.date)
    ]


@policy.require_roles(policy.Role.PARENT)
@require_http_methods(["GET", "POST"])
def diary(request: HttpRequest, baby_id: Any) -> HttpResponse:
    """GET: the one-tap forms and the last two weeks. POST: add one entry, then come back."""
    baby = selectors.practice_baby(request.user, baby_id)
    forms: dict[str, DiaryForm] = {kind: form() for kind, form in DIARY_FORMS.items()}
    bound: DiaryForm | None = None
    if request.method == "POST":
        form_class = DIARY_FORMS.get(request.POST.get("kind", ""))
        if form_class is None:
            messages.error(request, "Sorry, that did not work. Please choose again.")
            return redirect("journal:diary", baby_id=baby.pk)
        bound = form_class(request.POST)
        if bound.is_valid():
            try:
                entry, created = services.diary_add(
                    actor=request.user, baby=baby, data=bound.diary_data()
                )
            except DomainError as error:
                add_to_forms(error, {"": bound})
            else:
                said = "Saved" if created else "Already saved"
                messages.success(request, f"{said}. Thank you, {entry.carer.given_name}.")
                return redirect("journal:diary", baby_id=baby.pk)
        forms[bound.kind] = bound
    return render(
        request,
        "practice/diary.html",
        {
            "baby": baby,
            "forms": list(forms.values()),
            "bound": bound,
            "days": _days(list(selectors.diary_recent(request.user, baby))),
            "diary_days": selectors.DIARY_DAYS,
        },
    )
