"""How a message leaves Nurture: Django email (SMTP or console), GOV.UK Notify, or, for
development, a console or file writer for text messages."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from nurture.notify.models import Channel, Message

logger = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, message: Message) -> str:
        """Send the message; return the provider's reference. Raise on failure."""


class DjangoEmail:
    def send(self, message: Message) -> str:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_address],  # one recipient per message, never a shared list
            headers={"X-Nurture-Message": str(message.pk)},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        if message.attachment_name:
            email.attach(
                message.attachment_name,
                bytes(message.attachment),
                "text/calendar; method=REQUEST; charset=utf-8",
            )
        email.send()
        return f"email:{message.pk}"


class GovukNotify:
    """GOV.UK Notify with one email and one text template whose placeholders carry our own
    wording (``((subject))`` and ``((body))``), so every message is written in this repo."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20
        )

    def send(self, message: Message) -> str:
        if message.channel == Channel.SMS:
            response = self.client.send_sms_notification(
                phone_number=message.to_address,
                template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
                personalisation={"body": message.body_text},
                reference=str(message.pk),
            )
        else:
            response = self.client.send_email_notification(
                email_address=message.to_address,
                template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation={"subject": message.subject, "body": message.body_text},
                reference=str(message.pk),
            )
        return str(response["id"])


class ConsoleSms:
    def send(self, message: Message) -> str:
        logger.info("Text message to %s: %s", message.to_address, message.body_text)
        return f"console:{message.pk}"


class FileSms:
    """Appends each text message as a JSON line to ``var/sms.log`` (for trying Nurture out)."""

    def send(self, message: Message) -> str:
        path = Path(settings.DATA_DIR) / "sms.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as log:
            log.write(
                json.dumps(
                    {
                        "at": timezone.now().isoformat(),
                        "to": message.to_address,
                        "body": message.body_text,
                        "id": str(message.pk),
                    }
                )
                + "\n"
            )
        return f"file:{message.pk}"


def sender_for(channel: str) -> Sender:
    if channel == Channel.SMS:
        senders: dict[str, type[Sender]] = {
            "console": ConsoleSms,
            "file": FileSms,
            "notify": GovukNotify,
        }
        return senders[settings.NOTIFY_SMS_BACKEND]()
    if settings.NOTIFY_EMAIL_BACKEND == "notify":
        return GovukNotify()
    return DjangoEmail()
