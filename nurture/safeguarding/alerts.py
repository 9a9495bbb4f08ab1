"""Safety alerts: raising one with a response, then acknowledging and closing it.

An alert is raised inside the transaction that stores the answers that fired it, so both are
stored or neither is. It goes to the family's named health visitor and the provider's duty
clinician; when neither is an active member of the provider's staff it goes straight to the
service managers, so an alert always reaches someone. They are notified with no clinical
detail. Software never clears an alert: a person acknowledges it (which stops escalation,
see ``escalation.py``), then closes it with the action taken and the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture import policy
from nurture.accounts.models import Membership, User
from nurture.accounts.roles import Role
from nurture.audit.services import person, record
from nurture.lib.errors import Conflict, DomainError
from nurture.notify.staff import to_staff
from nurture.outcomes.models import (
    AlertAction,
    AlertOutcome,
    AlertState,
    OutcomesSettings,
    Response,
    SafetyAlert,
)

NOTE_LIMIT = 4000


def _active_staff(user: Any, provider_id: int, roles: Iterable[Role]) -> bool:
    return (
        user is not None
        and user.is_active
        and Membership.objects.filter(
            user=user, provider_id=provider_id, role__in=list(roles), is_active=True
        ).exists()
    )


def managers_of(provider_id: int) -> list[User]:
    """The provider's active service managers."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__provider_id=provider_id,
            memberships__role=Role.SERVICE_MANAGER,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _unique(users: Iterable[User]) -> list[User]:
    return list({user.pk: user for user in users}.values())


def notify(
    users: Sequence[User], *, kind: str, dedupe: str, provider_id: int, now: datetime
) -> None:
    for user in users:
        to_staff(user=user, kind=kind, dedupe=dedupe, provider_id=provider_id, now=now)


def raise_alert(
    *, actor: Any, response: Response, reasons: Sequence[str], now: datetime | None = None
) -> SafetyAlert:
    """The one alert for ``response``: raised now, or given any new reasons if it exists.
    Call inside the transaction that stores the answers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("raise_alert must run inside the transaction of the response.")
    now = now or timezone.now()
    existing = SafetyAlert.objects.select_for_update().filter(response=response).first()
    if existing is not None:
        added = [reason for reason in reasons if reason not in existing.reasons]
        if added:
            existing.reasons = [*existing.reasons, *added]
            existing.save(update_fields=["reasons"])
            record(
                actor=actor,
                action="safety_alert.reasons_added",
                target=existing,
                provider_id=existing.provider_id,
            )
        return existing
    family = response.family
    rules = OutcomesSettings.for_provider(response.provider_id)
    visitor = family.health_visitor
    if not _active_staff(visitor, response.provider_id, [Role.HEALTH_VISITOR]):
        visitor = None
    duty = rules.duty_clinician
    if not _active_staff(duty, response.provider_id, [Role.HEALTH_VISITOR, Role.SERVICE_MANAGER]):
        duty = None
    alert = SafetyAlert.objects.create(
        response=response,
        provider_id=response.provider_id,
        family=family,
        reasons=list(reasons),
        health_visitor=visitor,
        duty_clinician=duty,
        created_at=now,
        next_escalation_at=now + rules.escalation_period,
    )
    recipients = _unique(user for user in (visitor, duty) if user is not None)
    if not recipients:
        recipients = managers_of(response.provider_id)
    notify(
        recipients,
        kind="safety_alert",
        dedupe=f"safety_alert:{alert.pk}",
        provider_id=response.provider_id,
        now=now,
    )
    record(
        actor=actor,
        action="safety_alert.raised",
        target=alert,
        provider_id=response.provider_id,
        data={"family": str(family.pk), "notified": [user.pk for user in recipients]},
    )
    return alert


def _locked(alert: SafetyAlert) -> SafetyAlert:
    return (
        SafetyAlert.objects.select_for_update(of=("self",))
        .select_related("family")
        .get(pk=alert.pk)
    )


def _may_act(actor: Any, alert: SafetyAlert) -> None:
    if not policy.can_act_on_alert(actor, alert):
        raise DomainError(
            "Only the family's health visitor, the duty clinician or a service manager can "
            "act on this alert."
        )


@transaction.atomic
def acknowledge_alert(
    *, actor: Any, alert: SafetyAlert, now: datetime | None = None
) -> SafetyAlert:
    """Say "I have this one": records who and when, and stops escalation. Acknowledging an
    alert that is already acknowledged changes nothing (a retried request)."""
    alert = _locked(alert)
    _may_act(actor, alert)
    if alert.state == AlertState.ACKNOWLEDGED:
        return alert
    if alert.state == AlertState.CLOSED:
        raise Conflict({"state": "This alert is already closed."})
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_at = now or timezone.now()
    alert.acknowledged_by = person(actor)
    alert.next_escalation_at = None
    alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "next_escalation_at"])
    record(
        actor=actor,
        action="safety_alert.acknowledged",
        target=alert,
        provider_id=alert.provider_id,
    )
    return alert


def _check_close(
    actions: Sequence[str], action_note: str, outcome: str, outcome_note: str
) -> dict[str, str]:
    problems = {}
    if not actions:
        problems["actions"] = "Choose at least one action taken."
    elif any(action not in AlertAction.values for action in actions):
        problems["actions"] = "Choose from the actions offered."
    elif len(set(actions)) != len(actions):
        problems["actions"] = "Choose each action once."
    if outcome not in AlertOutcome.values:
        problems["outcome"] = "Choose the outcome."
    for name, note in (("action_note", action_note), ("outcome_note", outcome_note)):
        if not note.strip():
            problems[name] = "Describe it in a few words."
        elif len(note) > NOTE_LIMIT:
            problems[name] = f"Keep it to {NOTE_LIMIT} characters."
    return problems


@transaction.atomic
def close_alert(
    *,
    actor: Any,
    alert: SafetyAlert,
    actions: Sequence[str],
    action_note: str,
    outcome: str,
    outcome_note: str,
    now: datetime | None = None,
) -> SafetyAlert:
    """Close an acknowledged alert with the action taken and the outcome (codes and notes)."""
    alert = _locked(alert)
    _may_act(actor, alert)
    if alert.state == AlertState.CLOSED:
        raise Conflict({"state": "This alert is already closed."})
    if alert.state != AlertState.ACKNOWLEDGED:
        raise DomainError({"state": "Acknowledge the alert before closing it."})
    problems = _check_close(actions, action_note, outcome, outcome_note)
    if problems:
        raise DomainError(problems)
    alert.state = AlertState.CLOSED
    alert.closed_at = now or timezone.now()
    alert.closed_by = person(actor)
    alert.actions = list(actions)
    alert.action_note = action_note.strip()
    alert.outcome = outcome
    alert.outcome_note = outcome_note.strip()
    alert.save()
    record(
        actor=actor,
        action="safety_alert.closed",
        target=alert,
        provider_id=alert.provider_id,
        data={"actions": list(actions), "outcome": outcome},
    )
    return alert
