"""A safety alert in a real browser: raised for the demo parent by a PHQ-9 with question 9
above 0, it is at the top of the health visitor's home page; she opens it, acknowledges it
and closes it with the action taken and the outcome. Console clean, and axe finds nothing
serious on the panel, the list, the alert and the close form's error state."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from nurture.accounts.models import User
from nurture.families.models import Carer
from nurture.outcomes.models import AlertState, SafetyAlert, TimePoint
from nurture.questionnaires import services
from tests.browser.conftest import ConsoleWatcher, log_in, log_in_with_cookie
from tests.browser.test_accessibility import AXE, FAILING_IMPACTS, describe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def raise_demo_alert() -> SafetyAlert:
    """Nothing is due for the demo parent yet, so her health visitor goes through a PHQ-9
    with her (off-schedule) and she answers question 9 "Several days"."""
    submission = services.submit_response(
        actor=User.objects.get(username="hv"),
        carer=Carer.objects.get(user__username="parent"),
        instrument_key="phq9",
        version="1",
        answers={str(number): 1 if number == 9 else 0 for number in range(1, 10)},
        client_id=uuid.uuid4(),
        point=TimePoint.AD_HOC,
    )
    return SafetyAlert.objects.get(response=submission.response)


def check_axe(page: Page, where: str) -> None:
    violations = AXE.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{where} ({page.url}):\n{describe(failing)}"


def test_the_health_visitor_acknowledges_and_closes_an_alert_from_home(
    page: Page,
    console: ConsoleWatcher,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
) -> None:
    alert = raise_demo_alert()
    axe_page = new_context(bypass_csp=True).new_page()  # axe's injected script needs it
    log_in_with_cookie(axe_page.context, live_server, "hv")

    log_in(page, "hv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Hannah")
    panel = page.locator("main h1 + section.alert-panel")  # straight under the heading
    expect(panel.get_by_role("heading", name="Needs your attention today")).to_be_visible()
    expect(panel).to_contain_text("1 safety alert")
    expect(panel).to_contain_text("Not yet acknowledged")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Safety alerts (1)")).to_be_visible()
    console.assert_clean("the home page")
    axe_page.goto("/")
    check_axe(axe_page, "home page with an alert")
    axe_page.goto("/alerts/")
    check_axe(axe_page, "the alert list")

    panel.get_by_role("link", name=re.compile(r"Amira Khan · baby Zara")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety alert: Amira Khan")
    main = page.get_by_role("main")
    expect(main).to_contain_text("PHQ-9 question 9 answered above 0")
    expect(main).to_contain_text("Total 1 (referral threshold 10)")
    expect(main.get_by_role("link", name="07700 900101")).to_have_attribute(
        "href", "tel:07700900101"
    )
    console.assert_clean("the alert")
    axe_page.goto(f"/alerts/{alert.pk}/")
    check_axe(axe_page, "an open alert")

    page.get_by_role("button", name="Acknowledge this alert").click()
    expect(page.get_by_role("status")).to_contain_text("Alert acknowledged")
    expect(page.get_by_role("button", name="Acknowledge this alert")).to_have_count(0)
    assert SafetyAlert.objects.get(pk=alert.pk).state == AlertState.ACKNOWLEDGED
    console.assert_clean("the acknowledged alert")
    axe_page.goto(f"/alerts/{alert.pk}/")
    axe_page.get_by_role("button", name="Close the alert").click()
    expect(axe_page.locator(".error-summary")).to_be_visible()
    check_axe(axe_page, "the close form with errors")

    page.get_by_label("Contacted the parent").check()
    page.get_by_label("Risk assessed").check()
    page.get_by_label("What was done, in a few words").fill("Rang Amira within the hour.")
    page.get_by_label("Support plan agreed").check()
    page.get_by_label("The outcome, in a few words").fill("Daily calls this week; GP told.")
    page.get_by_role("button", name="Close the alert").click()
    expect(page.get_by_role("status")).to_contain_text("Alert closed.")
    expect(main).to_contain_text("This alert is closed")
    expect(main).to_contain_text("Support plan agreed")
    expect(page.get_by_role("button", name="Close the alert")).to_have_count(0)
    expect(nav.get_by_role("link", name="Safety alerts (0)")).to_be_visible()
    console.assert_clean("the closed alert")

    closed = SafetyAlert.objects.get(pk=alert.pk)
    assert closed.state == AlertState.CLOSED
    assert closed.actions == ["contacted_parent", "risk_assessed"]
    assert (closed.outcome, closed.outcome_note) == (
        "support_plan",
        "Daily calls this week; GP told.",
    )
    axe_page.goto(f"/alerts/{alert.pk}/")
    check_axe(axe_page, "a closed alert")
