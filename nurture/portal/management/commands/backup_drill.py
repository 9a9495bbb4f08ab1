"""manage.py backup_drill: back up, restore into a scratch database, compare table by table."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nurture.portal.backup import run_drill


class Command(BaseCommand):
    help = (
        "Dump the database, restore the dump into a scratch database and check every table's "
        "row count and checksum against the live one. Fails if any differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep", type=Path, help="Keep the backup in this directory (default: removed)."
        )

    def handle(self, *args: Any, keep: Path | None = None, **options: Any) -> None:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            drill = run_drill(keep)
        else:
            with tempfile.TemporaryDirectory() as directory:
                drill = run_drill(Path(directory))
        for table in drill.tables:
            mark = "ok" if table.ok else "DIFFERS"
            self.stdout.write(
                f"{mark:8} {table.table}: {table.rows} rows"
                + ("" if table.ok else f" (restored: {table.restored_rows})")
            )
        if not drill.ok:
            raise CommandError("The restored copy differs from the live database.")
        where = f" Backup kept at {drill.backup}." if keep is not None else ""
        self.stdout.write(f"All {len(drill.tables)} tables restored exactly.{where}")
