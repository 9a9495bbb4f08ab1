"""The parent's practice log, session page and one-tap diary: who logged what, plain words,
cue counts from the database, one entry per client id, form errors, access and queries."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nurture.accounts.models import User
from nurture.curriculum import loader
from nurture.curriculum import services as curriculum_services
from nurture.families import services as family_services
from nurture.families.models import Baby
from nurture.practice import services
from nurture.practice.models import DiaryEntry, PracticeSession
from tests import factories
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

LEGS, TUMMY_AREA = "legs-and-feet", "tummy"
MILKING = "legs-indian-milking"


@pytest.fixture
def curriculum(db: Any) -> None:
    curriculum_services.load_curriculum(actor=None, content=loader.read_content())


@pytest.fixture
def partner(world: World) -> User:
    """A second carer of family a1 with a login of their own."""
    user = factories.make_user("partner_a")
    carer = family_services.carer_add(
        actor=None,
        family=world.families["a1"],
        details=family_services.CarerDetails(
            given_name="Jordan", family_name="Example", email="jordan@example.org"
        ),
    )
    family_services.carer_link_login(actor=None, carer=carer, user=user)
    return user


def baby_of(world: World) -> Baby:
    return world.families["a1"].babies.select_related("family").get()


def save_session(
    user: User,
    baby: Baby,
    *,
    cues: tuple[str, ...] = ("happy", "happy"),
    outcome: str = "completed",
    stop_reason: str = "",
    started_at: datetime | None = None,
    areas: tuple[str, ...] = (LEGS,),
    notes: str = "",
    details: dict[int, dict[str, Any]] | None = None,
    steps: dict[int, str] | None = None,
) -> PracticeSession:
    start = started_at or timezone.now() - timedelta(hours=1)
    events = [
        services.CueEventData(
            id=uuid.uuid4(),
            sequence=number,
            step=(steps or {}).get(number, f"stroke:0:{number - 1}"),
            area=LEGS,
            stroke=MILKING,
            cue=cue,
            at=start + timedelta(minutes=number),
            details=(details or {}).get(number, {}),
        )
        for number, cue in enumerate(cues, start=1)
    ]
    session, _ = services.session_save(
        actor=user,
        baby=baby,
        data=services.SessionData(
            id=uuid.uuid4(),
            started_at=start,
            ended_at=start + timedelta(minutes=12, seconds=20),
            outcome=outcome,
            stop_reason=stop_reason,
            areas=list(areas),
            strokes=[MILKING],
            notes=notes,
            events=events,
        ),
    )
    return session


def log_url(baby: Baby) -> str:
    return f"/practice/{baby.pk}/log/"


def diary_url(baby: Baby) -> str:
    return f"/diary/{baby.pk}/"


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces squeezed, to match sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The practice log ---------------------------------------------------------------------


def test_the_log_shows_each_session_with_who_logged_it_and_plain_words(
    world: World, partner: User, curriculum: None
) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    now = timezone.now()
    save_session(
        parent,
        baby,
        cues=("happy", "not_sure", "happy", "upset"),
        outcome="stopped",
        stop_reason="stress",
        started_at=now - timedelta(days=2),
        areas=(LEGS, TUMMY_AREA),
        notes="Loved her feet done",
    )
    save_session(partner, baby, outcome="paused_and_resumed", started_at=now - timedelta(days=1))
    save_session(
        partner,
        baby,
        cues=(),
        outcome="stopped",
        stop_reason="ended_early",
        areas=("unknown-area",),
        started_at=now - timedelta(hours=2),
    )

    response = client_for(parent).get(log_url(baby))

    assert response.status_code == 200
    page = text_of(response.text)
    # Latest first, each naming the carer who logged it.
    assert page.index("Ended early") < page.index("Paused, then carried on")
    assert page.index("Paused, then carried on") < page.index("Stopped to comfort your baby")
    assert page.count("Logged by Jordan") == 2 and page.count("Logged by Alex") == 1
    assert "Legs and feet, Tummy" in page
    assert "Unknown area" in page
    assert "12 minutes" in page
    assert "Loved her feet done" in page
    assert "2 happy 1 not sure 1 upset" in page
    assert "0 happy 0 not sure 0 upset" in page


@pytest.mark.parametrize(
    ("outcome", "stop_reason", "cues", "words"),
    [
        ("completed", "", ("happy",), "Completed"),
        ("paused_and_resumed", "", ("not_sure", "happy"), "Paused, then carried on"),
        ("stopped", "stress", ("upset",), "Stopped to comfort your baby"),
        ("stopped", "not_now", (), "Stopped: your baby said not now"),
        ("stopped", "deferred", (), "Stopped: it was not a good time today"),
        ("stopped", "parent_stopped", ("happy",), "Stopped when it felt right to stop"),
        ("stopped", "ended_early", ("not_sure", "not_sure"), "Ended early"),
    ],
)
def test_how_a_session_ended_is_in_plain_words(
    world: World, outcome: str, stop_reason: str, cues: tuple[str, ...], words: str
) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    session = save_session(parent, baby, cues=cues, outcome=outcome, stop_reason=stop_reason)
    for url in (log_url(baby), f"{log_url(baby)}{session.pk}/"):
        page = text_of(client_for(parent).get(url).text)
        assert f"How it ended {words}" in page
        assert "stopped_" not in page and "paused_and" not in page


def test_the_log_pages_twenty_sessions_at_a_time(world: World) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    start = timezone.now() - timedelta(days=30)
    for number in range(21):
        save_session(parent, baby, started_at=start + timedelta(days=number))
    client = client_for(parent)

    first = client.get(log_url(baby))
    second = client.get(log_url(baby), {"page": 2})
    beyond = client.get(log_url(baby), {"page": "nonsense"})

    assert first.text.count('class="card session-log__item"') == 20
    assert "Page 1 of 2" in first.text and "?page=2" in first.text
    assert second.text.count('class="card session-log__item"') == 1
    # A whole date, so "7 November" is not found inside "27 November".
    oldest = re.compile(rf"(?<!\d){timezone.localtime(start):%-d %B %Y}")
    assert oldest.search(second.text) and not oldest.search(first.text)
    assert beyond.status_code == 200 and "Page 1 of 2" in beyond.text


def test_an_empty_log_has_a_warm_line_and_a_way_to_start(world: World) -> None:
    baby = baby_of(world)
    response = client_for(world.users["parent_a"]).get(log_url(baby))
    assert response.status_code == 200
    assert "Nothing here yet" in response.text
    assert f'href="/practice/{baby.pk}/check/"' in response.text


def test_the_session_page_lists_every_cue_event_in_order_in_plain_words(
    world: World, partner: User, curriculum: None
) -> None:
    baby = baby_of(world)
    session = save_session(
        partner,
        baby,
        cues=("happy", "not_sure", "upset"),
        outcome="stopped",
        stop_reason="stress",
        details={
            1: {"signs": ["smiling", "looking-at-you"]},
            2: {"signs": ["yawning"]},
            3: {"signs": ["crying"], "crying_reason": "tired"},
        },
        steps={2: "pause:0:1"},
        notes="Too sleepy today",
    )

    response = client_for(world.users["parent_a"]).get(f"{log_url(baby)}{session.pk}/")

    assert response.status_code == 200
    page = text_of(response.text)
    assert "Logged by Jordan" in page
    assert "Strokes: Indian milking" in page
    assert page.count("Legs and feet, Indian milking") == 3
    assert "A pause with resting hands (Legs and feet, Indian milking)" in page
    happy, unsure, upset = (page.index(f" {cue} ") for cue in ("Happy", "Not sure", "Upset"))
    assert happy < unsure < upset
    assert "Signs: Smiling, Looking at your face" in page
    assert "Signs: Yawning" in page
    assert "Why they may have cried: Tired" in page
    assert "1 happy 1 not sure 1 upset" in page
    assert "Too sleepy today" in page


def test_another_babys_session_is_not_found_under_this_baby(world: World) -> None:
    twins = factories.make_family(
        world.provider_a,
        parent=factories.make_user("twin_parent"),
        carer_name="Tam",
        babies=[
            ("One", timezone.localdate() - timedelta(weeks=9), None),
            ("Two", timezone.localdate() - timedelta(weeks=9), None),
        ],
    )
    one, two = twins.babies.select_related("family").order_by("given_name")
    parent = User.objects.get(username="twin_parent")
    session = save_session(parent, one)
    client = client_for(parent)
    assert client.get(f"{log_url(one)}{session.pk}/").status_code == 200
    assert client.get(f"{log_url(two)}{session.pk}/").status_code == 404
    assert client.get(f"{log_url(one)}{uuid.uuid4()}/").status_code == 404


# --- The diary --------------------------------------------------------------------------


def post_entry(client: Client, baby: Baby, kind: str, **values: Any) -> Any:
    data = {
        "kind": kind,
        f"{kind}-client_id": str(values.pop("client_id", uuid.uuid4())),
        f"{kind}-date": str(values.pop("date", timezone.localdate())),
        f"{kind}-note": values.pop("note", ""),
    }
    data.update({f"{kind}-{name}": value for name, value in values.items()})
    return client.post(diary_url(baby), data)


@pytest.mark.parametrize(
    ("kind", "posted", "stored"),
    [
        (
            "sleep",
            {"night_sleep_hours": "6.5", "settling": "4"},
            {"night_sleep_hours": Decimal("6.5"), "settling": 4},
        ),
        ("sleep", {"night_sleep_hours": "10.0"}, {"night_sleep_hours": 10, "settling": None}),
        ("sleep", {"settling": "1"}, {"night_sleep_hours": None, "settling": 1}),
        ("tummy", {"tummy": "colic"}, {"tummy": "colic"}),
        ("crying", {"crying_minutes": "60"}, {"crying_minutes": 60}),
        ("feed", {"feeds": "7"}, {"feeds": 7}),
        ("mood", {"mood": "2"}, {"mood": 2}),
    ],
)
def test_each_kind_of_diary_entry_is_stored_with_its_fields(
    world: World, kind: str, posted: dict[str, str], stored: dict[str, Any]
) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    yesterday = timezone.localdate() - timedelta(days=1)
    client = client_for(parent)

    response = post_entry(client, baby, kind, date=yesterday, note=" Rough night ", **posted)

    assert response.status_code == 302 and response["Location"] == diary_url(baby)
    entry = DiaryEntry.objects.get()
    assert (entry.kind, entry.date, entry.note, entry.baby) == (
        kind,
        yesterday,
        "Rough night",
        baby,
    )
    assert entry.carer.user == parent
    for name, value in stored.items():
        assert getattr(entry, name) == value, name
    others = {"night_sleep_hours", "settling", "crying_minutes", "feeds", "mood"} - set(stored)
    assert all(getattr(entry, name) is None for name in others)
    assert entry.tummy == stored.get("tummy", "")
    page = client.get(response["Location"])
    assert "Saved. Thank you, Alex." in page.text


def test_the_same_client_id_twice_stores_once(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    client_id = uuid.uuid4()
    first = post_entry(client, baby, "mood", mood="4", client_id=client_id)
    again = post_entry(client, baby, "mood", mood="4", client_id=client_id)
    assert first.status_code == again.status_code == 302
    assert DiaryEntry.objects.count() == 1
    assert DiaryEntry.objects.get().pk == client_id


def test_each_page_load_gives_each_form_a_fresh_client_id(world: World) -> None:
    baby, client = baby_of(world), client_for(world.users["parent_a"])
    ids = [
        set(
            re.findall(
                r'name="\w+-client_id" value="([0-9a-f-]{36})"', client.get(diary_url(baby)).text
            )
        )
        for _ in range(2)
    ]
    assert len(ids[0]) == len(ids[1]) == 5
    assert not ids[0] & ids[1]


@pytest.mark.parametrize(
    ("kind", "values", "field", "message"),
    [
        ("mood", {"mood": "7"}, "mood", "Choose one of the five faces."),
        ("mood", {}, "mood", "Choose one of the five faces."),
        ("tummy", {}, "tummy", "Choose wind, colic or constipation."),
        ("tummy", {"tummy": "nappy"}, "tummy", "Choose wind, colic or constipation."),
        ("crying", {"crying_minutes": "45"}, "crying_minutes", "Choose one of the four"),
        ("feed", {"feeds": "-1"}, "feeds", "greater than or equal to 0"),
        ("feed", {}, "feeds", "Add how many feeds."),
        ("sleep", {}, "night_sleep_hours", "Add the hours slept, how settling went, or both."),
        ("sleep", {"night_sleep_hours": "15.0"}, "night_sleep_hours", "valid choice"),
        (
            "mood",
            {"mood": "3", "date": timezone.localdate() + timedelta(days=1)},
            "date",
            "Choose today or an earlier day.",
        ),
        (
            "mood",
            {"mood": "3", "date": timezone.localdate() - timedelta(days=32)},
            "date",
            "Choose a day in the last 31 days.",
        ),
        ("mood", {"mood": "3", "date": "not a day"}, "date", "Enter a valid date."),
    ],
)
def test_bad_diary_input_is_a_form_error_and_stores_nothing(
    world: World, kind: str, values: dict[str, Any], field: str, message: str
) -> None:
    baby = baby_of(world)
    response = post_entry(client_for(world.users["parent_a"]), baby, kind, **values)
    assert response.status_code == 200
    assert "Please check the details below" in response.text
    assert message in response.text
    assert f'href="#id_{kind}-{field}"' in response.text
    assert not DiaryEntry.objects.exists()


def test_a_date_error_opens_the_hidden_day_box(world: World) -> None:
    future = timezone.localdate() + timedelta(days=3)
    response = post_entry(
        client_for(world.users["parent_a"]), baby_of(world), "mood", mood="3", date=future
    )
    assert re.search(r'<details class="diary-card__more" open>', response.text)
    assert 'name="mood-date" value="' + str(future) in response.text


def test_an_unknown_kind_or_a_client_id_used_elsewhere_is_turned_away_gently(
    world: World,
) -> None:
    baby, parent_b = baby_of(world), world.users["parent_b"]
    other = world.families["b1"].babies.select_related("family").get()
    taken = uuid.uuid4()
    post_entry(client_for(parent_b), other, "mood", mood="3", client_id=taken)
    client = client_for(world.users["parent_a"])

    unknown = client.post(diary_url(baby), {"kind": "nappy"})
    assert unknown.status_code == 302
    assert "did not work" in client.get(diary_url(baby)).text

    reused = post_entry(client, baby, "mood", mood="3", client_id=taken)
    assert reused.status_code == 200 and "This id cannot be used" in reused.text
    assert DiaryEntry.objects.filter(baby=baby).count() == 0


def test_the_diary_shows_the_last_two_weeks_by_day_with_who_added_each(
    world: World, partner: User
) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    today = timezone.localdate()

    def add(user: User, days_ago: int, kind: str, **values: Any) -> None:
        services.diary_add(
            actor=user,
            baby=baby,
            data=services.DiaryData(
                id=uuid.uuid4(), date=today - timedelta(days=days_ago), kind=kind, **values
            ),
        )

    add(parent, 0, "mood", mood=5)
    add(partner, 0, "crying", crying_minutes=120)
    add(partner, 1, "sleep", night_sleep_hours=Decimal("7.5"), settling=2, note="Teething")
    add(parent, 13, "tummy", tummy="wind")
    add(parent, 14, "feed", feeds=6)

    response = client_for(parent).get(diary_url(baby))

    page = text_of(response.text)
    assert page.index("Today") < page.index("Yesterday") < page.index("constipation: Wind")
    assert "How I feel: Feeling great added by Alex" in page
    assert response.text.count('<svg class="face"') == 5 + 1
    assert "A crying spell: 2 hours or more added by Jordan" in page
    assert "Slept 7.5 hours; settling was hard added by Jordan Teething" in page
    assert "Wind, colic or constipation: Wind added by Alex" in page
    assert "6 feeds" not in page


def test_the_diary_forms_have_big_labelled_one_tap_buttons(world: World) -> None:
    response = client_for(world.users["parent_a"]).get(diary_url(baby_of(world)))
    html = response.text
    for label in ("Very low", "Low", "Okay", "Good", "Great"):
        assert f'<span class="tap__label">{label}</span>' in html
    assert html.count('<svg class="face"') == 5
    for value in ("wind", "colic", "constipation"):
        assert f'name="tummy-tummy" value="{value}"' in html
    for minutes in ("15", "30", "60", "120"):
        assert f'name="crying-crying_minutes" value="{minutes}"' in html
    assert html.count('name="sleep-settling"') == 5
    assert '<option value="14.0">14 hours</option>' in html
    assert f'name="mood-date" value="{timezone.localdate()}"' in html
    main = html.split('id="main"')[1]
    assert "<script" not in main and "style=" not in html


# --- Access and queries -----------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        *("admin", "manager_a", "hv_a", "hv_a2", "facilitator_a", "manager_b", "hv_b"),
        *("parent_a2", "parent_b"),
    ],
)
def test_only_the_babys_own_carers_see_the_pages(world: World, username: str) -> None:
    baby = baby_of(world)
    session = save_session(world.users["parent_a"], baby)
    urls = [log_url(baby), f"{log_url(baby)}{session.pk}/", diary_url(baby)]
    own = client_for(world.users["parent_a"])
    assert [own.get(url).status_code for url in urls] == [200, 200, 200]
    other = client_for(world.users[username])
    assert [other.get(url).status_code for url in urls] == [404, 404, 404]
    assert post_entry(other, baby, "mood", mood="3").status_code == 404
    assert not DiaryEntry.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(world: World) -> None:
    baby = baby_of(world)
    for url in (log_url(baby), diary_url(baby)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_carer_of_the_family_can_log(world: World, partner: User) -> None:
    baby, client = baby_of(world), client_for(partner)
    response = post_entry(client, baby, "tummy", tummy="wind")
    assert response.status_code == 302
    assert DiaryEntry.objects.get().carer.given_name == "Jordan"
    assert "Saved. Thank you, Jordan." in client.get(diary_url(baby)).text


@pytest.mark.parametrize("history", [1, 30])
def test_query_counts_stay_the_same_however_long_the_history(
    world: World,
    partner: User,
    curriculum: None,
    history: int,
    django_assert_max_num_queries: Any,
) -> None:
    baby, parent = baby_of(world), world.users["parent_a"]
    today = timezone.localdate()
    sessions = [
        save_session(
            parent if number % 2 else partner,
            baby,
            cues=("happy",) * (1 + number % 5) + ("not_sure",),
            started_at=timezone.now() - timedelta(hours=number + 1),
        )
        for number in range(history)
    ]
    for number in range(history):
        services.diary_add(
            actor=partner if number % 2 else parent,
            baby=baby,
            data=services.DiaryData(
                id=uuid.uuid4(), date=today - timedelta(days=number % 14), kind="mood", mood=3
            ),
        )
    client = client_for(parent)
    client.get(diary_url(baby))  # the session row and the first visit's writes

    for url in (log_url(baby), f"{log_url(baby)}{sessions[-1].pk}/", diary_url(baby)):
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):
        response = post_entry(client, baby, "mood", mood="4")
    assert response.status_code == 302
