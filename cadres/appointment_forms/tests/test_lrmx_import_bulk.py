"""The import of many LRMX files in bulk (services.lrmx_import, see bulk_by_default):
the same people, posts, 简历, 考核, family, photos, report and audit subjects as the import file
after file; refused files write nothing while the others are written; a batch the database
refuses falls back to the file-after-file path."""

import collections
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from cadres.appointment_forms import services
from cadres.appointment_forms.data import ResumeLine
from cadres.appointment_forms.lrmx import lrmx_read, lrmx_write
from cadres.appointment_forms.services import NEW, REFUSED, UPDATED, AppointmentFormAction, lrmx_export, lrmx_import
from cadres.appointment_forms.tests.lrmx_records import FIXTURES, UNIT_PATH, full_record, photo_jpeg
from cadres.audit.models import AuditEvent
from cadres.audit.verification import audit_chain_verify
from cadres.core.idcard import check_digit
from cadres.org import services as org_services
from cadres.org.models import Assignment, Unit
from cadres.people.models import Person, Relative
from cadres.records.models import AnnualAssessment, ResumeEntry

pytestmark = pytest.mark.django_db

SURNAMES = "王李赵钱孙周吴郑冯陈"
GIVEN = "建国华明伟芳军平丽强"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def new_files(count: int) -> list[tuple[str, bytes]]:
    """`count` filled forms (photo, 简历 with a 其间 note, 考核, family), each a new person."""
    form = lrmx_read((FIXTURES / "full_bom_crlf.lrmx").read_bytes(), file_name="template")
    form.photo = photo_jpeg()
    files = []
    for number in range(count):
        form.name = SURNAMES[number % 10] + GIVEN[number // 10 % 10] + GIVEN[number % 7]
        first17 = f"33010219750312{number:02d}1"
        form.id_number = first17 + check_digit(first17)
        files.append((f"{form.name}-{number}.lrmx", lrmx_write(form)))
    return files


def batch() -> list[tuple[str, bytes]]:
    """New people (enough for the photo pool), then a person on record, two files of one new
    person (twice by 身份证号, twice by 姓名 + 出生年月), and files refused at each stage
    (unreadable, a value not recognised, a 简历 line ending before it starts)."""
    files = new_files(services.BULK_FROM_FILES + 25)
    known = Person.objects.get(name="张三")
    form = lrmx_read(lrmx_export(actor=None, person=known, purpose="测试"), file_name="张三")
    form.health = "良好"
    files.append(("张三.lrmx", lrmx_write(form)))
    twice = lrmx_read(new_files(46)[45][1], file_name="twice")
    files.append(("第一次.lrmx", lrmx_write(twice)))
    twice.health = "良好"
    files.append(("第二次.lrmx", lrmx_write(twice)))
    files.append(("截断.lrmx", (FIXTURES / "bad_truncated.lrmx").read_bytes()))
    strange = lrmx_read(new_files(47)[46][1], file_name="strange")
    strange.ethnicity = "火星族"
    files.append(("民族.lrmx", lrmx_write(strange)))
    backwards = lrmx_read(new_files(48)[47][1], file_name="backwards")
    backwards.resume.insert(0, ResumeLine(dt.date(1995, 9, 1), dt.date(1993, 7, 1), "倒序的经历"))
    files.append(("倒序.lrmx", lrmx_write(backwards)))
    # A file without 出生年月 (taken from the 身份证号), then one without 身份证号 matching it.
    born = lrmx_read(new_files(49)[48][1], file_name="born")
    born.birth_month = None
    files.append(("无出生年月.lrmx", lrmx_write(born)))
    same = lrmx_read(new_files(49)[48][1], file_name="same")
    same.id_number, same.health = "", "良好"
    files.append(("无身份证号.lrmx", lrmx_write(same)))
    return files


def _photo(person: Person) -> bytes:
    if not person.photo:
        return b""
    with person.photo.open("rb") as opened:
        return opened.read()


def _changes(event: AuditEvent) -> str:
    changes = dict(event.changes)
    if "photo" in changes:  # random file names
        changes["photo"] = [bool(value) for value in changes["photo"]]
    return json.dumps(changes, sort_keys=True, ensure_ascii=False)


def snapshot() -> dict[str, Any]:
    """Everything the import writes, without ids, dates of writing or random names."""
    skipped = {"id", "unit_id", "photo", "created_at", "updated_at"}
    people = {}
    for person in Person.objects.select_related("unit"):
        people[person.id_number or person.name] = {
            "fields": {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields
                       if f.attname not in skipped},
            "unit": person.unit.path if person.unit else None,
            "photo": _photo(person),
            "posts": sorted((post.unit.path, post.title, post.rank, post.is_main, post.is_team_member,
                             post.started_on, post.ended_on, post.source)
                            for post in Assignment.objects.filter(person=person).select_related("unit")),
            "resume": sorted((entry.kind, entry.started_on, entry.ended_on, entry.text, entry.notes)
                             for entry in ResumeEntry.objects.filter(person=person)),
            "assessments": sorted(AnnualAssessment.objects.filter(person=person).values_list("year", "grade",
                                                                                             "remarks")),
            "relatives": sorted(Relative.objects.filter(person=person).values_list(
                "relation", "name", "birth_date", "political_status", "work_unit_and_post", "is_deceased",
                "sort_order", "id_number")),
        }
    events = collections.Counter(
        (event.action, event.subject_type, event.subject_label, event.target_type,
         event.target_label, _changes(event))
        for event in AuditEvent.objects.all()
    )
    return {"people": people, "units": sorted(Unit.objects.values_list("path", flat=True)), "events": events}


class _Undo(Exception):
    pass


def import_and_undo(files: list[tuple[str, bytes]], *, bulk: bool) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    """The report and what was written by one path, rolled back afterwards."""
    outcome: list[Any] = []
    try:
        with transaction.atomic():
            report = lrmx_import(actor=None, files=files, unit_path=UNIT_PATH, dry_run=False, rank="正科级", bulk=bulk)
            outcome.append([(result.file_name, result.status, result.person_name, [str(c) for c in result.changes],
                             result.notes, result.error, result.sha256) for result in report.files])
            outcome.append(snapshot())
            assert audit_chain_verify().is_intact
            raise _Undo
    except _Undo:
        pass
    return outcome[0], outcome[1]


def test_bulk_and_file_after_file_write_the_same():
    full_record()
    files = batch()
    one_by_one, written_one_by_one = import_and_undo(files, bulk=False)
    in_bulk, written_in_bulk = import_and_undo(files, bulk=True)
    assert in_bulk == one_by_one
    assert written_in_bulk["units"] == written_one_by_one["units"]
    assert written_in_bulk["people"] == written_one_by_one["people"]
    assert written_in_bulk["events"] == written_one_by_one["events"]
    statuses = collections.Counter(status for _, status, *_ in in_bulk)
    assert statuses == {NEW: services.BULK_FROM_FILES + 25 + 2, UPDATED: 3, REFUSED: 3}
    errors = {name: error for name, status, _, _, _, error, _ in in_bulk if status == REFUSED}
    assert "民族" in errors["民族.lrmx"] and "火星族" in errors["民族.lrmx"]
    assert "截止年月早于起始年月" in errors["倒序.lrmx"]
    assert errors["截断.lrmx"].startswith("文件“截断.lrmx”")


def test_each_file_is_audited_with_its_sha256_and_the_person_as_subject(media: Path, settings):
    # Files on disk, as in production: the pool's processes store the photos themselves.
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}}
    files = new_files(services.BULK_FROM_FILES + 25)
    report = lrmx_import(actor=None, files=files, unit_path=UNIT_PATH, dry_run=False, rank="正科级", bulk=True)
    assert {result.status for result in report.files} == {NEW}
    imported = AuditEvent.objects.filter(action=AppointmentFormAction.FORM_IMPORTED)
    by_person = {event.subject_id: event.changes for event in imported}
    assert len(by_person) == len(files)
    for result, (name, content) in zip(report.files, files):
        assert by_person[str(result.person_id)]["file_name"] == name
        assert by_person[str(result.person_id)]["sha256"] == hashlib.sha256(content).hexdigest()
    # Each row's event names the row, with the person as subject (the family's content masked
    # where the record is shown without a registered read).
    relatives = AuditEvent.objects.filter(target_type="people.relative")
    assert relatives.count() == Relative.objects.count() > 0
    assert set(relatives.values_list("subject_type", flat=True)) == {"people.person"}
    assert AuditEvent.objects.filter(target_type="records.resumeentry").count() == ResumeEntry.objects.count()
    assert audit_chain_verify().is_intact
    # One stored photo per person, and no file left behind.
    stored = sorted(path.name for path in (media / "photos").iterdir())
    assert stored == sorted(Path(person.photo.name).name for person in Person.objects.all())


