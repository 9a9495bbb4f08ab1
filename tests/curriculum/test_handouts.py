"""Week guide pages and printable weekly handouts: content, QR code, resource loading, access
for each role, and bounded queries."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pypdf
import pytest
import segno
import time_machine
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from nurture.accounts.models import Membership
from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.courses.models import Offer
from nurture.curriculum import selectors
from nurture.curriculum.models import WeekPlan
from nurture.lib import pdf
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

GUIDE = "http://testserver/strokes/week/{}/"

# Provider B's own plan: three weeks, tummy first (the shipped plan starts with the legs).
B_WEEKS = {
    "1": {"areas": ["tummy"], "rituals": ["asking-permission"]},
    "2": {"areas": ["chest"]},
    "3": {"areas": ["legs-and-feet"]},
}


@pytest.fixture(autouse=True)
def curriculum(db: Any) -> None:
    call_command("load_curriculum", verbosity=0)


@pytest.fixture
def b_plan(world: World) -> WeekPlan:
    return WeekPlan.objects.create(
        slug="tummy-first",
        name="Tummy first",
        provider=world.provider_b,
        is_default_for_provider=True,
        weeks=B_WEEKS,
    )


def pdf_text(content: bytes) -> tuple[str, int]:
    """The PDF's text in reading order (page by page, top to bottom, left to right: the
    content stream draws floats out of order), white space made single spaces; and its page
    count."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    pages = []
    for page in reader.pages:
        runs: list[tuple[float, float, str]] = []

        def visit(text: str, cm: Any, tm: Any, *_: Any, runs: Any = runs) -> None:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((-round(y, 1), x, text))

        page.extract_text(visitor_text=visit)
        pages.append(" ".join(text for *_, text in sorted(runs)))
    return " ".join(" ".join(pages).split()), len(reader.pages)


def qr_modules(svg: str) -> list[list[bool]]:
    """Read the dark modules back out of a QR SVG from ``pdf.qr_svg``: one path of horizontal
    runs, one unit per module, behind a four-module quiet zone."""
    view = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    path = re.search(r' d="([^"]+)"', svg)
    assert view and path, svg
    size = int(view[1]) - 8
    modules = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path[1]):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                modules[int(y) - 4][column - 4] = True
            x += float(a)
    return modules


def expected_modules(data: str) -> list[list[bool]]:
    code = segno.make_qr(data, error=pdf.QR_ERROR_LEVEL)
    return [[bool(m) for m in row] for row in code.matrix_iter(border=0)]


def week_names(plan: WeekPlan, week: int) -> tuple[list[str], list[str]]:
    """The stroke names of the areas new in ``week`` and of those learnt before."""
    cards = selectors.stroke_cards(plan, week)
    new = [s.name for card in cards.areas if card.is_new for s in card.strokes]
    earlier = [s.name for card in cards.areas if not card.is_new for s in card.strokes]
    return new, earlier


def enrol_on_week(world: World, number: int) -> Any:
    """Put family a1 on a course run of provider A; return the moment of week ``number``."""
    run = factories.make_run(world.provider_a)
    referral = factories.make_referral(world.families["a1"].babies.get())
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    return run.sessions.get(number=number).starts_at + timedelta(hours=2)


# --- The handout -----------------------------------------------------------------------------


