"""Give the web application's PostgreSQL role what it needs, and no more over the audit log.

Run as the role that owns the tables (the one that runs ``migrate``). The application role
may then read and write every table except the audit log, where it may only add and read
rows: not change, delete or empty them. Not being the owner, it cannot drop the log's
append-only trigger either (ALTER TABLE ... DISABLE TRIGGER needs the owner). Safe to run
again after each deployment; tables added later are granted by default privileges.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql

from nurture.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Grant the application's PostgreSQL role its privileges: append-only on the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role the web processes and workers connect as")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Roles are a PostgreSQL feature; SQLite has none (see README).")
        who = sql.Identifier(role)
        audit = sql.Identifier(AuditEvent._meta.db_table)
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), who
            ),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(who),
            sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(
                who
            ),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
            ).format(who),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                "GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
            ).format(who),
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
                audit, who
            ),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"{role} may read and write every table, and only add to and read "
            f"{AuditEvent._meta.db_table}."
        )
