"""Shared schema pieces for the API."""

from __future__ import annotations

from typing import Any, ClassVar

from ninja import Schema
from pydantic import ValidationInfo, field_validator


class PatchSchema(Schema):
    """A partial update: leave a field out to keep it. Sending null is only allowed for the
    fields listed in ``NULLABLE`` (where empty has a meaning); otherwise it is an error
    naming the field, not a server error."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("Leave this out to keep it as it is; it cannot be null.")
        return value
