"""Every write to cadre records: the roster import (checked, then applied) and person edits.

The import is two steps, so a background job can keep the checked file between the preview
and the confirmation: `roster_check` reads and validates the file and writes nothing;
`roster_apply` matches the rows to the people on record and writes them in one transaction
(or, as a dry run, counts what it would write). `roster_import` is the two in a row.
Posts and the people's current-post fields are written by cadres.org.services; the fast
path for large loads is cadres.people.bulk_load.
"""

import datetime as dt
import gc
import hashlib
import io
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from PIL import Image, ImageOps

from cadres.accounts.permissions import has_permission, unit_paths_outside_maintain_scope
from cadres.audit.actions import register
from cadres.audit.models import AuditAction
from cadres.audit.services import record, record_many
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.core.idcard import InvalidIdNumber, parse_id_number
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
    "birthplace", "health", "full_time_education_school", "in_service_education_school", "expertise",
    "sort_order",
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
    # A dry run's findings, for the preview: each changed person with old → new of each field,
    # and the paths of the units the import would create (ancestors included).
    changed: list[tuple[Person, dict[str, list[Any]]]] = field(default_factory=list)
    new_unit_paths: list[str] = field(default_factory=list)
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
        if errors := _out_of_scope_errors(actor, parsed) + _reserve_pool_errors(parsed):
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
            _refuse_reserves_without_the_right(actor, parsed, new_positions, changed)
            report.changed = changed
            report.new_unit_paths = sorted(path for path, pk in unit_ids.items() if pk is None)
            _count(report, new_positions, changed, units_created=len(report.new_unit_paths))
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
    _refuse_reserves_without_the_right(actor, parsed, new_positions, changed)
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
    _reserve_members(actor, event, parsed, new_positions, new_ids, changed)


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


def _reserve_pool_errors(parsed: ParsedRoster) -> list[RowError | str]:
    """A 后备干部 value must name a pool of cadres.reserves (the roster does not create pools)."""
    from cadres.reserves.services import unknown_pool_names

    values = parsed.columns.get("reserve_pool") or []
    unknown = set(unknown_pool_names(values))
    return [RowError(ROSTER_SHEET, number, "后备干部", value, "不是已建立的后备干部库")
            for number, value in zip(parsed.row_numbers, values) if value in unknown]


def _refuse_reserves_without_the_right(
    actor: Any, parsed: ParsedRoster, new_positions: Sequence[int], changed: list[tuple[Person, "Changes"]],
) -> None:
    """A 后备干部 value that would make someone a member of a pool needs reserves.manage (the
    card's form leaves the field to the reserve pages; a 单位信息员 may not do it by import)."""
    column = parsed.columns.get("reserve_pool")
    if actor is None or column is None or has_permission(actor, "reserves.manage"):
        return
    names = parsed.columns.get("name") or []
    joining = [names[position] for position in new_positions if column[position]]
    joining += [person.name for person, diff in changed if (diff.get("reserve_pool") or [None, ""])[1]]
    if joining:
        raise RosterRejected([f"后备干部：您没有列入后备干部的权限（{'、'.join(joining[:20])}"
                              f"{'等' if len(joining) > 20 else ''}），请删去该列的新值，由干部科在后备干部库中办理"])


def _reserve_members(
    actor: Any, event: Any, parsed: ParsedRoster, new_positions: Sequence[int], new_ids: Sequence[int],
    changed: list[tuple[Person, "Changes"]],
) -> None:
    """A 后备干部 value written makes the person an active member of that pool (from 名册导入,
    cadres.reserves.services); the field stays its mirror. A blank value changes nothing."""
    from cadres.reserves.services import members_from_roster

    column = parsed.columns.get("reserve_pool")
    if column is None:
        return
    pairs = [(pk, column[position]) for position, pk in zip(new_positions, new_ids)]
    pairs += [(person.pk, diff["reserve_pool"][1]) for person, diff in changed if "reserve_pool" in diff]
    members_from_roster(actor=actor, pairs=pairs, on=timezone.localdate(), batch=event)