def test_a_batch_the_database_refuses_goes_file_after_file(monkeypatch):
    files = new_files(services.BULK_FROM_FILES + 2)

    def refused(**kwargs: Any) -> None:
        raise IntegrityError("simulated")

    monkeypatch.setattr(org_services, "people_create_many", refused)
    report = lrmx_import(actor=None, files=files, unit_path=UNIT_PATH, dry_run=False, rank="正科级", bulk=True)
    assert [result.status for result in report.files] == [NEW] * len(files)
    assert Person.objects.count() == len(files)
    assert AuditEvent.objects.filter(action=AppointmentFormAction.FORM_IMPORTED).count() == len(files)


def test_a_refused_file_writes_nothing_while_the_others_are_written():
    files = new_files(services.BULK_FROM_FILES + 2)
    bad = lrmx_read(files[3][1], file_name="bad")
    bad.full_time_education = "火星学历"
    files[3] = ("学历.lrmx", lrmx_write(bad))
    report = lrmx_import(actor=None, files=files, unit_path=UNIT_PATH, dry_run=False, rank="正科级", bulk=True)
    assert report.files[3].status == REFUSED and "学历" in report.files[3].error
    assert report.count(NEW) == len(files) - 1
    assert not Person.objects.filter(id_number=bad.id_number).exists()
    assert Person.objects.count() == len(files) - 1


def test_rows_refused_by_the_records_service_refuse_their_file_only(monkeypatch):
    files = new_files(services.BULK_FROM_FILES + 2)
    real = services._new_person_in_memory

    def with_a_bad_row(plan: Any) -> Any:
        person, rows = real(plan)
        if plan.file_name == files[5][0]:
            rows.append(ResumeEntry(person=person, started_on=dt.date(2001, 1, 1), ended_on=dt.date(2000, 1, 1),
                                    text="倒序"))
        return person, rows

    monkeypatch.setattr(services, "_new_person_in_memory", with_a_bad_row)
    report = lrmx_import(actor=None, files=files, unit_path=UNIT_PATH, dry_run=False, rank="正科级", bulk=True)
    assert report.files[5].status == REFUSED
    assert report.files[5].error == f"文件“{files[5][0]}”：截止年月不能早于起始年月"
    assert report.count(NEW) == len(files) - 1 == Person.objects.count()


def test_many_files_take_the_bulk_path_where_it_is_faster():
    assert not services.bulk_by_default(services.BULK_FROM_FILES - 1)
    assert services.bulk_by_default(services.BULK_FROM_FILES)
