"""API: dated sessions and their registers. Mounted on the courses router."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import AwareDatetime, Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.courses import registers, selectors, services
from nurture.courses.models import AttendanceStatus, RegisterSave, Session
from nurture.lib import time_ranges
from nurture.lib.errors import Conflict, DomainError
from nurture.lib.problems import Problem
from nurture.lib.schemas import Id, Note, api_field_names

router = Router(tags=["sessions and registers"], auth=API_AUTH)


def within_two_years(field: str, when: datetime) -> None:
    """Far-future dates are a typing slip (and would overflow the calendar). The day is the
    sender's own (no conversion, which itself overflows at the ends of the calendar)."""
    problem = time_ranges.planned_problem(when.date(), today=timezone.localdate())
    if problem:
        raise DomainError({field: problem})


# --- Schemas ----------------------------------------------------------------------------------


class CourseSessionOut(Schema):
    id: int
    run_id: uuid.UUID
    number: int
    starts_at: datetime
    status: str
    moved_from: datetime | None
    note: str
    register_reopened_at: datetime | None


class CancelOut(Schema):
    cancelled: CourseSessionOut
    replacement: CourseSessionOut | None = Field(description="The week added at the end, if any.")


class MarkOut(Schema):
    status: AttendanceStatus
    baby_state_note: str
    contraindications_checked: bool
    recorded_at: datetime


class RegisterRowOut(Schema):
    enrolment_id: uuid.UUID
    referral_id: uuid.UUID
    family_id: uuid.UUID
    baby_name: str
    enrolment_status: str
    joined_at_session: int
    mark: MarkOut | None

    @staticmethod
    def resolve_enrolment_id(row: selectors.RegisterRow) -> Any:
        return row.enrolment.pk

    @staticmethod
    def resolve_referral_id(row: selectors.RegisterRow) -> Any:
        return row.enrolment.referral_id

    @staticmethod
    def resolve_family_id(row: selectors.RegisterRow) -> Any:
        return row.enrolment.referral.family_id

    @staticmethod
    def resolve_baby_name(row: selectors.RegisterRow) -> str:
        return row.enrolment.referral.baby.full_name()

    @staticmethod
    def resolve_enrolment_status(row: selectors.RegisterRow) -> str:
        return row.enrolment.status

    @staticmethod
    def resolve_joined_at_session(row: selectors.RegisterRow) -> int:
        return row.enrolment.joined_at_session


class RegisterOut(Schema):
    session: CourseSessionOut
    run_id: uuid.UUID
    locked: bool = Field(description="Locked registers can be changed after a manager reopens.")
    lock_days: int
    rows: list[RegisterRowOut]


class RegisterSavedOut(RegisterOut):
    stored: bool = Field(description="False when this save_id had already been stored.")


class MoveIn(Schema):
    starts_at: AwareDatetime = Field(description="ISO 8601 with a time zone offset.")
    reason: str = Field(max_length=200)


class CancelIn(Schema):
    reason: str = Field(max_length=200)
    add_replacement: bool = Field(default=True, description="Add a week at the end of the run.")


class MarkIn(Schema):
    enrolment_id: uuid.UUID
    status: AttendanceStatus
    baby_state_note: str = Field(default="", max_length=200)
    contraindications_checked: bool = False


class RegisterIn(Schema):
    save_id: uuid.UUID = Field(description="Client-generated: the same save twice stores once.")
    marks: list[MarkIn] = Field(max_length=60)


class ReopenIn(Schema):
    reason: Note


# --- Helpers ----------------------------------------------------------------------------------


def _managed_session(user: Any, session_id: Id) -> Session:
    """A session of a run this user manages; anything else is a 404."""
    session = selectors.session_detail(user, session_id)
    if not policy.can_manage_run(user, session.run):
        raise Http404("Not found.")
    return session


def _register_out(register: selectors.Register, **extra: Any) -> dict[str, Any]:
    return {
        "session": register.session,
        "run_id": register.session.run_id,
        "locked": register.locked,
        "lock_days": register.lock_days,
        "rows": register.rows,
        **extra,
    }


# --- Sessions ---------------------------------------------------------------------------------


@router.post(
    "/sessions/{int:session_id}/move", response={200: CourseSessionOut, 404: Problem, 422: Problem}
)
def session_move(request: HttpRequest, session_id: Id, payload: MoveIn) -> Any:
    """Service managers: move one session, keeping the weeks in order."""
    session = _managed_session(request.user, session_id)
    within_two_years("starts_at", payload.starts_at)
    return services.session_move(
        actor=request.user, session=session, starts_at=payload.starts_at, reason=payload.reason
    )


@router.post(
    "/sessions/{int:session_id}/cancel", response={200: CancelOut, 404: Problem, 422: Problem}
)
def session_cancel(request: HttpRequest, session_id: Id, payload: CancelIn) -> Any:
    """Service managers: cancel one session; by default a replacement week is added."""
    session = _managed_session(request.user, session_id)
    replacement = services.session_cancel(
        actor=request.user,
        session=session,
        reason=payload.reason,
        add_replacement=payload.add_replacement,
    )
    return {
        "cancelled": selectors.session_detail(request.user, session_id),
        "replacement": replacement,
    }


# --- Registers --------------------------------------------------------------------------------


@router.get("/sessions/{int:session_id}/register", response={200: RegisterOut, 404: Problem})
def register_get(request: HttpRequest, session_id: Id) -> Any:
    """The session's register: the run's facilitators and the provider's managers."""
    return _register_out(selectors.register_for(request.user, session_id))


@router.put(
    "/sessions/{int:session_id}/register",
    response={200: RegisterSavedOut, 404: Problem, 409: Problem, 422: Problem},
)
def register_put(request: HttpRequest, session_id: Id, payload: RegisterIn) -> Any:
    """Save the register. Sending the same save_id again stores nothing more (200 both
    times, with stored false the second time)."""
    register = selectors.register_for(request.user, session_id)
    ids = [mark.enrolment_id for mark in payload.marks]
    if len(set(ids)) != len(ids):
        raise DomainError({"marks": "Mark each family once."})
    if (
        RegisterSave.objects.filter(pk=payload.save_id)
        .exclude(session_id=register.session.pk)
        .exists()
    ):
        raise Conflict({"save_id": "This id was used for another register. Generate a new one."})
    renames = {}
    for index, enrolment_id in enumerate(ids):
        renames[f"marks.{enrolment_id}"] = f"marks.{index}.enrolment_id"
        renames[f"marks.{enrolment_id}.status"] = f"marks.{index}.status"
    with api_field_names(**renames):
        stored = registers.register_save(
            actor=request.user,
            session=register.session,
            save_id=payload.save_id,
            marks={
                mark.enrolment_id: registers.Mark(
                    status=mark.status.value,
                    baby_state_note=mark.baby_state_note,
                    contraindications_checked=mark.contraindications_checked,
                )
                for mark in payload.marks
            },
        )
    return _register_out(selectors.register_for(request.user, session_id), stored=stored)


@router.post(
    "/sessions/{int:session_id}/register/reopen",
    response={200: RegisterOut, 404: Problem, 422: Problem},
)
def register_reopen(request: HttpRequest, session_id: Id, payload: ReopenIn) -> Any:
    """Service managers: reopen a locked register for changes, with a reason."""
    session = _managed_session(request.user, session_id)
    registers.register_reopen(actor=request.user, session=session, reason=payload.reason)
    return _register_out(selectors.register_for(request.user, session_id))
