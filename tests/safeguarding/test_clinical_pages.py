"""The staff clinical pages: the score timeline with its chart, one response in full,
safeguarding concerns with the body map, the flags facilitators see on their course pages,
and the chart module on its own.

Expected values are worked out by hand from the PHQ-9 pack (options score 0-3; bands
0-4 Minimal, 5-9 Mild, 10-14 Moderate; referral threshold 10).
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.asserts import assertInHTML

from nurture.audit.models import AuditEvent
from nurture.lib import charts
from nurture.outcomes.models import Response, SafeguardingConcern, TimePoint
from nurture.questionnaires import services
from nurture.safeguarding import bodymap, concerns
from tests import factories
from tests.conftest import World, client_for
from tests.questionnaires.conftest import Course, answers, enrol_family, submit

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
BASELINE = [2, 2, 2, 2, 1, 1, 1, 1, 0]  # 12: Moderate, at the threshold of 10
POST = [1, 1, 0, 0, 1, 0, 0, 0, 0]  # 3: Minimal
SEEN = "Two small round bruises on the left upper arm; baby is 9 weeks old."
NOT_ALLOWED = ["facilitator_a", "parent_a", "parent_a2", "hv_a2", "manager_b", "hv_b"]


def _chart_in(page: str) -> ET.Element:
    found = re.search(r'<svg[^>]*class="chart".*?</svg>', page, flags=re.S)
    assert found, "no chart on the page"
    return ET.fromstring(found.group(0))  # noqa: S314 - our own markup


def _record(world: World, family: str = "a1", **changes: Any) -> SafeguardingConcern:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "seen": SEEN,
        "regions": ["front_left_arm"],
        "explanation": "Dad said the sleeve of a sleepsuit was tight.",
        "action": "Spoke to the safeguarding lead.",
        "informed": "Safeguarding lead; GP",
        "review_on": timezone.localdate() + timedelta(days=7),
    }
    values.update(changes)
    hv = world.families[family].health_visitor
    concern, _ = concerns.record_concern(
        actor=hv, family=world.families[family], data=concerns.ConcernData(**values)
    )
    return concern


@pytest.fixture
def answered(course: Course) -> tuple[Response, Response]:
    """Family a1's PHQ-9 at baseline (by the parent alone) and post (with the facilitator)."""
    baseline = submit(course, BASELINE).response
    post = services.submit_response(
        actor=course.world.users["facilitator_a"],
        carer=course.carer,
        instrument_key="phq9",
        version="1",
        answers=answers(POST),
        client_id=uuid.uuid4(),
        point=TimePoint.POST,
        enrolment=course.enrolment,
        administered_by=course.world.users["facilitator_a"],
        now=course.run.sessions.get(number=5).starts_at + timedelta(hours=1),
    ).response
    return baseline, post


def _urls(world: World, response: Response, concern: SafeguardingConcern) -> list[str]:
    family = world.families["a1"].pk
    return [
        f"/families/{family}/outcomes/",
        f"/families/{family}/outcomes/{response.pk}/",
        f"/families/{family}/concerns/",
        f"/families/{family}/concerns/new/",
        f"/families/{family}/concerns/{concern.pk}/",
    ]


# --- The score timeline ---------------------------------------------------------------------------


def test_the_timeline_shows_a_chart_and_a_table_of_the_same_scores(
    answered: tuple[Response, Response], world: World
) -> None:
    baseline, post = answered
    family = world.families["a1"]
    page = client_for(world.users["hv_a"]).get(f"/families/{family.pk}/outcomes/").text

    chart = _chart_in(page)
    assert chart.get("role") == "img"
    assert "Patient Health Questionnaire" in (chart.findtext(f"{SVG}title") or "")
    desc = chart.findtext(f"{SVG}desc") or ""
    assert re.match(
        r"Alex: 12 on \d+ \w+ \d{4}, Baseline, Moderate; 3 on .*, Post, Minimal\.", desc
    )
    assert "threshold is 10" in desc
    values = [text.text for text in chart.iter(f"{SVG}text") if text.get("class") == "chart__value"]
    assert values == ["12", "3"]
    points = [shape for shape in chart.iter() if "chart__point" in (shape.get("class") or "")]
    assert len(points) == 2
    [threshold] = [
        line for line in chart.iter(f"{SVG}line") if line.get("class") == "chart__threshold-line"
    ]
    assert threshold.get("stroke-dasharray")
    assert float(threshold.get("y1") or 0) == pytest.approx(charts.y_position(10, (0, 27)), 0.1)

    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 2
    assert "Baseline" in rows[0] and ">12" in rows[0] and "Moderate" in rows[0]
    assert "Needs follow-up" in rows[0] and "The parent, on their own" in rows[0]
    assert "Post" in rows[1] and ">3" in rows[1] and "Minimal" in rows[1]
    assert "Facilitator_A" in rows[1]  # administered by (the factory's first name)
    assert f"/families/{family.pk}/outcomes/{baseline.pk}/" in rows[0]
    assert f"/families/{family.pk}/outcomes/{post.pk}/" in rows[1]
    assert AuditEvent.objects.filter(action="outcome_scores.viewed").count() == 1


