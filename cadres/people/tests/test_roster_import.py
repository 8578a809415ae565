"""Roster import of good input: the fixture, other formats, re-import, post history, dry run,
month formats and the audit record."""

import datetime as dt
import hashlib
import io
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from python_calamine import CalamineWorkbook

from cadres.audit.models import AuditAction, AuditEvent
from cadres.core import spreadsheets as core_spreadsheets
from cadres.org.models import Assignment, Unit
from cadres.people.exports import roster_export
from cadres.people.models import Person
from cadres.people.services import RosterRejected, roster_import
from cadres.people.spreadsheets import ROSTER_SHEET, UNIT_SHEET
from cadres.people.tests.factories import (
    DEFAULT_UNIT,
    TOWNSHIP_ROSTER,
    id_number,
    roster_csv,
    roster_row,
    roster_xls,
    roster_xlsx,
)

FIXTURE = TOWNSHIP_ROSTER


def sheets_of(content: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def as_dicts(rows: list[list[object]]) -> list[dict[str, object]]:
    header = [str(cell) for cell in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:]]


def fixture_tables() -> tuple[list[dict], list[dict]]:
    sheets = sheets_of(FIXTURE.read_bytes())
    return as_dicts(sheets[ROSTER_SHEET]), as_dicts(sheets[UNIT_SHEET])


def exported() -> dict[str, list[list[object]]]:
    """The records as the export writes them, rows sorted so record ids do not matter."""
    sheets = sheets_of(roster_export(actor=None, people=Person.objects.all(), units=Unit.objects.all(),
                          purpose="测试"))
    return {name: [rows[0], *sorted(rows[1:], key=repr)] for name, rows in sheets.items()}


def wipe() -> None:
    Assignment.objects.all().delete()
    Person.objects.all().delete()
    for unit in Unit.objects.order_by("-depth"):
        unit.delete()


def counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "units": Unit.objects.count(),
        "assignments": Assignment.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_fixture_imports_381_people_in_14_towns_with_486_authorized():
    # when
    report = roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)

    # then
    towns = Unit.objects.filter(unit_type="乡镇")
    assert (report.rows, report.created, report.updated) == (381, 381, 0)
    assert Person.objects.count() == 381
    assert towns.filter(people__isnull=False).distinct().count() == 14
    assert towns.aggregate(total=Sum("authorized_staffing"))["total"] == 486
    assert Person.objects.filter(unit__in=towns).count() == 381
    assert Assignment.objects.filter(ended_on__isnull=True).count() == 381


@pytest.mark.django_db
def test_fixture_as_xls_imports_to_the_same_records():
    # given: the fixture's cells written by xlwt, with birth months as date cells in every other row
    roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    expected = exported()
    wipe()
    rows, units = fixture_tables()
    for index, row in enumerate(rows):
        if index % 2 and isinstance(row["出生年月"], str):
            parts = [int(part) for part in row["出生年月"].replace("-", ".").split(".")]
            row["出生年月"] = dt.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)

    # when
    report = roster_import(actor=None, content=roster_xls(rows, units), file_name="roster.xls")

    # then
    assert (report.file_format, report.created) == ("xls", 381)
    assert exported() == expected


