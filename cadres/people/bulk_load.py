"""The fast path of a large roster import: new people and their first posts, in bulk.

Domain code does not call this module: `cadres.org.services.people_create_many` (the only
writer of posts and of a person's current-post fields) delegates to it on SQLite and
PostgreSQL, and writes through the model layer on other databases. It writes exactly the rows
`Person(**values)` and the open main `Assignment` copied from it would make (a test holds the
two paths to each other), only faster:

- the people go in column by column, by binary COPY (PostgreSQL) or multi-row INSERTs
  (SQLite), under ids reserved first as one block;
- their open assignments are made by the database itself from those rows (INSERT … SELECT);
- from REBUILD_INDEXES_FROM_ROWS new rows on, each table's secondary indexes are dropped and
  built again after the load (and on PostgreSQL its foreign keys re-added, checked in one
  pass), inside the import's transaction.
"""

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

from cadres.org.models import Assignment
from cadres.people.models import Person

# From this many new rows on, a load rebuilds the tables' indexes (and, on PostgreSQL,
# re-checks their foreign keys in one pass) instead of updating them row by row.
REBUILD_INDEXES_FROM_ROWS = 20_000


def is_supported() -> bool:
    """Whether this database has a fast path (the others go through the model layer)."""
    return connection.vendor in ("sqlite", "postgresql")


def people_with_posts_insert(
    *,
    columns: dict[str, list[Any]],
    count: int,
    assignment_from_person: dict[str, str],
    assignment_values: dict[str, Any],
) -> range:
    """Insert `count` people given column by column (Person attnames) and, for each, the open
    assignment whose fields `assignment_from_person` copies from the person row (the others
    are `assignment_values`, else their model default). Returns the new people's ids, in row
    order."""
    now = timezone.now()
    all_columns: dict[str, Any] = dict(columns)
    for field in Person._meta.concrete_fields:
        if field.primary_key or field.attname in all_columns:
            continue
        is_automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        all_columns[field.attname] = itertools.repeat(_db_default(field, now if is_automatic else None), count)
    if connection.vendor == "sqlite":
        for name, values in all_columns.items():
            if isinstance(values, list) and values and _is_date_field(Person, name):
                all_columns[name] = _dates_as_text(values)
    rebuild = count >= REBUILD_INDEXES_FROM_ROWS
    with _bulk_cursor() as cursor:
        first_id = _reserve_person_ids(cursor, count)
        ids = range(first_id, first_id + count)
        with _indexes_rebuilt_after(cursor, Person, rebuild=rebuild):
            _insert_columns(cursor, Person, count, {Person._meta.pk.attname: ids, **all_columns})
        with _indexes_rebuilt_after(cursor, Assignment, rebuild=rebuild):
            _insert_open_assignments(cursor, ids, assignment_from_person, assignment_values)
    return ids


def _field(model: type[models.Model], name: str) -> models.Field:
    """A concrete field by name or attname (typed: get_field may also return relations)."""
    return cast(models.Field, model._meta.get_field(name))


def _db_default(field: models.Field, value: Any = None) -> Any:
    """The field's model default (or `value`) as the database stores it."""
    return field.get_db_prep_save(field.get_default() if value is None else value, connection)


def _is_date_field(model: type[models.Model], attname: str) -> bool:
    field = next(field for field in model._meta.concrete_fields if field.attname == attname)
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def _dates_as_text(values: list[Any]) -> list[Any]:
    """Dates as the ISO text SQLite stores, each distinct date converted once (the driver's
    adapter would run once per cell: 600,000 calls for 100,000 people)."""
    text = {value: value.isoformat() if value is not None else None for value in set(values)}
    return list(map(text.__getitem__, values))


@contextmanager
def _bulk_cursor() -> Iterator[Any]:
    """A cursor for the bulk statements below, which write SQL with %s placeholders.

    On SQLite it is the sqlite3 connection's own cursor (its ? placeholders swapped in once per
    statement): Django's cursor rewrites each %s with a regex and adapts every value in Python.
    """
    if connection.vendor == "postgresql":
        # COPY goes past Django's cursor wrapper: its errors are made Django's here.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            yield cursor
        return
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        # The driver's errors become Django's (IntegrityError, OperationalError), as they do
        # through Django's own cursors, so callers handle one kind.
        with connection.wrap_database_errors:
            yield _QmarkCursor(cursor)
    finally:
        cursor.close()


class _QmarkCursor:
    """sqlite3's cursor taking %s placeholders."""

    def __init__(self, cursor: Any):
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        # Without parameters the text goes as it is (index definitions read back from SQLite).
        return self.cursor.execute(sql.replace("%s", "?") if params else sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        return self.cursor.executemany(sql.replace("%s", "?"), rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)


def _reserve_person_ids(cursor: Any, count: int) -> int:
    """The first of `count` consecutive ids kept for new people, whom the load inserts with
    them; nobody else can take them before the import commits."""
    table, pk = Person._meta.db_table, Person._meta.pk.column
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # Other writers of the table wait for the import (readers do not), so no insert can
        # draw from the sequence between its nextval and its setval: the block is ours.
        cursor.execute(f"LOCK TABLE {quote(table)} IN EXCLUSIVE MODE")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
            [table, pk, table, pk, count],
        )
        return cursor.fetchone()[0] - count + 1
    # SQLite: the import has written units already, so this transaction holds the single write
    # lock, and the ids after the highest ever used are free (AUTOINCREMENT's counter follows
    # the explicit ids).
    cursor.execute(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0))",
        [table],
    )
    return cursor.fetchone()[0] + 1


