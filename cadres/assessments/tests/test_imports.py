"""The Excel import of a unit's grades: all-or-nothing, errors by row and column, scope."""

import pytest

from cadres.assessments import imports
from cadres.assessments.actions import AssessmentAction
from cadres.assessments.tests.conftest import YEAR, staff
from cadres.audit.models import AuditEvent
from cadres.core.spreadsheets import read_workbook, write_xlsx
from cadres.records.models import AnnualAssessment

HEADER = ["姓名", "身份证号", "年度", "考核结果"]


def _file(rows):
    return write_xlsx([("年度考核", HEADER, rows)])


def test_a_clean_file_is_imported(county, officer_east):
    people = staff(county["east"], 5)
    rows = [[p.name, p.id_number, YEAR, "称职"] for p in people]
    rows[0][3] = "优秀"
    result = imports.grades_import(actor=officer_east, unit=county["east"], content=_file(rows), filename="a.xlsx")
    assert (result.rows, result.changed, result.years) == (5, 5, [YEAR])
    assert AnnualAssessment.objects.filter(grade="excellent").get().person == people[0]
    event = AuditEvent.objects.get(action=AssessmentAction.GRADES_IMPORTED)
    assert event.changes["file"] == "a.xlsx" and len(event.changes["sha256"]) == 64


def test_any_error_refuses_the_whole_file_naming_row_and_column(county, officer_east):
    people = staff(county["east"], 4)
    rows = [
        [people[0].name, people[0].id_number, YEAR, "称职"],          # row 2: fine
        [people[1].name, people[1].id_number, YEAR, "良好"],          # row 3: bad grade
        ["别人", people[2].id_number, YEAR, "称职"],                   # row 4: name mismatch
        [people[3].name, "330102198001011234", "二〇二三", "称职"],    # row 5: bad id, bad year
        [people[0].name, people[0].id_number, YEAR, "优秀"],          # row 6: duplicate of row 2
        ["", "", "", ""],                                             # blank: skipped
        [people[1].name, "", YEAR, ""],                               # row 8: missing cells
    ]
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.grades_import(actor=officer_east, unit=county["east"], content=_file(rows))
    messages = rejected.value.messages
    assert "第3行 考核结果 “良好” 不是有效的等次（应为优秀、称职、基本称职、不称职、不定等次）" in messages
    assert f"第4行 姓名 “别人” 与该身份证号登记的姓名“{people[2].name}”不符" in messages
    assert "第5行 身份证号 “330102198001011234” 无效：校验码错误" in messages
    assert "第5行 年度 “二〇二三” 不是有效的年度" in messages
    assert f"第6行 身份证号 与第2行重复（{people[0].name}{YEAR}年度）" in messages
    assert "第8行 身份证号 不能为空" in messages and "第8行 考核结果 不能为空" in messages
    assert not AnnualAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action=AssessmentAction.GRADES_IMPORTED).exists()


def test_people_outside_the_scope_get_the_same_words_as_unknown_numbers(county, officer_east):
    (west,) = staff(county["west"], 1, prefix="西")
    (east,) = staff(county["east"], 1)
    rows = [[west.name, west.id_number, YEAR, "称职"], ["某人", "11010519491231002X", YEAR, "称职"],
            [east.name, east.id_number, YEAR, "称职"]]
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.grades_import(actor=officer_east, unit=county["east"], content=_file(rows))
    assert rejected.value.messages == [f"第2行 身份证号 {imports.OUTSIDE_SCOPE}",
                                       f"第3行 身份证号 {imports.OUTSIDE_SCOPE}"]
    assert not AnnualAssessment.objects.exists()


def test_the_quota_refuses_the_whole_file(county, officer_east):
    people = staff(county["east"], 4)
    rows = [[p.name, p.id_number, YEAR, "优秀" if i < 2 else "称职"] for i, p in enumerate(people)]
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.grades_import(actor=officer_east, unit=county["east"], content=_file(rows))
    assert rejected.value.messages[0].startswith("2023年度：优秀2人，占参加考核人数4人的50%，超过20%")
    assert not AnnualAssessment.objects.exists()


def test_a_file_without_the_header_is_refused(county, officer_east):
    content = write_xlsx([("Sheet1", ["名字", "号码"], [["a", "b"]])])
    with pytest.raises(imports.ImportRejected, match="第1行应为表头"):
        imports.grades_import(actor=officer_east, unit=county["east"], content=content)


def test_the_template_round_trips(county, officer_east):
    people = staff(county["east"], 3)
    content = imports.grades_template(actor=officer_east, unit=county["east"], year=YEAR)
    book = read_workbook(content, max_bytes=10_000_000)
    rows = book.rows(book.sheet_names[0])
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [p.name for p in people]
    # no 身份证号 leaves the system in the template, whoever downloads it
    assert all(row[1] in ("", None) for row in rows[1:])
