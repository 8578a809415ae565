"""Every write to cadre records: the roster import and person edits."""

import datetime as dt
import gc
import hashlib
import operator
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

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
# From this many new people on, an SQLite import rebuilds the indexes instead of updating them.
SQLITE_REINDEX_ROWS = 20_000
# A change in one of these ends the current post and opens a new one.
POST_FIELDS = ("unit_id", "post_title", "rank", "is_team_member", "post_started_on")


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


def roster_read(*, content: bytes, seconds: dict[str, float] | None = None) -> tuple[str, ParsedRoster]:
    """Read and check a roster file without writing; raises RosterRejected on any error.

    `seconds`, when given, receives the time spent parsing and validating.
    """
    with _cyclic_gc_paused():
        return _read(content, seconds)


def _read(content: bytes, seconds: dict[str, float] | None) -> tuple[str, ParsedRoster]:
    started = time.perf_counter()
    try:
        workbook = read_workbook(content, max_bytes=settings.ROSTER_MAX_BYTES)
    except UnreadableFile as error:
        raise RosterRejected([str(error)]) from error
    parsed_at = time.perf_counter()
    parsed = roster_parse(workbook, today=timezone.localdate())
    file_format = workbook.format
    del workbook
    errors: list[RowError | str] = [*parsed.errors, *_unit_parent_errors(parsed)]
    if seconds is not None:
        seconds["parse"] = parsed_at - started
        seconds["validate"] = time.perf_counter() - parsed_at
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
    report = ImportReport(file_format=file_format, rows=len(parsed.rows), dry_run=dry_run,
                          sample=parsed.rows[:20], seconds=seconds)
    write_started = time.perf_counter()
    with transaction.atomic():
        specs = _unit_specs(parsed)
        known = set(Unit.objects.filter(path__in=unit_paths_with_ancestors(s.path for s in specs))
                    .values_list("path", flat=True))
        units = unit_tree_apply(actor=actor, specs=specs, audit=False)
        units_created = sorted(set(units) - known)
        new_rows, changed = _match(parsed, units)
        report.created, report.updated = len(new_rows), len(changed)
        report.unchanged = report.rows - report.created - report.updated
        report.units_created = len(units_created)
        if dry_run:
            transaction.set_rollback(True)
            return report
        _write(new_rows, changed, units, parsed.present_fields)
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


def _unit_specs(parsed: ParsedRoster) -> list[UnitSpec]:
    specs = {
        unit.path: UnitSpec(unit.path, unit.unit_type, unit.authorized_staffing, staffing_given=True)
        for unit in parsed.units
    }
    for path in {row.values["unit_path"] for row in parsed.rows} - set(specs):
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


def _match(parsed: ParsedRoster, units: dict[str, Unit]) -> tuple[list[RosterRow], list[tuple[Person, Changes]]]:
    """Split rows into new people and changes to people on record.

    A row is the person with its 身份证号, else the person with its 姓名 + 出生年月 + 单位
    (when one of the two has no 身份证号: two different numbers are two people). Two rows that
    come to the same person on record are an error.
    """
    if not Person.objects.exists():
        return list(parsed.rows), []
    id_numbers = [row.values["id_number"] for row in parsed.rows if row.values.get("id_number")]
    by_id_number: dict[str, Person] = {}
    for start in range(0, len(id_numbers), 2000):
        for person in Person.objects.filter(id_number__in=id_numbers[start:start + 2000]):
            by_id_number[person.id_number] = person
    identities = {
        (row.values["name"], units[row.values["unit_path"]].pk) for row in parsed.rows
    }
    names = {name for name, _ in identities}
    unit_ids = {unit_id for _, unit_id in identities}
    by_identity: dict[tuple[str, int, int, int], Person] = {}
    for person in Person.objects.filter(unit_id__in=unit_ids, name__in=names) if len(names) <= 2000 else (
        Person.objects.filter(unit_id__in=unit_ids).iterator(chunk_size=2000)
    ):
        if (person.name, person.unit_id) in identities:
            birth = person.birth_date
            by_identity[(person.name, birth.year, birth.month, person.unit_id)] = person
    new_rows: list[RosterRow] = []
    changed: list[tuple[Person, Changes]] = []
    matched_rows: dict[int, int] = {}
    errors: list[RowError | str] = []
    for row in parsed.rows:
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
            new_rows.append(row)
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
    return new_rows, changed


