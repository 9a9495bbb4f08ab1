from __future__ import annotations

from django_tasks import task

from nurture.notify import delivery


@task()
def send_message(message_id: str) -> bool:
    """Send a message as soon as it is queued (if it is due; otherwise the periodic job will)."""
    return delivery.deliver(message_id)
