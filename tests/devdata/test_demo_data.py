from __future__ import annotations

import pytest
from django.core.management import call_command

from nurture import policy
from nurture.accounts.models import Provider, User, Venue
from nurture.accounts.roles import Role
from nurture.audit.models import AuditEvent
from nurture.families.models import Baby, Carer, Family

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (User, Provider, Venue, Family, Carer, Baby, AuditEvent)
    )


def test_demo_data_is_idempotent_and_deterministic() -> None:
    call_command("demo_data")
    first = counts()
    family_ids = set(Family.objects.values_list("pk", flat=True))
    call_command("demo_data")
    assert counts() == first
    assert set(Family.objects.values_list("pk", flat=True)) == family_ids


def test_demo_accounts_have_the_documented_roles() -> None:
    call_command("demo_data")
    users = {user.username: user for user in User.objects.all()}
    assert policy.roles_of(users["admin"]) == {Role.ADMIN}
    assert policy.roles_of(users["manager"]) == {Role.SERVICE_MANAGER}
    assert policy.roles_of(users["hv"]) == {Role.HEALTH_VISITOR}
    assert policy.roles_of(users["facilitator"]) == {Role.FACILITATOR}
    assert policy.roles_of(users["parent"]) == {Role.PARENT}
    assert policy.roles_of(users["parent2"]) == {Role.PARENT}
    assert users["parent"].check_password("nurture-demo")
    parent_family = policy.scope_of(users["parent"]).family_id
    assert parent_family != policy.scope_of(users["parent2"]).family_id
    riverside = Provider.objects.get(name="Riverside Community Nursery Team")
    assert riverside.venues.count() == 2
    assert Family.objects.filter(provider=riverside).count() >= 4
    preterm = [baby for baby in Baby.objects.filter(family_id=parent_family) if baby.is_preterm]
    assert preterm and preterm[0].age().corrected is not None


def test_demo_courses_cover_every_stage() -> None:
    from django.utils import timezone

    from nurture.courses.models import (
        Attendance,
        CourseRun,
        EnrolmentStatus,
        OfferStatus,
        RunStatus,
    )
    from nurture.referrals.models import Referral, Status

    call_command("demo_data")
    runs = list(CourseRun.objects.order_by("first_session_at"))
    assert len(runs) == 3
    finished, third_week, upcoming = runs
    assert finished.status == RunStatus.CLOSED
    assert Attendance.objects.filter(session__run=finished).count() == 25
    assert finished.enrolments.filter(status=EnrolmentStatus.COMPLETED).count() == 4
    now = timezone.now()
    assert third_week.sessions.filter(starts_at__lte=now).count() == 2
    assert upcoming.first_session_at > now
    assert upcoming.offers.filter(status=OfferStatus.PENDING).count() == 4
    waiting = Referral.objects.filter(status=Status.WAITING)
    assert waiting.filter(priority="high").exists()
    parent = User.objects.get(username="parent")
    assert upcoming.offers.filter(referral__family__carers__user=parent).exists()
    parent2 = User.objects.get(username="parent2")
    assert third_week.enrolments.filter(referral__family__carers__user=parent2).exists()
