"""Each enrolment's calendar link: an unguessable, revocable address a calendar app can
subscribe to, so moved or cancelled sessions update on the family's phone by themselves.

The link carries ``enrolment.calendar_key`` signed with the site's secret, so a guessed or
altered link is a 404 without touching the database. Changing the key (``revoke``) makes
every earlier link stop working. The file holds only the venue, the week and what to bring:
no names and no clinical detail, because anyone holding the link can read it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from icalendar import Calendar, vDuration

from nurture.audit.services import record
from nurture.courses.calendar import calendar_host, course_calendar
from nurture.courses.models import Enrolment, EnrolmentStatus, Session

SALT = "nurture.calendar"
REFRESH = timedelta(hours=4)


def token_for(enrolment: Enrolment) -> str:
    # A plain signer (no timestamp), so the link for an enrolment stays the same until revoked.
    return signing.Signer(salt=SALT).sign(str(enrolment.calendar_key))


def calendar_path(enrolment: Enrolment) -> str:
    return reverse("notify:calendar_feed", args=[token_for(enrolment)])


def calendar_url(enrolment: Enrolment) -> str:
    """The absolute link, for emails, text messages and pages."""
    return f"{settings.NURTURE_SITE_URL}{calendar_path(enrolment)}"


def webcal_url(enrolment: Enrolment) -> str:
    """The same link with the ``webcal:`` scheme, which opens the phone's calendar app."""
    return "webcal:" + calendar_url(enrolment).split(":", 1)[1]


def enrolment_for_token(token: str) -> Enrolment | None:
    """The enrolment a link names, or None when the link is forged, altered, revoked or the
    family has left the course."""
    try:
        key = uuid.UUID(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Enrolment.objects.filter(calendar_key=key)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("run__venue", "run__template")
        .prefetch_related(Prefetch("run__sessions", Session.objects.order_by("number")))
        .first()
    )


def feed(enrolment: Enrolment) -> bytes:
    """The subscribed calendar, with a hint to calendar apps to check back every few hours
    (many otherwise wait a day or more to notice a moved session)."""
    calendar = Calendar.from_ical(course_calendar([enrolment], host=calendar_host()))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())  # type: ignore[no-untyped-call]
    ical: bytes = calendar.to_ical()
    return ical


@transaction.atomic
def revoke(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """Give the enrolment a new calendar link; the old one stops working at once."""
    enrolment.calendar_key = uuid.uuid4()
    Enrolment.objects.filter(pk=enrolment.pk).update(calendar_key=enrolment.calendar_key)
    record(
        actor=actor,
        action="enrolment.calendar_link_revoked",
        target=enrolment,
        provider_id=enrolment.run.provider_id,
    )
    return enrolment
