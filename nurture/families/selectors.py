"""Reads of families, already scoped by the access policy and with a fixed query count."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from nurture import policy
from nurture.accounts.models import User
from nurture.families.models import Baby, Carer, Family
from nurture.policy import Person


def family_list(user: Person) -> QuerySet[Family]:
    return (
        policy.families_visible_to(user)
        .select_related("provider", "health_visitor")
        .prefetch_related(
            Prefetch("carers", queryset=Carer.objects.order_by("given_name")),
            Prefetch("babies", queryset=Baby.objects.order_by("date_of_birth", "given_name")),
        )
        .order_by("-created_at")
    )


def families_named_for(user: Person, *, limit: int = 50) -> list[Family]:
    """The newest families this health visitor is the named health visitor for (home page)."""
    if not isinstance(user, User):
        return []
    return list(family_list(user).filter(health_visitor=user)[:limit])


def family_detail(user: Person, family_id: Any) -> Family:
    return policy.get_visible_or_404(family_list(user), pk=family_id)


def editable_family(user: Person, family_id: Any) -> Family:
    """A family this user may change (its details, carers and babies); anything else is 404."""
    family = family_detail(user, family_id)
    if not policy.can_edit_family(user, family):
        raise Http404("Not found.")
    return family


def editable_carer(user: Person, carer_id: Any) -> Carer:
    carer = carer_detail(user, carer_id)
    if not policy.can_edit_carer(user, carer):
        raise Http404("Not found.")
    return carer


def baby_list(user: Person) -> QuerySet[Baby]:
    return policy.babies_visible_to(user).select_related("family").order_by("date_of_birth")


def baby_detail(user: Person, baby_id: Any) -> Baby:
    return policy.get_visible_or_404(baby_list(user), pk=baby_id)


def carer_detail(user: Person, carer_id: Any) -> Carer:
    return policy.get_visible_or_404(
        policy.carers_visible_to(user).select_related("family", "family__provider"),
        pk=carer_id,
    )


def own_family(user: Person) -> Family | None:
    """The signed-in parent's own family, or None."""
    family_id = policy.scope_of(user).family_id
    if family_id is None:
        return None
    return family_list(user).filter(pk=family_id).first()


def own_carer(user: Person) -> Carer | None:
    """The signed-in person's own carer record, if they are a parent."""
    if not isinstance(user, User):
        return None
    return Carer.objects.filter(user=user).select_related("family").first()


def family_referrals(user: Person, family: Family) -> QuerySet[Any]:
    """The family's referrals this user may see, newest first."""
    return (
        policy.referrals_visible_to(user)
        .filter(family=family)
        .select_related("baby")
        .order_by("-created_at")
    )
