"""Form fields for choosing rows, safe with any id a browser sends.

Django's own fields look a chosen id up in the database straight away. An id too large for a
database integer (10^20) then fails inside the database driver (SQLite raises OverflowError),
a server error instead of "not one of the choices". These fields refuse such an id first.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

LARGEST_ID = 2**63 - 1


def fits_an_id(value: Any) -> bool:
    """Whether a sent id could be a database id: numbers within a 64-bit integer; anything
    else (a UUID, a word) is left to the field's own lookup, which handles it."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return True
    return -LARGEST_ID <= number <= LARGEST_ID


class ModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not fits_an_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not fits_an_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]
