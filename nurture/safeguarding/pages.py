"""Reads for the safety alert pages and the home panel, and what raised an alert, in words.

The lists (home panel, alert list) show who an alert is about and whether someone has it in
hand, never a score. Like ``selectors.alerts_for`` they are audited, one insert for the rows
shown, and make a fixed number of queries however many alerts there are. ``what_raised``
says why an alert was raised for everyone who may see it; the numbers behind it are kept
apart, for the people ``policy.can_see_scores`` allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone

from nurture import policy
from nurture.accounts.roles import Role
from nurture.audit.services import record_many
from nurture.families.models import Baby
from nurture.outcomes.models import AlertState, ResponseStatus, SafetyAlert
from nurture.questionnaires import scoring
from nurture.questionnaires.instruments import Instrument
from nurture.questionnaires.packs import registry

ACTIVE = (AlertState.OPEN, AlertState.ACKNOWLEDGED)
READER_ROLES = frozenset({Role.ADMIN, Role.SERVICE_MANAGER, Role.HEALTH_VISITOR})
"""The roles ``policy.alerts_visible_to`` can return alerts for; everyone else sees none."""
PANEL_ROLES = frozenset({Role.SERVICE_MANAGER, Role.HEALTH_VISITOR})
"""The roles an alert is sent to (named health visitor, duty clinician, service managers):
they get the "Needs your attention today" panel at the top of their home page."""
HOME_LIMIT = 10
PAGE_SIZE = 25


# --- Lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRow:
    alert: SafetyAlert
    carer: str
    babies: list[str]
    overdue: bool
    """Open and past the time it should have been acknowledged by."""


@dataclass(frozen=True)
class Panel:
    rows: list[AlertRow]
    count: int
    """Every open or acknowledged alert the person sees (the rows may be fewer)."""

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def is_overdue(alert: SafetyAlert, now: datetime) -> bool:
    return alert.state == AlertState.OPEN and (
        alert.escalation_level > 0
        or (alert.next_escalation_at is not None and alert.next_escalation_at <= now)
    )


def _listed(user: Any) -> QuerySet[SafetyAlert]:
    return (
        policy.alerts_visible_to(user)
        .select_related("family", "response__carer", "acknowledged_by")
        .prefetch_related(
            Prefetch("family__babies", Baby.objects.order_by("date_of_birth", "given_name"))
        )
    )


def _active_first(rows: QuerySet[SafetyAlert]) -> QuerySet[SafetyAlert]:
    """Open and acknowledged alerts: waiting for acknowledgement first, oldest first."""
    waiting = Case(When(state=AlertState.OPEN, then=Value(0)), default=Value(1))
    return (
        rows.filter(state__in=ACTIVE)
        .annotate(acknowledged_later=waiting)
        .order_by("acknowledged_later", "created_at", "pk")
    )


def _rows(user: Any, alerts: list[SafetyAlert], now: datetime) -> list[AlertRow]:
    record_many(actor=user, action="safety_alert.listed", targets=list(alerts))
    return [
        AlertRow(
            alert=alert,
            carer=alert.response.carer.full_name(),
            babies=[baby.given_name for baby in alert.family.babies.all()],
            overdue=is_overdue(alert, now),
        )
        for alert in alerts
    ]


def attention_for(user: Any, *, now: datetime | None = None, limit: int = HOME_LIMIT) -> Panel:
    """The oldest open or acknowledged alerts for the home panel, and how many there are.
    One query when there are none (the count, which the navigation then reuses)."""
    count = attention_count(user)
    if not count:
        return Panel(rows=[], count=0)
    shown = list(_active_first(_listed(user))[:limit])
    with transaction.atomic():
        rows = _rows(user, shown, now or timezone.now())
    return Panel(rows=rows, count=max(count, len(rows)))


@transaction.atomic
def alert_page(
    user: Any, *, closed: bool, number: Any, now: datetime | None = None
) -> tuple[Page[SafetyAlert], list[AlertRow]]:
    """One page of alerts: open and acknowledged (oldest first), or closed (latest first)."""
    rows = _listed(user)
    rows = (
        rows.filter(state=AlertState.CLOSED).order_by("-closed_at", "pk")
        if closed
        else _active_first(rows)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    return page, _rows(user, list(page.object_list), now or timezone.now())


def attention_count(user: Any) -> int:
    """How many alerts still need someone (open or acknowledged): a count, not audited.

    Kept on the user object, which lives for one request (as ``policy.scope_of`` does), so
    the home panel and the navigation ask the database once between them.
    """
    cached = getattr(user, "_nurture_alert_count", None)
    if cached is None:
        cached = policy.alerts_visible_to(user).filter(state__in=ACTIVE).count()
        user._nurture_alert_count = cached
    return int(cached)


# --- What raised it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    instrument: str
    """The questionnaire's full name."""
    reasons: list[str]
    """Why, in words, with no numbers: for everyone who may see the alert."""
    scores: list[str] = field(default_factory=list)
    """The numbers behind it: only for people who may see scores."""
    finished: bool = True
    """False when the alert came from answers saved part-way (a draft)."""


