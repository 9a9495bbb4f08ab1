from typing import Any

from allauth.account.forms import ChangePasswordForm, LoginForm, ResetPasswordKeyForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.db import transaction
from django.utils import timezone

from nurture.accounts import lockout, two_step
from nurture.audit.services import record


class WaitingLoginForm(LoginForm):
    """allauth's login, with a growing wait after wrong passwords (``lockout``) that says
    on the page how long is left, instead of a fixed lock anyone could trigger."""

    def clean(self) -> dict[str, Any]:
        login = str(self.data.get("login", ""))
        wait = lockout.wait_for(self.request, login)
        if wait is not None:
            raise forms.ValidationError(wait.message(timezone.now()), code="waiting")
        try:
            cleaned: dict[str, Any] = super().clean()
        except forms.ValidationError:
            lockout.failed(self.request, login)
            raise
        if self.user is None:
            lockout.failed(self.request, login)
        elif not two_step.has_second_factor(self.user.pk):
            lockout.succeeded(login)  # with a second factor, only once the code is right
        return cleaned


class WaitingAuthenticateForm(AuthenticateForm):
    """allauth's two-step code form, with the same waits after wrong codes as after wrong
    passwords (allauth's own limit is off with ours, so without this codes could be guessed
    without end by someone who knows the password)."""

    def clean_code(self) -> str:
        request = context.request
        wait = lockout.wait_for(request, self.user.username)
        if wait is not None:
            raise forms.ValidationError(wait.message(timezone.now()), code="waiting")
        try:
            code: str = super().clean_code()
        except forms.ValidationError:
            lockout.failed(request, self.user.username)
            raise
        lockout.succeeded(self.user.username)
        return code


class AuditedChangePasswordForm(ChangePasswordForm):
    """allauth's change-password form, with the change and its audit event in one transaction."""

    def save(self) -> None:
        with transaction.atomic():
            super().save()
            record(actor=self.user, action="user.password_changed", target=self.user)


class AuditedResetPasswordKeyForm(ResetPasswordKeyForm):
    """allauth's reset-by-email-link form, audited the same way."""

    def save(self) -> None:
        with transaction.atomic():
            super().save()
            record(actor=self.user, action="user.password_reset", target=self.user)
        lockout.unlock(self.user)
