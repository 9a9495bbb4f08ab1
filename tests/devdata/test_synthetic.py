"""The synthetic data command: the tiny size loads and its rows keep the invariants real data
keeps (test_synthetic_guards.py: determinism and what it refuses)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max
from django.test import override_settings

from nurture.accounts.models import Membership, Provider, User
from nurture.courses.models import Attendance, CourseRun, Enrolment, Offer
from nurture.devdata.synthetic import SIZES
from nurture.families.ages import add_months
from nurture.families.models import Baby, Carer
from nurture.outcomes.models import Response, SafetyAlert
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from nurture.questionnaires.scoring import Result
from nurture.referrals.models import Referral, ReferralEvent

END = date(2026, 6, 1)


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The tiny dataset, loaded once for this module's tests (each only reads it) and
    rolled back after them."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("generate_synthetic", "--size", "tiny", "--end-date", END.isoformat())
        yield
        transaction.set_rollback(True)


def bench_baby() -> Baby:
    return Baby.objects.get(family__carers__user__username="bench-parent")


def test_counts_are_roughly_as_asked(loaded: None) -> None:
    assert 190 <= Baby.objects.count() <= 210
    assert Provider.objects.count() == 2
    others = PracticeSession.objects.exclude(baby=bench_baby())
    per_baby = others.count() / (Baby.objects.count() - 1)
    assert 6 <= per_baby <= 14
    per_session = CueEvent.objects.filter(session__in=others).count() / others.count()
    assert 3.5 <= per_session <= 7
    assert Attendance.objects.count() >= 2.5 * Baby.objects.count()
    assert DiaryEntry.objects.exists()
    assert Response.objects.filter(point="post").exists()


def test_bench_logins(loaded: None) -> None:
    admin = authenticate(username="bench-admin", password="bench-pass")
    assert admin is not None and admin.is_superuser
    manager = authenticate(username="bench-manager", password="bench-pass")
    assert manager is not None
    membership = Membership.objects.get(user=manager)
    assert membership.role == "service_manager"
    largest = Provider.objects.annotate(n=Count("families")).order_by("-n").first()
    assert membership.provider == largest
    facilitator = User.objects.get(username="bench-facilitator")
    runs = CourseRun.objects.filter(provider=largest)
    assert facilitator.runs_facilitated.count() >= runs.count() // 3
    assert authenticate(username="bench-parent", password="bench-pass") is not None
    baby = bench_baby()
    assert baby.practice_sessions.count() == SIZES["tiny"].bench_sessions
    assert baby.diary_entries.count() == 730
    parent = User.objects.filter(username__startswith="parent").first()
    assert parent is not None and parent.has_usable_password() is False


def test_attendance_belongs_to_the_enrolments_run(loaded: None) -> None:
    assert Attendance.objects.exclude(session__run_id=F("enrolment__run_id")).count() == 0
    assert Attendance.objects.filter(session__status="cancelled").count() == 0
    assert (
        Attendance.objects.filter(session__number__lt=F("enrolment__joined_at_session")).count()
        == 0
    )
    statuses = Counter(Attendance.objects.values_list("status", flat=True))
    total = sum(statuses.values())
    assert 0.6 <= statuses["present"] / total <= 0.85
    assert 0.05 <= (statuses["absent"] + statuses["dna"]) / total <= 0.35
    over = CourseRun.objects.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not over.exists()


def test_cue_sequences_run_one_to_n_and_upset_ends_the_session(loaded: None) -> None:
    per_session = CueEvent.objects.values("session").annotate(n=Count("id"), top=Max("sequence"))
    assert all(row["n"] == row["top"] for row in per_session)
    for event in CueEvent.objects.filter(cue="upset").select_related("session"):
        assert event.session.outcome == "stopped"
        assert event.session.stop_reason == "stress"
        assert event.sequence == event.session.cue_events.count()


def test_stop_reason_if_and_only_if_stopped(loaded: None) -> None:
    assert not PracticeSession.objects.filter(outcome="stopped", stop_reason="").exists()
    assert not PracticeSession.objects.exclude(outcome="stopped").exclude(stop_reason="").exists()
    assert PracticeSession.objects.filter(outcome="stopped").exists()
    assert PracticeSession.objects.filter(outcome="paused_and_resumed").exists()
    assert not PracticeSession.objects.filter(ended_at__lt=F("started_at")).exists()
    assert all(s.readiness and s.readiness["verdict"] for s in PracticeSession.objects.all()[:50])


def test_babies_are_under_six_months_at_course_start(loaded: None) -> None:
    enrolments = Enrolment.objects.select_related("referral__baby", "run")
    ages_ok = []
    for enrolment in enrolments:
        baby = enrolment.referral.baby
        born = baby.due_date if baby.is_preterm and baby.due_date else baby.date_of_birth
        start = enrolment.run.first_session_at.date()
        ages_ok.append(born + timedelta(weeks=6) <= start < add_months(born, 6))
    assert sum(ages_ok) / len(ages_ok) >= 0.9
    preterm = sum(baby.is_preterm for baby in Baby.objects.all()) / Baby.objects.count()
    assert 0.02 <= preterm <= 0.16


def test_referral_status_is_its_last_event(loaded: None) -> None:
    for referral in Referral.objects.prefetch_related("events"):
        events = list(referral.events.all())
        assert events[0].from_status == "" and events[0].to_status == "received"
        assert events[-1].to_status == referral.status
        assert all(a.to_status == b.from_status for a, b in pairwise(events))
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"completed", "withdrawn", "not_eligible"} <= statuses
    assert Referral.objects.filter(duplicate_of__isnull=False).count() <= 10
    assert ReferralEvent.objects.count() > 4 * Referral.objects.count()
    high = Referral.objects.filter(priority="high").count() / Referral.objects.count()
    assert 0.08 <= high <= 0.35


def test_offers_and_enrolments_agree(loaded: None) -> None:
    accepted = Offer.objects.filter(status="accepted")
    assert accepted.count() == Enrolment.objects.count()
    assert not Offer.objects.exclude(expires_at=F("offered_at") + timedelta(hours=72)).exists()
    assert not Offer.objects.exclude(status="pending").filter(answered_at__isnull=True).exists()
    assert {"accepted", "declined", "expired"} <= set(
        Offer.objects.values_list("status", flat=True)
    )


def test_questionnaire_results_match_their_answers(loaded: None) -> None:
    responses = Response.objects.all()
    assert set(responses.values_list("instrument_key", flat=True)) == {"phq9", "gad7"}
    for response in responses:
        assert response.status == "submitted" and response.instrument_version == "1"
        assert response.result["total"] == response.total
        assert Result.from_dict(response.result).to_dict() == response.result
        scored = [
            int(response.answers[str(n)])
            for n in range(1, 10 if response.instrument_key == "phq9" else 8)
        ]
        assert sum(scored) == response.total
        if response.needs_follow_up:
            assert SafetyAlert.objects.filter(response=response).exists()
    phq = responses.filter(instrument_key="phq9")
    baseline = [r.total or 0 for r in phq.filter(point="baseline")]
    post = [r.total or 0 for r in phq.filter(point="post")]
    assert sum(post) / len(post) < sum(baseline) / len(baseline)


def test_carers_languages_and_postcodes(loaded: None) -> None:
    languages = Counter(Carer.objects.values_list("language", flat=True))
    assert languages["en"] / sum(languages.values()) >= 0.7
    postcodes = set(Baby.objects.values_list("family__postcode", flat=True))
    districts = {code.split()[0] for code in postcodes}
    assert len(districts) >= 5
    assert all(len(code.split()) == 2 for code in postcodes)
