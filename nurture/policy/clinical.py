"""Questionnaire results, safety alerts and safeguarding concerns are clinical: health visitors
(for their own families) and the provider's service managers see them; facilitators only
that an alert or concern exists for a family on their course, and what to do; a parent never
sees scores, alerts or concerns, not even their own (hazard H9)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nurture.accounts.roles import Role
from nurture.families.models import Family
from nurture.outcomes.models import Response, ResponseStatus, SafeguardingConcern, SafetyAlert
from nurture.policy.courses import families_facilitated_by
from nurture.policy.families import clinical_condition
from nurture.policy.scope import Person, scope_of


def clinical_families_for(user: Person) -> QuerySet[Family]:
    """Families whose questionnaire results and concerns this user may read: an admin's all,
    a service manager's provider's, a health visitor's own (named for, or referred by them)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Family.objects.all()
    condition = clinical_condition(user, scope)
    return Family.objects.filter(pk__in=Family.objects.filter(condition).values("pk"))


def can_see_scores(user: Person, family: Any) -> bool:
    return clinical_families_for(user).filter(pk=family.pk).exists()


def responses_visible_to(user: Person) -> QuerySet[Response]:
    """Submitted questionnaire responses (answers and scores) this user may read."""
    return Response.objects.filter(
        status=ResponseStatus.SUBMITTED, family__in=clinical_families_for(user)
    )


def alerts_visible_to(user: Person) -> QuerySet[SafetyAlert]:
    """Safety alerts: the provider's managers, health visitors who see the family's results,
    the health visitor it was assigned to and the duty clinician."""
    from django.db.models import Q

    scope = scope_of(user)
    if scope.is_admin:
        return SafetyAlert.objects.all()
    staff = scope.providers_where(Role.HEALTH_VISITOR, Role.SERVICE_MANAGER)
    if not staff:
        return SafetyAlert.objects.none()
    return SafetyAlert.objects.filter(
        Q(family__in=clinical_families_for(user))
        | Q(provider_id__in=staff, health_visitor=user)
        | Q(provider_id__in=staff, duty_clinician=user)
    )


def can_act_on_alert(user: Person, alert: Any) -> bool:
    """Acknowledge and close: the assigned (or now named) health visitor, the duty clinician
    and the provider's service managers."""
    scope = scope_of(user)
    if alert.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    if alert.provider_id in scope.providers_where(Role.HEALTH_VISITOR) and user.pk in (
        alert.health_visitor_id,
        alert.family.health_visitor_id,
    ):
        return True
    return (
        alert.provider_id in scope.providers_where(Role.HEALTH_VISITOR, Role.SERVICE_MANAGER)
        and alert.duty_clinician_id == user.pk
    )


def concerns_visible_to(user: Person) -> QuerySet[SafeguardingConcern]:
    """Safeguarding concerns in full: the same people who see the family's results."""
    return SafeguardingConcern.objects.filter(family__in=clinical_families_for(user))


def can_record_concern(user: Person, family: Any) -> bool:
    """The provider's service managers, and health visitors who see the family's results."""
    scope = scope_of(user)
    if family.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    return family.provider_id in scope.providers_where(Role.HEALTH_VISITOR) and can_see_scores(
        user, family
    )


def can_see_flags(user: Person, family: Any) -> bool:
    """Whether an alert or concern exists (never what it is): those who see the details, and
    facilitators of the family's course."""
    return (
        can_see_scores(user, family) or families_facilitated_by(user).filter(pk=family.pk).exists()
    )


def can_answer_for(user: Person, carer: Any) -> bool:
    """Who may fill in a questionnaire for this carer: the carer, at their own login; or staff
    going through it with them: the facilitators of the family's course, and the provider's
    health visitors and managers who see the family's results. Never another carer."""
    if carer.user_id is not None and carer.user_id == getattr(user, "pk", None):
        return True
    scope = scope_of(user)
    provider_id = carer.family.provider_id
    clinical = scope.providers_where(Role.SERVICE_MANAGER, Role.HEALTH_VISITOR)
    if provider_id in clinical and can_see_scores(user, carer.family):
        return True
    return (
        provider_id in scope.providers_where(Role.FACILITATOR)
        and families_facilitated_by(user).filter(pk=carer.family_id).exists()
    )


def can_configure_outcomes(user: Person, provider_id: int) -> bool:
    """Duty clinician, escalation time, help text, schedule and thresholds: managers."""
    scope = scope_of(user)
    return scope.is_admin or provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def can_answer_in_class(user: Person, carer: Any) -> bool:
    """Who may go through a questionnaire with a parent in class: a facilitator of the
    family's course (never the parent's own login, which answers on their own pages)."""
    if carer.user_id is not None and carer.user_id == getattr(user, "pk", None):
        return False
    return can_answer_for(user, carer) and (
        families_facilitated_by(user).filter(pk=carer.family_id).exists()
    )
