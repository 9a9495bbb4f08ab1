"""The parent's insights page and the home page summary: plain words, charts with a text
alternative, "not enough yet", access (another family or any staff role: 404) and a constant
number of queries whatever the history."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nurture.families.models import Baby
from nurture.practice.models import CueEvent, PracticeSession
from tests.conftest import World, client_for
from tests.practice.test_insights import (
    LEGS,
    MILKING,
    baby_of,
    curriculum,  # noqa: F401 (a fixture)
    diary_history,
    ten_sessions,
    three_sessions,
)

pytestmark = pytest.mark.django_db


def insights_url(baby: Baby) -> str:
    return f"/practice/{baby.pk}/insights/"


def text_of(page: str) -> str:
    """The page's words, tags dropped and spaces squeezed, to match sentences."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def add_history(baby: Baby, count: int, cues_each: int = 10) -> None:
    carer = baby.family.carers.get()
    start = timezone.now() - timedelta(days=count)
    sessions = PracticeSession.objects.bulk_create(
        PracticeSession(
            id=uuid.uuid4(), baby=baby, carer=carer, outcome="completed",
            readiness={"verdict": "go", "since_feed_minutes": 45},
            started_at=start + timedelta(hours=7 * n),
            ended_at=start + timedelta(hours=7 * n, minutes=10),
        )
        for n in range(count)
    )  # fmt: skip
    CueEvent.objects.bulk_create(
        CueEvent(
            id=uuid.uuid4(), session=session, sequence=k + 1, step=f"stroke:{LEGS}:{k}",
            area=LEGS, stroke=MILKING, cue="happy" if k % 5 else "not_sure",
            at=session.started_at,
        )
        for session in sessions
        for k in range(cues_each)
    )  # fmt: skip


@pytest.mark.usefixtures("curriculum")
def test_the_page_shows_each_insight_in_words_charts_and_tables(world: World) -> None:
    baby = baby_of(world)
    three_sessions(baby)

    response = client_for(world.users["parent_a"]).get(insights_url(baby))

    assert response.status_code == 200
    page = text_of(response.text)
    assert "What helps Robin" in page
    assert (
        "Water wheel looks like a favourite: Robin seemed happy for 4 of the 5 moments you "
        "tapped (80%)." in page
    )
    # Charts with a title and a description, and the same numbers in a table.
    assert response.text.count("<svg") == 3  # strokes, areas, weeks
    assert '<title id="insights-strokes-title">How Robin seemed during each stroke</title>' in (
        response.text
    )
    assert "Water wheel: happy 4, not sure 1, upset 0 of 5 cues (80% happy)" in page
    assert "Water wheel 4 1 0 5 80%" in page and "Indian milking 8 1 1 10 80%" in page
    assert "Tried, but not enough cues yet to say (each needs 5): Pit stop." in page
    # Each figure says how it is worked out.
    assert page.count("How we work this out:") == 1 + 2 + 1 + 3  # enjoys, times, weeks, diary
    assert "not proof that massage caused them" in page
    # Not enough yet for best times (one session was stopped, one had upset cues) or the diary.
    assert "We need at least 3 calm sessions to compare; so far there is 1." in page
    assert "Night sleep, before and after massage began: not enough yet." in page


def test_best_times_on_the_page(world: World) -> None:
    baby = baby_of(world)
    ten_sessions(baby)

    response = client_for(world.users["parent_a"]).get(insights_url(baby))

    page = text_of(response.text)
    assert "Robin's calm sessions were most often in the morning: 3 of 5." in page
    assert "Morning (6am to noon) 3 3 30% 60%" in page
    assert "Half an hour to an hour after a feed 2 2 40% 50%" in page
    assert 'id="insights-time-of-day"' in response.text
    assert 'id="insights-after-feed"' in response.text


