"""Who may see and change what. The one place that decides; views, API routes, exports and
reports all ask here.

Access comes from relationships, worked out on every request so a change takes effect at
once: an admin sees the whole installation; a service manager their provider; a health
visitor the families whose named health visitor they are; a facilitator the families on
their own course runs (none until courses exist); a parent their own family. Anything
outside that is treated as if it did not exist (404), never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from nurture.accounts.models import Membership, Provider, Team, Venue
from nurture.accounts.roles import Role

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Scope:
    """Everything the policy needs to know about one user, loaded in at most two queries."""

    is_admin: bool = False
    provider_roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    family_id: Any = None

    @property
    def roles(self) -> frozenset[Role]:
        roles: set[Role] = set()
        if self.is_admin:
            roles.add(Role.ADMIN)
        for provider_roles in self.provider_roles.values():
            roles |= provider_roles
        if self.family_id is not None:
            roles.add(Role.PARENT)
        return frozenset(roles)

    def providers_where(self, *roles: Role) -> set[int]:
        return {pid for pid, held in self.provider_roles.items() if held & set(roles)}


ANONYMOUS = Scope()


def scope_of(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_nurture_scope", None)
    if cached is not None:
        return cached
    provider_roles: dict[int, set[Role]] = {}
    for provider_id, role in Membership.objects.filter(user=user, is_active=True).values_list(
        "provider_id", "role"
    ):
        provider_roles.setdefault(provider_id, set()).add(Role(role))
    from nurture.families.models import Carer

    family_id = Carer.objects.filter(user=user).values_list("family_id", flat=True).first()
    scope = Scope(
        is_admin=user.is_superuser,
        provider_roles={pid: frozenset(r) for pid, r in provider_roles.items()},
        family_id=family_id,
    )
    user._nurture_scope = scope
    return scope


def roles_of(user: Any) -> frozenset[Role]:
    return scope_of(user).roles


# --- Organisations -------------------------------------------------------------------------


def providers_visible_to(user: Any) -> QuerySet[Provider]:
    scope = scope_of(user)
    if scope.is_admin:
        return Provider.objects.all()
    return Provider.objects.filter(pk__in=scope.provider_roles.keys())


def _of_own_providers(model: type[M], user: Any) -> QuerySet[M]:
    scope = scope_of(user)
    rows = model._default_manager.all()
    return rows if scope.is_admin else rows.filter(provider_id__in=scope.provider_roles.keys())


def teams_visible_to(user: Any) -> QuerySet[Team]:
    return _of_own_providers(Team, user)


def venues_visible_to(user: Any) -> QuerySet[Venue]:
    return _of_own_providers(Venue, user)


def providers_managed_by(user: Any) -> QuerySet[Provider]:
    scope = scope_of(user)
    if scope.is_admin:
        return Provider.objects.all()
    return Provider.objects.filter(pk__in=scope.providers_where(Role.SERVICE_MANAGER))


def providers_where_can_refer(user: Any) -> QuerySet[Provider]:
    """Providers where this user may add a family: their health visitors and managers."""
    scope = scope_of(user)
    if scope.is_admin:
        return Provider.objects.all()
    return Provider.objects.filter(
        pk__in=scope.providers_where(Role.HEALTH_VISITOR, Role.SERVICE_MANAGER)
    )


def provider_for_new_family(user: Any, provider_id: Any) -> Provider | None:
    """Which provider a new family goes to: the one asked for (if the user may refer to it),
    or the user's only one. None when the user must choose."""
    providers = list(providers_where_can_refer(user))
    if provider_id not in (None, ""):
        return next((p for p in providers if str(p.pk) == str(provider_id)), None)
    return providers[0] if len(providers) == 1 else None


# --- Families --------------------------------------------------------------------------------


