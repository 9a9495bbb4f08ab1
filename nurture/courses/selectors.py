"""Reads of course runs, sessions, offers and registers, scoped by the access policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from nurture import policy
from nurture.accounts.models import ProgrammeRules
from nurture.courses import capacity, registers
from nurture.courses.models import (
    Attendance,
    AttendanceStatus,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    Offer,
    OfferStatus,
    RunStatus,
    Session,
)
from nurture.policy import Person
from nurture.referrals import services as referral_services
from nurture.referrals.models import Referral, Status


def run_list(user: Person, *, include_closed: bool = False) -> QuerySet[CourseRun]:
    rows = (
        policy.runs_visible_to(user)
        .select_related("template", "venue", "provider")
        .prefetch_related("facilitators", Prefetch("sessions", Session.objects.order_by("number")))
        .annotate(
            enrolled_count=Count(
                "enrolments",
                filter=Q(
                    enrolments__status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
                ),
                distinct=True,
            ),
            held_count=Count(
                "offers",
                filter=Q(offers__status=OfferStatus.PENDING, offers__kind__in=capacity.RESERVING),
                distinct=True,
            ),
        )
        .order_by("first_session_at")
    )
    if not include_closed:
        rows = rows.filter(status=RunStatus.SCHEDULED)
    return rows


def _rules_by_provider(provider_ids: set[int]) -> dict[int, ProgrammeRules]:
    """Each provider's programme rules (or the defaults) in one query."""
    found = {r.provider_id: r for r in ProgrammeRules.objects.filter(provider_id__in=provider_ids)}
    return {pid: found.get(pid) or ProgrammeRules(provider_id=pid) for pid in provider_ids}


def free_places_of(run: Any) -> int:
    """Free places on a run loaded through ``run_list`` (no further queries)."""
    return max(int(run.capacity) - int(run.enrolled_count) - int(run.held_count), 0)


def run_detail(user: Person, run_id: Any) -> CourseRun:
    rows = run_list(user, include_closed=True).prefetch_related(
        Prefetch(
            "enrolments",
            Enrolment.objects.select_related("referral__baby", "referral__family").order_by(
                "referral__baby__given_name"
            ),
        ),
        Prefetch(
            "offers",
            Offer.objects.select_related("referral__baby", "referral__family").order_by(
                "-offered_at"
            ),
        ),
    )
    return policy.get_visible_or_404(rows, pk=run_id)


def manageable_run(user: Person, run_id: Any) -> CourseRun:
    run = run_detail(user, run_id)
    if not policy.can_manage_run(user, run):
        raise Http404("Not found.")
    return run


def session_detail(user: Person, session_id: Any) -> Session:
    visible_runs = policy.runs_visible_to(user)
    return policy.get_visible_or_404(
        Session.objects.filter(run__in=visible_runs).select_related(
            "run", "run__venue", "run__template"
        ),
        pk=session_id,
    )


@dataclass
class RegisterRow:
    enrolment: Enrolment
    mark: Attendance | None


@dataclass
class Register:
    session: Session
    rows: list[RegisterRow]
    locked: bool
    lock_days: int


def register_for(user: Person, session_id: Any) -> Register:
    """The register of one session, for the run's facilitators and the provider's managers."""
    session = session_detail(user, session_id)
    if not policy.can_keep_register(user, session.run):
        raise Http404("Not found.")
    enrolments = registers.register_enrolments(session)
    marks = {
        mark.enrolment_id: mark
        for mark in Attendance.objects.filter(session=session, enrolment__in=enrolments)
    }
    rules = ProgrammeRules.for_provider(session.run.provider_id)
    return Register(
        session=session,
        rows=[RegisterRow(enrolment, marks.get(enrolment.pk)) for enrolment in enrolments],
        locked=registers.is_locked(session, lock_days=rules.register_lock_days, now=timezone.now()),
        lock_days=rules.register_lock_days,
    )


def offers_for_family(user: Person) -> list[Offer]:
    """The signed-in parent's pending offers, each with ``joins``: the week they would start
    (a late place starts part-way through) and ``sessions_to_come`` from that week on."""
    family_id = policy.scope_of(user).family_id
    offers = list(
        Offer.objects.filter(referral__family_id=family_id, status=OfferStatus.PENDING)
        .select_related("run__venue", "run__template", "referral__baby")
        .prefetch_related(Prefetch("run__sessions", Session.objects.order_by("number")))
    )
    now = timezone.now()
    rules = _rules_by_provider({offer.run.provider_id for offer in offers})
    for offer in offers:
        sessions = list(offer.run.sessions.all())
        offer.joins = capacity.joining(  # type: ignore[attr-defined]
            offer.run, sessions, now, rules[offer.run.provider_id]
        )
        first = offer.joins.session_number if offer.joins else 1  # type: ignore[attr-defined]
        offer.sessions_to_come = [  # type: ignore[attr-defined]
            s for s in sessions if s.number >= first and s.status != "cancelled"
        ]
    return offers


