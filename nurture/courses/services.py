"""Course templates, runs and their dated sessions. One transaction and audit event each."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture.accounts.models import Membership, Provider, Venue
from nurture.accounts.roles import Role
from nurture.audit.services import record
from nurture.courses import messages as course_messages
from nurture.courses import schedule
from nurture.courses.capacity import places_taken
from nurture.courses.models import (
    DEFAULT_WEEK_PLAN,
    CourseRun,
    CourseTemplate,
    RunStatus,
    Session,
    SessionStatus,
)
from nurture.courses.registers import settle_completion
from nurture.lib.errors import DomainError


@transaction.atomic
def template_create(
    *,
    actor: Any,
    provider: Provider,
    name: str,
    sessions_count: int = 5,
    session_minutes: int = 60,
    week_plan: list[str] | None = None,
    what_to_bring: str | None = None,
) -> CourseTemplate:
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = "Give the course a name."
    elif CourseTemplate.objects.filter(provider=provider, name=name.strip()).exists():
        problems["name"] = "There is already a course with this name."
    if not 1 <= sessions_count <= 12:
        problems["sessions_count"] = "A course has from 1 to 12 weekly sessions."
    if not 15 <= session_minutes <= 180:
        problems["session_minutes"] = "A session lasts from 15 to 180 minutes."
    if problems:
        raise DomainError(problems)
    plan = week_plan if week_plan is not None else DEFAULT_WEEK_PLAN[:sessions_count]
    template = CourseTemplate.objects.create(
        provider=provider,
        name=name.strip(),
        sessions_count=sessions_count,
        session_minutes=session_minutes,
        week_plan=plan,
        **({"what_to_bring": what_to_bring} if what_to_bring is not None else {}),
    )
    record(actor=actor, action="template.created", target=template, provider_id=provider.pk)
    return template


def _check_run(
    *,
    provider: Provider,
    venue: Venue,
    template: CourseTemplate,
    facilitators: list[Any],
    capacity: int,
    first_session_at: datetime,
    now: datetime,
) -> None:
    problems: dict[str, str] = {}
    if venue.provider_id != provider.pk or not venue.is_active:
        problems["venue"] = "Choose one of this provider's venues."
    if template.provider_id != provider.pk:
        problems["template"] = "Choose one of this provider's courses."
    if not 1 <= capacity <= 30:
        problems["capacity"] = "A course takes from 1 to 30 families."
    if first_session_at <= now:
        problems["first_session_at"] = "The first session must be in the future."
    facilitator_ids = {user.pk for user in facilitators}
    allowed = set(
        Membership.objects.filter(
            provider=provider, role=Role.FACILITATOR, is_active=True, user_id__in=facilitator_ids
        ).values_list("user_id", flat=True)
    )
    if facilitator_ids - allowed:
        problems["facilitators"] = "Choose facilitators of this provider."
    if problems:
        raise DomainError(problems)


@transaction.atomic
def run_create(
    *,
    actor: Any,
    provider: Provider,
    template: CourseTemplate,
    venue: Venue,
    first_session_at: datetime,
    facilitators: list[Any],
    capacity: int = 8,
    copied_from: CourseRun | None = None,
    now: datetime | None = None,
) -> CourseRun:
    """Schedule a run: its weekly sessions skip the venue nation's bank holidays. (``now`` is
    for loading past courses into the demo; everything else uses the real time.) Offering its
    places is ``allocation.services.run_create``'s part."""
    now = now or timezone.now()
    _check_run(
        provider=provider,
        venue=venue,
        template=template,
        facilitators=facilitators,
        capacity=capacity,
        first_session_at=first_session_at,
        now=now,
    )
    if schedule.is_bank_holiday(timezone.localtime(first_session_at).date(), venue.nation):
        raise DomainError({"first_session_at": "The first session falls on a bank holiday."})
    run = CourseRun.objects.create(
        provider=provider,
        template=template,
        venue=venue,
        capacity=capacity,
        first_session_at=first_session_at,
        copied_from=copied_from,
    )
    run.facilitators.set(facilitators)
    local_first = timezone.localtime(first_session_at)
    Session.objects.bulk_create(
        Session(run=run, number=number, starts_at=starts_at)
        for number, starts_at in enumerate(
            schedule.session_times(local_first, template.sessions_count, venue.nation), start=1
        )
    )
    record(actor=actor, action="run.created", target=run, provider_id=provider.pk)
    return run


@transaction.atomic
def run_copy(*, actor: Any, run: CourseRun, first_session_at: datetime) -> CourseRun:
    """The same course, venue, facilitators and size, starting on a new date."""
    return run_create(
        actor=actor,
        provider=run.provider,
        template=run.template,
        venue=run.venue,
        first_session_at=first_session_at,
        facilitators=list(run.facilitators.all()),
        capacity=run.capacity,
        copied_from=run,
    )


