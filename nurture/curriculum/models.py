"""The massage curriculum: body areas, their strokes, rituals, routines and week plans.

Shipped content lives in data files (``curriculum/data/``) and is loaded by slug with
``manage.py load_curriculum``; every loaded row carries the content ``version`` it came from.
Rows stay editable in the admin; loading again puts shipped rows back to the data files.
A provider may have week plans of its own (``provider`` set); shipped plans have none.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from nurture.accounts.models import Provider
from nurture.curriculum import rules
from nurture.lib.toml import Problem, slug_problems, text_list_problems


class Direction(models.TextChoices):
    AWAY = "away", "Away from the heart (calming)"
    TOWARDS = "towards", "Towards the heart (livening)"
    CLOCKWISE = "clockwise", "Clockwise, as you look down at your baby"
    OUTWARD = "outward", "From the middle outwards"
    DOWNWARD = "downward", "Downwards, head to toe"
    ACROSS = "across", "Across the body"
    CIRCLES = "circles", "Small circles"
    PRESSES = "presses", "Gentle presses"
    STILL = "still", "Still hands"
    MOVEMENT = "movement", "A gentle movement of the limbs"


class Position(models.TextChoices):
    ON_BACK = "on_back", "Lying on their back, facing you"
    ON_TUMMY = "on_tummy", "On their tummy, on the mat or across your legs"


def _raise(problems: list[Problem]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for name, message in problems:
            errors.setdefault(name.split(".")[0].split("[")[0], []).append(f"{name}: {message}")
        raise ValidationError(errors)


class BodyArea(models.Model):
    """A part of the body massaged together, in the order of the full-body routine."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(help_text="Place in the full routine.")
    summary = models.TextField(help_text="One or two sentences a parent reads first.")
    position = models.CharField(max_length=10, choices=Position.choices, default=Position.ON_BACK)
    uses_oil = models.BooleanField(default=True, help_text="Off for the face: little or no oil.")
    cautions = models.JSONField(default=list, blank=True, help_text="A list of sentences.")
    diagram = models.CharField(max_length=80, help_text="An SVG in curriculum/static/curriculum/.")
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def diagram_static(self) -> str:
        """The diagram's path for ``{% static %}``."""
        return f"curriculum/{self.diagram}"

    def clean(self) -> None:
        _raise(text_list_problems(self.cautions, "cautions") + rules.diagram_problems(self.diagram))


class Stroke(models.Model):
    """One massage stroke of one body area, with steps a parent can follow."""

    area = models.ForeignKey(BodyArea, on_delete=models.PROTECT, related_name="strokes")
    order = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    purpose = models.CharField(max_length=200)
    steps = models.JSONField(default=list, help_text="A list of short sentences, one per step.")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    repetitions = models.PositiveSmallIntegerField(
        default=1, help_text="How many times, on each side if the stroke is done on both."
    )
    each_side = models.BooleanField(default=False, help_text="Done on one side, then the other.")
    cautions = models.JSONField(default=list, blank=True, help_text="A list of sentences.")
    diagram = models.CharField(max_length=80, help_text="An SVG in curriculum/static/curriculum/.")
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["area__order", "order", "slug"]

    def __str__(self) -> str:
        return f"{self.area.name}: {self.name}"

    @property
    def diagram_static(self) -> str:
        """The diagram's path for ``{% static %}``."""
        return f"curriculum/{self.diagram}"

    def clean(self) -> None:
        _raise(
            rules.steps_problems(self.steps)
            + text_list_problems(self.cautions, "cautions")
            + rules.diagram_problems(self.diagram)
        )


class Ritual(models.Model):
    """What frames the massage: asking permission, resting hands, touch relaxation, closing."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    purpose = models.CharField(max_length=200)
    when = models.CharField(max_length=200, help_text="When in a session it is used.")
    steps = models.JSONField(default=list, help_text="A list of short sentences, one per step.")
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _raise(rules.steps_problems(self.steps))


class RoutineKind(models.TextChoices):
    FULL_BODY = "full_body", "Full body"
    AREA = "area", "One area"
    BEDTIME = "bedtime", "Short bedtime routine"
    COLIC = "colic", "Colic relief"
    GENTLE_MOVEMENTS = "gentle_movements", "Gentle movements"


class Routine(models.Model):
    """An ordered list of strokes and rituals done together, optionally repeated."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=RoutineKind.choices)
    area = models.ForeignKey(
        BodyArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routines",
        help_text="For a one-area routine.",
    )
    purpose = models.CharField(max_length=200)
    repeat_cycles = models.PositiveSmallIntegerField(
        default=1, help_text="How many times to go through the steps in one go."
    )
    times_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    minimum_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Keep going for at least this many days."
    )
    plan = models.CharField(max_length=300, blank=True, help_text="When and how often, in words.")
    cautions = models.JSONField(default=list, blank=True, help_text="A list of sentences.")
    minutes = models.PositiveSmallIntegerField(default=10, help_text="About how long it takes.")
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="area") | models.Q(area__isnull=False),
                name="area_routine_names_its_area",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _raise(text_list_problems(self.cautions, "cautions"))
        if self.kind == RoutineKind.AREA and self.area_id is None:
            raise ValidationError({"area": "A one-area routine names its area."})


