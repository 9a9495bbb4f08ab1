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
from nurture.policy.scope import M, View, roles_of


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object from an already-scoped queryset; anything else is a 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


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
