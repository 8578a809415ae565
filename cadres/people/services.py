"""Every write to cadre records: the roster import (checked, then applied) and person edits.

The import is two steps, so a background job can keep the checked file between the preview
and the confirmation: `roster_check` reads and validates the file and writes nothing;
`roster_apply` matches the rows to the people on record and writes them in one transaction
(or, as a dry run, counts what it would write). `roster_import` is the two in a row.
Posts and the people's current-post fields are written by cadres.org.services; the fast
path for large loads is cadres.people.bulk_load.
"""

import gc
import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cadres.accounts.permissions import unit_paths_outside_maintain_scope
from cadres.audit.models import AuditAction
from cadres.audit.services import record, record_many
from cadres.core import codes
from cadres.core.spreadsheets import UnreadableFile, read_workbook
from cadres.org import services as org_services
from cadres.org.models import PostSource, Unit
from cadres.org.services import UnitSpec, unit_paths_with_ancestors, unit_tree_apply
from cadres.people.bulk_load import person_columns_update
from cadres.people.models import Person
from cadres.people.names import name_keys
from cadres.people.spreadsheets import (
    ROSTER_SHEET,
    UNIT_SHEET,
    ParsedRoster,
    RosterRow,
    RowError,
    roster_parse,
)

# Person fields a roster row sets directly (besides birth, unit and the derived ones).
PLAIN_FIELDS = (
    "name", "sex", "ethnicity", "id_number", "native_place", "political_status",
    "party_joined_on", "work_started_on", "full_time_education", "full_time_degree",
    "in_service_education", "in_service_degree", "professional_title", "post_title", "rank",
    "is_team_member", "post_started_on", "rank_started_on", "reserve_pool", "remarks",
)
# A change in one of these ends the current main post and opens a new one (org.services).
POST_FIELDS = org_services.PERSON_POST_FIELDS
# One number for every import's lock on PostgreSQL (pg_advisory_xact_lock): "cadr" in ASCII.
IMPORT_LOCK_KEY = 0x63616472
# The one message for a 身份证号 the actor may not write, whether or not it is on record
# elsewhere: the import must not tell a clerk which numbers exist outside the clerk's units.
ID_NUMBER_OUT_OF_SCOPE = "该身份证号不能在您的信息维护范围内新增或修改"
# One audit event per changed person, as the issue asks; new people are recorded by the
# import's own event (file name, SHA-256, counts). True adds one event per new person too (the
# 档案变更记录 then starts with the import that created the record), which costs about 5 s of a
# 100,000-row first load (bench/audit_cost.py) and would break the import's 6 s target.
AUDIT_EACH_NEW_PERSON = False
BUSY = "另一份名册正在导入，请稍后重试；未导入任何数据"
CONFLICT = "导入期间有人同时修改了相同的记录（如同一身份证号），未导入任何数据，请重新导入"

Progress = Callable[[int, int, str], None]


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


@dataclass
class CheckedRoster:
    """A roster file read and checked by `roster_check`, ready for `roster_apply`.

    Plain data (it pickles), so a job can keep it on disk between the preview and the
    confirmation and the file is parsed once.
    """

    file_name: str
    sha256: str
    file_format: str
    parsed: ParsedRoster
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


def roster_import(
    *, actor: Any, content: bytes, file_name: str, dry_run: bool = False,
    source: str = PostSource.ROSTER,
) -> ImportReport:
    """Import a roster: every row or none (`roster_check`, then `roster_apply`)."""
    checked = roster_check(actor=actor, content=content, file_name=file_name)
    return roster_apply(actor=actor, checked=checked, dry_run=dry_run, source=source)


def roster_check(*, actor: Any, content: bytes, file_name: str) -> CheckedRoster:
    """Read and check a roster file: every cell against the template, the unit sheet, and every
    row's unit against the actor's 信息维护权限. Writes nothing (and on SQLite takes no write
    lock, so a large file is parsed while others write). Raises RosterRejected."""
    seconds: dict[str, float] = {}
    with _cyclic_gc_paused():
        file_format, parsed = _read(content, seconds)
        if errors := _out_of_scope_errors(actor, parsed):
            raise RosterRejected(errors)
    return CheckedRoster(file_name=file_name, sha256=hashlib.sha256(content).hexdigest(),
                         file_format=file_format, parsed=parsed, seconds=seconds)