@transaction.atomic
def run_update(*, actor: Any, run: CourseRun, capacity: int, facilitators: list[Any]) -> CourseRun:
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    taken = places_taken(run)
    problems: dict[str, str] = {}
    if not 1 <= capacity <= 30:
        problems["capacity"] = "A course takes from 1 to 30 families."
    elif capacity < taken:
        problems["capacity"] = f"{taken} places are already taken or held."
    if problems:
        raise DomainError(problems)
    _check_run(
        provider=run.provider,
        venue=run.venue,
        template=run.template,
        facilitators=facilitators,
        capacity=capacity,
        first_session_at=timezone.now() + timedelta(days=1),
        now=timezone.now(),
    )
    run.capacity = capacity
    run.save(update_fields=["capacity"])
    run.facilitators.set(facilitators)
    record(
        actor=actor,
        action="run.updated",
        target=run,
        provider_id=run.provider_id,
        data={"capacity": capacity, "facilitators": sorted(u.pk for u in facilitators)},
    )
    return run


def _editable_session(session: Session) -> Session:
    # Lock the run first: two changes to one run's sessions queue instead of clashing.
    CourseRun.objects.select_for_update().get(pk=session.run_id)
    session = (
        Session.objects.select_for_update().select_related("run", "run__venue").get(pk=session.pk)
    )
    if session.run.status != RunStatus.SCHEDULED:
        raise DomainError("This course is closed.")
    if session.status == SessionStatus.CANCELLED:
        raise DomainError("This session is already cancelled.")
    if session.starts_at <= timezone.now():
        raise DomainError("This session has already started.")
    return session


@transaction.atomic
def session_move(*, actor: Any, session: Session, starts_at: datetime, reason: str) -> Session:
    session = _editable_session(session)
    if not reason.strip():
        raise DomainError({"reason": "Say why the session is moving."})
    if starts_at <= timezone.now():
        raise DomainError({"starts_at": "Choose a time in the future."})
    if schedule.is_bank_holiday(timezone.localtime(starts_at).date(), session.run.venue.nation):
        raise DomainError({"starts_at": "That day is a bank holiday."})
    neighbours = session.run.sessions.exclude(pk=session.pk).exclude(status=SessionStatus.CANCELLED)
    before = neighbours.filter(number__lt=session.number).order_by("-number").first()
    after = neighbours.filter(number__gt=session.number).order_by("number").first()
    if (before and starts_at <= before.starts_at) or (after and starts_at >= after.starts_at):
        raise DomainError(
            {
                "starts_at": "Keep the sessions in order: choose a time between "
                "the sessions before and after."
            }
        )
    session.moved_from = session.moved_from or session.starts_at
    session.starts_at = starts_at
    session.note = reason.strip()
    session.sequence += 1
    session.save(update_fields=["moved_from", "starts_at", "note", "sequence"])
    record(
        actor=actor,
        action="session.moved",
        target=session,
        provider_id=session.run.provider_id,
        data={"to": starts_at.isoformat(), "reason": reason.strip()},
    )
    course_messages.session_moved(session)
    return session


@transaction.atomic
def session_cancel(
    *, actor: Any, session: Session, reason: str, add_replacement: bool = True
) -> Session | None:
    """Cancel one session; by default a replacement week is added at the end of the run."""
    session = _editable_session(session)
    if not reason.strip():
        raise DomainError({"reason": "Say why the session is cancelled."})
    session.status = SessionStatus.CANCELLED
    session.note = reason.strip()
    session.sequence += 1
    session.save(update_fields=["status", "note", "sequence"])
    replacement = None
    if add_replacement:
        run = session.run
        last = run.sessions.order_by("-number").first()
        assert last is not None
        taken = {timezone.localtime(s.starts_at).date() for s in run.sessions.all()}
        starts_at = schedule.next_free_week(
            timezone.localtime(last.starts_at), run.venue.nation, taken
        )
        replacement = Session.objects.create(run=run, number=last.number + 1, starts_at=starts_at)
    record(
        actor=actor,
        action="session.cancelled",
        target=session,
        provider_id=session.run.provider_id,
        data={"reason": reason.strip(), "replacement": replacement.number if replacement else None},
    )
    course_messages.session_cancelled(session, replacement=replacement)
    return replacement


@transaction.atomic
def run_close(*, actor: Any, run: CourseRun) -> CourseRun:
    """Close a run: each family's completion is settled. Its outstanding offers are withdrawn
    first by ``allocation.services.run_close``."""
    run = CourseRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.SCHEDULED:
        raise DomainError("This course is already closed.")
    run.status = RunStatus.CLOSED
    run.save(update_fields=["status"])
    settle_completion(run=run, actor=actor)
    record(actor=actor, action="run.closed", target=run, provider_id=run.provider_id)
    return run
