"""Reads about places: the waiting list in the order places are offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import Http404

from nurture import policy
from nurture.accounts.models import Venue
from nurture.allocation import places
from nurture.policy import Person
from nurture.referrals import services
from nurture.referrals.eligibility import Window
from nurture.referrals.models import Referral, Status


@dataclass(frozen=True)
class WaitingFamily:
    position: int
    referral: Referral
    window: Window

    @property
    def ages_out_on(self) -> date:
        return self.window.last_start


def waiting_list(
    user: Person, provider_id: int, *, venue_id: int | None = None
) -> list[WaitingFamily]:
    """The provider's waiting list in offer order, as far as this user may see it; for one
    of the provider's venues if asked (another provider's venue is not found)."""
    if (
        venue_id is not None
        and not Venue.objects.filter(pk=venue_id, provider_id=provider_id).exists()
    ):
        raise Http404("No such venue.")
    visible = set(
        policy.referrals_visible_to(user).filter(status=Status.WAITING).values_list("pk", flat=True)
    )
    ordered = places.waiting_list(provider_id, venue_id=venue_id)
    limits = services.limits_for(provider_id)
    return [
        WaitingFamily(position, referral, services.age_window(referral, limits))
        for position, referral in enumerate(ordered, start=1)
        if referral.pk in visible
    ]