def roster_apply(
    *, actor: Any, checked: CheckedRoster, dry_run: bool = False, progress: Progress | None = None,
    source: str = PostSource.ROSTER,
) -> ImportReport:
    """Write a checked roster: every row or none.

    People the actor may maintain are matched by 身份证号, else by 姓名 + 出生年月 + 单位, and
    updated field by field under row locks; a changed post ends the main post and opens a
    new one (concurrent posts stay); new people are created with their post. Writes one
    import event and one event per created or changed person, linked to it. Imports take
    turns (one lock per database), so two never interleave. A dry run counts the same
    without writing or locking anything.

    `progress(done, total, stage)` is told at each stage (a handful of calls). `source` is
    recorded with the posts opened (the demo county passes PostSource.DEMO).
    """
    parsed = checked.parsed
    report = ImportReport(file_format=checked.file_format, rows=parsed.row_count, dry_run=dry_run,
                          sample=parsed.rows_between(0, 20), seconds=dict(checked.seconds))
    stages = ["匹配", "完成"] if dry_run else ["等待其他导入完成", "单位", "匹配", "写入", "审计", "完成"]
    tell = _progress_teller(progress, stages)
    started = time.perf_counter()
    with _cyclic_gc_paused():
        if dry_run:
            tell()
            unit_ids = _known_unit_ids(_unit_specs(parsed))
            new_positions, changed = _match(actor, parsed, unit_ids, lock=False)
            _count(report, new_positions, changed,
                   units_created=sum(1 for pk in unit_ids.values() if pk is None))
        else:
            try:
                with transaction.atomic():
                    _apply(actor, checked, report, tell, source)
            except OperationalError as error:
                if not _is_lock_wait(error):
                    raise
                raise RosterRejected([BUSY]) from error
            except IntegrityError as error:
                raise RosterRejected([CONFLICT]) from error
        tell()
    report.seconds["write"] = time.perf_counter() - started
    return report


def _progress_teller(progress: Progress | None, stages: list[str]) -> Callable[[], None]:
    done = iter(range(len(stages)))

    def tell() -> None:
        step = next(done, len(stages) - 1)
        if progress is not None:
            progress(step, len(stages) - 1, stages[step])

    return tell


def _count(report: ImportReport, new_positions: Sequence[int], changed: list[Any], *, units_created: int) -> None:
    report.created, report.updated = len(new_positions), len(changed)
    report.unchanged = report.rows - report.created - report.updated
    report.units_created = units_created


def _apply(
    actor: Any, checked: CheckedRoster, report: ImportReport, tell: Callable[[], None], source: str,
) -> None:
    parsed = checked.parsed
    tell()
    _take_turn()
    tell()
    specs = _unit_specs(parsed)
    before = _known_unit_ids(specs)
    units = unit_tree_apply(actor=actor, specs=specs, audit=False)
    units_created = sorted(path for path, pk in before.items() if pk is None)
    unit_ids = {path: unit.pk for path, unit in units.items()}
    tell()
    new_positions, changed = _match(actor, parsed, unit_ids, lock=True)
    _count(report, new_positions, changed, units_created=len(units_created))
    tell()
    new_ids = _write(parsed, new_positions, changed, unit_ids, source)
    tell()
    event = record(
        actor=actor,
        action=AuditAction.ROSTER_IMPORTED,
        target_label=checked.file_name,
        changes={
            "file_name": checked.file_name,
            "sha256": checked.sha256,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "units_created": units_created,
        },
    )
    _audit_people(actor, event, parsed, new_positions, new_ids, changed, units)


def _take_turn() -> None:
    """Wait for any other import to finish: imports write one at a time, so two never drop
    and rebuild the same indexes or create the same units at once.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback; a wait
    longer than ROSTER_IMPORT_WAIT_SECONDS ends in RosterRejected(BUSY). SQLite: the
    transaction (BEGIN IMMEDIATE) already holds the database's single write lock.
    """
    if connection.vendor != "postgresql":
        return
    wait = int(getattr(settings, "ROSTER_IMPORT_WAIT_SECONDS", 300))
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{wait}s'")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")


def _is_lock_wait(error: OperationalError) -> bool:
    """The database refused to wait longer for a lock (PostgreSQL's lock_timeout, SQLite's
    busy timeout)."""
    text = str(error)
    return "lock timeout" in text or "database is locked" in text or getattr(
        getattr(error, "__cause__", None), "sqlstate", None) == "55P03"


def _known_unit_ids(specs: list[UnitSpec]) -> dict[str, int | None]:
    """Every unit path the roster names (with ancestors) and its id, None if not on record."""
    paths = unit_paths_with_ancestors(spec.path for spec in specs)
    known = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))
    return {path: known.get(path) for path in paths}


