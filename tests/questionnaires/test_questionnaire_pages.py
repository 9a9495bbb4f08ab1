"""The questionnaire pages: one question per screen, leaving and carrying on, checking and
sending once, what a parent is told (help, never a score), failures that store nothing, the
facilitator's in-class flow, and who may open what."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from nurture.accounts.roles import Role
from nurture.outcomes.models import Response, ResponseStatus, SafetyAlert
from nurture.questionnaires import feedback, scoring
from nurture.questionnaires import flow as flow
from nurture.safeguarding import alerts
from tests import factories
from tests.conftest import World, client_for
from tests.questionnaires.conftest import Course, enrol_family, phq9

pytestmark = pytest.mark.django_db

START = "/questionnaires/start/phq9/baseline/"
CALM = [0, 1, 0, 1, 0, 0, 1, 0, 0]  # total 3
QUESTION_9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # total 1, question 9 above 0
AT_THRESHOLD = [2, 2, 2, 2, 1, 1, 0, 0, 0]  # total 10, question 9 at 0
BANDS = ("Minimal", "Mild", "Moderate", "Severe")
LABELS = ("Not at all", "Several days", "More than half the days", "Nearly every day")


def text_of(html: str) -> str:
    """What a person reads: the page without its tags (and so without ids in links)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def question_path(response: Response, number: int) -> str:
    return f"/questionnaires/answer/{response.pk}/{number}/"


def check_path(response: Response) -> str:
    return f"/questionnaires/answer/{response.pk}/check/"


def draft_of(course: Course) -> Response:
    return Response.objects.get(carer=course.carer, status=ResponseStatus.DRAFT)


def answer_all(client: Client, values: Sequence[int], *, start: str = START) -> Response:
    """Answer questions 1-9 through the pages (question 10 left out); ends at the check page."""
    response = client.post(start, {"answer": values[0], "next": "1"})
    assert response.status_code == 302, response.content
    draft = Response.objects.get(status=ResponseStatus.DRAFT)
    for number, value in enumerate(values[1:], start=2):
        response = client.post(question_path(draft, number), {"answer": value, "next": "1"})
        assert response["Location"] == question_path(draft, number + 1)
    response = client.post(question_path(draft, 10), {"next": "1"})  # optional: left out
    assert response["Location"] == check_path(draft)
    return draft


def send(client: Client, draft: Response, client_id: uuid.UUID | None = None) -> Any:
    return client.post(check_path(draft), {"client_id": str(client_id or uuid.uuid4())})


def assert_no_score(html: str, response: Response) -> None:
    words = text_of(html)
    assert "alert" not in html.lower()
    assert "score" not in words.lower()
    assert not any(band in words for band in BANDS)
    if response.total is not None:
        assert not re.search(rf"(?<![\d ]){response.total}(?![\d])", words), response.total


# --- The flow, end to end ------------------------------------------------------------------------


