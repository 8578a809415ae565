"""Bad roster input, one class per test: the exact Chinese message, a failing command, and
nothing written (the file also carries valid rows, so a partial write would show)."""

import io
import random
import zipfile

import pytest
from django.core.management import CommandError, call_command

from cadres.audit.models import AuditEvent
from cadres.core import spreadsheets as core_spreadsheets
from cadres.org.models import Assignment, Unit
from cadres.people.models import Person
from cadres.people.services import RosterRejected, roster_import
from cadres.people.spreadsheets import ROSTER_HEADERS, column_letter
from cadres.people.tests.factories import (
    DEFAULT_UNIT,
    id_number,
    roster_csv,
    roster_row,
    roster_xls,
    roster_xlsx,
    unit_row,
)

ZHANG_ID = id_number("1975.03", "男", serial=1)
WANG_ID = id_number("1980.07", "男", serial=2)


@pytest.fixture
def on_record(db):
    """Two people on record: 张三 with a 身份证号, 李四 without."""
    roster_import(actor=None, file_name="before.xlsx", content=roster_xlsx([
        roster_row(姓名="张三", 身份证号=ZHANG_ID),
        roster_row(姓名="李四", 性别="女", 出生年月="1982.11", 身份证号="", 职务="科员", 职务层次="科员"),
    ]))


def database_state() -> dict[str, object]:
    return {
        "people": list(Person.objects.order_by("pk").values_list("pk", "name", "native_place", "unit_id")),
        "units": list(Unit.objects.order_by("pk").values_list("pk", "path", "authorized_staffing")),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "title", "ended_on")),
        "audit_events": AuditEvent.objects.count(),
    }


def valid_rows() -> list[dict]:
    """Row 2 updates 张三 on record, row 3 adds 王五: both would be written if the import were partial."""
    return [
        roster_row(姓名="张三", 身份证号=ZHANG_ID, 籍贯="浙江温州"),
        roster_row(
            姓名="王五", 出生年月="1980.07", 身份证号=WANG_ID, 单位="平阳县/县教育局", 职务="局长", 职务层次="正科级",
        ),
    ]


def bad_row(**overrides) -> dict:
    """Row 4: a valid new person (赵六, no 身份证号) unless overridden."""
    return roster_row(**{"姓名": "赵六", "出生年月": "1978.05", "身份证号": "", "单位": "平阳县/县财政局", **overrides})


def import_rejected(tmp_path, content: bytes, file_name: str = "roster.xlsx") -> list[str]:
    """Run `cadres import-roster`; assert it fails and wrote nothing; return its error lines."""
    path = tmp_path / file_name
    path.write_bytes(content)
    before = database_state()
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_roster", str(path), stdout=stdout, stderr=stderr)
    assert "未导入任何数据" in str(raised.value)
    assert database_state() == before
    return stderr.getvalue().splitlines()


def test_missing_headers_are_named(on_record, tmp_path):
    # given
    headers = [h for h in ROSTER_HEADERS if h not in ("出生年月", "单位")]
    content = roster_xlsx([*valid_rows(), bad_row()], headers=headers)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第1行 缺少必需的列：出生年月、单位"]


def test_unknown_header_is_named_with_its_column_letter(on_record, tmp_path):
    # given
    headers = [*ROSTER_HEADERS, "爱好"]
    content = roster_xlsx([*valid_rows(), bad_row(爱好="围棋")], headers=headers)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第1行 {column_letter(len(ROSTER_HEADERS))}列 “爱好” 不是模板中的列"]


@pytest.mark.parametrize("header", ["姓名", "性别", "出生年月", "政治面貌", "单位", "职务层次"])
def test_empty_required_cell(on_record, tmp_path, header):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(**{header: ""})])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 {header} 为空（必填）"]


@pytest.mark.parametrize(
    "value", ["1975.13", "1975.00", "1975.02.30", "1975-13-01", "197513", "七五年三月", "1975.1.1.1"]
)
def test_impossible_birth_month(on_record, tmp_path, value):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(出生年月=value)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 出生年月 “{value}” 不是有效的年月"]


