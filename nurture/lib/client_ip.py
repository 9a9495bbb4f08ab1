"""The address a request came from, as seen through the configured proxies.

Behind N trusted proxies, each appends the address it saw to X-Forwarded-For, so the client's
own address is the Nth from the right; anything left of it was written by the client and can
be forged. With no trusted proxy, it is the connection's own address. The audit log, the login
limits and allauth all ask this one function.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies: int = settings.TRUSTED_PROXY_COUNT
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    address: str | None = request.META.get("REMOTE_ADDR") or None
    return address
