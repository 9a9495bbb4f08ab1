"""Two families accept the last place at the same moment: exactly one gets it.

Real concurrent transactions need a database server, so this runs on PostgreSQL (where
the run's row lock does the work); SQLite serialises all writers anyway.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.courses.models import Enrolment, Offer, OfferStatus
from nurture.lib.errors import DomainError
from nurture.referrals.models import Referral, Status
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_simultaneous_acceptances_gets_the_last_place() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent transactions with row locks")
    provider = factories.make_provider("Concurrent")
    manager = factories.make_staff(provider, Role.SERVICE_MANAGER, "concurrent_boss")
    run = factories.make_run(provider, capacity=1)
    referrals = [factories.make_referral(factories.baby_born(provider, 10)) for _ in range(4)]
    Offer.objects.update(status=OfferStatus.WITHDRAWN)
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(status=Status.WAITING)
    offers = places.offer_to_all(actor=manager, run=run)
    assert len(offers) == 4

    barrier = threading.Barrier(len(offers))

    def accept(offer: Offer) -> str:
        try:
            barrier.wait(timeout=10)
            places.accept_offer(actor=None, offer=offer)
            return "enrolled"
        except DomainError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(offers)) as pool:
        outcomes = list(pool.map(accept, offers))

    assert sorted(outcomes) == ["enrolled", "refused", "refused", "refused"]
    assert Enrolment.objects.filter(run=run).count() == 1
    assert Offer.objects.filter(run=run, status=OfferStatus.ACCEPTED).count() == 1