def test_the_handout_is_a_pdf_of_the_week_with_new_areas_first(world: World) -> None:
    response = client_for(world.users["parent_a"]).get("/strokes/week/2/handout.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="baby-massage-week-2.pdf"'
    assert response.content.startswith(b"%PDF")
    text, pages = pdf_text(response.content)
    plan = selectors.week_plan_for(world.provider_a.pk)
    assert plan is not None
    new, earlier = week_names(plan, 2)
    assert "Water wheel" in new and "Indian milking" in earlier
    for name in new + earlier:
        assert name in text, name
    assert text.index("New this week") < text.index(new[0]) < text.index("Strokes learnt so far")
    assert text.index("Strokes learnt so far") < text.index(earlier[0])
    assert "Asking permission" in text and "Watch your baby" in text
    assert GUIDE.format(2) in text.replace(" ", "")
    assert 2 <= pages <= 5


def test_the_last_week_fits_on_a_sensible_number_of_pages(world: World) -> None:
    content = client_for(world.users["facilitator_a"]).get("/strokes/week/5/handout.pdf").content
    text, pages = pdf_text(content)
    assert "Gentle movements" in text and "Ears, neck and chins" in text
    assert pages <= 10


def test_the_qr_code_opens_exactly_this_weeks_guide(world: World) -> None:
    response = client_for(world.users["parent_a"]).get("/strokes/week/3/handout.pdf")
    assert response.context["guide_url"] == GUIDE.format(3)
    assert qr_modules(response.context["qr_svg"]) == expected_modules(GUIDE.format(3))
    assert qr_modules(response.context["qr_svg"]) != expected_modules(GUIDE.format(2))


@hypothesis_settings(max_examples=25)
@given(st.text(min_size=1, max_size=120))
def test_qr_svg_encodes_exactly_the_text_it_is_given(data: str) -> None:
    assert qr_modules(pdf.qr_svg(data)) == expected_modules(data)


# --- Resource loading ----------------------------------------------------------------------


def test_pdfs_read_our_static_files_from_disk() -> None:
    fetch = pdf.url_fetcher("http://testserver/")
    response = fetch("http://testserver/static/curriculum/tummy.svg?v=1")
    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<svg")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/static/curriculum/tummy.svg",  # another host
        "https://testserver/static/curriculum/tummy.svg",  # another scheme
        "http://testserver:8080/static/curriculum/tummy.svg",  # another port
        "http://testserver/strokes/",  # a page, not a static file
        "http://testserver/static/",
        "http://testserver/static/curriculum/no-such-picture.svg",
        "http://testserver/static/../nurture/settings.py",
        "http://testserver/static/curriculum/%2e%2e/%2e%2e/pyproject.toml",
        "http://testserver/static/%2Fetc/passwd",
        "http://testserver/static/curriculum/..%5C..%5Cpyproject.toml",
        "file:///etc/passwd",
        "data:text/plain,hello",
        "ftp://testserver/static/curriculum/tummy.svg",
    ],
)
def test_pdfs_refuse_everything_else(url: str) -> None:
    with pytest.raises(pdf.RefusedURL):
        pdf.url_fetcher("http://testserver/")(url)


# --- The week guide page ---------------------------------------------------------------------


def test_the_week_page_shows_the_week_and_links_around_it(world: World) -> None:
    page = client_for(world.users["parent_a"]).get("/strokes/week/2/").text
    assert "Week 2: baby massage strokes" in page
    assert "What you have learnt by week 2" in page
    assert 'Tummy <span class="muted">(new this week)</span>' in page
    assert 'href="/strokes/week/1/" rel="prev"' in page
    assert 'href="/strokes/week/3/" rel="next"' in page
    assert 'href="/strokes/week/2/handout.pdf"' in page


def test_the_first_and_last_weeks_have_no_link_beyond_the_course(world: World) -> None:
    client = client_for(world.users["parent_a"])
    assert 'rel="prev"' not in client.get("/strokes/week/1/").text
    assert 'rel="next"' not in client.get("/strokes/week/5/").text


@pytest.mark.parametrize("week", [0, 6, 99])
@pytest.mark.parametrize("page", ["/strokes/week/{}/", "/strokes/week/{}/handout.pdf"])
def test_a_week_the_plan_does_not_have_is_not_found(world: World, week: int, page: str) -> None:
    assert client_for(world.users["parent_a"]).get(page.format(week)).status_code == 404


def test_the_strokes_page_links_to_the_course_weeks_guide_and_handout(world: World) -> None:
    moment = enrol_on_week(world, 2)
    with time_machine.travel(moment, tick=False):
        client = client_for(world.users["parent_a"])
        page = client.get("/strokes/").text
        week_page = client.get("/strokes/week/2/").text
    assert 'href="/strokes/week/2/"' in page
    assert 'href="/strokes/week/2/handout.pdf"' in page
    assert "This is the week your course has reached." in week_page


