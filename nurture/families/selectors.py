"""Reads of families, already scoped by the access policy and with a fixed query count."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from nurture.accounts import policy
from nurture.families.models import Baby, Carer, Family


def family_list(user: Any) -> QuerySet[Family]:
    return (
        policy.families_visible_to(user)
        .select_related("provider", "health_visitor")
        .prefetch_related(
            Prefetch("carers", queryset=Carer.objects.order_by("given_name")),
            Prefetch("babies", queryset=Baby.objects.order_by("date_of_birth", "given_name")),
        )
        .order_by("-created_at")
    )


def family_detail(user: Any, family_id: Any) -> Family:
    return policy.get_visible_or_404(family_list(user), pk=family_id)


def baby_list(user: Any) -> QuerySet[Baby]:
    return policy.babies_visible_to(user).select_related("family").order_by("date_of_birth")


def baby_detail(user: Any, baby_id: Any) -> Baby:
    return policy.get_visible_or_404(baby_list(user), pk=baby_id)


def carer_detail(user: Any, carer_id: Any) -> Carer:
    return policy.get_visible_or_404(
        policy.carers_visible_to(user).select_related("family", "family__provider"),
        pk=carer_id,
    )


def own_family(user: Any) -> Family | None:
    """The signed-in parent's own family, or None."""
    family_id = policy.scope_of(user).family_id
    if family_id is None:
        return None
    return family_list(user).filter(pk=family_id).first()


def own_carer(user: Any) -> Carer | None:
    """The signed-in person's own carer record, if they are a parent."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Carer.objects.filter(user=user).select_related("family").first()
