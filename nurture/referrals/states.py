"""The referral state machine: which moves are allowed. Every move is recorded."""

from __future__ import annotations

from nurture.referrals.models import Status

ALLOWED: dict[str, set[str]] = {
    Status.RECEIVED: {Status.ELIGIBLE, Status.NOT_ELIGIBLE, Status.WITHDRAWN},
    Status.ELIGIBLE: {Status.WAITING, Status.NOT_ELIGIBLE, Status.WITHDRAWN},
    Status.WAITING: {
        Status.OFFERED,
        Status.ENROLLED,
        Status.DECLINED,
        Status.NOT_ELIGIBLE,
        Status.WITHDRAWN,
    },
    Status.OFFERED: {
        Status.ENROLLED,
        Status.WAITING,
        Status.DECLINED,
        Status.NOT_ELIGIBLE,
        Status.WITHDRAWN,
    },
    Status.ENROLLED: {Status.COMPLETED, Status.WITHDRAWN},
    Status.NOT_ELIGIBLE: {Status.WAITING, Status.WITHDRAWN},
    Status.DECLINED: {Status.WAITING},
    # A back-filled register can change whether a family completed the course.
    Status.WITHDRAWN: {Status.WAITING, Status.COMPLETED},
    Status.COMPLETED: {Status.WITHDRAWN},
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, set())
