"""The fast path of `services.record_many`: audit rows written without model instances.

A roster import of 100,000 rows writes one audit row per changed person; Django's
`bulk_create` spends most of its time preparing each field of each instance. Here the rows
are tuples: PostgreSQL takes them by binary COPY, SQLite by the sqlite3 module's own
`executemany`. The values are the ones the ORM would store (held to that by the tests,
which read the rows back through the ORM and verify their hashes).
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from cadres.audit.models import AuditEvent

# The columns each row gives, in order (attnames of AuditEvent).
COLUMNS = (
    "occurred_at", "actor_id", "actor_name", "action", "target_type", "target_id",
    "target_label", "subject_type", "subject_id", "subject_label", "request_id", "batch_id",
    "changes", "previous_hash", "entry_hash",
)
_CHANGES = COLUMNS.index("changes")
_OCCURRED_AT = COLUMNS.index("occurred_at")
# db_type() spellings psycopg's type registry knows by another name.
_TYPE_NAMES = {"timestamp with time zone": "timestamptz", "serial": "int4", "bigserial": "int8"}


def _as_is(text: str) -> str:
    return text


def _field(attname: str) -> Any:
    return next(f for f in AuditEvent._meta.concrete_fields if f.attname == attname)


def events_insert(rows: Sequence[Sequence[Any]]) -> None:
    """Insert audit rows (tuples in COLUMNS order; `changes` as JSON text, `occurred_at` an
    aware datetime) in the caller's transaction."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    column_list = ", ".join(quote(_field(attname).column) for attname in COLUMNS)
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        types = []
        for attname in COLUMNS:
            name = str(_field(attname).db_type(connection)).split("(")[0].strip()
            types.append(_TYPE_NAMES.get(name, name))
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    values = list(row)
                    # Already JSON text: passed through, not encoded again.
                    values[_CHANGES] = Jsonb(values[_CHANGES], dumps=_as_is)
                    copy.write_row(values)
        return
    # SQLite (and any other database): one prepared statement, executed per row in C.
    adapt_datetime = connection.ops.adapt_datetimefield_value
    marks = ", ".join(["?"] * len(COLUMNS))
    prepared = []
    for row in rows:
        values = list(row)
        values[_OCCURRED_AT] = adapt_datetime(values[_OCCURRED_AT])
        prepared.append(values)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({marks})", prepared)
        finally:
            cursor.close()
        return
    with connection.cursor() as django_cursor:
        django_cursor.executemany(
            f"INSERT INTO {table} ({column_list}) VALUES ({marks.replace('?', '%s')})", prepared)