@pytest.mark.django_db
def test_fixture_as_gb18030_csv_imports_to_the_same_people():
    # given: CSV has one sheet, so the people are compared (units get no type or staffing)
    roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    expected = exported()[ROSTER_SHEET]
    wipe()
    rows, _ = fixture_tables()
    content = roster_csv(rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    # when
    report = roster_import(actor=None, content=content, file_name="roster.csv")

    # then
    assert (report.file_format, report.created) == ("csv", 381)
    assert exported()[ROSTER_SHEET] == expected


@pytest.mark.django_db
def test_utf8_csv_with_byte_order_mark_imports():
    # given
    content = "\ufeff".encode() + roster_csv([roster_row(姓名="欧阳娜娜")], encoding="utf-8")

    # when
    report = roster_import(actor=None, content=content, file_name="roster.csv")

    # then
    assert report.created == 1
    assert Person.objects.get().name == "欧阳娜娜"


@pytest.mark.django_db
def test_export_import_export_yields_the_same_content():
    # given
    roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    first = roster_export(actor=None, people=Person.objects.all(), units=Unit.objects.all(),
                          purpose="测试")
    first_sheets = exported()
    wipe()

    # when
    report = roster_import(actor=None, content=first, file_name="export.xlsx")

    # then
    assert report.created == 381
    assert exported() == first_sheets
    assert sheets_of(first)[UNIT_SHEET][1:] == sorted(sheets_of(first)[UNIT_SHEET][1:], key=lambda r: r[0])


@pytest.mark.django_db
def test_reimporting_an_export_changes_nothing():
    # given
    roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    content = roster_export(actor=None, people=Person.objects.all(), units=Unit.objects.all(),
                          purpose="测试")
    assignments = Assignment.objects.count()

    # when
    report = roster_import(actor=None, content=content, file_name="export.xlsx")

    # then
    assert (report.created, report.updated, report.unchanged) == (0, 0, 381)
    assert Assignment.objects.count() == assignments


@pytest.mark.django_db
def test_reimport_updates_people_matched_by_id_number_or_by_name_birth_and_unit():
    # given
    zhang_id = id_number("1975.03", "男", serial=1)
    roster_import(actor=None, file_name="v1.xlsx", content=roster_xlsx([
        roster_row(姓名="张三", 身份证号=zhang_id),
        roster_row(姓名="李四", 性别="女", 出生年月="1982.11", 身份证号=""),
    ]))
    zhang, li = Person.objects.get(name="张三"), Person.objects.get(name="李四")

    # when: 张三 is renamed (found by 身份证号), 李四 gets a new 籍贯 and her number
    li_id = id_number("1982.11.05", "女", serial=7)
    report = roster_import(actor=None, file_name="v2.xlsx", content=roster_xlsx([
        roster_row(姓名="张叁", 身份证号=zhang_id),
        roster_row(姓名="李四", 性别="女", 出生年月="1982.11", 身份证号=li_id, 籍贯="浙江温州"),
    ]))

    # then
    assert (report.created, report.updated) == (0, 2)
    assert Person.objects.count() == 2
    zhang.refresh_from_db()
    li.refresh_from_db()
    assert zhang.name == "张叁"
    assert (li.native_place, li.id_number) == ("浙江温州", li_id)


@pytest.mark.django_db
def test_different_id_numbers_are_different_people_even_with_the_same_name_birth_and_unit():
    # given
    roster_import(actor=None, file_name="v1.xlsx", content=roster_xlsx([
        roster_row(姓名="王伟", 身份证号=id_number("1975.03", "男", serial=1)),
    ]))

    # when
    report = roster_import(actor=None, file_name="v2.xlsx", content=roster_xlsx([
        roster_row(姓名="王伟", 身份证号=id_number("1975.03.20", "男", serial=9)),
    ]))

    # then
    assert report.created == 1
    assert Person.objects.filter(name="王伟").count() == 2


@pytest.mark.django_db
def test_changed_post_closes_the_old_assignment_and_opens_a_new_one():
    # given
    roster_import(actor=None, file_name="v1.xlsx", content=roster_xlsx([
        roster_row(职务="副局长", 职务层次="副科级", 任现职时间="2015.04"),
    ]))

    # when
    report = roster_import(actor=None, file_name="v2.xlsx", content=roster_xlsx([
        roster_row(单位="平阳县/县教育局", 职务="局长", 职务层次="正科级", 任现职时间="2021.06"),
    ]))

    # then
    person = Person.objects.get()
    old, new = person.assignments.order_by("started_on")
    assert report.updated == 1
    assert (old.unit.path, old.title, old.rank, old.started_on, old.ended_on) == (
        DEFAULT_UNIT, "副局长", "0142", dt.date(2015, 4, 1), dt.date(2021, 6, 1),
    )
    assert (new.unit.path, new.title, new.rank, new.started_on, new.ended_on) == (
        "平阳县/县教育局", "局长", "0141", dt.date(2021, 6, 1), None,
    )
    assert (person.unit.path, person.post_title) == ("平阳县/县教育局", "局长")


@pytest.mark.django_db
def test_change_outside_the_post_keeps_the_assignment():
    # given
    roster_import(actor=None, file_name="v1.xlsx", content=roster_xlsx([roster_row()]))

    # when
    roster_import(actor=None, file_name="v2.xlsx", content=roster_xlsx([roster_row(籍贯="浙江苍南", 备注="借调")]))

    # then
    assignment = Assignment.objects.get()
    assert assignment.ended_on is None
    assert Person.objects.get().remarks == "借调"


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    # given
    path = tmp_path / "roster.xlsx"
    path.write_bytes(FIXTURE.read_bytes())
    stdout = io.StringIO()

    # when
    call_command("import_roster", str(path), "--dry-run", stdout=stdout)

    # then
    assert stdout.getvalue().strip() == "检查通过，将导入 381 行：新增 381 人，更新 0 人，未变 0 人，新增单位 15 个"
    assert counts() == {"people": 0, "units": 0, "assignments": 0, "audit_events": 0}


@pytest.mark.django_db
def test_command_imports_and_reports(tmp_path):
    # given
    path = tmp_path / "roster.xlsx"
    path.write_bytes(FIXTURE.read_bytes())
    stdout = io.StringIO()

    # when
    call_command("import_roster", str(path), stdout=stdout)

    # then
    assert stdout.getvalue().strip() == "已导入 381 行：新增 381 人，更新 0 人，未变 0 人，新增单位 15 个"
    # one import event and one event per new person, linked to it
    # one event for the file; new people are recorded by it, not one by one
    assert counts() == {"people": 381, "units": 15, "assignments": 381, "audit_events": 1}


@pytest.mark.django_db
def test_month_formats_and_typed_cells_all_parse():
    # given
    births = {
        "甲": "1975.03",
        "乙": "1975-03",
        "丙": "1975.03.12",
        "丁": "1975-03-12",
        "戊": dt.date(1975, 3, 12),
        "己": dt.date(1975, 3, 1),
        "庚": 1975.1,
        "辛": 1975.03,
        "壬": "1975年3月",
        "癸": 197503,
    }
    rows = [roster_row(姓名=name, 出生年月=birth, 身份证号="") for name, birth in births.items()]

    # when
    roster_import(actor=None, content=roster_xlsx(rows), file_name="months.xlsx")

    # then
    stored = {p.name: (p.birth_date, p.birth_day_known) for p in Person.objects.all()}
    assert stored == {
        "甲": (dt.date(1975, 3, 1), False),
        "乙": (dt.date(1975, 3, 1), False),
        "丙": (dt.date(1975, 3, 12), True),
        "丁": (dt.date(1975, 3, 12), True),
        "戊": (dt.date(1975, 3, 12), True),
        "己": (dt.date(1975, 3, 1), False),
        "庚": (dt.date(1975, 10, 1), False),
        "辛": (dt.date(1975, 3, 1), False),
        "壬": (dt.date(1975, 3, 1), False),
        "癸": (dt.date(1975, 3, 1), False),
    }


@pytest.mark.django_db
def test_id_number_with_check_digit_x_is_accepted_in_either_case():
    # given: 1949-12-31, a woman, check digit X
    rows = [
        roster_row(姓名="林某", 性别="女", 出生年月="1949.12.31", 身份证号="11010519491231002x"),
    ]

    # when
    roster_import(actor=None, content=roster_xlsx(rows), file_name="x.xlsx")

    # then
    assert Person.objects.get().id_number == "11010519491231002X"


@pytest.mark.django_db
def test_import_records_one_audit_event_with_the_files_sha256():
    # given
    content = FIXTURE.read_bytes()

    # when
    roster_import(actor=None, content=content, file_name="roster.xlsx")

    # then
    event = AuditEvent.objects.get(batch__isnull=True)
    assert not event.items.exists()
    assert event.changes["created"] == 381
    assert event.action == AuditAction.ROSTER_IMPORTED
    assert event.target_label == "roster.xlsx"
    assert event.changes["sha256"] == hashlib.sha256(content).hexdigest()
    assert (event.changes["rows"], event.changes["created"], event.changes["updated"]) == (381, 381, 0)


@pytest.mark.django_db
def test_headers_marked_required_with_an_asterisk_and_in_any_order():
    # given
    row = roster_row()
    headers = ["姓名*", *reversed([h for h in row if h != "姓名"])]
    content = roster_xlsx([{**row, "姓名*": row["姓名"]}], headers=headers)

    # when
    report = roster_import(actor=None, content=content, file_name="starred.xlsx")

    # then
    assert report.created == 1
    assert Person.objects.get().name == "张三"


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return {
            table: sorted(
                name for name, constraint in connection.introspection.get_constraints(cursor, table).items()
                if constraint["index"] or constraint["unique"] or constraint["foreign_key"]
            )
            for table in (Person._meta.db_table, Assignment._meta.db_table)
        }


@pytest.mark.django_db
def test_bulk_write_path_keeps_every_index_and_the_unique_id_number(monkeypatch):
    # given: the bulk path (indexes rebuilt; on PostgreSQL foreign keys re-added) for any number
    # of new people
    from cadres.people import bulk_load

    monkeypatch.setattr(bulk_load, "REBUILD_INDEXES_FROM_ROWS", 1)
    before = _indexes()

    # when
    roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)

    # then
    assert _indexes() == before
    assert Person.objects.count() == 381
    assert Assignment.objects.filter(person__name="林颖刚", ended_on__isnull=True).get().title == "副镇长"
    person, other = Person.objects.exclude(id_number="")[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=other.pk).update(id_number=person.id_number)


