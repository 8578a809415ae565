"""Every write to cadre records: the roster import and person edits."""

import datetime as dt
import gc
import hashlib
import itertools
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from cadres.accounts.permissions import unit_paths_outside_maintain_scope
from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.core import codes
from cadres.core.spreadsheets import UnreadableFile, read_workbook, write_xlsx
from cadres.org.models import Assignment, Unit
from cadres.org.services import UnitSpec, unit_paths_with_ancestors, unit_tree_apply
from cadres.people.models import Person
from cadres.people.spreadsheets import (
    ROSTER_HEADERS,
    ROSTER_SHEET,
    UNIT_HEADERS,
    UNIT_SHEET,
    ParsedRoster,
    RosterRow,
    RowError,
    roster_parse,
    roster_rows_for_export,
    unit_rows_for_export,
)

# Person fields a roster row sets directly (besides birth, unit and the derived ones).
PLAIN_FIELDS = (
    "name", "sex", "ethnicity", "id_number", "native_place", "political_status",
    "party_joined_on", "work_started_on", "full_time_education", "full_time_degree",
    "in_service_education", "in_service_degree", "professional_title", "post_title", "rank",
    "is_team_member", "post_started_on", "rank_started_on", "reserve_pool", "remarks",
)
# From this many new rows on, an import rebuilds the table's indexes (and, on PostgreSQL,
# re-checks its foreign keys in one pass) instead of updating them row by row.
REBUILD_INDEXES_FROM_ROWS = 20_000
# The open assignment's fields and the Person fields they copy: the current post.
ASSIGNMENT_FROM_PERSON = {
    "unit_id": "unit_id", "title": "post_title", "rank": "rank",
    "is_team_member": "is_team_member", "started_on": "post_started_on",
}
# A change in one of these ends the current post and opens a new one.
POST_FIELDS = tuple(ASSIGNMENT_FROM_PERSON.values())


class RosterRejected(Exception):
    """The roster has errors; nothing was written. `errors` lists each one."""

    def __init__(self, errors: list[RowError | str]):
        super().__init__(f"名册有 {len(errors)} 处错误，未导入任何数据")
        self.errors = errors


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    file_format: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    units_created: int = 0
    dry_run: bool = False
    sample: list[RosterRow] = field(default_factory=list)
    # Wall-clock seconds of each phase: parse (file to cells), validate (cells to checked
    # rows), write (matching and writing, in the transaction).
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A roster makes millions of small objects and no reference cycles; the cyclic collector
    would walk all of them again and again for nothing. Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(content: bytes, seconds: dict[str, float] | None) -> tuple[str, ParsedRoster]:
    started = time.perf_counter()
    try:
        workbook = read_workbook(
            content, max_bytes=settings.ROSTER_MAX_BYTES, sheets=(ROSTER_SHEET, UNIT_SHEET)
        )
        parsed_at = time.perf_counter()
        parsed = roster_parse(workbook, today=timezone.localdate())
    except UnreadableFile as error:
        raise RosterRejected([str(error)]) from error
    file_format = workbook.format
    # A large sheet is parsed while its first parts are checked: the time spent waiting for
    # parts counts as parsing, the rest as checking.
    waited = workbook.seconds_waited
    del workbook
    errors: list[RowError | str] = [*parsed.errors, *_unit_parent_errors(parsed)]
    if seconds is not None:
        seconds["parse"] = parsed_at - started + waited
        seconds["validate"] = time.perf_counter() - parsed_at - waited
    if errors:
        raise RosterRejected(errors)
    return file_format, parsed


def roster_import(*, actor: Any, content: bytes, file_name: str, dry_run: bool = False) -> ImportReport:
    """Import a roster: every row or none.

    People already on record are matched by 身份证号, else by 姓名 + 出生年月 + 单位, and
    updated; a changed post closes the old assignment and opens a new one, so history stays.
    A dry run does all of it inside a transaction that is rolled back.
    """
    with _cyclic_gc_paused():
        return _import(actor=actor, content=content, file_name=file_name, dry_run=dry_run)