def _insert_columns(cursor: Any, model: type[models.Model], count: int, columns: dict[str, Any]) -> None:
    """Insert `count` rows given column by column: sequences, or repeat()s for a value all share."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    column_list = ", ".join(quote(_field(model, attname).column) for attname in columns)
    rows = zip(*columns.values())
    if connection.vendor == "postgresql":
        # Binary COPY: neither side spells dates and numbers out as text and parses them back.
        types = [str(_field(model, attname).db_type(connection)).split("(")[0] for attname in columns]
        with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        return
    # SQLite: many rows per statement, so the statement runs once per batch instead of once
    # per row; a batch's values stay under 999, SQLite's oldest limit on parameters.
    per_batch = max(1, 999 // len(columns))
    in_batches = count // per_batch * per_batch
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch_rows = itertools.islice(rows, in_batches)
    flatten = itertools.chain.from_iterable
    cursor.executemany(
        f"INSERT INTO {table} ({column_list}) VALUES {', '.join([row_marks] * per_batch)}",
        (tuple(flatten(batch)) for batch in zip(*[batch_rows] * per_batch)),
    )
    cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES {row_marks}", rows)  # the rest


def _insert_open_assignments(
    cursor: Any, person_ids: range, from_person: dict[str, str], values: dict[str, Any]
) -> None:
    """Each new person's open assignment, copied by the database from the person rows; the
    fields not copied are `values`, else their model default."""
    copied = {"person_id": Person._meta.pk.attname, **from_person}
    quote = connection.ops.quote_name
    targets, sources, params = [], [], []
    for field in Assignment._meta.concrete_fields:
        if field.primary_key:
            continue
        targets.append(quote(field.column))
        if field.attname in copied:
            sources.append(quote(_field(Person, copied[field.attname]).column))
        else:
            sources.append("%s")
            params.append(_db_default(field, values.get(field.attname)))
    cursor.execute(
        f"INSERT INTO {quote(Assignment._meta.db_table)} ({', '.join(targets)}) "
        f"SELECT {', '.join(sources)} FROM {quote(Person._meta.db_table)} "
        f"WHERE {quote(Person._meta.pk.column)} BETWEEN %s AND %s",
        [*params, person_ids[0], person_ids[-1]],
    )


@contextmanager
def _indexes_rebuilt_after(cursor: Any, model: type[models.Model], *, rebuild: bool) -> Iterator[None]:
    """For a large load: the table's secondary indexes dropped before it and made again after
    (and on PostgreSQL its foreign keys, checked again in one pass).

    Building an index once from sorted keys is several times faster than inserting 100,000
    random keys (names, 身份证号) one by one. Both happen inside the import's transaction, so
    any error brings everything back; the price is that readers of the table wait until the
    import commits (on PostgreSQL; SQLite has one writer anyway). Imports take one lock each
    before writing (people.services), so two loads never alter the tables at once.
    """
    if not rebuild:
        yield
        return
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        restore = _postgres_detach(cursor, table)
    else:
        # SQLite's default page cache (2 MB) is far smaller than these indexes.
        cursor.execute("PRAGMA cache_size = -262144")
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = %s",
            [table],
        ).fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        restore = [sql for _, sql in indexes]
    yield
    for statement in restore:
        cursor.execute(statement)


def _postgres_detach(cursor: Any, table: str) -> list[str]:
    """Drop a table's secondary indexes and foreign keys; return the statements that restore them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    # Deferred checks already queued (the units written earlier) must run before a table
    # with pending trigger events can be altered.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    return [definition for _, definition in indexes] + [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition in foreign_keys
    ]


def person_columns_update(
    rows: Sequence[tuple[int, dict[str, Any]]], *, now: Any, allow_post_fields: bool = False,
) -> None:
    """Write only the given columns of each person (attnames; and updated_at), one statement
    per set of columns run for all its rows: a field the import did not change is not
    written, so a concurrent change to it is not overwritten with a stale value.

    The current-post fields are refused unless `allow_post_fields` (cadres.org.services, their
    only writer, passes it).
    """
    from cadres.org.services import PERSON_POST_FIELDS

    if not allow_post_fields and any(set(values) & set(PERSON_POST_FIELDS) for _, values in rows):
        raise ValueError("a person's current-post fields are written by cadres.org.services")
    by_columns: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for pk, values in rows:
        by_columns.setdefault(tuple(sorted(values)), []).append((pk, values))
    quote = connection.ops.quote_name
    meta = Person._meta
    updated_at = _field(Person, "updated_at")
    stamp = updated_at.get_db_prep_save(now, connection)
    for names, group in by_columns.items():
        fields = [(name, _field(Person, name)) for name in names]
        assignments = ", ".join(f"{quote(field.column)} = %s" for _, field in [*fields, ("", updated_at)])
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [
                [*(field.get_db_prep_save(values[name], connection) for name, field in fields), stamp, pk]
                for pk, values in group
            ])
