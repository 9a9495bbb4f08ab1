"""A parent answers PHQ-9 on a phone, one question per screen, with an answer above 0 on
question 9: the help contacts are shown straight away and after sending, never a score, and
the family's health visitor has an alert waiting. Nothing is kept in the browser's storage.

The demo parent on a running course is "parent2" (Grace), whose course is in its third week,
so her start-of-course questionnaires are due; "parent" (Amira) is still waiting for a place.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from nurture.accounts.models import User
from nurture.outcomes.models import Response, ResponseStatus, SafetyAlert
from tests.browser.conftest import ConsoleWatcher, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def answer(page: Page, number: int, choice: str) -> None:
    expect(page.locator(".questionnaire__progress")).to_have_text(f"Question {number} of 10")
    page.locator("label.q-answer", has_text=choice).click()  # the whole row is the target
    page.get_by_role("button", name="Next").click()


def test_a_parent_answers_phq9_and_sees_help_after_question_9(
    page: Page, console: ConsoleWatcher
) -> None:
    log_in(page, "parent2")
    expect(page.get_by_role("heading", name="A few questions for you")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Start\W+how you have been feeling")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Little interest or pleasure in doing things"
    )
    box = page.locator("label.q-answer").first.bounding_box()
    assert box is not None and box["height"] >= 48
    console.assert_clean("the first question")

    for number in range(1, 9):
        answer(page, number, "Not at all")
    answer(page, 9, "Several days")
    # Question 10, with the help shown at once.
    help_box = page.locator(".help-box")
    expect(help_box).to_contain_text("116 123")
    expect(help_box.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator(".questionnaire__progress")).to_have_text("Question 9 of 10")
    expect(page.get_by_label("Several days")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    answer(page, 10, "Somewhat difficult")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".q-check")).to_contain_text("Several days")
    page.get_by_role("button", name="Send my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for telling us")
    help_box = page.locator(".help-box")
    expect(help_box).to_contain_text("116 123")
    expect(help_box.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    expect(help_box.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    content = page.content().lower()
    assert "alert" not in content and "score" not in content
    stored = page.evaluate("() => window.localStorage.length + window.sessionStorage.length")
    assert stored == 0
    console.assert_clean("the thank-you page")

    response = Response.objects.get(carer__user__username="parent2", instrument_key="phq9")
    assert response.status == ResponseStatus.SUBMITTED and response.administered_by is None
    alert = SafetyAlert.objects.get(response=response)
    assert alert.health_visitor == User.objects.get(username="hv")
    assert alert.health_visitor == response.family.health_visitor
