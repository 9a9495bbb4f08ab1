from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from nurture.lib.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Families are referred and staff are added by their provider: no open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same address as the audit log and the login waits (through the proxies)."""
        return client_ip(request) or "unknown"
