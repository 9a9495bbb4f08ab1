from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from nurture.accounts.models import Provider, Venue
from nurture.referrals.models import Referral

DEFAULT_WEEK_PLAN = [
    "Welcome, asking permission, legs and feet",
    "Tummy, and legs and feet again",
    "Chest, arms and hands",
    "Face and back",
    "Gentle movements and the whole routine",
]


class CourseTemplate(models.Model):
    """What a course is: how many weekly sessions, how long, and what each week teaches."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="templates")
    name = models.CharField(max_length=120)
    sessions_count = models.PositiveSmallIntegerField(default=5)
    session_minutes = models.PositiveSmallIntegerField(default=60)
    week_plan = models.JSONField(default=list, blank=True, help_text="One line per week.")
    what_to_bring = models.TextField(
        blank=True,
        default="A towel or soft blanket, a change of nappy, and your baby's usual feed.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="template_name_per_provider")
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class CourseRun(models.Model):
    """One course at one venue: a set of dated weekly sessions for up to ``capacity`` families."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="runs")
    template = models.ForeignKey(CourseTemplate, on_delete=models.PROTECT, related_name="runs")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="runs")
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="runs_facilitated", blank=True
    )
    capacity = models.PositiveSmallIntegerField(default=8)
    first_session_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.SCHEDULED)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_session_at"]
        indexes = [
            # Reports: a provider's runs that began in a date range.
            models.Index(fields=["provider", "first_session_at"], name="run_provider_start"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} at {self.venue.name}, from {self.first_session_at:%-d %b %Y}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(help_text="Week 1, 2, 3...")
    starts_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    moved_from = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="Why it moved or was cancelled.")
    sequence = models.PositiveIntegerField(
        default=0, help_text="Raised on every change, so calendars replace the old event."
    )
    register_reopened_at = models.DateTimeField(null=True, blank=True)
    register_reopen_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["run", "number"]
        indexes = [
            # Reports: sessions held in a date range (attendance).
            models.Index(fields=["starts_at", "run"], name="session_starts_run"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="one_session_per_week")
        ]

    def __str__(self) -> str:
        return f"Week {self.number}, {self.starts_at:%-d %b %Y}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a reply"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    FILLED = "filled", "Place already taken"


class OfferKind(models.TextChoices):
    AUTOMATIC = "automatic", "Next on the waiting list"
    MANUAL = "manual", "Offered by staff"
    OPEN_TO_ALL = "open_to_all", "Offered to all: first to accept"


class Offer(models.Model):
    """A place on a run offered to a referred family, held until it expires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, related_name="offers")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=12, choices=OfferKind.choices)
    status = models.CharField(
        max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    offered_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-offered_at"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            # Reports: offers made in a date range, and each referral's first offer.
            models.Index(fields=["offered_at"], name="offer_offered_at"),
            models.Index(fields=["referral", "offered_at"], name="offer_referral_offered_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "referral"],
                condition=models.Q(status="pending"),
                name="one_pending_offer_per_run_and_referral",
            )
        ]

    def __str__(self) -> str:
        return f"Offer of {self.run} to {self.referral.baby}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Did not complete"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrolment(models.Model):
    """A family's place on a run: one enrolment covers all its sessions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(CourseRun, on_delete=models.PROTECT, related_name="enrolments")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        max_length=15, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    joined_at_session = models.PositiveSmallIntegerField(default=1)
    calendar_key = models.UUIDField(
        default=uuid.uuid4, unique=True, help_text="Secret part of the family's calendar link."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "referral"], name="one_enrolment_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.referral.baby} on {self.run}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    ABSENT = "absent", "Absent (told us)"
    DID_NOT_ATTEND = "dna", "Did not attend"


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    baby_state_note = models.CharField(max_length=200, blank=True)
    contraindications_checked = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_mark_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} week {self.session.number}: {self.status}"


class RegisterSave(models.Model):
    """A register save the client named with its own id, so a retried save stores once."""

    id = models.UUIDField(primary_key=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="saves")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Register save {self.id}"
