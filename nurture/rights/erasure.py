"""Erasure (UK GDPR article 17) and retention: what goes at once, what is kept and until when.

When a family asks to be forgotten, what they gave Nurture for themselves goes at once: the
massage sessions and cues they logged at home, their diary, their practice reminders, the
messages sent to them, and their contact details and login. Their open referrals are
withdrawn, so any place held for them goes to the next family. The clinical record
(referrals and their history, places and attendance, questionnaire answers and scores,
safety alerts and safeguarding concerns) is a health record the provider must keep: it
stays, unchanged, so programme reports still count the family, until the provider's
retention period ends (by default the youngest baby's 25th birthday, as the NHS Records
Management Code of Practice sets for children's records). Then ``apply_retention`` removes
the whole record, and the audit log says what went.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nurture.accounts.models import SHORTEST_RETENTION_AGE, ApiToken, Membership, ProgrammeRules
from nurture.allocation import services as allocation_services
from nurture.audit.services import record
from nurture.families.models import Baby, Carer, Family
from nurture.referrals.models import OPEN_STATUSES, Referral
from nurture.rights import export

ERASED_NOW = export.parts(
    "cue_events",
    "practice_sessions",
    "diary",
    "practice_reminders_sent",
    "practice_reminders",
    "messages",
)
"""Removed at once, children before parents."""

KEPT = export.parts(
    "alert_escalations",
    "safety_alerts",
    "safeguarding_concerns",
    "questionnaires",
    "attendance",
    "enrolments",
    "offers",
    "referral_history",
    "referrals",
    "babies",
    "carers",
)
"""The clinical record, kept until the retention period ends; listed children first, the
order ``apply_retention`` removes them in."""

WITHDRAWN_BECAUSE = "The family asked for their information to be erased."


@dataclass(frozen=True)
class Erasure:
    family: Family
    erased: dict[str, int]
    kept: dict[str, int]
    kept_until: date
    created: bool
    """False when the family had already been erased (nothing more was done)."""


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def kept_until(family: Family) -> date:
    """The end of the provider's retention period for this family: the youngest baby's
    birthday at the provider's age (25 unless they set another)."""
    rules = ProgrammeRules.for_provider(family.provider_id)
    youngest = Baby.objects.filter(family=family).aggregate(born=Max("date_of_birth"))["born"]
    age = max(rules.records_kept_until_age, SHORTEST_RETENTION_AGE)  # a typo never shortens it
    return years_after(youngest or timezone.localdate(), age)


def _rows(family: Family, part: export.Part) -> Any:
    return part.model._default_manager.filter(**{part.to_family: family.pk})


def _counts(family: Family, tables: tuple[export.Part, ...]) -> dict[str, int]:
    return {part.key: _rows(family, part).count() for part in tables}


def postcode_district(postcode: str) -> str:
    """The outward code alone ("LS1 4AP" -> "LS1"): not an address, and what the reach
    report groups families by (``reports.sections.reach.by_district``), so it still counts."""
    compact = postcode.strip().upper()
    if " " in compact:
        return compact.split(" ")[0]
    return compact[:-3] if len(compact) > 3 else ""


def _remove(family: Family, tables: tuple[export.Part, ...]) -> None:
    for part in tables:
        _rows(family, part).delete()


def _close_logins(carers: list[Carer]) -> None:
    """The carers' logins can no longer be used: no password, no tokens, no email."""
    for carer in carers:
        user = carer.user
        if user is None or user.is_superuser or Membership.objects.filter(user=user).exists():
            continue  # a member of staff keeps their work login; only the carer link goes
        ApiToken.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.is_active = False
        user.email = user.first_name = user.last_name = user.preferred_name = ""
        user.set_unusable_password()
        user.save(
            update_fields=[
                "is_active",
                "email",
                "first_name",
                "last_name",
                "preferred_name",
                "password",
            ]
        )


@transaction.atomic
def family_erase(*, actor: Any, family: Family) -> Erasure:
    """Erase what goes at once and keep the clinical record until its retention ends. One
    transaction with one audit event (counts only, nothing about the family)."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    if family.erased_at is not None:
        assert family.clinical_kept_until is not None
        return Erasure(family, {}, _counts(family, KEPT), family.clinical_kept_until, False)
    for referral in Referral.objects.filter(family=family, status__in=OPEN_STATUSES):
        allocation_services.referral_withdraw(
            actor=actor, referral=referral, reason=WITHDRAWN_BECAUSE
        )
    erased = _counts(family, ERASED_NOW)
    _remove(family, ERASED_NOW)
    carers = list(Carer.objects.filter(family=family).select_related("user"))
    _close_logins(carers)
    Carer.objects.filter(family=family).update(
        email="", mobile="", consent_to_contact=False, consent_recorded_at=None, user=None
    )
    erased["contact_details"] = len(carers)
    erased["logins"] = sum(1 for carer in carers if carer.user_id is not None)
    family.postcode, family.notes = postcode_district(family.postcode), ""
    family.erased_at = timezone.now()
    family.clinical_kept_until = kept_until(family)
    family.save(update_fields=["postcode", "notes", "erased_at", "clinical_kept_until"])
    kept = _counts(family, KEPT)
    record(
        actor=actor,
        action="family.erased",
        target=family,
        provider_id=family.provider_id,
        data={"erased": erased, "kept": kept, "kept_until": str(family.clinical_kept_until)},
    )
    return Erasure(family, erased, kept, family.clinical_kept_until, True)


def due_for_removal(today: date) -> list[Family]:
    """Families whose retention has ended: erased ones past their date, and any whose
    youngest baby has passed the provider's retention age."""
    found = list(Family.objects.filter(clinical_kept_until__lte=today))
    candidates = (
        Family.objects.filter(erased_at__isnull=True)
        .annotate(youngest=Max("babies__date_of_birth"))
        .filter(youngest__lte=years_after(today, -SHORTEST_RETENTION_AGE))
    )
    found += [family for family in candidates if kept_until(family) <= today]
    return found


def apply_retention() -> str:
    """The periodic job: remove each whole record whose retention has ended, one family per
    transaction, each with an audit event saying what went. Returns a line for the log."""
    today = timezone.localdate()
    removed = 0
    for family in due_for_removal(today):
        with transaction.atomic():
            locked = Family.objects.select_for_update(skip_locked=True).filter(pk=family.pk)
            target = locked.first()
            if target is None:
                continue
            counts = _counts(target, KEPT + ERASED_NOW)
            _close_logins(list(Carer.objects.filter(family=target).select_related("user")))
            record(
                actor=None,
                action="family.retention_ended",
                target=target,
                provider_id=target.provider_id,
                data={"removed": counts},
            )
            _remove(target, ERASED_NOW + KEPT)
            target.delete()
            removed += 1
    return f"{removed} families' records removed at the end of retention" if removed else ""
