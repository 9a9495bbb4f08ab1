from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from nurture.accounts.models import Provider, Venue
from nurture.families.models import Baby, Family


class Reason(models.TextChoices):
    LOW_MOOD = "low_mood", "Low mood, or at risk of postnatal depression"
    BONDING = "bonding", "Difficulty bonding"
    UNSETTLED = "unsettled", "Unsettled baby, colic or wind"
    PRETERM = "preterm", "Born early, or stayed in a neonatal unit"
    FIRST_TIME = "first_time", "First-time parent"
    ISOLATION = "isolation", "Socially isolated"
    OTHER = "other", "Other (say what)"


class Priority(models.TextChoices):
    ROUTINE = "routine", "Routine"
    HIGH = "high", "High"


class PreferredTime(models.TextChoices):
    MORNING = "morning", "Weekday mornings"
    AFTERNOON = "afternoon", "Weekday afternoons"
    ANY = "any", "Any time"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ELIGIBLE = "eligible", "Eligible"
    WAITING = "waiting", "On the waiting list"
    OFFERED = "offered", "Offered a place"
    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ELIGIBLE,
    Status.WAITING,
    Status.OFFERED,
    Status.ENROLLED,
)


class Referral(models.Model):
    """A health visitor's request that a baby and their family join a course."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="referrals")
    baby = models.ForeignKey(Baby, on_delete=models.PROTECT, related_name="referrals")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    reasons = models.JSONField(default=list, help_text="Codes from Reason.")
    reason_other = models.CharField(max_length=200, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    consent_to_contact = models.BooleanField(default=False)
    preferred_venues = models.ManyToManyField(Venue, blank=True, related_name="+")
    preferred_times = models.JSONField(default=list, help_text="Codes from PreferredTime.")
    notes = models.TextField(blank=True, help_text="For staff. No clinical detail.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_note = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    eligibility_override_reason = models.CharField(max_length=300, blank=True)
    eligibility_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["provider", "status"]),
            # Reports count referrals received in a date range, per provider.
            models.Index(fields=["provider", "created_at"], name="referral_provider_created"),
        ]

    def __str__(self) -> str:
        return f"Referral for {self.baby}"

    def reason_labels(self) -> list[str]:
        labels = [Reason(code).label for code in self.reasons if code in Reason.values]
        if self.reason_other:
            labels = [label for label in labels if label != Reason.OTHER.label]
            labels.append(self.reason_other)
        return labels

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralEvent(models.Model):
    """One step in a referral's history: from which state to which, by whom, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Reports: who reached a status (eligible, waiting) and when; a referral's history.
            models.Index(fields=["to_status", "at"], name="referral_event_status_at"),
            models.Index(fields=["referral", "at"], name="referral_event_referral_at"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"
