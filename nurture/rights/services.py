"""Writes for data rights: each export of a family's record is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from nurture.audit.services import record
from nurture.families.models import Family
from nurture.rights.export import FamilyRecord, family_record


@transaction.atomic
def family_export(*, actor: Any, family: Family, clinical: bool, file_format: str) -> FamilyRecord:
    """The family's whole record, with an audit event saying who took it and in which form."""
    found = family_record(family, clinical=clinical)
    record(
        actor=actor,
        action="family.exported",
        target=family,
        provider_id=family.provider_id,
        data={"format": file_format, "clinical": clinical},
    )
    return found
