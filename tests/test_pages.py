"""Pages: login, forms that show errors and confirm saves, headers, and bounded queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from nurture.accounts.models import User
from nurture.families.models import Baby, Carer, Family
from tests import factories
from tests.conftest import World, api_client_for, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", ["hv_a", "hv_a@example.org", "HV_A"])
def test_log_in_with_username_or_email(world: World, login: str) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": login, "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Families you referred" in response.text


def test_wrong_password_shows_an_error_on_the_login_page(world: World) -> None:
    response = Client().post("/accounts/login/", {"login": "hv_a", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.text or "incorrect" in response.text.lower()


def test_password_reset_sends_an_email(world: World) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "hv_a@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hv_a@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_sign_up_is_closed(world: World) -> None:
    users = User.objects.count()
    Client().post(
        "/accounts/signup/",
        {
            "username": "intruder",
            "email": "x@example.org",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert User.objects.count() == users


def test_logout_clears_what_the_browser_holds(world: World) -> None:
    client = client_for(world.users["parent_a"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "cache" in response["Clear-Site-Data"]
    assert client.get("/profile/").status_code == 302


def test_security_headers_and_no_store(world: World) -> None:
    response = client_for(world.users["parent_a"]).get("/")
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    anonymous = Client().get("/accounts/login/")
    assert anonymous.get("Cache-Control") != "no-store"


def test_parent_home_shows_age_and_corrected_age(world: World) -> None:
    parent = factories.make_user("preterm_parent")
    born = timezone.localdate() - timedelta(weeks=14)
    factories.make_family(
        world.provider_a, parent=parent, carer_name="Lou", babies=[("Pip", born, 30)]
    )
    page = client_for(parent).get("/").text
    assert "Pip" in page
    assert "3 months old" in page
    assert "Corrected age" in page and "4 weeks" in page
    assert "born at 30+0 weeks" in page


def test_family_form_shows_errors_next_to_fields_and_stores_nothing(world: World) -> None:
    client = client_for(world.users["hv_a"])
    families = Family.objects.count()
    response = client.post(
        "/families/new/",
        factories.family_form_data(
            **{
                "carer-given_name": "",
                "baby-date_of_birth": str(timezone.localdate() + timedelta(days=2)),
                "baby-gestation_weeks": "20",
            }
        ),
    )
    assert response.status_code == 200
    text = response.text
    assert 'id="id_carer-given_name_error"' in text
    assert "The date of birth cannot be in the future." in text
    assert "Ensure this value is greater than or equal to 22." in text
    assert 'class="error-summary"' in text
    assert 'value="March"' in text  # what was typed is kept
    assert Family.objects.count() == families


def test_service_errors_land_on_the_right_field(world: World) -> None:
    client = client_for(world.users["hv_a"])
    response = client.post(
        "/families/new/",
        factories.family_form_data(**{"carer-email": "", "carer-preferred_channel": "email"}),
    )
    assert response.status_code == 200
    assert 'id="id_carer-email_error"' in response.text
    assert "Add an email address" in response.text


def test_family_form_saves_and_confirms(world: World) -> None:
    client = client_for(world.users["hv_a"])
    response = client.post(
        "/families/new/", factories.family_form_data(**{"baby-gestation_weeks": "33"}), follow=True
    )
    assert response.status_code == 200
    assert "Family added." in response.text
    family = Family.objects.get(carers__given_name="Jo")
    assert family.health_visitor == world.users["hv_a"]
    assert "Corrected age" in response.text


def test_twins_can_be_added_to_a_family(world: World) -> None:
    family = world.families["a1"]
    first = family.babies.get()
    client = client_for(world.users["hv_a"])
    response = client.post(
        f"/families/{family.pk}/babies/new/",
        {"given_name": "Robyn", "date_of_birth": str(first.date_of_birth)},
        follow=True,
    )
    assert "Baby added." in response.text
    assert family.babies.filter(date_of_birth=first.date_of_birth).count() == 2


def test_parent_updates_their_own_contact_preferences(world: World) -> None:
    carer = world.families["a1"].carers.get()
    client = client_for(world.users["parent_a"])
    response = client.post(
        f"/families/carers/{carer.pk}/edit/",
        {
            "given_name": carer.given_name,
            "family_name": carer.family_name,
            "relationship": "mother",
            "email": carer.email,
            "mobile": "07700 900321",
            "preferred_channel": "sms",
            "consent_to_contact": "",
            "language": "pl",
        },
        follow=True,
    )
    assert "Contact details saved." in response.text
    carer.refresh_from_db()
    assert (carer.preferred_channel, carer.language, carer.consent_to_contact) == (
        "sms",
        "pl",
        False,
    )
    assert carer.consent_recorded_at is None


def test_consent_time_is_recorded_when_given(world: World) -> None:
    carer = world.families["a1"].carers.get()
    carer.consent_to_contact = False
    carer.consent_recorded_at = None
    carer.save()
    client = client_for(world.users["hv_a"])
    client.post(
        f"/families/carers/{carer.pk}/edit/",
        {
            "given_name": carer.given_name,
            "family_name": carer.family_name,
            "relationship": "mother",
            "email": carer.email,
            "preferred_channel": "email",
            "consent_to_contact": "on",
            "language": "en",
        },
    )
    carer.refresh_from_db()
    assert carer.consent_to_contact and carer.consent_recorded_at is not None


def test_baby_edit_rejects_impossible_gestation(world: World) -> None:
    baby = world.families["a1"].babies.get()
    response = client_for(world.users["hv_a"]).post(
        f"/families/babies/{baby.pk}/edit/",
        {
            "given_name": baby.given_name,
            "date_of_birth": str(baby.date_of_birth),
            "gestation_weeks": "30",
            "gestation_extra_days": "9",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 6." in response.text
    assert Baby.objects.get(pk=baby.pk).gestation_weeks is None


def test_profile_saves_and_confirms(world: World) -> None:
    response = client_for(world.users["parent_a"]).post(
        "/profile/",
        {"first_name": "Alexandra", "last_name": "Example", "preferred_name": "Alex"},
        follow=True,
    )
    assert "Your details are saved." in response.text
    assert User.objects.get(username="parent_a").preferred_name == "Alex"


def _many_families(world: World, count: int) -> None:
    for number in range(count):
        factories.make_family(
            world.provider_a,
            health_visitor=world.users["hv_a"],
            carer_name=f"Carer{number}",
            babies=[
                ("One", timezone.localdate() - timedelta(weeks=8), 32),
                ("Two", timezone.localdate() - timedelta(weeks=8), 32),
            ],
        )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("hv_a", "/"),
        ("hv_a", "/families/"),
        ("manager_a", "/"),
        ("manager_a", "/families/"),
        ("manager_a", "/api/v1/families?limit=100"),
        ("manager_a", "/api/v1/babies?limit=100"),
        ("parent_a", "/"),
    ],
)
def test_queries_stay_bounded_however_many_families(
    world: World, who: str, url: str, django_assert_max_num_queries: Any
) -> None:
    _many_families(world, 25)
    client = client_for(world.users[who])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_every_page_and_route_goes_through_the_policy() -> None:
    """Deny by default: each of our views must be marked by a policy decorator."""

    def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), pattern.callback))
        return found

    ours = [
        (route, view)
        for route, view in walk(get_resolver().url_patterns)
        # The API is checked route by route (tests/policy); the admin site by Django's own
        # staff check behind our login (tests/accounts/test_lockout.py).
        if view.__module__.startswith("nurture.") and not route.startswith(("api/", "admin/"))
    ]
    assert len(ours) >= 10
    unchecked = [route for route, view in ours if not getattr(view, "policy_checked", False)]
    assert unchecked == []


def test_parent_sees_no_staff_only_links(world: World) -> None:
    page = client_for(world.users["parent_a"]).get(f"/families/{world.families['a1'].pk}/").text
    assert "Add a baby" not in page
    assert "Change family details" not in page
    assert "Change your contact details" in page
    assert Carer.objects.filter(family=world.families["a1"]).count() == 1


def test_a_baby_not_yet_at_the_due_date_shows_the_wait(world: World) -> None:
    parent = factories.make_user("early_parent")
    born = timezone.localdate() - timedelta(weeks=2)
    factories.make_family(world.provider_a, parent=parent, babies=[("Kit", born, 33)])
    page = client_for(parent).get("/").text
    assert "Due date still to come" in page and "in 5 weeks" in page
    baby = api_client_for(parent).get("/api/v1/babies").json()["items"][0]
    assert baby["days_until_due_date"] == 35


def test_admin_chooses_a_provider_before_adding_a_family(world: World) -> None:
    client = client_for(world.admin)
    choose = client.get("/families/new/")
    assert "Which provider is this family for?" in choose.text
    assert "Provider A" in choose.text and "Provider B" in choose.text
    form = client.get(f"/families/new/?provider={world.provider_b.pk}")
    assert "For Provider B." in form.text
    response = client.post(
        "/families/new/", factories.family_form_data(provider=str(world.provider_b.pk))
    )
    assert response.status_code == 302
    assert Family.objects.get(carers__given_name="Jo").provider == world.provider_b


def test_a_health_visitor_cannot_add_a_family_to_another_provider(world: World) -> None:
    client = client_for(world.users["hv_a"])
    response = client.post(
        "/families/new/", factories.family_form_data(provider=str(world.provider_b.pk))
    )
    assert response.status_code == 200
    assert "Provider B" not in response.text
    assert not Family.objects.filter(carers__given_name="Jo").exists()


def test_pressing_save_twice_adds_the_family_once(world: World) -> None:
    client = client_for(world.users["hv_a"])
    data = factories.family_form_data(client_id="6f0d4c52-3f4b-4a3e-9a55-1a2b3c4d5e6f")
    first = client.post("/families/new/", data)
    second = client.post("/families/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Family.objects.filter(carers__given_name="Jo").count() == 1


@pytest.mark.parametrize(
    "url", ["/accounts/password/change/", "/accounts/password/reset/", "/profile/"]
)
def test_account_pages_render_in_our_layout(world: World, url: str) -> None:
    response = client_for(world.users["parent_a"]).get(url)
    assert response.status_code == 200
    assert 'class="skip-link"' in response.text


def test_password_change_confirms(world: World) -> None:
    client = client_for(world.users["parent_a"])
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": factories.PASSWORD,
            "password1": "another-long-passphrase-77",
            "password2": "another-long-passphrase-77",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert User.objects.get(username="parent_a").check_password("another-long-passphrase-77")
    assert "Password successfully changed." in response.text


def test_staff_edit_a_family_in_the_browser_and_the_change_is_audited(world: World) -> None:
    """The edit page saves (it once passed the form's hidden client id on and answered 500)."""
    from nurture.audit.models import AuditEvent

    family = world.families["a1"]
    response = client_for(world.users["manager_a"]).post(
        f"/families/{family.pk}/edit/",
        {
            "postcode": " ls1 4ap ",
            "notes": "Buggy access via side door",
            "health_visitor": str(world.users["hv_a2"].pk),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Family details saved." in response.text
    family.refresh_from_db()
    assert (family.postcode, family.notes, family.health_visitor) == (
        "LS1 4AP",
        "Buggy access via side door",
        world.users["hv_a2"],
    )
    assert AuditEvent.objects.filter(action="family.updated", object_id=str(family.pk)).exists()
