from __future__ import annotations

from typing import Any

from django import forms

from nurture.lib.form_fields import ModelMultipleChoiceField
from nurture.referrals.models import PreferredTime, Priority, Reason
from nurture.referrals.services import ReferralDetails


class ReferralForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label="Why are you referring this family?",
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )
    reason_other = forms.CharField(label="Other reason", max_length=200, required=False)
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        initial=Priority.ROUTINE,
        help_text="High priority families are offered places first.",
    )
    consent_to_contact = forms.BooleanField(
        label="The family agreed to be contacted about a course", required=False
    )
    preferred_venues: ModelMultipleChoiceField = ModelMultipleChoiceField(
        label="Venues the family can get to (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty if any venue suits.",
    )
    preferred_times = forms.MultipleChoiceField(
        label="Times that suit (optional)",
        choices=PreferredTime.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label="Notes for the team (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Practical notes only, such as access needs. No clinical detail.",
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, venues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_venues"].queryset = venues  # type: ignore[attr-defined]

    def details(self) -> ReferralDetails:
        data = self.cleaned_data
        return ReferralDetails(
            reasons=list(data["reasons"]),
            priority=data["priority"],
            reason_other=data["reason_other"],
            consent_to_contact=data["consent_to_contact"],
            preferred_venue_ids=[venue.pk for venue in data["preferred_venues"]],
            preferred_times=list(data["preferred_times"]),
            notes=data["notes"],
        )


class ReasonForm(forms.Form):
    """A short reason, required for withdrawals, overrides and reopening registers."""

    reason = forms.CharField(
        label="Reason", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)
