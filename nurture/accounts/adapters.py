from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Families are referred and staff are added by their provider: no open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
