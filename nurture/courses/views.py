"""Staff pages for courses. Thin: ask the policy, call a service or selector, render."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from nurture import policy
from nurture.accounts.models import Provider, User
from nurture.accounts.roles import Role
from nurture.allocation import places
from nurture.allocation import selectors as allocation_selectors
from nurture.allocation import services as allocation_services
from nurture.courses import registers, selectors, services
from nurture.courses.forms import (
    ConfirmForm,
    CopyForm,
    OfferPlaceForm,
    RegisterForm,
    RunForm,
    RunUpdateForm,
    SessionCancelForm,
    SessionMoveForm,
    TemplateForm,
)
from nurture.courses.models import (
    ATTENDED,
    Attendance,
    CourseRun,
    CourseTemplate,
    Offer,
    OfferStatus,
    RunStatus,
    Session,
    SessionStatus,
)
from nurture.lib.dates import date_and_time
from nurture.lib.errors import DomainError, add_to_forms
from nurture.referrals.forms import ReasonForm
from nurture.safeguarding import selectors as safeguarding_selectors

MANAGERS = (Role.ADMIN, Role.SERVICE_MANAGER)
REGISTER_KEEPERS = (Role.ADMIN, Role.SERVICE_MANAGER, Role.FACILITATOR)


# --- Helpers ----------------------------------------------------------------------------------


def _places(count: int) -> str:
    return f"{count} place{'' if count == 1 else 's'}"


def _renamed(error: DomainError, names: dict[str, str]) -> DomainError:
    """The same error with the service's field names changed to the form's."""
    return DomainError({names.get(key, key): message for key, message in error.errors.items()})


def _can_schedule(user: Any) -> bool:
    scope = policy.scope_of(user)
    return scope.is_admin or bool(scope.providers_where(Role.SERVICE_MANAGER))


def _managed_provider(request: HttpRequest) -> Provider | None:
    """The provider a new course or run is for: the one asked for, or the manager's only one."""
    asked = request.POST.get("provider") or request.GET.get("provider")
    return policy.chosen_provider(policy.providers_managed_by(request.user), asked)


def _choose_provider(request: HttpRequest, title: str) -> HttpResponse:
    return render(
        request,
        "courses/choose_provider.html",
        {"providers": policy.providers_managed_by(request.user), "title": title},
    )


def _facilitators_of(provider_id: int) -> Any:
    return User.objects.filter(
        memberships__provider_id=provider_id,
        memberships__role=Role.FACILITATOR,
        memberships__is_active=True,
        is_active=True,
    ).order_by("first_name", "last_name", "username")


def _taken(run: Any) -> int:
    """Places taken or held on a run loaded through ``selectors.run_list``."""
    return int(run.enrolled_count) + int(run.held_count)


def _offer_count(run: CourseRun) -> int:
    return Offer.objects.filter(run_id=run.pk).count()


def _with_carers(enrolments_or_offers: list[Any]) -> None:
    """Load every family's carers in one query."""
    prefetch_related_objects([item.referral.family for item in enrolments_or_offers], "carers")


def _safety_flags(user: Any, run: CourseRun, enrolments: list[Any]) -> list[dict[str, Any]]:
    """Families on the run with an open safety alert or a concern, for those who keep its
    register (callers check): only that one exists and what to do, never what it is."""
    flags = {flag.family_id: flag for flag in safeguarding_selectors.flags_for_run(user, run)}
    found: dict[Any, dict[str, Any]] = {}
    for enrolment in enrolments:
        flag = flags.get(enrolment.referral.family_id)
        if flag is not None:
            entry = found.setdefault(
                flag.family_id,
                {
                    "family_id": flag.family_id,
                    "babies": [],
                    "carers": flag.carer_names,
                    "what_to_do": flag.what_to_do,
                },
            )
            entry["babies"].append(enrolment.referral.baby.given_name)
    return list(found.values())


def _manageable_session(user: Any, session_id: Any) -> Session:
    session = selectors.session_detail(user, session_id)
    if not policy.can_manage_run(user, session.run):
        raise Http404("Not found.")
    return session


# --- Runs -------------------------------------------------------------------------------------