def _unit_specs(parsed: ParsedRoster) -> list[UnitSpec]:
    specs = {
        unit.path: UnitSpec(unit.path, unit.unit_type, unit.authorized_staffing, staffing_given=True)
        for unit in parsed.units
    }
    # In the order the roster first names them (new units get their 排序号 in that order).
    for path in dict.fromkeys(parsed.columns.get("unit_path", ())):
        if path not in specs:
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
    if not values.get("reserve_pool", True):
        del values["reserve_pool"]  # a blank 后备干部 leaves the memberships (cadres.reserves) as they are
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
    return Person.objects.restrict(actor, "change")


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


# --- one cadre's file, edited in the browser ---------------------------------------------


@register
class PersonFileAction(models.TextChoices):
    """Audit actions of a cadre's own record besides 新增/修改干部信息 (cadres.audit.models)."""

    PHOTO_SET = "person.photo_set", "更换照片"
    PHOTO_REMOVED = "person.photo_removed", "删除照片"


# The fields of the 基本信息 form (`person_update`): the roster's own fields and the rest of the
# 任免审批表's. The current post (unit, 职务, 职务层次, 班子成员, 任现职时间) changes only by 任免
# (cadres.org.services); 最高学历 and the name keys follow from other fields; the photo has
# services of its own.
PERSON_EDITABLE_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "birth_day_known", "id_number", "native_place",
    "birthplace", "political_status", "party_joined_on", "work_started_on", "health",
    "full_time_education", "full_time_degree", "full_time_education_school", "full_time_degree_school",
    "in_service_education", "in_service_degree", "in_service_education_school", "in_service_degree_school",
    "professional_title", "expertise", "rank_started_on", "sort_order", "remarks",
)
POST_FIELDS_REFUSED = "现任职务（单位、职务、职务层次、班子成员、任现职时间）须通过任免办理，不能在基本信息中修改"
OUT_OF_CHANGE_SCOPE = "该干部不在您的信息维护范围内"
ID_NUMBER_TAKEN = "该身份证号已用于干部“%(name)s”的记录"
# Photos: what is accepted, and what is stored (the 任免审批表's 4:5 portrait).
PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_SIZE = (300, 375)
PHOTO_MIN_SIDE = 60


def _may_change_person(actor: Any, person: Person) -> bool:
    return _people_actor_may_change(actor).filter(pk=person.pk).exists()


def _require_change_scope(actor: Any, person: Person) -> None:
    if not _may_change_person(actor, person):
        raise PermissionDenied(OUT_OF_CHANGE_SCOPE)


def person_identity_errors(
    *, id_number: str, birth_date: dt.date | None, birth_day_known: bool, sex: str,
    person_id: int | None = None, actor: Any = None, holders: Mapping[str, Person] | None = None,
) -> list[str]:
    """What is wrong with a 身份证号 (GB 11643) given the person's 出生年月 and 性别, in words for
    the 身份证号 field ([] when nothing is). A number on another person's record is refused; that
    person is named only when the actor may see him (no number outside the scope is confirmed).

    `holders` (by 身份证号): the people holding the numbers a caller checks, read by it in one
    query (the import of many 任免审批表 files); without it the holder is looked up here."""
    if not id_number:
        return []
    try:
        identity = parse_id_number(id_number)
    except InvalidIdNumber as error:
        return [f"身份证号“{id_number}”无效：{error}"]
    errors = []
    if birth_date is not None:
        id_birth = identity.birth_date
        same = id_birth == birth_date if birth_day_known else (
            (id_birth.year, id_birth.month) == (birth_date.year, birth_date.month))
        if not same:
            errors.append(f"身份证号中的出生日期 {id_birth:%Y.%m.%d} 与出生年月 "
                          f"{format_month(birth_date, day_known=birth_day_known)} 不一致")
    if sex and identity.sex != sex:
        errors.append(f"身份证号中的性别（{codes.name_for('sex', identity.sex)}）与性别"
                      f"（{codes.name_for('sex', sex)}）不一致")
    if holders is None:
        holder = Person.objects.filter(id_number=identity.number).exclude(pk=person_id).first()
    else:
        holder = holders.get(identity.number)
    if holder is not None and holder.pk != person_id:
        visible = actor is None or Person.objects.restrict(actor, "view").filter(pk=holder.pk).exists()
        errors.append(ID_NUMBER_TAKEN % {"name": holder.name} if visible else ID_NUMBER_OUT_OF_SCOPE)
    return errors


