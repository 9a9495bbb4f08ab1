"""The optional home-practice nudge: a parent asks for a short, warm reminder to practise
on up to three days a week, from an hour they choose. Off until they turn it on.

The periodic job (every minute) queues one for each carer whose nudge is due now: today is
one of their days, the local hour (``TIME_ZONE``, Europe/London) has reached theirs, and

- they have no nudge yet today, and fewer than three in the last seven days (however often
  they changed their days this week);
- no practice session has been logged today for any baby of their family;
- their family has a baby under 12 months (corrected age for babies born early);
- they agreed to messages on a channel we can send on (the outbox's rule), and quiet hours
  would not hold the message over into tomorrow.

The job's query count does not grow with the number of carers: the due preferences are read
and locked in one query (``SKIP LOCKED``, so a second process takes the others), the week's
nudges in one, and the claims and messages are each one insert. A claim is a
``PracticeNudgeSent`` row, unique per carer and date: a nudge is queued only for claims that
this run's insert actually stored, so running twice, or from two processes, queues it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from nurture.audit.services import record
from nurture.families.models import Baby, Carer
from nurture.lib.errors import DomainError
from nurture.notify import outbox
from nurture.notify.models import (
    EARLIEST_NUDGE_HOUR,
    LATEST_NUDGE_HOUR,
    MOST_NUDGE_DAYS,
    WEEKDAYS,
    PracticeNudge,
    PracticeNudgeSent,
)
from nurture.practice.models import PracticeSession

KIND = "practice_nudge"
WEEK = 7
UNDER_MONTHS = 12

# The times of day a parent picks from on the page; the API also takes any hour between.
TIMES_OF_DAY = {10: "Morning, from 10am", 14: "Afternoon, from 2pm", 17: "Early evening, from 5pm"}


def hour_label(hour: int) -> str:
    """The named time of day, or the hour as GOV.UK writes it ("From 8am")."""
    if hour in TIMES_OF_DAY:
        return TIMES_OF_DAY[hour]
    if hour == 12:
        return "From midday"
    return f"From {hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def describe(nudge: PracticeNudge) -> str:
    """Plain words for the confirmation: "Mondays and Thursdays, morning, from 10am"."""
    if not nudge.enabled:
        return "off"
    label = hour_label(nudge.hour)
    return f"{_and([f'{day.title()}s' for day in nudge.days])}, {label[0].lower()}{label[1:]}"


def _and(words: list[str]) -> str:
    """Join words as people do: Ann; Ann and Bo; Ann, Bo and Cy."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# --- Reads -------------------------------------------------------------------------------------


def preference_for(carer: Carer) -> PracticeNudge:
    """The carer's stored choice, or the default (off, unsaved) if they never made one."""
    found = PracticeNudge.objects.filter(carer=carer).first()
    return found or PracticeNudge(carer=carer)


# --- Writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    enabled: bool
    days: list[str]
    hour: int


def _problems(choice: Choice) -> dict[str, str]:
    problems = {}
    if any(day not in WEEKDAYS for day in choice.days):
        problems["days"] = "Choose days of the week, Monday to Sunday."
    elif len(set(choice.days)) != len(choice.days):
        problems["days"] = "Choose each day once."
    elif len(choice.days) > MOST_NUDGE_DAYS:
        problems["days"] = "Choose up to three days."
    elif choice.enabled and not choice.days:
        problems["days"] = "Choose at least one day, or turn the reminders off."
    if not EARLIEST_NUDGE_HOUR <= choice.hour <= LATEST_NUDGE_HOUR:
        problems["hour"] = "Choose a time between 7am and 8pm."
    return problems