class RoutineStep(models.Model):
    """One step of a routine: a stroke or a ritual (never both)."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    stroke = models.ForeignKey(
        Stroke, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ritual = models.ForeignKey(
        Ritual, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repetitions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for the stroke's usual number."
    )
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["routine", "position"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "position"], name="one_step_per_position"),
            models.CheckConstraint(
                condition=(
                    models.Q(stroke__isnull=False, ritual__isnull=True)
                    | models.Q(stroke__isnull=True, ritual__isnull=False)
                ),
                name="step_is_a_stroke_or_a_ritual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.stroke or self.ritual}"

    def clean(self) -> None:
        if (self.stroke_id is None) == (self.ritual_id is None):
            raise ValidationError("Choose a stroke or a ritual for each step, not both.")


class WeekPlan(models.Model):
    """Which areas, strokes, rituals and routines a course introduces each week.

    ``weeks`` is ``{"1": {"areas": [slug...], "strokes": [...], "rituals": [...],
    "routines": [...], "topics": [text...]}, "2": ...}``. Shipped plans have no provider;
    the one marked ``is_default_for_provider`` is used by providers without a plan of their
    own. A provider marks one of its own plans to use it instead."""

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    provider = models.ForeignKey(
        Provider,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="week_plans",
        help_text="Empty for a plan shipped with Nurture.",
    )
    is_default_for_provider = models.BooleanField(
        default=False,
        help_text="Use this plan for the provider's courses (shipped plans: for everyone).",
    )
    description = models.TextField(blank=True)
    weeks = models.JSONField(default=dict)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["provider__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(provider__isnull=True), name="shipped_plan_slug"
            ),
            models.UniqueConstraint(
                fields=["provider", "slug"],
                condition=models.Q(provider__isnull=False),
                name="provider_plan_slug",
            ),
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(is_default_for_provider=True, provider__isnull=False),
                name="one_default_plan_per_provider",
            ),
            models.UniqueConstraint(
                fields=["is_default_for_provider"],
                condition=models.Q(is_default_for_provider=True, provider__isnull=True),
                name="one_shipped_default_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider or 'shipped'})"

    @property
    def week_count(self) -> int:
        return len(self.weeks) if isinstance(self.weeks, dict) else 0

    def week(self, number: int) -> dict[str, Any]:
        value = self.weeks.get(str(number), {}) if isinstance(self.weeks, dict) else {}
        return value if isinstance(value, dict) else {}

    def clean(self) -> None:
        known = rules.Known(
            areas=frozenset(BodyArea.objects.values_list("slug", flat=True)),
            strokes=frozenset(Stroke.objects.values_list("slug", flat=True)),
            rituals=frozenset(Ritual.objects.values_list("slug", flat=True)),
            routines=frozenset(Routine.objects.values_list("slug", flat=True)),
        )
        _raise(slug_problems(self.slug) + rules.week_problems(self.weeks, known))
        area_strokes: dict[str, list[str]] = defaultdict(list)
        for area, stroke in Stroke.objects.values_list("area__slug", "slug"):
            area_strokes[area].append(stroke)
        routine_strokes: dict[str, list[str]] = defaultdict(list)
        routine_rituals: dict[str, list[str]] = defaultdict(list)
        for routine, stroke, ritual in RoutineStep.objects.values_list(
            "routine__slug", "stroke__slug", "ritual__slug"
        ):
            (routine_strokes if stroke else routine_rituals)[routine].append(stroke or ritual)
        _raise(
            rules.learning_order_problems(
                self.weeks,
                area_strokes=area_strokes,
                routine_strokes=routine_strokes,
                routine_rituals=routine_rituals,
            )
        )