def records() -> tuple[list[dict], list[dict]]:
    """Every person and assignment, with units by path and without ids or timestamps."""
    paths = dict(Unit.objects.values_list("id", "path"))
    people = [
        {**{k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")},
         "unit_id": paths[row["unit_id"]]}
        for row in Person.objects.order_by("id_number", "name").values()
    ]
    assignments = [
        {**{k: v for k, v in row.items() if k not in ("id", "person_id")}, "unit_id": paths[row["unit_id"]]}
        for row in Assignment.objects.order_by("person__id_number", "person__name").values()
    ]
    return people, assignments


@pytest.mark.django_db
def test_bulk_write_path_writes_what_the_orm_path_writes(monkeypatch):
    # given: the fixture imported through the model layer (the path for other databases)
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "other")
        roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    through_models = records()
    wipe()

    # when
    roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)

    # then
    assert records() == through_models
    assert len(through_models[0]) == 381


@pytest.mark.django_db
def test_a_roster_read_in_parts_imports_what_it_does_read_whole(monkeypatch):
    # given: the fixture imported as usual (its sheet is small enough to read whole)
    report = roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    read_whole = records()
    wipe()
    # its roster sheet (400 KB of XML) read in about twenty parts, as a large one is
    monkeypatch.setattr(core_spreadsheets, "PART_BYTES", 20_000)
    monkeypatch.setattr(core_spreadsheets, "FIRST_PART_BYTES", 5_000)

    # when
    in_parts = roster_import(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)

    # then
    assert records() == read_whole
    assert (in_parts.rows, in_parts.created, in_parts.units_created) == (381, 381, report.units_created)
    assert in_parts.seconds["parse"] > 0 and in_parts.seconds["validate"] > 0


