"""Reads of the message log and of calendar links, already scoped by the access policy.

The message log is for staff: parents never see it (their own messages reach them by email
or text). A member of staff sees a family's messages when the policy lets them see the
family, and a run's messages for the families on it they may see; messages for staff
themselves (no family) only when they manage the provider.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from nurture import policy
from nurture.accounts.roles import Role
from nurture.courses import selectors as course_selectors
from nurture.courses.models import CourseRun, Enrolment, EnrolmentStatus
from nurture.families import selectors as family_selectors
from nurture.families.models import Carer, Family
from nurture.notify.models import Message, MessageStatus
from nurture.policy import Person

# A message still waiting or being sent is not sent again: it would go twice.
RESENDABLE = (MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.CANCELLED)


def _is_staff_of(user: Person, provider_id: Any) -> bool:
    """Admins, or someone holding a staff role at this provider (not only a parent there)."""
    scope = policy.scope_of(user)
    return scope.is_admin or provider_id in scope.provider_roles


def _log(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("family", "run__template", "run__venue").order_by(
        "-created_at", "-pk"
    )


# --- Families and runs -------------------------------------------------------------------------


def family_for_log(user: Person, family_id: Any) -> Family:
    family = family_selectors.family_detail(user, family_id)
    if not _is_staff_of(user, family.provider_id):
        raise Http404("Not found.")
    return family


def run_for_log(user: Person, run_id: Any) -> CourseRun:
    run = course_selectors.run_detail(user, run_id)
    if not _is_staff_of(user, run.provider_id):
        raise Http404("Not found.")
    return run


def family_messages(user: Person, family: Family) -> QuerySet[Message]:
    """Every message to a family (the caller has checked the family with ``family_for_log``)."""
    return _log(Message.objects.filter(family=family))


def run_messages(user: Person, run: CourseRun) -> QuerySet[Message]:
    """A run's messages to the families on it this person may see, and (for those who manage
    the run) its messages to staff."""
    condition = Q(family__in=policy.families_visible_to(user).values("pk"))
    if policy.can_manage_run(user, run):
        condition |= Q(family__isnull=True)
    return _log(Message.objects.filter(Q(run=run) & condition))


# --- Single messages ---------------------------------------------------------------------------


def messages_visible_to(user: Person) -> QuerySet[Message]:
    scope = policy.scope_of(user)
    if scope.is_admin:
        return Message.objects.all()
    if not scope.provider_roles:
        return Message.objects.none()
    families = policy.families_visible_to(user).filter(provider_id__in=scope.provider_roles.keys())
    condition = Q(family__in=families.values("pk"))
    managed = scope.providers_where(Role.SERVICE_MANAGER)
    if managed:
        condition |= Q(family__isnull=True) & (
            Q(provider_id__in=managed) | Q(run__provider_id__in=managed)
        )
    return Message.objects.filter(condition)


def may_resend(user: Person, message: Message) -> bool:
    """Staff who may change the family's details, or who manage the run, may send again."""
    scope = policy.scope_of(user)
    if scope.is_admin:
        return True
    if message.family_id is not None and policy.can_edit_family(user, message.family):
        return True
    if message.run_id is not None and policy.can_manage_run(user, message.run):
        return True
    return message.family_id is None and message.provider_id in scope.providers_where(
        Role.SERVICE_MANAGER
    )


def can_send_again(user: Person, message: Message) -> bool:
    """Whether to offer "Send again": allowed to, and the message is no longer on its way."""
    return message.status in RESENDABLE and may_resend(user, message)


def message_detail(user: Person, message_id: Any) -> Message:
    return policy.get_visible_or_404(
        messages_visible_to(user).select_related("family", "run", "carer"), pk=message_id
    )


def resendable_message(user: Person, message_id: Any) -> Message:
    """A message this person may send again; anything else is a 404."""
    message = message_detail(user, message_id)
    if not may_resend(user, message):
        raise Http404("Not found.")
    return message


# --- Calendar links ----------------------------------------------------------------------------


def enrolments_visible_to(user: Person) -> QuerySet[Enrolment]:
    """Enrolments on runs this person may see, of families whose referrals they may see: the
    family themselves, and staff who look after them."""
    return Enrolment.objects.filter(
        referral__in=policy.referrals_visible_to(user).values("pk"),
        run__in=policy.runs_visible_to(user).values("pk"),
    )


def enrolment_for_calendar(user: Person, enrolment_id: Any) -> Enrolment:
    """An enrolment whose calendar link this person may see (not one that was withdrawn)."""
    return policy.get_visible_or_404(
        enrolments_visible_to(user)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("run__template", "run__venue", "referral__baby"),
        pk=enrolment_id,
    )


def may_revoke_calendar(user: Person, enrolment: Enrolment) -> bool:
    """The family themselves, or staff who manage the run."""
    if policy.scope_of(user).family_id == enrolment.referral.family_id:
        return True
    return policy.can_manage_run(user, enrolment.run)


def revocable_enrolment(user: Person, enrolment_id: Any) -> Enrolment:
    enrolment = enrolment_for_calendar(user, enrolment_id)
    if not may_revoke_calendar(user, enrolment):
        raise Http404("Not found.")
    return enrolment


# --- A parent's own choices --------------------------------------------------------------------


def own_carer(user: Person, carer_id: Any = None) -> Carer:
    """The signed-in parent's own carer record (and, if an id is given, only when it is that
    one). Practice reminders are the carer's own choice: staff and other carers get a 404."""
    carer = family_selectors.own_carer(user)
    if carer is None or (carer_id is not None and str(carer.pk) != str(carer_id)):
        raise Http404("Not found.")
    return carer
