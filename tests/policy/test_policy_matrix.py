"""Every role against every kind of object, through pages and the API.

The expected answers below are written out by hand from the rules in DESIGN.md, not
computed with the policy module, so a change to the policy that breaks a rule fails here.
"""

from __future__ import annotations

import uuid

import pytest

from nurture import policy
from nurture.families.models import Baby, Carer
from tests.conftest import World, api_client_for, client_for

VISIBLE = {
    "admin": {"a1", "a2", "b1"},
    "manager_a": {"a1", "a2"},
    "hv_a": {"a1"},
    "hv_a2": {"a2"},
    "facilitator_a": set(),
    "manager_b": {"b1"},
    "hv_b": {"b1"},
    "parent_a": {"a1"},
    "parent_a2": {"a2"},
    "parent_b": {"b1"},
}
EDITABLE = {
    "admin": {"a1", "a2", "b1"},
    "manager_a": {"a1", "a2"},
    "hv_a": {"a1"},
    "hv_a2": {"a2"},
    "facilitator_a": set(),
    "manager_b": {"b1"},
    "hv_b": {"b1"},
    "parent_a": set(),
    "parent_a2": set(),
    "parent_b": set(),
}
OWN_FAMILY = {"parent_a": "a1", "parent_a2": "a2", "parent_b": "b1"}
STAFF = {"admin", "manager_a", "hv_a", "hv_a2", "facilitator_a", "manager_b", "hv_b"}
PROVIDERS = {
    "admin": {"a", "b"},
    "manager_a": {"a"},
    "hv_a": {"a"},
    "hv_a2": {"a"},
    "facilitator_a": {"a"},
    "manager_b": {"b"},
    "hv_b": {"b"},
    "parent_a": set(),
    "parent_a2": set(),
    "parent_b": set(),
}
USERS = sorted(VISIBLE)
FAMILIES = ("a1", "a2", "b1")


def _key_of(world: World, family_id: object) -> str:
    return next(key for key, family in world.families.items() if family.pk == family_id)


@pytest.mark.parametrize("who", USERS)
def test_family_list_page_shows_exactly_the_visible_families(world: World, who: str) -> None:
    response = client_for(world.users[who]).get("/families/")
    if who not in STAFF:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    shown = {key for key, family in world.families.items() if str(family.pk) in response.text}
    assert shown == VISIBLE[who]


@pytest.mark.parametrize("who", USERS)
def test_family_pages_are_404_outside_scope(world: World, who: str) -> None:
    client = client_for(world.users[who])
    for key in FAMILIES:
        family = world.families[key]
        baby = family.babies.get()
        carer = family.carers.get()
        expected_view = 200 if key in VISIBLE[who] else 404
        expected_edit = 200 if key in EDITABLE[who] else 404
        expected_carer = 200 if key in EDITABLE[who] or OWN_FAMILY.get(who) == key else 404
        assert client.get(f"/families/{family.pk}/").status_code == expected_view, key
        assert client.get(f"/families/{family.pk}/edit/").status_code == expected_edit, key
        assert client.get(f"/families/babies/{baby.pk}/edit/").status_code == expected_edit, key
        assert client.get(f"/families/{family.pk}/babies/new/").status_code == expected_edit, key
        assert client.get(f"/families/{family.pk}/carers/new/").status_code == expected_edit, key
        assert client.get(f"/families/carers/{carer.pk}/edit/").status_code == expected_carer, key


@pytest.mark.parametrize("who", USERS)
def test_api_lists_return_exactly_the_visible_records(world: World, who: str) -> None:
    client = api_client_for(world.users[who])
    families = client.get("/api/v1/families").json()
    assert {_key_of(world, uuid.UUID(f["id"])) for f in families["items"]} == (VISIBLE[who])
    assert families["count"] == len(VISIBLE[who])
    babies = client.get("/api/v1/babies").json()
    expected_babies = {
        str(baby.pk) for key in VISIBLE[who] for baby in world.families[key].babies.all()
    }
    assert {b["id"] for b in babies["items"]} == expected_babies