# --- Whose plan, and who may see it ----------------------------------------------------------


@pytest.mark.parametrize("username", ["parent_a", "manager_a", "hv_a", "facilitator_a"])
def test_provider_a_follows_the_shipped_plan(world: World, b_plan: WeekPlan, username: str) -> None:
    page = client_for(world.users[username]).get("/strokes/week/1/").text
    assert "Five weeks" in page and "Legs and feet" in page


@pytest.mark.parametrize("username", ["parent_b", "manager_b", "hv_b"])
def test_provider_b_follows_its_own_plan(world: World, b_plan: WeekPlan, username: str) -> None:
    client = client_for(world.users[username])
    page = client.get("/strokes/week/1/").text
    assert "Tummy first" in page and "Water wheel" in page and "Indian milking" not in page
    assert client.get("/strokes/week/4/").status_code == 404  # B's plan has three weeks
    text, _ = pdf_text(client.get("/strokes/week/1/handout.pdf").content)
    assert "Water wheel" in text and "Indian milking" not in text


def test_someone_with_no_family_and_no_provider_sees_nothing(world: World) -> None:
    client = client_for(factories.make_user("nobody"))
    assert client.get("/strokes/week/1/").status_code == 404
    assert client.get("/strokes/week/1/handout.pdf").status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(world: World) -> None:
    response = Client().get("/strokes/week/1/handout.pdf")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_may_choose_only_among_their_own_providers(world: World, b_plan: WeekPlan) -> None:
    facilitator = world.users["facilitator_a"]
    Membership.objects.create(user=facilitator, provider=world.provider_b, role=Role.FACILITATOR)
    client = client_for(facilitator)

    default = client.get("/strokes/week/1/").text
    chosen = client.get(f"/strokes/week/1/?provider={world.provider_b.pk}").text
    assert "Five weeks" in default and 'name="provider"' in default
    assert "Tummy first" in chosen
    assert f'href="/strokes/week/2/?provider={world.provider_b.pk}" rel="next"' in chosen
    assert f'href="/strokes/week/1/handout.pdf?provider={world.provider_b.pk}"' in chosen

    other = factories.make_provider("Provider C")
    for query in (f"?provider={other.pk}", "?provider=nonsense", "?provider=-1"):
        assert client.get(f"/strokes/week/1/{query}").status_code == 404
        assert client.get(f"/strokes/week/1/handout.pdf{query}").status_code == 404


def test_staff_of_one_provider_cannot_ask_for_anothers_plan(world: World, b_plan: Any) -> None:
    client = client_for(world.users["manager_b"])
    assert client.get(f"/strokes/week/1/?provider={world.provider_a.pk}").status_code == 404
    assert client.get(f"/strokes/week/1/?provider={world.provider_b.pk}").status_code == 200


def test_admins_may_look_at_any_providers_plan(world: World, b_plan: WeekPlan) -> None:
    page = client_for(world.admin).get(f"/strokes/week/1/?provider={world.provider_b.pk}").text
    assert "Tummy first" in page


def test_a_parent_follows_their_course_and_its_week(world: World) -> None:
    before = selectors.plan_followed_by(world.users["parent_a"])
    assert (before.provider_id, before.enrolment, before.current_week) == (
        world.provider_a.pk,
        None,
        1,
    )
    moment = enrol_on_week(world, 3)
    with time_machine.travel(moment, tick=False):
        during = selectors.plan_followed_by(world.users["parent_a"])
    assert during.enrolment is not None and during.enrolment.run.provider_id == world.provider_a.pk
    assert during.current_week == 3 and during.plan is not None


# --- Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/strokes/week/{}/", "/strokes/week/{}/handout.pdf"])
def test_pages_make_a_bounded_number_of_queries(
    world: World, page: str, django_assert_max_num_queries: Any
) -> None:
    moment = enrol_on_week(world, 3)
    with time_machine.travel(moment, tick=False):
        client = client_for(world.users["parent_a"])
        client.get(page.format(1))
        for week in (1, 5):
            with django_assert_max_num_queries(12):
                assert client.get(page.format(week)).status_code == 200