@policy.require_roles(*policy.STAFF)
def run_list(request: HttpRequest) -> HttpResponse:
    show_closed = request.GET.get("closed") == "1"
    page = Paginator(selectors.run_list(request.user, include_closed=show_closed), 50).get_page(
        request.GET.get("page")
    )
    rows = []
    for run in page.object_list:
        sessions = [s for s in run.sessions.all() if s.status != SessionStatus.CANCELLED]
        rows.append(
            {
                "run": run,
                "first": sessions[0] if sessions else None,
                "sessions": len(sessions),
                "taken": _taken(run),
                "free": selectors.free_places_of(run),
            }
        )
    return render(
        request,
        "courses/run_list.html",
        {
            "rows": rows,
            "page": page,
            "show_closed": show_closed,
            "can_schedule": _can_schedule(request.user),
        },
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def run_create(request: HttpRequest) -> HttpResponse:
    provider = _managed_provider(request)
    if provider is None:
        return _choose_provider(request, "Schedule a course")
    templates = CourseTemplate.objects.filter(provider=provider, is_active=True)
    form = RunForm(
        request.POST if request.method == "POST" else None,
        templates=templates,
        venues=policy.venues_visible_to(request.user).filter(provider=provider, is_active=True),
        facilitators=_facilitators_of(provider.pk),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = allocation_services.run_create(
                actor=request.user,
                provider=provider,
                template=data["template"],
                venue=data["venue"],
                first_session_at=form.starts_at(),
                facilitators=list(data["facilitators"]),
                capacity=data["capacity"],
            )
        except DomainError as error:
            add_to_forms(_renamed(error, {"first_session_at": "date"}), {"": form})
        else:
            offered = _offer_count(run)
            messages.success(
                request, f"Course scheduled. {_places(offered)} offered to the waiting list."
            )
            return redirect("courses:detail", run.pk)
    return render(
        request,
        "courses/run_create.html",
        {"form": form, "provider": provider, "has_templates": templates.exists()},
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    provider = _managed_provider(request)
    if provider is None:
        return _choose_provider(request, "Add a course")
    form = TemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.template_create(
                actor=request.user,
                provider=provider,
                name=data["name"],
                sessions_count=data["sessions_count"],
                session_minutes=data["session_minutes"],
                week_plan=data["week_plan"] or None,
                what_to_bring=data["what_to_bring"],
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, f"Course “{template.name}” added. You can schedule it now.")
            return redirect(f"{reverse('courses:create')}?provider={provider.pk}")
    return render(request, "courses/template_create.html", {"form": form, "provider": provider})


@policy.require_roles(*policy.STAFF)
def run_detail(request: HttpRequest, run_id: Any) -> HttpResponse:
    user = request.user
    run = selectors.run_detail(user, run_id)
    can_manage = policy.can_manage_run(user, run)
    can_register = policy.can_keep_register(user, run)
    enrolments = list(run.enrolments.all())
    offers = list(run.offers.all())
    # Each person sees only the families the policy lets them see (a health visitor: their
    # own); the others are counted, not named.
    visible = set(
        policy.referrals_visible_to(user)
        .filter(pk__in={item.referral_id for item in enrolments + offers})
        .values_list("pk", flat=True)
    )
    shown_enrolments = [e for e in enrolments if e.referral_id in visible]
    shown_offers = [o for o in offers if o.referral_id in visible]
    _with_carers(shown_enrolments + shown_offers)
    attended = dict(
        Attendance.objects.filter(enrolment__run_id=run.pk, status__in=ATTENDED)
        .values_list("enrolment_id")
        .annotate(count=Count("pk"))
    )
    now = timezone.now()
    today = timezone.localdate(now)
    open_run = run.status == RunStatus.SCHEDULED
    sessions = [
        {
            "session": session,
            "cancelled": session.status == SessionStatus.CANCELLED,
            "editable": can_manage
            and open_run
            and session.status == SessionStatus.SCHEDULED
            and session.starts_at > now,
            "register_open": session.status == SessionStatus.SCHEDULED
            and timezone.localdate(session.starts_at) <= today,
        }
        for session in run.sessions.all()
    ]
    safety_flags = _safety_flags(user, run, shown_enrolments) if can_register else []
    return render(
        request,
        "courses/run_detail.html",
        {
            "run": run,
            "safety_flags": safety_flags,
            "flagged_families": {flag["family_id"] for flag in safety_flags},
            "sessions": sessions,
            "enrolments": [
                {"enrolment": e, "attended": attended.get(e.pk, 0)} for e in shown_enrolments
            ],
            "hidden_enrolments": len(enrolments) - len(shown_enrolments),
            "offers": shown_offers,
            "free": selectors.free_places_of(run),
            "taken": _taken(run),
            "can_manage": can_manage,
            "can_register": can_register,
            "open_run": open_run,
        },
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def run_edit(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = selectors.manageable_run(request.user, run_id)
    form = RunUpdateForm(
        request.POST if request.method == "POST" else None,
        facilitators=_facilitators_of(run.provider_id),
        initial={
            "capacity": run.capacity,
            "facilitators": [user.pk for user in run.facilitators.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        before = _offer_count(run)
        try:
            allocation_services.run_update(
                actor=request.user,
                run=run,
                capacity=form.cleaned_data["capacity"],
                facilitators=list(form.cleaned_data["facilitators"]),
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            offered = _offer_count(run) - before
            extra = f" {_places(offered)} offered to the waiting list." if offered else ""
            messages.success(request, f"Course details saved.{extra}")
            return redirect("courses:detail", run.pk)
    return render(request, "courses/run_edit.html", {"run": run, "form": form})


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def run_copy(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = selectors.manageable_run(request.user, run_id)
    sessions = list(run.sessions.all())
    last = timezone.localtime(sessions[-1].starts_at if sessions else run.first_session_at)
    first = timezone.localtime(run.first_session_at)
    form = CopyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "date": max(last.date(), timezone.localdate()) + timedelta(weeks=1),
            "time": first.time(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = allocation_services.run_copy(
                actor=request.user, run=run, first_session_at=form.starts_at()
            )
        except DomainError as error:
            add_to_forms(_renamed(error, {"first_session_at": "date"}), {"": form})
        else:
            offered = _offer_count(copy)
            messages.success(
                request, f"Course copied. {_places(offered)} offered to the waiting list."
            )
            return redirect("courses:detail", copy.pk)
    return render(request, "courses/run_copy.html", {"run": run, "form": form})


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def run_close(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = selectors.manageable_run(request.user, run_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_services.run_close(actor=request.user, run=run)
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(
                request, "Course closed. Open offers are withdrawn and completion is recorded."
            )
            return redirect("courses:detail", run.pk)
    pending = [o for o in run.offers.all() if o.status == OfferStatus.PENDING]
    return render(
        request, "courses/run_close.html", {"run": run, "form": form, "pending": len(pending)}
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def offer_to_all(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = selectors.manageable_run(request.user, run_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            offers = places.offer_to_all(actor=request.user, run=run)
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            if offers:
                families = f"{len(offers)} famil{'y' if len(offers) == 1 else 'ies'}"
                text = f"Place offered to {families}. The first to accept gets it."
            else:
                text = "No families on the waiting list can join this course, so no offers went."
            messages.success(request, text)
            return redirect("courses:detail", run.pk)
    return render(
        request,
        "courses/offer_to_all.html",
        {"run": run, "form": form, "free": selectors.free_places_of(run)},
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def offer_place(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = selectors.manageable_run(request.user, run_id)
    waiting = allocation_selectors.waiting_list(request.user, run.provider_id)
    form = OfferPlaceForm(request.POST if request.method == "POST" else None, waiting=waiting)
    if request.method == "POST" and form.is_valid():
        referral = form.chosen()
        try:
            offer = places.offer_place(actor=request.user, run=run, referral=referral)
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(
                request,
                f"Place offered to {referral.baby.given_name}'s family. "
                f"It is held until {date_and_time(offer.expires_at)}.",
            )
            return redirect("courses:detail", run.pk)
    return render(
        request,
        "courses/offer_place.html",
        {"run": run, "form": form, "free": selectors.free_places_of(run)},
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def enrolment_withdraw(request: HttpRequest, enrolment_id: Any) -> HttpResponse:
    enrolment = selectors.enrolment_for_user(request.user, enrolment_id)
    baby = enrolment.referral.baby
    form = ReasonForm(request.POST if request.method == "POST" else None)
    form.fields["reason"].help_text = "Recorded on the family's referral history."
    if request.method == "POST" and form.is_valid():
        try:
            places.withdraw_enrolment(
                actor=request.user, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(
                request, f"{baby.given_name} is withdrawn from the course. The place is free again."
            )
            return redirect("courses:detail", enrolment.run_id)
    return render(
        request,
        "courses/enrolment_withdraw.html",
        {"enrolment": enrolment, "baby": baby, "run": enrolment.run, "form": form},
    )


# --- Sessions ---------------------------------------------------------------------------------


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _manageable_session(request.user, session_id)
    local = timezone.localtime(session.starts_at)
    form = SessionMoveForm(
        request.POST if request.method == "POST" else None,
        initial={"date": local.date(), "time": local.time()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.session_move(
                actor=request.user,
                session=session,
                starts_at=form.starts_at(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_to_forms(_renamed(error, {"starts_at": "date"}), {"": form})
        else:
            messages.success(
                request, f"Week {moved.number} moved to {date_and_time(moved.starts_at)}."
            )
            return redirect("courses:detail", session.run_id)
    return render(
        request, "courses/session_move.html", {"session": session, "run": session.run, "form": form}
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _manageable_session(request.user, session_id)
    form = SessionCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            replacement = services.session_cancel(
                actor=request.user,
                session=session,
                reason=form.cleaned_data["reason"],
                add_replacement=form.cleaned_data["add_replacement"],
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            text = f"Week {session.number} cancelled."
            if replacement is not None:
                text += (
                    f" Week {replacement.number} added on {date_and_time(replacement.starts_at)}."
                )
            messages.success(request, text)
            return redirect("courses:detail", session.run_id)
    return render(
        request,
        "courses/session_cancel.html",
        {"session": session, "run": session.run, "form": form},
    )


# --- Registers --------------------------------------------------------------------------------


def _register_state(register: selectors.Register) -> str:
    session = register.session
    if session.status == SessionStatus.CANCELLED:
        return "cancelled"
    if timezone.localdate(session.starts_at) > timezone.localdate():
        return "future"
    if register.locked:
        return "locked"
    return "open"


REFUSALS = {
    "cancelled": "This session was cancelled, so it has no register.",
    "future": "This session has not happened yet, so its register is not open.",
    "locked": "This register is locked. A manager can reopen it, with a reason.",
}


def _register_error(error: DomainError, form: RegisterForm) -> DomainError:
    """The service names marks ``marks.<enrolment id>.<part>``; the form names its fields
    after the enrolment too, so each error lands by the right family."""

    def field_name(key: str) -> str:
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "marks":
            return key
        try:
            return form.name_for(uuid.UUID(parts[1]), parts[2])
        except ValueError:
            return key

    return DomainError({field_name(key): message for key, message in error.errors.items()})


@policy.require_roles(*REGISTER_KEEPERS)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    register = selectors.register_for(user, session_id)
    session = register.session
    state = _register_state(register)
    if request.method == "POST" and state != "open":
        messages.error(request, REFUSALS[state])
        return redirect("courses:register", session.pk)
    _with_carers([row.enrolment for row in register.rows])
    form = None
    if state == "open" and register.rows:
        if request.method == "POST":
            form = RegisterForm(
                request.POST, rows=register.rows, all_present="all_present" in request.POST
            )
            if form.is_valid():
                marks = form.marks()
                try:
                    if not marks:
                        raise DomainError(
                            "Mark at least one family, or choose Mark everyone present."
                        )
                    registers.register_save(
                        actor=user,
                        session=session,
                        marks=marks,
                        save_id=form.cleaned_data["save_id"],
                    )
                except DomainError as error:
                    add_to_forms(_register_error(error, form), {"": form})
                else:
                    # A repeated save (the same save_id) stored nothing new, but the register
                    # is saved all the same: say so.
                    messages.success(request, f"Register saved for week {session.number}.")
                    return redirect("courses:register", session.pk)
        else:
            form = RegisterForm(rows=register.rows, initial={"save_id": uuid.uuid4()})
    can_manage = policy.can_manage_run(user, session.run)
    safety_flags = (
        _safety_flags(user, session.run, [row.enrolment for row in register.rows])
        if state in ("open", "future")
        else []
    )
    return render(
        request,
        "courses/register.html",
        {
            "safety_flags": safety_flags,
            "flagged_families": {flag["family_id"] for flag in safety_flags},
            "register": register,
            "session": session,
            "run": session.run,
            "state": state,
            "form": form,
            "rows": register.rows,
            "can_manage": can_manage,
            "reopen_form": ReasonForm() if state == "locked" and can_manage else None,
        },
    )


@policy.require_roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def register_reopen(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _manageable_session(request.user, session_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registers.register_reopen(
                actor=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(request, f"Register reopened for week {session.number}.")
            return redirect("courses:register", session.pk)
    return render(
        request,
        "courses/register_reopen.html",
        {"session": session, "run": session.run, "form": form},
    )
