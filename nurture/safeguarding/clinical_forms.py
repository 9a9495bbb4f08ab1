"""Forms for the staff clinical pages: recording a safeguarding concern.

The rules live in ``concerns.record_concern`` (shared with the API); this form only parses
what was typed and hands over a ``ConcernData``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget
from django.utils import timezone

from nurture.courses.forms import DATE_INPUT, TIME_INPUT
from nurture.families.models import Baby
from nurture.safeguarding import bodymap
from nurture.safeguarding.concerns import INSTRUCTION_LIMIT, TEXT_LIMIT, ConcernData

SIDES = (("front", "Front of the body"), ("back", "Back of the body"))
REVIEW_AFTER = timedelta(days=14)
SERVICE_FIELDS = {"id": "concern_id", "baby_id": "baby", "seen_at": "seen_on"}
"""The service's names for fields this form names differently."""


class RegionCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with ids named after the region (``region-front_face``), so the body map's
    CSS can shade the part of the drawing whose box is ticked."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["id"] = f"region-{option['value']}"
        return option


def _text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConcernForm(forms.Form):
    concern_id = forms.UUIDField(widget=forms.HiddenInput)
    baby = forms.ChoiceField(label="Which baby is it about?", required=False)
    seen = _text(
        "What did you see or hear?",
        help_text="Describe it plainly: size, colour and shape of any mark, and what was said.",
    )
    seen_on = forms.DateField(label="Date seen", widget=DATE_INPUT)
    seen_time = forms.TimeField(label="Time seen", widget=TIME_INPUT)
    regions = forms.MultipleChoiceField(
        label="Where on the body?",
        required=False,
        choices=[(region.code, region.label) for region in bodymap.REGIONS],
        widget=RegionCheckboxes,
        help_text="Tick each part of the body where you saw a mark. Left and right are the "
        "baby's own.",
    )
    explanation = _text(
        "Explanation given, and by whom", required=False, help_text="Leave empty if none."
    )
    action = _text("What did you do?")
    informed = _text(
        "Who did you tell, and when?", help_text="For example the safeguarding lead, the GP."
    )
    facilitator_instruction = forms.CharField(
        label="What should the course facilitator do? (optional)",
        required=False,
        max_length=INSTRUCTION_LIMIT,
        help_text="Facilitators see only that there is a concern and this instruction, never "
        "the details. Leave it empty to use your service's usual wording.",
    )
    review_on = forms.DateField(label="Review by", widget=DATE_INPUT)

    def __init__(self, *args: Any, babies: list[Baby], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["baby"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(baby.pk), baby.full_name()) for baby in babies] + [
            ("", "Not about one baby")
        ]
        field.widget = forms.RadioSelect(choices=field.choices)

    @classmethod
    def initial_for(cls, babies: list[Baby], now: datetime | None = None) -> dict[str, Any]:
        now = timezone.localtime(now)
        return {
            "concern_id": uuid.uuid4(),
            "baby": str(babies[0].pk) if len(babies) == 1 else None,
            "seen_on": now.date(),
            "seen_time": now.time().replace(second=0, microsecond=0),
            "review_on": now.date() + REVIEW_AFTER,
        }

    def regions_by_side(self) -> list[tuple[str, str, list[BoundWidget]]]:
        """The body-map checkboxes in two groups: (side, legend, boxes)."""
        boxes = list(self["regions"])
        return [
            (side, legend, [box for box in boxes if box.data["value"].startswith(f"{side}_")])
            for side, legend in SIDES
        ]

    def data_for_service(self) -> ConcernData:
        cleaned = self.cleaned_data
        seen_at = timezone.make_aware(datetime.combine(cleaned["seen_on"], cleaned["seen_time"]))
        return ConcernData(
            id=cleaned["concern_id"],
            seen=cleaned["seen"],
            seen_at=seen_at,
            regions=list(cleaned["regions"]),
            explanation=cleaned["explanation"],
            action=cleaned["action"],
            informed=cleaned["informed"],
            facilitator_instruction=cleaned["facilitator_instruction"],
            review_on=cleaned["review_on"],
            baby_id=uuid.UUID(cleaned["baby"]) if cleaned["baby"] else None,
        )
