"""The API contract: tokens, profile, validation errors naming the field, idempotent creates."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nurture.accounts.models import ApiToken
from nurture.families.models import Baby, Carer, Family
from tests.conftest import World, api_client_for, client_for

pytestmark = pytest.mark.django_db


def new_family(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "carer": {
            "given_name": "Nia",
            "family_name": "Hughes",
            "email": "nia@example.org",
            "consent_to_contact": True,
        },
        "babies": [
            {
                "given_name": "Ivy",
                "date_of_birth": str(timezone.localdate() - timedelta(weeks=6)),
                "gestation_weeks": 33,
                "gestation_extra_days": 4,
            }
        ],
    }
    payload.update(overrides)
    return payload


def test_token_round_trip(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    me = client.get("/api/v1/me").json()
    assert me["username"] == "hv_a"
    assert me["roles"] == ["health_visitor"]
    assert me["memberships"][0]["provider_name"] == "Provider A"
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    assert not ApiToken.objects.exists()


def test_token_with_email_instead_of_username(world: World) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "hv_a@example.org", "password": "a-long-test-passphrase-42"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) > 30


def test_wrong_password_is_401_and_repeated_failures_are_limited(world: World) -> None:
    client = Client()
    statuses = [
        client.post(
            "/api/v1/auth/token",
            {"username": "hv_a", "password": "wrong"},
            content_type="application/json",
        ).status_code
        for _ in range(7)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429


def test_expired_tokens_are_refused(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me").status_code == 401


def test_parent_profile_names_their_family(world: World) -> None:
    me = api_client_for(world.users["parent_a"]).get("/api/v1/me").json()
    assert me["roles"] == ["parent"]
    assert me["family_id"] == str(world.families["a1"].pk)


def test_profile_update(world: World) -> None:
    client = api_client_for(world.users["parent_a"])
    response = client.patch(
        "/api/v1/me", {"preferred_name": "Lexi"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["preferred_name"] == "Lexi"
    response = client.patch("/api/v1/me", {"first_name": " "}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "first_name", "message": "Enter your first name."}
    ]


def test_create_family_with_a_preterm_baby(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    response = client.post("/api/v1/families", new_family(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["health_visitor_id"] == world.users["hv_a"].pk
    baby = body["babies"][0]
    assert baby["is_preterm"] is True
    assert baby["age"]["weeks"] == 6
    assert baby["corrected_age"]["weeks"] == 0
    assert body["carers"][0]["consent_to_contact"] is True


def test_same_client_id_twice_stores_once(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    family_id = str(uuid.uuid4())
    first = client.post(
        "/api/v1/families", new_family(id=family_id), content_type="application/json"
    )
    again = client.post(
        "/api/v1/families", new_family(id=family_id), content_type="application/json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert Family.objects.filter(pk=family_id).count() == 1
    assert Baby.objects.filter(family_id=family_id).count() == 1

    baby_id = str(uuid.uuid4())
    twin = {
        "id": baby_id,
        "given_name": "Iris",
        "date_of_birth": new_family()["babies"][0]["date_of_birth"],
    }
    url = f"/api/v1/families/{family_id}/babies"
    assert client.post(url, twin, content_type="application/json").status_code == 201
    assert client.post(url, twin, content_type="application/json").status_code == 200
    assert Baby.objects.filter(family_id=family_id).count() == 2


def test_reusing_an_id_from_another_provider_is_refused_without_saying_why(world: World) -> None:
    other = world.families["b1"]
    response = api_client_for(world.users["hv_a"]).post(
        "/api/v1/families", new_family(id=str(other.pk)), content_type="application/json"
    )
    assert response.status_code == 422
    assert "cannot be used" in response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["field"] == "id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"carer": {"given_name": "", "family_name": "X", "email": "a@b.org"}}, "carer.given_name"),
        ({"carer": {"given_name": "A", "family_name": "X", "email": "nope"}}, "carer.email"),
        (
            {
                "carer": {
                    "given_name": "A",
                    "family_name": "X",
                    "mobile": "call me",
                    "preferred_channel": "sms",
                }
            },
            "carer.mobile",
        ),
        ({"carer": {"given_name": "A", "family_name": "X"}}, "carer.email"),
        ({"babies": []}, "babies"),
        (
            {"babies": [{"given_name": "B", "date_of_birth": "2999-01-01"}]},
            "babies.0.date_of_birth",
        ),
        (
            {"babies": [{"given_name": "B", "date_of_birth": "not a date"}]},
            "babies.0.date_of_birth",
        ),
        (
            {"babies": [{"given_name": "B", "date_of_birth": "2026-10-01", "gestation_weeks": 50}]},
            "babies.0.gestation_weeks",
        ),
        (
            {
                "carer": {
                    "given_name": "A",
                    "family_name": "X",
                    "email": "a@b.org",
                    "language": "xx",
                }
            },
            "carer.language",
        ),
        ({"health_visitor_id": 999999}, "health_visitor_id"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    world: World, change: dict[str, Any], field: str
) -> None:
    before = (Family.objects.count(), Carer.objects.count(), Baby.objects.count())
    response = api_client_for(world.users["hv_a"]).post(
        "/api/v1/families", new_family(**change), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields
    assert (Family.objects.count(), Carer.objects.count(), Baby.objects.count()) == before


def test_malformed_json_is_a_clear_error(world: World) -> None:
    response = api_client_for(world.users["hv_a"]).post(
        "/api/v1/families", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_health_visitor_from_another_provider_is_refused(world: World) -> None:
    response = api_client_for(world.users["manager_a"]).post(
        "/api/v1/families",
        new_family(health_visitor_id=world.users["hv_b"].pk),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "health_visitor_id"


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=10,
    )
)
def test_no_body_ever_causes_a_server_error(world: World, body: Any) -> None:
    client = client_for(world.users["manager_a"])
    client_api = Client(enforce_csrf_checks=False)
    client_api.force_login(world.users["manager_a"])
    for url, method in (
        ("/api/v1/families", "post"),
        (f"/api/v1/families/{world.families['a1'].pk}", "patch"),
        (f"/api/v1/babies/{world.families['a1'].babies.get().pk}", "patch"),
    ):
        response = getattr(client_api, method)(url, body, content_type="application/json")
        assert response.status_code < 500, (url, body, response.content)
    assert client.get("/").status_code == 200


def test_session_auth_needs_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["hv_a"])
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/api/v1/families", new_family(), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Family.objects.filter(carers__given_name="Nia").exists()


def test_openapi_schema_lists_every_route() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/families",
        "/api/v1/families/{family_id}",
        "/api/v1/families/{family_id}/carers",
        "/api/v1/families/{family_id}/babies",
        "/api/v1/carers/{carer_id}",
        "/api/v1/babies",
        "/api/v1/babies/{baby_id}",
    } <= paths
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


@pytest.mark.parametrize(
    ("url_key", "body", "field"),
    [
        ("carer", {"given_name": None}, "given_name"),
        ("carer", {"relationship": None}, "relationship"),
        ("carer", {"consent_to_contact": None}, "consent_to_contact"),
        ("baby", {"given_name": None}, "given_name"),
        ("baby", {"family_name": None}, "family_name"),
        ("family", {"postcode": None}, "postcode"),
        ("me", {"first_name": None}, "first_name"),
    ],
)
def test_null_in_a_partial_update_is_a_field_error(
    world: World, url_key: str, body: dict[str, Any], field: str
) -> None:
    family = world.families["a1"]
    url = {
        "carer": f"/api/v1/carers/{family.carers.get().pk}",
        "baby": f"/api/v1/babies/{family.babies.get().pk}",
        "family": f"/api/v1/families/{family.pk}",
        "me": "/api/v1/me",
    }[url_key]
    response = api_client_for(world.users["hv_a"]).patch(url, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_clearing_gestation_with_null_is_allowed(world: World) -> None:
    baby = world.families["a1"].babies.get()
    baby.gestation_weeks = 34
    baby.save()
    response = api_client_for(world.users["hv_a"]).patch(
        f"/api/v1/babies/{baby.pk}", {"gestation_weeks": None}, content_type="application/json"
    )
    assert response.status_code == 200
    baby.refresh_from_db()
    assert baby.gestation_weeks is None


def test_nul_characters_are_refused_with_the_field_named(world: World) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "a\u0000b", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "username"
    response = api_client_for(world.users["hv_a"]).post(
        "/api/v1/families",
        new_family(carer={"given_name": "A\u0000", "family_name": "B", "email": "a@b.org"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "carer.given_name"


def test_a_health_visitor_cannot_hand_a_family_to_another(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    response = client.post(
        "/api/v1/families",
        new_family(health_visitor_id=world.users["hv_a2"].pk),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "health_visitor_id"
    family = world.families["a1"]
    response = client.patch(
        f"/api/v1/families/{family.pk}",
        {"health_visitor_id": world.users["hv_a2"].pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    manager = api_client_for(world.users["manager_a"])
    response = manager.patch(
        f"/api/v1/families/{family.pk}",
        {"health_visitor_id": world.users["hv_a2"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_family_changes_are_audited_by_field_name_only(world: World) -> None:
    from nurture.audit.models import AuditEvent

    family = world.families["a1"]
    api_client_for(world.users["hv_a"]).patch(
        f"/api/v1/families/{family.pk}",
        {"postcode": "rt9 9zz", "notes": "Side door"},
        content_type="application/json",
    )
    event = AuditEvent.objects.get(action="family.updated")
    assert event.data == {"changed": ["notes", "postcode"]}


def test_page_size_is_capped(world: World) -> None:
    response = api_client_for(world.users["admin"]).get("/api/v1/families?limit=100000")
    assert response.status_code == 422


def test_providers_overview_is_scoped(world: World) -> None:
    body = api_client_for(world.users["hv_a"]).get("/api/v1/providers").json()
    assert [p["name"] for p in body] == ["Provider A"]
    assert [v["name"] for v in body[0]["venues"]] == ["Venue A"]
    assert [t["name"] for t in body[0]["teams"]] == ["North A"]
    assert api_client_for(world.users["parent_a"]).get("/api/v1/providers").json() == []


def test_password_change_through_the_api(world: World) -> None:
    client = api_client_for(world.users["parent_a"])
    response = client.post(
        "/api/v1/me/password",
        {"old_password": "wrong", "new_password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "old_password"
    response = client.post(
        "/api/v1/me/password",
        {"old_password": "a-long-test-passphrase-42", "new_password": "short"},
        content_type="application/json",
    )
    assert response.json()["errors"][0]["field"] == "new_password"
    response = client.post(
        "/api/v1/me/password",
        {"old_password": "a-long-test-passphrase-42", "new_password": "a-brand-new-passphrase-8"},
        content_type="application/json",
    )
    assert response.status_code == 204
    world.users["parent_a"].refresh_from_db()
    assert world.users["parent_a"].check_password("a-brand-new-passphrase-8")


def test_every_schema_has_its_own_name() -> None:
    """The OpenAPI keeps one schema per name: two classes with one name would document one
    endpoint's fields under another's."""
    import ninja

    from nurture.api.api import api

    api.get_openapi_schema()  # imports every router's schemas

    def ours(cls: type) -> list[type]:
        found = [cls] if cls.__module__.startswith("nurture.") else []
        return found + [sub for child in cls.__subclasses__() for sub in ours(child)]

    names = [cls.__name__ for cls in ours(ninja.Schema)]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_a_body_too_large_is_a_413_problem(world: World) -> None:
    client = api_client_for(world.users["manager_a"])
    response = client.post(
        "/api/v1/families", "x" * (10 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is too large")
    assert not Family.objects.filter(carers__given_name="x").exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/families/not-a-uuid", "/api/v1/sessions/abc/register", "/api/v1/nothing"]
)
def test_an_address_that_matches_no_route_is_a_json_404(world: World, path: str) -> None:
    response = api_client_for(world.users["manager_a"]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_the_babies_ids_sent_with_a_new_family_are_kept(world: World) -> None:
    client = api_client_for(world.users["hv_a"])
    ivy = uuid.uuid4()
    body = new_family(id=str(uuid.uuid4()))
    body["babies"][0]["id"] = str(ivy)
    created = client.post("/api/v1/families", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [baby["id"] for baby in created.json()["babies"]] == [str(ivy)]
    assert Baby.objects.get(pk=ivy).given_name == "Ivy"
    # The same baby id in a different new family: refused, naming the baby.
    again = new_family(id=str(uuid.uuid4()))
    again["babies"][0]["id"] = str(ivy)
    refused = client.post("/api/v1/families", again, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "babies.0.id"
    assert Family.objects.count() == 4  # the world's three and Ivy's


@pytest.mark.parametrize("body", ["[null, null]", "3", '"text"', "null"])
def test_a_body_that_is_not_one_json_object_is_refused(world: World, body: str) -> None:
    client = api_client_for(world.users["parent_a"])
    response = client.patch("/api/v1/me", body, content_type="application/json")
    assert response.status_code == 400
    assert client.get("/api/v1/me").json()["first_name"] == "Parent_A"


def test_every_operation_documents_the_shared_statuses() -> None:
    from nurture.api.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"404", "422"} <= documented, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= documented, (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= documented, (method, path)
