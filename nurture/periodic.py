"""Scheduled jobs, run by `manage.py runperiodic` (every minute with --loop).

Each job is a function that finds due rows itself and is safe to run twice or from two
processes at once (rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    path: str  # "module:function", imported when run so this module stays light

    def function(self) -> Callable[..., Any]:
        module, name = self.path.split(":")
        function: Callable[..., Any] = getattr(import_module(module), name)
        return function


JOBS = [
    Job(
        "Escalate unacknowledged safety alerts", "nurture.safeguarding.escalation:escalate_overdue"
    ),
    Job("Send messages that are due", "nurture.notify.delivery:deliver_due"),
    Job("Queue session and offer reminders", "nurture.courses.reminders:queue_reminders"),
    Job("Queue home-practice nudges", "nurture.practice.nudges:queue_practice_nudges"),
    Job(
        "Tell parents when course questions open",
        "nurture.questionnaires.reminders:queue_questionnaire_due",
    ),
    Job(
        "Expire offers whose hold has run out, and pass the places on",
        "nurture.allocation.places:expire_offers",
    ),
    Job(
        "Move waiting babies who have aged out to not eligible",
        "nurture.referrals.services:mark_aged_out",
    ),
    Job(
        "Remove family records whose retention period has ended",
        "nurture.rights.erasure:apply_retention",
    ),
    Job(
        "Ask for the largest programme reports to be prepared overnight",
        "nurture.reports.prepared:prepare_overnight",
    ),
]
