"""Where synthetic rows go: PostgreSQL through COPY, SQLite through batched inserts, or a
list (for tests of the generator itself).

Rows are plain tuples in the order of a table's columns, holding Python values (UUIDs, aware
datetimes, dicts for JSON). Each table keeps a small buffer; when one fills, it is written
together with every table it may point to (in dependency order), so a foreign key never
names a row that is not written yet. Memory stays bounded whatever the size of the load.

Integer primary keys are chosen here, from a counter that starts above the table's largest
id, so rows can name each other before they are written; the database sequences are moved
past them at the end (``finish``).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

from nurture.accounts.models import Membership, Provider, Team, User, Venue
from nurture.courses.models import (
    Attendance,
    CourseRun,
    CourseTemplate,
    Enrolment,
    Offer,
    Session,
)
from nurture.families.models import Baby, Carer, Family
from nurture.outcomes.models import Response, SafetyAlert
from nurture.practice.models import CueEvent, DiaryEntry, PracticeSession
from nurture.referrals.models import Referral, ReferralEvent

BATCH_ROWS = 20_000

# Parents before children: a table's rows are written only after every table before it.
MODELS: tuple[type[models.Model], ...] = (
    User,
    Provider,
    Team,
    Venue,
    Membership,
    CourseTemplate,
    CourseRun,
    CourseRun.facilitators.through,
    Session,
    Family,
    Carer,
    Baby,
    Referral,
    ReferralEvent,
    Offer,
    Enrolment,
    Attendance,
    Response,
    SafetyAlert,
    PracticeSession,
    CueEvent,
    DiaryEntry,
)
INTEGER_PK_MODELS = (
    User,
    Provider,
    Team,
    Venue,
    Membership,
    CourseTemplate,
    CourseRun.facilitators.through,
    Session,
    ReferralEvent,
    Attendance,
)


def columns_of(model: type[models.Model]) -> list[str]:
    """The table's columns, in the order a row tuple gives them."""
    return [field.column for field in model._meta.concrete_fields]