def _audit_value(name: str, person: Person) -> Any:
    """A field's value as the change record keeps it: 出生年月 as written (1975.03, or
    1975.03.12 when the day is known), so a change of the day alone shows as one."""
    if name == "birth_date":
        return format_month(person.birth_date, day_known=person.birth_day_known)
    return getattr(person, name)


@transaction.atomic
def person_update(*, actor: Any, person: Person, changes: Mapping[str, Any]) -> Person:
    """Change a cadre's own fields (基本信息): only the fields whose value differs are written,
    and one event records each of them old → new, with the person as subject. 最高学历 follows
    the two education rows, the name keys (拼音首字母, 姓氏笔画) the name.

    The current-post fields are refused (ValidationError): posts change by 任免
    (cadres.org.services). The actor must hold the person in the 信息维护 scope
    (PermissionDenied otherwise); the system (None) may change anyone.
    """
    if set(changes) & {*POST_FIELDS, "unit"}:
        raise ValidationError(POST_FIELDS_REFUSED)
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a field of the 基本信息 form: {sorted(unknown)}")
    _require_change_scope(actor, person)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    before = {name: _audit_value(name, locked) for name in (*changes, "highest_education")}
    written = [name for name, value in changes.items() if getattr(locked, name) != value]
    for name in written:
        setattr(locked, name, changes[name])
    if not written:
        return locked
    highest = codes.highest_education(locked.full_time_education, locked.in_service_education)
    if highest != locked.highest_education:
        locked.highest_education = highest
        written.append("highest_education")
    if "name" in written:
        for key, value in name_keys(locked.name).items():
            setattr(locked, key, value)
            written.append(key)
    if "id_number" in written or "birth_date" in written or "sex" in written:
        locked.id_number = (locked.id_number or "").strip().upper()
        if problems := person_identity_errors(
            id_number=locked.id_number, birth_date=locked.birth_date,
            birth_day_known=locked.birth_day_known, sex=locked.sex, person_id=locked.pk, actor=actor,
        ):
            raise ValidationError({"id_number": problems})
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=[*written, "updated_at"])
    diff: dict[str, list[Any]] = {}
    for name in before:
        after = _audit_value(name, locked)
        if before[name] != after and name != "birth_day_known":
            diff[name] = [before[name], after]
    record(actor=actor, action=AuditAction.PERSON_UPDATED, target=locked, subject=locked, changes=diff)
    return locked


@dataclass(frozen=True)
class PhotoCrop:
    """The part of an uploaded picture to keep, in the pixels of the picture as it is shown
    (EXIF orientation applied): the top-left corner and the width; the height is 5/4 of it."""

    x: int
    y: int
    width: int


class PhotoRejected(ValueError):
    """An upload that is not a usable JPEG or PNG picture; the message says why, in Chinese."""