def short_name(instrument: Instrument | None, key: str) -> str:
    """ "Patient Health Questionnaire (PHQ-9)" -> "PHQ-9"; else the full name or the key."""
    if instrument is None:
        return key
    found = re.search(r"\(([A-Z0-9][A-Z0-9 -]*)\)\s*$", instrument.name)
    return found.group(1) if found else instrument.name


def _safety_items(instrument: Instrument | None, result: dict[str, Any], answers: Any) -> list[int]:
    if "safety_items" in result:
        return list(result["safety_items"])
    if instrument is None:
        return []
    given = {int(number): choice for number, choice in answers.items()}
    try:
        return list(scoring.positive_safety_items(instrument, given))
    except scoring.AnswerError:
        return []


def _answer_given(instrument: Instrument | None, number: int, answers: Any) -> str:
    item = instrument.item(number) if instrument is not None else None
    choice = answers.get(str(number))
    if instrument is None or item is None or choice not in range(len(item.options)):
        return f"Question {number}: the answer is not recorded"
    option = item.options[choice]
    score = instrument.option_score(item, option)
    return f"Question {number} (“{item.text}”): “{option.label}”, scoring {score}"


def what_raised(alert: SafetyAlert) -> Raised:
    """Why ``alert`` was raised, in words, and separately the scores behind it."""
    response = alert.response
    instrument = registry().get(response.instrument_key, response.instrument_version)
    name = short_name(instrument, response.instrument_key)
    result = dict(response.result or {})
    finished = response.status == ResponseStatus.SUBMITTED
    reasons: list[str] = []
    scores: list[str] = []
    for reason in alert.reasons:
        if reason == scoring.SAFETY_ITEM:
            items = _safety_items(instrument, result, response.answers)
            reasons += [f"{name} question {number} answered above 0" for number in items]
            if not items:
                reasons.append(f"{name}: a safety question answered above 0")
            scores += [_answer_given(instrument, number, response.answers) for number in items]
        elif reason == scoring.TOTAL_THRESHOLD:
            reasons.append(f"{name} total at or above the referral threshold")
        elif reason == scoring.SUBSCALE_THRESHOLD:
            names = {s.key: s.name for s in instrument.subscales} if instrument else {}
            for key in result.get("subscales_at_threshold", []):
                reasons.append(f"{name} {names.get(key, key)} score at or above its threshold")
                scores.append(f"{names.get(key, key)}: {result.get('subscales', {}).get(key)}")
        else:
            reasons.append(f"{name}: {reason.replace('_', ' ')}")
    if finished and response.total is not None:
        threshold = result.get("threshold")
        line = f"Total {response.total}"
        if threshold is not None:
            line += f" (referral threshold {threshold})"
        if response.band:
            line += f": {response.band}"
        scores.insert(0, line)
    return Raised(
        instrument=instrument.name if instrument else response.instrument_key,
        reasons=reasons,
        scores=scores,
        finished=finished,
    )
