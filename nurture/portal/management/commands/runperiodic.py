"""Run Nurture's scheduled jobs once, or every minute with --loop (as `make run` does)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nurture.periodic import JOBS


class Command(BaseCommand):
    help = "Run the scheduled jobs (offer expiry and more) once, or repeatedly with --loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, once a minute.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for job in JOBS:
                try:
                    result = job.function()()
                except Exception:  # one failing job must not stop the others
                    self.stderr.write(f"{job.name}: failed")
                    import logging

                    logging.getLogger(__name__).exception("Periodic job failed: %s", job.name)
                else:
                    if options["verbosity"] > 1 or result:
                        self.stdout.write(f"{job.name}: {result}")
            if not options["loop"] or stopping:
                return
            for _ in range(options["interval"]):
                if stopping:
                    return
                time.sleep(1)
