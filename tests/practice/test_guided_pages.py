"""The readiness check page and the guided session page (the browser tests drive the JS)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nurture.accounts.models import ProgrammeRules
from nurture.curriculum import loader
from nurture.curriculum import services as curriculum_services
from nurture.families.models import Baby
from nurture.practice.engine import Session
from nurture.practice.models import PracticeSession
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

CALM = {
    "routine": "this-week",
    "state": "quiet-alert",
    "setting": ["warm", "quiet", "oil", "towel", "phone"],
}


@pytest.fixture(autouse=True)
def curriculum(db: Any) -> None:
    curriculum_services.load_curriculum(actor=None, content=loader.read_content())


def baby_of(world: World, family: str = "a1") -> Baby:
    return world.families[family].babies.select_related("family").get()


def on_week_five(world: World) -> None:
    """Family a1 takes a place on a course whose five sessions have all been held."""
    from datetime import timedelta

    from nurture.allocation import places
    from nurture.courses.models import Offer
    from nurture.courses.models import Session as CourseSession
    from tests import factories

    run = factories.make_run(world.provider_a, venue=world.venue_a)
    referral = factories.make_referral(baby_of(world))
    places.accept_offer(actor=None, offer=Offer.objects.get(referral=referral, run=run))
    for session in CourseSession.objects.filter(run=run):
        session.starts_at -= timedelta(days=60)
        session.save()


def check_url(baby: Baby) -> str:
    return reverse("practice:check", kwargs={"baby_id": baby.pk})


def guided_url(baby: Baby) -> str:
    return reverse("practice:guided", kwargs={"baby_id": baby.pk})


def guide_config(response: Any) -> dict[str, Any]:
    text = response.content.decode()
    start = text.index('<script id="guide-config" type="application/json">') + len(
        '<script id="guide-config" type="application/json">'
    )
    config: dict[str, Any] = json.loads(text[start : text.index("</script>", start)])
    return config


def test_a_calm_baby_in_a_ready_room_goes_straight_to_the_guided_session(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    page = client.get(check_url(baby))
    assert page.status_code == 200 and "Is now a good time" in page.text
    response = client.post(check_url(baby), CALM)
    assert response.status_code == 302 and response["Location"] == guided_url(baby)
    guided = client.get(guided_url(baby))
    assert guided.status_code == 200
    config = guide_config(guided)
    start = config["table"]["nodes"][config["table"]["start"]]
    assert start["step"]["kind"] == "baby-state"
    assert config["engine"]["events"][0]["kind"] == "readiness"
    assert config["api"].endswith(f"/babies/{baby.pk}/practice-sessions")
    Session.from_dict(config["engine"])  # the page's starting record replays
    assert "js/guided.js" in guided.text and "Stop the massage" in guided.text


def test_the_guided_page_needs_a_passed_check_first(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    response = client.get(guided_url(baby))
    assert response.status_code == 302 and response["Location"] == check_url(baby)


@pytest.mark.parametrize(
    ("answers", "verdict", "words"),
    [
        ({"unwell": "on"}, "defer", "Not today"),
        ({"feverish": "on"}, "defer", "NHS 111"),
        ({"since_immunisation": "24"}, "defer", "immunisations"),
        ({"since_feed": "10"}, "wait", "Let's wait"),
        ({"state": "deep-sleep"}, "wait", "never wake"),
        ({"hungry": "on"}, "wait", "Feed them first"),
    ],
)
def test_a_check_that_says_wait_or_not_today_explains_why_and_does_not_start(
    world: World, answers: dict[str, str], verdict: str, words: str
) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    response = client.post(check_url(baby), {**CALM, **answers})
    assert response.status_code == 200
    assert f"readiness--{verdict}" in response.text and words in response.text
    assert client.get(guided_url(baby)).status_code == 302


def test_a_later_not_today_cancels_an_earlier_pass(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    assert client.post(check_url(baby), CALM).status_code == 302
    assert client.get(guided_url(baby)).status_code == 200
    assert "readiness--defer" in client.post(check_url(baby), {**CALM, "feverish": "on"}).text
    response = client.get(guided_url(baby))
    assert response.status_code == 302 and response["Location"] == check_url(baby)


def test_skipped_areas_are_named_and_left_out_of_the_session(world: World) -> None:
    on_week_five(world)
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    response = client.post(check_url(baby), {**CALM, "cord_not_healed": "on"})
    assert response.status_code == 302
    config = guide_config(client.get(guided_url(baby)))
    start = config["table"]["nodes"]["n0"]
    assert "leave out: Tummy" in start["step"]["notice"]
    plan_areas = [area["id"] for area in config["engine"]["plan"]["areas"]]
    strokes_areas = {
        node["step"]["area"] for node in config["table"]["nodes"].values() if node["step"]["area"]
    }
    assert "tummy" in plan_areas and "tummy" not in strokes_areas


def test_the_providers_feed_wait_is_used(world: World) -> None:
    ProgrammeRules.objects.create(provider=world.provider_a, feed_minutes=60)
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    response = client.post(check_url(baby), {**CALM, "since_feed": "45"})
    assert "readiness--wait" in response.text and "wait 15 minutes" in response.text
    ProgrammeRules.objects.filter(provider=world.provider_a).update(feed_minutes=30)
    assert client.post(check_url(baby), {**CALM, "since_feed": "45"}).status_code == 302


def test_an_unready_room_is_a_gentle_reminder_not_a_block(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    response = client.post(check_url(baby), {**CALM, "setting": ["warm"]})
    assert response.status_code == 200
    assert "phone on silent" in response.text and "Begin the massage" in response.text
    assert client.get(guided_url(baby)).status_code == 200


@pytest.mark.parametrize("routine", ["bedtime", "colic-relief", "nonsense"])
def test_routines_the_course_has_introduced_can_be_chosen(world: World, routine: str) -> None:
    on_week_five(world)
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    response = client.post(check_url(baby), {**CALM, "routine": routine})
    if routine == "nonsense":
        assert response.status_code == 200 and "field--error" in response.text
        return
    assert response.status_code == 302
    config = guide_config(client.get(guided_url(baby)))
    assert config["routine"]["slug"] == routine
    if routine == "colic-relief":
        (area,) = config["engine"]["plan"]["areas"]
        assert area["id"] == "tummy" and len(area["strokes"]) == 12  # four strokes, three times


def test_a_family_not_yet_on_a_course_starts_with_week_one(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    page = client.get(check_url(baby))
    assert "routine (week 1)" in page.text and "Colic relief" not in page.text
    client.post(check_url(baby), CALM)
    config = guide_config(client.get(guided_url(baby)))
    assert [area["id"] for area in config["engine"]["plan"]["areas"]] == ["legs-and-feet"]
    on_week_five(world)
    assert "Everything you have learnt" in client.get(check_url(baby)).text


@pytest.mark.parametrize(
    "name", ["admin", "manager_a", "hv_a", "facilitator_a", "parent_a2", "parent_b"]
)
def test_only_the_babys_own_carers_may_practise(world: World, name: str) -> None:
    baby = baby_of(world)
    client = client_for(world.users[name])
    for url in (check_url(baby), guided_url(baby)):
        assert client.get(url).status_code in (403, 404)
    assert client.post(check_url(baby), CALM).status_code in (403, 404)
    assert not PracticeSession.objects.exists()


def test_signed_out_people_are_sent_to_log_in(world: World) -> None:
    response = Client().get(check_url(baby_of(world)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_guided_page_makes_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    client.post(check_url(baby), CALM)
    with django_assert_max_num_queries(25):
        assert client.get(guided_url(baby)).status_code == 200


def add_history(world: World, baby: Baby, count: int) -> None:
    """``count`` sessions of 30 cue events each, written directly (fast)."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from nurture.practice.models import CueEvent

    carer = world.families["a1"].carers.get(user=world.users["parent_a"])
    start = timezone.now() - timedelta(days=count)
    sessions = PracticeSession.objects.bulk_create(
        PracticeSession(
            id=uuid.uuid4(), baby=baby, carer=carer, outcome="completed",
            started_at=start + timedelta(days=n), ended_at=start + timedelta(days=n, minutes=10),
        )
        for n in range(count)
    )  # fmt: skip
    CueEvent.objects.bulk_create(
        CueEvent(
            id=uuid.uuid4(), session=session, sequence=k + 1, step=f"stroke:legs-and-feet:{k}",
            area="legs-and-feet", stroke="legs-indian-milking", cue="happy", at=session.started_at,
        )
        for session in sessions
        for k in range(30)
    )  # fmt: skip


