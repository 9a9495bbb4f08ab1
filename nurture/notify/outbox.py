"""Putting messages in the outbox. Called inside the transaction of the event that causes
the message, so the two commit together or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from nurture.families.models import Carer
from nurture.notify.kinds import KINDS
from nurture.notify.models import Channel, Message, MessageStatus


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes


def channels_for(carer: Carer) -> list[tuple[str, str]]:
    """(channel, address) pairs this carer agreed to be contacted on; none if they opted out."""
    if not carer.consent_to_contact:
        return []
    if carer.preferred_channel == Carer.Channel.SMS and carer.mobile:
        return [(Channel.SMS, carer.mobile)]
    if carer.preferred_channel == Carer.Channel.EMAIL and carer.email:
        return [(Channel.EMAIL, carer.email)]
    # "Phone call" (or a missing address) means staff ring: nothing is sent automatically.
    return []


def send_after(now: datetime, *, urgent: bool) -> datetime:
    """Non-urgent messages wait out quiet hours (default 21:00 to 08:00, local time)."""
    start, end = settings.NOTIFY_QUIET_HOURS
    if urgent or start == end:  # equal hours switch quiet hours off
        return now
    local = timezone.localtime(now)
    if start > end:  # e.g. 21:00 to 08:00, across midnight
        quiet = local.hour >= start or local.hour < end
        next_day = local.hour >= start
    else:  # e.g. 00:00 to 07:00
        quiet = start <= local.hour < end
        next_day = False
    if not quiet:
        return now
    day = local.date() + timedelta(days=1) if next_day else local.date()
    return datetime.combine(day, time(end), tzinfo=local.tzinfo)


def render(kind: str, channel: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for a message; SMS has only text."""
    context = {"site_url": settings.NURTURE_SITE_URL, **context}
    if channel == Channel.SMS:
        return "", render_to_string(f"notify/{kind}.sms.txt", context).strip(), ""
    subject = " ".join(render_to_string(f"notify/{kind}.subject.txt", context).split())
    return (
        subject,
        render_to_string(f"notify/{kind}.txt", context).strip(),
        render_to_string(f"notify/{kind}.html", context),
    )


def to_family(
    *,
    kind: str,
    carer: Carer,
    context: dict[str, Any],
    dedupe: str,
    run: Any = None,
    attachment: Attachment | None = None,
    now: datetime | None = None,
) -> list[Message]:
    """Queue ``kind`` for one carer on each channel they agreed to. ``dedupe`` names the
    event (e.g. "offer_made:<offer id>"); the same event never queues the same message twice."""
    now = now or timezone.now()
    queued = []
    for message in _messages(kind, carer, context, dedupe, now, run=run, attachment=attachment):
        if create_once(message) is not None:
            queued.append(message)
    return queued


def to_many_carers(
    *, kind: str, recipients: Iterable[tuple[Carer, dict[str, Any], str]], now: datetime
) -> list[Message]:
    """Queue ``kind`` for many carers at once: (carer, context, dedupe) each, in one insert,
    so a scheduled job's queries stay bounded however many carers it serves. A message whose
    dedupe key is taken is skipped. They are not handed to a worker one by one: the periodic
    delivery job (every minute) sends them once due. Returns the messages it tried to queue."""
    messages = [
        message
        for carer, context, dedupe in recipients
        for message in _messages(kind, carer, context, dedupe, now)
    ]
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    return messages


def _messages(
    kind: str,
    carer: Carer,
    context: dict[str, Any],
    dedupe: str,
    now: datetime,
    *,
    run: Any = None,
    attachment: Attachment | None = None,
) -> Iterator[Message]:
    """One unsaved message for each channel the carer agreed to."""
    urgent = KINDS[kind].urgent
    for channel, address in channels_for(carer):
        subject, text, html = render(kind, channel, {"carer": carer, **context})
        attach = attachment if channel == Channel.EMAIL else None
        yield Message(
            provider_id=carer.family.provider_id,
            family_id=carer.family_id,
            run=run,
            carer=carer,
            channel=channel,
            to_address=address,
            kind=kind,
            subject=subject,
            body_text=text,
            body_html=html,
            attachment_name=attach.name if attach else "",
            attachment=attach.content if attach else b"",
            dedupe_key=f"{dedupe}:{carer.pk}:{channel}",
            urgent=urgent,
            send_after=send_after(now, urgent=urgent),
            next_attempt_at=now,
        )


def cancel_queued(
    *,
    family_id: Any,
    run_id: Any = None,
    carer_id: Any = None,
    kind: str | None = None,
    reason: str,
) -> int:
    """Call off messages not yet sent to a family (for a run, to a carer, of a kind), e.g.
    when they leave the run."""
    rows = Message.objects.filter(family_id=family_id, status=MessageStatus.QUEUED)
    if run_id is not None:
        rows = rows.filter(run_id=run_id)
    if carer_id is not None:
        rows = rows.filter(carer_id=carer_id)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.update(status=MessageStatus.CANCELLED, last_error=reason[:300])


def to_family_carers(*, family: Any, **kwargs: Any) -> list[Message]:
    """Queue a message for every carer of a family (each on their own channels)."""
    messages: list[Message] = []
    for carer in family.carers.all():
        messages += to_family(carer=carer, **kwargs)
    return messages


def create_once(message: Message) -> Message | None:
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None  # already queued for this event
    transaction.on_commit(lambda: _start_sending(message.pk))
    return message


def _start_sending(message_id: Any) -> None:
    from nurture.notify.tasks import send_message

    send_message.enqueue(str(message_id))
