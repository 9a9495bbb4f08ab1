"""The diary page's forms: one small form for each kind of entry, most of them a single tap.

What an entry may hold is checked by ``services.diary_add`` (the API shares it); these forms
turn the buttons into values, keep the day within the last month (never the future) and
carry the client id that makes a double tap store once. Each form has its own prefix, so the
five can sit on one page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from nurture.families.forms import DATE_INPUT
from nurture.practice.models import DiaryKind, TummyTrouble
from nurture.practice.services import DIARY_DAYS_BACK, DiaryData


@dataclass(frozen=True)
class Tap:
    """One big button: tapping it saves the entry with this value."""

    value: str
    label: str
    face: str = ""
    """For a mood: the mouth of a simple drawn face (an SVG path), from sad to smiling."""


SETTLING = (
    Tap("1", "Very hard"),
    Tap("2", "Hard"),
    Tap("3", "Okay"),
    Tap("4", "Easy"),
    Tap("5", "Very easy"),
)
CRYING = (
    Tap("15", "About 15 minutes"),
    Tap("30", "About 30 minutes"),
    Tap("60", "About an hour"),
    Tap("120", "2 hours or more"),
)
MOOD = (
    Tap("1", "Very low", "M10 23 Q16 16 22 23"),
    Tap("2", "Low", "M10 22 Q16 19 22 22"),
    Tap("3", "Okay", "M10 21 L22 21"),
    Tap("4", "Good", "M10 19 Q16 23 22 19"),
    Tap("5", "Great", "M9 18 Q16 26 23 18"),
)
TUMMY = tuple(Tap(value, label) for value, label in TummyTrouble.choices)
SLEEP_HOURS = [("", "Not sure")] + [
    (f"{half / 2:.1f}", f"{half / 2:g} hour" + ("" if half == 2 else "s")) for half in range(29)
]
"""0 to 14 hours in half hours."""


def _tap_field(
    taps: tuple[Tap, ...],
    wrong: str,
    *,
    missing: str = "",
    coerce: Any = int,
    required: bool = True,
) -> forms.TypedChoiceField:
    """The field behind a row of big buttons: ``wrong`` for a value no button sends."""
    return forms.TypedChoiceField(
        choices=[(tap.value, tap.label) for tap in taps],
        coerce=coerce,
        required=required,
        empty_value=None,
        error_messages={"required": missing or wrong, "invalid_choice": wrong},
    )


class DiaryForm(forms.Form):
    """What every entry has: the client id, the day and an optional note."""

    kind: ClassVar[str]
    title: ClassVar[str]
    question: ClassVar[str] = ""
    """The question the big buttons answer (none for a form without them)."""
    tap_field: ClassVar[str] = ""
    taps: ClassVar[tuple[Tap, ...]] = ()
    save_label: ClassVar[str] = ""
    """A plain save button, for forms whose values are not all taps."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(
        label="Day",
        widget=DATE_INPUT,
        help_text="Today, unless you are catching up on an earlier day.",
    )
    note = forms.CharField(
        label="A note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.kind)
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].widget.attrs.update(
            min=(today - timedelta(days=DIARY_DAYS_BACK)).isoformat(), max=today.isoformat()
        )
        if not self.is_bound:
            # A fresh id each time the page is drawn: a double submit sends the same one.
            self.initial.setdefault("client_id", uuid.uuid4())
            self.initial.setdefault("date", today)

    def values(self) -> dict[str, Any]:
        """This kind's own values: each form's own fields are named as ``DiaryData``'s."""
        common = {"client_id", "date", "note"}
        return {name: value for name, value in self.cleaned_data.items() if name not in common}

    def diary_data(self) -> DiaryData:
        data = self.cleaned_data
        return DiaryData(
            id=data["client_id"],
            date=data["date"],
            kind=self.kind,
            note=data["note"].strip(),
            **self.values(),
        )

    def tap_bound_field(self) -> forms.BoundField | None:
        return self[self.tap_field] if self.tap_field else None

    def plain_fields(self) -> list[forms.BoundField]:
        """Fields shown as ordinary controls (not the taps, the day, the note or the id)."""
        skip = {self.tap_field, "client_id", "date", "note"}
        return [self[name] for name in self.fields if name not in skip]


class SleepForm(DiaryForm):
    kind = DiaryKind.SLEEP.value
    title = "Last night's sleep"
    question = "How did settling go?"
    tap_field = "settling"
    taps = SETTLING
    save_label = "Save the hours only"

    night_sleep_hours = forms.TypedChoiceField(
        label="Hours of sleep",
        choices=SLEEP_HOURS,
        coerce=Decimal,
        empty_value=None,
        required=False,
        help_text="Roughly, added up over the night.",
    )
    settling = _tap_field(SETTLING, "Choose one of the five buttons.", required=False)


class TummyForm(DiaryForm):
    kind = DiaryKind.TUMMY.value
    title = "Tummy troubles"
    question = "What was it?"
    tap_field = "tummy"
    taps = TUMMY

    tummy = _tap_field(TUMMY, "Choose wind, colic or constipation.", coerce=str)


class CryingForm(DiaryForm):
    kind = DiaryKind.CRYING.value
    title = "A crying spell"
    question = "For how long?"
    tap_field = "crying_minutes"
    taps = CRYING

    crying_minutes = _tap_field(
        CRYING, "Choose one of the four buttons.", missing="Choose about how long."
    )


class FeedForm(DiaryForm):
    kind = DiaryKind.FEED.value
    title = "Feeds (optional)"
    save_label = "Save feeds"

    feeds = forms.IntegerField(
        label="How many feeds today?",
        min_value=0,
        max_value=48,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "Add how many feeds."},
    )


class MoodForm(DiaryForm):
    kind = DiaryKind.MOOD.value
    title = "How are you feeling?"
    question = "Today I feel"
    tap_field = "mood"
    taps = MOOD

    mood = _tap_field(MOOD, "Choose one of the five faces.")


DIARY_FORMS: dict[str, type[DiaryForm]] = {
    form.kind: form for form in (SleepForm, TummyForm, CryingForm, FeedForm, MoodForm)
}