@transaction.atomic
def practice_nudge_update(*, actor: Any, carer: Carer, choice: Choice) -> PracticeNudge:
    """Store a carer's practice-reminder choice (the caller checked it is their own)."""
    problems = _problems(choice)
    if problems:
        raise DomainError(problems)
    nudge, _ = PracticeNudge.objects.select_for_update().get_or_create(carer=carer)
    nudge.enabled = choice.enabled
    for day in WEEKDAYS:
        setattr(nudge, day, day in choice.days)
    nudge.hour = choice.hour
    nudge.save()
    if not nudge.enabled:  # one queued for later today (quiet hours) is no longer wanted
        outbox.cancel_queued(
            family_id=carer.family_id, carer_id=carer.pk, kind=KIND, reason="Turned off."
        )
    record(
        actor=actor,
        action="practice_nudge.updated",
        target=nudge,
        provider_id=carer.family.provider_id,
        data={"enabled": nudge.enabled, "days": nudge.days, "hour": nudge.hour},
    )
    return nudge


# --- The periodic job --------------------------------------------------------------------------


Due = list[tuple[Carer, list[Baby]]]


def _due(local: datetime) -> Due:
    """Carers whose nudge is due at this local time, with their babies under 12 months, if
    we may message them. Their preference rows are locked (others' locks are skipped)."""
    today = local.date()
    start = datetime.combine(today, time(0), tzinfo=local.tzinfo)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    practised_today = PracticeSession.objects.filter(
        baby__family_id=OuterRef("carer__family_id"), started_at__gte=start, started_at__lt=end
    )
    nudged_today = PracticeNudgeSent.objects.filter(carer_id=OuterRef("carer_id"), date=today)
    nudges = (
        PracticeNudge.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(enabled=True, hour__lte=local.hour, **{WEEKDAYS[today.weekday()]: True})
        .filter(~Exists(practised_today), ~Exists(nudged_today))
        .select_related("carer__family")
        .prefetch_related("carer__family__babies")
    )
    due = []
    for nudge in nudges:
        babies = [
            baby
            for baby in nudge.carer.family.babies.all()
            if baby.age(today).for_eligibility.months < UNDER_MONTHS
        ]
        if babies and outbox.channels_for(nudge.carer):
            due.append((nudge.carer, babies))
    return due


def _within_the_week(due: Due, today: date) -> Due:
    """Those not nudged today and nudged fewer than three times in the last seven days,
    counted after the lock, so a run that committed meanwhile is seen."""
    recent: dict[Any, set[date]] = {}
    for carer_id, day in PracticeNudgeSent.objects.filter(
        carer_id__in=[carer.pk for carer, _ in due], date__gt=today - timedelta(days=WEEK)
    ).values_list("carer_id", "date"):
        recent.setdefault(carer_id, set()).add(day)
    return [
        (carer, babies)
        for carer, babies in due
        if today not in recent.get(carer.pk, ()) and len(recent.get(carer.pk, ())) < MOST_NUDGE_DAYS
    ]


def _claim(due: Due, today: date) -> Due:
    """Store today's claims; keep only those this run's insert stored (not another's)."""
    claims = [PracticeNudgeSent(carer=carer, date=today) for carer, _ in due]
    PracticeNudgeSent.objects.bulk_create(claims, ignore_conflicts=True)
    stored = set(
        PracticeNudgeSent.objects.filter(pk__in=[claim.pk for claim in claims]).values_list(
            "carer_id", flat=True
        )
    )
    return [(carer, babies) for carer, babies in due if carer.pk in stored]


def queue_practice_nudges(*, now: datetime | None = None) -> int:
    """Queue every practice nudge due now. Returns how many carers were nudged."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()
    if timezone.localtime(outbox.send_after(now, urgent=False)).date() != today:
        return 0  # quiet hours would hold it until tomorrow, which may not be a chosen day
    with transaction.atomic():
        claimed = _claim(_within_the_week(_due(local), today), today)
        outbox.to_many_carers(
            kind=KIND,
            recipients=[
                (carer, {"baby": _and([b.given_name for b in babies])}, f"{KIND}:{today}")
                for carer, babies in claimed
            ],
            now=now,
        )
    return len(claimed)