def _import(*, actor: Any, content: bytes, file_name: str, dry_run: bool) -> ImportReport:
    # The file is read and checked before the transaction opens: on SQLite the transaction
    # holds the write lock, and no other writer should wait for the parsing.
    seconds: dict[str, float] = {}
    file_format, parsed = _read(content, seconds)
    if errors := _out_of_scope_errors(actor, parsed):
        raise RosterRejected(errors)
    report = ImportReport(file_format=file_format, rows=parsed.row_count, dry_run=dry_run,
                          sample=parsed.rows_between(0, 20), seconds=seconds)
    write_started = time.perf_counter()
    with transaction.atomic():
        specs = _unit_specs(parsed)
        known = set(Unit.objects.filter(path__in=unit_paths_with_ancestors(s.path for s in specs))
                    .values_list("path", flat=True))
        units = unit_tree_apply(actor=actor, specs=specs, audit=False)
        units_created = sorted(set(units) - known)
        new_positions, changed = _match(parsed, units)
        report.created, report.updated = len(new_positions), len(changed)
        report.unchanged = report.rows - report.created - report.updated
        report.units_created = len(units_created)
        if dry_run:
            transaction.set_rollback(True)
            seconds["write"] = time.perf_counter() - write_started
            return report
        _write(parsed, new_positions, changed, units)
        record(
            actor=actor,
            action=AuditAction.ROSTER_IMPORTED,
            target_label=file_name,
            changes={
                "file_name": file_name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "units_created": units_created,
                "changes": {str(person.pk): diff for person, diff in changed},
            },
        )
    seconds["write"] = time.perf_counter() - write_started
    return report


def _out_of_scope_errors(actor: Any, parsed: ParsedRoster) -> list[RowError | str]:
    """Rows and unit-sheet entries outside the units the actor maintains (信息维护权限)."""
    row_paths = parsed.columns["unit_path"]
    outside = set(unit_paths_outside_maintain_scope(
        actor, {*row_paths, *(unit.path for unit in parsed.units)}
    ))
    if not outside:
        return []
    reason = "不在您的信息维护范围内"
    errors: list[RowError | str] = [
        RowError(ROSTER_SHEET, number, "单位", path, reason)
        for number, path in zip(parsed.row_numbers, row_paths)
        if path in outside
    ]
    errors += [
        RowError(UNIT_SHEET, unit.row, "单位", unit.path, reason)
        for unit in parsed.units
        if unit.path in outside
    ]
    return errors


def _unit_specs(parsed: ParsedRoster) -> list[UnitSpec]:
    specs = {
        unit.path: UnitSpec(unit.path, unit.unit_type, unit.authorized_staffing, staffing_given=True)
        for unit in parsed.units
    }
    for path in set(parsed.columns.get("unit_path", ())) - set(specs):
        specs[path] = UnitSpec(path)
    return list(specs.values())


def _unit_parent_errors(parsed: ParsedRoster) -> list[RowError]:
    """A unit sheet row must name a parent that is in the sheet or already on record."""
    in_sheet = {unit.path for unit in parsed.units}
    wanted = {unit.parent_path for unit in parsed.units if unit.parent_path} - in_sheet
    known = set(Unit.objects.filter(path__in=wanted).values_list("path", flat=True)) if wanted else set()
    return [
        RowError(UNIT_SHEET, unit.row, "上级单位", unit.parent_path, "不存在（既不在单位表中，也不在系统中）")
        for unit in parsed.units
        if unit.parent_path and unit.parent_path not in in_sheet and unit.parent_path not in known
    ]


Changes = dict[str, list[Any]]


def _person_values(row: RosterRow, present: frozenset[str], units: dict[str, Unit]) -> dict[str, Any]:
    values = {name: row.values[name] for name in PLAIN_FIELDS if name in present}
    values["birth_date"], values["birth_day_known"] = row.values["birth"]
    values["unit_id"] = units[row.values["unit_path"]].pk
    values["highest_education"] = codes.highest_education(
        values.get("full_time_education", ""), values.get("in_service_education", "")
    )
    return values


