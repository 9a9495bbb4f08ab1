"""What a parent is told after answering: a warm message and, when an answer needs it, where
to get help right away. Never a score, a band or the word "depression" (hazard H9: a partner
may be looking at the screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nurture.outcomes.models import OutcomesSettings

THANKS = (
    "Thank you for answering these questions. Your answers help your health visitor team "
    "support you and your baby."
)
THANKS_FEEDBACK = (
    "Thank you for telling us what you thought of the course. It helps us make it better "
    "for every family."
)
REACH_OUT = (
    "Thank you for being so open with us. It sounds like things may be hard at the moment, "
    "and you do not have to manage on your own. We have let your health visitor team know, so "
    "someone may get in touch. You can also talk to someone now:"
)
TRY_AGAIN = (
    "Sorry, we could not save your answers just now. Please try again in a moment. If you "
    "need to talk to someone in the meantime:"
)
FEEDBACK_KEYS = frozenset({"course-feedback"})


def default_help(health_visitor_name: str = "") -> list[str]:
    named = f", {health_visitor_name}" if health_visitor_name else ""
    return [
        f"Your health visitor{named}: they are there to help, whatever is on your mind.",
        "NHS 111, for urgent advice at any time: call 111.",
        "Samaritans, day or night, free: call 116 123.",
        "If you or your baby are in danger now, call 999.",
    ]


def help_lines(provider_id: int, family: Any = None) -> list[str]:
    """The provider's help contacts (one a line), or the defaults naming the family's HV."""
    own = OutcomesSettings.for_provider(provider_id).help_text
    lines = [line.strip() for line in own.splitlines() if line.strip()]
    if lines:
        return lines
    visitor = getattr(family, "health_visitor", None) if family is not None else None
    return default_help(visitor.display_name() if visitor is not None else "")


@dataclass(frozen=True)
class ParentResult:
    """All a parent gets back after answering."""

    message: str
    show_help: bool
    help: tuple[str, ...] = ()


def for_parent(
    *, instrument_key: str, needs_help: bool, provider_id: int, family: Any
) -> ParentResult:
    if needs_help:
        return ParentResult(REACH_OUT, True, tuple(help_lines(provider_id, family)))
    thanks = THANKS_FEEDBACK if instrument_key in FEEDBACK_KEYS else THANKS
    return ParentResult(thanks, False)


def try_again(provider_id: int, family: Any) -> ParentResult:
    """When saving failed: ask them to try again, and show where to get help meanwhile."""
    return ParentResult(TRY_AGAIN, True, tuple(help_lines(provider_id, family)))
