"""`cadres backup` then `cadres restore --verify` into an empty database, on the database the
suite runs on (SQLite or PostgreSQL), and a copy that differs by one row is caught.

The source is the test database, filled with the demo county and an uploaded file; the backup
is made in this process. Each target is a database migrated by `cadres migrate` in a
subprocess once per module (a SQLite file copied, or a PostgreSQL template database cloned) and
is restored by the `cadres restore` command, as an operator would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from cadres.core import backups

ROOT = Path(__file__).resolve().parents[3]
UPLOAD = b"PK\x03\x04 an uploaded roster"
CLEANED = ("DJANGO_SETTINGS_MODULE", "CADRES_TEST_DATABASE", "DATABASE_URL", "CADRES_VAR_DIR",
           "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "HTTPS")


def cadres(database_url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in CLEANED}
    environment |= {"DATABASE_URL": database_url, "CADRES_VAR_DIR": str(var_dir)}
    return subprocess.run([sys.executable, "-m", "config.cli", *args], env=environment,
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def _postgres_parameters() -> dict[str, str]:
    default = settings.DATABASES["default"]
    return {"host": default.get("HOST") or "127.0.0.1", "port": str(default.get("PORT") or 5432),
            "user": default.get("USER") or "postgres", "password": default.get("PASSWORD") or ""}


def _postgres_url(name: str) -> str:
    p = _postgres_parameters()
    credentials = p["user"] + (f":{p['password']}" if p["password"] else "")
    return f"postgres://{credentials}@{p['host']}:{p['port']}/{name}"


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **_postgres_parameters()) as conn:
        conn.execute(sql)


@dataclass
class Target:
    """An empty, migrated database to restore into, with its own var directory."""

    vendor: str
    url: str
    var_dir: Path
    path: Path | None = None  # the SQLite file

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return cadres(self.url, self.var_dir, *args)

    def execute(self, sql: str) -> None:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as connection:
                connection.execute(sql)
            return
        import psycopg

        name = self.url.rsplit("/", 1)[1]
        with psycopg.connect(dbname=name, autocommit=True, **_postgres_parameters()) as conn:
            conn.execute(sql)

    def scalar(self, sql: str) -> object:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as connection:
                return connection.execute(sql).fetchone()[0]
        import psycopg

        name = self.url.rsplit("/", 1)[1]
        with psycopg.connect(dbname=name, **_postgres_parameters()) as conn:
            return conn.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory, django_db_blocker) -> Iterator[tuple[str, object]]:
    """A database migrated by `cadres migrate`, of the vendor the suite runs on."""
    directory = tmp_path_factory.mktemp("restore-template")
    vendor = "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"
    if vendor == "sqlite":
        path = directory / "template.sqlite3"
        result = cadres(f"sqlite:///{path}", directory, "migrate", "--no-input")
        assert result.returncode == 0, result.stderr
        yield vendor, path
        return
    test_name = (settings.DATABASES["default"].get("TEST", {}).get("NAME")
                 or "test_" + settings.DATABASES["default"]["NAME"])
    template = f"{test_name}_restore_template"
    _postgres_admin(f'DROP DATABASE IF EXISTS "{template}"')
    _postgres_admin(f'CREATE DATABASE "{template}"')
    try:
        result = cadres(_postgres_url(template), directory, "migrate", "--no-input")
        assert result.returncode == 0, result.stderr
        yield vendor, template
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{template}"')


@pytest.fixture
def target(migrated_template, tmp_path) -> Iterator[Target]:
    vendor, template = migrated_template
    var_dir = tmp_path / "target-var"
    var_dir.mkdir()
    if vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        shutil.copyfile(template, path)
        yield Target(vendor, f"sqlite:///{path}", var_dir, path)
        return
    name = template.removesuffix("_template")
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield Target(vendor, _postgres_url(name), var_dir)
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "source-media"
    upload = settings.MEDIA_ROOT / "imports" / "名册.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(UPLOAD)


@pytest.fixture
def demo_source(db, settings, tmp_path):
    """The test database with the demo county (600 cadres, their posts, users, plans, the
    audit record) and one uploaded file."""
    from cadres.people.demo import demo_load

    _media(settings, tmp_path)
    demo_load(actor=None)
    return tmp_path


@pytest.fixture
def source(db, settings, tmp_path):
    """The test database with a few units, cadres (each audited), a user, an uploaded file."""
    from cadres.accounts.testing import person_in, unit_tree, user_with_role

    _media(settings, tmp_path)
    units = unit_tree()
    for name, unit in (("张三", "east"), ("李四", "east_office"), ("王五", "west"),
                       ("赵六", "county"), ("孙七", "west")):
        person_in(units[unit], name)
    user_with_role("unit_clerk", maintained=[units["east"]])
    return tmp_path


def _backup(source_dir: Path) -> Path:
    path = source_dir / "cadres-backup.zip"
    backups.backup(path)
    return path


def test_backup_then_restore_verify_into_an_empty_database(demo_source, target):
    from cadres.people.models import Person

    # given
    path = _backup(demo_source)
    # when
    result = target.run("restore", str(path), "--verify")
    # then
    assert result.returncode == 0, result.stderr
    assert "核对通过" in result.stdout
    assert target.scalar("SELECT COUNT(*) FROM people_person") == Person.objects.count() > 500
    restored = target.var_dir / "media" / "imports" / "名册.xlsx"
    assert restored.read_bytes() == UPLOAD
    # and: the next row gets a new id (PostgreSQL's sequences are past the restored ids)
    if target.vendor == "postgresql":
        highest = target.scalar("SELECT MAX(id) FROM audit_auditevent")
        assert target.scalar("SELECT nextval(pg_get_serial_sequence("
                             "'audit_auditevent', 'id'))") == highest + 1


def test_a_copy_that_differs_by_one_row_fails_verify_naming_the_table(source, target):
    # given: a restored copy, which a second restore may not overwrite
    path = _backup(source)
    assert target.run("restore", str(path)).returncode == 0
    again = target.run("restore", str(path), "--verify")
    assert again.returncode == 1 and "不是空的" in again.stderr
    # when: one field of one unit differs, and the last audit entry is gone
    target.execute("UPDATE org_unit SET name = '改过' WHERE id = (SELECT MIN(id) FROM org_unit)")
    target.execute("DELETE FROM audit_auditevent WHERE id = "
                   "(SELECT MAX(id) FROM audit_auditevent)")
    result = target.run("restore", str(path), "--verify-only")
    # then: exit 2, naming exactly those tables, and the broken audit chain
    assert result.returncode == 2, result.stderr
    assert "org_unit：行数相同" in result.stderr and "内容不同" in result.stderr
    assert "audit_auditevent：备份记载" in result.stderr
    assert "审计记录被篡改" in result.stderr
    assert "people_person" not in result.stderr


def test_an_edited_backup_restores_nothing_and_names_the_table(source, target):
    # given: one person's name changed inside the backup file, its manifest left alone
    path = _backup(source)
    edited = source / "edited.zip"
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(edited, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "tables/people_person.jsonl":
                lines = data.decode().splitlines(keepends=True)
                lines[3] = _rename(lines[3])
                data = "".join(lines).encode()
            copy.writestr(item, data)
    # when
    result = target.run("restore", str(edited), "--verify")
    # then
    assert result.returncode == 1
    assert "people_person" in result.stderr and "未恢复任何数据" in result.stderr
    assert target.scalar("SELECT COUNT(*) FROM people_person") == 0
    assert target.scalar("SELECT COUNT(*) FROM accounts_user") == 0
    assert not (target.var_dir / "media").exists() or not any((target.var_dir / "media").iterdir())


def _rename(line: str) -> str:
    values = json.loads(line)
    index = next(i for i, value in enumerate(values)
                 if isinstance(value, str) and len(value) in (2, 3)
                 and all("\u4e00" <= ch <= "\u9fff" for ch in value))
    values[index] = "改过"
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def test_restore_refuses_a_backup_of_other_migrations(source):
    # given: a backup made by a version with one more migration
    path = _backup(source)
    with zipfile.ZipFile(path) as archive:
        manifest = backups.read_manifest(archive)
    manifest["migrations"].append(["people", "9999_from_the_future"])
    # when / then
    with pytest.raises(backups.BackupError, match="people.9999_from_the_future"):
        backups._check_migrations(manifest, "default")


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="moves the PostgreSQL test database into SQLite")
def test_a_postgresql_backup_restores_into_sqlite(source, tmp_path):
    # given
    path = _backup(source)
    database = tmp_path / "moved.sqlite3"
    assert cadres(f"sqlite:///{database}", tmp_path, "migrate", "--no-input").returncode == 0
    # when
    result = cadres(f"sqlite:///{database}", tmp_path, "restore", str(path), "--verify")
    # then: the same lines, row for row, from the other database
    assert result.returncode == 0, result.stderr


# --- in this process -------------------------------------------------------------------------


def test_the_backup_file_is_private_and_lists_every_table(source):
    # when
    path = _backup(source)
    # then
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with zipfile.ZipFile(path) as archive:
        manifest = backups.read_manifest(archive)
        names = set(archive.namelist())
    tables = {entry["table"]: entry for entry in manifest["tables"]}
    assert {"people_person", "org_unit", "audit_auditevent", "accounts_user",
            "django_content_type"} <= set(tables)
    assert all(f"tables/{table}.jsonl" in names for table in tables)
    assert tables["people_person"]["rows"] == 5
    assert manifest["media"] == [{"path": "imports/名册.xlsx", "bytes": len(UPLOAD),
                                  "sha256": hashlib.sha256(UPLOAD).hexdigest()}]
    assert backups.verify_archive(path) == []
    assert backups.verify_database(path) == []


def test_tables_come_after_the_tables_they_point_at(db):
    # when
    order = [model._meta.db_table for model in backups.backup_models()]
    # then
    assert order.index("org_unit") < order.index("people_person") < order.index("org_assignment")
    assert order.index("accounts_user") < order.index("accounts_grant")
    assert order.index("django_content_type") < order.index("auth_permission")


def test_verify_in_process_names_a_changed_table(source):
    from cadres.org.models import Unit

    # given
    path = _backup(source)
    unit = Unit.objects.order_by("id").first()
    # when
    Unit.objects.filter(pk=unit.pk).update(name=unit.name + "（改）")
    differences = backups.verify_database(path)
    # then
    assert [difference.table for difference in differences] == ["org_unit"]


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, db):
    # given
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    # when / then
    with pytest.raises(backups.BackupError, match="不是 Cadres 备份文件"):
        backups.restore(path)
    (tmp_path / "garbage.zip").write_bytes(b"not a zip file")
    with pytest.raises(backups.BackupError, match="已损坏"):
        backups.restore(tmp_path / "garbage.zip")
    with pytest.raises(backups.BackupError, match="找不到"):
        backups.restore(tmp_path / "missing.zip")


def test_media_paths_may_not_leave_the_media_directory():
    with pytest.raises(backups.BackupError):
        backups._safe_media_path("../etc/passwd")
    with pytest.raises(backups.BackupError):
        backups._safe_media_path("/etc/passwd")
    assert str(backups._safe_media_path("imports/a.xlsx")) == "imports/a.xlsx"


def test_a_damaged_uploaded_file_in_the_backup_restores_nothing(db, settings, tmp_path):
    # given: a backup of an unused database whose uploaded file was altered inside the zip
    _media(settings, tmp_path)
    path = tmp_path / "backup.zip"
    backups.backup(path)
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(edited, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item, data + b"!" if item.filename.startswith("media/") else data)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    # when / then
    with pytest.raises(backups.BackupError, match="名册.xlsx 在备份文件中已损坏"):
        backups.restore(edited)
    assert not settings.MEDIA_ROOT.exists()
    assert [d.describe() for d in backups.verify_archive(edited)] == [
        "上传文件：imports/名册.xlsx 在备份文件中已损坏"]
