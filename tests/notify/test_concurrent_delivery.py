"""Two workers delivering at the same moment never send the same message twice.

Needs real concurrent transactions, so it runs on PostgreSQL (SKIP LOCKED)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from nurture.notify import backends, delivery
from nurture.notify.models import Message, MessageStatus


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_message_once(monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent workers claiming rows with SKIP LOCKED")
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            channel="sms",
            to_address=f"07700 900{index:03d}",
            kind="session_reminder",
            body_text="See you on Tuesday",
            send_after=now,
            next_attempt_at=now,
        )
        for index in range(60)
    )
    sent: list[str] = []
    lock = threading.Lock()

    class CountingSms:
        def send(self, message: Message) -> str:
            with lock:
                sent.append(str(message.pk))
            return f"test:{message.pk}"

    monkeypatch.setattr(backends, "sender_for", lambda channel: CountingSms())
    monkeypatch.setattr(delivery, "sender_for", lambda channel: CountingSms())
    barrier = threading.Barrier(4)

    def worker(_: int) -> int:
        try:
            barrier.wait(timeout=10)
            total = 0
            while True:
                count = delivery.deliver_due(limit=7)
                total += count
                if count == 0:
                    return total
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        totals = list(pool.map(worker, range(4)))

    assert sum(totals) == 60
    assert len(sent) == len(set(sent)) == 60
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 60