def _clinical_condition(user: Any, scope: Scope) -> Any:
    """A service manager's provider's families, and a health visitor's own (named for, or
    referred by them): who sees a family's clinical side as well as its details."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    if managed:
        condition |= Q(provider_id__in=managed)
    visiting = scope.providers_where(Role.HEALTH_VISITOR)
    if visiting:
        condition |= Q(provider_id__in=visiting, health_visitor=user)
        condition |= Q(provider_id__in=visiting, referrals__referred_by=user)
    return condition


def families_visible_to(user: Any) -> QuerySet[Any]:
    from django.db.models import Q

    from nurture.families.models import Family

    scope = scope_of(user)
    if scope.is_admin:
        return Family.objects.all()
    condition = _clinical_condition(user, scope)
    facilitating = scope.providers_where(Role.FACILITATOR)
    if facilitating:
        condition |= Q(
            provider_id__in=facilitating,
            referrals__enrolments__run__facilitators=user,
        )
    if scope.family_id is not None:
        condition |= Q(pk=scope.family_id)
    return Family.objects.filter(pk__in=Family.objects.filter(condition).values("pk"))


def carers_visible_to(user: Any) -> QuerySet[Any]:
    from nurture.families.models import Carer

    return Carer.objects.filter(family__in=families_visible_to(user))


def babies_visible_to(user: Any) -> QuerySet[Any]:
    from nurture.families.models import Baby

    return Baby.objects.filter(family__in=families_visible_to(user))


def can_edit_family(user: Any, family: Any) -> bool:
    """Staff responsible for the family may change its details, carers and babies."""
    scope = scope_of(user)
    if scope.is_admin or family.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    return (
        family.provider_id in scope.providers_where(Role.HEALTH_VISITOR)
        and family.health_visitor_id == user.pk
    )


def referrals_visible_to(user: Any) -> QuerySet[Any]:
    """Managers: their provider's referrals; health visitors: those they made or for families
    they are named for; facilitators: families on their runs; parents: their own."""
    from django.db.models import Q

    from nurture.referrals.models import Referral

    scope = scope_of(user)
    if scope.is_admin:
        return Referral.objects.all()
    condition = Q(pk__in=[])
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    if managed:
        condition |= Q(provider_id__in=managed)
    visiting = scope.providers_where(Role.HEALTH_VISITOR)
    if visiting:
        condition |= Q(provider_id__in=visiting, referred_by=user)
        condition |= Q(provider_id__in=visiting, family__health_visitor=user)
    facilitating = scope.providers_where(Role.FACILITATOR)
    if facilitating:
        condition |= Q(provider_id__in=facilitating, enrolments__run__facilitators=user)
    if scope.family_id is not None:
        condition |= Q(family_id=scope.family_id)
    return Referral.objects.filter(pk__in=Referral.objects.filter(condition).values("pk"))


def can_manage_referral(user: Any, referral: Any) -> bool:
    """Offer, withdraw or re-list: the provider's managers and the referring health visitor."""
    scope = scope_of(user)
    if scope.is_admin or referral.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    return referral.provider_id in scope.providers_where(Role.HEALTH_VISITOR) and (
        referral.referred_by_id == user.pk or referral.family.health_visitor_id == user.pk
    )


def can_override_eligibility(user: Any, provider_id: int) -> bool:
    scope = scope_of(user)
    return scope.is_admin or provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def sees_referral_reasons(user: Any, referral: Any) -> bool:
    """Why a family was referred is for the referrer and managers, not facilitators/parents."""
    return can_manage_referral(user, referral)


def runs_visible_to(user: Any) -> QuerySet[Any]:
    """Staff of the provider see its runs (facilitators only their own); parents the runs
    they are enrolled on or offered."""
    from django.db.models import Q

    from nurture.courses.models import CourseRun

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


def can_manage_run(user: Any, run: Any) -> bool:
    """Schedule, move, copy, close and offer places: the provider's managers."""
    scope = scope_of(user)
    return scope.is_admin or run.provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def can_keep_register(user: Any, run: Any) -> bool:
    """The run's own facilitators and the provider's managers."""
    if can_manage_run(user, run):
        return True
    return run.provider_id in scope_of(user).providers_where(Role.FACILITATOR) and any(
        facilitator.pk == user.pk for facilitator in run.facilitators.all()
    )


def offers_visible_to(user: Any) -> QuerySet[Any]:
    from nurture.courses.models import Offer

    return Offer.objects.filter(referral__in=referrals_visible_to(user))


def can_answer_offer(user: Any, offer: Any) -> bool:
    """The family themselves, or staff who manage the referral (an answer given by phone)."""
    if scope_of(user).family_id == offer.referral.family_id:
        return True
    return can_manage_referral(user, offer.referral)


def can_edit_carer(user: Any, carer: Any) -> bool:
    """Staff who may edit the family, and each carer for their own contact details."""
    if carer.user_id is not None and carer.user_id == getattr(user, "pk", None):
        return True
    return can_edit_family(user, carer.family)


