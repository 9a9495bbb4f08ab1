from allauth.account.forms import ChangePasswordForm, ResetPasswordKeyForm
from django.db import transaction

from nurture.audit.services import record


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