def test_a_family_with_no_answers_sees_an_empty_state(world: World) -> None:
    page = client_for(world.users["manager_a"]).get(
        f"/families/{world.families['a1'].pk}/outcomes/"
    )
    assert page.status_code == 200
    assert "No questionnaires have been answered yet" in page.text
    assert "<svg" not in page.text.split("<main", 1)[1]


def test_the_response_page_lists_each_question_answer_and_the_scoring(
    answered: tuple[Response, Response], world: World
) -> None:
    baseline, _ = answered
    family = world.families["a1"]
    for who in ("hv_a", "manager_a"):
        page = client_for(world.users[who]).get(f"/families/{family.pk}/outcomes/{baseline.pk}/")
        assert page.status_code == 200
        text = page.text
        assert "Little interest or pleasure in doing things" in text
        assert text.count("More than half the days") == 4  # items 1-4 answered 2
        assert "Moderate" in text and "referral threshold 10" in text
        assert "The total (12) is at or above the threshold (10)." in text
        assert "Not answered" in text  # item 10 (unscored) was left out
    assert AuditEvent.objects.filter(action="outcome_response.viewed").count() == 2


def test_another_familys_response_under_this_family_is_a_404_and_not_recorded(
    answered: tuple[Response, Response], world: World
) -> None:
    baseline, _ = answered
    client = client_for(world.users["manager_a"])
    other = world.families["a2"].pk
    assert client.get(f"/families/{other}/outcomes/{baseline.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="outcome_response.viewed").exists()


@pytest.mark.parametrize("who", NOT_ALLOWED)
def test_facilitators_parents_and_other_providers_get_404_everywhere(
    answered: tuple[Response, Response], world: World, who: str
) -> None:
    concern = _record(world)
    client = client_for(world.users[who])
    for url in _urls(world, answered[0], concern):
        assert client.get(url).status_code == 404, url
    assert client.post(_urls(world, answered[0], concern)[3], {}).status_code == 404
    assert not AuditEvent.objects.filter(action__endswith=".viewed").exists()
    assert not AuditEvent.objects.filter(action__endswith=".listed").exists()


def test_clinicians_of_the_family_reach_every_page(
    answered: tuple[Response, Response], world: World
) -> None:
    concern = _record(world)
    for who in ("hv_a", "manager_a"):
        client = client_for(world.users[who])
        for url in _urls(world, answered[0], concern):
            assert client.get(url).status_code == 200, (who, url)
    # An admin reads everything but records concerns only as a member of the provider.
    admin = client_for(world.users["admin"])
    urls = _urls(world, answered[0], concern)
    assert [admin.get(url).status_code for url in urls] == [200, 200, 200, 404, 200]


# --- Safeguarding concerns ------------------------------------------------------------------------


def _form(**changes: str | list[str]) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "concern_id": str(uuid.uuid4()),
        "baby": "",
        "seen": SEEN,
        # Yesterday: 09:30 today is still in the future when the suite runs in the small hours.
        "seen_on": str(today - timedelta(days=1)),
        "seen_time": "09:30",
        "regions": ["front_left_arm", "back_left_arm"],
        "explanation": "",
        "action": "Spoke to the safeguarding lead the same morning.",
        "informed": "Safeguarding lead",
        "facilitator_instruction": "",
        "review_on": str(today + timedelta(days=14)),
    }
    data.update(changes)
    return data


def test_the_body_map_checkboxes_carry_labels_in_fieldsets(world: World) -> None:
    page = client_for(world.users["hv_a"]).get(f"/families/{world.families['a1'].pk}/concerns/new/")
    text = page.text
    assert '<fieldset class="field bodymap"' in text
    assert (
        "<legend>Front of the body</legend>" in text and "<legend>Back of the body</legend>" in text
    )
    for region in bodymap.REGIONS:
        assertInHTML(
            f'<label class="choice choice--boxed" for="region-{region.code}">'
            f'<input type="checkbox" name="regions" value="{region.code}" '
            f'id="region-{region.code}"> <span>{region.label}</span></label>',
            text,
        )
        assert f"bodymap__{region.code}" in text  # its shape in the drawing
    assert "style=" not in text.split("<main", 1)[1]


