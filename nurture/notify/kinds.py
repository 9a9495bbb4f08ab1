"""Every kind of message Nurture sends, with its templates and whether it is urgent.

Each kind renders ``notify/<kind>.subject.txt``, ``notify/<kind>.txt`` (email text),
``notify/<kind>.html`` (email HTML) and ``notify/<kind>.sms.txt``. Messages carry no clinical
detail: at most a first name, a venue, a date, and a link into the app.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    urgent: bool = False
    course: bool = True
    """About a family's course place or sessions (links to /my-course/, names the venue)."""


KINDS = {
    kind.name: kind
    for kind in (
        Kind("offer_made", "Place offered"),
        Kind("offer_expiring", "Offer about to expire", urgent=True),
        Kind("enrolment_confirmed", "Place confirmed"),
        Kind("session_reminder", "Session reminder"),
        Kind("session_today", "Session today"),
        Kind("session_moved", "Session moved", urgent=True),
        Kind("session_cancelled", "Session cancelled", urgent=True),
        Kind("missed_session", "Sorry we missed you"),
        Kind("safety_alert", "Safety alert (to staff)", urgent=True, course=False),
        Kind(
            "safety_alert_escalated", "Safety alert escalated (to staff)", urgent=True, course=False
        ),
        Kind("practice_nudge", "Home practice reminder", course=False),
        Kind("questionnaire_due", "Questions ready to answer", course=False),
    )
}
