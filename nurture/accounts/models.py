from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from nurture.accounts.roles import STAFF_ROLES, Role


class User(AbstractUser):
    """A person who logs in. Their roles come from memberships and carer links (see policy)."""

    preferred_name = models.CharField(
        max_length=80, blank=True, help_text="What Nurture calls you, if not your first name."
    )

    def display_name(self) -> str:
        return self.preferred_name or self.first_name or self.username


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Provider(models.Model):
    """An organisation that runs programmes: an NHS trust's team or an independent business."""

    class Kind(models.TextChoices):
        NHS_TEAM = "nhs_team", "NHS community team"
        INDEPENDENT = "independent", "Independent instructor"

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


SHORTEST_RETENTION_AGE = 25
"""Children's records are kept at least until the 25th birthday (NHS Records Management Code
of Practice); a provider may keep them longer, never less."""


class ProgrammeRules(models.Model):
    """A provider's programme rules. Providers without a row use the defaults below."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="rules")
    min_age_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Youngest age (corrected for babies born early) at course start."
    )
    max_age_months = models.PositiveSmallIntegerField(
        default=6, help_text="Babies must be under this age (corrected) at course start."
    )
    offer_hold_hours = models.PositiveSmallIntegerField(
        default=72, help_text="How long an offered place is held before it goes to the next family."
    )
    late_join_last_session = models.PositiveSmallIntegerField(
        default=2, help_text="The last session a family may join a course at."
    )
    register_lock_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days after a session when its register locks."
    )
    completion_min_sessions = models.PositiveSmallIntegerField(
        default=3, help_text="Sessions a family must attend to complete the course."
    )
    waiting_list_by_area = models.BooleanField(
        default=False, help_text="Keep a waiting list per venue area instead of one list."
    )
    # Home practice: the readiness check before a massage (practice/readiness.py, domain §3).
    immunisation_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MaxValueValidator(336)],
        help_text="Hours after an immunisation when the readiness check steps in.",
    )
    immunisation_action = models.CharField(
        max_length=10,
        choices=[("defer", "Not today"), ("skip-area", "Leave out the injection site")],
        default="defer",
        help_text="What the readiness check says after a recent immunisation.",
    )
    feed_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MaxValueValidator(180)],
        help_text="Minutes to wait after a feed.",
    )
    feed_action = models.CharField(
        max_length=10,
        choices=[("wait", "Wait"), ("skip-area", "Leave out the tummy")],
        default="wait",
        help_text="What the readiness check says soon after a feed.",
    )

    # Retention (UK GDPR; NHS Records Management Code of Practice): children's health
    # records are kept until the child's 25th birthday, then removed.
    records_kept_until_age = models.PositiveSmallIntegerField(
        default=25,
        validators=[MinValueValidator(SHORTEST_RETENTION_AGE), MaxValueValidator(30)],
        help_text="A family's record is removed once its youngest baby reaches this age (years).",
    )

    class Meta:
        verbose_name_plural = "programme rules"

    def __str__(self) -> str:
        return f"Programme rules for {self.provider}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.min_age_weeks * 7 >= self.max_age_months * 28:
            raise ValidationError({"min_age_weeks": "The youngest age must be below the oldest."})
        if not 1 <= self.completion_min_sessions <= 12:
            raise ValidationError({"completion_min_sessions": "Choose from 1 to 12 sessions."})

    @classmethod
    def for_provider(cls, provider_id: int) -> ProgrammeRules:
        """The provider's rules, or the defaults (unsaved) if it has not changed any."""
        return cls.objects.filter(provider_id=provider_id).first() or cls(provider_id=provider_id)


class Team(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    area = models.CharField(max_length=120, blank=True, help_text="The locality it covers.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="team_name_per_provider")
        ]

    def __str__(self) -> str:
        return self.name


class Venue(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="venues")
    name = models.CharField(max_length=150)
    address_line1 = models.CharField(max_length=150)
    address_line2 = models.CharField(max_length=150, blank=True)
    town = models.CharField(max_length=80)
    postcode = models.CharField(max_length=10)
    nation = models.CharField(
        max_length=20,
        choices=Nation.choices,
        help_text="Bank holidays differ between the UK nations.",
    )
    access_notes = models.TextField(blank=True, help_text="Parking, buggy access, baby change.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="venue_name_per_provider")
        ]

    def __str__(self) -> str:
        return self.name

    def address(self) -> str:
        parts = [self.address_line1, self.address_line2, self.town, self.postcode]
        return ", ".join(part for part in parts if part)


class Membership(models.Model):
    """A member of staff's role at a provider (a person may hold several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        max_length=20, choices=[(role.value, role.label) for role in STAFF_ROLES]
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "provider", "role"], name="one_membership_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in STAFF_ROLES]),
                name="membership_role_is_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {Role(self.role).label} at {self.provider}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