def test_the_parents_home_page_makes_the_same_queries_whatever_the_history(
    world: World, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    baby, client = baby_of(world), client_for(world.users["parent_a"])
    add_history(world, baby, 3)
    with CaptureQueriesContext(connection) as small:
        first = client.get("/")
    assert "has enjoyed" in first.text and "Indian milking" in first.text
    add_history(world, baby, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Start a massage with" in client.get("/").text


def guide_api(client: Any, baby: Baby, **body: Any) -> Any:
    return client.post(f"/api/v1/babies/{baby.pk}/guide", body, content_type="application/json")


def test_the_api_starts_a_guided_session_that_an_app_can_walk_and_send(world: World) -> None:
    from tests.conftest import api_client_for

    baby, client = baby_of(world), api_client_for(world.users["parent_a"])
    response = guide_api(client, baby)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["readiness"]["verdict"] == "go" and body["choices"][0]["slug"] == "this-week"
    guide = body["guide"]
    table, record = guide["table"], guide["engine"]
    node, events = table["nodes"][table["start"]], list(record["events"])
    cues = []
    for kind, value in (
        [("baby-state", "quiet-alert"), ("permission", "engaged")]
        + [("cue", "comfortable")] * 2
        + [("cue", "stress")]
    ):
        step = node["step"]
        events.append(
            {"seq": len(events) + 1, "kind": kind, "step": step["kind"], "area": step["area"],
             "stroke": step["stroke"], "stroke_index": step["stroke_index"], "value": value,
             "details": None, "readiness": None, "at": None}
        )  # fmt: skip
        if kind == "cue":
            cues.append(
                {"id": str(uuid.uuid4()), "sequence": len(events), "step": step["id"],
                 "area": step["area"], "stroke": step["stroke"], "cue": guide["taps"][value],
                 "at": timezone.now().isoformat()}
            )  # fmt: skip
        edge = f"{kind}:{value}"
        node = table["nodes"][node["edges"][edge]]
    assert node["step"]["kind"] == "stop-and-tend" and node["outcome"]["reason"] == "stress"
    now = timezone.now()
    sent = client.post(
        f"/api/v1/babies/{baby.pk}/practice-sessions",
        {"id": str(uuid.uuid4()), "started_at": (now - timedelta(minutes=5)).isoformat(),
         "ended_at": now.isoformat(), "engine": {**record, "events": events}, "events": cues},
        content_type="application/json",
    )  # fmt: skip
    assert sent.status_code == 201, sent.content
    assert (sent.json()["outcome"], sent.json()["stop_reason"]) == ("stopped", "stress")


def test_the_api_guide_waits_refuses_unknown_routines_and_other_families(world: World) -> None:
    from tests.conftest import api_client_for

    baby, client = baby_of(world), api_client_for(world.users["parent_a"])
    waiting = guide_api(client, baby, minutes_since_feed=5).json()
    assert waiting["readiness"]["verdict"] == "wait" and waiting["guide"] is None
    bad = guide_api(client, baby, routine="nonsense")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "routine"
    other = guide_api(api_client_for(world.users["parent_b"]), baby)
    assert other.status_code == 404


def test_the_guide_carries_cautions_and_the_routines_notes(world: World) -> None:
    on_week_five(world)
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    client.post(check_url(baby), {**CALM, "routine": "bedtime"})
    page = client.get(guided_url(baby))
    config = guide_config(page)
    back = config["strokes"]["back"]
    assert "Turn your baby onto their tummy" in back[0]["note"]
    assert back[0]["area_cautions"] and "area_cautions" in config["strokes"]["legs-and-feet"][0]
    client.post(check_url(baby), {**CALM, "routine": "colic-relief"})
    colic = client.get(guided_url(baby))
    assert "Before you start" in colic.text and "Always stroke clockwise" in colic.text