def _out_of_scope_errors(actor: Any, parsed: ParsedRoster) -> list[RowError | str]:
    """Rows and unit-sheet entries outside the units the actor maintains (信息维护权限)."""
    row_paths = parsed.columns.get("unit_path", [])
    outside = set(unit_paths_outside_maintain_scope(
        actor, {*row_paths, *(unit.path for unit in parsed.units)}
    ))
    if not outside:
        return []
    reason = "不在您的信息维护范围内"
    id_numbers = parsed.columns.get("id_number") or [""] * len(row_paths)
    errors: list[RowError | str] = []
    for number, path, id_number in zip(parsed.row_numbers, row_paths, id_numbers):
        if path in outside:
            errors.append(RowError(ROSTER_SHEET, number, "单位", path, reason))
            if id_number:
                # The same words as for a number on record elsewhere (see _match).
                errors.append(RowError(ROSTER_SHEET, number, "身份证号", str(id_number), ID_NUMBER_OUT_OF_SCOPE))
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


def _person_values(row: RosterRow, present: frozenset[str], unit_ids: Mapping[str, int | None]) -> dict[str, Any]:
    values = {name: row.values[name] for name in PLAIN_FIELDS if name in present}
    values["birth_date"], values["birth_day_known"] = row.values["birth"]
    values["unit_id"] = unit_ids[row.values["unit_path"]]
    values["highest_education"] = codes.highest_education(
        values.get("full_time_education", ""), values.get("in_service_education", "")
    )
    return values


def _may_change_everyone(actor: Any) -> bool:
    from cadres.accounts.scopes import access_for

    return actor is None or access_for(actor).all_units


def _people_actor_may_change(actor: Any) -> QuerySet[Person]:
    """The people whose records the actor may change: those in the units the actor maintains
    (信息维护权限); everyone for the system (None) and for users over every unit."""
    if actor is None:
        return Person.objects.all()
    restrict = getattr(Person.objects, "restrict", None)
    if restrict is not None:
        return restrict(actor, "change")
    from cadres.accounts.scopes import access_for, subtree_q

    access = access_for(actor)
    if access.all_units:
        return Person.objects.all()
    return Person.objects.filter(subtree_q(access.maintained_paths, prefix="unit__"))


def _match(
    actor: Any, parsed: ParsedRoster, unit_ids: Mapping[str, int | None], *, lock: bool,
) -> tuple[Sequence[int], list[tuple[Person, Changes]]]:
    """Split rows into new people (their positions in `parsed`) and changes to people on record.

    A row is the person with its 身份证号, else the person with its 姓名 + 出生年月 + 单位
    (when one of the two has no 身份证号: two different numbers are two people), among the
    people the actor may change. A 身份证号 on record outside them is an error that says no
    more than that the actor may not write it. Two rows that come to the same person are an
    error. With `lock`, the matched people's rows are locked and read inside the transaction,
    so the changes are computed against the values that stand until the import commits.
    """
    if not Person.objects.exists():
        return range(parsed.row_count), []
    rows = parsed.rows
    candidates = _people_actor_may_change(actor).order_by()
    if lock:
        candidates = candidates.select_for_update(of=("self",))
    everyone_visible = _may_change_everyone(actor)
    id_numbers = [row.values["id_number"] for row in rows if row.values.get("id_number")]
    by_id_number: dict[str, Person] = {}
    elsewhere: set[str] = set()
    for start in range(0, len(id_numbers), 2000):
        chunk = id_numbers[start:start + 2000]
        # Excluding the empty number lets the database use the partial unique index on 身份证号.
        for found in candidates.exclude(id_number="").filter(id_number__in=chunk):
            by_id_number[found.id_number] = found
        if not everyone_visible:
            elsewhere.update(
                number for number in Person.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
                if number not in by_id_number
            )
    # 姓名 + 出生年月 + 单位 is looked up only for the rows their 身份证号 did not find.
    unresolved = [row for row in rows if not by_id_number.get(row.values.get("id_number") or "")]
    identities = {(row.values["name"], unit_ids[row.values["unit_path"]]) for row in unresolved}
    names = sorted({name for name, unit_id in identities if unit_id is not None})
    by_identity: dict[tuple[str, int, int, int | None], Person] = {}
    for start in range(0, len(names), 2000):
        for found in candidates.filter(name__in=names[start:start + 2000]):
            if (found.name, found.unit_id) in identities:
                birth = found.birth_date
                by_identity[(found.name, birth.year, birth.month, found.unit_id)] = found
    new_positions: list[int] = []
    changed: list[tuple[Person, Changes]] = []
    matched_rows: dict[int, int] = {}
    errors: list[RowError | str] = []
    for position, row in enumerate(rows):
        id_number = row.values.get("id_number") or ""
        if id_number in elsewhere:
            errors.append(RowError(ROSTER_SHEET, row.row, "身份证号", str(id_number), ID_NUMBER_OUT_OF_SCOPE))
            continue
        person: Person | None = by_id_number.get(id_number) if id_number else None
        if person is None:
            birth = row.values["birth"][0]
            candidate = by_identity.get(
                (row.values["name"], birth.year, birth.month, unit_ids[row.values["unit_path"]])
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
        new_values = _person_values(row, parsed.present_fields, unit_ids)
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
    new_positions: Sequence[int],
    changed: list[tuple[Person, Changes]],
    unit_ids: Mapping[str, int | None],
    source: str = PostSource.ROSTER,
) -> Sequence[int]:
    """Create the new people (with their posts) and write the changed fields of the others.
    Returns the new people's ids in the order of `new_positions`."""
    new_ids: Sequence[int] = []
    if new_positions:
        new_ids = org_services.people_create_many(
            columns=_new_people_columns(parsed, new_positions, unit_ids),
            count=len(new_positions), source=source,
        )
    now = timezone.now()
    own_fields: list[tuple[int, dict[str, Any]]] = []
    moves: list[tuple[Person, dict[str, Any]]] = []
    for person, diff in changed:
        own = {name: new for name, (_, new) in diff.items() if name not in POST_FIELDS}
        if "name" in own:
            own.update(name_keys(own["name"]))
        if own:
            for name, value in own.items():
                setattr(person, name, value)
            own_fields.append((person.pk, own))
        if any(name in diff for name in POST_FIELDS):
            moves.append((person, {
                name: diff[name][1] if name in diff else getattr(person, name) for name in POST_FIELDS
            }))
    person_columns_update(own_fields, now=now)
    org_services.posts_main_replace_many(moves=moves, source=source)
    return new_ids


