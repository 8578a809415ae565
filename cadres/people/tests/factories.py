"""Roster files for tests: rows keyed by the template's Chinese headers, written as .xlsx,
.xls or .csv in the layout of ROSTER_TEMPLATE.md.

    content = roster_xlsx([roster_row(), roster_row(姓名="李四", 身份证号=id_number("1980.05", "女"))])
"""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cadres.core.idcard import check_digit
from cadres.people.spreadsheets import ROSTER_HEADERS, ROSTER_SHEET, UNIT_HEADERS, UNIT_SHEET

# The published township roster and its figures, copied from shared/fixtures/township-2010.
TOWNSHIP_DIR = Path(__file__).resolve().parent / "fixtures" / "township-2010"
TOWNSHIP_ROSTER = TOWNSHIP_DIR / "roster.xlsx"

DEFAULT_COUNTY = "平阳县"
DEFAULT_UNIT = "平阳县/县卫生局"


def id_number(birth: str | dt.date, sex: str = "男", *, area: str = "330326", serial: int = 12) -> str:
    """A valid 18-character 身份证号 for a birth (``"1975.03"``, ``"1975.03.12"`` or a date) and 性别.

    With only a month the day is the 1st. ``serial`` (0–99) varies the sequence digits; the
    sex digit is odd for 男 and even for 女.
    """
    if isinstance(birth, str):
        parts = [int(part) for part in birth.replace("-", ".").split(".")]
        birth = dt.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    sex_digit = 1 if sex == "男" else 2
    first17 = f"{area}{birth:%Y%m%d}{serial % 100:02d}{sex_digit}"
    return first17 + check_digit(first17)


def roster_row(**overrides: Any) -> dict[str, Any]:
    """One valid roster row (a 男, 汉族, 中共党员 副局长 born 1975.03), with overrides by header."""
    row: dict[str, Any] = {
        "姓名": "张三",
        "性别": "男",
        "民族": "汉族",
        "出生年月": "1975.03",
        "身份证号": id_number("1975.03", "男"),
        "籍贯": "浙江平阳",
        "政治面貌": "中共党员",
        "入党时间": "1998.06",
        "参加工作时间": "1996.08",
        "全日制学历": "大学本科",
        "全日制学位": "学士",
        "在职学历": "研究生",
        "在职学位": "硕士",
        "专业技术职务": "",
        "单位": DEFAULT_UNIT,
        "职务": "副局长",
        "职务层次": "副科级",
        "是否班子成员": "是",
        "任现职时间": "2015.04",
        "任现职级时间": "2015.04",
        "后备干部": "",
        "备注": "",
    }
    row.update(overrides)
    return row


def unit_row(
    path: str, parent: str | None = None, unit_type: str = "", staffing: int | str | None = None
) -> dict[str, Any]:
    """One row of the 单位 sheet; the parent defaults to the path's parent."""
    return {
        "单位": path,
        "上级单位": path.rpartition("/")[0] if parent is None else parent,
        "单位类型": unit_type,
        "核定编制": "" if staffing is None else staffing,
    }


def _table(
    rows: list[dict[str, Any]], headers: Sequence[str] | None, default: Sequence[str]
) -> tuple[list[str], list[list[Any]]]:
    header = list(headers if headers is not None else default)
    return header, [[row.get(name, "") for name in header] for row in rows]


def roster_xlsx(
    rows: list[dict[str, Any]],
    units: list[dict[str, Any]] | None = None,
    *,
    headers: Sequence[str] | None = None,
    sheet_name: str = ROSTER_SHEET,
) -> bytes:
    """An .xlsx roster: sheet 干部名册 (headers default to the template's) and, when ``units`` is
    given, sheet 单位. Values are written as given, so a date or a number makes a typed cell."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    header, body = _table(rows, headers, ROSTER_HEADERS)
    sheet = book.create_sheet(sheet_name)
    sheet.append(header)
    for values in body:
        sheet.append([None if value == "" else value for value in values])
    if units is not None:
        unit_header, unit_body = _table(units, None, UNIT_HEADERS)
        unit_sheet = book.create_sheet(UNIT_SHEET)
        unit_sheet.append(unit_header)
        for values in unit_body:
            unit_sheet.append([None if value == "" else value for value in values])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def roster_xls(
    rows: list[dict[str, Any]],
    units: list[dict[str, Any]] | None = None,
    *,
    headers: Sequence[str] | None = None,
) -> bytes:
    """The same roster as a legacy .xls (BIFF8, as Excel 97–2003 and WPS write it)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    tables = [(ROSTER_SHEET, _table(rows, headers, ROSTER_HEADERS))]
    if units is not None:
        tables.append((UNIT_SHEET, _table(units, None, UNIT_HEADERS)))
    for title, (header, body) in tables:
        sheet = book.add_sheet(title)
        for column, name in enumerate(header):
            sheet.write(0, column, name)
        for row_index, values in enumerate(body, start=1):
            for column, value in enumerate(values):
                if isinstance(value, dt.date):
                    sheet.write(row_index, column, value, date_style)
                elif value not in ("", None):
                    sheet.write(row_index, column, value)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def roster_csv(
    rows: list[dict[str, Any]],
    *,
    headers: Sequence[str] | None = None,
    encoding: str = "gb18030",
) -> bytes:
    """The roster sheet as CSV, GB18030 by default (what Chinese Windows Excel saves)."""
    header, body = _table(rows, headers, ROSTER_HEADERS)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in values] for values in body)
    return output.getvalue().encode(encoding)
