"""Shared schema pieces for the API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator

from nurture.lib.errors import DomainError

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
"""A database id: 64-bit, so a bigger number is a field error, not a database overflow."""
Note = Annotated[str, Field(max_length=300)]


@contextmanager
def api_field_names(**renames: str) -> Iterator[None]:
    """Name fields as the API client sent them (the services use the forms' names)."""
    try:
        yield
    except DomainError as error:
        error.errors = {renames.get(key, key): message for key, message in error.errors.items()}
        raise


def person_name(user: Any) -> str | None:
    return user.display_name() if user is not None else None


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
