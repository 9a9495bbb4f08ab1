"""Writing audit events. Every service that changes data calls ``record`` inside its
own transaction, so the change and its audit event commit or roll back together."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from nurture.audit.context import current
from nurture.audit.models import AuditEvent


def person(actor: Any) -> Any:
    """The signed-in person behind an action, or None when the system acted (a command or
    a scheduled job). For "who did it" columns as well as audit events."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _event(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    provider_id: int | None,
    data: dict[str, Any] | None,
    caller: str,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit.{caller} must run inside the transaction of the change.")
    context = current()
    who = person(actor)
    return AuditEvent(
        actor=who,
        actor_label=who.get_username() if who else "system",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        provider_id=provider_id,
        ip_address=context.ip_address,
        source=context.source,
        data=data or {},
    )


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    provider_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    event = _event(
        actor=actor,
        action=action,
        target=target,
        provider_id=provider_id,
        data=data,
        caller="record",
    )
    event.save()
    return event


def record_refusal(target: models.Model) -> None:
    """Someone asked for a record that exists but is not theirs to see (they were told it
    was not found): kept, with who asked, for whoever reviews the audit log."""
    request = current().request
    record_read(actor=getattr(request, "user", None), action="access.refused", target=target)


def record_read(
    *, actor: Any, action: str, target: models.Model, data: dict[str, Any] | None = None
) -> None:
    """An audited read (a download, an admin page, facilitators' flags), in its own
    transaction since nothing else is written."""
    with transaction.atomic():
        record(
            actor=actor,
            action=action,
            target=target,
            provider_id=getattr(target, "provider_id", None),
            data=data,
        )


def record_many(
    *,
    actor: Any,
    action: str,
    targets: list[models.Model],
    provider_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """One audit event per target, written in a single insert (for changes made in bulk)."""
    if not targets:
        return
    AuditEvent.objects.bulk_create(
        _event(
            actor=actor,
            action=action,
            target=target,
            provider_id=provider_id,
            data=data,
            caller="record_many",
        )
        for target in targets
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields whose value changed, as JSON-safe strings."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
