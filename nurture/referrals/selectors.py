"""Reads of referrals, scoped by the access policy, with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from nurture import policy
from nurture.policy import Person
from nurture.referrals.models import Referral, ReferralEvent


def referral_list(user: Person, *, status: str | None = None) -> QuerySet[Referral]:
    rows = (
        policy.referrals_visible_to(user)
        .select_related("baby", "family", "provider", "referred_by")
        .order_by("-created_at")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def referral_detail(user: Person, referral_id: Any) -> Referral:
    from nurture.courses.models import Enrolment, Offer

    rows = referral_list(user).prefetch_related(
        "preferred_venues",
        Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
        Prefetch("offers", queryset=Offer.objects.select_related("run__venue", "run__template")),
        Prefetch(
            "enrolments", queryset=Enrolment.objects.select_related("run__venue", "run__template")
        ),
    )
    return policy.get_visible_or_404(rows, pk=referral_id)


def manageable_referral(user: Person, referral_id: Any) -> Referral:
    referral = referral_detail(user, referral_id)
    if not policy.can_manage_referral(user, referral):
        raise Http404("Not found.")
    return referral
