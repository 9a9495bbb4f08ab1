"""Report filters (date range, venue, facilitator, run) and the base querysets every report
starts from, already cut to what the person's ``ReportScope`` allows.

Which date the range applies to depends on what is counted, and each report's definition
says so: referrals by the day they were received, sessions and attendance by the session's
day, outcomes and completion by the day the course began.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from nurture.accounts.models import Venue
from nurture.courses.models import CourseRun, Enrolment, Session
from nurture.policy import ReportScope
from nurture.referrals.models import Referral

DEFAULT_DAYS = 365
LONGEST_RANGE_DAYS = 366 * 5


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    """Inclusive."""
    venue_id: int | None = None
    facilitator_id: int | None = None
    run_id: uuid.UUID | None = None

    @property
    def by_course(self) -> bool:
        """Whether the report is cut by venue, facilitator or run: then referrals not yet
        linked to a course (received, eligible, waiting) cannot be counted."""
        return any(v is not None for v in (self.venue_id, self.facilitator_id, self.run_id))

    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=timezone.get_current_timezone())

    def end(self) -> datetime:
        """The first moment after the range."""
        return datetime.combine(
            self.date_to + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )

    @classmethod
    def from_query(cls, query: dict[str, str]) -> ReportFilters:
        """The filters ``as_query`` gave (already checked when they were first asked for)."""

        def number(key: str) -> int | None:
            return int(query[key]) if key in query else None

        return cls(
            date_from=date.fromisoformat(query["date_from"]),
            date_to=date.fromisoformat(query["date_to"]),
            venue_id=number("venue"),
            facilitator_id=number("facilitator"),
            run_id=uuid.UUID(query["run"]) if "run" in query else None,
        )

    def as_query(self) -> dict[str, str]:
        """The filters as query-string parameters (for CSV and PDF links)."""
        query = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        for key in ("venue_id", "facilitator_id", "run_id"):
            value = getattr(self, key)
            if value is not None:
                query[key.removesuffix("_id")] = str(value)
        return query


def default_filters(today: date | None = None) -> ReportFilters:
    today = today or timezone.localdate()
    return ReportFilters(date_from=today - timedelta(days=DEFAULT_DAYS - 1), date_to=today)


EARLIEST = date(2000, 1, 1)
"""No programme data is older; earlier dates are a typing slip."""


class RunField(forms.TypedChoiceField):
    """The course filter: the drop-down lists the newest courses, but any course in the
    person's scope is accepted (asked of the database), so older ones can be typed in a link
    or the API."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_scope: QuerySet[CourseRun] = CourseRun.objects.none()

    def valid_value(self, value: Any) -> bool:
        if super().valid_value(value):
            return True
        try:
            return self.in_scope.filter(pk=uuid.UUID(str(value))).exists()
        except ValueError:
            return False


class FilterForm(forms.Form):
    """The filter bar. Venue, facilitator and run are free values checked against the
    person's scope by ``choices_for``; anything outside it is an error, never a leak."""

    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.TypedChoiceField(label="Venue", required=False, coerce=int, empty_value=None)
    facilitator = forms.TypedChoiceField(
        label="Facilitator", required=False, coerce=int, empty_value=None
    )
    run = RunField(label="Course", required=False, coerce=uuid.UUID, empty_value=None)

    def __init__(self, data: Any, *, scope: ReportScope, **kwargs: Any) -> None:
        # The dates in force are shown in the date boxes, not left blank: a missing end is
        # today; a missing start is a year before the end.
        data = data.copy()
        if not data.get("date_to"):
            data["date_to"] = timezone.localdate().isoformat()
        if not data.get("date_from"):
            try:
                end = date.fromisoformat(str(data["date_to"]))
            except ValueError:
                end = timezone.localdate()
            data["date_from"] = default_filters(end).date_from.isoformat()
        super().__init__(data, **kwargs)
        venues, facilitators, runs = choices_for(scope)
        everything = [("", "All")]
        self.fields["venue"].choices = everything + venues  # type: ignore[attr-defined]
        self.fields["facilitator"].choices = everything + facilitators  # type: ignore[attr-defined]
        self.fields["run"].choices = everything + runs  # type: ignore[attr-defined]
        self.fields["run"].in_scope = scoped_runs(scope)  # type: ignore[attr-defined]
        if scope.is_facilitator_summary:
            del self.fields["facilitator"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        defaults = default_filters()
        date_from = cleaned.get("date_from") or defaults.date_from
        date_to = cleaned.get("date_to") or defaults.date_to
        latest = timezone.localdate() + timedelta(days=366)
        if not EARLIEST <= date_from <= latest:
            self.add_error("date_from", f"Choose a date from {EARLIEST:%Y} to next year.")
        elif not EARLIEST <= date_to <= latest:
            self.add_error("date_to", f"Choose a date from {EARLIEST:%Y} to next year.")
        elif date_from > date_to:
            self.add_error("date_to", "The end date must be on or after the start date.")
        elif (date_to - date_from).days > LONGEST_RANGE_DAYS:
            self.add_error("date_from", "Choose a range of five years or less.")
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned

    def summary(self) -> list[str]:
        """The filters in words, e.g. ["1 Jan 2026 to 31 Dec 2026", "Venue: Oak Hall"]."""
        data = self.cleaned_data
        said = [f"{data['date_from']:%-d %b %Y} to {data['date_to']:%-d %b %Y}"]
        for name in ("venue", "facilitator", "run"):
            value = data.get(name)
            if name in self.fields and value is not None:
                labels = dict(self.fields[name].choices)  # type: ignore[attr-defined]
                said.append(f"{self.fields[name].label}: {labels.get(str(value), value)}")
        return said

    def filters(self) -> ReportFilters:
        """The valid filters (call after ``is_valid``)."""
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            venue_id=data.get("venue"),
            facilitator_id=data.get("facilitator"),
            run_id=data.get("run"),
        )