# --- Helpers for views and the API ----------------------------------------------------------


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset; anything else is a 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def require_roles(*roles: Role) -> Callable[[View], View]:
    """A view for people holding one of ``roles``; everyone else gets a 404."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user) & set(roles):
                raise Http404("Not found.")
            return view(request, *args, **kwargs)

        wrapper.policy_checked = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def signed_in(view: View) -> View:
    """A view for anyone signed in; it scopes what it shows through this module."""
    wrapped = login_required(view)
    wrapped.policy_checked = True  # type: ignore[attr-defined]
    return wrapped


def public(view: View) -> View:
    """A view anyone may open (the login page's neighbours, health checks)."""
    view.policy_checked = True  # type: ignore[attr-defined]
    return view


ALL_ROLES = tuple(Role)
STAFF = (Role.ADMIN, Role.SERVICE_MANAGER, Role.HEALTH_VISITOR, Role.FACILITATOR)
REFERRERS = (Role.ADMIN, Role.SERVICE_MANAGER, Role.HEALTH_VISITOR)


# --- Home practice ---------------------------------------------------------------------------


def practice_babies_for(user: Any) -> QuerySet[Any]:
    """Babies whose practice log and diary this user may see: their own family's (carers with
    a login). Staff do not see or keep a family's home practice."""
    from nurture.families.models import Baby

    family_id = scope_of(user).family_id
    if family_id is None:
        return Baby.objects.none()
    return Baby.objects.filter(family_id=family_id)


def can_log_for_baby(user: Any, baby: Any) -> bool:
    """Every carer of the baby with a login may log practice and diary entries."""
    family_id = scope_of(user).family_id
    return family_id is not None and family_id == baby.family_id


# --- Outcomes and safeguarding ---------------------------------------------------------------
# Questionnaire results, safety alerts and safeguarding concerns are clinical: health visitors
# (for their own families) and the provider's service managers see them; facilitators only
# that an alert or concern exists for a family on their course, and what to do; a parent never
# sees scores, alerts or concerns, not even their own (hazard H9).


def clinical_families_for(user: Any) -> QuerySet[Any]:
    """Families whose questionnaire results and concerns this user may read: an admin's all,
    a service manager's provider's, a health visitor's own (named for, or referred by them)."""
    from nurture.families.models import Family

    scope = scope_of(user)
    if scope.is_admin:
        return Family.objects.all()
    condition = _clinical_condition(user, scope)
    return Family.objects.filter(pk__in=Family.objects.filter(condition).values("pk"))


def can_see_scores(user: Any, family: Any) -> bool:
    return clinical_families_for(user).filter(pk=family.pk).exists()


def responses_visible_to(user: Any) -> QuerySet[Any]:
    """Submitted questionnaire responses (answers and scores) this user may read."""
    from nurture.outcomes.models import Response, ResponseStatus

    return Response.objects.filter(
        status=ResponseStatus.SUBMITTED, family__in=clinical_families_for(user)
    )


def alerts_visible_to(user: Any) -> QuerySet[Any]:
    """Safety alerts: the provider's managers, health visitors who see the family's results,
    the health visitor it was assigned to and the duty clinician."""
    from django.db.models import Q

    from nurture.outcomes.models import SafetyAlert

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


def can_act_on_alert(user: Any, alert: Any) -> bool:
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


def concerns_visible_to(user: Any) -> QuerySet[Any]:
    """Safeguarding concerns in full: the same people who see the family's results."""
    from nurture.outcomes.models import SafeguardingConcern

    return SafeguardingConcern.objects.filter(family__in=clinical_families_for(user))


def can_record_concern(user: Any, family: Any) -> bool:
    """The provider's service managers, and health visitors who see the family's results."""
    scope = scope_of(user)
    if family.provider_id in scope.providers_where(Role.SERVICE_MANAGER):
        return True
    return family.provider_id in scope.providers_where(Role.HEALTH_VISITOR) and can_see_scores(
        user, family
    )


def families_facilitated_by(user: Any) -> QuerySet[Any]:
    """Families with a place (not withdrawn) on a course this user facilitates."""
    from nurture.courses.models import Enrolment, EnrolmentStatus
    from nurture.families.models import Family

    facilitating = scope_of(user).providers_where(Role.FACILITATOR)
    if not facilitating:
        return Family.objects.none()
    enrolments = Enrolment.objects.filter(
        run__provider_id__in=facilitating, run__facilitators=user
    ).exclude(status=EnrolmentStatus.WITHDRAWN)
    return Family.objects.filter(pk__in=enrolments.values("referral__family_id"))


def can_see_flags(user: Any, family: Any) -> bool:
    """Whether an alert or concern exists (never what it is): those who see the details, and
    facilitators of the family's course."""
    return (
        can_see_scores(user, family) or families_facilitated_by(user).filter(pk=family.pk).exists()
    )


def can_answer_for(user: Any, carer: Any) -> bool:
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


def can_configure_outcomes(user: Any, provider_id: int) -> bool:
    """Duty clinician, escalation time, help text, schedule and thresholds: managers."""
    scope = scope_of(user)
    return scope.is_admin or provider_id in scope.providers_where(Role.SERVICE_MANAGER)


def can_answer_in_class(user: Any, carer: Any) -> bool:
    """Who may go through a questionnaire with a parent in class: a facilitator of the
    family's course (never the parent's own login, which answers on their own pages)."""
    if carer.user_id is not None and carer.user_id == getattr(user, "pk", None):
        return False
    return can_answer_for(user, carer) and (
        families_facilitated_by(user).filter(pk=carer.family_id).exists()
    )


# --- Insights and reports --------------------------------------------------------------------
# Programme reports are aggregates, never one family's record: service managers see their
# providers' (admins everyone's); a facilitator sees a summary of their own runs; health
# visitors and parents have no programme reports. A parent's insights are their own babies'
# (``practice_babies_for``).


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


def programme_report_scope(user: Any) -> ReportScope | None:
    """The whole programme report (funnel, waiting list, outcomes, reach): managers, admins."""
    scope = scope_of(user)
    if scope.is_admin:
        return ReportScope(provider_ids=None)
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    return ReportScope(provider_ids=frozenset(managed)) if managed else None


def facilitator_report_scope(user: Any) -> ReportScope | None:
    """A facilitator's summary of their own runs."""
    facilitating = scope_of(user).providers_where(Role.FACILITATOR)
    if not facilitating:
        return None
    return ReportScope(provider_ids=frozenset(facilitating), facilitator_id=user.pk)
