"""Forms for the parent's own message choices. The rules live in the service, so the API
and the page refuse the same things in the same words."""

from __future__ import annotations

from typing import Any

from django import forms

from nurture.notify.models import EARLIEST_NUDGE_HOUR, LATEST_NUDGE_HOUR, WEEKDAYS, PracticeNudge
from nurture.practice.nudges import TIMES_OF_DAY, Choice, hour_label


def _hour_choices() -> list[Any]:
    """The three times of day first, then every other hour for those who want one."""
    others = [
        (hour, hour_label(hour))
        for hour in range(EARLIEST_NUDGE_HOUR, LATEST_NUDGE_HOUR + 1)
        if hour not in TIMES_OF_DAY
    ]
    return [*TIMES_OF_DAY.items(), ("Or a particular hour", others)]


class PracticeNudgeForm(forms.Form):
    enabled = forms.BooleanField(
        label="Yes, send me a gentle reminder to practise at home", required=False
    )
    days = forms.MultipleChoiceField(
        label="Which days? Choose up to three",
        choices=[(day, day.title()) for day in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hour = forms.TypedChoiceField(label="From what time?", coerce=int, choices=_hour_choices)

    def __init__(self, *args: Any, nudge: PracticeNudge, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"enabled": nudge.enabled, "days": nudge.days, "hour": nudge.hour}
        )
        super().__init__(*args, **kwargs)

    def choice(self) -> Choice:
        data = self.cleaned_data
        return Choice(enabled=data["enabled"], days=list(data["days"]), hour=data["hour"])