def test_impossible_month_in_an_optional_date_column(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(任现职时间="2015.13")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 任现职时间 “2015.13” 不是有效的年月"]


def test_birth_in_the_future(on_record, tmp_path):
    # given
    future = bad_row(出生年月="2099.01", 入党时间="", 参加工作时间="", 任现职时间="", 任现职级时间="")
    content = roster_xlsx([*valid_rows(), future])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 出生年月 “2099.01” 晚于今天"]


def test_work_start_before_birth(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(参加工作时间="1970.08")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 参加工作时间 “1970.08” 早于出生年月"]


def test_id_number_with_a_wrong_check_digit(on_record, tmp_path):
    # given
    valid = id_number("1978.05", "男", serial=3)
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    content = roster_xlsx([*valid_rows(), bad_row(身份证号=wrong)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 身份证号 “{wrong}” 不是有效的身份证号（校验码错误）"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("33032619780501", "应为18位"),
        ("3303261978050112AB", "含有非法字符"),
        ("330326197813011210", "出生日期部分无效"),
    ],
)
def test_malformed_id_number(on_record, tmp_path, value, reason):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(身份证号=value)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 身份证号 “{value}” 不是有效的身份证号（{reason}）"]


def test_id_number_stored_by_excel_as_a_number(on_record, tmp_path):
    # given: Excel keeps 15 significant digits of a number cell
    number = float(id_number("1978.05", "男", serial=4)[:17] + "1")
    content = roster_xlsx([*valid_rows(), bad_row(身份证号=number)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [
        f"第4行 身份证号 “{int(number)}” 不是有效的身份证号"
        "（被 Excel 存成了数字，后几位已丢失；请将该列设为文本格式后重新录入）"
    ]


def test_id_number_disagreeing_with_birth_month(on_record, tmp_path):
    # given
    number = id_number("1978.05", "男", serial=3)
    content = roster_xlsx([*valid_rows(), bad_row(出生年月="1978.06", 身份证号=number)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 身份证号 “{number}” 中的出生日期 1978.05.01 与出生年月 “1978.06” 不一致"]


def test_id_number_disagreeing_with_birth_day(on_record, tmp_path):
    # given
    number = id_number("1978.05.20", "男", serial=3)
    content = roster_xlsx([*valid_rows(), bad_row(出生年月="1978.05.21", 身份证号=number)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 身份证号 “{number}” 中的出生日期 1978.05.20 与出生年月 “1978.05.21” 不一致"]


def test_id_number_disagreeing_with_sex(on_record, tmp_path):
    # given
    number = id_number("1978.05", "男", serial=3)
    content = roster_xlsx([*valid_rows(), bad_row(性别="女", 身份证号=number)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 身份证号 “{number}” 中的性别（男）与性别 “女” 不一致"]


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("政治面貌", "民主人士", "不是有效的政治面貌"),
        ("职务层次", "处长", "不是有效的职务层次"),
        ("性别", "男女", "不是有效的性别（应为男或女）"),
        ("民族", "火星族", "不是有效的民族名称"),
        ("全日制学历", "小学", "不是有效的学历"),
        ("全日制学位", "学位", "不是有效的学位"),
        ("是否班子成员", "可能", "应为“是”或“否”"),
    ],
)
def test_unknown_coded_value(on_record, tmp_path, header, value, reason):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(**{header: value})])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 {header} “{value}” {reason}"]


def test_unit_whose_parent_is_missing(on_record, tmp_path):
    # given: 县教育局 is neither in the unit sheet nor on record
    units = [
        unit_row("平阳县", unit_type="县"),
        unit_row("平阳县/县财政局", unit_type="县直部门", staffing=12),
        unit_row("平阳县/县教育局/教研室", unit_type="股室", staffing=3),
    ]
    content = roster_xlsx([*valid_rows(), bad_row()], units)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["单位表第4行 上级单位 “平阳县/县教育局” 不存在（既不在单位表中，也不在系统中）"]


def test_unit_whose_parent_disagrees_with_its_path(on_record, tmp_path):
    # given
    units = [unit_row("平阳县/县财政局", parent="平阳县/县政府")]
    content = roster_xlsx([*valid_rows(), bad_row()], units)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["单位表第2行 上级单位 “平阳县/县政府” 与单位全称不一致（“平阳县/县财政局”的上级应为“平阳县”）"]


def test_same_id_number_twice_in_one_file(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(姓名="王小五", 出生年月="1980.07", 身份证号=WANG_ID)])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 身份证号 “{WANG_ID}” 与第3行重复"]


def test_same_name_birth_and_unit_twice_in_one_file(on_record, tmp_path):
    # given: row 4 has no 身份证号 and the 姓名, 出生年月 and 单位 of row 3
    content = roster_xlsx([*valid_rows(), bad_row(姓名="王五", 出生年月="1980.07", 单位="平阳县/县教育局")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 姓名 “王五” 与第3行是同一人（姓名、出生年月、单位相同）"]


def test_two_rows_matching_the_same_person_on_record(on_record, tmp_path):
    # given: 李四 is on record without a 身份证号; rows 4 and 5 both match her by 姓名 + 出生年月
    # + 单位 and carry two different numbers. The conflict shows only against the database,
    # after the import has begun writing units (平阳县/县财政局 is new), which must roll back.
    li_si = {
        "姓名": "李四", "性别": "女", "出生年月": "1982.11", "单位": DEFAULT_UNIT, "职务": "科员", "职务层次": "科员",
    }
    first = id_number("1982.11", "女", serial=4)
    second = id_number("1982.11", "女", serial=6)
    content = roster_xlsx([
        *valid_rows(), bad_row(), roster_row(**li_si, 身份证号=first), roster_row(**li_si, 身份证号=second),
    ])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第6行 姓名 “李四” 与第5行对应系统中的同一人（李四，身份证号 无）"]
    assert not Unit.objects.filter(path="平阳县/县财政局").exists()


def test_every_error_of_a_file_is_listed_in_row_order(on_record, tmp_path):
    # given
    content = roster_xlsx([
        *valid_rows(),
        bad_row(出生年月="1975.13", 职务层次="处长"),
        bad_row(姓名="", 出生年月="1979.01"),
    ])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [
        "第4行 出生年月 “1975.13” 不是有效的年月",
        "第4行 职务层次 “处长” 不是有效的职务层次",
        "第5行 姓名 为空（必填）",
    ]


def _png() -> bytes:
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    return header + b"\x1f\x15\xc4\x89" + bytes(64)


def _pdf() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 4


def _docx() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_png(), "文件不是电子表格，而是 PNG 图片（应为 .xlsx、.xls 或 .csv）"),
        (_pdf(), "文件不是电子表格，而是 PDF 文件（应为 .xlsx、.xls 或 .csv）"),
        (_docx(), "文件不是电子表格（应为 .xlsx、.xls 或 .csv）"),
        (random.Random(2).randbytes(4096), "文件不是电子表格（应为 .xlsx、.xls 或 .csv）"),
        (
            bytes(b % 250 + 1 for b in random.Random(3).randbytes(4096)),
            "文件不是电子表格，或不是 UTF-8 / GB18030 编码的 CSV",
        ),
        (b"just some words\nwithout any columns\n", "文件不是电子表格（未找到以逗号分隔的表头）"),
    ],
    ids=["png", "pdf", "docx", "random", "random_without_nul", "plain_text"],
)
def test_file_that_is_not_a_spreadsheet(on_record, tmp_path, content, message):
    # when
    errors = import_rejected(tmp_path, content, file_name="roster.xlsx")

    # then
    assert errors == [message]


def test_truncated_xlsx(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows(), bad_row()])[:2000]

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert len(errors) == 1
    assert errors[0].startswith("无法读取该 xlsx 文件，文件可能已损坏")


@pytest.mark.parametrize("content", [b"", b"  \r\n \n"], ids=["zero_bytes", "whitespace"])
def test_empty_file(on_record, tmp_path, content):
    # when
    errors = import_rejected(tmp_path, content, file_name="roster.csv")

    # then
    assert errors == ["文件是空的"]


def test_workbook_with_an_empty_roster_sheet(on_record, tmp_path):
    # given
    content = roster_xlsx([], headers=[])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第1行 表格是空的，没有表头"]


def test_roster_with_headers_only(on_record, tmp_path):
    # given
    content = roster_csv([])

    # when
    errors = import_rejected(tmp_path, content, file_name="roster.csv")

    # then
    assert errors == ["第2行 表格只有表头，没有干部数据"]


def test_workbook_without_the_roster_sheet(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows()], sheet_name="Sheet1")

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第1行 未找到工作表“干部名册”（文件中的工作表：Sheet1）"]


def _parser_must_not_run(*args, **kwargs):
    raise AssertionError("the parser ran on an oversized file")


def test_oversized_file_is_refused_before_parsing(on_record, tmp_path, settings, monkeypatch):
    # given
    content = roster_xlsx([*valid_rows(), bad_row()])
    settings.ROSTER_MAX_BYTES = 1024
    monkeypatch.setattr(core_spreadsheets, "parse_workbook", _parser_must_not_run)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"文件过大（{len(content) / 1024:.1f} KB），上限为 1.0 KB"]


def test_oversized_upload_is_refused_before_parsing(on_record, settings, monkeypatch):
    # given: the web page hands the uploaded bytes to the service
    content = roster_xlsx([*valid_rows(), bad_row()])
    settings.ROSTER_MAX_BYTES = 3 * 1048576
    content = content + bytes(3 * 1048576)
    monkeypatch.setattr(core_spreadsheets, "parse_workbook", _parser_must_not_run)
    before = database_state()

    # when
    with pytest.raises(RosterRejected) as raised:
        roster_import(actor=None, content=content, file_name="big.xlsx")

    # then
    assert raised.value.errors == [f"文件过大（{len(content) / 1048576:.1f} MB），上限为 3.0 MB"]
    assert database_state() == before


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        (unit_row("平阳县/县财政局", staffing="十二"), "单位表第2行 核定编制 “十二” 应为不小于0的整数"),
        (unit_row("平阳县/县财政局", staffing=-3), "单位表第2行 核定编制 “-3” 应为不小于0的整数"),
        (
            unit_row("平阳县/县财政局", parent="平阳县//"),
            "单位表第2行 上级单位 “平阳县//” 不是有效的单位全称（应为以“/”分隔的各级单位名称）",
        ),
        (unit_row("平阳县/县财政局", unit_type="县" * 31), f"单位表第2行 单位类型 “{'县' * 31}” 过长（最多30个字）"),
    ],
    ids=["staffing_text", "staffing_negative", "parent_malformed", "type_too_long"],
)
def test_bad_unit_sheet_cell(on_record, tmp_path, unit, message):
    # given
    content = roster_xlsx([*valid_rows(), bad_row()], [unit])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [message]


