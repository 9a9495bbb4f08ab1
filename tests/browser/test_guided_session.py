"""A parent's guided massage in a real browser: the readiness check, one step at a time,
one tap per cue; an "Upset" tap stops the session, and a session done offline is sent once
the phone is back online."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from nurture.practice.models import CueEvent, PracticeSession
from tests.browser.conftest import ConsoleWatcher, log_in, log_in_with_cookie
from tests.browser.test_accessibility import AXE, FAILING_IMPACTS, describe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def amiras_sessions() -> Any:
    """Sessions logged by the parent these tests sign in as (the demo gives Grace's baby a
    practice history of its own)."""
    return PracticeSession.objects.filter(carer__user__username="parent")


def begin(page: Page) -> None:
    """From home, through the readiness check, to the first step of the guided session."""
    page.get_by_role("link", name="Start a massage with Zara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is now a good time for Zara?")
    page.get_by_label("Calm and alert, looking at you").check()
    for item in ("warm", "quiet", "oil", "towel", "phone"):
        page.locator(f'input[name="setting"][value="{item}"]').check()
    page.get_by_role("button", name="Check and begin").click()
    expect(page.locator("[data-text]")).to_contain_text("Are they calm and alert")


def step_text(page: Page) -> Any:
    return expect(page.locator("[data-text]"))


def test_a_guided_session_stops_and_tends_after_an_upset_tap(
    page: Page, console: ConsoleWatcher
) -> None:
    log_in(page, "parent")
    begin(page)
    page.get_by_role("button", name="Calm and alert, looking at you").click()
    step_text(page).to_contain_text("Would you like a massage?")
    page.get_by_role("button", name="Yes, looks interested").click()
    step_text(page).to_contain_text("Rest your hands on the")
    expect(page.locator("[data-progress]")).to_contain_text("Stroke 1 of")
    expect(page.locator("[data-timer]")).to_be_visible()
    page.get_by_role("button", name="Happy", exact=True).click()
    expect(page.locator("[data-progress]")).to_contain_text("Stroke 2 of")
    page.get_by_role("button", name="Not sure", exact=True).click()
    step_text(page).to_contain_text("Let's pause")
    page.get_by_role("button", name="Try again").click()
    step_text(page).to_contain_text("again, a little slower")
    page.get_by_role("button", name="Upset", exact=True).click()
    step_text(page).to_contain_text("Stop now and pick your baby up")
    expect(page.get_by_role("button", name="Happy", exact=True)).to_have_count(0)
    # Optional details: a crying reason adds a gentle suggestion, and the session stays stopped.
    page.get_by_role("button", name="Hungry").click()
    page.get_by_role("button", name="Add").click()
    expect(page.locator("[data-notice]")).to_contain_text("offer a feed")
    page.get_by_label("Anything you'd like to remember? (optional)").fill("Tired after the clinic")
    page.get_by_role("button", name="Save to my log").click()
    expect(page.get_by_role("status").filter(has_text="Saved to your practice log")).to_be_visible()
    console.assert_clean("the guided session")

    session = amiras_sessions().get()
    assert (session.outcome, session.stop_reason) == ("stopped", "stress")
    assert session.notes == "Tired after the clinic"
    cues = list(CueEvent.objects.filter(session=session).order_by("sequence"))
    assert [cue.cue for cue in cues] == ["happy", "not_sure", "upset"]
    assert cues[-1].details == {"signs": [], "crying_reason": "hungry"}


def test_a_session_done_offline_is_sent_once_back_online(
    page: Page, console: ConsoleWatcher
) -> None:
    log_in(page, "parent")
    begin(page)
    expect(page.locator("[data-offline-ready]")).to_be_visible()  # pictures all fetched
    context: BrowserContext = page.context
    context.set_offline(True)
    page.get_by_role("button", name="Calm and alert, looking at you").click()
    page.get_by_role("button", name="Yes, looks interested").click()
    page.get_by_role("button", name="Happy", exact=True).click()
    page.get_by_role("button", name="Stop the massage").click()
    step_text(page).to_contain_text("That's fine. Give your baby a cuddle")
    page.get_by_role("button", name="Save to my log").click()
    expect(page.locator("[data-status]")).to_contain_text("Saved on this phone")
    assert not amiras_sessions().exists()

    context.set_offline(False)
    expect(page.locator("[data-status]")).to_contain_text("Saved to your practice log")
    session = amiras_sessions().get()
    assert (session.outcome, session.stop_reason) == ("stopped", "parent_stopped")
    assert session.cue_events.count() == 1
    # Back online, the home page sends nothing twice.
    page.goto("/")
    expect(page.get_by_role("heading", name="Your last sessions")).to_be_visible()
    assert amiras_sessions().count() == 1
    console.assert_clean("the offline session")


def test_each_kind_of_guided_step_has_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], live_server: Any
) -> None:
    context = new_context(bypass_csp=True)  # axe's injected script needs it
    log_in_with_cookie(context, live_server, "parent")
    page = context.new_page()
    page.goto("/")
    begin(page)

    def check(where: str) -> None:
        violations = AXE.run(page).response["violations"]
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, f"{where}:\n{describe(failing)}"

    check("the baby's state")
    page.get_by_role("button", name="Calm and alert, looking at you").click()
    page.get_by_role("button", name="Yes, looks interested").click()
    expect(page.locator("[data-timer]")).to_be_visible()
    check("a stroke")
    page.get_by_role("button", name="Not sure", exact=True).click()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    check("a pause, with the details to add")
    page.get_by_role("button", name="Upset", exact=True).click()
    expect(page.get_by_role("button", name="Save to my log")).to_be_visible()
    check("stop and tend, at the end")


def test_a_strong_stress_sign_in_the_details_stops_at_once(
    page: Page, console: ConsoleWatcher
) -> None:
    log_in(page, "parent")
    begin(page)
    page.get_by_role("button", name="Calm and alert, looking at you").click()
    page.get_by_role("button", name="Yes, looks interested").click()
    page.get_by_role("button", name="Not sure", exact=True).click()
    step_text(page).to_contain_text("Let's pause")
    page.get_by_role("button", name="Arching their back").click()
    step_text(page).to_contain_text("Stop now and pick your baby up")
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    page.get_by_role("button", name="Save to my log").click()
    expect(page.locator("[data-status]")).to_contain_text("Saved to your practice log")
    event = CueEvent.objects.get(session__in=amiras_sessions())
    assert (event.cue, event.details["signs"]) == ("not_sure", ["arching"])
    assert amiras_sessions().get().stop_reason == "stress"
    console.assert_clean("a strong sign in the details")
