"""Views and API routes are thin (docs/ARCHITECTURE.md, "Inside an app"): they parse, ask the
policy, call a service or a selector and render. Queries belong in selectors and writes, with
their transaction, in services, where they can be reused and their query counts pinned.

KNOWN lists the web modules that still query or open transactions themselves, and what they
use; the test fails on anything new and on a listed use that has gone (the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_layers import app_and_module, source_files

WEB_MODULES = {"views", "api"}
"""A module is a view or API module when a part of its name, split at "_", is one of these."""

ORM = {
    "objects",
    "select_for_update",
    "atomic",
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "raw",
    "extra",
}
"""Attribute names that mean a query or a transaction (``Model.objects``, ``.filter(...)``,
``transaction.atomic``)."""

KNOWN: dict[str, set[str]] = {
    "nurture.courses.api": {"filter", "objects", "order_by", "select_related", "values_list"},
    "nurture.courses.api_offers": {
        "filter",
        "objects",
        "order_by",
        "prefetch_related",
        "select_related",
    },
    "nurture.courses.api_sessions": {"exclude", "filter", "objects"},
    "nurture.courses.family_views": {"exclude", "filter", "order_by"},
    "nurture.courses.views": {"annotate", "filter", "objects", "order_by", "values_list"},
    "nurture.curriculum.api": {"objects", "order_by", "prefetch_related", "select_related"},
    "nurture.families.api": {"filter", "objects"},
    "nurture.notify.views": {"atomic", "filter", "objects", "select_for_update", "select_related"},
    "nurture.safeguarding.alert_views": {"filter", "objects", "order_by"},
    "nurture.questionnaires.api": {"filter", "objects", "select_related"},
    "nurture.safeguarding.api": {"filter", "objects"},
    "nurture.safeguarding.clinical_views": {"atomic"},
    "nurture.referrals.api": {"values_list"},
}


def is_view_or_api(dotted: str) -> bool:
    return any(name in WEB_MODULES for part in dotted.split(".")[2:] for name in part.split("_"))


def orm_used_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr in ORM
    }


def test_views_and_api_routes_leave_queries_and_transactions_to_selectors_and_services() -> None:
    found = {}
    for path in source_files():
        _, module = app_and_module(path)
        if is_view_or_api(module) and (used := orm_used_in(path)):
            found[module] = used
    new = {m: sorted(u - KNOWN.get(m, set())) for m, u in found.items() if u - KNOWN.get(m, set())}
    gone = {m: sorted(u - found.get(m, set())) for m, u in KNOWN.items() if u - found.get(m, set())}
    assert not new, f"queries or transactions in views or API routes: {new}"
    assert not gone, f"no longer used, so drop from KNOWN: {gone}"


def test_the_check_sees_a_query_and_a_transaction(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text(
        "from django.db import transaction\n"
        "def page(request):\n"
        "    with transaction.atomic():\n"
        "        return Family.objects.filter(pk=1)\n"
    )
    assert orm_used_in(view) == {"atomic", "objects", "filter"}
    assert is_view_or_api("nurture.courses.family_views")
    assert is_view_or_api("nurture.referrals.api")
    assert not is_view_or_api("nurture.courses.selectors")
