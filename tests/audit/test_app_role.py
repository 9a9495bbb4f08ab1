# ruff: noqa: S608 - the statements name our own tables; nothing comes from input
"""On PostgreSQL the application connects as a role that may only add to and read the audit
log: not change, delete or empty it, nor switch off its trigger (manage.py grant_app_role)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from nurture.audit.models import AuditEvent
from tests.conftest import World

ROLE = f"nurture_app_probe_{os.getpid()}"
COLUMNS = "occurred_at, actor_label, action, object_type, object_id, source, data"


@pytest.fixture
def app_role(transactional_db: None) -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: database roles and privileges")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{ROLE}"' if _exists() else "SELECT 1")
        cursor.execute(f'DROP ROLE IF EXISTS "{ROLE}"')
        cursor.execute(f'CREATE ROLE "{ROLE}" LOGIN')
    call_command("grant_app_role", ROLE, stdout=io.StringIO())
    yield ROLE
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{ROLE}"')
        cursor.execute(f'DROP ROLE "{ROLE}"')


def _exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        return cursor.fetchone() is not None


def as_role(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


def test_the_app_role_adds_and_reads_but_cannot_rewrite_the_log(
    app_role: str, world: World
) -> None:
    assert AuditEvent.objects.exists()
    table = AuditEvent._meta.db_table
    with as_role(app_role) as app:
        before = app.execute(f"SELECT count(*) FROM {table}").fetchone()
        app.execute(f"INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} FROM {table} LIMIT 1")
        after = app.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert before is not None and after is not None and after[0] == before[0] + 1
        app.execute("UPDATE families_family SET notes = notes")  # other tables as usual
        for statement in (
            f"UPDATE {table} SET action = 'tampered'",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"DROP TABLE {table}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_the_command_says_roles_are_for_postgresql(db: None) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the command grants")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("grant_app_role", "anyone")
