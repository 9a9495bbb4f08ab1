"""Wrong passwords: a growing wait per account, and a limit per client address.

A fixed lock after a few wrong passwords lets anyone lock a nurse out of her clinic list by
typing her username five times. Here the first few wrong passwords cost nothing; after that
each one makes the next try wait longer (1, 2, 4 ... minutes, at most 30), and the page says
for how long. Resetting the password (or logging in) starts the account afresh. Separately,
one address may make only so many wrong tries in ten minutes, whichever accounts it
tries: that stops guessing across many accounts without locking any one person out.

Kept in the shared database cache, so every web process counts the same tries. Used by the
browser login (``forms.LoginForm``) and the API's token endpoint alike.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from nurture.accounts.models import User
from nurture.lib.client_ip import client_ip

FREE_TRIES = 5
"""Wrong passwords an account may have before any wait."""
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
ADDRESS_TRIES = 25
"""Wrong passwords one address may make in ``ADDRESS_WINDOW``, across all accounts (below
allauth's own limit of 30 logins a minute per address, so this one, which says how long to
wait, comes first)."""
ADDRESS_WINDOW = timedelta(minutes=10)
REMEMBER = timedelta(days=1)


def wait_after(failures: int) -> timedelta:
    """How long an account waits after this many wrong passwords in a row (pure)."""
    if failures < FREE_TRIES:
        return timedelta(0)
    doublings = min(failures - FREE_TRIES, 10)  # 2**10 minutes is far past the longest wait
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


@dataclass(frozen=True)
class Wait:
    until: datetime

    def message(self, now: datetime) -> str:
        minutes = max(1, math.ceil((self.until - now).total_seconds() / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return (
            f"Too many wrong passwords. Please wait {minutes} {unit} and try again, "
            "or reset your password to get back in now."
        )


def _account_key(login: str) -> str:
    """One key per account, whether they typed their username or their email (or a name
    that is no one's, which waits the same, so the wait says nothing about who exists)."""
    login = login.strip().lower()
    user_id = (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .values_list("pk", flat=True)
        .first()
        if login
        else None
    )
    name = f"user:{user_id}" if user_id is not None else f"name:{login}"
    return "lockout:account:" + hashlib.sha256(name.encode()).hexdigest()


def address_group(address: str | None) -> str:
    """Where tries are counted from: an IPv4 address, or an IPv6 address's /64 (one home or
    phone is given a whole /64, so counting single IPv6 addresses would count nothing)."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _address_key(request: HttpRequest) -> str:
    return f"lockout:address:{address_group(client_ip(request))}"


def wait_for(request: HttpRequest, login: str) -> Wait | None:
    """Whether a login for this account, from this address, must wait first (and until when)."""
    now = timezone.now()
    waits = []
    account = cache.get(_account_key(login))
    if account is not None:
        until = account["last"] + wait_after(account["failures"])
        if until > now:
            waits.append(until)
    address = cache.get(_address_key(request))
    if address is not None and address["failures"] >= ADDRESS_TRIES:
        until = address["since"] + ADDRESS_WINDOW
        if until > now:
            waits.append(until)
    return Wait(max(waits)) if waits else None


def failed(request: HttpRequest, login: str) -> None:
    now = timezone.now()
    key = _account_key(login)
    account = cache.get(key) or {"failures": 0}
    cache.set(key, {"failures": account["failures"] + 1, "last": now}, REMEMBER.total_seconds())
    address_key = _address_key(request)
    address = cache.get(address_key)
    if address is None or address["since"] + ADDRESS_WINDOW <= now:
        address = {"failures": 0, "since": now}
    address["failures"] += 1
    cache.set(address_key, address, ADDRESS_WINDOW.total_seconds())


def succeeded(login: str) -> None:
    cache.delete(_account_key(login))


def unlock(user: User) -> None:
    """The way back: a password reset clears the account's wrong tries."""
    cache.delete(_account_key(user.username))
