"""The optional home-practice nudge: the parent's own choice, the job that queues it on their
days (at most once a day and three times in any seven days), its words, its page and its API."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from nurture.accounts.models import Provider
from nurture.audit.models import AuditEvent
from nurture.families.models import Carer
from nurture.notify import outbox
from nurture.notify.kinds import KINDS
from nurture.notify.models import (
    WEEKDAYS,
    Channel,
    Message,
    MessageStatus,
    PracticeNudge,
    PracticeNudgeSent,
)
from nurture.periodic import JOBS
from nurture.practice.models import Outcome, PracticeSession
from nurture.practice.nudges import Choice, practice_nudge_update, queue_practice_nudges
from tests import factories
from tests.conftest import World, api_client_for, client_for
from tests.courses.test_messages import LONDON, SITE, at

pytestmark = pytest.mark.django_db

API = "/api/v1"
PAGE = "/reminders/practice/"
BORN = date(2026, 12, 1)  # about three months old in March 2027
SET_UP_AT = datetime(2027, 2, 15, 9, tzinfo=LONDON)


# ``at`` is a local time in 2027: 1 March 2027 is a Monday; UK summer time starts on 28 March.


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.NURTURE_SITE_URL = SITE
    settings.NOTIFY_QUIET_HOURS = (21, 8)


@pytest.fixture
def provider(db: Any) -> Provider:
    return factories.make_provider("Nudge provider")


def a_carer(
    provider: Provider,
    *,
    name: str = "Alex",
    babies: list[tuple[str, date, int | None]] | None = None,
    **changes: Any,
) -> Carer:
    """A carer with their own login, agreeing to email, with a baby born on ``BORN``."""
    with time_machine.travel(SET_UP_AT, tick=False):
        family = factories.make_family(
            provider,
            carer_name=name,
            parent=factories.make_user(),
            babies=babies or [("Robin", BORN, None)],
        )
    carer = family.carers.get()
    if changes:
        Carer.objects.filter(pk=carer.pk).update(**changes)
        carer.refresh_from_db()
    return carer


def choose(carer: Carer, days: list[str], *, hour: int = 10, enabled: bool = True) -> None:
    practice_nudge_update(
        actor=None, carer=carer, choice=Choice(enabled=enabled, days=days, hour=hour)
    )


def run_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return queue_practice_nudges()


def nudges(carer: Carer | None = None) -> list[Message]:
    rows = Message.objects.filter(kind="practice_nudge").order_by("created_at")
    return list(rows.filter(carer=carer) if carer else rows)


def log_session(carer: Carer, started: datetime) -> None:
    PracticeSession.objects.create(
        id=uuid.uuid4(),
        baby=carer.family.babies.get(),
        carer=carer,
        started_at=started,
        ended_at=started + timedelta(minutes=10),
        outcome=Outcome.COMPLETED,
    )


# --- The job: when ------------------------------------------------------------------------------


def test_a_nudge_goes_on_a_chosen_day_from_the_chosen_hour_and_not_before(
    provider: Provider,
) -> None:
    carer = a_carer(provider)
    choose(carer, ["monday", "wednesday"], hour=10)
    assert run_at(at(3, 1, 9, 59)) == 0
    assert nudges() == []
    assert run_at(at(3, 1, 10, 0)) == 1
    [message] = nudges()
    assert message.kind == "practice_nudge" and message.carer == carer
    assert message.channel == Channel.EMAIL and message.to_address == "alex@example.org"
    assert not message.urgent and message.send_after == at(3, 1, 10)
    assert message.run is None and message.family_id == carer.family_id
    assert run_at(at(3, 2, 12)) == 0  # Tuesday: not chosen
    assert run_at(at(3, 3, 16, 30)) == 1  # Wednesday afternoon: still the day, after 10am
    assert [m.send_after.date() for m in nudges()] == [date(2027, 3, 1), date(2027, 3, 3)]


def test_never_on_a_day_that_was_not_chosen(provider: Provider) -> None:
    carer = a_carer(provider)
    choose(carer, ["saturday"], hour=7)
    moment = at(3, 1, 0)
    while moment < at(3, 15, 0):
        run_at(moment)
        moment += timedelta(minutes=47)
    sent = PracticeNudgeSent.objects.filter(carer=carer).order_by("date")
    assert [row.date for row in sent] == [date(2027, 3, 6), date(2027, 3, 13)]
    assert len(nudges(carer)) == 2


def test_running_twice_in_the_same_day_queues_one_nudge(provider: Provider) -> None:
    carer = a_carer(provider)
    choose(carer, ["monday"])
    assert run_at(at(3, 1, 10)) == 1
    assert run_at(at(3, 1, 10)) == 0
    assert run_at(at(3, 1, 18)) == 0
    assert len(nudges(carer)) == 1
    assert PracticeNudgeSent.objects.filter(carer=carer).count() == 1


def test_the_database_refuses_a_second_nudge_on_the_same_day(provider: Provider) -> None:
    carer = a_carer(provider)
    PracticeNudgeSent.objects.create(carer=carer, date=date(2027, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeNudgeSent.objects.create(carer=carer, date=date(2027, 3, 1))


def test_the_database_refuses_a_fourth_day(provider: Provider) -> None:
    carer = a_carer(provider)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeNudge.objects.create(
            carer=carer, enabled=True, monday=True, tuesday=True, wednesday=True, thursday=True
        )
    PracticeNudge.objects.create(carer=carer, monday=True, tuesday=True, wednesday=True)


def test_at_most_three_in_a_rolling_week_when_the_days_change_mid_week(
    provider: Provider,
) -> None:
    carer = a_carer(provider)
    choose(carer, ["monday", "tuesday", "wednesday"])
    for day in (1, 2, 3):
        assert run_at(at(3, day, 11)) == 1
    choose(carer, ["thursday", "friday", "saturday"])  # new days, same week
    for day in (4, 5, 6, 7):
        assert run_at(at(3, day, 11)) == 0
    assert run_at(at(3, 8, 11)) == 0  # Monday: no longer chosen
    assert run_at(at(3, 11, 11)) == 1  # Thursday: seven days after Wednesday's, so allowed
    assert len(nudges(carer)) == 4


DAY_SETS = st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True)
STEPS = st.lists(
    st.tuples(
        st.integers(0, 20),  # day from Monday 1 March
        st.integers(0, 23),  # local hour the job runs
        st.sampled_from([0, 30]),
        st.none() | st.tuples(DAY_SETS, st.sampled_from([7, 10, 14, 17, 20])),  # edit first
    ),
    min_size=1,
    max_size=30,
)


@hypothesis_settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=DAY_SETS, steps=STEPS)
def test_the_rules_hold_for_any_days_and_run_times(
    provider: Provider, first: list[str], steps: list[Any]
) -> None:
    """Whatever the days chosen, changed and the times the job runs: a nudge exactly when it
    is due (a chosen day, from the hour, none yet today, fewer than three in seven days, not
    held by quiet hours into tomorrow), so never more than three in any seven days."""
    with transaction.atomic():
        carer = a_carer(provider)
        choose(carer, first, hour=10)
        days, hour = first, 10
        sent: list[date] = []
        for day, run_hour, minute, edit in sorted(steps, key=lambda step: step[:3]):
            if edit is not None:
                days, hour = edit
                choose(carer, days, hour=hour)
            moment = at(3, 1 + day, run_hour, minute)
            today = moment.date()
            due = (
                WEEKDAYS[today.weekday()] in days
                and run_hour >= hour
                and run_hour < 21  # from 9pm it would wait for tomorrow morning
                and today not in sent
                and len([d for d in sent if d > today - timedelta(days=7)]) < 3
            )
            assert run_at(moment) == int(due), (moment, days, hour, sent)
            if due:
                sent.append(today)
        for start in range(21):
            window = [d for d in sent if 0 <= (d - date(2027, 3, 1 + start)).days < 7]
            assert len(window) <= 3
        assert len(nudges(carer)) == len(sent)
        transaction.set_rollback(True)


# --- The job: who -------------------------------------------------------------------------------


def test_no_nudge_on_a_day_a_session_was_logged(provider: Provider) -> None:
    carer = a_carer(provider)
    other = a_carer(provider, name="Bea")
    choose(carer, ["monday", "tuesday"])
    choose(other, ["monday"])
    log_session(carer, at(3, 1, 8, 15))  # practised before the nudge was due
    log_session(carer, at(2, 28, 23, 30))  # late on Sunday: does not count for Monday
    assert run_at(at(3, 1, 10)) == 1
    assert nudges(carer) == [] and len(nudges(other)) == 1
    assert run_at(at(3, 2, 10)) == 1  # Tuesday: nothing logged yet
    assert len(nudges(carer)) == 1


def test_a_session_logged_by_another_carer_of_the_family_counts(provider: Provider) -> None:
    carer = a_carer(provider)
    partner = Carer.objects.create(
        family=carer.family, given_name="Sam", family_name="Example", consent_to_contact=True
    )
    choose(carer, ["monday"])
    log_session(partner, at(3, 1, 9))
    assert run_at(at(3, 1, 10)) == 0


def test_the_day_is_the_local_day_in_summer_time(provider: Provider) -> None:
    carer = a_carer(provider)
    choose(carer, ["monday"])
    log_session(carer, at(5, 3, 0, 30))  # 23:30 on Sunday in UTC, but Monday in London
    assert run_at(at(5, 3, 10)) == 0
    log_session(carer, at(5, 9, 23, 30))  # Sunday night in London (22:30 UTC)
    assert run_at(at(5, 10, 10)) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"consent_to_contact": False},
        {"preferred_channel": Carer.Channel.PHONE},
        {"preferred_channel": Carer.Channel.SMS, "mobile": ""},
    ],
)
def test_no_nudge_for_carers_who_opted_out_or_cannot_be_messaged(
    provider: Provider, changes: dict[str, Any]
) -> None:
    carer = a_carer(provider, **changes)
    choose(carer, ["monday"])
    assert run_at(at(3, 1, 10)) == 0
    assert Message.objects.count() == 0
    assert not PracticeNudgeSent.objects.exists()  # an opted-out day does not use up the week


def test_no_nudge_when_the_preference_is_off_or_never_set(provider: Provider) -> None:
    off = a_carer(provider)
    choose(off, ["monday"], enabled=False)
    a_carer(provider, name="Bea")  # never chose anything: off by default
    assert run_at(at(3, 1, 10)) == 0
    assert Message.objects.count() == 0


def test_only_for_families_with_a_baby_under_twelve_months(provider: Provider) -> None:
    older = a_carer(provider, babies=[("Ivy", date(2026, 3, 1), None)])  # 12 months on 1 March
    twins = a_carer(
        provider,
        name="Bea",
        babies=[("Ivy", date(2026, 2, 1), None), ("Robin", BORN, None)],
    )
    # Born at 28 weeks 13 months ago: corrected age 10 months, so still a baby for massage.
    early = a_carer(provider, name="Cas", babies=[("Kit", date(2026, 2, 1), 28)])
    for carer in (older, twins, early):
        choose(carer, ["monday"])
    assert run_at(at(3, 1, 10)) == 2
    assert nudges(older) == []
    [to_twins] = nudges(twins)
    assert "Robin" in to_twins.subject and "Ivy" not in to_twins.body_text
    assert "Kit" in nudges(early)[0].subject


def test_quiet_hours_hold_the_nudge_like_other_messages(provider: Provider, settings: Any) -> None:
    carer = a_carer(provider)
    choose(carer, ["monday", "tuesday"], hour=7)
    assert run_at(at(3, 1, 7)) == 1
    [message] = nudges(carer)
    assert not message.urgent and message.send_after == at(3, 1, 8)
    settings.NOTIFY_QUIET_HOURS = (18, 8)
    assert run_at(at(3, 2, 19)) == 0  # it would only arrive on Wednesday morning
    settings.NOTIFY_QUIET_HOURS = (0, 0)  # quiet hours off
    assert run_at(at(3, 2, 19)) == 1


def test_turning_it_off_calls_off_a_nudge_still_waiting(provider: Provider) -> None:
    carer = a_carer(provider)
    other = a_carer(provider, name="Bea")
    for each in (carer, other):
        choose(each, ["monday"], hour=7)
    run_at(at(3, 1, 7))  # held until 8am by quiet hours
    with time_machine.travel(at(3, 1, 7, 30), tick=False):
        choose(carer, ["monday"], hour=7, enabled=False)
    [waiting] = nudges(carer)
    assert waiting.status == MessageStatus.CANCELLED
    assert nudges(other)[0].status == MessageStatus.QUEUED


def test_a_text_message_nudge_is_short(provider: Provider) -> None:
    carer = a_carer(
        provider, preferred_channel=Carer.Channel.SMS, mobile="07700 900123", given_name="Alexandra"
    )
    choose(carer, ["monday"])
    run_at(at(3, 1, 10))
    [message] = nudges(carer)
    assert message.channel == Channel.SMS and message.to_address == "07700 900123"
    assert len(message.body_text) < 160, len(message.body_text)
    assert f"{SITE}/ " in message.body_text and f"{SITE}/reminders/practice/" in message.body_text


def test_the_email_is_warm_short_and_links_into_the_app(provider: Provider) -> None:
    carer = a_carer(provider)
    carer.family.notes = "Postnatal depression screen: EPDS score 15"
    carer.family.save()
    choose(carer, ["monday"])
    run_at(at(3, 1, 10))
    [message] = nudges(carer)
    assert message.subject == "A little massage with Robin today?"
    text = message.body_text
    assert text.startswith("Hello Alex,")
    assert "calm and alert" in text and "a few minutes of massage" in text
    assert "isn't in the mood, that's fine" in text
    assert f"Open Nurture: {SITE}/\n" in text
    assert f"turn them off: {SITE}/reminders/practice/" in text
    assert "EPDS" not in text and "EPDS" not in message.body_html
    assert f'href="{SITE}/"' in message.body_html
    assert f'href="{SITE}/reminders/practice/"' in message.body_html
    assert "/my-course/" not in message.body_html  # not a course message
    assert KINDS["practice_nudge"].urgent is False


def test_the_templates_render_cleanly_with_any_names() -> None:
    context = {"carer": Carer(given_name="Siân"), "baby": "Zoë-Mae and D'Arcy"}
    subject, text, html = outbox.render("practice_nudge", Channel.EMAIL, context)
    assert subject == "A little massage with Zoë-Mae and D'Arcy today?"
    assert "{" not in text + html and "None" not in text + html
    assert "D'Arcy" in text and "&#x27;" not in text and "D&#x27;Arcy" in html
    assert "<title>" in html and "Hello Siân," in html and "Take care," in html
    assert "If you cannot come" not in text + html
    assert not re.search(r"\n\n\n", text), text
    _, sms, sms_html = outbox.render("practice_nudge", Channel.SMS, context)
    assert sms_html == "" and "\n" not in sms and "  " not in sms and len(sms) < 160


def test_the_job_is_registered_and_its_queries_do_not_grow_with_carers(
    provider: Provider, django_assert_max_num_queries: Any
) -> None:
    assert "nurture.practice.nudges:queue_practice_nudges" in [job.path for job in JOBS]
    for size, monday in ((3, at(3, 1, 10)), (15, at(3, 8, 10))):
        PracticeNudge.objects.all().delete()
        carers = [a_carer(provider, name=f"Carer{size}x{index}") for index in range(size)]
        for carer in carers:
            choose(carer, ["monday"])
            log_session(carer, monday - timedelta(days=1))
        with django_assert_max_num_queries(8):
            assert run_at(monday) == size


@pytest.mark.django_db(transaction=True)
def test_two_processes_at_once_queue_each_nudge_once(provider: Provider) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two processes locking rows with SKIP LOCKED")
    import threading
    from concurrent.futures import ThreadPoolExecutor

    carers = [a_carer(provider, name=f"Para{index}") for index in range(12)]
    for carer in carers:
        choose(carer, ["monday"])
    barrier = threading.Barrier(4)

    def worker(_: int) -> int:
        try:
            barrier.wait(timeout=10)
            return queue_practice_nudges(now=at(3, 1, 10)) + queue_practice_nudges(
                now=at(3, 1, 10, 1)
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        totals = list(pool.map(worker, range(4)))
    assert sum(totals) == 12
    assert Message.objects.filter(kind="practice_nudge").count() == 12


# --- The page -----------------------------------------------------------------------------------


def test_a_parent_turns_their_nudge_on_and_off(world: World) -> None:
    client = client_for(world.users["parent_a"])
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Practice reminders" in page.text and "Choose up to three" in page.text
    carer = world.families["a1"].carers.get()
    response = client.post(
        PAGE, {"enabled": "on", "days": ["monday", "thursday"], "hour": "17"}, follow=True
    )
    assert response.redirect_chain[-1][0] == PAGE
    assert "Practice reminders on: Mondays and Thursdays, early evening, from 5pm." in (
        response.text
    )
    nudge = PracticeNudge.objects.get(carer=carer)
    assert nudge.enabled and nudge.days == ["monday", "thursday"] and nudge.hour == 17
    event = AuditEvent.objects.get(action="practice_nudge.updated")
    assert event.actor == world.users["parent_a"] and event.data["days"] == nudge.days
    response = client.post(PAGE, {"days": ["monday"], "hour": "10"}, follow=True)
    assert "Practice reminders are off." in response.text
    assert not PracticeNudge.objects.get(carer=carer).enabled


def test_the_page_refuses_a_fourth_day_next_to_the_field(world: World) -> None:
    client = client_for(world.users["parent_a"])
    response = client.post(
        PAGE, {"enabled": "on", "days": ["monday", "tuesday", "friday", "sunday"], "hour": "10"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"days": ["Choose up to three days."]}
    assert not PracticeNudge.objects.exists()


def test_each_parent_changes_only_their_own(world: World) -> None:
    client_for(world.users["parent_a2"]).post(
        PAGE, {"enabled": "on", "days": ["friday"], "hour": "14"}
    )
    [nudge] = PracticeNudge.objects.all()
    assert nudge.carer.family == world.families["a2"]


@pytest.mark.parametrize("who", ["admin", "manager_a", "hv_a", "facilitator_a", "hv_b"])
def test_staff_do_not_get_the_page(world: World, who: str) -> None:
    client = client_for(world.users[who])
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"enabled": "on", "days": ["monday"], "hour": "10"}).status_code == (
        404
    )
    assert not PracticeNudge.objects.exists()


def test_the_page_needs_a_login(world: World) -> None:
    from django.test import Client

    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_says_when_we_cannot_send(world: World) -> None:
    Carer.objects.filter(family=world.families["a1"]).update(consent_to_contact=False)
    page = client_for(world.users["parent_a"]).get(PAGE)
    assert "you have not agreed to messages from us" in page.text


# --- The API ------------------------------------------------------------------------------------


def reminders_url(carer: Carer) -> str:
    return f"{API}/carers/{carer.pk}/practice-reminders"


def test_the_api_reads_and_changes_the_carers_own_nudge(world: World) -> None:
    carer = world.families["a1"].carers.get()
    client = api_client_for(world.users["parent_a"])
    body = client.get(reminders_url(carer)).json()
    assert body == {
        "carer_id": str(carer.pk),
        "enabled": False,
        "days": [],
        "hour": 10,
        "time_label": "Morning, from 10am",
    }
    response = client.patch(
        reminders_url(carer),
        {"enabled": True, "days": ["tuesday", "saturday"], "hour": 8},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["days"] == ["tuesday", "saturday"]
    assert response.json()["time_label"] == "From 8am"
    response = client.patch(
        reminders_url(carer), {"enabled": False}, content_type="application/json"
    )
    assert response.json()["enabled"] is False and response.json()["days"] == [
        "tuesday",
        "saturday",
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"enabled": True, "days": ["monday", "tuesday", "wednesday", "thursday"]}, "days"),
        ({"enabled": True, "days": []}, "days"),
        ({"enabled": True, "days": ["monday", "monday"]}, "days"),
        ({"days": ["someday"]}, "days.0"),
        ({"hour": 23}, "hour"),
        ({"enabled": None}, "enabled"),
    ],
)
def test_the_api_names_the_field_at_fault(
    world: World, payload: dict[str, Any], field: str
) -> None:
    carer = world.families["a1"].carers.get()
    response = api_client_for(world.users["parent_a"]).patch(
        reminders_url(carer), payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not PracticeNudge.objects.filter(enabled=True).exists()


@pytest.mark.parametrize("who", ["parent_a2", "parent_b", "hv_a", "manager_a", "admin"])
def test_only_the_carer_may_read_or_change_it(world: World, who: str) -> None:
    carer = world.families["a1"].carers.get()
    client = api_client_for(world.users[who])
    assert client.get(reminders_url(carer)).status_code == 404
    response = client.patch(
        reminders_url(carer), {"enabled": True, "days": ["monday"]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not PracticeNudge.objects.exists()


def test_parents_find_the_reminders_page_beside_their_contact_details(world: World) -> None:
    link = 'href="/reminders/practice/"'
    parent = client_for(world.users["parent_a"])
    family = world.families["a1"]
    assert link in parent.get("/profile/").text
    assert link in parent.get(f"/families/{family.pk}/").text
    assert link not in client_for(world.users["hv_a"]).get(f"/families/{family.pk}/").text
