"""Erasure: home practice, diary, messages, contact details and logins go at once; the
clinical record is kept (and counted in reports) until its retention ends; then the retention
job removes the whole record and says what went."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from nurture.accounts.models import ApiToken, ProgrammeRules, User
from nurture.audit.models import AuditEvent
from nurture.families.models import Baby, Carer, Family
from nurture.notify.models import Message
from nurture.outcomes.models import Response, SafeguardingConcern, SafetyAlert
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from nurture.referrals.models import Referral
from nurture.referrals.models import Status as ReferralStatus
from nurture.rights import erasure
from tests import factories
from tests.conftest import api_client_for
from tests.questionnaires.conftest import Course, submit
from tests.rights.test_export import add_history
from tests.safeguarding.test_clinical_pages import _record

pytestmark = pytest.mark.django_db


def erase(course: Course, who: str = "manager_a") -> dict[str, object]:
    response = api_client_for(course.world.users[who]).post(
        f"/api/v1/families/{course.family.pk}/erase"
    )
    assert response.status_code == 200, response.content
    result: dict[str, object] = response.json()
    return result


def test_what_goes_at_once_and_what_is_kept_until_when(course: Course) -> None:
    add_history(course, 2)
    submit(course, [3, 3, 3, 3, 0, 0, 0, 0, 1])
    _record(course.world)
    Message.objects.create(
        provider=course.world.provider_a,
        family=course.family,
        kind="test",
        channel="email",
        to_address="alex@example.org",
        body_text="Hello",
        send_after=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    parent = course.world.users["parent_a"]
    token = api_client_for(parent)  # a token the erasure must revoke
    youngest = course.family.babies.get().date_of_birth

    result = erase(course)

    assert result["already_erased"] is False
    erased = result["erased"]
    assert isinstance(erased, dict)
    assert erased["practice_sessions"] == 2 and erased["diary"] == 1 and erased["messages"] >= 1
    assert erased["contact_details"] == 1 and erased["logins"] == 1
    assert result["kept_until"] == str(youngest.replace(year=youngest.year + 25))
    kept = result["kept"]
    assert isinstance(kept, dict)
    assert kept["questionnaires"] == 1 and kept["safety_alerts"] == 1
    assert kept["safeguarding_concerns"] == 1 and kept["referrals"] >= 1
    for model in (PracticeSession, CueEvent, DiaryEntry):
        assert not model.objects.exists()
    assert not Message.objects.filter(family=course.family).exists()
    carer = Carer.objects.get(family=course.family)
    assert (carer.email, carer.mobile, carer.user_id, carer.consent_to_contact) == (
        "",
        "",
        None,
        False,
    )
    assert carer.given_name == "Alex"  # the clinical record still says whose it is
    family = Family.objects.get(pk=course.family.pk)
    assert family.postcode == "" and family.erased_at is not None
    user = User.objects.get(pk=parent.pk)
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert not ApiToken.objects.filter(user=parent).exists()
    assert token.get("/api/v1/me").status_code == 401
    assert Response.objects.filter(family=course.family).count() == 1
    assert SafetyAlert.objects.filter(family=course.family).count() == 1
    assert all(
        r.status not in (ReferralStatus.WAITING, ReferralStatus.ENROLLED)
        for r in Referral.objects.filter(family=course.family)
    )
    [event] = AuditEvent.objects.filter(action="family.erased")
    assert event.data["erased"]["practice_sessions"] == 2
    assert "Alex" not in str(event.data)


def test_erasing_again_changes_nothing(course: Course) -> None:
    first = erase(course)
    again = erase(course)
    assert again["already_erased"] is True and again["erased"] == {}
    assert again["kept_until"] == first["kept_until"]
    assert AuditEvent.objects.filter(action="family.erased").count() == 1


@pytest.mark.parametrize("who", ["hv_a", "facilitator_a", "parent_a", "manager_b"])
def test_only_the_providers_managers_may_erase(course: Course, who: str) -> None:
    response = api_client_for(course.world.users[who]).post(
        f"/api/v1/families/{course.family.pk}/erase"
    )
    assert response.status_code == 404
    assert Family.objects.get(pk=course.family.pk).erased_at is None


def test_in_the_browser_after_the_password_again(course: Course) -> None:
    manager = Client()
    manager.post("/accounts/login/", {"login": "manager_a", "password": factories.PASSWORD})
    page = f"/families/{course.family.pk}/erase/"
    asked = manager.get(page)
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    manager.post(asked["Location"], {"password": factories.PASSWORD})
    confirm = manager.get(page)
    assert confirm.status_code == 200 and "Kept until" in confirm.text
    done = manager.post(page, follow=True)
    assert "The clinical record is kept until" in done.text
    assert Family.objects.get(pk=course.family.pk).erased_at is not None


def test_the_retention_job_removes_a_record_only_when_its_time_has_come(course: Course) -> None:
    _record(course.world)
    submit(course, [0] * 9)
    result = erase(course)
    other = factories.make_family(course.world.provider_a, carer_name="Old")
    Baby.objects.filter(family=other).update(date_of_birth=date(2000, 1, 1))
    ProgrammeRules.objects.create(provider=course.world.provider_a, records_kept_until_age=25)
    kept_until = date.fromisoformat(str(result["kept_until"]))

    assert erasure.apply_retention().startswith("1 ")  # the family born in 2000
    assert not Family.objects.filter(pk=other.pk).exists()
    assert Family.objects.filter(pk=course.family.pk).exists()
    with time_machine.travel(kept_until - timedelta(days=1)):
        assert erasure.apply_retention() == ""
    with time_machine.travel(kept_until + timedelta(days=1)):
        # By then the world's other babies, born about when this one was, are 25 too.
        assert erasure.apply_retention().endswith("removed at the end of retention")
    assert not Family.objects.filter(pk=course.family.pk).exists()
    assert not SafeguardingConcern.objects.exists() and not Response.objects.exists()
    ended = {
        event.object_id: event.data["removed"]
        for event in AuditEvent.objects.filter(action="family.retention_ended")
    }
    assert str(other.pk) in ended and ended[str(course.family.pk)]["questionnaires"] == 1


def test_a_29_february_birthday_is_kept_until_28_february() -> None:
    assert erasure.years_after(date(2024, 2, 29), 25) == date(2049, 2, 28)
    assert erasure.years_after(date(2024, 3, 1), -25) == date(1999, 3, 1)


def test_reports_still_count_an_erased_family(course: Course) -> None:
    Family.objects.filter(pk=course.family.pk).update(postcode="LS1 4AP")
    manager = api_client_for(course.world.users["manager_a"])
    before = manager.get("/api/v1/reports/reach").json()["tables"]
    erase(course)
    assert Family.objects.get(pk=course.family.pk).postcode == "LS1"
    assert manager.get("/api/v1/reports/reach").json()["tables"] == before


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("LS1 4AP", "LS1"), ("ls14ap", "LS1"), ("SW1A 1AA", "SW1A"), ("", ""), ("AB", "")],
)
def test_only_the_postcode_district_is_kept(postcode: str, district: str) -> None:
    assert erasure.postcode_district(postcode) == district


def test_every_table_of_the_record_is_either_erased_or_kept() -> None:
    """A table added to the record (the export) must be placed: gone at once, or kept until
    retention ends. Otherwise it would outlive the family."""
    from nurture.rights import export

    placed = [part.key for part in erasure.ERASED_NOW + erasure.KEPT]
    assert sorted(placed) == sorted(part.key for part in export.PARTS if part.key != "family")


def test_retention_is_never_shorter_than_the_25th_birthday(course: Course) -> None:
    from django.core.exceptions import ValidationError

    rules = ProgrammeRules(provider=course.world.provider_a, records_kept_until_age=2)
    with pytest.raises(ValidationError):
        rules.full_clean()
    rules.save()  # saved around the form: the retention job still keeps 25 years
    youngest = course.family.babies.get().date_of_birth
    assert erasure.kept_until(course.family) == erasure.years_after(youngest, 25)
    assert erasure.apply_retention() == ""


def test_a_carer_who_is_also_staff_keeps_their_work_login(course: Course) -> None:
    staff = course.world.users["hv_a2"]
    Carer.objects.filter(family=course.family).update(user=staff)
    erase(course)
    staff.refresh_from_db()
    assert staff.is_active and staff.has_usable_password()