def test_every_body_map_region_is_shaded_by_the_stylesheet() -> None:
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "nurture.css").read_text()
    for region in bodymap.REGIONS:
        code = region.code
        assert f".bodymap:has(#region-{code}:checked) .bodymap__{code}" in css, code


def test_recording_a_concern_saves_it_with_its_regions_and_an_audit_event(
    world: World,
) -> None:
    family = world.families["a1"]
    client = client_for(world.users["hv_a"])
    data = _form(baby=str(family.babies.get().pk), facilitator_instruction="Ask Sam first.")
    response = client.post(f"/families/{family.pk}/concerns/new/", data, follow=True)
    concern = SafeguardingConcern.objects.get()
    assert response.redirect_chain[-1][0] == f"/families/{family.pk}/concerns/{concern.pk}/"
    assert "Concern recorded." in response.text
    assert concern.regions == ["front_left_arm", "back_left_arm"]
    assert concern.baby == family.babies.get() and concern.recorded_by == world.users["hv_a"]
    assert concern.facilitator_instruction == "Ask Sam first."
    assert timezone.localtime(concern.seen_at).strftime("%H:%M") == "09:30"
    assert AuditEvent.objects.filter(action="safeguarding_concern.recorded").count() == 1
    assert "Left arm (front)" in response.text and "is-marked" in response.text
    # The same form sent twice stores once.
    client.post(f"/families/{family.pk}/concerns/new/", data)
    assert SafeguardingConcern.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"seen": ""}, "seen", "This field is required."),
        ({"action": "   "}, "action", "This field is required."),
        ({"regions": ["front_wing"]}, "regions", "Select a valid choice."),
        ({"review_on": "2001-01-01"}, "review_on", "Choose today or a later date"),
        ({"seen_on": "2999-01-01"}, "seen_on", "This cannot be in the future."),
        ({"review_on": "next week"}, "review_on", "Enter a valid date."),
        ({"baby": str(uuid.uuid4())}, "baby", "Select a valid choice."),
        ({"seen": "x" * 4001}, "seen", "at most 4000 characters"),
    ],
)
def test_bad_concerns_show_form_errors_and_store_nothing(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    family = world.families["a1"]
    page = client_for(world.users["hv_a"]).post(
        f"/families/{family.pk}/concerns/new/", _form(**changes)
    )
    assert page.status_code == 200
    assert 'class="error-summary"' in page.text
    assert re.search(rf'id="id_{field}_error".*?{re.escape(message)}', page.text, flags=re.S)
    assert not SafeguardingConcern.objects.exists()
    assert not AuditEvent.objects.filter(action="safeguarding_concern.recorded").exists()


def test_the_same_form_sent_again_with_other_details_is_not_stored_twice(world: World) -> None:
    family = world.families["a1"]
    client = client_for(world.users["hv_a"])
    data = _form()
    client.post(f"/families/{family.pk}/concerns/new/", data)
    page = client.post(f"/families/{family.pk}/concerns/new/", {**data, "seen": "Other words."})
    assert page.status_code == 200 and "A concern was already saved from this form" in page.text
    assert SafeguardingConcern.objects.get().seen == SEEN
    assert data["concern_id"] not in page.text  # a new id, so saving again records it
    client.post(f"/families/{family.pk}/concerns/new/", page.context["form"].data)
    assert SafeguardingConcern.objects.count() == 2


def test_a_failure_while_saving_writes_nothing(world: World, monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(concerns, "record", broken)
    family = world.families["a1"]
    with pytest.raises(RuntimeError):
        client_for(world.users["hv_a"]).post(f"/families/{family.pk}/concerns/new/", _form())
    assert not SafeguardingConcern.objects.exists()


def test_the_concern_list_and_detail_are_audited(world: World) -> None:
    concern = _record(world)
    client = client_for(world.users["hv_a"])
    family = world.families["a1"].pk
    listing = client.get(f"/families/{family}/concerns/").text
    assert "Left arm (front)" in listing and f"/concerns/{concern.pk}/" in listing
    detail = client.get(f"/families/{family}/concerns/{concern.pk}/").text
    assert SEEN in detail and "Dad said the sleeve" in detail
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "safeguarding_concern.listed" in actions and "safeguarding_concern.viewed" in actions


# --- What facilitators see ------------------------------------------------------------------------


def test_a_facilitator_sees_a_flag_but_no_detail(course: Course) -> None:
    world = course.world
    week1 = course.run.sessions.get(number=1)
    pages = [f"/courses/{course.run.pk}/", f"/courses/sessions/{week1.pk}/register/"]
    # On the day, half an hour before the session (the register is open).
    with time_machine.travel(week1.starts_at - timedelta(minutes=30), tick=False):
        client = client_for(world.users["facilitator_a"])
        for url in pages:
            assert "Before the session" not in client.get(url).text
    _record(world)
    submit(course, BASELINE)  # a total at the threshold: an open alert as well
    with time_machine.travel(week1.starts_at - timedelta(minutes=30), tick=False):
        for url in pages:
            text = client.get(url).text
            assert "Before the session" in text and text.count("Check before the session") == 1
            assert "speak to the family&#x27;s health visitor" in text.lower()
            for detail in (SEEN, "sleepsuit", "Safeguarding lead", "Moderate", "bruise"):
                assert detail not in text, (url, detail)
            assert "/concerns/" not in text and "/outcomes/" not in text


def test_family_detail_links_to_clinical_pages_only_for_clinicians(course: Course) -> None:
    world = course.world
    url = f"/families/{course.family.pk}/"
    for who in ("hv_a", "manager_a"):
        text = client_for(world.users[who]).get(url).text
        assert "Questionnaire scores" in text and "Safeguarding concerns" in text
    for who in ("facilitator_a", "parent_a"):
        text = client_for(world.users[who]).get(url).text
        assert "Questionnaire scores" not in text and "Safeguarding concerns" not in text


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 8])
def test_clinical_pages_make_a_bounded_number_of_queries(
    course: Course, count: int, django_assert_max_num_queries: Any
) -> None:
    world = course.world
    for number in range(count):
        hv = world.users["hv_a"]
        submit(course, POST, point=TimePoint.AD_HOC, actor=hv)
        submit(course, [0] * 7, instrument="gad7", point=TimePoint.AD_HOC, actor=hv)
        _record(world, regions=[bodymap.REGIONS[number].code])
    client = client_for(world.users["hv_a"])
    family = course.family.pk
    response = Response.objects.filter(family=course.family).first()
    assert response is not None
    client.get("/")  # warm the session
    for url, limit in (
        (f"/families/{family}/outcomes/", 14),
        (f"/families/{family}/outcomes/{response.pk}/", 15),
        (f"/families/{family}/concerns/", 14),
        (f"/families/{family}/concerns/new/", 12),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("families", [1, 6])
def test_course_pages_with_flags_make_a_bounded_number_of_queries(
    course: Course, families: int, django_assert_max_num_queries: Any
) -> None:
    world = course.world
    _record(world)
    for number in range(families - 1):
        family = factories.make_family(
            world.provider_a, health_visitor=world.users["hv_a"], carer_name=f"Carer{number}"
        )
        enrol_family(world, family, course.run)
        concerns.record_concern(
            actor=world.users["hv_a"],
            family=family,
            data=concerns.ConcernData(
                id=uuid.uuid4(),
                seen="Seen.",
                action="Done.",
                informed="Lead.",
                review_on=timezone.localdate(),
            ),
        )
    week1 = course.run.sessions.get(number=1)
    with time_machine.travel(week1.starts_at - timedelta(minutes=30), tick=False):
        client = client_for(world.users["facilitator_a"])
        client.get("/")  # warm the session
        for url in (f"/courses/{course.run.pk}/", f"/courses/sessions/{week1.pk}/register/"):
            with django_assert_max_num_queries(19):  # 18, and the audit event for the flags
                text = client.get(url).text
            assert text.count('class="tag tag--flag"') == families


# --- The chart on its own -------------------------------------------------------------------------


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup


def _simple(**changes: Any) -> ET.Element:
    values: dict[str, Any] = {
        "chart_id": "test",
        "title": "PHQ-9 <total> & more",
        "categories": ["Baseline\n1 Mar", "Post\n5 Apr", "Follow-up\n17 May"],
        "series": [
            charts.Series(
                "Alex",
                [
                    charts.Point("Baseline\n1 Mar", 14),
                    charts.Point("Post\n5 Apr", 8),
                    charts.Point("Follow-up\n17 May", 5),
                ],
            )
        ],
        "y_range": (0, 27),
        "y_label": "Total score",
        "x_label": "When",
        "threshold": charts.Threshold(10, "Referral threshold: 10"),
    }
    values.update(changes)
    return _parse(charts.line_chart(**values))


def test_a_chart_has_an_escaped_title_a_description_and_labelled_axes() -> None:
    chart = _simple()
    assert chart.findtext(f"{SVG}title") == "PHQ-9 <total> & more"
    assert chart.get("aria-labelledby") == "test-title test-desc"
    assert {chart.find(f"{SVG}title").get("id"), chart.find(f"{SVG}desc").get("id")} == {  # type: ignore[union-attr]
        "test-title",
        "test-desc",
    }
    desc = chart.findtext(f"{SVG}desc") or ""
    assert desc.startswith("Alex: 14 at Baseline 1 Mar, 8 at Post 5 Apr, 5 at Follow-up 17 May.")
    texts = ["".join(node.itertext()) for node in chart.iter(f"{SVG}text")]
    assert "Total score" in texts and "When" in texts and "Referral threshold: 10" in texts
    assert "Baseline1 Mar" in texts  # two lines (tspans) under the point
    assert not [node for node in chart.iter() if node.get("style") is not None]
    assert not list(chart.iter(f"{SVG}script"))


def test_a_chart_marks_every_point_with_a_shape_and_its_value() -> None:
    chart = _simple()
    points = [node for node in chart.iter() if "chart__point" in (node.get("class") or "")]
    assert [node.tag for node in points] == [f"{SVG}circle"] * 3
    values = [n.text for n in chart.iter(f"{SVG}text") if n.get("class") == "chart__value"]
    assert values == ["14", "8", "5"]
    [line] = [n for n in chart.iter(f"{SVG}polyline") if n.get("class") == "chart__line"]
    assert len((line.get("points") or "").split()) == 3


def test_the_threshold_is_a_dashed_line_at_its_value() -> None:
    chart = _simple()
    [line] = [n for n in chart.iter(f"{SVG}line") if n.get("class") == "chart__threshold-line"]
    assert line.get("stroke-dasharray") == charts.THRESHOLD_DASH
    y = float(line.get("y1") or 0)
    assert y == float(line.get("y2") or 0)
    assert y == pytest.approx(charts.TOP + charts.PLOT_HEIGHT * (27 - 10) / 27, abs=0.1)
    circles = {float(c.get("cy") or 0) for c in chart.iter(f"{SVG}circle")}
    above, below = min(circles), max(circles)  # 14 sits above the line, 5 below
    assert above < y < below


def test_a_chart_without_a_threshold_draws_no_threshold_line() -> None:
    chart = _simple(threshold=None)
    assert not [n for n in chart.iter() if "threshold" in (n.get("class") or "")]


def test_several_series_get_their_own_shapes_patterns_and_a_legend() -> None:
    categories = ["A", "B"]
    series = [
        charts.Series("Alex", [charts.Point("A", 3), charts.Point("B", 4)]),
        charts.Series("Sam", [charts.Point("A", 6), charts.Point("B", 2)]),
    ]
    chart = _simple(categories=categories, series=series, threshold=None)
    lines = [n for n in chart.iter(f"{SVG}polyline")]
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    assert len(list(chart.iter(f"{SVG}rect"))) == 2 + 1  # Sam's squares, one in the legend
    legend = [n for n in chart.iter(f"{SVG}g") if n.get("class") == "chart__legend"]
    assert legend and {"Alex", "Sam"} <= {t.text for t in legend[0].iter(f"{SVG}text")}


def test_points_outside_the_categories_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the categories"):
        _simple(categories=["Baseline\n1 Mar"])


@given(values=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=10))
def test_higher_values_sit_higher_and_inside_the_plot(values: list[int]) -> None:
    categories = [f"T{index}" for index in range(len(values))]
    chart = _parse(
        charts.line_chart(
            chart_id="h",
            title="t",
            categories=categories,
            series=[
                charts.Series(
                    "s", [charts.Point(c, v) for c, v in zip(categories, values, strict=True)]
                )
            ],
            y_range=(0, 27),
        )
    )
    ys = [float(c.get("cy") or 0) for c in chart.iter(f"{SVG}circle")]
    assert len(ys) == len(values)
    assert all(charts.TOP - 0.1 <= y <= charts.TOP + charts.PLOT_HEIGHT + 0.1 for y in ys)
    for (a, ya), (b, yb) in pairwise(zip(values, ys, strict=True)):
        assert (ya < yb) == (a > b) and (ya == yb) == (a == b)