def _write(
    new_rows: list[RosterRow],
    changed: list[tuple[Person, Changes]],
    units: dict[str, Unit],
    present: frozenset[str],
) -> None:
    if connection.vendor in ("sqlite", "postgresql") and connection.features.can_return_rows_from_bulk_insert:
        _insert_new_people(new_rows, units, present)
        assignments: list[Assignment] = []
    else:
        new_people = [Person(**_person_values(row, present, units)) for row in new_rows]
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


def _insert_new_people(new_rows: list[RosterRow], units: dict[str, Unit], present: frozenset[str]) -> None:
    """Insert new people with their open assignments, in bulk and without a model instance
    per row: the same rows Person(**_person_values(...)) and _open_assignment() would make.

    PostgreSQL takes them by COPY (ids drawn from the table's sequence first), SQLite by
    multi-row INSERTs. Fields the row does not set get their model default, so fields added
    to the models later still work.
    """
    if not new_rows:
        return
    now = timezone.now()
    row_fields = [name for name in PLAIN_FIELDS if name in present]
    computed = ["birth_date", "birth_day_known", "unit_id", "highest_education"]
    model_fields = [field for field in Person._meta.concrete_fields if not field.primary_key]
    constant_fields = [
        field for field in model_fields if field.attname not in row_fields and field.attname not in computed
    ]
    constants = tuple(
        field.get_db_prep_save(now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                               else field.get_default(), connection)
        for field in constant_fields
    )
    attnames = [*row_fields, *computed, *(field.attname for field in constant_fields)]
    unit_ids = {path: unit.pk for path, unit in units.items()}
    values: list[tuple[Any, ...]] = []
    from_row = operator.itemgetter(*row_fields) if len(row_fields) > 1 else lambda v: (v[row_fields[0]],)
    for row in new_rows:
        row_values = row.values
        birth, birth_day_known = row_values["birth"]
        full_time = row_values.get("full_time_education") or ""
        in_service = row_values.get("in_service_education") or ""
        values.append((
            *from_row(row_values),
            birth,
            birth_day_known,
            unit_ids[row_values["unit_path"]],
            min(full_time, in_service) if full_time and in_service else full_time or in_service,
            *constants,
        ))
    if connection.vendor == "postgresql":
        _copy_people_postgresql(attnames, values)
    else:
        _insert_people_sqlite(attnames, _dates_as_text(attnames, values))


def _assignment_layout(attnames: list[str]) -> tuple[list[str], Callable[[tuple[Any, ...]], tuple[Any, ...]]]:
    """The open assignment's columns after person_id, and the function that makes their
    values from a person row: the post fields, then the model defaults of any other field."""
    from_person = {
        "unit_id": "unit_id", "title": "post_title", "rank": "rank",
        "is_team_member": "is_team_member", "started_on": "post_started_on",
    }
    position = {name: index for index, name in enumerate(attnames)}
    mapped = [field for field in Assignment._meta.concrete_fields if field.attname in from_person]
    defaulted = [
        field for field in Assignment._meta.concrete_fields
        if not field.primary_key and field.attname != "person_id" and field.attname not in from_person
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in defaulted)
    pick = operator.itemgetter(*(position[from_person[field.attname]] for field in mapped))

    def values(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*pick(row), *defaults)

    return [field.column for field in (*mapped, *defaulted)], values