@pytest.mark.parametrize("who", USERS)
def test_api_details_and_changes_are_404_outside_scope(world: World, who: str) -> None:
    client = api_client_for(world.users[who])
    for key in FAMILIES:
        family = world.families[key]
        baby = family.babies.get()
        carer = family.carers.get()
        visible = key in VISIBLE[who]
        assert client.get(f"/api/v1/families/{family.pk}").status_code == (200 if visible else 404)
        assert client.get(f"/api/v1/babies/{baby.pk}").status_code == (200 if visible else 404)

        response = client.patch(
            f"/api/v1/babies/{baby.pk}", {"given_name": "Changed"}, content_type="application/json"
        )
        assert response.status_code == (200 if key in EDITABLE[who] else 404), key
        if key not in EDITABLE[who]:
            assert Baby.objects.get(pk=baby.pk).given_name == "Robin"

        may_edit_carer = key in EDITABLE[who] or OWN_FAMILY.get(who) == key
        response = client.patch(
            f"/api/v1/carers/{carer.pk}", {"language": "cy"}, content_type="application/json"
        )
        assert response.status_code == (200 if may_edit_carer else 404), key
        assert (Carer.objects.get(pk=carer.pk).language == "cy") == may_edit_carer

        response = client.post(
            f"/api/v1/families/{family.pk}/babies",
            {"given_name": "Twin", "date_of_birth": str(baby.date_of_birth)},
            content_type="application/json",
        )
        assert response.status_code == (201 if key in EDITABLE[who] else 404), key


@pytest.mark.parametrize("who", USERS)
def test_staff_notes_are_hidden_from_parents(world: World, who: str) -> None:
    for family in world.families.values():
        family.notes = "Ring the bell twice"
        family.save()
    client = api_client_for(world.users[who])
    for item in client.get("/api/v1/families").json()["items"]:
        key = _key_of(world, uuid.UUID(item["id"]))
        expected = "Ring the bell twice" if key in EDITABLE[who] else None
        assert item["notes"] == expected
    page = client_for(world.users[who]).get("/")
    if who in OWN_FAMILY:
        assert "Ring the bell twice" not in page.text


@pytest.mark.parametrize("who", USERS)
def test_providers_teams_and_venues_are_scoped(world: World, who: str) -> None:
    user = world.users[who]
    letters = {world.provider_a.pk: "a", world.provider_b.pk: "b"}
    assert {letters[p.pk] for p in policy.providers_visible_to(user)} == PROVIDERS[who]
    assert {letters[t.provider_id] for t in policy.teams_visible_to(user)} == PROVIDERS[who]
    assert {letters[v.provider_id] for v in policy.venues_visible_to(user)} == PROVIDERS[who]
    home = client_for(user).get("/").text
    assert ("Venue A" in home) == ("a" in PROVIDERS[who])
    assert ("Venue B" in home) == ("b" in PROVIDERS[who])


@pytest.mark.parametrize("who", USERS)
def test_only_referrers_may_add_families(world: World, who: str) -> None:
    may_refer = who in {"admin", "manager_a", "hv_a", "hv_a2", "manager_b", "hv_b"}
    assert client_for(world.users[who]).get("/families/new/").status_code == (
        200 if may_refer else 404
    )
    payload = {
        "provider_id": world.provider_a.pk if who == "admin" else None,
        "carer": {"given_name": "New", "family_name": "Person", "email": "new@example.org"},
        "babies": [{"given_name": "Wren", "date_of_birth": "2026-10-01"}],
    }
    response = api_client_for(world.users[who]).post(
        "/api/v1/families", payload, content_type="application/json"
    )
    assert response.status_code == (201 if may_refer else 404), response.content


def test_permission_changes_apply_on_the_next_request(world: World) -> None:
    hv = world.users["hv_a"]
    family = world.families["a1"]
    client = client_for(hv)
    assert client.get(f"/families/{family.pk}/").status_code == 200
    family.health_visitor = world.users["hv_a2"]
    family.save()
    assert client.get(f"/families/{family.pk}/").status_code == 404

    manager = world.users["manager_a"]
    client = client_for(manager)
    assert client.get(f"/families/{family.pk}/").status_code == 200
    manager.memberships.update(is_active=False)
    assert client.get(f"/families/{family.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world: World) -> None:
    from django.test import Client

    anonymous = Client()
    family = world.families["a1"]
    for url in ("/families/", f"/families/{family.pk}/", "/profile/", "/families/new/"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    for url in (
        "/api/v1/families",
        f"/api/v1/families/{family.pk}",
        "/api/v1/me",
        "/api/v1/babies",
    ):
        assert anonymous.get(url).status_code == 401


def test_a_bad_token_is_refused(world: World) -> None:
    from django.test import Client

    client = Client(headers={"Authorization": "Bearer not-a-real-token"})
    assert client.get("/api/v1/families").status_code == 401