def test_phq9_one_question_per_page_with_back_resume_check_and_one_send(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    home = client.get("/").text
    assert "How you have been feeling" in home and ">Start<" in home

    first = client.get(START)
    assert first.status_code == 200
    page = first.text
    assert "Question 1 of 10" in page and 'max="10" value="1"' in page
    items = phq9().items
    assert items[0].text in page and items[1].text not in page
    assert phq9().recall in page
    assert 'autocomplete="off"' in page and "<script" not in page.split('id="main"')[1]
    assert all(label in page for label in LABELS)

    assert client.post(START, {"answer": "1", "next": "1"}).status_code == 302
    draft = draft_of(course)
    assert draft.answers == {"1": 1}
    client.post(question_path(draft, 2), {"answer": "2", "next": "1"})
    third = client.get(question_path(draft, 3)).text
    assert "Question 3 of 10" in third and 'value="3"' in third
    assert f'href="{question_path(draft, 2)}"' in third  # Back
    back = client.get(question_path(draft, 2)).text
    assert re.search(r'value="2"[^>]*checked', back)  # the answer given is shown again

    # Leave, and come back: carry on at the first question still to answer.
    assert "Carry on" in client.get("/questionnaires/").text
    resumed = client.get(START, follow=True)
    assert resumed.redirect_chain[-1][0] == question_path(draft, 3)

    for number, value in enumerate(CALM[2:], start=3):
        client.post(question_path(draft, number), {"answer": value, "next": "1"})
    assert client.post(question_path(draft, 10), {"next": "1"})["Location"] == check_path(draft)

    checking = client.get(check_path(draft)).text
    assert "Check your answers" in checking
    assert "Little interest or pleasure in doing things" in checking and "Several days" in checking
    assert f"{question_path(draft, 3)}?then=check" in checking
    changed = client.post(question_path(draft, 3), {"answer": "3", "then": "check", "next": "1"})
    assert changed["Location"] == check_path(draft)
    assert "Nearly every day" in client.get(check_path(draft)).text

    client_id = uuid.uuid4()
    sent = send(client, draft, client_id)
    again = send(client, draft, client_id)  # a double tap
    assert sent["Location"] == again["Location"] == f"/questionnaires/done/{draft.pk}/"
    stored = Response.objects.get(carer=course.carer)
    assert stored.status == ResponseStatus.SUBMITTED and stored.client_id == client_id
    assert stored.answers["3"] == 3 and stored.administered_by is None

    thanks = client.get(sent["Location"]).text
    assert feedback.THANKS in thanks and "116 123" not in thanks
    assert_no_score(thanks, stored)
    done = client.get("/questionnaires/").text
    assert "Thank you, done on" in done and "Carry on" not in done
    assert_no_score(done, stored)


def test_question_9_above_0_shows_help_at_once_and_raises_one_alert(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    client.post(START, {"answer": "0", "next": "1"})
    draft = draft_of(course)
    for number in range(2, 9):
        client.post(question_path(draft, number), {"answer": "0", "next": "1"})
    client.post(question_path(draft, 9), {"answer": "2", "next": "1"})
    assert SafetyAlert.objects.count() == 1  # raised with the draft, before sending
    after = client.get(question_path(draft, 10)).text
    assert "116 123" in after and 'href="tel:116123"' in after
    assert "alert" not in after.lower()
    client.post(question_path(draft, 10), {"next": "1"})

    sent = send(client, draft)
    thanks = client.get(sent["Location"]).text
    stored = Response.objects.get(pk=draft.pk)
    assert SafetyAlert.objects.count() == 1
    alert = SafetyAlert.objects.get()
    assert alert.response == stored and alert.health_visitor == course.world.users["hv_a"]
    assert feedback.REACH_OUT in thanks
    for phone in ("111", "116 123", "999"):
        assert f'href="tel:{phone.replace(" ", "")}"' in thanks
    # The help comes first: before anything else on the page after the heading.
    body = thanks.split('id="main"')[1]
    assert body.index("help-box") < body.index("Back to home")
    assert_no_score(thanks, stored)


def test_a_total_at_the_threshold_shows_help(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    draft = answer_all(client, AT_THRESHOLD)
    thanks = client.get(send(client, draft)["Location"]).text
    stored = Response.objects.get(pk=draft.pk)
    assert stored.total == 10
    assert SafetyAlert.objects.get().reasons == [scoring.TOTAL_THRESHOLD]
    assert feedback.REACH_OUT in thanks and "tel:116123" in thanks
    assert_no_score(thanks, stored)


def test_a_low_total_gets_only_the_warm_message(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    draft = answer_all(client, CALM)
    thanks = client.get(send(client, draft)["Location"]).text
    assert feedback.THANKS in thanks
    assert "tel:" not in thanks and feedback.REACH_OUT not in thanks
    assert not SafetyAlert.objects.exists()
    assert_no_score(thanks, Response.objects.get(pk=draft.pk))


def test_a_question_needs_an_answer_to_move_on(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    page = client.post(START, {"next": "1"})
    assert page.status_code == 200
    assert scoring.MISSING in page.text and 'href="#id_answer_0"' in page.text
    assert not Response.objects.exists()


def test_missing_answers_cannot_be_sent_and_the_question_is_named(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    client.post(START, {"answer": "0", "next": "1"})
    draft = draft_of(course)
    for number in (2, 3, 5, 6, 7, 8, 9):
        client.post(question_path(draft, number), {"answer": "0", "next": "1"})
    checking = client.get(check_path(draft)).text
    assert "Not answered yet" in checking
    page = send(client, draft)
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Question 4 (Feeling tired or having little energy): Choose an answer" in words
    assert f'href="{question_path(draft, 4)}?then=check"' in page.text
    assert Response.objects.get(pk=draft.pk).status == ResponseStatus.DRAFT


def test_later_keeps_the_answers_and_goes_to_the_list(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    left = client.post(START, {"answer": "1", "later": "1"}, follow=True)
    assert left.redirect_chain[-1][0] == "/questionnaires/"
    assert "saved" in left.text and "Carry on" in left.text
    assert draft_of(course).answers == {"1": 1}


# --- Failures store nothing ----------------------------------------------------------------------


def _boom(**kwargs: Any) -> None:
    raise RuntimeError("the database went away")


def test_a_failed_send_stores_neither_response_nor_alert(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(course.world.users["parent_a"])
    draft = answer_all(client, AT_THRESHOLD)
    monkeypatch.setattr(alerts, "raise_alert", _boom)
    page = send(client, draft)
    assert page.status_code == 503
    assert feedback.TRY_AGAIN in page.text and 'href="tel:116123"' in page.text
    assert Response.objects.get(pk=draft.pk).status == ResponseStatus.DRAFT
    assert not Response.objects.filter(status=ResponseStatus.SUBMITTED).exists()
    assert not SafetyAlert.objects.exists()
    assert "alert" not in page.text.lower()


def test_a_failed_safety_answer_is_not_kept_and_help_is_shown(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(course.world.users["parent_a"])
    client.post(START, {"answer": "0", "next": "1"})
    draft = draft_of(course)
    monkeypatch.setattr(alerts, "raise_alert", _boom)
    page = client.post(question_path(draft, 2), {"answer": "0", "next": "1"})
    assert page.status_code == 302  # no safety answer: no alert needed, saved
    page = client.post(question_path(draft, 9), {"answer": "1", "next": "1"})
    assert page.status_code == 503 and "116 123" in page.text
    assert "9" not in Response.objects.get(pk=draft.pk).answers
    assert not SafetyAlert.objects.exists()


# --- In class, with a facilitator ----------------------------------------------------------------


def test_a_facilitator_goes_through_it_in_class_and_sees_only_saved(course: Course) -> None:
    facilitator = course.world.users["facilitator_a"]
    client = client_for(facilitator)
    listing = client.get(f"/questionnaires/with/{course.carer.pk}/")
    assert listing.status_code == 200 and "How you have been feeling" in listing.text
    start = f"/questionnaires/with/{course.carer.pk}/phq9/baseline/"
    assert "Answering together with Alex" in client.get(start).text
    draft = answer_all(client, QUESTION_9, start=start)
    assert draft.administered_by == facilitator
    assert "Several days" in client.get(check_path(draft)).text  # answering together
    saved = client.get(send(client, draft)["Location"])
    stored = Response.objects.get(pk=draft.pk)
    assert stored.status == ResponseStatus.SUBMITTED and stored.administered_by == facilitator
    page = saved.text
    assert "<h1>Saved</h1>" in page and 'href="tel:116123"' in page and "999" in page
    assert "Tell the family's health visitor, Hv_A, today." in text_of(page)
    assert_no_score(page, stored)
    assert "Several days" not in page and feedback.REACH_OUT not in page
    assert SafetyAlert.objects.count() == 1


def test_after_a_calm_class_answer_the_facilitator_sees_saved_only(course: Course) -> None:
    client = client_for(course.world.users["facilitator_a"])
    start = f"/questionnaires/with/{course.carer.pk}/phq9/baseline/"
    draft = answer_all(client, AT_THRESHOLD, start=start)
    page = client.get(send(client, draft)["Location"]).text
    assert "<h1>Saved</h1>" in page and "tel:" not in page
    assert_no_score(page, Response.objects.get(pk=draft.pk))


def test_a_parents_own_draft_stays_theirs(course: Course) -> None:
    parent = client_for(course.world.users["parent_a"])
    parent.post(START, {"answer": "2", "next": "1"})
    draft = draft_of(course)
    facilitator = client_for(course.world.users["facilitator_a"])
    listing = facilitator.get(f"/questionnaires/with/{course.carer.pk}/").text
    assert "Started on their own" in listing
    for path in (question_path(draft, 1), check_path(draft), f"/questionnaires/answer/{draft.pk}/"):
        assert facilitator.get(path, follow=True).status_code == 404, path
    # Going through it together in class starts afresh, beside the parent's own answers.
    start = f"/questionnaires/with/{course.carer.pk}/phq9/baseline/"
    first = facilitator.get(start)
    assert first.status_code == 200 and "checked" not in first.text
    facilitator.post(start, {"answer": "0", "next": "1"})
    in_class = Response.objects.get(administered_by=course.world.users["facilitator_a"])
    assert in_class.pk != draft.pk and in_class.answers == {"1": 0}
    draft.refresh_from_db()
    assert draft.answers == {"1": 2} and draft.administered_by is None
    assert facilitator.get(start)["Location"].endswith(f"/questionnaires/answer/{in_class.pk}/")


# --- Who may open what ---------------------------------------------------------------------------


@pytest.fixture
def other_facilitator(world: World) -> Any:
    """A facilitator of provider A on a different run, with family a2 on it."""
    user = factories.make_staff(world.provider_a, Role.FACILITATOR, "facilitator_a_other")
    run = factories.make_run(world.provider_a, venue=world.venue_a, facilitators=[user])
    enrol_family(world, world.families["a2"], run)
    return user


def test_access_for_every_user(course: Course, other_facilitator: Any) -> None:
    world = course.world
    parent = client_for(world.users["parent_a"])
    parent.post(START, {"answer": "0", "next": "1"})
    own_draft = draft_of(course)
    with_a1 = f"/questionnaires/with/{course.carer.pk}/"
    start_a1 = f"{with_a1}phq9/baseline/"
    parent_pages = [question_path(own_draft, 2), check_path(own_draft)]
    for name in ("parent_a2", "parent_b", "hv_a", "hv_a2", "manager_a", "manager_b", "hv_b"):
        client = client_for(world.users[name])
        for path in [*parent_pages, with_a1, start_a1]:
            assert client.get(path).status_code == 404, (name, path)
    admin = client_for(world.admin)
    assert admin.get(with_a1).status_code == 404
    other = client_for(other_facilitator)
    assert other.get(with_a1).status_code == 404
    assert other.get(start_a1).status_code == 404
    a2_carer = world.families["a2"].carers.get()
    assert other.get(f"/questionnaires/with/{a2_carer.pk}/").status_code == 200
    facilitator = client_for(world.users["facilitator_a"])
    assert facilitator.get(f"/questionnaires/with/{a2_carer.pk}/").status_code == 404
    assert parent.get(with_a1).status_code == 404  # a parent does not use the class pages
    # A parent with nothing due has nothing to start.
    assert client_for(world.users["parent_b"]).get(START).status_code == 404
    assert Client().get("/questionnaires/").status_code == 302


def test_another_family_cannot_open_a_thank_you_or_resend(course: Course) -> None:
    parent = client_for(course.world.users["parent_a"])
    draft = answer_all(parent, CALM)
    client_id = uuid.uuid4()
    done = send(parent, draft, client_id)["Location"]
    other = client_for(course.world.users["parent_a2"])
    assert other.get(done).status_code == 404
    assert send(other, draft, client_id).status_code == 404
    assert client_for(course.world.users["facilitator_a"]).get(done).status_code == 404


# --- Nothing kept in the browser, bounded queries -----------------------------------------------


def test_no_answer_data_in_any_header_or_cookie(course: Course) -> None:
    client = client_for(course.world.users["parent_a"])
    seen: list[Any] = []
    seen.append(client.post(START, {"answer": "3", "next": "1"}))
    draft = draft_of(course)
    for number, value in enumerate(QUESTION_9[1:], start=2):
        seen.append(client.post(question_path(draft, number), {"answer": value, "next": "1"}))
        seen.append(client.get(question_path(draft, number)))
    seen.append(client.post(question_path(draft, 10), {"answer": "1", "later": "1"}))
    seen.append(client.get(check_path(draft)))
    sent = send(client, draft)
    seen += [sent, client.get(sent["Location"])]
    option_words = LABELS + tuple(o.label for o in phq9().items[-1].options)
    for response in seen:
        if response.status_code == 200:
            assert response["Cache-Control"] == "no-store"
        for name, value in response.headers.items():
            assert not any(word in value for word in option_words), name
            assert "answer=" not in value and '"1"' not in value, name
        for morsel in response.cookies.values():
            assert not any(word in morsel.value for word in option_words), morsel.key
            assert "answer=" not in morsel.value
    assert set(client.cookies) <= {"sessionid", "csrftoken", "messages"}


def test_pages_make_a_bounded_number_of_queries(
    course: Course, django_assert_max_num_queries: Any
) -> None:
    client = client_for(course.world.users["parent_a"])
    with django_assert_max_num_queries(15):
        client.get(START)
    with django_assert_max_num_queries(30):
        client.post(START, {"answer": "0", "next": "1"})
    draft = draft_of(course)
    for path, most in ((question_path(draft, 2), 8), (check_path(draft), 8),
                       ("/questionnaires/", 15), ("/", 30)):  # fmt: skip
        with django_assert_max_num_queries(most):
            assert client.get(path).status_code == 200
    with django_assert_max_num_queries(15):
        client.post(question_path(draft, 2), {"answer": "0", "next": "1"})
    facilitator = client_for(course.world.users["facilitator_a"])
    with django_assert_max_num_queries(20):
        assert facilitator.get(f"/questionnaires/with/{course.carer.pk}/").status_code == 200


# --- Rules behind the pages ----------------------------------------------------------------------


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_help_lines_keep_every_word_and_link_only_phone_numbers(line: str) -> None:
    [parts] = flow.help_parts([line])
    assert "".join(part.text for part in parts) == line
    for part in parts:
        if part.tel:
            assert part.tel == part.text.replace(" ", "")
            assert part.tel.isascii() and part.tel.isdigit() and len(part.tel) >= 3


def test_help_lines_link_the_default_numbers() -> None:
    lines = flow.help_parts(feedback.default_help("Hana"))
    tels = [part.tel for line in lines for part in line if part.tel]
    assert tels == ["111", "111", "116123", "999"]


@given(st.sets(st.integers(min_value=1, max_value=10)))
def test_carrying_on_starts_at_the_first_question_still_to_answer(answered: set[int]) -> None:
    instrument = phq9()
    answers = {str(number): 0 for number in answered}
    number = flow.resume_number(instrument, answers)
    missing = [item.number for item in instrument.scored_items if item.number not in answered]
    if missing:
        assert number == missing[0]
    else:  # only the optional last question may be left: offered once, then the check page
        assert number == (None if 10 in answered else 10)
