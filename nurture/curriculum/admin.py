"""Curriculum content in the admin. Every change is audited; steps and cautions are edited
one per line. Loading the data files again puts shipped rows back as they are in the files,
so lasting changes to shipped content belong in the data files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from nurture.audit.admin import AuditedAdmin
from nurture.curriculum.models import BodyArea, Ritual, Routine, RoutineStep, Stroke, WeekPlan


class LinesField(forms.CharField):
    """A list of sentences, edited as one per line."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 80})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class BodyAreaForm(forms.ModelForm[BodyArea]):
    cautions = LinesField(required=False, help_text="One caution per line.")

    class Meta:
        model = BodyArea
        fields = [
            "slug",
            "name",
            "order",
            "summary",
            "position",
            "uses_oil",
            "cautions",
            "diagram",
            "version",
        ]


class StrokeForm(forms.ModelForm[Stroke]):
    steps = LinesField(help_text="One short sentence per line.")
    cautions = LinesField(required=False, help_text="One caution per line.")

    class Meta:
        model = Stroke
        fields = [
            "area", "order", "slug", "name", "purpose", "steps", "direction", "repetitions",
            "each_side", "cautions", "diagram", "version",
        ]  # fmt: skip


class RitualForm(forms.ModelForm[Ritual]):
    steps = LinesField(help_text="One short sentence per line.")

    class Meta:
        model = Ritual
        fields = ["slug", "name", "order", "purpose", "when", "steps", "version"]


class RoutineForm(forms.ModelForm[Routine]):
    cautions = LinesField(required=False, help_text="One caution per line.")

    class Meta:
        model = Routine
        fields = [
            "slug", "name", "kind", "area", "purpose", "repeat_cycles", "times_per_day",
            "minimum_days", "plan", "cautions", "minutes", "version",
        ]  # fmt: skip


@admin.register(BodyArea)
class BodyAreaAdmin(AuditedAdmin):
    form = BodyAreaForm
    list_display = ["name", "order", "position", "uses_oil", "version"]
    search_fields = ["name", "slug"]


@admin.register(Stroke)
class StrokeAdmin(AuditedAdmin):
    form = StrokeForm
    list_display = ["name", "area", "order", "direction", "repetitions", "version"]
    list_filter = ["area", "direction"]
    list_select_related = ["area"]
    search_fields = ["name", "slug"]


@admin.register(Ritual)
class RitualAdmin(AuditedAdmin):
    form = RitualForm
    list_display = ["name", "order", "when", "version"]
    search_fields = ["name", "slug"]


class RoutineStepInline(admin.TabularInline[RoutineStep, Routine]):
    model = RoutineStep
    extra = 0
    autocomplete_fields = ["stroke", "ritual"]
    fields = ["position", "stroke", "ritual", "repetitions", "hold_seconds", "note"]


@admin.register(Routine)
class RoutineAdmin(AuditedAdmin):
    form = RoutineForm
    list_display = ["name", "kind", "area", "repeat_cycles", "times_per_day", "version"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    inlines = [RoutineStepInline]


@admin.register(WeekPlan)
class WeekPlanAdmin(AuditedAdmin):
    """Shipped plans have no provider. A provider's own plan, marked as its default, is the
    one its courses follow. ``weeks`` is JSON: {"1": {"areas": [...], "strokes": [...],
    "rituals": [...], "routines": [...], "topics": [...]}, "2": ...}."""

    list_display = ["name", "provider", "is_default_for_provider", "week_count", "version"]
    list_filter = ["provider", "is_default_for_provider"]
    list_select_related = ["provider"]
    search_fields = ["name", "slug"]
