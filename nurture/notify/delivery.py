"""Sending queued messages: claim, send, record. Safe with many workers at once.

A worker claims due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks them
"sending" (attempt + 1) in its own short transaction before calling the provider, so two
workers never send the same message. If a worker dies mid-send, the row stays "sending";
after ``STALE_AFTER`` it is queued again with a note that the earlier attempt's outcome is
unknown, so any second send is recorded, never silent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from nurture.notify.backends import sender_for
from nurture.notify.models import Message, MessageStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_AFTER = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _due(now: datetime) -> Q:
    return Q(status=MessageStatus.QUEUED, send_after__lte=now, next_attempt_at__lte=now)


def _claim(filters: Q, *, now: datetime, limit: int) -> list[Message]:
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(filters)
            .order_by("next_attempt_at")[:limit]
        )
        if rows:
            Message.objects.filter(pk__in=[m.pk for m in rows]).update(
                status=MessageStatus.SENDING, attempts=F("attempts") + 1, sending_started_at=now
            )
    for message in rows:
        message.status = MessageStatus.SENDING
        message.attempts += 1
    return rows


def _send(messages: Iterable[Message], now: datetime) -> int:
    sent = 0
    for message in messages:
        try:
            reference = sender_for(message.channel).send(message)
        except Exception as error:  # any provider failure: record it and retry later
            logger.warning("Sending message %s failed: %s", message.pk, error)
            failed = message.attempts >= MAX_ATTEMPTS
            Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.FAILED if failed else MessageStatus.QUEUED,
                next_attempt_at=now + backoff(message.attempts),
                last_error=f"{type(error).__name__}: {error}"[:300],
            )
        else:
            Message.objects.filter(pk=message.pk).update(
                status=MessageStatus.SENT,
                sent_at=timezone.now(),
                provider_reference=reference[:100],
            )
            sent += 1
    return sent


def requeue_stale(*, now: datetime) -> int:
    return Message.objects.filter(
        status=MessageStatus.SENDING, sending_started_at__lt=now - STALE_AFTER
    ).update(
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        last_error="The previous attempt stopped part-way; it may or may not have gone.",
    )


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send every message that is due. For the periodic job and the worker."""
    now = now or timezone.now()
    requeue_stale(now=now)
    return _send(_claim(_due(now), now=now, limit=limit), now)


def deliver(message_id: Any, *, now: datetime | None = None) -> bool:
    """Send one message now if it is due (the task queued when it was created)."""
    now = now or timezone.now()
    return _send(_claim(_due(now) & Q(pk=message_id), now=now, limit=1), now) == 1
