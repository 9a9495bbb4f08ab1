"""Imports run one way (docs/ARCHITECTURE.md, "Layers"): an app's core imports only the
cores of apps in the layers below it, the policy sits above the cores it scopes, and only the
project's composition imports a web side. Imports deferred into functions count the same as
module-level ones: deferring an import hides a circle, it does not remove it.

KNOWN lists the imports that still break the rule while the layout moves to its target. The
test fails on any import outside the rule that is not listed, and on a listed one that has
gone (so the list only shrinks).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

NURTURE = Path(__file__).resolve().parent.parent / "nurture"

LAYERS = [
    "lib",
    "audit",
    "accounts",
    "notify",
    "families",
    "referrals",
    "courses",
    "allocation",
    "curriculum",
    "practice",
    "outcomes",
    "safeguarding",
    "questionnaires",
    "reports",
    "rights",
    "policy",
    "devdata",
]
"""Bottom to top. ``lib`` has no domain; ``policy`` decides access over every core below it;
``devdata`` (demo and synthetic data, benchmarks) sits above every core. ``safeguarding`` is
below ``questionnaires`` so that saving answers raises its safety alert itself, in the same
transaction, with no wrapper a caller could forget."""

COMPOSITION = {"(project)", "api", "portal"}
"""The project's own modules (settings, urls, periodic jobs), the API's mounting and the
portal (home page per role, navigation, the periodic runner): they may import anything."""

WEB_NAMES = {
    "admin",
    "api",
    "context_processors",
    "forms",
    "pages",
    "presenters",
    "templatetags",
    "urls",
    "views",
}
"""A module is on its app's web side when its name, or a part of it split at "_", is one of
these (``views.py``, ``views/``, ``family_views.py``, ``api_offers.py``, ...)."""

KNOWN: set[tuple[str, str]] = {
    # (importing module, imported module): to be worked off, never added to. The groups:
    # cores asking the policy (selectors and services should take a scoped queryset instead);
    # notify's outbox and staff message log reading families and courses; the referral page
    # prefetching its offers and enrolments; admin and form mixins shared across web sides.
    ("nurture.accounts.admin", "nurture.audit.admin"),
    ("nurture.accounts.selectors", "nurture.policy"),
    ("nurture.allocation.selectors", "nurture.policy"),
    ("nurture.courses.admin", "nurture.audit.admin"),
    ("nurture.courses.selectors", "nurture.policy"),
    ("nurture.courses.views", "nurture.referrals.forms"),
    ("nurture.curriculum.admin", "nurture.audit.admin"),
    ("nurture.curriculum.selectors", "nurture.policy"),
    ("nurture.families.admin", "nurture.audit.admin"),
    ("nurture.families.selectors", "nurture.policy"),
    ("nurture.notify.outbox", "nurture.families.models"),
    ("nurture.notify.selectors", "nurture.courses"),
    ("nurture.notify.selectors", "nurture.courses.models"),
    ("nurture.notify.selectors", "nurture.courses.selectors"),
    ("nurture.notify.selectors", "nurture.families"),
    ("nurture.notify.selectors", "nurture.families.models"),
    ("nurture.notify.selectors", "nurture.families.selectors"),
    ("nurture.notify.selectors", "nurture.policy"),
    ("nurture.practice.admin", "nurture.audit.admin"),
    ("nurture.practice.forms", "nurture.families.forms"),
    ("nurture.practice.selectors", "nurture.policy"),
    ("nurture.practice.services", "nurture.policy"),
    ("nurture.questionnaires.config", "nurture.policy"),
    ("nurture.questionnaires.flow", "nurture.policy"),
    ("nurture.questionnaires.selectors", "nurture.policy"),
    ("nurture.questionnaires.services", "nurture.policy"),
    ("nurture.referrals.admin", "nurture.audit.admin"),
    ("nurture.referrals.selectors", "nurture.courses.models"),
    ("nurture.referrals.selectors", "nurture.policy"),
    ("nurture.reports.filters", "nurture.policy"),
    ("nurture.reports.prepared", "nurture.policy"),
    ("nurture.reports.registry", "nurture.policy"),
    ("nurture.reports.sections.attendance", "nurture.policy"),
    ("nurture.reports.sections.funnel", "nurture.policy"),
    ("nurture.reports.sections.my_runs", "nurture.policy"),
    ("nurture.reports.sections.outcomes", "nurture.policy"),
    ("nurture.reports.sections.reach", "nurture.policy"),
    ("nurture.reports.sections.waiting", "nurture.policy"),
    ("nurture.safeguarding.alerts", "nurture.policy"),
    ("nurture.safeguarding.clinical_forms", "nurture.courses.forms"),
    ("nurture.safeguarding.concerns", "nurture.policy"),
    ("nurture.safeguarding.selectors", "nurture.policy"),
}


def app_and_module(path: Path) -> tuple[str, str]:
    parts = path.relative_to(NURTURE).with_suffix("").parts
    app = parts[0] if len(parts) > 1 else "(project)"
    dotted = ".".join(("nurture", *parts)).removesuffix(".__init__")
    return app, dotted


def is_web(dotted: str) -> bool:
    parts = dotted.split(".")[2:]
    return any(name in WEB_NAMES for part in parts for name in part.split("_"))


def imports_of(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # "from nurture.courses import places": the module named is the one imported.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def target_of(name: str) -> str | None:
    """The module an import names, if it is one of ours (a package's ``__init__`` counts)."""
    if not name.startswith("nurture."):
        return None
    path = NURTURE.parent / name.replace(".", "/")
    if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
        return name
    return None


def source_files() -> Iterator[Path]:
    for path in sorted(NURTURE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def app_of(dotted: str) -> str:
    name = dotted.split(".")[1]
    return name if (NURTURE / name / "__init__.py").is_file() else "(project)"


def allowed(importer: str, app: str, target: str) -> bool:
    target_app = app_of(target)
    if app in COMPOSITION:
        return True
    if is_web(target):
        return target_app == app and is_web(importer)  # an app's own web side, and no one else
    if target_app == app:
        return True
    if target_app in COMPOSITION:
        return False
    return is_web(importer) or LAYERS.index(target_app) < LAYERS.index(app)


def breaches() -> set[tuple[str, str]]:
    found = set()
    for path in source_files():
        app, importer = app_and_module(path)
        for name in imports_of(path):
            target = target_of(name)
            if target and target != importer and not allowed(importer, app, target):
                found.add((importer, target))
    return found


def test_every_app_has_a_layer() -> None:
    apps = {path.name for path in NURTURE.iterdir() if (path / "__init__.py").is_file()}
    assert apps - COMPOSITION == set(LAYERS)


def test_imports_run_one_way() -> None:
    found = breaches()
    new = sorted(found - KNOWN)
    gone = sorted(KNOWN - found)
    assert not new, "imports against the layers:\n" + "\n".join(f"{a} -> {b}" for a, b in new)
    assert not gone, "fixed, so drop from KNOWN:\n" + "\n".join(f"{a} -> {b}" for a, b in gone)


def test_the_rule_catches_a_core_importing_upwards_or_a_web_side() -> None:
    assert not allowed("nurture.families.services", "families", "nurture.courses.models")
    assert not allowed("nurture.courses.services", "courses", "nurture.policy.courses")
    assert not allowed("nurture.allocation.places", "courses", "nurture.referrals.api")
    assert not allowed("nurture.courses.views", "courses", "nurture.referrals.forms")
    assert allowed("nurture.courses.services", "courses", "nurture.referrals.models")
    assert allowed("nurture.courses.views", "courses", "nurture.policy")
    assert allowed("nurture.courses.views", "courses", "nurture.courses.forms")
    assert allowed("nurture.urls", "(project)", "nurture.courses.urls")
    assert not allowed("nurture.lib.pdf", "lib", "nurture.audit.services")
