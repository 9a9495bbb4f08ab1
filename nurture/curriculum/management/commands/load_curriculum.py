"""Load the shipped curriculum (body areas, strokes, rituals, routines, week plans) from its
data files. Safe to run again: rows are matched by slug and only changes are written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nurture.curriculum import loader, services


class Command(BaseCommand):
    help = "Load or update the curriculum from nurture/curriculum/data/ (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=loader.DATA_DIR, help="Another data folder."
        )
        parser.add_argument(
            "--check", action="store_true", help="Only check the data files; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            content = loader.read_content(options["data_dir"])
        except loader.CurriculumDataError as error:
            raise CommandError(str(error)) from error
        if options["check"]:
            self.stdout.write(f"Curriculum {content.version}: the data files are valid.")
            return
        result = services.load_curriculum(actor=None, content=content)
        self.stdout.write(str(result))
