"""Backups in a portable format: `cadres backup FILE`, `cadres restore FILE [--verify]`.

A backup is a zip file (mode 0600: it holds every cadre's file) with
- ``manifest.json``: the format, when and from which database it was made, the applied
  migrations, and per table its model, columns, row count and SHA-256; per uploaded file its
  path, size and SHA-256;
- ``tables/<table>.jsonl``: one JSON array per row, columns in the manifest's order, rows in
  primary-key order, values in one canonical text form (datetimes in UTC ISO 8601, decimals
  as text, bytes in base64), so the same data gives the same bytes on SQLite and PostgreSQL;
- ``media/<path>``: the files under MEDIA_ROOT.

The SHA-256 of a table is that of its lines, so `verify_database` can recompute it from a
database and say which table differs, and a backup can move data from SQLite to PostgreSQL.
Tables are written from one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite in WAL mode), so a backup taken while the server runs is consistent and blocks no one.

A restore goes only into an empty database migrated to the same migrations (refused
otherwise): the rows that `migrate` seeds (content types, permissions, default roles and age
limits) are replaced by the backup's, every row keeps its primary key, and PostgreSQL's
sequences are moved past the restored ids. Rows are inserted as stored, without model
`save()`, so auto_now fields and the audit chain's hashes are exactly the originals'.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_string

from cadres.core.production import pending_migrations, pending_migrations_message

FORMAT = "cadres-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 2000
INSERT_BATCH = 1000
# Tables that hold data only once the product is used: a database with rows in any of them
# is not empty, and a restore into it is refused. (`migrate` itself seeds content types,
# permissions, roles and age limits; those are replaced by the backup's.)
USE_MODELS = ("audit.AuditEvent", "org.Unit", "people.Person")
# Tables of the database that are no model's: Django's migration record (compared instead)
# and SQLite's own bookkeeping.
UNMODELLED_TABLES = {"django_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in Chinese."""


@dataclass(frozen=True)
class TableDigest:
    table: str
    rows: int
    sha256: str


@dataclass
class Difference:
    """One way in which a database (or the backup file) is not what the manifest records."""

    table: str
    message: str

    def describe(self) -> str:
        return f"{self.table}：{self.message}"


@dataclass
class Summary:
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    skipped_tables: list[str] = field(default_factory=list)


# --- tables and rows -------------------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every table-owning model, each table once, parents before the tables that point at them."""
    by_table: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.managed and not opts.proxy and not opts.swapped:
            by_table.setdefault(opts.db_table, model)
    ordered: list[type[models.Model]] = []
    placed: set[str] = set()

    def place(model: type[models.Model], path: tuple[str, ...] = ()) -> None:
        table = model._meta.db_table
        if table in placed or table in path:
            return  # placed already, or a cycle (foreign keys are deferred: order is a courtesy)
        for column in model._meta.local_concrete_fields:
            target = column.remote_field.model if column.remote_field else None
            if target is not None and target._meta.db_table in by_table:
                place(by_table[target._meta.db_table], (*path, table))
        placed.add(table)
        ordered.append(model)

    for table in sorted(by_table):
        place(by_table[table])
    return ordered


def _columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.local_concrete_fields)