@pytest.mark.django_db
def test_errors_in_a_roster_read_in_parts_name_their_sheet_rows(monkeypatch):
    # given: 300 rows, three of them wrong, early, in the middle and last; read in parts
    rows = [
        roster_row(姓名=f"干部{n}", 身份证号=id_number("1975.03", "男", serial=n % 100, area=f"3303{n // 100:02d}"))
        for n in range(300)
    ]
    rows[3]["出生年月"] = "1975.13"
    rows[150]["政治面貌"] = "党员群众"
    rows[299]["身份证号"] = rows[299]["身份证号"][:-1] + ("0" if rows[299]["身份证号"][-1] != "0" else "1")
    content = roster_xlsx(rows)
    monkeypatch.setattr(core_spreadsheets, "PART_BYTES", 8_000)
    monkeypatch.setattr(core_spreadsheets, "FIRST_PART_BYTES", 2_000)
    assert len(list(core_spreadsheets.read_workbook(content, max_bytes=1 << 24).sheet_parts(ROSTER_SHEET))) > 10

    # when
    with pytest.raises(RosterRejected) as rejected:
        roster_import(actor=None, content=content, file_name="名册.xlsx")

    # then: the spreadsheet's own row numbers (the header is row 1), and nothing written
    messages = [str(error) for error in rejected.value.errors]
    assert [message.split(" ")[0] for message in messages] == ["第5行", "第152行", "第301行"]
    assert "“党员群众” 不是有效的政治面貌" in messages[1]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_import_command_refuses_rows_outside_the_users_maintain_scope():
    # given: a clerk who maintains the eastern town only, and a roster with a western row
    from django.core.management.base import CommandError

    from cadres.accounts.testing import unit_tree, user_with_role

    units = unit_tree()
    user_with_role("unit_clerk", maintained=[units["east"]], username="east-clerk")
    content = roster_xlsx([
        roster_row(姓名="东镇甲", 身份证号="", 单位="某县/东镇"),
        roster_row(姓名="西镇乙", 身份证号="", 单位="某县/西镇"),
    ])
    path = Path(tempfile.mkdtemp()) / "名册.xlsx"
    path.write_bytes(content)
    events_before = AuditEvent.objects.count()

    # when
    with pytest.raises(CommandError) as refused:
        call_command("import_roster", str(path), user="east-clerk", stderr=io.StringIO())

    # then: the whole file is refused, naming the row outside the scope
    assert "未导入任何数据" in str(refused.value)
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == events_before
    with pytest.raises(RosterRejected) as rejected:
        roster_import(actor=get_user_model().objects.get(username="east-clerk"),
                      content=content, file_name="名册.xlsx", dry_run=True)
    assert [str(error) for error in rejected.value.errors] == [
        "第3行 单位 “某县/西镇” 不在您的信息维护范围内"
    ]


