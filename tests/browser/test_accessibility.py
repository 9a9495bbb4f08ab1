"""axe-core checks of the main pages, anonymous and for each demo role.

The pages send a strict Content-Security-Policy, which would block the axe script the
checker injects, so these contexts bypass CSP (the home-page tests check CSP for real).
Only "serious" and "critical" violations fail; the message says what to fix and where.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from nurture.families.models import Family
from tests.browser.conftest import DEMO_ROLES, log_in_with_cookie

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


class Case(NamedTuple):
    username: str | None
    path: Callable[[], str]
    heading: str
    submit: str | None = None  # press this button first (to check a page's error state)


def _own_family_path() -> str:
    family = Family.objects.get(carers__user__username="parent")
    return f"/families/{family.pk}/"


def _zara() -> Any:
    from nurture.families.models import Baby

    return Baby.objects.get(given_name="Zara")


def _referral_path() -> str:
    from nurture.referrals.models import Referral

    return f"/referrals/{Referral.objects.get(baby=_zara()).pk}/"


def _run(venue: str) -> Any:
    from nurture.courses.models import CourseRun

    return CourseRun.objects.filter(venue__name=venue).order_by("-first_session_at").first()


def _grace() -> Any:
    from nurture.families.models import Carer

    return Carer.objects.get(user__username="parent2")


def _register_path() -> str:
    return f"/courses/sessions/{_run('Hillview Family Hub').sessions.get(number=2).pk}/register/"


def _decline_path() -> str:
    from nurture.courses.models import Offer

    return f"/my-course/offers/{Offer.objects.get(referral__baby=_zara(), status='pending').pk}/decline/"


CASES: dict[str, Case] = {
    "manager-to-do": Case("manager", lambda: "/referrals/to-do/", "What needs doing"),
    "manager-waiting-list": Case("manager", lambda: "/referrals/waiting-list/", "Waiting list"),
    "hv-referral": Case("hv", _referral_path, "Referral for Zara"),
    "hv-refer-form": Case("hv", lambda: f"/referrals/new/{_zara().pk}/", "Refer Zara"),
    "manager-courses": Case("manager", lambda: "/courses/", "Courses"),
    "manager-run": Case("manager", lambda: f"/courses/{_run('Riverside Medical Centre').pk}/", ""),
    "facilitator-register": Case("facilitator", _register_path, "Register"),
    "parent-my-course": Case("parent", lambda: "/my-course/", "Your baby massage course"),
    "parent-decline": Case("parent", _decline_path, "Say no to this place"),
    "parent2-strokes": Case("parent2", lambda: "/strokes/", "Your massage strokes"),
    "parent-week-guide": Case("parent", lambda: "/strokes/week/2/", "Week 2: baby massage"),
    "facilitator-week-guide": Case("facilitator", lambda: "/strokes/week/5/", "Week 5"),
    "login": Case(None, lambda: "/accounts/login/", "Log in to Nurture"),
    "hv-two-step": Case("hv", lambda: "/accounts/2fa/", "Two-Factor Authentication"),
    "hv-reauthenticate": Case(
        "hv", lambda: "/accounts/reauthenticate/?next=/accounts/2fa/", "Confirm Access"
    ),
    "welcome": Case(None, lambda: "/", "Calm, connected time with your baby"),
    **{f"home-{username}": Case(username, lambda: "/", "Hello, ") for username in DEMO_ROLES},
    "hv-add-family": Case("hv", lambda: "/families/new/", "Add a family"),
    "hv-add-family-errors": Case("hv", lambda: "/families/new/", "Add a family", "Save family"),
    "parent-family": Case("parent", _own_family_path, "Amira"),
    "parent-practice-nudge": Case("parent", lambda: "/reminders/practice/", "Practice reminders"),
    "parent-practice-log": Case(
        "parent", lambda: f"/practice/{_zara().pk}/log/", "Zara's practice"
    ),
    "parent-diary": Case("parent", lambda: f"/diary/{_zara().pk}/", "Zara's diary"),
    "parent-readiness-check": Case(
        "parent", lambda: f"/practice/{_zara().pk}/check/", "Is now a good time for Zara?"
    ),
    "parent-diary-errors": Case(
        "parent", lambda: f"/diary/{_zara().pk}/", "Zara's diary", "Save feeds"
    ),
    # Questionnaires: parent2 (Grace) is on the course in its third week, so hers are due.
    "parent2-questionnaires": Case("parent2", lambda: "/questionnaires/", "Your questionnaires"),
    "parent2-question": Case(
        "parent2", lambda: "/questionnaires/start/phq9/baseline/", "Little interest or pleasure"
    ),
    "parent2-question-errors": Case(
        "parent2", lambda: "/questionnaires/start/phq9/baseline/", "Little interest", "Next"
    ),
    "facilitator-questionnaires-with": Case(
        "facilitator", lambda: f"/questionnaires/with/{_grace().pk}/", "Questionnaires with Grace"
    ),
    # Clinical pages for Zara's family (hv is their health visitor; no answers in the demo).
    "hv-outcomes": Case(
        "hv", lambda: f"/families/{_zara().family_id}/outcomes/", "Questionnaire scores"
    ),
    "hv-concerns": Case(
        "hv", lambda: f"/families/{_zara().family_id}/concerns/", "Safeguarding concerns"
    ),
    "hv-concern-form": Case(
        "hv", lambda: f"/families/{_zara().family_id}/concerns/new/", "Record a safeguarding"
    ),
    "hv-concern-form-errors": Case(
        "hv",
        lambda: f"/families/{_zara().family_id}/concerns/new/",
        "Record a safeguarding",
        "Save concern",
    ),
    # Reports and insights: the demo's courses, referrals and Zara's practice history.
    "manager-report": Case("manager", lambda: "/reports/", "Programme report"),
    "facilitator-report": Case("facilitator", lambda: "/reports/", "Your courses"),
    "parent-insights": Case(
        "parent", lambda: f"/practice/{_zara().pk}/insights/", "What helps Zara"
    ),
}


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        node = violation["nodes"][0] if violation["nodes"] else {}
        lines.append(
            f"- {violation['id']} ({violation['impact']}, {len(violation['nodes'])} node(s)): "
            f"{violation['help']}\n"
            f"    first node: {', '.join(map(str, node.get('target', [])))}\n"
            f"    html: {node.get('html', '').strip()}\n"
            f"    more: {violation.get('helpUrl', '')}"
        )
    return "\n".join(lines)


PEOPLE = sorted({case.username or "anonymous" for case in CASES.values()})


@pytest.mark.parametrize("person", PEOPLE)
def test_pages_have_no_serious_accessibility_violations(
    new_context: Callable[..., BrowserContext], live_server: Any, person: str
) -> None:
    """Each person's pages in one signed-in browser (one demo world, one login), every page
    checked and every failure reported together, each named by its case."""
    username = None if person == "anonymous" else person
    context = new_context(bypass_csp=True)
    if username:
        log_in_with_cookie(context, live_server, username)
    page: Page = context.new_page()
    failures = []
    for case_id, case in CASES.items():
        if case.username != username:
            continue
        response = page.goto(case.path())
        assert response is not None and response.ok, (
            f"{case_id}: HTTP {response and response.status}"
        )
        if case.submit:
            page.get_by_role("button", name=case.submit).click()
            expect(page.locator(".error-summary").first).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.heading)
        failures += serious_violations(page, case_id)
    assert not failures, "\n\n".join(failures)


def serious_violations(page: Page, case_id: str) -> list[str]:
    violations = AXE.run(page).response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if not failing:
        return []
    return [
        f"axe found {len(failing)} serious/critical violation(s) on {case_id} ({page.url}):\n"
        + describe(failing)
    ]


def assert_no_serious_violations(page: Page, case_id: str) -> None:
    failures = serious_violations(page, case_id)
    assert not failures, failures[0]


def test_a_report_being_prepared_and_then_ready(
    new_context: Callable[..., BrowserContext], live_server: Any, settings: Any
) -> None:
    """An admin's report that is too large to compute on request (the threshold lowered to
    make the demo large): first the "being prepared" notice, then, once the worker has
    prepared it, the report saying when it was prepared."""
    from nurture.reports import prepared
    from nurture.reports.models import PreparedReport

    settings.REPORT_PREPARED_ABOVE = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    context = new_context(bypass_csp=True)
    log_in_with_cookie(context, live_server, "admin")
    page: Page = context.new_page()

    response = page.goto("/reports/")
    assert response is not None and response.status == 202
    expect(page.get_by_role("heading", name="This report is being prepared")).to_be_visible()
    assert_no_serious_violations(page, "admin-report-preparing")

    prepared.prepare(PreparedReport.objects.get().key)
    page.get_by_role("link", name="Check whether it is ready").click()
    expect(page.get_by_text("anything recorded since then is not counted yet")).to_be_visible()
    expect(page.get_by_role("heading", name="Attendance", level=2)).to_be_visible()
    assert_no_serious_violations(page, "admin-report-prepared")
