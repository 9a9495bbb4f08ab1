from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from nurture.accounts.models import Provider
from nurture.families import ages


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh (Cymraeg)"
    POLISH = "pl", "Polish"
    URDU = "ur", "Urdu"
    PUNJABI = "pa", "Punjabi"
    BENGALI = "bn", "Bengali"
    ARABIC = "ar", "Arabic"
    ROMANIAN = "ro", "Romanian"
    SOMALI = "so", "Somali"
    OTHER = "other", "Another language"


class Family(models.Model):
    """A household known to a provider: its carers and babies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="families")
    health_visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_families",
        help_text="The family's named health visitor, who referred them.",
    )
    postcode = models.CharField(max_length=10, blank=True)
    notes = models.TextField(blank=True, help_text="For staff only. No clinical detail.")
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the family asked to be forgotten: home practice and contact details went "
        "then; the clinical record stays until ``clinical_kept_until``.",
    )
    clinical_kept_until = models.DateField(
        null=True, blank=True, help_text="After an erasure: when the rest of the record goes."
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return f"Family {str(self.id)[:8]}"


class Carer(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        PARENT = "parent", "Parent"
        GRANDPARENT = "grandparent", "Grandparent"
        FOSTER_CARER = "foster_carer", "Foster carer"
        OTHER = "other", "Other carer"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        PHONE = "phone", "Phone call"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="carers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carer",
        help_text="The carer's own login, if they have one.",
    )
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    relationship = models.CharField(
        max_length=20, choices=Relationship.choices, default=Relationship.PARENT
    )
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=20, blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    consent_to_contact = models.BooleanField(
        default=False, help_text="Agreed to be contacted about courses and reminders."
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ENGLISH)
    needs_interpreter = models.BooleanField(default=False)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.full_name()

    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Baby(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="babies")
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField()
    gestation_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Completed weeks of pregnancy at birth, if known."
    )
    gestation_extra_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days beyond the completed weeks (0 to 6)."
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date_of_birth", "given_name"]
        verbose_name_plural = "babies"

    def __str__(self) -> str:
        return self.full_name()

    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def gestation_days(self) -> int | None:
        """Gestation at birth in days, from the recorded weeks or from the due date."""
        if self.gestation_weeks is not None:
            return self.gestation_weeks * 7 + (self.gestation_extra_days or 0)
        if self.due_date is not None:
            return ages.gestation_days_from_due_date(self.date_of_birth, self.due_date)
        return None

    @property
    def is_preterm(self) -> bool:
        return ages.is_preterm(self.gestation_days)

    def gestation_label(self) -> str:
        days = self.gestation_days
        if days is None:
            return "Not recorded"
        weeks, extra = divmod(days, 7)
        return f"{weeks}+{extra} weeks"

    def age(self, on: date | None = None) -> ages.BabyAge:
        return ages.baby_age(self.date_of_birth, self.gestation_days, on or timezone.localdate())