def _canonical(value: Any) -> Any:
    """A value as JSON that reads the same from SQLite and PostgreSQL."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return duration_string(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return str(value)


def _line(values: Iterable[Any]) -> bytes:
    text = json.dumps([_canonical(value) for value in values], ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.encode("utf-8") + b"\n"


def table_lines(model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> Iterator[bytes]:
    """The table's rows as canonical lines, in primary-key order.

    Integer keys are ordered by the database (the same on both); other keys (a session key,
    a job's UUID) in Python, because PostgreSQL orders text by its collation.
    """
    names = [column.attname for column in _columns(model)]
    pk = model._meta.pk
    queryset = model._base_manager.using(using).values_list(*names)
    if isinstance(pk, (models.AutoField, models.BigAutoField, models.IntegerField)):
        for row in queryset.order_by(pk.attname).iterator(chunk_size=CHUNK_ROWS):
            yield _line(row)
    else:
        yield from sorted(_line(row) for row in queryset.iterator(chunk_size=CHUNK_ROWS))


def table_digest(model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> TableDigest:
    digest = hashlib.sha256()
    rows = 0
    for line in table_lines(model, using):
        digest.update(line)
        rows += 1
    return TableDigest(model._meta.db_table, rows, digest.hexdigest())


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _unmodelled_tables(using: str, modelled: set[str]) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(set(names) - modelled - UNMODELLED_TABLES)


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One consistent view of every table for the whole backup, without blocking writers."""
    connection = connections[using]
    if connection.in_atomic_block:  # already inside a transaction (a test): use its view
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # A deferred read transaction (Django's atomic() would BEGIN IMMEDIATE and take the
        # write lock for the whole backup); under WAL it sees one snapshot.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    yield


# --- media files -----------------------------------------------------------------------------


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _file_sha256(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _safe_media_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"备份中的文件路径不安全：{name}")
    return path


# --- backup ----------------------------------------------------------------------------------


def backup(destination: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write the database and the uploaded files to destination (a new zip file, mode 0600)."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"文件已存在，不覆盖：{destination}")
    partial = destination.with_name(f".{destination.name}.partial")
    summary = Summary()
    connection = connections[using]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
        "database_vendor": connection.vendor,
        "tables": [],
        "media": [],
    }
    if pending := pending_migrations(using):
        raise BackupError(pending_migrations_message(pending))
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise BackupError(f"无法写入备份文件 {destination}：{error.strerror or error}") from error
    try:
        with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(
            raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6
        ) as archive:
            models_in_order = backup_models()
            with _snapshot(using):
                manifest["migrations"] = applied_migrations(using)
                for model in models_in_order:
                    table = model._meta.db_table
                    digest = hashlib.sha256()
                    rows = 0
                    with archive.open(f"tables/{table}.jsonl", "w", force_zip64=True) as out:
                        for line in table_lines(model, using):
                            out.write(line)
                            digest.update(line)
                            rows += 1
                    manifest["tables"].append({
                        "table": table,
                        "model": model._meta.label,
                        "columns": [column.column for column in _columns(model)],
                        "rows": rows,
                        "sha256": digest.hexdigest(),
                    })
                    summary.tables += 1
                    summary.rows += rows
                summary.skipped_tables = _unmodelled_tables(
                    using, {model._meta.db_table for model in models_in_order})
            manifest["skipped_tables"] = summary.skipped_tables
            root = _media_root()
            for path in _media_files(root):
                name = path.relative_to(root).as_posix()
                with path.open("rb") as source:
                    sha256, size = _file_sha256(source)
                archive.write(path, f"media/{name}")
                manifest["media"].append({"path": name, "bytes": size, "sha256": sha256})
                summary.media_files += 1
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


# --- reading a backup ------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise BackupError("不是 Cadres 备份文件：缺少 manifest.json") from error
    except ValueError as error:
        raise BackupError("备份文件的 manifest.json 已损坏") from error
    if manifest.get("format") != FORMAT:
        raise BackupError("不是 Cadres 备份文件")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('version')} 不受支持"
                          f"（本版本读 {FORMAT_VERSION}）")
    return manifest


