"""Asking for the password (or second factor) again before sensitive actions: exports of
family or programme data, erasure, and changes to who holds which role. allauth's
re-authentication, remembered for a few minutes; typed for the views that use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from allauth.account.decorators import reauthentication_required
from django.http import HttpResponse

View = Callable[..., HttpResponse]

reauthenticated = cast(Callable[[View], View], reauthentication_required)


class ReauthenticatedChangesAdmin:
    """An admin whose add, change and delete pages ask for the password again first (the
    user and provider pages, where roles are given and taken away)."""

    def changeform_view(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        view: View = super().changeform_view  # type: ignore[misc]
        return reauthenticated(view)(request, *args, **kwargs)

    def delete_view(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        view: View = super().delete_view  # type: ignore[misc]
        return reauthenticated(view)(request, *args, **kwargs)

    def changelist_view(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        view: View = super().changelist_view  # type: ignore[misc]
        if request.method == "POST":  # an action on the selected rows (delete_selected ...)
            return reauthenticated(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    def user_change_password(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        view: View = super().user_change_password  # type: ignore[misc]
        return reauthenticated(view)(request, *args, **kwargs)
