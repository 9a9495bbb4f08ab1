"""Messages to members of staff, such as safety alerts and their escalations.

They go through the same outbox as family messages: rendered by ``outbox.render``, one row per
message with a dedupe key, sent after the transaction commits. A staff message goes by email
to the address on the person's login, carries no clinical detail at all (only that something
needs attention, and a link), and belongs to no family, so it shows in no family's message log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from nurture.notify import outbox
from nurture.notify.kinds import KINDS
from nurture.notify.models import Channel, Message

STAFF_KINDS = frozenset({"safety_alert", "safety_alert_escalated"})
"""Kinds written for staff (greeted by their login's name); every other kind is for families."""


def to_staff(
    *,
    user: Any,
    kind: str,
    context: dict[str, Any] | None = None,
    dedupe: str,
    provider_id: int | None = None,
    now: datetime | None = None,
) -> Message | None:
    """Queue ``kind`` for one member of staff. ``dedupe`` names the event (e.g.
    "safety_alert:<id>"); the same event never queues the same person's message twice.
    None when they have no email address or are no longer active."""
    if kind not in STAFF_KINDS:
        raise ValueError(f"{kind} is not a message for staff.")
    if not user.is_active or not user.email:
        return None
    now = now or timezone.now()
    urgent = KINDS[kind].urgent
    subject, text, html = outbox.render(kind, Channel.EMAIL, {"user": user, **(context or {})})
    return outbox.create_once(
        Message(
            provider_id=provider_id,
            user=user,
            channel=Channel.EMAIL,
            to_address=user.email,
            kind=kind,
            subject=subject,
            body_text=text,
            body_html=html,
            dedupe_key=f"{dedupe}:{user.pk}",
            urgent=urgent,
            send_after=outbox.send_after(now, urgent=urgent),
            next_attempt_at=now,
        )
    )
