"""Course runs, registers and offers of places."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nurture.accounts.roles import Role
from nurture.courses.models import CourseRun, Enrolment, EnrolmentStatus, Offer
from nurture.families.models import Family
from nurture.policy.referrals import can_manage_referral, referrals_visible_to
from nurture.policy.scope import Person, scope_of


def runs_visible_to(user: Person) -> QuerySet[CourseRun]:
    """Staff of the provider see its runs (facilitators only their own); parents the runs
    they are enrolled on or offered."""
    from django.db.models import Q

    scope = scope_of(user)
    if scope.is_admin:
        return CourseRun.objects.all()
    condition = Q(pk__in=[])
    overseeing = scope.providers_where(Role.SERVICE_MANAGER, Role.HEALTH_VISITOR)
    if overseeing:
        condition |= Q(provider_id__in=overseeing)
    facilitating = scope.providers_where(Role.FACILITATOR)
    if facilitating:
        condition |= Q(provider_id__in=facilitating, facilitators=user)
    if scope.family_id is not None:
        condition |= Q(enrolments__referral__family_id=scope.family_id)
        condition |= Q(offers__referral__family_id=scope.family_id)
    return CourseRun.objects.filter(pk__in=CourseRun.objects.filter(condition).values("pk"))


def can_manage_run(user: Person, run: Any) -> bool:
    """Schedule, move, copy, close and offer places: the provider's managers."""
    scope = scope_of(user)
    return scope.is_admin or run.provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def can_keep_register(user: Person, run: Any) -> bool:
    """The run's own facilitators and the provider's managers."""
    if can_manage_run(user, run):
        return True
    return run.provider_id in scope_of(user).providers_where(Role.FACILITATOR) and any(
        facilitator.pk == user.pk for facilitator in run.facilitators.all()
    )


def offers_visible_to(user: Person) -> QuerySet[Offer]:

    return Offer.objects.filter(referral__in=referrals_visible_to(user))


def can_answer_offer(user: Person, offer: Any) -> bool:
    """The family themselves, or staff who manage the referral (an answer given by phone)."""
    if scope_of(user).family_id == offer.referral.family_id:
        return True
    return can_manage_referral(user, offer.referral)


def families_facilitated_by(user: Person) -> QuerySet[Family]:
    """Families with a place (not withdrawn) on a course this user facilitates."""
    facilitating = scope_of(user).providers_where(Role.FACILITATOR)
    if not facilitating:
        return Family.objects.none()
    enrolments = Enrolment.objects.filter(
        run__provider_id__in=facilitating, run__facilitators=user.pk
    ).exclude(status=EnrolmentStatus.WITHDRAWN)
    return Family.objects.filter(pk__in=enrolments.values("referral__family_id"))