def _copy_people_postgresql(attnames: list[str], values: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    person_meta = Person._meta
    columns = [person_meta.get_field(name).column for name in attnames]
    assignment_columns, assignment_values = _assignment_layout(attnames)
    person_column = Assignment._meta.get_field("person").column
    with connection.cursor() as cursor:
        # Ids come from the table's own sequence, so the rows can be sent by COPY and the
        # assignments can name their people.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [person_meta.db_table, person_meta.pk.column, len(values)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        person_copy = (
            f"COPY {quote(person_meta.db_table)} ({quote(person_meta.pk.column)}, "
            f"{', '.join(quote(column) for column in columns)}) FROM STDIN"
        )
        with cursor.copy(person_copy) as copy:
            for person_id, row in zip(ids, values):
                copy.write_row((person_id, *row))
        assignment_copy = (
            f"COPY {quote(Assignment._meta.db_table)} ({quote(person_column)}, "
            f"{', '.join(quote(column) for column in assignment_columns)}) FROM STDIN"
        )
        with cursor.copy(assignment_copy) as copy:
            for person_id, row in zip(ids, values):
                copy.write_row((person_id, *assignment_values(row)))


def _dates_as_text(attnames: list[str], values: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Dates as the ISO text SQLite stores, each distinct date converted once (the driver's
    adapter would run once per cell: 600,000 calls for 100,000 people)."""
    positions = [
        index for index, name in enumerate(attnames)
        if isinstance(Person._meta.get_field(name), models.DateField)
        and not isinstance(Person._meta.get_field(name), models.DateTimeField)
    ]
    text: dict[Any, Any] = {None: None}

    def iso(value: Any) -> Any:
        try:
            return text[value]
        except KeyError:
            text[value] = value.isoformat()
            return text[value]

    converted = []
    for row in values:
        row = list(row)
        for index in positions:
            row[index] = iso(row[index])
        converted.append(tuple(row))
    return converted


def _insert_people_sqlite(attnames: list[str], values: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    person_meta = Person._meta
    table, pk = person_meta.db_table, person_meta.pk.column
    columns = [pk, *(person_meta.get_field(name).column for name in attnames)]
    assignment_columns, assignment_values = _assignment_layout(attnames)
    person_column = Assignment._meta.get_field("person").column
    connection.ensure_connection()
    # The driver's own cursor: Django's rewrites every %s with a regex.
    cursor = connection.connection.cursor()
    try:
        # SQLite's default page cache (2 MB) is far smaller than the indexes being built.
        cursor.execute("PRAGMA cache_size = -262144")
        # The import has written units already, so this transaction holds SQLite's single
        # write lock: the ids after the highest ever used are free, and are given explicitly
        # so the assignments can name their people. (AUTOINCREMENT's counter follows them.)
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
            f"coalesce((SELECT max({quote(pk)}) FROM {quote(table)}), 0))",
            [table],
        )
        first_id = cursor.fetchone()[0] + 1
        ids = range(first_id, first_id + len(values))
        indexes: list[tuple[str, str]] = []
        if len(values) >= SQLITE_REINDEX_ROWS:
            # Building an index from sorted keys is several times faster than inserting
            # 100,000 random keys (names, 身份证号) one by one, so the two tables' indexes
            # are dropped and made again. Both happen inside the import's transaction: on any
            # error the rollback brings the indexes back with everything else.
            indexes = cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN (?, ?)",
                [table, Assignment._meta.db_table],
            ).fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['?'] * len(columns))})",
            [(person_id, *row) for person_id, row in zip(ids, values)],
        )
        cursor.executemany(
            f"INSERT INTO {quote(Assignment._meta.db_table)} "
            f"({quote(person_column)}, {', '.join(quote(c) for c in assignment_columns)}) "
            f"VALUES (?, {', '.join(['?'] * len(assignment_columns))})",
            [(person_id, *assignment_values(row)) for person_id, row in zip(ids, values)],
        )
        for _, sql in indexes:
            cursor.execute(sql)
    finally:
        cursor.close()


def _open_assignment(person: Person) -> Assignment:
    return Assignment(
        person=person,
        unit_id=person.unit_id,
        title=person.post_title,
        rank=person.rank,
        is_team_member=person.is_team_member,
        started_on=person.post_started_on,
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
