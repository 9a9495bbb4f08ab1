"""Where the current action comes from, for the audit log.

Set once per request by ``AuditContextMiddleware`` (or by a command), read by
``audit.services.record`` so services do not have to thread the request through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    source: str
    ip_address: str | None = None
    request: Any = field(default=None, compare=False, repr=False)
    """The request, for who asked (its user is known only once the view has authenticated
    it, as a bearer token is)."""


COMMAND = AuditContext(source="command")
_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext:
    """The context of this request, or "command" outside a request."""
    return _current.get() or COMMAND


@contextmanager
def audit_context(context: AuditContext) -> Iterator[None]:
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)
