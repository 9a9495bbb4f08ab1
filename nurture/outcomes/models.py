"""Outcomes data: each provider's questionnaire settings and schedule, the responses parents
give, the safety alerts those raise (with their escalations), and staff-only safeguarding
concerns.

A response keeps the instrument key and version it was answered on, its raw answers (the
position of each option chosen) and a snapshot of its scored result, so its scoring never
changes when a later pack version does. Audit events never hold answers or scores.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models

from nurture.accounts.models import Provider

DEFAULT_INSTRUCTION = (
    "Please speak to the family's health visitor or the duty clinician before the next "
    "session. Do not raise it with the family yourself."
)


class TimePoint(models.TextChoices):
    BASELINE = "baseline", "Start of the course"
    POST = "post", "End of the course"
    FOLLOW_UP = "follow_up", "Follow-up"
    AD_HOC = "ad_hoc", "Outside the schedule"


SCHEDULED_POINTS = (TimePoint.BASELINE, TimePoint.POST, TimePoint.FOLLOW_UP)


class OutcomesSettings(models.Model):
    """A provider's settings for alerts and questionnaires. Providers without a row use the
    defaults below."""

    provider = models.OneToOneField(
        Provider, on_delete=models.CASCADE, related_name="outcomes_settings"
    )
    duty_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Also receives every safety alert, alongside the family's health visitor.",
    )
    escalation_hours = models.PositiveSmallIntegerField(
        default=4,
        help_text="An alert not acknowledged within this many hours goes to the service "
        "managers, and again after each further period.",
    )
    help_text = models.TextField(
        blank=True,
        help_text="Where parents can get help, one contact per line. Empty: the defaults.",
    )
    facilitator_instruction = models.CharField(
        max_length=300,
        default=DEFAULT_INSTRUCTION,
        help_text="What a facilitator should do when a family on their course has an alert "
        "or a concern (they are not told what it is).",
    )
    post_session = models.PositiveSmallIntegerField(
        default=5, help_text="The course week whose session opens the end-of-course questions."
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Weeks after the last session when the follow-up opens."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "outcomes settings"

    def __str__(self) -> str:
        return f"Outcomes settings for {self.provider}"

    @classmethod
    def for_provider(cls, provider_id: int) -> OutcomesSettings:
        """The provider's settings, or the defaults (unsaved) if it has not changed any."""
        return cls.objects.filter(provider_id=provider_id).first() or cls(provider_id=provider_id)

    @property
    def escalation_period(self) -> timedelta:
        return timedelta(hours=self.escalation_hours)


class ScheduledInstrument(models.Model):
    """One questionnaire a provider gives at one point of a course. A provider with no rows
    uses ``schedule.DEFAULT_SCHEDULE``."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="outcome_schedule"
    )
    instrument_key = models.CharField(max_length=40)
    point = models.CharField(max_length=12, choices=[(p.value, p.label) for p in SCHEDULED_POINTS])
    optional = models.BooleanField(default=False)

    class Meta:
        ordering = ["provider", "point", "instrument_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "instrument_key", "point"], name="one_schedule_row_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} at {self.point} ({self.provider})"


class ReferralThreshold(models.Model):
    """A provider's own referral threshold for one instrument (else the pack's default)."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="referral_thresholds"
    )
    instrument_key = models.CharField(max_length=40)
    total = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "instrument_key"], name="one_threshold_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} >= {self.total} ({self.provider})"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Being answered"
    SUBMITTED = "submitted", "Submitted"


class Response(models.Model):
    """One carer's answers to one questionnaire: a draft while they answer, then submitted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        help_text="The submitting client's id: the same submission sent twice stores once.",
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="outcome_responses"
    )
    carer = models.ForeignKey(
        "families.Carer", on_delete=models.PROTECT, related_name="outcome_responses"
    )
    enrolment = models.ForeignKey(
        "courses.Enrolment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    point = models.CharField(max_length=12, choices=TimePoint.choices)
    instrument_key = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    answers = models.JSONField(
        default=dict, help_text='Item number -> position of the option chosen, e.g. {"1": 0}.'
    )
    result = models.JSONField(
        default=dict, blank=True, help_text="The scored result when submitted (a snapshot)."
    )
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=80, blank=True)
    needs_follow_up = models.BooleanField(
        default=False, help_text="A safety item or threshold fired."
    )
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of staff who went through it with the parent, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["family", "status", "submitted_at"]),
            models.Index(fields=["carer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="submitted_response_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} v{self.instrument_version} ({self.status})"


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class AlertAction(models.TextChoices):
    CONTACTED = "contacted_parent", "Contacted the parent"
    RISK_ASSESSED = "risk_assessed", "Risk assessed"
    PERINATAL_MH = "referred_perinatal_mh", "Referred to the perinatal mental health team"
    GP = "referred_gp", "Referred to the GP"
    TALKING_THERAPIES = "referred_talking_therapies", "Referred to talking therapies"
    SAFEGUARDING = "safeguarding_referral", "Made a safeguarding referral"
    EMERGENCY = "emergency_services", "Called emergency services"
    OTHER = "other", "Something else (see the note)"


class AlertOutcome(models.TextChoices):
    NO_CURRENT_RISK = "no_current_risk", "No current risk found"
    SUPPORT_PLAN = "support_plan", "Support plan agreed"
    REFERRED_ON = "referred_on", "Referred on for assessment or treatment"
    SAFEGUARDING = "safeguarding_process", "Safeguarding process started"
    EMERGENCY_CARE = "emergency_care", "Emergency care arranged"
    OTHER = "other", "Something else (see the note)"


class SafetyAlert(models.Model):
    """Raised with a response whose answers need a clinician, in the same transaction.

    Never cleared by software: it stays open until a person acknowledges it, and closed only
    with the action taken and the outcome.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.OneToOneField(Response, on_delete=models.PROTECT, related_name="alert")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="safety_alerts"
    )
    reasons = models.JSONField(default=list, help_text="safety_item, total_threshold, ...")
    health_visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The family's named health visitor when the alert was raised.",
    )
    duty_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=14, choices=AlertState.choices, default=AlertState.OPEN)
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actions = models.JSONField(default=list, blank=True, help_text="Codes from AlertAction.")
    action_note = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=AlertOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_escalation_at"])]

    def __str__(self) -> str:
        return f"Safety alert {str(self.id)[:8]} ({self.state})"


class AlertEscalation(models.Model):
    """One escalation of an unacknowledged alert: to whom, at which level, when."""

    alert = models.ForeignKey(SafetyAlert, on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["alert", "level"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level"], name="one_escalation_per_level")
        ]

    def __str__(self) -> str:
        return f"Escalation {self.level} of {self.alert}"


class SafeguardingConcern(models.Model):
    """Something a member of staff saw or heard that worries them (staff only).

    Health visitors and managers see the details; facilitators of the family's course only
    that a concern exists, and what to do.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(
        "families.Family", on_delete=models.PROTECT, related_name="safeguarding_concerns"
    )
    baby = models.ForeignKey(
        "families.Baby", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seen = models.TextField(help_text="What was seen or heard, in plain words.")
    seen_at = models.DateTimeField()
    regions = models.JSONField(default=list, blank=True, help_text="Codes from bodymap.REGIONS.")
    explanation = models.TextField(blank=True, help_text="Any explanation given, and by whom.")
    action = models.TextField(help_text="What was done.")
    informed = models.TextField(help_text="Who was told, and when.")
    facilitator_instruction = models.CharField(
        max_length=300,
        blank=True,
        help_text="What a facilitator should do (no detail). Empty: the provider's default.",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"Concern {str(self.id)[:8]}"