@pytest.mark.django_db
def test_a_concurrent_post_survives_a_reimport_that_changes_the_main_post():
    # given: 张三 imported as 副局长, then appointed 县委统战部副部长 as well (兼任)
    from cadres.org.models import PostSource
    from cadres.org.services import post_start

    roster_import(actor=None, file_name="v1.xlsx", content=roster_xlsx([roster_row()]))
    zhang = Person.objects.get()
    united_front = Unit.objects.create(name="县委统战部", path="平阳县/县委统战部", parent=zhang.unit.parent, depth=1)
    post_start(actor=None, person=zhang, unit=united_front, title="副部长（兼）", rank="0142",
               started_on=dt.date(2018, 3, 1), is_main=False, document="平委〔2018〕5号",
               source=PostSource.FORM)

    # when: the roster moves his main post
    report = roster_import(actor=None, file_name="v2.xlsx", content=roster_xlsx([
        roster_row(单位="平阳县/县教育局", 职务="局长", 职务层次="正科级", 任现职时间="2021.06"),
    ]))

    # then: the main post moved, the concurrent post is still open and still not main
    assert report.updated == 1
    open_posts = {post.title: post for post in zhang.assignments.filter(ended_on__isnull=True)}
    assert set(open_posts) == {"局长", "副部长（兼）"}
    assert (open_posts["局长"].is_main, open_posts["局长"].source) == (True, "roster")
    assert (open_posts["副部长（兼）"].is_main, open_posts["副部长（兼）"].unit) == (False, united_front)
    assert zhang.assignments.get(title="副局长").ended_on == dt.date(2021, 6, 1)
    zhang.refresh_from_db()
    assert (zhang.unit.path, zhang.post_title) == ("平阳县/县教育局", "局长")


