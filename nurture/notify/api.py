"""API: the message log, sending a message again, each enrolment's calendar link, and a
carer's own practice reminders.

Scoped like the pages: the message log is for staff who may see the family or run; a
calendar link for the family themselves and staff who look after them; practice reminders
for the carer alone. Contact preferences are changed through ``PATCH /carers/{id}``, practice
reminders through ``PATCH /carers/{id}/practice-reminders``.
"""

# No ``from __future__ import annotations``: the paginated routes' path parameters must be
# real types, because ninja reads them through the pagination wrapper's globals.
import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from nurture import policy
from nurture.accounts.authentication import API_AUTH
from nurture.courses import calendar_links
from nurture.lib.pagination import Pages
from nurture.lib.problems import Problem
from nurture.lib.schemas import PatchSchema
from nurture.notify import selectors
from nurture.notify.models import (
    EARLIEST_NUDGE_HOUR,
    LATEST_NUDGE_HOUR,
    MOST_NUDGE_DAYS,
    Channel,
    Message,
    MessageStatus,
    PracticeNudge,
)
from nurture.notify.views import resend_message
from nurture.practice import nudges as practice_nudges

router = Router(tags=["messages"], auth=API_AUTH)


class MessageOut(Schema):
    id: uuid.UUID
    kind: str
    kind_label: str
    channel: Channel
    to_address: str
    status: MessageStatus
    attempts: int
    created_at: datetime
    send_after: datetime
    sent_at: datetime | None
    last_error: str
    family_id: uuid.UUID | None
    run_id: uuid.UUID | None
    carer_id: uuid.UUID | None
    resend_of_id: uuid.UUID | None = Field(description="The message this one is a copy of.")
    can_send_again: bool = Field(description="Whether you may send this message again now.")

    @staticmethod
    def resolve_kind_label(message: Message) -> str:
        return message.get_kind_display()

    @staticmethod
    def resolve_can_send_again(message: Message, context: dict[str, Any]) -> bool:
        return selectors.can_send_again(context["request"].user, message)


class CalendarLinkOut(Schema):
    url: str = Field(description="Subscribe to this in a calendar app; no login needed.")
    webcal_url: str = Field(description="The same link for phones (opens the calendar app).")


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class PracticeRemindersOut(Schema):
    carer_id: uuid.UUID
    enabled: bool = Field(description="Off until the carer turns it on.")
    days: list[Weekday] = Field(description="The days a reminder may go, Monday first.")
    hour: int = Field(description="The local hour (UK time) from which it may go.")
    time_label: str

    @staticmethod
    def resolve_time_label(nudge: PracticeNudge) -> str:
        return practice_nudges.hour_label(nudge.hour)


class PracticeRemindersPatch(PatchSchema):
    enabled: bool | None = None
    days: list[Weekday] | None = Field(
        default=None, max_length=MOST_NUDGE_DAYS, description="Up to three days."
    )
    hour: int | None = Field(default=None, ge=EARLIEST_NUDGE_HOUR, le=LATEST_NUDGE_HOUR)


def _staff_only(request: HttpRequest) -> None:
    if not policy.roles_of(request.user) & set(policy.STAFF):
        raise Http404


def _link(enrolment: Any) -> dict[str, str]:
    return {
        "url": calendar_links.calendar_url(enrolment),
        "webcal_url": calendar_links.webcal_url(enrolment),
    }


# --- Message log -------------------------------------------------------------------------------


@router.get("/families/{uuid:family_id}/messages", response={200: list[MessageOut], 404: Problem})
@paginate(Pages)
def family_messages(request: HttpRequest, family_id: uuid.UUID) -> Any:
    """Staff: every message to a family, newest first."""
    _staff_only(request)
    family = selectors.family_for_log(request.user, family_id)
    return selectors.family_messages(request.user, family)


@router.get("/runs/{uuid:run_id}/messages", response={200: list[MessageOut], 404: Problem})
@paginate(Pages)
def run_messages(request: HttpRequest, run_id: uuid.UUID) -> Any:
    """Staff: a course's messages to the families on it you may see, newest first."""
    _staff_only(request)
    run = selectors.run_for_log(request.user, run_id)
    return selectors.run_messages(request.user, run)


@router.post(
    "/messages/{uuid:message_id}/resend", response={201: MessageOut, 404: Problem, 422: Problem}
)
def message_resend(request: HttpRequest, message_id: uuid.UUID) -> Status[Any]:
    """Staff who may change the family's details or who manage the course: queue a copy of
    a sent, failed or cancelled message. Returns the new message."""
    _staff_only(request)
    message = selectors.resendable_message(request.user, message_id)
    copy = resend_message(actor=request.user, message=message)
    return Status(201, selectors.message_detail(request.user, copy.pk))


# --- Calendar links ----------------------------------------------------------------------------


@router.get(
    "/enrolments/{uuid:enrolment_id}/calendar-link",
    response={200: CalendarLinkOut, 404: Problem},
)
def calendar_link(request: HttpRequest, enrolment_id: uuid.UUID) -> Any:
    """The enrolment's calendar link, for the family and the staff who look after them."""
    return _link(selectors.enrolment_for_calendar(request.user, enrolment_id))


@router.post(
    "/enrolments/{uuid:enrolment_id}/calendar-link/revoke",
    response={200: CalendarLinkOut, 404: Problem},
)
def calendar_link_revoke(request: HttpRequest, enrolment_id: uuid.UUID) -> Any:
    """The family or staff who manage the course: make a new link; the old one stops working."""
    enrolment = selectors.revocable_enrolment(request.user, enrolment_id)
    return _link(calendar_links.revoke(actor=request.user, enrolment=enrolment))


# --- Practice reminders ------------------------------------------------------------------------


@router.get(
    "/carers/{uuid:carer_id}/practice-reminders",
    response={200: PracticeRemindersOut, 404: Problem},
)
def practice_reminders(request: HttpRequest, carer_id: uuid.UUID) -> Any:
    """The carer's own home-practice reminders. Only the carer themself: others get 404."""
    return practice_nudges.preference_for(selectors.own_carer(request.user, carer_id))


@router.patch(
    "/carers/{uuid:carer_id}/practice-reminders",
    response={200: PracticeRemindersOut, 404: Problem, 422: Problem},
)
def practice_reminders_update(
    request: HttpRequest, carer_id: uuid.UUID, payload: PracticeRemindersPatch
) -> Any:
    """Turn the carer's own practice reminders on or off, or change their days (up to three)
    or hour. Leave a field out to keep it."""
    carer = selectors.own_carer(request.user, carer_id)
    current = practice_nudges.preference_for(carer)
    changes = payload.model_dump(exclude_unset=True)
    choice = practice_nudges.Choice(
        enabled=changes.get("enabled", current.enabled),
        days=changes.get("days", current.days),
        hour=changes.get("hour", current.hour),
    )
    return practice_nudges.practice_nudge_update(actor=request.user, carer=carer, choice=choice)