def _match(parsed: ParsedRoster, units: dict[str, Unit]) -> tuple[range | list[int], list[tuple[Person, Changes]]]:
    """Split rows into new people (their positions in `parsed`) and changes to people on record.

    A row is the person with its 身份证号, else the person with its 姓名 + 出生年月 + 单位
    (when one of the two has no 身份证号: two different numbers are two people). Two rows that
    come to the same person on record are an error.
    """
    if not Person.objects.exists():
        return range(parsed.row_count), []
    rows = parsed.rows
    id_numbers = [row.values["id_number"] for row in rows if row.values.get("id_number")]
    by_id_number: dict[str, Person] = {}
    # Excluding the empty number lets the database use the partial unique index on 身份证号.
    on_record = Person.objects.exclude(id_number="").order_by()
    for start in range(0, len(id_numbers), 2000):
        for person in on_record.filter(id_number__in=id_numbers[start:start + 2000]):
            by_id_number[person.id_number] = person
    # 姓名 + 出生年月 + 单位 is looked up only for the rows their 身份证号 did not find.
    unresolved = [row for row in rows if not by_id_number.get(row.values.get("id_number") or "")]
    identities = {(row.values["name"], units[row.values["unit_path"]].pk) for row in unresolved}
    names = sorted({name for name, _ in identities})
    by_identity: dict[tuple[str, int, int, int], Person] = {}
    for start in range(0, len(names), 2000):
        for person in Person.objects.filter(name__in=names[start:start + 2000]).order_by():
            if (person.name, person.unit_id) in identities:
                birth = person.birth_date
                by_identity[(person.name, birth.year, birth.month, person.unit_id)] = person
    new_positions: list[int] = []
    changed: list[tuple[Person, Changes]] = []
    matched_rows: dict[int, int] = {}
    errors: list[RowError | str] = []
    for position, row in enumerate(rows):
        id_number = row.values.get("id_number") or ""
        person = by_id_number.get(id_number) if id_number else None
        if person is None:
            birth = row.values["birth"][0]
            candidate = by_identity.get(
                (row.values["name"], birth.year, birth.month, units[row.values["unit_path"]].pk)
            )
            if candidate is not None and not (id_number and candidate.id_number):
                person = candidate
        if person is None:
            new_positions.append(position)
            continue
        first = matched_rows.setdefault(person.pk, row.row)
        if first != row.row:
            errors.append(RowError(
                ROSTER_SHEET, row.row, "姓名", row.values["name"],
                f"与第{first}行对应系统中的同一人（{person.name}，身份证号 {person.id_number or '无'}）",
            ))
            continue
        new_values = _person_values(row, parsed.present_fields, units)
        diff = {
            name: [getattr(person, name), value]
            for name, value in new_values.items()
            if getattr(person, name) != value
        }
        if diff:
            changed.append((person, diff))
    if errors:
        raise RosterRejected(errors)
    return new_positions, changed


def _write(
    parsed: ParsedRoster,
    new_positions: range | list[int],
    changed: list[tuple[Person, Changes]],
    units: dict[str, Unit],
) -> None:
    present = parsed.present_fields
    if connection.vendor in ("sqlite", "postgresql"):
        _insert_new_people(parsed, new_positions, units)
        assignments: list[Assignment] = []
    else:
        rows = parsed.rows
        new_people = [Person(**_person_values(rows[position], present, units)) for position in new_positions]
        Person.objects.bulk_create(new_people, batch_size=2000)
        assignments = [_open_assignment(person) for person in new_people]

    today = timezone.localdate()
    now = timezone.now()
    changed_fields: set[str] = {"updated_at"}
    moved: list[Person] = []
    for person, diff in changed:
        for name, (_, value) in diff.items():
            setattr(person, name, value)
        person.updated_at = now
        changed_fields.update(diff)
        if any(name in diff for name in POST_FIELDS):
            moved.append(person)
            assignments.append(_open_assignment(person))
    ended: list[Assignment] = []
    for start in range(0, len(moved), 2000):
        batch = {person.pk: person for person in moved[start:start + 2000]}
        for assignment in Assignment.objects.filter(person_id__in=batch, ended_on__isnull=True):
            end = batch[assignment.person_id].post_started_on or today
            begun = assignment.started_on
            assignment.ended_on = max(end, begun) if begun else end
            ended.append(assignment)
    if changed:
        Person.objects.bulk_update([p for p, _ in changed], sorted(changed_fields), batch_size=1000)
    if ended:
        Assignment.objects.bulk_update(ended, ["ended_on"], batch_size=1000)
    Assignment.objects.bulk_create(assignments, batch_size=2000)