def choices_for(
    scope: ReportScope,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """Venues, facilitators and runs the person may filter by (three queries)."""
    from nurture.accounts.models import User

    runs = scoped_runs(scope).select_related("template", "venue").order_by("-first_session_at")
    venues = Venue.objects.filter(pk__in=runs.values("venue_id")).order_by("name")
    people = User.objects.filter(runs_facilitated__in=runs.values("pk")).distinct()
    return (
        [(str(v.pk), v.name) for v in venues],
        [(str(u.pk), u.get_full_name() or u.username) for u in people.order_by("first_name")],
        [(str(r.pk), str(r)) for r in runs[:200]],
    )


# --- Base querysets ------------------------------------------------------------------------


def _providers(scope: ReportScope) -> Q:
    if scope.provider_ids is None:
        return Q()
    return Q(provider_id__in=scope.provider_ids)


def scoped_runs(scope: ReportScope) -> QuerySet[CourseRun]:
    """Every run the scope covers, before filters."""
    runs = CourseRun.objects.filter(_providers(scope))
    if scope.facilitator_id is not None:
        runs = runs.filter(
            pk__in=CourseRun.facilitators.through.objects.filter(
                user_id=scope.facilitator_id
            ).values("courserun_id")
        )
    return runs


def runs_for(scope: ReportScope, filters: ReportFilters) -> QuerySet[CourseRun]:
    """Runs in scope matching the venue, facilitator and run filters (not the dates: each
    report applies its own date)."""
    runs = scoped_runs(scope)
    if filters.venue_id is not None:
        runs = runs.filter(venue_id=filters.venue_id)
    if filters.facilitator_id is not None:
        runs = runs.filter(
            pk__in=CourseRun.facilitators.through.objects.filter(
                user_id=filters.facilitator_id
            ).values("courserun_id")
        )
    if filters.run_id is not None:
        runs = runs.filter(pk=filters.run_id)
    return runs


def runs_started_in(scope: ReportScope, filters: ReportFilters) -> QuerySet[CourseRun]:
    """Runs whose first session falls in the date range."""
    return runs_for(scope, filters).filter(
        first_session_at__gte=filters.start(), first_session_at__lt=filters.end()
    )


def sessions_in(scope: ReportScope, filters: ReportFilters) -> QuerySet[Session]:
    """Sessions of runs in scope held (or due) in the date range."""
    return Session.objects.filter(
        run__in=runs_for(scope, filters).values("pk"),
        starts_at__gte=filters.start(),
        starts_at__lt=filters.end(),
    )


def enrolments_on_runs_started_in(
    scope: ReportScope, filters: ReportFilters
) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(run__in=runs_started_in(scope, filters).values("pk"))


def referrals_received_in(scope: ReportScope, filters: ReportFilters) -> QuerySet[Referral]:
    """Referrals received in the date range, duplicates left out. With a venue, facilitator
    or run filter: only referrals offered a place on (or enrolled on) a matching run."""
    referrals = Referral.objects.filter(
        _providers(scope),
        duplicate_of__isnull=True,
        created_at__gte=filters.start(),
        created_at__lt=filters.end(),
    )
    if filters.by_course or scope.is_facilitator_summary:
        from nurture.courses.models import Offer

        # One IN over the union of the two id lists (not two INs joined by OR), so the
        # database starts from the few referrals on those courses rather than testing every
        # referral received in the range twice.
        runs = runs_for(scope, filters).values("pk")
        offered = Offer.objects.filter(run__in=runs).order_by().values("referral_id")
        enrolled = Enrolment.objects.filter(run__in=runs).order_by().values("referral_id")
        referrals = referrals.filter(pk__in=offered.union(enrolled))
    return referrals
