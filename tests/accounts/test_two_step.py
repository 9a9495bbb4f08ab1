"""Two-step verification for staff (allauth's MFA): required before any page with family data
opens when NURTURE_REQUIRE_MFA is on, then asked for at every login and for API tokens."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client, RequestFactory

from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/"


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.REQUIRE_MFA = True
    cache.clear()


def code_for(secret: str, *, later: int = 0) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30 + later)))


def log_in(username: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": username, "password": factories.PASSWORD})
    return client


def set_up_an_app(client: Client) -> str:
    """Add an authenticator app through allauth's pages (which first ask for the password
    again); returns its secret."""
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked["Location"], {"password": factories.PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    done = client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret)})
    assert done.status_code == 302, done.context["form"].errors if done.context else done
    return str(secret)


@pytest.mark.parametrize("who", ["hv_a", "manager_a", "facilitator_a", "admin"])
def test_staff_without_a_second_factor_see_only_the_set_up(world: World, who: str) -> None:
    client = log_in(world.users[who].username)
    family = world.families["a1"]
    for path in ("/", f"/families/{family.pk}/", "/referrals/waiting-list/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == SETUP, path
    api = client.get("/api/v1/families")
    assert api.status_code == 403 and "two-step" in api.json()["detail"]
    assert client.get(SETUP).status_code == 200


def test_parents_are_not_made_to_set_it_up(world: World) -> None:
    assert log_in("parent_a").get("/").status_code == 200


def test_with_the_setting_off_staff_go_straight_in(world: World, settings: Any) -> None:
    settings.REQUIRE_MFA = False
    assert log_in("hv_a").get("/").status_code == 200


def test_set_up_once_then_asked_for_a_code_at_every_login(world: World) -> None:
    client = log_in("hv_a")
    secret = set_up_an_app(client)
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")

    again = Client()
    response = again.post("/accounts/login/", {"login": "hv_a", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in again.session  # not signed in until the code is given
    wrong = again.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in again.session
    with time_machine.travel(time.time() + 60, tick=False):  # a code is used only once
        again.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
        assert again.get("/").status_code == 200 and "_auth_user_id" in again.session


def test_api_tokens_need_the_code_too(world: World) -> None:
    def token(**extra: str) -> Any:
        return Client().post(
            "/api/v1/auth/token",
            {"username": "hv_a", "password": factories.PASSWORD, **extra},
            content_type="application/json",
        )

    refused = token()
    assert refused.status_code == 403 and "/accounts/2fa/" in refused.json()["detail"]
    secret = set_up_an_app(log_in("hv_a"))
    missing = token()
    assert missing.status_code == 401
    assert missing.json()["errors"][0]["field"] == "code"
    valid_now = {code_for(secret, later=step) for step in range(-2, 4)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in valid_now)
    assert token(code=wrong).status_code == 401
    with time_machine.travel(time.time() + 60, tick=False):
        assert token(code=code_for(secret)).status_code == 200


def test_recovery_codes_are_a_way_back_once_each(world: World) -> None:
    client = log_in("hv_a")
    set_up_an_app(client)
    page = client.get("/accounts/2fa/recovery-codes/").text
    codes = re.findall(r"\b[0-9a-f]{8}\b", page)
    assert codes, "the recovery codes page lists the codes"
    client.post("/accounts/logout/")
    for expected in (200, 401):
        response = Client().post(
            "/api/v1/auth/token",
            {"username": "hv_a", "password": factories.PASSWORD, "code": codes[0]},
            content_type="application/json",
        )
        assert response.status_code == expected


def test_exports_and_role_changes_ask_for_the_password_again(world: World, settings: Any) -> None:
    settings.REQUIRE_MFA = False
    from tests.conftest import client_for, reauthenticated_client_for

    for user, paths in (
        (world.users["manager_a"], ["/reports/report.pdf", "/reports/attendance/by_venue.csv"]),
        (
            world.admin,
            [
                f"/admin/accounts/provider/{world.provider_a.pk}/change/",
                f"/admin/accounts/user/{world.users['hv_a'].pk}/change/",
                f"/admin/accounts/user/{world.users['hv_a'].pk}/delete/",
            ],
        ),
    ):
        for path in paths:
            asked = client_for(user).get(path)
            assert asked.status_code == 302, path
            assert asked["Location"].startswith("/accounts/reauthenticate/"), path
            assert reauthenticated_client_for(user).get(path).status_code == 200, path


def test_two_step_codes_cannot_be_guessed_without_end(world: World) -> None:
    from nurture.accounts import lockout

    client = log_in("hv_a")
    secret = set_up_an_app(client)
    client.post("/accounts/logout/")
    guesser = Client()
    guesser.post("/accounts/login/", {"login": "hv_a", "password": factories.PASSWORD})
    valid = {code_for(secret, later=step) for step in range(-2, 4)}
    wrong = [f"{n:06d}" for n in range(100, 200) if f"{n:06d}" not in valid]
    for code in wrong[: lockout.FREE_TRIES]:
        guesser.post("/accounts/2fa/authenticate/", {"code": code})
    with time_machine.travel(time.time() + 20, tick=False):
        page = guesser.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert "Please wait" in page.text and "_auth_user_id" not in guesser.session


@pytest.mark.django_db(transaction=True)
def test_a_wrong_code_for_a_token_is_a_401_and_counted(world: World) -> None:
    """Outside a test transaction, as in production (the recovery codes are locked while they
    are checked), and each wrong code counts towards the wait."""
    from nurture.accounts import lockout

    set_up_an_app(log_in("hv_a"))
    for _ in range(lockout.FREE_TRIES):
        response = Client().post(
            "/api/v1/auth/token",
            {"username": "hv_a", "password": factories.PASSWORD, "code": "not-a-code"},
            content_type="application/json",
        )
        assert response.status_code == 401
    assert lockout.wait_for(RequestFactory().get("/"), "hv_a") is not None


def test_a_stray_authorization_header_does_not_skip_the_set_up(world: World) -> None:
    client = log_in("hv_a")
    response = client.get("/api/v1/families", HTTP_AUTHORIZATION="Bearer made-up")
    assert response.status_code == 403


def test_a_security_key_can_be_added_from_the_set_up(world: World) -> None:
    """The security-key page offers the browser its WebAuthn options, from our own origin's
    scripts (so our Content-Security-Policy lets them run). Registering a real key needs a
    browser with an authenticator; allauth checks that answer."""
    from tests.conftest import reauthenticated_client_for

    client = reauthenticated_client_for(world.users["hv_a"])
    index = client.get(SETUP).text
    assert "/accounts/2fa/webauthn/" in index
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    assert 'id="js_data"' in page.text and "creation_options" in page.text
    assert '<script src="/static/mfa/js/webauthn.js' in page.text
