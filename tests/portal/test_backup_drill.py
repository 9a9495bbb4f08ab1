"""The backup-and-restore drill: dump, restore into a scratch database, compare each table's
rows and checksum (manage.py backup_drill), on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from nurture.portal import backup
from tests.conftest import World


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_every_table_exactly(world: World, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("backup_drill", keep=tmp_path, stdout=out)
    report = out.getvalue()
    assert "All " in report and "tables restored exactly" in report and "DIFFERS" not in report
    assert "families_family: 3 rows" in report
    assert "audit_auditevent" in report
    kept = list(tmp_path.iterdir())
    assert len(kept) == 1 and kept[0].stat().st_size > 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s", ["%_drill_%"])
            assert cursor.fetchone() == (0,)  # the scratch database is gone


def test_a_difference_in_any_row_is_found() -> None:
    def database(rows: list[tuple[int, str]]) -> sqlite3.Connection:
        made = sqlite3.connect(":memory:")
        made.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        made.executemany("INSERT INTO notes VALUES (?, ?)", rows)
        return made

    live = backup.sqlite_sums(database([(1, "a"), (2, "b")]))
    same = backup.sqlite_sums(database([(2, "b"), (1, "a")]))
    changed = backup.sqlite_sums(database([(1, "a"), (2, "B")]))
    assert [check.ok for check in backup.compare(live, same)] == [True]
    [check] = backup.compare(live, changed)
    assert not check.ok and check.rows == check.restored_rows == 2
    [missing] = backup.compare(live, {})
    assert not missing.ok and missing.restored_rows == 0
    assert not backup.Drill(Path("x"), [missing]).ok and not backup.Drill(Path("x"), []).ok


@pytest.mark.django_db(transaction=True)
def test_the_command_fails_when_a_table_differs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = backup.compare

    def one_row_lost(live: backup.Sums, restored: backup.Sums) -> list[backup.TableCheck]:
        restored = dict(restored)
        rows, checksum = restored["families_family"]
        restored["families_family"] = (rows - 1, checksum + "x")
        return real(live, restored)

    monkeypatch.setattr(backup, "compare", one_row_lost)
    out = io.StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("backup_drill", stdout=out)
    assert "DIFFERS  families_family: 3 rows (restored: 2)" in out.getvalue()