def test_same_unit_twice_in_the_unit_sheet(on_record, tmp_path):
    # given
    units = [unit_row("平阳县/县财政局", staffing=5), unit_row("平阳县/县财政局", staffing=6)]
    content = roster_xlsx([*valid_rows(), bad_row()], units)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["单位表第3行 单位 “平阳县/县财政局” 与第2行重复"]


def test_unit_name_too_long(on_record, tmp_path):
    # given
    long_name = "县" * 101
    content = roster_xlsx([*valid_rows(), bad_row(单位=f"平阳县/{long_name}")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 单位 “平阳县/{long_name}” 中的单位名称“{long_name}”过长（最多100个字）"]


def test_unit_path_with_an_empty_level(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows(), bad_row(单位="平阳县//县财政局")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 单位 “平阳县//县财政局” 不是有效的单位全称（应为以“/”分隔的各级单位名称）"]


def test_rows_keep_their_numbers_after_leading_blank_rows(on_record, tmp_path):
    # given: two blank rows above the header
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "干部名册"
    sheet.append([])
    sheet.append([])
    sheet.append(list(ROSTER_HEADERS))
    sheet.append([bad_row(出生年月="1975.13").get(header, "") for header in ROSTER_HEADERS])
    output = io.BytesIO()
    book.save(output)

    # when
    errors = import_rejected(tmp_path, output.getvalue())

    # then
    assert errors == ["第4行 出生年月 “1975.13” 不是有效的年月"]


# --- Control characters, Excel's 1900-02-29, cells that read empty (issue 9, findings 9, 13) ---

CONTROL_MESSAGE = "含有不可见的控制字符（{}），请删除后重新导入"


def _edited(content: bytes, edit) -> bytes:
    """The .xlsx after `edit(sheet)` on its roster sheet (openpyxl, as a person would in Excel)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    edit(book["干部名册"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_a_control_character_in_an_xlsx_cell_is_refused_with_row_and_column(on_record, tmp_path):
    # given: 赵六's name holds an escaped NUL (_x0000_, which Excel and calamine decode)
    content = roster_xlsx([*valid_rows(), bad_row(姓名="赵_x0000_六", 备注="备_x001B_注")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第4行 姓名 {CONTROL_MESSAGE.format('NUL')}", f"第4行 备注 {CONTROL_MESSAGE.format('ESC')}"]


def test_a_control_character_in_an_xls_cell_is_refused(on_record, tmp_path):
    # given
    content = roster_xls([*valid_rows(), bad_row(职务="局\x07长")])

    # when
    errors = import_rejected(tmp_path, content, file_name="roster.xls")

    # then
    assert errors == [f"第4行 职务 {CONTROL_MESSAGE.format('BEL')}"]


def test_a_nul_after_the_first_4_kb_of_a_csv_is_refused_by_the_check(on_record, tmp_path):
    # given: 60 valid rows (past the 4 KB the format is recognised by), then a NUL in 籍贯
    rows = [
        roster_row(姓名=f"人{n}", 出生年月="1970.01", 身份证号="", 单位=f"平阳县/单位{n}")
        for n in range(60)
    ]
    rows.append(bad_row(籍贯="浙江\x00平阳"))
    content = roster_csv(rows)
    assert content.index(b"\x00") > 4096

    # when
    errors = import_rejected(tmp_path, content, file_name="roster.csv")

    # then
    assert errors == [f"第62行 籍贯 {CONTROL_MESSAGE.format('NUL')}"]


def test_tab_and_line_breaks_in_a_cell_are_allowed(on_record):
    # given
    content = roster_xlsx([bad_row(备注="第一行\n第二行\t（续）\r\n")])

    # when
    report = roster_import(actor=None, content=content, file_name="roster.xlsx")

    # then
    assert report.created == 1
    assert Person.objects.get(name="赵六").remarks == "第一行\n第二行\t（续）"


def test_a_control_character_in_a_header_is_refused(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows()], headers=[*ROSTER_HEADERS, "附_x0000_注"])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"第1行 {column_letter(len(ROSTER_HEADERS))}列 {CONTROL_MESSAGE.format('NUL')}"]


def test_a_control_character_in_the_unit_sheet_is_refused(on_record, tmp_path):
    # given
    content = roster_xlsx([*valid_rows()], [unit_row("平阳县/县教育局", unit_type="行政_x0001_机关")])

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == [f"单位表第2行 单位类型 {CONTROL_MESSAGE.format('SOH')}"]


def test_excel_serial_60_is_an_invalid_date_not_1900_02_28(on_record, tmp_path):
    # given: 赵六's 出生年月 (column D) and 入党时间 (column H) as date cells holding serials 60, 59
    def fictitious_birth(sheet):
        sheet["D4"] = 60
        sheet["D4"].number_format = "yyyy-mm-dd"
        sheet["H4"] = 59
        sheet["H4"].number_format = "yyyy-mm-dd"

    content = _edited(roster_xlsx([*valid_rows(), bad_row()]), fictitious_birth)

    # when
    errors = import_rejected(tmp_path, content)

    # then: serial 60 is named; 59 (a real 1900-02-28) is only early
    assert errors == [
        "第4行 出生年月 “1900-02-29” 不是有效的日期（1900年不是闰年，Excel 中的 1900-02-29 并不存在）",
    ]


def test_an_empty_cell_in_a_merged_range_says_so(on_record, tmp_path):
    # given: 王五's 单位 (row 3) merged down over 赵六's (row 4), as a clerk would lay it out
    def merged(sheet):
        sheet.merge_cells("O3:O4")

    content = _edited(roster_xlsx([*valid_rows(), bad_row(单位="平阳县/县教育局")]), merged)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 单位 为空（该单元格属于合并单元格，只有左上角单元格有值；请取消合并并在每一行填写）"]


def test_an_empty_formula_result_says_so(on_record, tmp_path):
    # given: 赵六's 性别 is a formula saved without its result (as openpyxl and scripts write)
    def formula(sheet):
        sheet["B4"] = "=B3"

    content = _edited(roster_xlsx([*valid_rows(), bad_row()]), formula)

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 性别 为空（公式没有计算结果，请在 Excel 中打开并保存后再导入）"]


def test_a_plain_empty_required_cell_keeps_its_message(on_record, tmp_path):
    # given: a merged range elsewhere in the sheet
    content = _edited(roster_xlsx([*valid_rows(), bad_row(性别="")]), lambda sheet: sheet.merge_cells("V2:V3"))

    # when
    errors = import_rejected(tmp_path, content)

    # then
    assert errors == ["第4行 性别 为空（必填）"]


# --- Formula injection through the roster (issue 9, finding 2) ---

HYPERLINK = '=HYPERLINK("http://x","x")'
COMMAND = "=cmd|' /C calc'!A0"


def test_formula_text_in_a_roster_is_exported_as_text_and_reads_back_the_same(db):
    # given: a name and a post imported from a CSV as text
    import openpyxl

    from cadres.people.exports import roster_export

    roster_import(actor=None, file_name="roster.csv", content=roster_csv([
        roster_row(姓名=HYPERLINK, 职务=COMMAND, 备注="-5"),
    ]))

    # when
    content = roster_export(actor=None, people=Person.objects.all(), units=Unit.objects.all(), purpose="测试")

    # then: text cells with the very text, no formula anywhere in the sheet
    sheet = openpyxl.load_workbook(io.BytesIO(content))["干部名册"]
    name, post, remarks = (
        sheet.cell(row=2, column=ROSTER_HEADERS.index(header) + 1) for header in ("姓名", "职务", "备注")
    )
    assert (name.value, name.data_type) == (HYPERLINK, "s")
    assert (post.value, post.data_type) == (COMMAND, "s")
    assert (remarks.value, remarks.data_type) == ("-5", "s")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")

    # and when: the export is imported again and exported again
    roster_import(actor=None, file_name="export.xlsx", content=content)
    again = roster_export(actor=None, people=Person.objects.all(), units=Unit.objects.all(), purpose="测试")

    # then: the same person, the same text, the same sheet
    assert list(Person.objects.values_list("name", "post_title")) == [(HYPERLINK, COMMAND)]
    with zipfile.ZipFile(io.BytesIO(content)) as first, zipfile.ZipFile(io.BytesIO(again)) as second:
        assert first.read("xl/worksheets/sheet1.xml") == second.read("xl/worksheets/sheet1.xml")


def test_a_nul_in_the_first_rows_of_a_csv_is_named_too(on_record, tmp_path):
    # given: one NUL near the top (a careless cell, not a binary file)
    content = roster_csv([*valid_rows(), bad_row(职务="局\x00长")])

    # when
    errors = import_rejected(tmp_path, content, file_name="roster.csv")

    # then
    assert errors == [f"第4行 职务 {CONTROL_MESSAGE.format('NUL')}"]
