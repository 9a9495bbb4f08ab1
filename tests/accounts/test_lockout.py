"""Wrong passwords: a growing wait per account that says how long, a way back by resetting the
password, a limit per client address as seen through the proxy, and the admin signing in
through the same login (nurture/accounts/lockout.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nurture.accounts import lockout
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _no_earlier_tries() -> None:
    cache.clear()


def log_in(client: Client, login: str, password: str, **headers: Any) -> Any:
    return client.post(LOGIN, {"login": login, "password": password}, **headers)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@given(st.integers(min_value=0, max_value=10_000))
def test_the_wait_grows_from_nothing_to_at_most_half_an_hour(failures: int) -> None:
    wait = lockout.wait_after(failures)
    assert wait <= lockout.wait_after(failures + 1) <= lockout.LONGEST_WAIT
    assert (wait == timedelta(0)) == (failures < lockout.FREE_TRIES)


def test_after_wrong_passwords_the_right_one_waits_and_the_page_says_how_long(
    world: World,
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        for _ in range(lockout.FREE_TRIES):
            assert log_in(client, "hv_a", "wrong").status_code == 200
        page = log_in(client, "hv_a", factories.PASSWORD)
        assert "Please wait 1 minute and try again" in page.text
        assert "reset your password" in page.text and not signed_in(client)
        # By email it is the same account, and the same wait.
        assert "Please wait" in log_in(Client(), "hv_a@example.org", factories.PASSWORD).text
        clock.shift(timedelta(seconds=61))
        assert log_in(client, "hv_a", "wrong again").status_code == 200
        assert "Please wait 2 minutes" in log_in(client, "hv_a", factories.PASSWORD).text
        clock.shift(timedelta(minutes=2, seconds=1))
        log_in(client, "hv_a", factories.PASSWORD)
        assert signed_in(client)


def test_a_name_that_is_no_ones_waits_the_same(world: World) -> None:
    client = Client()
    for _ in range(lockout.FREE_TRIES):
        log_in(client, "nobody-here", "wrong")
    assert "Please wait 1 minute" in log_in(client, "nobody-here", "wrong").text


def test_resetting_the_password_is_the_way_back_at_once(world: World) -> None:
    client = Client()
    for _ in range(lockout.FREE_TRIES + 3):
        log_in(client, "hv_a", "wrong")
    assert "Please wait" in log_in(client, "hv_a", factories.PASSWORD).text
    client.post("/accounts/password/reset/", {"email": "hv_a@example.org"})
    [email] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", str(email.body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    new_password = "a-brand-new-passphrase-77"
    client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    log_in(client, "hv_a", new_password)
    assert signed_in(client)


def test_one_address_may_only_guess_so_often_whoever_it_tries(world: World, settings: Any) -> None:
    """Counted per client address as the proxy saw it, never the proxy's own address and
    never an address the client wrote into X-Forwarded-For itself."""
    settings.TRUSTED_PROXY_COUNT = 1

    def attempt(name: str, *, client_address: str, forged: str = "203.0.113.9") -> Any:
        return log_in(
            Client(),
            name,
            "wrong",
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}",
        )

    for number in range(lockout.ADDRESS_TRIES):
        attempt(f"guess{number}", client_address="198.51.100.7", forged=f"192.0.2.{number}")
    assert "Please wait" in attempt("someone-else", client_address="198.51.100.7").text
    assert "Please wait" not in attempt("someone-else", client_address="198.51.100.8").text
    # The person being guessed at is not locked out from their own address.
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99")
    log_in(client, "hv_a", factories.PASSWORD)
    assert signed_in(client)


def test_the_api_token_waits_the_same_way(world: World) -> None:
    for _ in range(lockout.FREE_TRIES):
        Client().post(
            "/api/v1/auth/token",
            {"username": "hv_a", "password": "wrong"},
            content_type="application/json",
        )
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "hv_a", "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many wrong passwords. Please wait 1 minute")


def test_the_admin_signs_in_through_the_same_login(world: World) -> None:
    client = Client()
    response = client.get("/admin/")
    assert response.status_code == 302
    login_page = client.get(response["Location"])
    assert login_page.status_code == 302
    assert login_page["Location"].startswith(f"{LOGIN}?next=/admin/")
    for _ in range(50):
        posted = client.post(
            "/admin/login/", {"username": "root", "password": "wrong", "next": "/admin/"}
        )
        assert posted.status_code == 302 and posted["Location"].startswith(LOGIN)
    assert not signed_in(client)
    log_in(client, "root", factories.PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client_for(world.users["parent_a"]).get("/admin/login/").status_code == 404


@pytest.mark.parametrize(
    ("address", "group"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        (None, "unknown"),
        ("not an address", "not an address"),
    ],
)
def test_ipv6_tries_count_per_64(address: str | None, group: str) -> None:
    assert lockout.address_group(address) == group
