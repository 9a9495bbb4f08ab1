"""Every date and time sent to us has a sensible range (nurture/lib/time_ranges.py): values at
the ends of the calendar are field errors, nothing is stored, and later reads keep working."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as tz

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nurture.lib import time_ranges
from nurture.outcomes.models import SafeguardingConcern
from nurture.practice.models import CueEvent, PracticeSession
from tests.conftest import World, api_client_for, client_for
from tests.practice.test_practice_api import session_body
from tests.safeguarding.test_concerns import concern_body

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
BORN = date(2027, 1, 10)
ZONES = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: tz(timedelta(minutes=minutes))
)
ANY_MOMENT = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=ZONES,
)
EDGES = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"]


# --- The rules ----------------------------------------------------------------------------------


@given(started=ANY_MOMENT, minutes=st.integers(min_value=-600, max_value=600))
def test_an_accepted_session_is_after_the_birth_in_the_past_and_a_few_hours_long(
    started: datetime, minutes: int
) -> None:
    ended = started + timedelta(minutes=minutes) if started.year < 9999 else started
    problems = time_ranges.session_problems(started, ended, now=NOW, born=BORN)
    if not problems:
        assert started.date() >= BORN and ended <= NOW + time_ranges.PHONE_CLOCK_DRIFT
        assert timedelta(0) <= ended - started <= time_ranges.LONGEST_SESSION


def test_the_session_rules_name_the_field_and_the_reason() -> None:
    def problems(start: datetime, minutes: int) -> dict[str, str]:
        end = start + timedelta(minutes=minutes)
        return time_ranges.session_problems(start, end, now=NOW, born=BORN)

    assert problems(NOW - timedelta(hours=1), 30) == {}
    assert problems(NOW + timedelta(minutes=5), 0) == {}  # the phone's clock runs a little fast
    assert problems(NOW + timedelta(hours=1), 10) == {
        "started_at": "This cannot be in the future.",
        "ended_at": "This cannot be in the future.",
    }
    assert problems(datetime(2027, 1, 9, 23, tzinfo=UTC), 10)["started_at"] == (
        "This cannot be before the baby was born."
    )
    assert problems(NOW - timedelta(hours=9), 5 * 60)["ended_at"].startswith("A session lasts")
    assert problems(NOW - timedelta(hours=1), -5)["ended_at"].startswith("A session cannot end")


@given(day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_a_planned_day_is_within_two_years_ahead(day: date) -> None:
    today = date(2027, 3, 15)
    problem = time_ranges.planned_problem(day, today=today)
    assert (problem is None) == (
        today - time_ranges.OLDEST_RECORD <= day <= today + time_ranges.LONGEST_PLAN
    )


# --- Practice sessions through the API ----------------------------------------------------------


def _sessions_url(world: World) -> str:
    return f"/api/v1/babies/{world.families['a1'].babies.get().pk}/practice-sessions"


@pytest.mark.django_db
@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("field", ["started_at", "ended_at"])
def test_a_session_at_the_ends_of_the_calendar_is_a_422_and_nothing_is_stored(
    world: World, field: str, edge: str
) -> None:
    client = api_client_for(world.users["parent_a"])
    response = client.post(
        _sessions_url(world), {**session_body(), field: edge}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert {error["field"] for error in response.json()["errors"]} & {"started_at", "ended_at"}
    assert not PracticeSession.objects.exists() and not CueEvent.objects.exists()
    assert client.get(_sessions_url(world)).status_code == 200


@pytest.mark.django_db
def test_a_session_before_the_birth_too_long_or_with_a_cue_outside_it_is_a_422(
    world: World,
) -> None:
    baby = world.families["a1"].babies.get()
    client = api_client_for(world.users["parent_a"])
    before_birth = datetime.combine(baby.date_of_birth, datetime.min.time(), tzinfo=UTC)
    long_ago = session_body(start=before_birth - timedelta(days=1))
    too_long = session_body()
    too_long["ended_at"] = (timezone.now() + timedelta(minutes=5)).isoformat()
    too_long["started_at"] = (timezone.now() - timedelta(hours=6)).isoformat()
    stray_cue = session_body()
    stray_cue["events"][1]["at"] = EDGES[0]
    for body, field in (
        (long_ago, "started_at"),
        (too_long, "ended_at"),
        (stray_cue, "events.1.at"),
    ):
        response = client.post(_sessions_url(world), body, content_type="application/json")
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == field
    assert not PracticeSession.objects.exists()


@pytest.mark.django_db
def test_reads_keep_working_after_edge_dates(world: World) -> None:
    """The parent's home, log, list and insights stay up after refused edge dates, and with
    a session from the year 1 to 9999 stored before the ranges were checked."""
    client = api_client_for(world.users["parent_a"])
    for edge in EDGES:
        client.post(
            _sessions_url(world),
            {**session_body(), "started_at": edge},
            content_type="application/json",
        )
    baby = world.families["a1"].babies.get()
    PracticeSession.objects.create(
        id=uuid.uuid4(),
        baby=baby,
        carer=world.families["a1"].carers.get(),
        started_at=datetime(1, 1, 1, 1, tzinfo=UTC),
        ended_at=datetime(9999, 12, 31, tzinfo=UTC),
        outcome="completed",
        duration_seconds=60,
    )
    browser = client_for(world.users["parent_a"])
    for path in ("/", f"/practice/{baby.pk}/log/", f"/practice/{baby.pk}/insights/"):
        assert browser.get(path).status_code == 200, path
    assert client.get(f"/api/v1/babies/{baby.pk}/insights").status_code == 200


# --- Concerns -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_concern_seen_at_the_ends_of_the_calendar_or_before_the_birth_is_a_422(
    world: World,
) -> None:
    family = world.families["a1"]
    baby = family.babies.get()
    url = f"/api/v1/families/{family.pk}/concerns"
    hv = api_client_for(world.users["hv_a"])
    before_birth = datetime.combine(
        baby.date_of_birth - timedelta(days=2), datetime.min.time(), tzinfo=UTC
    )
    for field, value in (
        *(("seen_at", edge) for edge in EDGES),
        ("seen_at", before_birth.isoformat()),
        ("review_on", "9999-12-31"),
    ):
        response = hv.post(url, concern_body(**{field: value}), content_type="application/json")
        assert response.status_code == 422, (value, response.content)
        assert response.json()["errors"][0]["field"] == field
    assert not SafeguardingConcern.objects.exists()
    assert hv.get(url).status_code == 200
    fine = hv.post(
        url,
        concern_body(seen_at=(timezone.now() - timedelta(hours=2)).isoformat()),
        content_type="application/json",
    )
    assert fine.status_code == 201, fine.content


# --- Ids and pages too large for the database ---------------------------------------------------

PAGED = [
    "/referrals",
    "/runs",
    "/offers",
    "/families",
    "/babies",
    "/families/{family}/messages",
    "/babies/{baby}/practice-sessions",
    "/babies/{baby}/diary",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGED)
@pytest.mark.parametrize("query", [f"offset={2**63}", "offset=-1", f"limit={2**63}", "limit=0"])
def test_paging_past_what_a_database_holds_is_a_422_naming_the_field(
    world: World, path: str, query: str
) -> None:
    family = world.families["a1"]
    who = "parent_a" if "{baby}" in path else "manager_a"
    url = "/api/v1" + path.format(family=family.pk, baby=family.babies.get().pk)
    response = api_client_for(world.users[who]).get(f"{url}?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == query.split("=")[0]
    assert api_client_for(world.users[who]).get(f"{url}?limit=5&offset=0").status_code == 200


@pytest.mark.django_db
def test_ids_too_large_for_the_database_are_field_errors_or_not_found(world: World) -> None:
    manager = api_client_for(world.users["manager_a"])
    huge = 10**20
    assert manager.get(f"/api/v1/sessions/{huge}/register").status_code == 422
    response = manager.post(
        "/api/v1/families",
        {"health_visitor_id": huge, "carer": {"given_name": "Nia"}, "babies": []},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "health_visitor_id"
    provider = world.provider_a.pk
    settings = manager.put(
        f"/api/v1/providers/{provider}/outcomes-settings",
        {"duty_clinician_id": huge},
        content_type="application/json",
    )
    assert settings.status_code == 422
    assert settings.json()["errors"][0]["field"] == "duty_clinician_id"
    assert manager.get(f"/api/v1/providers/{huge}/outcomes-settings").status_code == 422


@pytest.mark.django_db
def test_a_time_without_its_offset_is_a_422_not_a_500(world: World) -> None:
    client = api_client_for(world.users["parent_a"])
    body = session_body()
    body["started_at"] = body["started_at"][:19]  # "2026-12-07T10:00:00", no offset
    response = client.post(_sessions_url(world), body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "started_at"
