"""Session registers: who came, saved idempotently, locked after a while, and the
completion rule that follows from them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from nurture.accounts.models import ProgrammeRules
from nurture.audit.services import person, record, record_many
from nurture.courses import messages as course_messages
from nurture.courses.models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    CourseRun,
    Enrolment,
    EnrolmentStatus,
    RegisterSave,
    Session,
    SessionStatus,
)
from nurture.lib.errors import DomainError
from nurture.referrals import services as referral_services
from nurture.referrals.models import Status


@dataclass(frozen=True)
class Mark:
    status: str
    baby_state_note: str = ""
    contraindications_checked: bool = False


def is_locked(session: Session, *, lock_days: int, now: datetime) -> bool:
    """A register locks ``lock_days`` after its session, or after a manager reopened it."""
    opened_from = max(session.starts_at, session.register_reopened_at or session.starts_at)
    return now > opened_from + timedelta(days=lock_days)


def register_enrolments(session: Session) -> list[Enrolment]:
    """Families on the register: enrolled by this week, and not withdrawn before it."""
    return list(
        Enrolment.objects.filter(run_id=session.run_id, joined_at_session__lte=session.number)
        .filter(~Q(status=EnrolmentStatus.WITHDRAWN) | Q(attendance__session=session))
        .select_related("referral__baby", "referral__family")
        .distinct()
        .order_by("referral__baby__given_name")
    )


@transaction.atomic
def register_save(
    *,
    actor: Any,
    session: Session,
    marks: dict[uuid.UUID, Mark],
    save_id: uuid.UUID,
    now: datetime | None = None,
) -> bool:
    """Store a register. Returns False when this save (``save_id``) was already stored."""
    now = now or timezone.now()
    session = Session.objects.select_for_update().select_related("run").get(pk=session.pk)
    earlier = RegisterSave.objects.filter(pk=save_id).first()
    if earlier is not None:
        if earlier.session_id != session.pk:
            raise DomainError({"save_id": "This save id was used for another register."})
        return False
    if session.status == SessionStatus.CANCELLED:
        raise DomainError("This session was cancelled, so it has no register.")
    if timezone.localtime(session.starts_at).date() > timezone.localtime(now).date():
        raise DomainError("This session has not happened yet.")
    rules = ProgrammeRules.for_provider(session.run.provider_id)
    if is_locked(session, lock_days=rules.register_lock_days, now=now):
        raise DomainError("This register is locked. A manager can reopen it, with a reason.")
    if not marks:
        raise DomainError({"marks": "Mark at least one family."})
    on_register = {enrolment.pk: enrolment for enrolment in register_enrolments(session)}
    problems = {
        f"marks.{enrolment_id}": "This family is not on this session's register."
        for enrolment_id in marks
        if enrolment_id not in on_register
    }
    problems.update(
        {
            f"marks.{enrolment_id}.status": "Choose present, late, absent or did not attend."
            for enrolment_id, mark in marks.items()
            if mark.status not in AttendanceStatus.values
        }
    )
    if problems:
        raise DomainError(problems)
    RegisterSave.objects.create(id=save_id, session=session, saved_by=person(actor))
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                enrolment_id=enrolment_id,
                status=mark.status,
                baby_state_note=mark.baby_state_note.strip()[:200],
                contraindications_checked=mark.contraindications_checked,
                recorded_by=person(actor),
            )
            for enrolment_id, mark in marks.items()
        ],
        update_conflicts=True,
        unique_fields=["session", "enrolment"],
        update_fields=["status", "baby_state_note", "contraindications_checked", "recorded_by"],
    )
    record(
        actor=actor,
        action="register.saved",
        target=session,
        provider_id=session.run.provider_id,
        data={"marked": len(marks)},
    )
    course_messages.register_saved(session, marks, now=now)
    last = session.run.sessions.exclude(status=SessionStatus.CANCELLED).order_by("-number").first()
    if last is not None and last.starts_at <= now:
        # Once the course has ended, every save (a back-filled week too) settles completion.
        settle_completion(run=session.run, actor=actor)
    return True


@transaction.atomic
def register_reopen(*, actor: Any, session: Session, reason: str) -> Session:
    if not reason.strip():
        raise DomainError({"reason": "Say why the register needs changing."})
    session = Session.objects.select_for_update().select_related("run").get(pk=session.pk)
    session.register_reopened_at = timezone.now()
    session.register_reopen_reason = reason.strip()
    session.save(update_fields=["register_reopened_at", "register_reopen_reason"])
    record(
        actor=actor,
        action="register.reopened",
        target=session,
        provider_id=session.run.provider_id,
        data={"reason": reason.strip()},
    )
    return session


def settle_completion(*, run: CourseRun, actor: Any) -> None:
    """Apply the completion rule (default: at least 3 of 5 sessions attended).

    Called when the last register is saved or the run closes. Families who reached the
    rule complete; the rest are marked as not completed.
    """
    needed = ProgrammeRules.for_provider(run.provider_id).completion_min_sessions
    enrolments = (
        Enrolment.objects.filter(
            run=run,
            status__in=(
                EnrolmentStatus.ENROLLED,
                EnrolmentStatus.COMPLETED,
                EnrolmentStatus.NOT_COMPLETED,
            ),
        )
        .annotate(attended=Count("attendance", filter=Q(attendance__status__in=ATTENDED)))
        .select_related("referral")
    )
    changes: dict[str, list[Enrolment]] = {
        EnrolmentStatus.COMPLETED: [],
        EnrolmentStatus.NOT_COMPLETED: [],
    }
    for enrolment in enrolments:
        status = (
            EnrolmentStatus.COMPLETED
            if enrolment.attended >= needed
            else EnrolmentStatus.NOT_COMPLETED
        )
        if status != enrolment.status:
            changes[status].append(enrolment)
    # A fixed number of queries however many families: the register's save stays bounded.
    for new_status, changed in changes.items():
        if not changed:
            continue
        Enrolment.objects.filter(pk__in=[e.pk for e in changed]).update(status=new_status)
        record_many(
            actor=actor,
            action=f"enrolment.{new_status}",
            targets=list(changed),
            provider_id=run.provider_id,
            data={"needed": needed},
        )
    referral_services.move_many(
        [e.referral for e in changes[EnrolmentStatus.COMPLETED]],
        Status.COMPLETED,
        actor=actor,
        note=str(run),
    )
    referral_services.move_many(
        [e.referral for e in changes[EnrolmentStatus.NOT_COMPLETED]],
        Status.WITHDRAWN,
        actor=actor,
        note=f"Did not complete the course (fewer than {needed} sessions).",
    )
