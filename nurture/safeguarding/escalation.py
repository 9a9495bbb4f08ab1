"""Escalating safety alerts nobody has acknowledged (a periodic job, see nurture/periodic.py).

An open alert is due for escalation at ``next_escalation_at``: its creation time plus the
provider's escalation period (4 hours by default), then each further period. Each escalation
is a row (level, time, who was told) and a notification to the provider's service managers.
Escalation never acknowledges or closes an alert; only a person does that.

Safe to run twice or from two processes at once: due alerts are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` and moved to their next escalation time in the same
transaction, so each level happens once. A job that was down catches up one level per run.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from nurture.audit.services import record
from nurture.outcomes.models import AlertEscalation, AlertState, OutcomesSettings, SafetyAlert
from nurture.safeguarding.alerts import managers_of, notify


def _escalate(alert: SafetyAlert, rules: OutcomesSettings, now: datetime) -> AlertEscalation:
    level = alert.escalation_level + 1
    managers = managers_of(alert.provider_id)
    escalation = AlertEscalation.objects.create(alert=alert, level=level, at=now)
    escalation.notified.set(managers)
    notify(
        managers,
        kind="safety_alert_escalated",
        dedupe=f"safety_alert_escalated:{alert.pk}:{level}",
        provider_id=alert.provider_id,
        now=now,
    )
    due = alert.next_escalation_at or now
    alert.escalation_level = level
    alert.next_escalation_at = due + rules.escalation_period
    alert.save(update_fields=["escalation_level", "next_escalation_at"])
    record(
        actor=None,
        action="safety_alert.escalated",
        target=alert,
        provider_id=alert.provider_id,
        data={"level": level, "notified": [manager.pk for manager in managers]},
    )
    return escalation


def escalate_overdue(*, now: datetime | None = None, limit: int = 200) -> int:
    """Escalate every open alert whose escalation time has come; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SafetyAlert.objects.select_for_update(skip_locked=True)
            .filter(state=AlertState.OPEN, next_escalation_at__lte=now)
            .order_by("next_escalation_at")[:limit]
        )
        rules: dict[int, OutcomesSettings] = {}
        for alert in due:
            if alert.provider_id not in rules:
                rules[alert.provider_id] = OutcomesSettings.for_provider(alert.provider_id)
            _escalate(alert, rules[alert.provider_id], now)
    return len(due)
