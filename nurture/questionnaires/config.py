"""A provider's outcomes configuration, changed by its service managers: the duty clinician,
escalation time and help text; which questionnaires are given when; and its own referral
thresholds. Each change is one transaction with one audit event.

A threshold changed here applies to responses submitted from then on; a response keeps the
threshold it was scored with in its result snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from nurture import policy
from nurture.accounts.models import Membership, Provider
from nurture.accounts.roles import Role
from nurture.audit.services import changed_fields, record
from nurture.lib.errors import DomainError
from nurture.outcomes.models import (
    SCHEDULED_POINTS,
    OutcomesSettings,
    ReferralThreshold,
    ScheduledInstrument,
)
from nurture.questionnaires.packs import registry


@dataclass(frozen=True)
class SettingsData:
    duty_clinician_id: int | None
    escalation_hours: int = 4
    help_text: str = ""
    facilitator_instruction: str = ""
    post_session: int = 5
    follow_up_weeks: int = 6


def _may_configure(actor: Any, provider: Provider) -> None:
    if not policy.can_configure_outcomes(actor, provider.pk):
        raise DomainError("Only the provider's service managers can change this.")


def _check_settings(data: SettingsData, provider: Provider) -> dict[str, str]:
    problems = {}
    if data.duty_clinician_id is not None and not Membership.objects.filter(
        user_id=data.duty_clinician_id, user__is_active=True, provider=provider, is_active=True,
        role__in=[Role.HEALTH_VISITOR, Role.SERVICE_MANAGER],
    ).exists():  # fmt: skip
        problems["duty_clinician_id"] = "Choose a health visitor or manager of this provider."
    if not 1 <= data.escalation_hours <= 72:
        problems["escalation_hours"] = "Choose from 1 to 72 hours."
    if len(data.help_text) > 2000:
        problems["help_text"] = "Keep it to 2000 characters."
    if len(data.facilitator_instruction) > 300:
        problems["facilitator_instruction"] = "Keep it to 300 characters."
    if not 1 <= data.post_session <= 12:
        problems["post_session"] = "Choose a course week from 1 to 12."
    if not 1 <= data.follow_up_weeks <= 52:
        problems["follow_up_weeks"] = "Choose from 1 to 52 weeks."
    return problems


@transaction.atomic
def settings_update(*, actor: Any, provider: Provider, data: SettingsData) -> OutcomesSettings:
    _may_configure(actor, provider)
    problems = _check_settings(data, provider)
    if problems:
        raise DomainError(problems)
    row = OutcomesSettings.for_provider(provider.pk)
    before = {name: getattr(row, name) for name in data.__dataclass_fields__}
    after = data.__dict__.copy()
    after["help_text"] = data.help_text.strip()
    after["facilitator_instruction"] = (
        data.facilitator_instruction.strip() or OutcomesSettings().facilitator_instruction
    )
    for name, value in after.items():
        setattr(row, name, value)
    row.save()
    record(
        actor=actor,
        action="outcomes_settings.updated",
        target=row,
        provider_id=provider.pk,
        data=changed_fields(before, after),
    )
    return row


@transaction.atomic
def schedule_set(
    *, actor: Any, provider: Provider, entries: Sequence[tuple[str, str, bool]]
) -> list[ScheduledInstrument]:
    """Replace the provider's schedule with (instrument key, point, optional) entries. An
    empty list goes back to the default schedule."""
    _may_configure(actor, provider)
    problems = {}
    seen = set()
    for index, (key, point, _) in enumerate(entries):
        if registry().latest(key) is None:
            problems[f"entries.{index}.instrument"] = "There is no such questionnaire here."
        if point not in SCHEDULED_POINTS:
            problems[f"entries.{index}.point"] = "Choose baseline, post or follow_up."
        if (key, point) in seen:
            problems[f"entries.{index}"] = "This questionnaire is already listed at this point."
        seen.add((key, point))
    if problems:
        raise DomainError(problems)
    ScheduledInstrument.objects.filter(provider=provider).delete()
    rows = ScheduledInstrument.objects.bulk_create(
        ScheduledInstrument(provider=provider, instrument_key=key, point=point, optional=optional)
        for key, point, optional in entries
    )
    record(
        actor=actor,
        action="outcomes_schedule.set",
        target=provider,
        provider_id=provider.pk,
        data={"entries": [list(entry) for entry in entries]},
    )
    return rows


@transaction.atomic
def threshold_set(
    *, actor: Any, provider: Provider, instrument_key: str, total: int | None
) -> ReferralThreshold | None:
    """Set the provider's own referral threshold for an instrument; None goes back to the
    pack's default."""
    _may_configure(actor, provider)
    instrument = registry().latest(instrument_key)
    if instrument is None:
        raise DomainError({"instrument": "There is no such questionnaire here."})
    rows = ReferralThreshold.objects.filter(provider=provider, instrument_key=instrument_key)
    if total is None:
        rows.delete()
        row = None
    else:
        low, high = instrument.total_range
        if not low < total <= high:
            raise DomainError({"total": f"Choose a total above {low} and at most {high}."})
        row, _ = ReferralThreshold.objects.update_or_create(
            provider=provider, instrument_key=instrument_key, defaults={"total": total}
        )
    record(
        actor=actor,
        action="referral_threshold.set",
        target=provider,
        provider_id=provider.pk,
        data={"instrument": instrument_key, "total": total},
    )
    return row
