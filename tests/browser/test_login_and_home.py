"""Log in through the real form and check each role's home page shows its own data."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from nurture.families.models import Family
from tests.browser.conftest import DEMO_ROLES, ConsoleWatcher, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

UUID_PATH = r"/families/[0-9a-f-]{36}/$"


def main_of(page: Page) -> Locator:
    return page.get_by_role("main")


def nav_of(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def region(page: Page, name: str) -> Locator:
    """A <section aria-labelledby=...> on the page, found by its heading."""
    return page.get_by_role("region", name=name, exact=True)


def check_parent(page: Page) -> None:
    main = main_of(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Amira")
    babies = region(page, "Your baby")
    zara = babies.locator("article", has=page.get_by_role("heading", name="Zara", exact=True))
    expect(zara).to_have_count(1)
    expect(zara).to_contain_text("Corrected age")
    expect(zara).to_contain_text("32+3")
    expect(main).not_to_contain_text("Tobi")
    expect(main).not_to_contain_text("Tayo")
    expect(nav_of(page).get_by_role("link", name="Our family")).to_be_visible()
    expect(nav_of(page).get_by_role("link", name="Add a family")).to_have_count(0)


def check_parent2(page: Page) -> None:
    main = main_of(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace")
    babies = region(page, "Your babies")
    for twin in ("Tobi", "Tayo"):
        expect(babies.get_by_role("heading", name=twin, exact=True)).to_be_visible()
    expect(main).not_to_contain_text("Zara")
    expect(main).not_to_contain_text("Amira")


def check_hv(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Hannah")
    referred = region(page, "Families you referred")
    expect(referred.get_by_role("link", name=re.compile(r"Amira Khan"))).to_have_count(1)
    expect(referred.get_by_role("link", name=re.compile(r"Grace Okafor"))).to_have_count(1)
    expect(referred).to_contain_text("Zara")
    expect(main_of(page)).not_to_contain_text("Ffion Jones")
    expect(main_of(page)).not_to_contain_text("Sophie Brown")  # Riverside, not referred by hv
    expect(nav_of(page).get_by_role("link", name="Add a family")).to_be_visible()


def check_manager(page: Page) -> None:
    main = main_of(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Maya")
    provider = region(page, "Riverside Community Nursery Team")
    for name in (
        "Riverside Medical Centre",
        "Hillview Family Hub",
        "Riverton North",
        "Riverton South",
    ):
        expect(provider).to_contain_text(name)
    expect(main).not_to_contain_text("Oak Street Studio")
    expect(main).not_to_contain_text("Little Oak")
    expect(nav_of(page).get_by_role("link", name="Admin site")).to_have_count(0)


def check_facilitator(page: Page) -> None:
    main = main_of(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Fiona")
    provider = region(page, "Riverside Community Nursery Team")
    expect(provider).to_contain_text("Riverside Medical Centre")
    expect(provider).to_contain_text("Hillview Family Hub")
    expect(main).not_to_contain_text("Oak Street Studio")
    nav = nav_of(page)
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="Add a family")).to_have_count(0)
    expect(main.get_by_role("link", name="Add a family")).to_have_count(0)


def check_admin(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada")
    providers = region(page, "Providers")
    for name in ("Riverside Community Nursery Team", "Little Oak Baby Massage"):
        expect(providers.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(providers).to_contain_text("Oak Street Studio")
    expect(nav_of(page).get_by_role("link", name="Admin site")).to_be_visible()


HOME_CHECKS: dict[str, Callable[[Page], None]] = {
    "parent": check_parent,
    "parent2": check_parent2,
    "hv": check_hv,
    "manager": check_manager,
    "facilitator": check_facilitator,
    "admin": check_admin,
}
assert sorted(HOME_CHECKS) == sorted(DEMO_ROLES)


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_each_role_logs_in_and_sees_their_own_home(
    page: Page, console: ConsoleWatcher, live_server: Any, username: str
) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Nurture")
    console.assert_clean("the login page")

    log_in(page, username)
    page.wait_for_url(f"{live_server.url}/")
    HOME_CHECKS[username](page)
    console.assert_clean(f"{username}'s home page")


def test_wrong_password_shows_an_error_and_stays_on_login(page: Page, live_server: Any) -> None:
    log_in(page, "parent", "not-the-password")

    alert = page.get_by_role("alert")
    expect(alert.first).to_be_visible()
    expect(main_of(page)).to_contain_text(re.compile(r"not correct", re.IGNORECASE))
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Nurture")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_log_out_returns_to_the_anonymous_welcome(page: Page, live_server: Any) -> None:
    log_in(page, "parent")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Amira")

    page.get_by_role("button", name="Log out").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calm, connected time with your baby")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(main_of(page).get_by_role("link", name="Log in")).to_be_visible()
    # Still signed out after a fresh load.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calm, connected time with your baby")


def test_parent_cannot_see_another_family(page: Page, live_server: Any) -> None:
    other = Family.objects.get(carers__given_name="Grace", carers__family_name="Okafor")
    log_in(page, "parent")
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"/families/{other.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(main_of(page)).not_to_contain_text("Grace")
    expect(main_of(page)).not_to_contain_text("Tobi")


def test_health_visitor_adds_a_family(page: Page, live_server: Any) -> None:
    log_in(page, "hv")
    page.wait_for_url(f"{live_server.url}/")
    nav_of(page).get_by_role("link", name="Add a family").click()
    page.wait_for_url(f"{live_server.url}/families/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a family")

    # Empty: errors next to each missing field, and a summary at the top.
    save = page.get_by_role("button", name="Save family")
    save.click()
    summary = page.locator(".error-summary")
    expect(summary.first).to_be_visible()
    expect(summary.first).to_have_attribute("role", "alert")
    required = {
        "carer-given_name": "First name",
        "carer-family_name": "Last name",
        "baby-given_name": "Baby's first name",
        "baby-date_of_birth": "Date of birth",
    }
    for name, label in required.items():
        field = page.locator(".field", has=page.locator(f'[name="{name}"]'))
        expect(field).to_have_class(re.compile(r"\bfield--error\b"))
        expect(field.locator(".field__error")).to_contain_text("This field is required")
        expect(field.locator(".field__label")).to_contain_text(label)
        expect(page.locator(f'[name="{name}"]')).to_have_attribute("aria-invalid", "true")
        in_summary = summary.get_by_role("link", name=re.compile(f"^{re.escape(label)}:"))
        expect(in_summary).to_have_count(1)
    expect(page.locator(".field--error")).to_have_count(len(required))

    # Now filled in properly.
    carer = page.get_by_role("group", name="Parent or carer")
    # Labels of fields in error now also carry the error text, so find those by name.
    carer.locator('[name="carer-given_name"]').fill("Nia")
    carer.locator('[name="carer-family_name"]').fill("Morgan")
    carer.get_by_label("Email address").fill("nia.morgan@example.com")
    carer.get_by_label("Happy to be contacted about courses and reminders").check()
    baby = page.get_by_role("group", name="Baby", exact=True)
    baby.locator('[name="baby-given_name"]').fill("Elis")
    born = timezone.localdate() - timedelta(weeks=3)
    baby.locator('[name="baby-date_of_birth"]').fill(born.isoformat())
    baby.get_by_label("Weeks of pregnancy at birth (optional)").fill("34")
    save.click()

    page.wait_for_url(re.compile(UUID_PATH))
    expect(page.get_by_role("status")).to_contain_text("Family added")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nia")
    card = page.locator("article", has=page.get_by_role("heading", name=re.compile(r"^Elis")))
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Corrected age")
    expect(card).to_contain_text("3 weeks")
    expect(card).to_contain_text("34")
    assert Family.objects.filter(carers__email="nia.morgan@example.com").count() == 1
