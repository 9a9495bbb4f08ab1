"""Fill an empty, migrated database with a synthetic programme for reports and benchmarks.

    manage.py generate_synthetic --size {tiny,trust,national} [--seed N] [--years Y]
                                 [--end-date YYYY-MM-DD] [--force]

Sizes: tiny (about 200 babies, for tests), trust (one NHS trust, 10,000 babies a year),
national (150 providers, 600,000 babies over two years: about 2.4 million register marks,
6 million practice sessions and 30 million cue events). National needs PostgreSQL.

Logins made (password "bench-pass"): bench-admin (superuser), bench-manager (service manager
of the largest provider), bench-facilitator (on about half its runs) and bench-parent (whose
baby has a long practice history and a year of diary). Everyone else has no usable password.

It refuses a database that already holds families, and refuses to run when DEBUG is off
(a production setting), unless given --force.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from nurture.curriculum.models import BodyArea
from nurture.devdata import synthetic_sink
from nurture.devdata.synthetic import SIZES, Generator
from nurture.families.models import Family


class Command(BaseCommand):
    help = "Fill an empty database with a synthetic programme (tiny, trust or national size)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", type=float, default=2.0)
        parser.add_argument(
            "--end-date",
            type=date.fromisoformat,
            default=None,
            help="The day the data runs up to (default today); with the seed, fixes the rows.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even on a database with families in it, or with DEBUG off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        force = options["force"]
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production setting. Synthetic data is for "
                "development and benchmarks: set NURTURE_DEBUG=1, or pass --force."
            )
        if Family.objects.exists() and not force:
            raise CommandError(
                "This database already holds families. Synthetic data goes into an empty, "
                "migrated database (pass --force to add to it anyway)."
            )
        if size.name == "national" and connection.vendor != "postgresql":
            raise CommandError("The national size needs PostgreSQL (set DATABASE_URL).")
        if not 0 < options["years"] <= 10:
            raise CommandError("Choose from 0 to 10 years.")
        began = time.monotonic()
        self._curriculum()
        salt = Family.objects.count()
        sink = synthetic_sink.sink_for_connection()
        sink.start_ids()
        generator = Generator(
            sink,
            size,
            seed=options["seed"],
            years=options["years"],
            end=options["end_date"],
            progress=lambda message: self._say(began, message),
            salt=salt,
        )
        self._say(began, f"generating the {size.name} size on {connection.vendor}")
        if isinstance(sink, synthetic_sink.PostgresSink):
            sink.begin()
            try:
                generator.run()
                sink.finish()
            except BaseException:
                sink.abort()
                raise
            self._say(began, f"analysed the tables in {sink.analyze():.0f} s")
        else:
            with transaction.atomic():
                generator.run()
                sink.finish()
        self._summary(began, sink, generator)

    def _curriculum(self) -> None:
        if BodyArea.objects.exists():
            return
        from nurture.curriculum import loader, services

        services.load_curriculum(actor=None, content=loader.read_content())

    def _say(self, began: float, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - began:7.1f} s] {message}")
        self.stdout.flush()

    def _summary(self, began: float, sink: synthetic_sink.Sink, generator: Generator) -> None:
        self.stdout.write("Rows written:")
        for model, count in sink.counts.items():
            self.stdout.write(f"  {model._meta.label:<40} {count:>12,}")
        self.stdout.write(f"  bench-parent cue events: {generator.bench_events:,}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                row = cursor.fetchone()
            self.stdout.write(f"Database size: {row[0] if row else '?'}")
        self.stdout.write(f"Finished in {time.monotonic() - began:.1f} s.")