class Sink:
    """Collects rows per model and writes them in batches."""

    def __init__(self, batch_rows: int = BATCH_ROWS) -> None:
        self.batch_rows = batch_rows
        self.buffers: dict[type[models.Model], list[tuple[Any, ...]]] = {m: [] for m in MODELS}
        self.counts: dict[type[models.Model], int] = dict.fromkeys(MODELS, 0)
        self.next_ids: dict[type[models.Model], int] = {}
        self.widths = {model: len(columns_of(model)) for model in MODELS}
        self.order = {model: index for index, model in enumerate(MODELS)}

    def start_ids(self) -> None:
        """Integer ids continue after the largest already stored."""
        for model in INTEGER_PK_MODELS:
            largest = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next_ids[model] = largest + 1

    def new_id(self, model: type[models.Model]) -> int:
        value = self.next_ids.get(model, 1)
        self.next_ids[model] = value + 1
        return value

    def add(self, model: type[models.Model], row: tuple[Any, ...]) -> None:
        buffer = self.buffers[model]
        buffer.append(row)
        if len(buffer) >= self.batch_rows:
            self.flush_through(model)

    def flush_through(self, model: type[models.Model]) -> None:
        """Write ``model``'s rows and those of every table it may point to."""
        last = self.order[model]
        for other in MODELS[: last + 1]:
            rows = self.buffers[other]
            if rows:
                self.write(other, rows)
                self.counts[other] += len(rows)
                self.buffers[other] = []

    def flush(self) -> None:
        self.flush_through(MODELS[-1])

    def write(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        self.flush()


class ListSink(Sink):
    """Keeps every row in memory: for checking the generator on a tiny size."""

    def __init__(self) -> None:
        super().__init__(batch_rows=10**9)
        self.rows: dict[type[models.Model], list[tuple[Any, ...]]] = {m: [] for m in MODELS}

    def write(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        width = self.widths[model]
        for row in rows:
            if len(row) != width:
                raise ValueError(f"{model.__name__}: a row of {len(row)} values, not {width}.")
        self.rows[model].extend(rows)


class JsonText(str):
    """JSON already encoded by the generator (a few constants serve millions of rows)."""


def _json_text(value: Any) -> Any:
    if value is None or type(value) is JsonText:
        return value
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, separators=(",", ":"))


class PostgresSink(Sink):
    """COPY ... FROM STDIN per batch.

    Outside a caller's transaction (the command), batches go to a writer thread with its own
    connection, which copies and commits each batch while the next is generated: the
    database's work overlaps Python's, and no load builds one huge transaction. Inside a
    transaction (tests) batches are copied on the caller's connection and nothing commits.
    """

    def __init__(self, batch_rows: int = BATCH_ROWS) -> None:
        super().__init__(batch_rows)
        self.json_columns: dict[type[models.Model], list[int]] = {
            model: [
                index
                for index, field in enumerate(model._meta.concrete_fields)
                if isinstance(field, models.JSONField)
            ]
            for model in MODELS
        }
        self.copy_sql = {
            model: "COPY {} ({}) FROM STDIN".format(
                connection.ops.quote_name(model._meta.db_table),
                ", ".join(connection.ops.quote_name(c) for c in columns_of(model)),
            )
            for model in MODELS
        }
        self.replica = False
        self.queue: queue.Queue[tuple[type[models.Model], list[tuple[Any, ...]]] | None] = (
            queue.Queue(maxsize=3)
        )
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None
        self.raw: Any = None

    def begin(self) -> None:
        """Start the writer. Foreign-key triggers are skipped on its connection when allowed
        (a superuser): rows are written parents first and the tests check them, and per-row
        trigger checks would double the load time."""
        if connection.in_atomic_block:
            return
        self.raw = connection.get_new_connection(connection.get_connection_params())
        with self.raw.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            if row and row[0]:
                cursor.execute("SET session_replication_role = replica")
                self.replica = True
            cursor.execute("SET synchronous_commit = off")
        self.raw.commit()
        self.thread = threading.Thread(target=self._writer, name="synthetic-copy", daemon=True)
        self.thread.start()

    def _writer(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.failure is not None:
                continue  # drain, so the generator never blocks on a dead writer
            model, rows = item
            try:
                with self.raw.cursor() as cursor:
                    self._copy(cursor, model, rows)
                self.raw.commit()
            except BaseException as error:  # reported by the generating thread
                self.failure = error

    def _copy(self, cursor: Any, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        with cursor.copy(self.copy_sql[model]) as copy:
            for row in rows:
                copy.write_row(row)

    def _encoded(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> list[Any]:
        json_at = self.json_columns[model]
        if not json_at:
            return rows
        encoded = []
        for row in rows:
            values = list(row)
            for index in json_at:
                values[index] = _json_text(values[index])
            encoded.append(values)
        return encoded

    def write(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        if self.failure is not None:
            raise self.failure
        rows = self._encoded(model, rows)
        if self.thread is not None:
            self.queue.put((model, rows))
            return
        with connection.cursor() as cursor:
            self._copy(cursor.cursor, model, rows)

    def _stop_writer(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.raw is not None:
            self.raw.close()
            self.raw = None

    def finish(self) -> None:
        super().finish()
        self._stop_writer()
        if self.failure is not None:
            raise self.failure
        with connection.cursor() as cursor:
            for model in INTEGER_PK_MODELS:
                table = model._meta.db_table
                quoted = connection.ops.quote_name(table)
                top = f"(SELECT MAX(id) FROM {quoted})"  # noqa: S608 - a model's own table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST({top}, 1))",
                    [table],
                )
        if not connection.in_atomic_block:
            connection.commit()

    def analyze(self) -> float:
        began = time.monotonic()
        with connection.cursor() as cursor:
            for model in MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return time.monotonic() - began

    def abort(self) -> None:
        self._stop_writer()


class SqliteSink(Sink):
    """Batched INSERTs with each value prepared by its model field, as ``bulk_create`` does
    (UUIDs as hex, datetimes in UTC text, JSON as text), without building model instances."""

    def __init__(self, batch_rows: int = 5_000) -> None:
        super().__init__(batch_rows)
        self.preparers: dict[type[models.Model], list[Callable[[Any], Any]]] = {}
        self.statements: dict[type[models.Model], str] = {}
        for model in MODELS:
            fields: Sequence[Any] = model._meta.concrete_fields
            self.preparers[model] = [self._preparer(field) for field in fields]
            names = ", ".join(connection.ops.quote_name(c) for c in columns_of(model))
            marks = ", ".join(["%s"] * len(fields))
            table = connection.ops.quote_name(model._meta.db_table)
            self.statements[model] = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    @staticmethod
    def _preparer(field: Any) -> Callable[[Any], Any]:
        def prepare(value: Any) -> Any:
            if value is None:
                return None
            if type(value) is JsonText:
                return str(value)
            return field.get_db_prep_save(value, connection)

        return prepare

    def write(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        preparers = self.preparers[model]
        prepared = [
            tuple(prep(value) for prep, value in zip(preparers, row, strict=True)) for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(self.statements[model], prepared)


def sink_for_connection() -> Sink:
    if connection.vendor == "postgresql":
        return PostgresSink()
    if connection.vendor == "sqlite":
        return SqliteSink()
    raise ValueError(f"Synthetic data is not supported on {connection.vendor}.")
