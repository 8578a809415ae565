"""The Excel import of a unit's 年度考核 results (姓名, 身份证号, 年度, 考核结果) and its template.

The import is all-or-nothing: every row is checked first and every error is named by row and
column ("第3行 考核结果 “良好” 不是有效的等次"); only a file without errors is written, through
`services.grades_enter` (one transaction for every year of the file, so the 优秀 quota of each
year refuses the whole file). People are matched by 身份证号 among those the actor may change
(信息维护); a number outside them gets the same words whether or not it exists elsewhere.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from cadres.assessments import selectors, services
from cadres.assessments.actions import AssessmentAction
from cadres.core.forms import is_number_text
from cadres.core.idcard import InvalidIdNumber, parse_id_number
from cadres.core.spreadsheets import UnreadableFile, control_character, read_workbook, write_xlsx
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.records.models import AssessmentGrade

COLUMNS = ("姓名", "身份证号", "年度", "考核结果")
OUTSIDE_SCOPE = "该身份证号不能在您的信息维护范围内新增或修改"
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class ImportResult:
    rows: int = 0
    changed: int = 0
    years: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ImportRejected(ValidationError):
    """The file was refused; `messages` name each row and column."""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _year(value: object) -> int | None:
    text = _text(value).removesuffix("年度").removesuffix("年")
    return int(text) if is_number_text(text, max_length=6) else None


def grades_check(*, actor: Any, unit: Unit, content: bytes) -> tuple[dict[int, dict[int, str]], list[str], int]:
    """Parse and check the file: (year → person id → grade, errors, rows read). Writes nothing."""
    try:
        book = read_workbook(content, max_bytes=min(MAX_BYTES, getattr(settings, "ROSTER_MAX_BYTES", MAX_BYTES)))
    except UnreadableFile as error:
        return {}, [str(error)], 0
    if not book.sheet_names:
        return {}, ["文件中没有工作表"], 0
    rows = book.rows(book.sheet_names[0])
    header_index = next((index for index, row in enumerate(rows[:10])
                         if {_text(cell) for cell in row} >= set(COLUMNS)), None)
    if header_index is None:
        return {}, [f"第1行应为表头：{'、'.join(COLUMNS)}（请使用下载的模板）"], 0
    header = [_text(cell) for cell in rows[header_index]]
    where = {name: header.index(name) for name in COLUMNS}
    errors: list[str] = []
    parsed: list[tuple[int, str, str, int | None, str]] = []
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = {name: _text(row[index]) if index < len(row) else "" for name, index in where.items()}
        if not any(cells.values()):
            continue
        bad = False
        for name, text in cells.items():
            found = control_character(text)
            if found:
                errors.append(f"第{offset}行 {name} 含有不可见的控制字符（{found}），请删除后重新导入")
                bad = True
        if bad:
            continue
        for name in COLUMNS:
            if not cells[name]:
                errors.append(f"第{offset}行 {name} 不能为空")
        number = ""
        if cells["身份证号"]:
            try:
                number = parse_id_number(cells["身份证号"]).number
            except InvalidIdNumber as error:
                errors.append(f"第{offset}行 身份证号 “{cells['身份证号']}” 无效：{error}")
        year = _year(cells["年度"]) if cells["年度"] else None
        if cells["年度"] and year is None:
            errors.append(f"第{offset}行 年度 “{cells['年度']}” 不是有效的年度")
        elif year is not None:
            try:
                services.check_year(year)
            except ValidationError:
                errors.append(f"第{offset}行 年度 “{cells['年度']}” 不在有效范围内")
                year = None
        grade = selectors.GRADE_BY_LABEL.get(cells["考核结果"], "")
        if cells["考核结果"] and not grade:
            errors.append(f"第{offset}行 考核结果 “{cells['考核结果']}” 不是有效的等次"
                          f"（应为{'、'.join(AssessmentGrade.labels)}）")
        parsed.append((offset, cells["姓名"], number, year, grade))
    if not parsed and not errors:
        return {}, ["文件中没有考核结果"], 0
    numbers = {number for _, _, number, _, _ in parsed if number}
    people = {person.id_number.upper(): person for person in
              Person.objects.restrict(actor, "change").filter(id_number__in=numbers)} if actor is not None else {
        person.id_number.upper(): person for person in Person.objects.filter(id_number__in=numbers)}
    in_unit: dict[int, set[int]] = {}
    grades: dict[int, dict[int, str]] = defaultdict(dict)
    first_row: dict[tuple[int, int], int] = {}
    for offset, name, number, year, grade in parsed:
        if not number:
            continue
        person = people.get(number)
        if person is None:
            errors.append(f"第{offset}行 身份证号 {OUTSIDE_SCOPE}")
            continue
        if name and name != person.name:
            errors.append(f"第{offset}行 姓名 “{name}” 与该身份证号登记的姓名“{person.name}”不符")
            continue
        if year is None or not grade:
            continue
        if year not in in_unit:
            in_unit[year] = {p.pk for p in selectors.unit_people(actor=actor, unit=unit, year=year)}
        if person.pk not in in_unit[year]:
            errors.append(f"第{offset}行 身份证号 {person.name}不是{unit.name}{year}年末在职人员")
            continue
        if (year, person.pk) in first_row:
            errors.append(f"第{offset}行 身份证号 与第{first_row[(year, person.pk)]}行重复（{person.name}{year}年度）")
            continue
        first_row[(year, person.pk)] = offset
        grades[year][person.pk] = grade
    return dict(grades), errors, len(parsed)


@transaction.atomic
def grades_import(*, actor: Any, unit: Unit, content: bytes, filename: str = "") -> ImportResult:
    """Check the file and, only when every row is right, enter its grades (all years in one
    transaction). Raises ImportRejected naming every error."""
    grades, errors, count = grades_check(actor=actor, unit=unit, content=content)
    if errors:
        raise ImportRejected(errors)
    result = ImportResult(rows=count, years=sorted(grades))
    digest = hashlib.sha256(content).hexdigest()
    for year in sorted(grades):
        try:
            result.changed += services.grades_enter(
                actor=actor, unit=unit, year=year, grades=grades[year],
                action=AssessmentAction.GRADES_IMPORTED,
                details={"file": filename, "sha256": digest, "rows": len(grades[year])})
        except ValidationError as error:
            raise ImportRejected([f"{year}年度：{message}" for message in error.messages]) from None
    return result


def grades_template(*, actor: Any, unit: Unit, year: int) -> bytes:
    """The import template: the unit's people in post at the year's end with their grades so
    far, less those since moved outside the actor's 信息维护 scope (their new unit keeps their
    grades). The 身份证号 column is left for the unit to fill in from its own records: a file that
    leaves the system carries no 身份证号 without a stated purpose (the roster export's rule)."""
    everyone = selectors.unit_people(actor=actor, unit=unit, year=year)
    changeable = selectors.changeable_ids(actor=actor, people=everyone)
    people = [person for person in everyone if person.pk in changeable]
    grades = selectors.grades_of(people, year)
    rows = [[person.name, "", year,
             grades[person.pk].get_grade_display() if person.pk in grades else ""] for person in people]
    return write_xlsx([("年度考核", list(COLUMNS), rows)])
