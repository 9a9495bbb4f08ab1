"""Programme reports are aggregates, never one family's record: service managers see their
providers' (admins everyone's); a facilitator sees a summary of their own runs; health
visitors and parents have no programme reports. A parent's insights are their own babies'
(``practice_babies_for``)."""

from __future__ import annotations

from dataclasses import dataclass

from nurture.accounts.roles import Role
from nurture.policy.scope import Person, scope_of


@dataclass(frozen=True)
class ReportScope:
    """What a person's reports may cover. ``provider_ids`` None: every provider (an admin).
    ``facilitator_id`` set: only the runs that person facilitates, and nothing about
    referrals before a place or about questionnaire scores."""

    provider_ids: frozenset[int] | None
    facilitator_id: int | None = None

    @property
    def is_facilitator_summary(self) -> bool:
        return self.facilitator_id is not None


def programme_report_scope(user: Person) -> ReportScope | None:
    """The whole programme report (funnel, waiting list, outcomes, reach): managers, admins."""
    scope = scope_of(user)
    if scope.is_admin:
        return ReportScope(provider_ids=None)
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    return ReportScope(provider_ids=frozenset(managed)) if managed else None


def facilitator_report_scope(user: Person) -> ReportScope | None:
    """A facilitator's summary of their own runs."""
    facilitating = scope_of(user).providers_where(Role.FACILITATOR)
    if not facilitating:
        return None
    return ReportScope(provider_ids=frozenset(facilitating), facilitator_id=user.pk)