def _insert_new_people(parsed: ParsedRoster, positions: range | list[int], units: dict[str, Unit]) -> None:
    """Insert new people with their open assignments, in bulk and without a model instance
    per row: the same rows Person(**_person_values(...)) and _open_assignment() would make.

    The people go in column by column (PostgreSQL by COPY, SQLite by executemany) under ids
    drawn first as one block; their open assignments are then made by the database itself
    from those rows (INSERT … SELECT), since each copies the person's post. Fields the roster
    does not set get their model default, so fields added to the models later still work.
    """
    if not positions:
        return
    count = len(positions)
    everyone = isinstance(positions, range) and count == parsed.row_count

    def column(name: str) -> list[Any]:
        values = parsed.columns[name]
        return values if everyone else [values[position] for position in positions]

    now = timezone.now()
    row_fields = [name for name in PLAIN_FIELDS if name in parsed.present_fields]
    columns: dict[str, Any] = {name: column(name) for name in row_fields}
    births = column("birth")
    columns["birth_date"] = [birth for birth, _ in births]
    columns["birth_day_known"] = [day_known for _, day_known in births]
    unit_ids = {path: unit.pk for path, unit in units.items()}
    columns["unit_id"] = list(map(unit_ids.__getitem__, column("unit_path")))
    educations = zip(
        columns.get("full_time_education") or itertools.repeat(""),
        columns.get("in_service_education") or itertools.repeat(""),
    )
    highest: dict[tuple[str, str], str] = {}
    columns["highest_education"] = [
        highest.get(pair) or highest.setdefault(pair, codes.highest_education(*pair))
        for pair in itertools.islice(educations, count)
    ]
    for field in Person._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        is_automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        columns[field.attname] = itertools.repeat(_db_default(field, now if is_automatic else None), count)
    if connection.vendor == "sqlite":
        for name, values in columns.items():
            if isinstance(values, list) and values and _is_date_field(Person, name):
                columns[name] = _dates_as_text(values)
    with _bulk_cursor() as cursor:
        first_id = _reserve_person_ids(cursor, count)
        ids = range(first_id, first_id + count)
        with _indexes_rebuilt_after(cursor, Person, rebuild=count >= REBUILD_INDEXES_FROM_ROWS):
            _insert_columns(cursor, Person, count, {Person._meta.pk.attname: ids, **columns})
        with _indexes_rebuilt_after(cursor, Assignment, rebuild=count >= REBUILD_INDEXES_FROM_ROWS):
            _insert_open_assignments(cursor, ids)


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
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
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
    """The first of `count` consecutive ids kept for new people, whom the import inserts with
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
    column_list = ", ".join(quote(meta.get_field(attname).column) for attname in columns)
    rows = zip(*columns.values())
    if connection.vendor == "postgresql":
        # Binary COPY: neither side spells dates and numbers out as text and parses them back.
        types = [meta.get_field(attname).db_type(connection).split("(")[0] for attname in columns]
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


def _insert_open_assignments(cursor: Any, person_ids: range) -> None:
    """Each new person's open assignment, as _open_assignment() makes it, copied by the
    database from the person rows; any other field gets its model default."""
    from_person = {"person_id": Person._meta.pk.attname, **ASSIGNMENT_FROM_PERSON}
    quote = connection.ops.quote_name
    targets, sources, params = [], [], []
    for field in Assignment._meta.concrete_fields:
        if field.primary_key:
            continue
        targets.append(quote(field.column))
        if field.attname in from_person:
            sources.append(quote(Person._meta.get_field(from_person[field.attname]).column))
        else:
            sources.append("%s")
            params.append(_db_default(field))
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
    import commits (on PostgreSQL; SQLite has one writer anyway).
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


def _open_assignment(person: Person) -> Assignment:
    return Assignment(
        person=person, **{field: getattr(person, source) for field, source in ASSIGNMENT_FROM_PERSON.items()}
    )


def roster_export(*, actor: Any, people: Any, units: Any) -> bytes:
    """The roster template (sheets 干部名册 and 单位) for the given people and units, audited."""
    content = write_xlsx([
        (ROSTER_SHEET, ROSTER_HEADERS, roster_rows_for_export(people.select_related("unit").iterator(chunk_size=2000))),
        (UNIT_SHEET, UNIT_HEADERS, unit_rows_for_export(units.order_by("path"))),
    ])
    record(actor=actor, action=AuditAction.ROSTER_EXPORTED, changes={
        "people": people.count(), "sha256": hashlib.sha256(content).hexdigest(),
    })
    return content
