"""The backup-and-restore drill: a backup is only as good as the last time it was restored.

Dump the database, restore the dump into a scratch database, and compare the two table by
table: the number of rows and a checksum of their contents. On PostgreSQL the dump
(``pg_dump``) and the live checksums share one snapshot, so writes made meanwhile do not show
as differences; the scratch database is made and dropped by the drill (the role needs
CREATEDB). On SQLite the database file is copied with SQLite's online backup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection
from psycopg import sql


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    restored_rows: int
    checksum: str
    restored_checksum: str

    @property
    def ok(self) -> bool:
        return (self.rows, self.checksum) == (self.restored_rows, self.restored_checksum)


@dataclass(frozen=True)
class Drill:
    backup: Path
    tables: list[TableCheck]

    @property
    def ok(self) -> bool:
        return bool(self.tables) and all(table.ok for table in self.tables)


def run_drill(directory: Path) -> Drill:
    """Back up into ``directory``, restore into a scratch database and compare."""
    if connection.vendor == "postgresql":
        return _postgresql(directory)
    if connection.vendor == "sqlite":
        return _sqlite(directory)
    raise NotImplementedError(f"No backup drill for {connection.vendor}.")


Sums = dict[str, tuple[int, str]]
"""Table name -> (rows, checksum of the contents)."""


def compare(live: Sums, restored: Sums) -> list[TableCheck]:
    """Each live table against its restored copy (a table missing there has no rows)."""
    checks = []
    for name, (rows, checksum) in sorted(live.items()):
        restored_rows, restored_checksum = restored.get(name, (0, ""))
        checks.append(TableCheck(name, rows, restored_rows, checksum, restored_checksum))
    return checks


# --- PostgreSQL -------------------------------------------------------------------------------

_PG_TABLE_SUM = (
    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
    "FROM {} AS t"
)


def _pg_sums(cursor: Any, tables: list[str]) -> Sums:
    sums = {}
    for table in tables:
        cursor.execute(sql.SQL(_PG_TABLE_SUM).format(sql.Identifier(table)))
        rows, checksum = cursor.fetchone()
        sums[table] = (int(rows), str(checksum))
    return sums


def _pg_environment() -> dict[str, str]:
    """The live database's login for pg_dump and pg_restore, as libpq's variables."""
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    return {**os.environ, **{names[key]: str(value) for key, value in _pg_login().items()}}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (apt-get install postgresql-client).")
    return found


def _postgresql(directory: Path) -> Drill:
    settings = connection.settings_dict
    backup = directory / f"{settings['NAME']}.dump"
    environment = _pg_environment()
    with psycopg.connect(dbname=settings["NAME"], autocommit=True, **_pg_login()) as live:
        live.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = live.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        subprocess.run(  # noqa: S603 - fixed command, our own settings
            [_tool("pg_dump"), "--format=custom", f"--snapshot={row[0]}", f"--file={backup}",
             settings["NAME"]],
            check=True, env=environment, capture_output=True,
        )  # fmt: skip
        tables = _pg_tables(live)
        live_sums = _pg_sums(live.cursor(), tables)
        live.execute("ROLLBACK")
    with _scratch_database(settings["NAME"]) as scratch:
        subprocess.run(  # noqa: S603 - fixed command, our own settings
            [_tool("pg_restore"), "--no-owner", "--no-privileges", f"--dbname={scratch}",
             str(backup)],
            check=True, env=environment, capture_output=True,
        )  # fmt: skip
        with psycopg.connect(dbname=scratch, **_pg_login()) as restored:
            restored_sums = _pg_sums(restored.cursor(), tables)
    return Drill(backup, compare(live_sums, restored_sums))


def _pg_login() -> dict[str, Any]:
    settings = connection.settings_dict
    login: dict[str, Any] = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
    }
    if settings["USER"]:
        login["user"] = settings["USER"]
    if settings["PASSWORD"]:
        login["password"] = settings["PASSWORD"]
    return login


def _pg_tables(live: psycopg.Connection[Any]) -> list[str]:
    rows = live.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [str(row[0]) for row in rows]


@contextmanager
def _scratch_database(live_name: str) -> Iterator[str]:
    name = f"{live_name}_drill_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **_pg_login()) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


# --- SQLite -----------------------------------------------------------------------------------


def sqlite_sums(database: sqlite3.Connection) -> Sums:
    """Rows and a checksum of each table's contents (rows hashed, then the sorted hashes).
    Each value is read as its SQL literal (``quote``), so a connection that turns stored text
    into Python dates (as Django's does) sums the same as a plain one."""
    names = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    sums = {}
    for name in names:
        quoted = _sqlite_name(name)
        columns = [row[1] for row in database.execute(f"PRAGMA table_info({quoted})")]
        literals = " || ',' || ".join(f"quote({_sqlite_name(column)})" for column in columns)
        hashes = sorted(
            hashlib.md5(str(row[0]).encode(), usedforsecurity=False).hexdigest()
            for row in database.execute(f"SELECT {literals} FROM {quoted}")  # noqa: S608 - names from the schema
        )
        digest = hashlib.md5("".join(hashes).encode(), usedforsecurity=False).hexdigest()
        sums[name] = (len(hashes), digest)
    return sums


def _sqlite_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite(directory: Path) -> Drill:
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    backup = directory / "nurture.sqlite3.backup"
    with sqlite3.connect(backup) as copy:
        live.backup(copy)
    live_sums = sqlite_sums(live)
    with tempfile.TemporaryDirectory() as scratch_directory:
        scratch = Path(scratch_directory) / "restored.sqlite3"
        scratch.write_bytes(backup.read_bytes())
        with sqlite3.connect(scratch) as restored:
            restored_sums = sqlite_sums(restored)
    return Drill(backup, compare(live_sums, restored_sums))
