"""Forms for the staff course pages. The rules live in the services, so the API shares them;
these forms only parse what a person typed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from nurture.courses.models import DEFAULT_WEEK_PLAN, AttendanceStatus, CourseTemplate
from nurture.courses.registers import Mark
from nurture.lib import time_ranges
from nurture.lib.form_fields import ModelChoiceField, ModelMultipleChoiceField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _person_label(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _at(day: date, time: Any) -> datetime:
    """A local date and time as an aware datetime in the service's time zone."""
    return timezone.make_aware(datetime.combine(day, time))


class DateTimeMixin:
    """A form with ``date`` and ``time`` fields read together as one local time."""

    cleaned_data: dict[str, Any]

    def clean_date(self) -> date:
        day: date = self.cleaned_data["date"]
        problem = time_ranges.planned_problem(day, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return day

    def starts_at(self) -> datetime:
        return _at(self.cleaned_data["date"], self.cleaned_data["time"])


class TemplateForm(forms.Form):
    name = forms.CharField(label="Course name", max_length=120)
    sessions_count = forms.IntegerField(
        label="Number of weekly sessions", min_value=1, max_value=12, initial=5
    )
    session_minutes = forms.IntegerField(
        label="Length of each session, in minutes", min_value=15, max_value=180, initial=60
    )
    week_plan = forms.CharField(
        label="What each week covers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        initial="\n".join(DEFAULT_WEEK_PLAN),
        help_text="One line per week, in order.",
    )
    what_to_bring = forms.CharField(
        label="What families should bring",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=CourseTemplate._meta.get_field("what_to_bring").get_default(),
    )

    def clean_week_plan(self) -> list[str]:
        text: str = self.cleaned_data["week_plan"]
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError("Keep each week to one short line (200 characters).")
        return lines

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines = cleaned.get("week_plan")
        count = cleaned.get("sessions_count")
        if lines and count and len(lines) != count and "week_plan" not in self.errors:
            self.add_error(
                "week_plan",
                f"Give one line for each of the {count} weeks (you gave {len(lines)}).",
            )
        return cleaned


class FacilitatorsMixin:
    fields: dict[str, Any]

    def set_facilitators(self, facilitators: Any) -> None:
        field = self.fields["facilitators"]
        field.queryset = facilitators
        field.label_from_instance = _person_label


class RunForm(DateTimeMixin, FacilitatorsMixin, forms.Form):
    template: ModelChoiceField = ModelChoiceField(
        label="Course", queryset=None, empty_label="Choose a course"
    )
    venue: ModelChoiceField = ModelChoiceField(
        label="Venue", queryset=None, empty_label="Choose a venue"
    )
    date = forms.DateField(
        label="Date of the first session",
        widget=DATE_INPUT,
        help_text="The sessions follow weekly, skipping bank holidays.",
    )
    time = forms.TimeField(label="Start time", widget=TIME_INPUT, initial="10:00")
    facilitators: ModelMultipleChoiceField = ModelMultipleChoiceField(
        label="Facilitators",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label="Places (families)", min_value=1, max_value=30, initial=8)

    def __init__(
        self, *args: Any, templates: Any, venues: Any, facilitators: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["venue"].queryset = venues
        self.set_facilitators(facilitators)


class RunUpdateForm(FacilitatorsMixin, forms.Form):
    capacity = forms.IntegerField(label="Places (families)", min_value=1, max_value=30)
    facilitators: ModelMultipleChoiceField = ModelMultipleChoiceField(
        label="Facilitators",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_facilitators(facilitators)


class CopyForm(DateTimeMixin, forms.Form):
    date = forms.DateField(label="Date of the first session", widget=DATE_INPUT)
    time = forms.TimeField(label="Start time", widget=TIME_INPUT)


class ConfirmForm(forms.Form):
    """A confirmation page's form: nothing to fill in, only the button."""


class SessionMoveForm(DateTimeMixin, forms.Form):
    date = forms.DateField(label="New date", widget=DATE_INPUT)
    time = forms.TimeField(label="New start time", widget=TIME_INPUT)
    reason = forms.CharField(
        label="Reason for the move",
        max_length=200,
        help_text="Families see this with the new time.",
    )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=200,
        help_text="Families see this.",
    )
    add_replacement = forms.BooleanField(
        label="Add a replacement week at the end of the course",
        required=False,
        initial=True,
    )


class OfferPlaceForm(forms.Form):
    referral = forms.ChoiceField(label="Family to offer the place to", widget=forms.RadioSelect)

    def __init__(self, *args: Any, waiting: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waiting = {str(family.referral.pk): family for family in waiting}
        field = self.fields["referral"]
        field.choices = [  # type: ignore[attr-defined]
            (key, self.label_for(family)) for key, family in self.waiting.items()
        ]

    @staticmethod
    def label_for(family: Any) -> str:
        referral = family.referral
        baby = referral.baby
        return (
            f"{family.position}. {baby.full_name()}, born {_day(baby.date_of_birth)} · "
            f"{referral.get_priority_display()} priority · "
            f"ages out {_day(family.ages_out_on)}"
        )

    def chosen(self) -> Any:
        return self.waiting[self.cleaned_data["referral"]].referral


class RegisterForm(forms.Form):
    """One register: per family a status, a note on the baby's state and a check.

    Field names carry the enrolment id, so the whole register is one form and one save.
    A family left without a status is not recorded this time.
    """

    save_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        rows: list[Any],
        all_present: bool = False,
        initial: dict[str, Any] | None = None,
    ) -> None:
        if data is not None and all_present:
            # Everyone not already marked is present; exceptions ticked first are kept.
            data = data.copy()
            for row in rows:
                name = self.name_for(row.enrolment.pk, "status")
                if not data.get(name):
                    data[name] = AttendanceStatus.PRESENT
        initial = dict(initial or {})
        for row in rows:
            if row.mark is not None:
                pk = row.enrolment.pk
                initial[self.name_for(pk, "status")] = row.mark.status
                initial[self.name_for(pk, "note")] = row.mark.baby_state_note
                initial[self.name_for(pk, "checked")] = row.mark.contraindications_checked
        super().__init__(data, initial=initial)
        self.rows = rows
        for row in rows:
            pk = row.enrolment.pk
            name = row.enrolment.referral.baby.given_name
            self.fields[self.name_for(pk, "status")] = forms.ChoiceField(
                label=f"Attendance for {name}",
                choices=AttendanceStatus.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[self.name_for(pk, "note")] = forms.CharField(
                label=f"{name}'s state (optional)", max_length=200, required=False
            )
            self.fields[self.name_for(pk, "checked")] = forms.BooleanField(
                label=f"Contraindications checked for {name}", required=False
            )

    @staticmethod
    def name_for(enrolment_id: Any, part: str) -> str:
        return f"m{enrolment_id.hex}_{part}"

    def row_fields(self) -> list[dict[str, Any]]:
        """Each family with its own three bound fields, for the template."""
        return [
            {
                "row": row,
                "status": self[self.name_for(row.enrolment.pk, "status")],
                "note": self[self.name_for(row.enrolment.pk, "note")],
                "checked": self[self.name_for(row.enrolment.pk, "checked")],
            }
            for row in self.rows
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.rows:
            pk = row.enrolment.pk
            status_name = self.name_for(pk, "status")
            if status_name in self.errors or cleaned.get(status_name):
                continue
            if cleaned.get(self.name_for(pk, "note")) or cleaned.get(self.name_for(pk, "checked")):
                self.add_error(status_name, "Choose present, late, absent or did not attend.")
        return cleaned

    def marks(self) -> dict[Any, Mark]:
        result: dict[Any, Mark] = {}
        for row in self.rows:
            pk = row.enrolment.pk
            status = self.cleaned_data.get(self.name_for(pk, "status"))
            if status:
                result[pk] = Mark(
                    status=status,
                    baby_state_note=self.cleaned_data.get(self.name_for(pk, "note")) or "",
                    contraindications_checked=bool(
                        self.cleaned_data.get(self.name_for(pk, "checked"))
                    ),
                )
        return result
