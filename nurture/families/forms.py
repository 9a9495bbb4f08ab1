"""Forms for families. Field rules live in ``validation``/``services`` so the API shares them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from nurture.families.models import Carer, Language
from nurture.families.services import BabyDetails, CarerDetails
from nurture.families.validation import birth_details_problems, mobile_problem
from nurture.lib.form_fields import ModelChoiceField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CarerForm(forms.Form):
    given_name = forms.CharField(label="First name", max_length=80)
    family_name = forms.CharField(label="Last name", max_length=80)
    relationship = forms.ChoiceField(
        label="Relationship to the baby", choices=Carer.Relationship.choices
    )
    email = forms.EmailField(label="Email address", required=False, max_length=254)
    mobile = forms.CharField(
        label="Mobile number",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_channel = forms.ChoiceField(
        label="Best way to get in touch",
        choices=Carer.Channel.choices,
        widget=forms.RadioSelect,
    )
    consent_to_contact = forms.BooleanField(
        label="Happy to be contacted about courses and reminders", required=False
    )
    language = forms.ChoiceField(label="Preferred language", choices=Language.choices)
    needs_interpreter = forms.BooleanField(label="Would like an interpreter", required=False)

    def clean_mobile(self) -> str:
        value: str = self.cleaned_data["mobile"]
        problem = mobile_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    @staticmethod
    def initial_from(carer: Carer) -> dict[str, Any]:
        return {name: getattr(carer, name) for name in CarerForm.base_fields}

    def details(self) -> CarerDetails:
        return CarerDetails(**self.cleaned_data)


class BabyForm(forms.Form):
    given_name = forms.CharField(label="Baby's first name", max_length=80)
    family_name = forms.CharField(
        label="Baby's last name (optional)", max_length=80, required=False
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=DATE_INPUT)
    gestation_weeks = forms.IntegerField(
        label="Weeks of pregnancy at birth (optional)",
        required=False,
        min_value=22,
        max_value=44,
        help_text="For a baby born early, e.g. 34 for 34+2 weeks.",
    )
    gestation_extra_days = forms.IntegerField(
        label="Extra days (optional)",
        required=False,
        min_value=0,
        max_value=6,
        help_text="The +2 in 34+2 weeks.",
    )
    due_date = forms.DateField(
        label="Due date (optional)",
        required=False,
        widget=DATE_INPUT,
        help_text="If you do not know the gestation, the due date works it out.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        problems = birth_details_problems(
            date_of_birth=cleaned.get("date_of_birth"),
            gestation_weeks=cleaned.get("gestation_weeks"),
            gestation_extra_days=cleaned.get("gestation_extra_days"),
            due_date=cleaned.get("due_date"),
            today=timezone.localdate(),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def details(self) -> BabyDetails:
        return BabyDetails(**self.cleaned_data)


class FamilyForm(forms.Form):
    """The family's own details, as staff see them."""

    client_id = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        help_text="Names this save, so pressing Save twice adds the family once.",
    )

    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    health_visitor: ModelChoiceField = ModelChoiceField(
        label="Named health visitor", queryset=None, required=False
    )
    notes = forms.CharField(
        label="Notes for staff (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Practical notes only, such as access needs. No clinical detail.",
    )

    def __init__(self, *args: Any, health_visitors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["health_visitor"]
        field.queryset = health_visitors  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.get_full_name() or user.username  # type: ignore[attr-defined]
