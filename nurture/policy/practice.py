"""Home practice: only the family's own carers log sessions for their baby."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nurture.families.models import Baby
from nurture.policy.scope import Person, scope_of


def practice_babies_for(user: Person) -> QuerySet[Baby]:
    """Babies whose practice log and diary this user may see: their own family's (carers with
    a login). Staff do not see or keep a family's home practice."""
    family_id = scope_of(user).family_id
    if family_id is None:
        return Baby.objects.none()
    return Baby.objects.filter(family_id=family_id)


def can_log_for_baby(user: Person, baby: Any) -> bool:
    """Every carer of the baby with a login may log practice and diary entries."""
    family_id = scope_of(user).family_id
    return family_id is not None and family_id == baby.family_id
