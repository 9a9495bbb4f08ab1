"""Helpers for views and the API: scoped get-or-404, and the decorators every page view
carries (a test walks the URL resolver for them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from nurture.accounts.roles import Role
from nurture.audit.services import record_refusal
from nurture.policy.scope import M, View, roles_of


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset; anything else is a 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        _audit_refusal(queryset, lookup)
        raise Http404("Not found.") from None


def _audit_refusal(queryset: QuerySet[Any], lookup: dict[str, Any]) -> None:
    """When the record exists but is not in what this person may see, the refusal is audited
    (a mistyped or made-up id is only a 404)."""
    try:
        existing = queryset.model._base_manager.filter(**lookup).first()
    except (ValueError, TypeError):
        return
    if existing is not None:
        record_refusal(existing)


def require_roles(*roles: Role) -> Callable[[View], View]:
    """A view for people holding one of ``roles``; everyone else gets a 404."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user) & set(roles):
                raise Http404("Not found.")
            return view(request, *args, **kwargs)

        wrapper.policy_checked = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def signed_in(view: View) -> View:
    """A view for anyone signed in; it scopes what it shows through this module."""
    wrapped = login_required(view)
    wrapped.policy_checked = True  # type: ignore[attr-defined]
    return wrapped


def public(view: View) -> View:
    """A view anyone may open (the login page's neighbours, health checks)."""
    view.policy_checked = True  # type: ignore[attr-defined]
    return view
