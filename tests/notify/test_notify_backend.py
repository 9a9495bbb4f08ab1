"""GOV.UK Notify, faked only at its HTTP boundary: the real client signs and sends real
requests to a small local server that answers the way Notify does."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import time_machine

from nurture.families.models import Carer
from nurture.notify import delivery
from nurture.notify.models import Channel, Message, MessageStatus
from tests.courses.test_messages import SITE, at, enrolled, make_course

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.UUID("6b0b5a0e-6a3e-4d7e-9c5e-2f1d1a9b7c01"))
SECRET = str(uuid.UUID("0f4c3b1a-2d5e-4f60-8a7b-9c8d7e6f5a42"))
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = str(uuid.UUID("11111111-2222-4333-8444-555555555555"))
EMAIL_TEMPLATE = str(uuid.UUID("66666666-7777-4888-9999-aaaaaaaaaaaa"))


class FakeNotify:
    """A local HTTP server that records each request and answers like Notify's API:
    201 with a notification id, or whatever status ``answer`` is set to."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[int] = []  # statuses to give, in order; then 201
        self.ids: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": body}
                )
                status = fake.answers.pop(0) if fake.answers else 201
                if status == 201:
                    notification_id = str(uuid.uuid4())
                    fake.ids.append(notification_id)
                    answer: dict[str, Any] = {
                        "id": notification_id,
                        "reference": body.get("reference"),
                        "content": {"body": body.get("personalisation", {}).get("body", "")},
                        "uri": f"/v2/notifications/{notification_id}",
                        "template": {"id": body.get("template_id"), "version": 1, "uri": ""},
                    }
                else:
                    answer = {
                        "status_code": status,
                        "errors": [{"error": "Exception", "message": "Internal server error"}],
                    }
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def use_notify(settings: Any, server: FakeNotify, *, sms: bool = True, email: bool = True) -> None:
    settings.NURTURE_SITE_URL = SITE
    settings.NOTIFY_SMS_BACKEND = "notify" if sms else "file"
    settings.NOTIFY_EMAIL_BACKEND = "notify" if email else "django"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = server.url
    settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE


@pytest.fixture
def notify(settings: Any) -> Iterator[FakeNotify]:
    with FakeNotify() as server:
        use_notify(settings, server)
        yield server


def deliver_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return delivery.deliver_due()


def test_a_text_message_goes_to_notify_with_our_wording(notify: FakeNotify) -> None:
    make_course(channel=Carer.Channel.SMS)
    message = Message.objects.get()
    assert deliver_at(at(3, 1, 9, 1)) == 1
    [request] = notify.requests
    assert request["path"] == "/v2/notifications/sms"
    assert request["json"] == {
        "phone_number": "07700 900123",
        "template_id": SMS_TEMPLATE,
        "personalisation": {"body": message.body_text},
        "reference": str(message.pk),
    }
    scheme, token = request["headers"]["Authorization"].split(" ")
    assert scheme == "Bearer"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    assert claims == {"iss": SERVICE_ID, "iat": int(at(3, 1, 9, 1).timestamp())}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_reference == notify.ids[0]
    assert message.attempts == 1 and message.last_error == ""


def test_an_email_goes_to_notify_with_subject_and_body(notify: FakeNotify) -> None:
    make_course(channel=Carer.Channel.EMAIL)
    message = Message.objects.get()
    assert message.channel == Channel.EMAIL
    deliver_at(at(3, 1, 9, 1))
    [request] = notify.requests
    assert request["path"] == "/v2/notifications/email"
    assert request["json"] == {
        "email_address": "alex@example.org",
        "template_id": EMAIL_TEMPLATE,
        "personalisation": {"subject": message.subject, "body": message.body_text},
        "reference": str(message.pk),
    }
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.provider_reference == notify.ids[0]


def test_email_can_stay_on_django_while_texts_use_notify(settings: Any) -> None:
    from django.core import mail

    with FakeNotify() as server:
        use_notify(settings, server, email=False)
        enrolled(channel=Carer.Channel.EMAIL)
        enrolled(channel=Carer.Channel.SMS)
        assert deliver_at(at(3, 1, 10, 5)) == 4
        assert {r["path"] for r in server.requests} == {"/v2/notifications/sms"}
        assert len(server.requests) == 2
        assert len(mail.outbox) == 2


def test_a_notify_error_is_recorded_and_the_message_tried_again(notify: FakeNotify) -> None:
    make_course(channel=Carer.Channel.SMS)
    notify.answers = [500]
    assert deliver_at(at(3, 1, 9, 1)) == 0
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert message.last_error.startswith("HTTPError")
    assert message.provider_reference == ""
    assert deliver_at(at(3, 1, 9, 2)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert message.provider_reference == notify.ids[0]
    assert len(notify.requests) == 2
    assert {r["json"]["reference"] for r in notify.requests} == {str(message.pk)}


def test_a_confirmation_sent_through_notify_does_not_promise_a_calendar_file(
    notify: FakeNotify,
) -> None:
    enrolled()  # Notify cannot attach an .ics, so the email points to Nurture instead
    confirmation = Message.objects.get(kind="enrolment_confirmed")
    assert "attached" not in confirmation.body_text
    assert "add every session to your phone or computer calendar from Nurture" in (
        confirmation.body_text
    )
    deliver_at(at(3, 1, 10, 1))
    sent = [r["json"] for r in notify.requests if r["json"]["reference"] == str(confirmation.pk)]
    assert sent[0]["personalisation"]["body"] == confirmation.body_text
    assert set(sent[0]) == {"email_address", "template_id", "personalisation", "reference"}