def test_diary_comparisons_on_the_page(world: World) -> None:
    baby = baby_of(world)
    diary_history(baby)

    response = client_for(world.users["parent_a"]).get(insights_url(baby))

    page = text_of(response.text)
    assert (
        "Over the last 12 weeks, on days with a massage, Robin slept 11 hours a night on "
        "average; on other days, 9.8." in page
    )
    assert "Days with a massage 11 hours 3" in page and "Other days 9.8 hours 3" in page
    assert "4 weeks before massage began 9.5 hours 3" in page
    assert 'id="insights-sleep"' in response.text and 'id="insights-crying"' not in response.text
    assert "Crying, on days with and without a massage: not enough yet." in page


def test_a_new_baby_page_says_not_enough_yet(world: World) -> None:
    baby = baby_of(world)
    response = client_for(world.users["parent_a"]).get(insights_url(baby))
    page = text_of(response.text)
    assert response.status_code == 200
    assert "After 3 more sessions we can start to show what Robin enjoys." in page
    assert response.text.count("<svg") == 1  # only sessions each week, all at 0
    assert "0 sessions in the last 12 weeks, 0 of them this week." in page


@pytest.mark.parametrize(
    "who", ["parent_a2", "parent_b", "admin", "manager_a", "hv_a", "facilitator_a"]
)
def test_another_family_and_staff_get_a_404(world: World, who: str) -> None:
    baby = baby_of(world)
    three_sessions(baby)
    assert client_for(world.users[who]).get(insights_url(baby)).status_code == 404


def test_an_unknown_baby_is_a_404_and_signing_in_comes_first(world: World) -> None:
    client = client_for(world.users["parent_a"])
    assert client.get(f"/practice/{uuid.uuid4()}/insights/").status_code == 404
    from django.test import Client

    response = Client().get(insights_url(baby_of(world)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_log_and_diary_link_to_the_insights(world: World) -> None:
    baby = baby_of(world)
    page = client_for(world.users["parent_a"]).get(f"/practice/{baby.pk}/log/").text
    assert f'href="{insights_url(baby)}"' in page and "What helps Robin" in page


@pytest.mark.usefixtures("curriculum")
def test_the_page_makes_the_same_queries_whatever_the_history(
    world: World, django_assert_max_num_queries: Any
) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    add_history(baby, 4)
    diary_history(baby)
    with CaptureQueriesContext(connection) as short:
        assert client.get(insights_url(baby)).status_code == 200
    add_history(baby, 400)
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(insights_url(baby))
    assert "Indian milking looks like a favourite" in text_of(response.text)


# --- The home page ----------------------------------------------------------------------------


@pytest.mark.usefixtures("curriculum")
def test_the_home_page_shows_the_top_strokes_as_a_chart_with_a_link(world: World) -> None:
    baby = baby_of(world)
    three_sessions(baby)

    response = client_for(world.users["parent_a"]).get("/")

    page = text_of(response.text)
    assert "What Robin has enjoyed" in page
    assert f'id="home-enjoyed-{baby.pk}"' in response.text
    assert "Water wheel (happy for 4 of 5 cues, 80%)" in page
    assert "Indian milking (happy for 8 of 10 cues, 80%)" in page
    assert "Pit stop" not in page  # too few cues to rank
    assert f'href="{insights_url(baby)}"' in response.text and "See what helps Robin" in page


def test_the_home_page_waits_for_three_sessions(world: World) -> None:
    baby = baby_of(world)
    add_history(baby, 2)
    page = text_of(client_for(world.users["parent_a"]).get("/").text)
    assert "has enjoyed" not in page and "See what helps Robin" in page


@pytest.mark.usefixtures("curriculum")
def test_the_home_page_makes_the_same_queries_whatever_the_history(
    world: World, django_assert_max_num_queries: Any
) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    add_history(baby, 4)
    with CaptureQueriesContext(connection) as short:
        assert "What Robin has enjoyed" in text_of(client.get("/").text)
    add_history(baby, 400)
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert "What Robin has enjoyed" in text_of(client.get("/").text)
