"""A message when questions open for a parent on their course: before the course starts (or in
its first weeks), at the end, and at the follow-up. It says only that a few short questions are
ready and links to the app: never which questionnaire, nothing about mood (security.md H9).

One message per course point per carer (the outbox's dedupe key makes a second run a no-op),
only to carers with a login, since the questions are answered in the app. Bounded queries,
however many carers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from nurture.courses.models import Enrolment, EnrolmentStatus, RunStatus
from nurture.families.models import Carer
from nurture.notify import outbox
from nurture.notify.models import Message
from nurture.questionnaires.schedule import due_for_carers

KIND = "questionnaire_due"
LOOK_BACK = timedelta(weeks=30)
"""Courses that began longer ago than this have no questions left to open (the follow-up
closes ten weeks after the last session)."""


def _dedupe(enrolment_id: Any, point: str) -> str:
    return f"{KIND}:{enrolment_id}:{point}"


def queue_questionnaire_due(*, now: datetime | None = None) -> int:
    """Queue a message for each carer with questions newly open. Returns how many carers
    were sent one (those who agreed to messages)."""
    now = now or timezone.now()
    families = (
        Enrolment.objects.exclude(status=EnrolmentStatus.WITHDRAWN)
        .exclude(run__status=RunStatus.CANCELLED)
        .filter(run__first_session_at__gte=now - LOOK_BACK)
        .values("referral__family_id")
    )
    carers = list(
        Carer.objects.filter(user__isnull=False, family_id__in=families).select_related("family")
    )
    keys = Message.objects.filter(kind=KIND, carer__in=[c.pk for c in carers]).values_list(
        "dedupe_key", flat=True
    )
    done = {key.rsplit(":", 1)[0] for key in keys if key}  # without the channel
    due = due_for_carers(carers, now=now)
    recipients = []
    for carer in carers:
        points = {(item.enrolment_id, item.point) for item in due.get(carer.pk, [])}
        for enrolment_id, point in sorted(points, key=str):
            dedupe = _dedupe(enrolment_id, point)
            if f"{dedupe}:{carer.pk}" not in done:
                recipients.append((carer, {"point": point}, dedupe))
    with transaction.atomic():
        queued = outbox.to_many_carers(kind=KIND, recipients=recipients, now=now)
    return len({message.carer_id for message in queued})