def _photo_read(image_file: Any) -> Image.Image:
    size = getattr(image_file, "size", None)
    if size is None:
        image_file.seek(0, 2)
        size = image_file.tell()
    if size > PHOTO_MAX_BYTES:
        raise PhotoRejected(f"照片文件过大（{size / 1048576:.1f} MB），上限为 {PHOTO_MAX_BYTES // 1048576} MB")
    if size == 0:
        raise PhotoRejected("照片文件是空的")
    image_file.seek(0)
    content = image_file.read()
    try:
        with Image.open(io.BytesIO(content)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoRejected("文件不是有效的图片，请上传 JPG 或 PNG 格式的照片") from error
    if kind not in PHOTO_FORMATS:
        raise PhotoRejected(f"不支持 {kind or '该'} 格式的图片，请上传 JPG 或 PNG 格式的照片")
    if width * height > PHOTO_MAX_PIXELS:
        raise PhotoRejected(f"图片像素过多（{width}×{height}），请缩小后再上传")
    if min(width, height) < PHOTO_MIN_SIDE:
        raise PhotoRejected(f"图片太小（{width}×{height}），请上传清晰的证件照")
    try:
        opened = Image.open(io.BytesIO(content))
        opened.load()
        image = ImageOps.exif_transpose(opened)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoRejected("图片已损坏，无法读取，请重新导出后上传") from error
    return image


def _photo_box(size: tuple[int, int], crop: PhotoCrop | None) -> tuple[int, int, int, int]:
    """The 4:5 box to cut: the one asked for, kept inside the picture; else the largest one in
    the middle (a portrait's face is usually in its upper middle, so the top third for tall
    pictures)."""
    width, height = size
    if crop is None or crop.width <= 0:
        box_width = min(width, height * 4 // 5)
        box_height = box_width * 5 // 4
        x = (width - box_width) // 2
        y = min((height - box_height) // 3, height - box_height) if height > box_height else 0
        return x, y, x + box_width, y + box_height
    box_width = min(crop.width, width, height * 4 // 5)
    box_height = box_width * 5 // 4
    x = min(max(crop.x, 0), width - box_width)
    y = min(max(crop.y, 0), height - box_height)
    return x, y, x + box_width, y + box_height


def photo_process(image_file: Any, crop: PhotoCrop | None = None) -> bytes:
    """The stored photo: the upload checked (JPEG or PNG, size, Pillow reads it), turned as its
    EXIF says, cut to 4:5 and scaled to PHOTO_SIZE, as a JPEG without EXIF or other metadata."""
    image = _photo_read(image_file)
    box = _photo_box(image.size, crop)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    portrait = image.resize(PHOTO_SIZE, Image.Resampling.LANCZOS, box=box)
    output = io.BytesIO()
    portrait.save(output, format="JPEG", quality=90, optimize=True)
    return output.getvalue()


def default_storage_for_photos() -> Any:
    """The storage of Person.photo (MEDIA_ROOT unless a deployment says otherwise)."""
    return Person._meta.get_field("photo").storage


def _photo_file_delete_after_commit(name: str) -> None:
    if name:
        storage = default_storage_for_photos()
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def person_photo_set(
    *, actor: Any, person: Person, image_file: Any, crop: PhotoCrop | None = None,
) -> Person:
    """Store a new photo (see `photo_process`) under MEDIA_ROOT/photos/ with a random name; the
    file it replaces is deleted once the change is committed. Raises PhotoRejected for an
    upload that is no usable picture, PermissionDenied outside the 信息维护 scope."""
    _require_change_scope(actor, person)
    content = photo_process(image_file, crop)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    old_name = locked.photo.name or ""
    locked.photo.save(f"{secrets.token_hex(16)}.jpg", ContentFile(content), save=False)
    new_name = locked.photo.name
    try:
        locked.save(update_fields=["photo", "updated_at"])
        record(actor=actor, action=PersonFileAction.PHOTO_SET, target=locked, subject=locked,
               changes={"photo": [old_name or None, new_name]})
    except BaseException:
        # The row keeps the old photo: the new file must not stay behind.
        locked.photo.storage.delete(new_name)
        raise
    _photo_file_delete_after_commit(old_name)
    return locked


@transaction.atomic
def person_photo_remove(*, actor: Any, person: Person) -> Person:
    """Remove a cadre's photo; its file is deleted once the change is committed."""
    _require_change_scope(actor, person)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    old_name = locked.photo.name or ""
    if not old_name:
        return locked
    locked.photo = ""
    locked.save(update_fields=["photo", "updated_at"])
    _photo_file_delete_after_commit(old_name)
    record(actor=actor, action=PersonFileAction.PHOTO_REMOVED, target=locked, subject=locked,
           changes={"photo": [old_name, None]})
    return locked


# --- photos in bulk (the import of many 任免审批表 files) ----------------------------------------


@dataclass(frozen=True)
class StoredPhoto:
    """A photo `photo_process` made, stored under MEDIA_ROOT/photos/ with a random name and not
    yet any person's (made only by PhotosProcessing)."""

    name: str


def _photo_store(processed: bytes) -> StoredPhoto:
    field = Person._meta.get_field("photo")
    name = default_storage_for_photos().save(
        field.generate_filename(None, f"{secrets.token_hex(16)}.jpg"), ContentFile(processed))
    return StoredPhoto(name)


def _photo_process_and_store(content: bytes, store: bool = True) -> StoredPhoto | PhotoRejected | bytes:
    """The stored photo (or, `store` false, the processed picture), or why it is refused."""
    try:
        processed = photo_process(io.BytesIO(content))
    except PhotoRejected as error:
        return error
    return _photo_store(processed) if store else processed


def _photo_process_only(content: bytes) -> StoredPhoto | PhotoRejected | bytes:
    return _photo_process_and_store(content, store=False)


# Fewer photos than this are processed in this process: a pool costs more than it saves.
PHOTO_POOL_FROM = 40


class PhotosProcessing:
    """`photo_process` of each upload, in order, each result stored as a file of its own
    (StoredPhoto), started at once on a pool of processes when there are many (Pillow holds
    the GIL while it decodes and scales), so the caller's work goes on meanwhile; `results()`
    waits for them: a picture it refuses gives its PhotoRejected in its place. No database
    access: use it before the transaction, as a context manager; the files not given to
    `person_photos_set_many` in a transaction that committed are the caller's to `discard`."""

    def __init__(self, contents: Sequence[bytes], *, workers: int | None = None):
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        self._contents = list(contents)
        self._pool: Any = None
        self._results: Any = None
        workers = workers or min(os.cpu_count() or 1, 4)
        if len(self._contents) >= PHOTO_POOL_FROM and workers > 1 and (
                "fork" in multiprocessing.get_all_start_methods()):
            # Forked workers inherit the loaded modules; they never touch the database. They store
            # the files too when the storage is a directory every process sees.
            from django.core.files.storage import FileSystemStorage

            shared = isinstance(default_storage_for_photos(), FileSystemStorage)
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
            self._results = self._pool.map(_photo_process_and_store if shared else _photo_process_only,
                                           self._contents, chunksize=max(1, len(self._contents) // (workers * 8)))

    def results(self) -> list[StoredPhoto | PhotoRejected]:
        if self._pool is None:
            done = [_photo_process_and_store(content) for content in self._contents]
        else:
            try:
                done = list(self._results)
            finally:
                self.close()
        return [_photo_store(each) if isinstance(each, bytes) else each for each in done]

    @staticmethod
    def discard(photos: Iterable[StoredPhoto]) -> None:
        storage = default_storage_for_photos()
        for photo in photos:
            storage.delete(photo.name)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "PhotosProcessing":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def person_photos_set_many(*, actor: Any, photos: Sequence[tuple[Person, StoredPhoto]]) -> None:
    """Give each person his stored photo (see PhotosProcessing) in bulk: the rows' photo
    column written in one statement per batch and one event per person as `person_photo_set`
    records it; the files the photos replace are deleted once the change is committed. Call
    inside the caller's transaction with the people in the actor's 信息维护 scope
    (PermissionDenied otherwise)."""
    if not photos:
        return
    ids = [person.pk for person, _ in photos]
    allowed: set[int] = set()
    for start in range(0, len(ids), 2000):
        allowed.update(_people_actor_may_change(actor).filter(pk__in=ids[start:start + 2000])
                       .values_list("pk", flat=True))
    if allowed != set(ids):
        raise PermissionDenied(OUT_OF_CHANGE_SCOPE)
    rows: list[tuple[int, dict[str, Any]]] = []
    events: list[tuple[Person, dict[str, Any]]] = []
    old_names: list[str] = []
    for person, photo in photos:
        old_names.append(person.photo.name or "")
        events.append((person, {"photo": [person.photo.name or None, photo.name]}))
        person.photo.name = photo.name
        rows.append((person.pk, {"photo": photo.name}))
    person_columns_update(rows, now=timezone.now())
    record_many(actor=actor, action=PersonFileAction.PHOTO_SET, items=events)
    for old_name in old_names:
        _photo_file_delete_after_commit(old_name)
