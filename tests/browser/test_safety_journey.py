"""The safeguarding journey end to end, as issue 5 asks: a parent answers PHQ-9 with question 9
above 0 and sees the help contacts; the family's health visitor then finds the alert at the top
of their home page, acknowledges it and closes it with what was done."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from nurture.outcomes.models import AlertState, SafetyAlert
from tests.browser.conftest import ConsoleWatcher, log_in
from tests.browser.test_questionnaire import answer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_safety_answer_reaches_the_health_visitor_who_closes_it(
    new_context: Callable[..., BrowserContext],
) -> None:
    parent = new_context().new_page()
    parent_console = ConsoleWatcher(parent)
    log_in(parent, "parent2")
    parent.get_by_role("link", name=re.compile(r"^Start\W+how you have been feeling")).click()
    for number in range(1, 9):
        answer(parent, number, "Not at all")
    answer(parent, 9, "More than half the days")
    answer(parent, 10, "Not difficult at all")
    parent.get_by_role("button", name="Send my answers").click()
    help_box = parent.locator(".help-box")
    expect(help_box.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    expect(help_box.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    parent_console.assert_clean("the parent's thank-you page")

    hv = new_context().new_page()
    hv_console = ConsoleWatcher(hv)
    log_in(hv, "hv")
    panel = hv.locator("main h1 + section.alert-panel")  # straight under the greeting
    expect(panel.get_by_role("heading", name="Needs your attention today")).to_be_visible()
    panel.get_by_role("link", name=re.compile("Grace")).click()
    hv.get_by_role("button", name="Acknowledge this alert").click()
    expect(hv.get_by_role("status")).to_contain_text("Alert acknowledged")
    hv.get_by_label("Contacted the parent").check()
    hv.get_by_label("What was done, in a few words").fill("Called Grace straight away.")
    hv.get_by_label("Support plan agreed").check()
    hv.get_by_label("The outcome, in a few words").fill("Visit tomorrow; GP informed.")
    hv.get_by_role("button", name="Close the alert").click()
    expect(hv.get_by_role("status")).to_contain_text("Alert closed.")
    hv_console.assert_clean("the closed alert")
    alert = SafetyAlert.objects.get()
    assert alert.state == AlertState.CLOSED and alert.acknowledged_by is not None