@pytest.mark.django_db
def test_two_imports_that_change_one_cadre_are_in_his_audit_trail_with_old_and_new_values():
    # given
    roster_import(actor=None, file_name="v1.xlsx", content=roster_xlsx([roster_row()]))
    zhang = Person.objects.get()

    # when
    roster_import(actor=None, file_name="v2.xlsx", content=roster_xlsx([roster_row(职务="局长", 职务层次="正科级")]))
    roster_import(actor=None, file_name="v3.xlsx", content=roster_xlsx([
        roster_row(职务="局长", 职务层次="正科级", 单位="平阳县/县教育局", 备注="交流任职"),
    ]))

    # then
    trail = AuditEvent.objects.filter(subject_type="people.person", subject_id=str(zhang.pk)).order_by("id")
    assert [event.action for event in trail] == ["person.updated", "person.updated"]
    first, second = trail
    assert first.changes == {"post_title": ["副局长", "局长"], "rank": ["0142", "0141"]}
    assert second.changes == {"unit": [DEFAULT_UNIT, "平阳县/县教育局"], "remarks": ["", "交流任职"]}
    assert [event.batch.target_label for event in trail] == ["v2.xlsx", "v3.xlsx"]
    assert all(event.subject_label == "张三" for event in trail)


def _clerk_and_west_cadre():
    from cadres.accounts.testing import person_in, unit_tree, user_with_role

    units = unit_tree()
    clerk = user_with_role("unit_clerk", maintained=[units["east"]], username="east-clerk")
    west_id = id_number("1975.03", "男", serial=41)
    west_cadre = person_in(units["west"], "王五", id_number=west_id, birth_date=dt.date(1975, 3, 1),
                           post_title="镇长", rank="0141")
    return clerk, west_cadre, west_id


@pytest.mark.django_db
def test_a_clerk_cannot_take_a_cadre_of_another_unit_by_his_id_number():
    # given: a row with the 身份证号 of a western cadre and the clerk's own unit
    clerk, west_cadre, west_id = _clerk_and_west_cadre()
    content = roster_xlsx([roster_row(姓名="王五", 身份证号=west_id, 单位="某县/东镇", 职务="科员", 职务层次="科员")])
    events_before = AuditEvent.objects.count()

    # when
    with pytest.raises(RosterRejected) as preview:
        roster_import(actor=clerk, content=content, file_name="名册.xlsx", dry_run=True)
    with pytest.raises(RosterRejected) as confirmed:
        roster_import(actor=clerk, content=content, file_name="名册.xlsx")

    # then: refused without saying the number is on record, and the cadre is untouched
    message = f"第2行 身份证号 “{west_id}” 该身份证号不能在您的信息维护范围内新增或修改"
    assert [str(error) for error in preview.value.errors] == [message]
    assert [str(error) for error in confirmed.value.errors] == [message]
    west_cadre.refresh_from_db()
    assert (west_cadre.unit.path, west_cadre.post_title) == ("某县/西镇", "镇长")
    assert Person.objects.count() == 1
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_the_out_of_scope_message_for_a_number_is_the_same_whether_it_is_on_record_or_not():
    # given: the number on record in the west, and an unknown number, both for a western row
    clerk, _, west_id = _clerk_and_west_cadre()
    unknown_id = id_number("1975.03", "男", serial=42)

    # when
    errors = {}
    for number in (west_id, unknown_id):
        content = roster_xlsx([roster_row(姓名="王五", 身份证号=number, 单位="某县/西镇")])
        with pytest.raises(RosterRejected) as rejected:
            roster_import(actor=clerk, content=content, file_name="名册.xlsx", dry_run=True)
        errors[number] = [str(error).replace(number, "…") for error in rejected.value.errors]

    # then
    assert errors[west_id] == errors[unknown_id] == [
        "第2行 单位 “某县/西镇” 不在您的信息维护范围内",
        "第2行 身份证号 “…” 该身份证号不能在您的信息维护范围内新增或修改",
    ]


