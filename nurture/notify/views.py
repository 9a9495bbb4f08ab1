"""Pages for messages and calendar links. Thin: ask the policy, call a service or selector,
render. Every view carries a policy decorator."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from nurture import policy
from nurture.accounts.roles import Role
from nurture.audit.services import record
from nurture.courses import calendar_links
from nurture.lib.errors import DomainError, add_to_forms
from nurture.lib.redirects import safe_next
from nurture.notify import outbox, selectors
from nurture.notify.forms import PracticeNudgeForm
from nurture.notify.models import Message, MessageStatus
from nurture.practice import nudges as practice_nudges

PAGE_SIZE = 50


# --- Services ----------------------------------------------------------------------------------


@transaction.atomic
def resend_message(*, actor: Any, message: Message) -> Message:
    """Queue a fresh copy of a sent, failed or cancelled message, to the same address, with
    its own attempts. The original row is kept as it was, so the log shows both."""
    original = (
        Message.objects.select_for_update(of=("self",)).select_related("carer").get(pk=message.pk)
    )
    if original.status not in selectors.RESENDABLE:
        raise DomainError("This message is still on its way, so it was not sent again.")
    if original.resends.filter(status__in=(MessageStatus.QUEUED, MessageStatus.SENDING)).exists():
        raise DomainError("A copy of this message is already on its way.")
    if original.carer is not None and not original.carer.consent_to_contact:
        raise DomainError(
            "This carer no longer agrees to course messages, so it was not sent again."
        )
    now = timezone.now()
    copy = Message(
        provider_id=original.provider_id,
        family_id=original.family_id,
        run_id=original.run_id,
        carer_id=original.carer_id,
        user_id=original.user_id,
        channel=original.channel,
        to_address=original.to_address,
        kind=original.kind,
        subject=original.subject,
        body_text=original.body_text,
        body_html=original.body_html,
        attachment_name=original.attachment_name,
        attachment=bytes(original.attachment),
        dedupe_key=None,
        urgent=original.urgent,
        status=MessageStatus.QUEUED,
        attempts=0,
        send_after=outbox.send_after(now, urgent=original.urgent),
        next_attempt_at=now,
        resend_of=original,
    )
    copy.save(force_insert=True)
    record(
        actor=actor,
        action="message.resent",
        target=copy,
        provider_id=copy.provider_id,
        data={"resend_of": str(original.pk), "kind": original.kind, "channel": original.channel},
    )
    transaction.on_commit(lambda: _start_sending(copy.pk))
    return copy


def _start_sending(message_id: Any) -> None:
    from nurture.notify.tasks import send_message

    send_message.enqueue(str(message_id))


# --- Helpers -----------------------------------------------------------------------------------


def _message_log(
    request: HttpRequest, queryset: Any, *, show_course: bool, **context: Any
) -> HttpResponse:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"message": message, "can_send_again": selectors.can_send_again(request.user, message)}
        for message in page.object_list
    ]
    return render(
        request,
        "notify/pages/message_log.html",
        {"rows": rows, "page": page, "show_course": show_course, **context},
    )


# --- Calendar links ----------------------------------------------------------------------------


@policy.public
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The family's course dates for a calendar app to subscribe to. No login: the signed
    token is the key. Forged, altered, revoked and withdrawn links are all a plain 404."""
    enrolment = calendar_links.enrolment_for_token(token)
    if enrolment is None:
        raise Http404("Not found.")
    response = HttpResponse(
        calendar_links.feed(enrolment), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="baby-massage-course.ics"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@policy.signed_in
@require_safe
def calendar_link(request: HttpRequest, enrolment_id: Any) -> HttpResponse:
    enrolment = selectors.enrolment_for_calendar(request.user, enrolment_id)
    is_family = policy.scope_of(request.user).family_id == enrolment.referral.family_id
    return render(
        request,
        "notify/pages/calendar_link.html",
        {
            "enrolment": enrolment,
            "run": enrolment.run,
            "url": calendar_links.calendar_url(enrolment),
            "webcal_url": calendar_links.webcal_url(enrolment),
            "is_family": is_family,
            "can_revoke": selectors.may_revoke_calendar(request.user, enrolment),
            "back": (
                reverse("my_course:home")
                if is_family
                else reverse("courses:detail", args=[enrolment.run_id])
            ),
        },
    )


@policy.signed_in
@require_POST
def calendar_link_revoke(request: HttpRequest, enrolment_id: Any) -> HttpResponse:
    enrolment = selectors.revocable_enrolment(request.user, enrolment_id)
    calendar_links.revoke(actor=request.user, enrolment=enrolment)
    messages.success(
        request,
        "Calendar link changed. The old link no longer works: add the new one to your calendar.",
    )
    return redirect(safe_next(request, reverse("notify:calendar_link", args=[enrolment.pk])))


# --- Message log -------------------------------------------------------------------------------


@policy.require_roles(*policy.STAFF)
@require_safe
def family_messages(request: HttpRequest, family_id: Any) -> HttpResponse:
    family = selectors.family_for_log(request.user, family_id)
    names = " & ".join(carer.full_name() for carer in family.carers.all()) or "this family"
    return _message_log(
        request,
        selectors.family_messages(request.user, family),
        show_course=True,
        title=f"Messages to {names}",
        back=reverse("families:detail", args=[family.pk]),
        back_label="Back to the family",
        empty="No messages have been sent to this family.",
    )


@policy.require_roles(*policy.STAFF)
@require_safe
def run_messages(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = selectors.run_for_log(request.user, run_id)
    return _message_log(
        request,
        selectors.run_messages(request.user, run),
        show_course=False,
        title=f"Messages about {run.template.name} at {run.venue.name}",
        back=reverse("courses:detail", args=[run.pk]),
        back_label="Back to the course",
        empty="No messages about this course yet.",
    )


@policy.require_roles(*policy.STAFF)
@require_POST
def send_again(request: HttpRequest, message_id: Any) -> HttpResponse:
    message = selectors.resendable_message(request.user, message_id)
    default = (
        reverse("notify:family_messages", args=[message.family_id])
        if message.family_id
        else reverse("notify:run_messages", args=[message.run_id])
        if message.run_id
        else reverse("home")
    )
    try:
        resend_message(actor=request.user, message=message)
    except DomainError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, "Message queued to send again.")
    return redirect(safe_next(request, default))


# --- Practice reminders ------------------------------------------------------------------------


@policy.require_roles(Role.PARENT)
@require_http_methods(["GET", "POST"])
def practice_reminders(request: HttpRequest) -> HttpResponse:
    """The parent's own choice of home-practice nudges (off until they turn it on)."""
    carer = selectors.own_carer(request.user)
    nudge = practice_nudges.preference_for(carer)
    form = PracticeNudgeForm(request.POST if request.method == "POST" else None, nudge=nudge)
    if request.method == "POST" and form.is_valid():
        try:
            nudge = practice_nudges.practice_nudge_update(
                actor=request.user, carer=carer, choice=form.choice()
            )
        except DomainError as error:
            add_to_forms(error, {"": form})
        else:
            messages.success(
                request,
                f"Practice reminders on: {practice_nudges.describe(nudge)}."
                if nudge.enabled
                else "Practice reminders are off. You can turn them on again here at any time.",
            )
            return redirect("notify:practice_reminders")
    return render(
        request,
        "notify/pages/practice_reminders.html",
        {"form": form, "carer": carer, "can_send": bool(outbox.channels_for(carer))},
    )
