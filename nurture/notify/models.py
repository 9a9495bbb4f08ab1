"""The outbox: every message is a row, written in the same transaction as what caused it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast
from django.db.models.lookups import LessThanOrEqual

from nurture.accounts.models import Provider


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    family = models.ForeignKey(
        "families.Family", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    run = models.ForeignKey(
        "courses.CourseRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    carer = models.ForeignKey(
        "families.Carer", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        help_text="A member of staff the message is for.",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to_address = models.CharField(max_length=254, help_text="The address or number used.")
    kind = models.CharField(max_length=40, db_index=True, help_text="Which message template.")
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(blank=True, default=b"")
    dedupe_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="The same event never makes the same message twice.",
    )
    urgent = models.BooleanField(default=False, help_text="Urgent messages ignore quiet hours.")
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(db_index=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address} ({self.status})"

    def get_kind_display(self) -> str:
        from nurture.notify.kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind


# --- Home-practice nudges ------------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MOST_NUDGE_DAYS = 3
EARLIEST_NUDGE_HOUR = 7
LATEST_NUDGE_HOUR = 20


class PracticeNudge(models.Model):
    """A parent's own choice to be nudged to practise at home: off until they turn it on.

    One boolean a weekday (rather than a list) so the periodic job finds today's carers with
    a plain filter on either database, and the database itself refuses a fourth day.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    carer = models.OneToOneField(
        "families.Carer", on_delete=models.CASCADE, related_name="practice_nudge"
    )
    enabled = models.BooleanField(default=False)
    monday = models.BooleanField(default=False)
    tuesday = models.BooleanField(default=False)
    wednesday = models.BooleanField(default=False)
    thursday = models.BooleanField(default=False)
    friday = models.BooleanField(default=False)
    saturday = models.BooleanField(default=False)
    sunday = models.BooleanField(default=False)
    hour = models.PositiveSmallIntegerField(
        default=10, help_text="Local hour (Europe/London) from which the nudge may go."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    sum(
                        (Cast(models.F(day), models.IntegerField()) for day in WEEKDAYS[1:]),
                        Cast(models.F(WEEKDAYS[0]), models.IntegerField()),
                    ),
                    MOST_NUDGE_DAYS,
                ),
                name="practice_nudge_at_most_three_days",
            ),
            models.CheckConstraint(
                condition=models.Q(hour__gte=EARLIEST_NUDGE_HOUR, hour__lte=LATEST_NUDGE_HOUR),
                name="practice_nudge_hour_in_the_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Practice reminders for carer {self.carer_id}"

    @property
    def days(self) -> list[str]:
        """The chosen weekdays, Monday first."""
        return [day for day in WEEKDAYS if getattr(self, day)]


class PracticeNudgeSent(models.Model):
    """One row per carer per local date a nudge was queued. The unique pair is what stops a
    second nudge on the same day, whichever process or run tries; the rolling limit of three
    in seven days is counted from these rows under a lock on the carer's preference."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    carer = models.ForeignKey(
        "families.Carer", on_delete=models.CASCADE, related_name="practice_nudges_sent"
    )
    date = models.DateField(help_text="The local date the nudge was for.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["carer", "date"], name="practice_nudge_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Practice nudge for carer {self.carer_id} on {self.date}"