def enrolments_for_family(user: Person) -> QuerySet[Enrolment]:
    family_id = policy.scope_of(user).family_id
    return (
        Enrolment.objects.filter(referral__family_id=family_id)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("run__venue", "run__template", "referral__baby")
        .prefetch_related(Prefetch("run__sessions", Session.objects.order_by("number")))
        .order_by("-run__first_session_at")
    )


def offer_for_user(user: Person, offer_id: Any) -> Offer:
    offer = policy.get_visible_or_404(
        policy.offers_visible_to(user).select_related(
            "run__venue", "run__template", "referral__baby", "referral__family"
        ),
        pk=offer_id,
    )
    if not policy.can_answer_offer(user, offer):
        raise Http404("Not found.")
    return offer


def enrolment_for_user(user: Person, enrolment_id: Any) -> Enrolment:
    enrolment = policy.get_visible_or_404(
        Enrolment.objects.filter(run__in=policy.runs_visible_to(user)).select_related(
            "run", "referral"
        ),
        pk=enrolment_id,
    )
    if not policy.can_manage_run(user, enrolment.run):
        raise Http404("Not found.")
    return enrolment


@dataclass
class WorkingList:
    """What needs doing now, for one person."""

    families_to_offer: list[Referral] = field(default_factory=list)
    offers_expiring_today: list[Offer] = field(default_factory=list)
    offers_without_reply: list[Offer] = field(default_factory=list)
    missed_last_session: list[Enrolment] = field(default_factory=list)
    ageing_out_soon: list[tuple[Referral, date]] = field(default_factory=list)
    runs_with_free_places: list[tuple[CourseRun, int]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(vars(self).values())


def working_list(user: Person, *, now: Any = None) -> WorkingList:
    """Families to offer, offers expiring today or unanswered, families who missed the last
    session, babies ageing out within two weeks, and runs with free places."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = WorkingList()
    referrals = policy.referrals_visible_to(user)
    waiting = list(
        referrals.filter(status=Status.WAITING).select_related("baby", "family", "provider")
    )
    runs = list(run_list(user))
    # Only runs a family could still join count: a course past its last joining week has
    # no places to fill, however many are empty.
    rules = _rules_by_provider({run.provider_id for run in runs})
    free_by_run = {
        run.pk: free_places_of(run)
        if capacity.joining(run, list(run.sessions.all()), now, rules[run.provider_id])
        else 0
        for run in runs
    }
    result.runs_with_free_places = [
        (run, free_by_run[run.pk]) for run in runs if free_by_run[run.pk]
    ]
    if result.runs_with_free_places:
        result.families_to_offer = waiting
    limits: dict[int, Any] = {}
    for referral in waiting:
        if referral.provider_id not in limits:
            limits[referral.provider_id] = referral_services.limits_for(referral.provider_id)
        last_start = referral_services.age_window(referral, limits[referral.provider_id]).last_start
        if today <= last_start <= today + timedelta(days=14):
            result.ageing_out_soon.append((referral, last_start))
    pending = list(
        Offer.objects.filter(referral__in=referrals, status=OfferStatus.PENDING)
        .select_related("referral__baby", "referral__family", "run__venue")
        .order_by("expires_at")
    )
    result.offers_expiring_today = [o for o in pending if timezone.localdate(o.expires_at) == today]
    result.offers_without_reply = [
        o
        for o in pending
        if o.offered_at <= now - timedelta(hours=24) and o not in result.offers_expiring_today
    ]
    past_sessions = {
        run.pk: [s for s in run.sessions.all() if s.starts_at <= now and s.status != "cancelled"]
        for run in runs
    }
    last_ids = [sessions[-1].pk for sessions in past_sessions.values() if sessions]
    result.missed_last_session = [
        mark.enrolment
        for mark in Attendance.objects.filter(
            session_id__in=last_ids,
            status__in=(AttendanceStatus.ABSENT, AttendanceStatus.DID_NOT_ATTEND),
            enrolment__status=EnrolmentStatus.ENROLLED,
            enrolment__referral__in=referrals,
        ).select_related(
            "enrolment__referral__baby", "enrolment__referral__family", "enrolment__run"
        )
    ]
    return result
