"""Fixtures for the browser tests: one Chromium per session, a fresh phone-sized page per test.

Sync Playwright runs an event loop in the test thread, so Django would refuse database
access from the test ("SynchronousOnlyOperation") without DJANGO_ALLOW_ASYNC_UNSAFE. The
variable must be set before any test touches the database, hence at import time here.
"""

from __future__ import annotations

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import io
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    ViewportSize,
    expect,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE: ViewportSize = {"width": 390, "height": 844}
DEMO_PASSWORD = "nurture-demo"
DEMO_ROLES = ["admin", "manager", "hv", "facilitator", "parent", "parent2"]
TIMEOUT_MS = 10_000

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a browser test, whatever its module says."""
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium) for browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        expect.set_options(timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()


_DEMO_SNAPSHOT: list[sqlite3.Connection] = []
"""On SQLite, a copy of the test database just after the first load of the demo world."""


@pytest.fixture
def demo(live_server: Any, transactional_db: None) -> None:
    """The demo world, loaded into the live server's database for this test.

    The database cache (login rate limits) is not a model table, so the flush between
    tests leaves it alone: clear it so earlier tests' logins do not count against this one.
    Loading the demo takes a couple of seconds; on SQLite (an in-memory database shared
    with the live server's thread) we load it once and copy it back in before each test.
    """
    cache.clear()
    if connection.vendor != "sqlite":
        call_command("demo_data", stdout=io.StringIO())
        return
    connection.ensure_connection()
    raw = connection.connection
    if not _DEMO_SNAPSHOT:
        call_command("demo_data", stdout=io.StringIO())
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        raw.backup(snapshot)
        _DEMO_SNAPSHOT.append(snapshot)
    else:
        _DEMO_SNAPSHOT[0].backup(raw)


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts for this test (phone viewport, live server base URL)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(viewport=PHONE, base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


class ConsoleWatcher:
    """Console errors, uncaught page errors and CSP violations seen on a page.

    Chromium reports a Content-Security-Policy violation as a console error: older
    versions say "Refused to apply inline style because it violates ...", newer ones
    "Applying inline style violates the following Content Security Policy directive ...".
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" or "Refused to" in text or "Content Security Policy" in text:
            where = message.location.get("url") or self.page.url
            self.problems.append(f"console.{message.type} ({where}): {text}")

    def _on_page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught error ({self.page.url}): {error.message}")

    def assert_clean(self, where: str = "") -> None:
        """Fail if anything was reported since the last check; then start afresh."""
        self.page.wait_for_load_state("load")
        problems, self.problems = self.problems, []
        assert not problems, (
            f"Console errors or CSP violations on {where or self.page.url}:\n" + "\n".join(problems)
        )


@pytest.fixture
def console(page: Page) -> ConsoleWatcher:
    return ConsoleWatcher(page)


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form; leaves the browser on whatever page the form leads to."""
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_in_with_cookie(context: BrowserContext, live_server: Any, username: str) -> None:
    """Sign the context in without the form: a session made by Django's test client."""
    from nurture.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
