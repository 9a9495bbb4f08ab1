"""Load the demo: fictional providers, venues, staff, families and the demo logins.

Deterministic and idempotent: running it again adds nothing and changes nothing.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from nurture.devdata import demo_accounts as accounts_demo
from nurture.devdata import demo_courses as courses_demo
from nurture.devdata import demo_curriculum as curriculum_demo
from nurture.devdata import demo_families as families_demo
from nurture.devdata import demo_practice as practice_demo

# Each app's loader, in dependency order.
LOADERS = [
    accounts_demo.load,
    families_demo.load,
    courses_demo.load,
    curriculum_demo.load,
    practice_demo.load,
]


class Command(BaseCommand):
    help = "Load fictional demo data and the demo logins (password: nurture-demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        world = accounts_demo.DemoWorld()
        with transaction.atomic():
            for loader in LOADERS:
                loader(world)
        self.stdout.write(
            "Demo data ready. Logins (password nurture-demo): "
            + ", ".join(username for username, *_ in accounts_demo.PEOPLE)
        )
