"""Two-step verification (allauth's MFA) as the rest of Nurture asks about it: does this
person have a second factor, must they, and is a code they typed right."""

from __future__ import annotations

from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction

from nurture.accounts.models import Membership, User


def has_second_factor(user_id: int) -> bool:
    """An authenticator app or a security key (recovery codes alone are only a way back)."""
    return bool(
        Authenticator.objects.filter(user_id=user_id)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def is_staff(user: User) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user).exists()


def must_set_up(user: User) -> bool:
    """Staff must have a second factor before they see family data, when it is required."""
    return bool(settings.REQUIRE_MFA) and is_staff(user) and not has_second_factor(user.pk)


def code_is_right(user: User, code: str) -> bool:
    """A code from their authenticator app, or one of their unused recovery codes (allauth's
    own check, with its rate limit; a recovery code works once)."""
    with transaction.atomic():  # allauth locks the recovery codes while it checks them
        return bool(AuthenticateForm({"code": code}, user=user).is_valid())
