"""Demo curriculum: the shipped content, and Little Oak following the four-week plan while
Riverside keeps the shipped five-week default. Idempotent."""

from __future__ import annotations

from nurture.curriculum import loader, services
from nurture.curriculum.models import WeekPlan
from nurture.devdata.demo_accounts import DemoWorld


def load(world: DemoWorld) -> None:
    services.load_curriculum(actor=None, content=loader.read_content())
    little_oak = world.providers.get("little_oak")
    if little_oak is not None and not WeekPlan.objects.filter(provider=little_oak).exists():
        shipped = WeekPlan.objects.get(provider__isnull=True, slug="four-week")
        services.week_plan_choose(actor=None, provider=little_oak, plan=shipped)