def _new_people_columns(
    parsed: ParsedRoster, positions: Sequence[int], unit_ids: Mapping[str, int | None],
) -> dict[str, list[Any]]:
    """The new people's fields, column by column (a list per Person attname), in row order."""
    everyone = isinstance(positions, range) and len(positions) == parsed.row_count

    def column(name: str) -> list[Any]:
        values = parsed.columns[name]
        return values if everyone else [values[position] for position in positions]

    columns: dict[str, list[Any]] = {
        name: column(name) for name in PLAIN_FIELDS if name in parsed.present_fields
    }
    births = column("birth")
    columns["birth_date"] = [birth for birth, _ in births]
    columns["birth_day_known"] = [day_known for _, day_known in births]
    columns["unit_id"] = list(map(unit_ids.__getitem__, column("unit_path")))
    count = len(positions)
    full_time = columns.get("full_time_education") or [""] * count
    in_service = columns.get("in_service_education") or [""] * count
    highest: dict[tuple[str, str], str] = {}
    columns["highest_education"] = [
        highest.get(pair) or highest.setdefault(pair, codes.highest_education(*pair))
        for pair in zip(full_time, in_service)
    ]
    return columns


class _Subject:
    """A new person as an audit event names it (type, id, label), without a model instance
    per row: the events of 100,000 new people are written in bulk."""

    _meta = Person._meta
    __slots__ = ("pk", "name")

    def __init__(self, pk: int, name: str):
        self.pk, self.name = pk, name

    def __str__(self) -> str:
        return self.name


def _audit_people(
    actor: Any,
    event: Any,
    parsed: ParsedRoster,
    new_positions: Sequence[int],
    new_ids: Sequence[int],
    changed: list[tuple[Person, Changes]],
    units: dict[str, Unit],
) -> None:
    """One event per new and per changed person (old → new of each field, units by path),
    each linked to the import's event."""
    paths = {unit.pk: path for path, unit in units.items()}
    old_unit_ids = {diff["unit_id"][0] for _, diff in changed if "unit_id" in diff} - set(paths)
    paths.update(Unit.objects.filter(pk__in=old_unit_ids).values_list("pk", "path"))
    names = parsed.columns["name"]
    rows = parsed.row_numbers
    unit_column = parsed.columns["unit_path"]
    titles = parsed.columns.get("post_title")
    ranks = parsed.columns.get("rank")
    if not AUDIT_EACH_NEW_PERSON:
        new_positions, new_ids = [], []
    record_many(
        actor=actor, action=AuditAction.PERSON_CREATED, batch=event,
        items=(
            (cast(Person, _Subject(pk, names[position])), {
                "row": rows[position],
                "unit": [None, unit_column[position]],
                "post_title": [None, titles[position] if titles else ""],
                "rank": [None, ranks[position] if ranks else ""],
            })
            for position, pk in zip(new_positions, new_ids)
        ),
    )

    def readable(diff: Changes) -> Changes:
        if "unit_id" not in diff:
            return diff
        old, new = diff["unit_id"]
        return {"unit": [paths.get(old), paths.get(new)],
                **{name: values for name, values in diff.items() if name != "unit_id"}}

    record_many(actor=actor, action=AuditAction.PERSON_UPDATED, batch=event,
                items=((person, readable(diff)) for person, diff in changed))