@pytest.mark.django_db
def test_a_clerk_updates_a_cadre_of_his_own_unit_by_id_number():
    # given
    from cadres.accounts.testing import person_in, unit_tree, user_with_role

    units = unit_tree()
    clerk = user_with_role("unit_clerk", maintained=[units["east"]], username="east-clerk")
    number = id_number("1975.03", "男", serial=43)
    cadre = person_in(units["east_office"], "赵六", id_number=number, birth_date=dt.date(1975, 3, 1))

    # when
    report = roster_import(actor=clerk, file_name="名册.xlsx", content=roster_xlsx([
        roster_row(姓名="赵六", 身份证号=number, 单位="某县/东镇", 职务="副镇长"),
    ]))

    # then
    cadre.refresh_from_db()
    assert (report.created, report.updated) == (0, 1)
    assert (cadre.unit.path, cadre.post_title) == ("某县/东镇", "副镇长")


@pytest.mark.django_db
def test_a_checked_roster_pickles_and_applies_later_with_progress():
    # given: the file checked once, kept as bytes (as a job keeps it on disk)
    import pickle

    from cadres.people.services import roster_apply, roster_check

    checked = roster_check(actor=None, content=FIXTURE.read_bytes(), file_name=FIXTURE.name)
    kept = pickle.dumps(checked)
    assert counts()["people"] == 0
    calls = []

    # when
    preview = roster_apply(actor=None, checked=pickle.loads(kept), dry_run=True)
    report = roster_apply(actor=None, checked=pickle.loads(kept),
                          progress=lambda done, total, stage: calls.append((done, total, stage)))

    # then
    assert (preview.created, preview.units_created, preview.dry_run) == (381, 15, True)
    assert (report.created, report.units_created) == (381, 15)
    assert Person.objects.count() == 381
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] and len(calls) <= 30
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    assert all(isinstance(stage, str) and stage for _, _, stage in calls)


@pytest.mark.django_db
def test_a_number_taken_by_another_writer_during_the_import_is_a_clear_refusal(monkeypatch):
    # given: while the import writes, someone else records a person with one of its numbers
    from cadres.accounts.testing import person_in
    from cadres.people import services

    number = id_number("1980.05", "男", serial=44)
    original_write = services._write

    def someone_else_first(*args, **kwargs):
        person_in(Unit.objects.get(path=DEFAULT_UNIT), "抢先", id_number=number, birth_date=dt.date(1980, 5, 1))
        return original_write(*args, **kwargs)

    monkeypatch.setattr(services, "_write", someone_else_first)

    # when
    with pytest.raises(RosterRejected) as rejected:
        roster_import(actor=None, file_name="名册.xlsx", content=roster_xlsx([
            roster_row(姓名="王五", 出生年月="1980.05", 身份证号=number),
        ]))

    # then: no server error, and nothing of the import (or of the clash) was kept
    assert [str(error) for error in rejected.value.errors] == [services.CONFLICT]
    assert counts()["people"] == 0
