"""Forms for answering a questionnaire one question at a time, and for sending it.

An answer is the position of the option chosen (0 for the first), as the services store it.
Whether every question is answered, and whether a choice is one the question offers, is the
services' job too (``scoring.check_answers``); these forms only turn a tap into a number and
ask for an answer before moving on. The send form carries the client id made when the page
was drawn, so pressing "Send" twice stores the answers once.
"""

from __future__ import annotations

from typing import Any

from django import forms

from nurture.questionnaires.instruments import Item
from nurture.questionnaires.scoring import BAD_CHOICE, MISSING

BACK_TO_CHECK = "check"


class AnswerForm(forms.Form):
    answer = forms.TypedChoiceField(
        widget=forms.RadioSelect,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": BAD_CHOICE},
    )
    then = forms.CharField(widget=forms.HiddenInput, required=False)
    """"check" when the question was opened from the check-your-answers page."""

    def __init__(self, *args: Any, item: Item, later: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.later = later
        field = self.fields["answer"]
        assert isinstance(field, forms.TypedChoiceField)
        field.label = item.text
        field.choices = [(str(n), option.label) for n, option in enumerate(item.options)]

    def clean_answer(self) -> int | None:
        answer: int | None = self.cleaned_data.get("answer")
        if answer is None and self.item.scored and not self.later:
            raise forms.ValidationError(MISSING)
        return answer

    @property
    def back_to_check(self) -> bool:
        return self.cleaned_data.get("then") == BACK_TO_CHECK


class SendForm(forms.Form):
    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "Please reload the page and send again."},
    )