def _open_archive(source: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError as error:
        raise BackupError(f"找不到备份文件：{source}") from error
    except zipfile.BadZipFile as error:
        raise BackupError(f"备份文件已损坏或不是 zip 文件：{source}") from error


def _models_for(manifest: dict[str, Any]) -> list[tuple[dict[str, Any], type[models.Model]]]:
    """Each table of the backup with this installation's model for it; refuse a mismatch."""
    by_table = {model._meta.db_table: model for model in backup_models()}
    pairs = []
    for entry in manifest["tables"]:
        model = by_table.get(entry["table"])
        if model is None:
            raise BackupError(f"表 {entry['table']} 在本版本中不存在：请用做备份时的版本恢复")
        columns = [column.column for column in _columns(model)]
        if columns != entry["columns"]:
            raise BackupError(f"表 {entry['table']} 的列与备份不同：请用做备份时的版本恢复")
        pairs.append((entry, model))
    missing = set(by_table) - {entry["table"] for entry in manifest["tables"]}
    if missing:
        raise BackupError(f"备份中没有这些表：{'、'.join(sorted(missing))}：请用做备份时的版本恢复")
    return pairs


def _check_migrations(manifest: dict[str, Any], using: str) -> None:
    if pending := pending_migrations(using):
        raise BackupError(pending_migrations_message(pending))
    ours = {tuple(item) for item in applied_migrations(using)}
    theirs = {tuple(item) for item in manifest["migrations"]}
    if ours == theirs:
        return
    missing = sorted(theirs - ours)
    extra = sorted(ours - theirs)
    parts = []
    if not ours:
        parts.append("目标数据库还没有迁移：请先运行 cadres migrate")
    else:
        if missing:
            parts.append("备份有而目标数据库没有的迁移："
                         + "、".join(f"{app}.{name}" for app, name in missing[:5]))
        if extra:
            parts.append("目标数据库有而备份没有的迁移："
                         + "、".join(f"{app}.{name}" for app, name in extra[:5]))
        parts.append("请用做备份时的 Cadres 版本恢复，恢复后再运行 cadres migrate")
    raise BackupError("；".join(parts))


def _check_empty(using: str) -> None:
    used = []
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in (user_model, *(apps.get_model(label) for label in USE_MODELS)):
        count = model._base_manager.using(using).count()
        if count:
            used.append(f"{model._meta.verbose_name} {count} 条")
    if used:
        raise BackupError(
            f"目标数据库不是空的（{'、'.join(used)}）："
            "只能恢复到新建并运行过 cadres migrate 的空数据库"
        )
    files = _media_files(_media_root())
    if files:
        raise BackupError(
            f"上传文件目录 {_media_root()} 不是空的（{len(files)} 个文件）：请换一个空目录")


def _decode(column: models.Field, value: Any, connection: Any) -> Any:
    if value is None:
        return None
    if isinstance(column, models.JSONField):
        return column.get_db_prep_save(value, connection)
    return column.get_db_prep_save(column.to_python(value), connection)


def _insert_rows(model: type[models.Model], lines: Iterable[bytes], using: str) -> TableDigest:
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = _columns(model)
    table = model._meta.db_table
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c.column) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    digest = hashlib.sha256()
    rows = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for line in lines:
            digest.update(line)
            rows += 1
            values = json.loads(line)
            if len(values) != len(columns):
                raise BackupError(
                    f"{table}：第 {rows} 行有 {len(values)} 列，应有 {len(columns)} 列")
            batch.append([_decode(c, v, connection) for c, v in zip(columns, values, strict=True)])
            if len(batch) >= INSERT_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return TableDigest(table, rows, digest.hexdigest())


def _archive_lines(archive: zipfile.ZipFile, table: str) -> Iterator[bytes]:
    try:
        handle = archive.open(f"tables/{table}.jsonl")
    except KeyError as error:
        raise BackupError(f"{table}：备份中缺少这张表的数据文件") from error
    with handle:
        yield from handle


def _digest_mismatch(entry: dict[str, Any], got: TableDigest, where: str) -> Difference | None:
    if got.rows == entry["rows"] and got.sha256 == entry["sha256"]:
        return None
    if got.rows != entry["rows"]:
        detail = f"备份记载 {entry['rows']} 行，{where}有 {got.rows} 行"
    else:
        detail = f"行数相同（{got.rows} 行）但内容不同：有行被修改"
    return Difference(entry["table"], f"{detail}（SHA-256 备份 {entry['sha256'][:12]}…，"
                                      f"{where} {got.sha256[:12]}…）")


# --- restore and verify ----------------------------------------------------------------------


