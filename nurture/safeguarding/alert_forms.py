"""The form that closes a safety alert: what was done and what came of it.

The fields only parse what was sent; ``alerts.close_alert`` decides what is required (at
least one action, the outcome, and a note for each), so its errors land on these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from nurture.outcomes.models import AlertAction, AlertOutcome
from nurture.safeguarding.alerts import NOTE_LIMIT


def _note(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_LIMIT,
        required=False,
        help_text=help_text,
    )


class CloseAlertForm(forms.Form):
    actions = forms.MultipleChoiceField(
        label="What was done",
        choices=AlertAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick everything that was done.",
    )
    action_note = _note("What was done, in a few words", "For example who you spoke to, and when.")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AlertOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    outcome_note = _note(
        "The outcome, in a few words",
        "For example what was agreed with the family, and any follow-up.",
    )

    def values(self) -> dict[str, Any]:
        """The cleaned values, as ``alerts.close_alert`` takes them."""
        data = self.cleaned_data
        return {
            "actions": list(data["actions"]),
            "action_note": data["action_note"],
            "outcome": data["outcome"],
            "outcome_note": data["outcome_note"],
        }
