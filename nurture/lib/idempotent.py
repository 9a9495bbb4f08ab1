"""Creates named by the client's id, safe when the same id arrives twice at the same moment.

A service that creates by a client-generated id first looks for that id and, if stored,
answers as for a resend. Two requests racing with one new id can both look before either
has committed: the second insert then waits for the first and fails on the primary key
(PostgreSQL's UniqueViolation). Retrying once, in a fresh savepoint, finds the row the
winner committed, so the loser gets the stored object (or the service's own 409), never a 500.

The decorator makes the service one transaction (a savepoint when called inside another), so
the service itself needs no ``transaction.atomic`` of its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, transaction

P = ParamSpec("P")
R = TypeVar("R")


def once_per_client_id(service: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(service)
    def create_or_replay(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return service(*args, **kwargs)
        except IntegrityError:
            with transaction.atomic():
                return service(*args, **kwargs)

    return create_or_replay