def restore(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Load a backup into an empty, migrated database and an empty MEDIA_ROOT.

    All tables in one transaction: a table whose data does not match the manifest (the file
    was altered or damaged) rolls everything back and names the table.
    """
    summary = Summary()
    connection = connections[using]
    with _open_archive(Path(source)) as archive:
        manifest = read_manifest(archive)
        pairs = _models_for(manifest)
        _check_migrations(manifest, using)
        _check_empty(using)
        media = [_safe_media_path(item["path"]) for item in manifest["media"]]
        if damaged := list(_archive_media_differences(archive, manifest)):
            raise BackupError("备份文件已被修改或损坏，未恢复任何数据："
                              + "；".join(d.describe() for d in damaged))
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # The rows `migrate` seeded give way to the backup's (children first).
                for _, model in reversed(pairs):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            for entry, model in pairs:
                got = _insert_rows(model, _archive_lines(archive, entry["table"]), using)
                if difference := _digest_mismatch(entry, got, "备份文件中"):
                    raise BackupError(
                        f"备份文件已被修改或损坏，未恢复任何数据：{difference.describe()}")
                summary.tables += 1
                summary.rows += got.rows
            statements = connection.ops.sequence_reset_sql(no_style(), [m for _, m in pairs])
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        root = _media_root()
        for path in media:
            target = root.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(f"media/{path.as_posix()}") as source_file, target.open("xb") as out:
                shutil.copyfileobj(source_file, out, 1 << 20)
            summary.media_files += 1
    return summary


def verify_database(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> list[Difference]:
    """How the database and MEDIA_ROOT differ from the backup (empty: they are equal).

    Per table the row count and SHA-256 are recomputed from the database; every uploaded file
    is hashed; the audit record's hash chain is walked (cadres.audit.verification).
    """
    from cadres.audit.verification import audit_chain_verify

    differences: list[Difference] = []
    with _open_archive(Path(source)) as archive:
        manifest = read_manifest(archive)
        pairs = _models_for(manifest)
        ours = {tuple(item) for item in applied_migrations(using)}
        if ours != {tuple(item) for item in manifest["migrations"]}:
            differences.append(Difference("django_migrations", "已执行的迁移与备份不同"))
        for entry, model in pairs:
            if difference := _digest_mismatch(entry, table_digest(model, using), "数据库中"):
                differences.append(difference)
        root = _media_root()
        recorded = {item["path"]: item for item in manifest["media"]}
        present = {path.relative_to(root).as_posix(): path for path in _media_files(root)}
        for name, item in recorded.items():
            path = present.get(name)
            if path is None:
                differences.append(Difference("上传文件", f"{name} 缺失"))
                continue
            with path.open("rb") as handle:
                sha256, _ = _file_sha256(handle)
            if sha256 != item["sha256"]:
                differences.append(Difference("上传文件", f"{name} 的内容与备份不同"))
        for name in sorted(set(present) - set(recorded)):
            differences.append(Difference("上传文件", f"{name} 不在备份中"))
    report = audit_chain_verify()
    if report.first_break is not None:
        differences.append(Difference("audit_auditevent", report.first_break.describe()))
    return differences


def verify_archive(source: Path) -> list[Difference]:
    """How the backup file's own contents differ from its manifest (damage or editing)."""
    differences = []
    with _open_archive(Path(source)) as archive:
        manifest = read_manifest(archive)
        for entry in manifest["tables"]:
            digest = hashlib.sha256()
            rows = 0
            for line in _archive_lines(archive, entry["table"]):
                digest.update(line)
                rows += 1
            got = TableDigest(entry["table"], rows, digest.hexdigest())
            if difference := _digest_mismatch(entry, got, "备份文件中"):
                differences.append(difference)
        differences.extend(_archive_media_differences(archive, manifest))
    return differences


def _archive_media_differences(archive: zipfile.ZipFile, manifest: dict[str, Any]
                               ) -> Iterator[Difference]:
    for item in manifest["media"]:
        name = _safe_media_path(item["path"]).as_posix()
        try:
            with archive.open(f"media/{name}") as handle:
                sha256, _ = _file_sha256(handle)
        except KeyError:
            yield Difference("上传文件", f"{name} 在备份文件中缺失")
            continue
        if sha256 != item["sha256"]:
            yield Difference("上传文件", f"{name} 在备份文件中已损坏")
