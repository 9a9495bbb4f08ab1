"""Scheduled messages, queued by the periodic job (every minute with ``runperiodic --loop``).

- **Offer about to expire**: a pending offer whose hold runs out within the next 24 hours
  (not one made in the last 12 hours: its first message already gave the time). It is urgent,
  but during quiet hours it waits for the morning unless the hold ends before then.
- **Session reminder**: ``NOTIFY_REMINDER_DAYS_BEFORE`` days (default 2) before each session,
  to each family due at it; skipped when the session is under 12 hours away and a same-day
  reminder will follow, or when the family was told the session's new time from a day before
  the reminder was due.
- **Session today**: if ``NOTIFY_SAME_DAY_REMINDER``, queued from midnight on the day and held
  by quiet hours until the morning; skipped if that would be less than an hour before it.

Every reminder has a dedupe key naming the offer or the session (and its version, so a moved
session gets a fresh reminder) and the family's place, so running this every minute, or from
two processes at once, never queues one twice. Rows already queued are found with one query
per batch before anything is rendered, so a run that finds nothing new stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from nurture.courses.messages import attending, baby_name, course_context
from nurture.courses.models import (
    CourseRun,
    Offer,
    OfferKind,
    OfferStatus,
    RunStatus,
    Session,
    SessionStatus,
)
from nurture.families.models import Family
from nurture.lib.dates import clock, day, when
from nurture.notify import outbox
from nurture.notify.models import Message

OFFER_WARNING = timedelta(hours=24)
FRESH_OFFER = timedelta(hours=12)
LATEST_REMINDER = timedelta(hours=12)
SAME_DAY_NOTICE = timedelta(hours=1)
MOVED_NEWS_COVERS = timedelta(days=1)


@dataclass
class Planned:
    """One message to one family, unless each of its carers already has it."""

    kind: str
    family: Family
    dedupe: str
    context: dict[str, Any]
    run: CourseRun
    # Another event's message that makes this one needless if queued since ``covered_since``.
    covered_by: tuple[str, ...] = ()
    covered_since: datetime | None = None


def queue_reminders(*, now: datetime | None = None) -> int:
    """Queue every reminder now due. Returns how many messages were queued."""
    now = now or timezone.now()
    planned = [*_offers_expiring(now), *_sessions_soon(now), *_sessions_today(now)]
    return _queue(planned, now)


def _offers_expiring(now: datetime) -> Iterable[Planned]:
    offers = (
        Offer.objects.filter(
            status=OfferStatus.PENDING,
            expires_at__gt=now,
            expires_at__lte=now + OFFER_WARNING,
            offered_at__lte=now - FRESH_OFFER,
            run__status=RunStatus.SCHEDULED,
        )
        .select_related("run__venue", "run__template", "referral__baby", "referral__family")
        .prefetch_related("referral__family__carers")
        .order_by("expires_at")
    )
    morning = outbox.send_after(now, urgent=False)
    for offer in offers:
        if morning > now and offer.expires_at > morning + SAME_DAY_NOTICE:
            continue  # quiet hours: there is still time to tell them in the morning
        yield Planned(
            kind="offer_expiring",
            family=offer.referral.family,
            dedupe=f"offer_expiring:{offer.pk}",
            context={
                **course_context(offer.run),
                "baby": baby_name(offer),
                "expires": when(offer.expires_at),
                "first_to_accept": offer.kind == OfferKind.OPEN_TO_ALL,
            },
            run=offer.run,
        )


def _upcoming(start: datetime, end: datetime) -> Iterable[Session]:
    return (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            run__status=RunStatus.SCHEDULED,
            starts_at__gt=start,
            starts_at__lte=end,
        )
        .select_related("run__venue", "run__template")
        .order_by("starts_at")
    )


def _for_families(
    kind: str, session: Session, *, covered_since: datetime | None = None
) -> Iterable[Planned]:
    course = course_context(session.run)
    families = attending(session).exclude(attendance__session=session)  # told us already
    for enrolment in families:
        yield Planned(
            kind=kind,
            family=enrolment.referral.family,
            dedupe=f"{kind}:{session.pk}:{session.sequence}:{enrolment.pk}",
            context={
                **course,
                "baby": baby_name(enrolment),
                "week": session.number,
                "starts": when(session.starts_at),
                "day": day(session.starts_at),
                "time": clock(session.starts_at),
            },
            run=session.run,
            covered_by=(f"session_moved:{session.pk}:{session.sequence}:{enrolment.pk}",)
            if covered_since
            else (),
            covered_since=covered_since,
        )


def _sessions_soon(now: datetime) -> Iterable[Planned]:
    days = settings.NOTIFY_REMINDER_DAYS_BEFORE
    if days <= 0:
        return
    latest = LATEST_REMINDER if settings.NOTIFY_SAME_DAY_REMINDER else SAME_DAY_NOTICE
    for session in _upcoming(now + latest, now + timedelta(days=days)):
        # A family told the session's new time shortly before needs no reminder as well.
        since = session.starts_at - timedelta(days=days) - MOVED_NEWS_COVERS
        yield from _for_families("session_reminder", session, covered_since=since)


def _sessions_today(now: datetime) -> Iterable[Planned]:
    if not settings.NOTIFY_SAME_DAY_REMINDER:
        return
    local = timezone.localtime(now)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    goes_at = outbox.send_after(now, urgent=False)
    for session in _upcoming(now, tomorrow - timedelta(microseconds=1)):
        if session.starts_at - SAME_DAY_NOTICE < goes_at:
            continue  # too late to be of use
        yield from _for_families("session_today", session)


def _keys(plan: Planned) -> dict[str, tuple[list[str], list[str]]]:
    """For each carer: the dedupe keys the outbox would give this plan's messages, and the
    keys of messages that would make it needless."""
    keys = {}
    for carer in plan.family.carers.all():
        channels = [channel for channel, _ in outbox.channels_for(carer)]
        keys[str(carer.pk)] = (
            [f"{plan.dedupe}:{carer.pk}:{channel}" for channel in channels],
            [f"{other}:{carer.pk}:{channel}" for other in plan.covered_by for channel in channels],
        )
    return keys


def _existing(keys: list[str]) -> dict[str, datetime]:
    """Which of these dedupe keys are taken, and when each message was queued."""
    found: dict[str, datetime] = {}
    for start in range(0, len(keys), 500):
        rows = Message.objects.filter(dedupe_key__in=keys[start : start + 500])
        found.update((key, at) for key, at in rows.values_list("dedupe_key", "created_at") if key)
    return found


def _queue(planned: list[Planned], now: datetime) -> int:
    keyed = [(plan, _keys(plan)) for plan in planned]
    existing = _existing(
        [key for _, keys in keyed for own, other in keys.values() for key in (*own, *other)]
    )
    queued = 0
    for plan, keys in keyed:
        for carer in plan.family.carers.all():
            own, other = keys[str(carer.pk)]
            if not own or all(key in existing for key in own):
                continue  # nothing to send on, or already queued
            since = plan.covered_since
            if since and any(key in existing and existing[key] >= since for key in other):
                continue
            queued += len(
                outbox.to_family(
                    kind=plan.kind,
                    carer=carer,
                    context=plan.context,
                    dedupe=plan.dedupe,
                    run=plan.run,
                    now=now,
                )
            )
    return queued
