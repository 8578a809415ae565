"""The roster template (干部名册导入模板 v1): its columns, reading rows into checked values,
and writing records back in the same layout.

Reading never touches the database; it turns a workbook into a `ParsedRoster` (the valid
rows, column by column, and the `UnitRow`s) plus every `RowError` found, so the caller can
show all problems at once. Cells are checked a column at a time and each distinct value once,
so a roster of 100,000 rows takes seconds.

Every cell of every format is refused when it holds a control character other than tab, line
feed or carriage return (see core.spreadsheets.control_character). An empty required cell that
is empty because it lies in a merged range, or holds a formula saved without its result, says
so; and a date cell holding Excel's serial 60 (1900-02-29, a day that never was) is an error,
not the 1900-02-28 calamine reads it as (.xlsx only: the reason is read from the sheet's XML).
"""

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cadres.core import codes
from cadres.core.dates import InvalidDate, format_month, parse_month
from cadres.core.idcard import IdNumber, InvalidIdNumber, parse_id_number
from cadres.core.spreadsheets import Workbook, control_character, control_character_message, write_xlsx
from cadres.core.xlsx_parts import EXCEL_FICTITIOUS_DATE

ROSTER_SHEET = "干部名册"
# The lengths of Unit.name, Unit.path and Unit.unit_type.
UNIT_NAME_MAX, UNIT_PATH_MAX, UNIT_TYPE_MAX = 100, 500, 30
UNIT_SHEET = "单位"


class CellError(ValueError):
    """A cell's value is wrong; the message is the reason, in Chinese."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.sheet == ROSTER_SHEET else f"{self.sheet}表第{self.row}行"
        if not self.column:
            return f"{where} {self.reason}"
        if self.value == "":
            return f"{where} {self.column} {self.reason}"
        return f"{where} {self.column} “{self.value}” {self.reason}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _coded(table: str, what: str) -> Callable[[object], str]:
    def parse(value: object) -> str:
        code = codes.code_for(table, _text(value))
        if code is None:
            raise CellError(f"不是有效的{what}")
        return code

    return parse


def _month(value: object) -> tuple[dt.date, bool]:
    if isinstance(value, str) and not value.strip():
        raise CellError("为空")
    try:
        return parse_month(value)
    except InvalidDate as error:
        raise CellError("不是有效的年月") from error


def _month_only(value: object) -> dt.date:
    return _month(value)[0]


def _yes_no(value: object) -> bool:
    text = _text(value)
    if text in ("是", "Y", "y", "1", "True", "TRUE", "√"):
        return True
    if text in ("否", "N", "n", "0", "False", "FALSE", ""):
        return False
    raise CellError("应为“是”或“否”")


def _id_number(value: object) -> IdNumber:
    text = value.strip() if value.__class__ is str else _text(value)  # type: ignore[attr-defined]
    if isinstance(value, float) or "E+" in text or "e+" in text:
        # Excel shows long numbers in scientific notation and drops digits past the 15th.
        raise CellError("不是有效的身份证号（被 Excel 存成了数字，后几位已丢失；请将该列设为文本格式后重新录入）")
    try:
        return parse_id_number(text)
    except InvalidIdNumber as error:
        raise CellError(f"不是有效的身份证号（{error}）") from error


def _unit_path(value: object) -> str:
    parts = [part.strip() for part in _text(value).replace("／", "/").split("/")]
    if any(not part for part in parts):
        raise CellError("不是有效的单位全称（应为以“/”分隔的各级单位名称）")
    for part in parts:
        if len(part) > UNIT_NAME_MAX:
            raise CellError(f"中的单位名称“{part}”过长（最多{UNIT_NAME_MAX}个字）")
    path = "/".join(parts)
    if len(path) > UNIT_PATH_MAX:
        raise CellError(f"过长（单位全称最多{UNIT_PATH_MAX}个字）")
    return path


def _limited(length: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _text(value)
        if len(text) > length:
            raise CellError(f"过长（最多{length}个字）")
        return text

    return parse


SORT_ORDER_MAX = 999999


def _sort_order(value: object) -> int:
    text = _text(value)
    if not text.isdigit() or int(text) > SORT_ORDER_MAX:
        raise CellError(f"不是有效的排序号（应为0至{SORT_ORDER_MAX}的整数）")
    return int(text)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool
    parse: Callable[[object], Any]
    write: Callable[[Any], str]


def _write_text(value: Any) -> str:
    return value or ""


def _write_code(table: str) -> Callable[[Any], str]:
    return lambda code: codes.name_for(table, code)


ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True, _limited(50), _write_text),
    Column("性别", "sex", True, _coded("sex", "性别（应为男或女）"), _write_code("sex")),
    Column("民族", "ethnicity", True, _coded("ethnicity", "民族名称"), _write_code("ethnicity")),
    Column("出生年月", "birth", True, _month, lambda value: format_month(value[0], day_known=value[1])),
    Column("身份证号", "id_number", False, _id_number, _write_text),
    Column("籍贯", "native_place", False, _limited(50), _write_text),
    Column(
        "政治面貌", "political_status", True, _coded("political_status", "政治面貌"),
        _write_code("political_status"),
    ),
    Column("入党时间", "party_joined_on", False, _month_only, format_month),
    Column("参加工作时间", "work_started_on", False, _month_only, format_month),
    Column(
        "全日制学历", "full_time_education", False, _coded("education", "学历"),
        _write_code("education"),
    ),
    Column("全日制学位", "full_time_degree", False, _coded("degree", "学位"), _write_code("degree")),
    Column(
        "在职学历", "in_service_education", False, _coded("education", "学历"),
        _write_code("education"),
    ),
    Column("在职学位", "in_service_degree", False, _coded("degree", "学位"), _write_code("degree")),
    Column("专业技术职务", "professional_title", False, _limited(50), _write_text),
    Column("单位", "unit_path", True, _unit_path, _write_text),
    Column("职务", "post_title", False, _limited(100), _write_text),
    Column("职务层次", "rank", True, _coded("rank", "职务层次"), _write_code("rank")),
    Column("是否班子成员", "is_team_member", False, _yes_no, lambda value: "是" if value else "否"),
    Column("任现职时间", "post_started_on", False, _month_only, format_month),
    Column("任现职级时间", "rank_started_on", False, _month_only, format_month),
    Column("后备干部", "reserve_pool", False, _limited(50), _write_text),
    Column("备注", "remarks", False, _text, _write_text),
    # Columns of the cadre file beyond the published template (v1.1): a roster that carries
    # them sets them, and the export writes them back.
    Column("出生地", "birthplace", False, _limited(50), _write_text),
    Column("健康状况", "health", False, _limited(50), _write_text),
    Column("全日制毕业院校系及专业", "full_time_education_school", False, _limited(200), _write_text),
    Column("在职毕业院校系及专业", "in_service_education_school", False, _limited(200), _write_text),
    Column("熟悉专业有何专长", "expertise", False, _limited(200), _write_text),
    Column("排序号", "sort_order", False, _sort_order, lambda value: str(value or "")),
)
ROSTER_HEADERS = tuple(column.header for column in ROSTER_COLUMNS)
UNIT_HEADERS = ("单位", "上级单位", "单位类型", "核定编制")
# Fields that are empty rather than missing when their cell is blank.
_EMPTY_VALUES: dict[str, Any] = {"is_team_member": False, "sort_order": 0}


@dataclass
class RosterRow:
    row: int
    values: dict[str, Any]


@dataclass
class UnitRow:
    row: int
    path: str
    parent_path: str
    unit_type: str
    authorized_staffing: int | None


class ParsedRoster:
    """The checked roster: the valid rows column by column (`columns[field][i]` is the value
    of row `row_numbers[i]`), the unit sheet, and every error found.

    Columns keep 100,000 rows cheap; `rows` gives them as RosterRow objects when wanted.
    """

    def __init__(self) -> None:
        self.row_numbers: list[int] = []
        self.columns: dict[str, list[Any]] = {}
        self.units: list[UnitRow] = []
        self.present_fields: frozenset[str] = frozenset()
        self.errors: list[RowError] = []
        self._rows: list[RosterRow] | None = None

    @property
    def row_count(self) -> int:
        return len(self.row_numbers)

    def append(self, row_numbers: list[int], columns: dict[str, list[Any]]) -> None:
        """Add checked rows (from the next part of the sheet) after those already here."""
        if not self.columns:
            self.row_numbers, self.columns = row_numbers, columns
            return
        self.row_numbers += row_numbers
        for name, values in columns.items():
            self.columns[name] += values

    def rows_between(self, start: int, stop: int) -> list[RosterRow]:
        fields = list(self.columns)
        columns = [column[start:stop] for column in self.columns.values()]
        return [
            RosterRow(row=number, values=dict(zip(fields, values)))
            for number, values in zip(self.row_numbers[start:stop], zip(*columns))
        ]

    @property
    def rows(self) -> list[RosterRow]:
        if self._rows is None:
            self._rows = self.rows_between(0, len(self.row_numbers))
        return self._rows


def _sheet_name(workbook: Workbook, name: str) -> str | None:
    """The name the workbook holds the sheet under (a CSV file is the roster sheet alone)."""
    if workbook.format == "csv":
        return "" if name == ROSTER_SHEET else None
    return name if workbook.has_sheet(name) else None


def _is_blank(row: list[object]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def roster_parse(workbook: Workbook, *, today: dt.date) -> ParsedRoster:
    """Check every cell of the roster (and the optional unit sheet) against the template.

    The roster sheet is checked a part at a time as the parts arrive (a large sheet is still
    being parsed on other threads while its first rows are checked).
    """
    parsed = ParsedRoster()
    sheet_name = _sheet_name(workbook, ROSTER_SHEET)
    if sheet_name is None:
        names = "、".join(workbook.sheet_names) or "无"
        reason = f"未找到工作表“{ROSTER_SHEET}”（文件中的工作表：{names}）"
        parsed.errors.append(RowError(ROSTER_SHEET, 1, "", "", reason))
        return parsed
    columns: list[tuple[int, Column]] | None = None
    header_row = 0
    with contextlib.closing(workbook.sheet_parts(sheet_name)) as parts:
        for first_row, rows in parts:
            start = 0
            if columns is None:
                while start < len(rows) and _is_blank(rows[start]):
                    start += 1
                if start == len(rows):
                    continue
                header_row = first_row + start + 1
                columns = _match_headers(rows[start], parsed.errors, row=header_row)
                if parsed.errors:
                    return parsed
                parsed.present_fields = frozenset(column.field for _, column in columns)
                start += 1
            # Rows keep their spreadsheet numbers; blank rows are left out.
            body = [
                (number, raw)
                for number, raw in enumerate(rows[start:], start=first_row + start + 1)
                # Cheap tests first: a row with a name in its first cell is not blank.
                if any(raw) and ((raw[0].__class__ is str and raw[0].strip()) or not _is_blank(raw))  # type: ignore[attr-defined]
            ]
            del rows
            row_numbers, checked = _parse_rows(
                body, columns, today, parsed.errors, serial_60=lambda: workbook.cell_notes(sheet_name).serial_60,
            )
            parsed.append(row_numbers, checked)
    if columns is None:
        parsed.errors.append(RowError(ROSTER_SHEET, 1, "", "", "表格是空的，没有表头"))
        return parsed
    if not parsed.row_numbers and not parsed.errors:
        parsed.errors.append(RowError(ROSTER_SHEET, header_row + 1, "", "", "表格只有表头，没有干部数据"))
    _check_duplicates(parsed, parsed.errors)
    _explain_empty_cells(workbook, sheet_name, columns, parsed.errors)
    unit_sheet = _sheet_name(workbook, UNIT_SHEET)
    if unit_sheet is not None:
        parsed.units = _parse_units(workbook.rows(unit_sheet), parsed.errors)
    parsed.errors.sort(key=lambda error: (error.sheet != ROSTER_SHEET, error.row))
    return parsed


EMPTY_REQUIRED = "为空（必填）"
EMPTY_MERGED = "为空（该单元格属于合并单元格，只有左上角单元格有值；请取消合并并在每一行填写）"
EMPTY_FORMULA = "为空（公式没有计算结果，请在 Excel 中打开并保存后再导入）"
SERIAL_60_REASON = "不是有效的日期（1900年不是闰年，Excel 中的 1900-02-29 并不存在）"


def _explain_empty_cells(
    workbook: Workbook, sheet_name: str, columns: list[tuple[int, Column]], errors: list[RowError]
) -> None:
    """Say why a required cell that looks filled in reads as empty: it lies in a merged range
    (only the top-left cell holds the value), or its formula was saved without a result (a
    file written by a program, not saved by Excel). Read from the sheet's XML, only when such
    errors exist."""
    if workbook.format != "xlsx":
        return
    empty = [
        position for position, error in enumerate(errors)
        if error.sheet == ROSTER_SHEET and error.reason == EMPTY_REQUIRED
    ]
    if not empty:
        return
    notes = workbook.cell_notes(sheet_name)
    if not notes.merged and not notes.uncached_formulas:
        return
    index_of = {column.header: index for index, column in columns}
    for position in empty:
        error = errors[position]
        cell = (error.row - 1, index_of[error.column])
        if cell in notes.uncached_formulas:
            errors[position] = RowError(error.sheet, error.row, error.column, "", EMPTY_FORMULA)
        elif notes.in_merged_range(*cell):
            errors[position] = RowError(error.sheet, error.row, error.column, "", EMPTY_MERGED)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _match_headers(header_row: list[object], errors: list[RowError], *, row: int = 1) -> list[tuple[int, Column]]:
    by_header = {column.header: column for column in ROSTER_COLUMNS}
    matched: list[tuple[int, Column]] = []
    seen: set[str] = set()
    for index, cell in enumerate(header_row):
        # Templates often mark required columns with an asterisk: 姓名* reads as 姓名.
        header = _text(cell).replace(" ", "").replace("\u3000", "").strip("*＊")
        if not header:
            continue
        control = control_character(header)
        if control is not None:
            reason = control_character_message(control)
            errors.append(RowError(ROSTER_SHEET, row, f"{column_letter(index)}列", "", reason))
            continue
        column = by_header.get(header)
        if column is None:
            errors.append(RowError(ROSTER_SHEET, row, f"{column_letter(index)}列", header, "不是模板中的列"))
        elif header in seen:
            errors.append(RowError(ROSTER_SHEET, row, f"{column_letter(index)}列", header, "重复出现"))
        else:
            seen.add(header)
            matched.append((index, column))
    missing = [column.header for column in ROSTER_COLUMNS if column.required and column.header not in seen]
    if missing:
        errors.append(RowError(ROSTER_SHEET, row, "", "", f"缺少必需的列：{'、'.join(missing)}"))
    return matched


class _Problem:
    """A cell that failed its column's check: the reason, and the value as the message shows it."""

    __slots__ = ("reason", "value")

    def __init__(self, reason: str, value: str):
        self.reason = reason
        self.value = value


def _empty_value(column: Column) -> Any:
    if column.required:
        return _Problem(EMPTY_REQUIRED, "")
    if column.field in _EMPTY_VALUES:
        return _EMPTY_VALUES[column.field]
    return None if column.field.endswith("_on") else ""


def _cell_parser(column: Column) -> tuple[Callable[[object], Any], list[bool]]:
    """The column's check of one cell: failures come back as _Problem, and the returned flag
    records that one happened."""
    empty = _empty_value(column)
    parse = column.parse
    failed = [False]

    def check(cell: object) -> Any:
        if cell is None or (cell.__class__ is str and not cell.strip()):  # type: ignore[attr-defined]
            if empty.__class__ is _Problem:
                failed[0] = True
            return empty
        try:
            return parse(cell)
        except CellError as error:
            failed[0] = True
            return _Problem(str(error), _text(cell))

    return check, failed


_NUMBERS = frozenset({int, float, bool})


def _control_cells(distinct: set[object]) -> dict[str, str]:
    """The texts among `distinct` holding a control character no cell may, with its name: one
    pass over them all (str.isprintable, in C, is false for every control character; only
    when it is false, for a line break say, does a closer look follow)."""
    try:
        joined = " ".join(distinct)  # type: ignore[arg-type]
    except TypeError:  # numbers or dates among the texts
        joined = " ".join([cell for cell in distinct if cell.__class__ is str])  # type: ignore[misc]
    if joined.isprintable() or control_character(joined) is None:
        return {}
    texts = [cell for cell in distinct if isinstance(cell, str)]
    return {text: name for text in texts if (name := control_character(text)) is not None}


def _refusing(check: Callable[[object], Any], refused: dict[str, str], failed: list[bool]) -> Callable[[object], Any]:
    """The column's check, refusing the cells that hold a control character."""

    def refuse(cell: object) -> Any:
        name = refused.get(cell) if cell.__class__ is str else None  # type: ignore[call-overload]
        if name is not None:
            failed[0] = True
            return _Problem(control_character_message(name), "")
        return check(cell)

    return refuse


def _check_column(
    check: Callable[[object], Any], cells: Sequence[object], distinct: set[object] | None = None
) -> list[Any]:
    """Each cell checked, each distinct value once: a roster repeats most values (a few
    hundred months, units and codes across 100,000 rows)."""
    if distinct is None:
        distinct = set(cells)
    if len(distinct) == 1:
        return [check(next(iter(distinct)))] * len(cells)
    if len(set(map(type, distinct)) & _NUMBERS) <= 1:
        if len(distinct) * 2 > len(cells):
            # Mostly distinct (names, 身份证号): remembering would cost more than it saves.
            return list(map(check, cells))
        results = {cell: check(cell) for cell in distinct}
        return list(map(results.__getitem__, cells))
    # 1, 1.0 and True are one key in a dict; keep them apart.
    return list(map(functools.lru_cache(maxsize=None, typed=True)(check), cells))


# Dates that must fall between the birth and today.
_LATER_DATES = (
    ("party_joined_on", "入党时间"),
    ("work_started_on", "参加工作时间"),
    ("post_started_on", "任现职时间"),
    ("rank_started_on", "任现职级时间"),
)


# Date cells that may be Excel's serial 60, which calamine reads as 1900-02-28.
_FICTITIOUS_DATE_CELLS = (
    EXCEL_FICTITIOUS_DATE, dt.datetime.combine(EXCEL_FICTITIOUS_DATE, dt.time()),
)


def _parse_rows(
    body: list[tuple[int, list[object]]],
    columns: list[tuple[int, Column]],
    today: dt.date,
    errors: list[RowError],
    serial_60: Callable[[], set[tuple[int, int]]] = set,
) -> tuple[list[int], dict[str, list[Any]]]:
    """Check the data rows column by column, then across the cells of each row; returns the
    numbers and the checked columns of the valid rows. `serial_60` gives the (0-based row,
    column) of cells holding Excel's serial 60, asked only when a date cell reads 1900-02-28."""
    fields = [column.field for _, column in columns]
    checked_columns: list[list[Any]] = []
    bad: set[int] = set()  # positions in body
    # Columns of cells, by transposing the rows (padded to the header's width) in one pass.
    width = max(index for index, _ in columns) + 1
    rows_cells = [raw if len(raw) >= width else [*raw, *([None] * (width - len(raw)))] for _, raw in body]
    cells_by_column = list(zip(*rows_cells)) if rows_cells else [() for _ in range(width)]
    del rows_cells
    for index, column in columns:
        check, failed = _cell_parser(column)
        cells = cells_by_column[index]
        distinct = set(cells)
        refused = _control_cells(distinct)
        if refused:
            check = _refusing(check, refused, failed)
        checked = _check_column(check, cells, distinct)
        if any(date in distinct for date in _FICTITIOUS_DATE_CELLS):
            fictitious = serial_60()
            for position, cell in enumerate(cells):
                if cell in _FICTITIOUS_DATE_CELLS and (body[position][0] - 1, index) in fictitious:
                    checked[position] = _Problem(SERIAL_60_REASON, "1900-02-29")
                    failed[0] = True
        if failed[0]:
            for position, value in enumerate(checked):
                if value.__class__ is _Problem:
                    errors.append(RowError(ROSTER_SHEET, body[position][0], column.header, value.value, value.reason))
                    bad.add(position)
        checked_columns.append(checked)
    by_field = dict(zip(fields, checked_columns))
    index_of = {column.field: index for index, column in columns}
    cell_bad = frozenset(bad)

    def fail(position: int, header: str, field_name: str, reason: str) -> None:
        raw = body[position][1]
        errors.append(RowError(ROSTER_SHEET, body[position][0], header, _cell_text(raw, index_of[field_name]), reason))
        bad.add(position)

    # Checks across cells, a column at a time, for rows whose cells are all valid: birth
    # plausible, later dates after it, the 身份证号 agreeing with 出生年月 and 性别.
    births = [birth[0] if birth.__class__ is tuple else None for birth in by_field["birth"]]
    earliest = dt.date(1900, 1, 1)
    for position in [
        p for p, birth in enumerate(births)
        if birth is not None and not earliest <= birth <= today and p not in cell_bad
    ]:
        fail(position, "出生年月", "birth", "晚于今天" if births[position] > today else "早于1900年")  # type: ignore[operator]
    for field_name, header in _LATER_DATES:
        if field_name not in by_field:
            continue
        dates = by_field[field_name]
        wrong = [
            p for p, (value, birth) in enumerate(zip(dates, births))
            if value is not None and birth is not None and p not in cell_bad and (value > today or value < birth)
        ]
        for position in wrong:
            fail(position, header, field_name, "晚于今天" if dates[position] > today else "早于出生年月")
    if "id_number" in by_field:
        identities = by_field["id_number"]
        for position, (identity, birth_cell, sex) in enumerate(
            zip(identities, by_field["birth"], by_field["sex"])
        ):
            if not identity or identity.__class__ is _Problem:
                continue
            identities[position] = identity.number
            if position in cell_bad:
                continue
            birth, birth_day_known = birth_cell
            id_birth = identity.birth_date
            if id_birth != birth if birth_day_known else (id_birth.year, id_birth.month) != (birth.year, birth.month):
                birth_text = _cell_text(body[position][1], index_of["birth"])
                errors.append(RowError(
                    ROSTER_SHEET, body[position][0], "身份证号", identity.number,
                    f"中的出生日期 {id_birth:%Y.%m.%d} 与出生年月 “{birth_text}” 不一致",
                ))
                bad.add(position)
            if identity.sex != sex:
                errors.append(RowError(
                    ROSTER_SHEET, body[position][0], "身份证号", identity.number,
                    f"中的性别（{codes.name_for('sex', identity.sex)}）与性别 “{codes.name_for('sex', sex)}” 不一致",
                ))
                bad.add(position)
    row_numbers = [row_number for row_number, _ in body]
    if bad:
        keep = [position for position in range(len(body)) if position not in bad]
        row_numbers = [row_numbers[position] for position in keep]
        checked_columns = [[column[position] for position in keep] for column in checked_columns]
    return row_numbers, dict(zip(fields, checked_columns))


def _cell_text(raw: list[object], index: int) -> str:
    return _text(raw[index]) if index < len(raw) else ""


def _check_duplicates(parsed: ParsedRoster, errors: list[RowError]) -> None:
    """The same person twice: the same 身份证号, or the same 姓名 + 出生年月 + 单位 where at
    least one of the two rows has no 身份证号 (two different numbers are two people)."""
    columns = parsed.columns
    if not parsed.row_numbers:
        return
    id_numbers = columns.get("id_number") or [""] * parsed.row_count
    by_id_number: dict[str, int] = {}
    by_identity: dict[tuple[str, int, int, str], tuple[int, str]] = {}
    for row_number, id_number, name, (birth, _), unit_path in zip(
        parsed.row_numbers, id_numbers, columns["name"], columns["birth"], columns["unit_path"]
    ):
        if id_number:
            first = by_id_number.setdefault(id_number, row_number)
            if first != row_number:
                errors.append(RowError(ROSTER_SHEET, row_number, "身份证号", id_number, f"与第{first}行重复"))
                continue
        key = (name, birth.year, birth.month, unit_path)
        first_row, first_id_number = by_identity.setdefault(key, (row_number, id_number))
        if first_row != row_number and not (id_number and first_id_number):
            errors.append(RowError(
                ROSTER_SHEET, row_number, "姓名", name, f"与第{first_row}行是同一人（姓名、出生年月、单位相同）",
            ))


def _parse_units(sheet: list[list[object]], errors: list[RowError]) -> list[UnitRow]:
    header_at = 0
    while header_at < len(sheet) and _is_blank(sheet[header_at]):
        header_at += 1
    if header_at == len(sheet):
        return []
    header = [_text(cell).replace(" ", "").replace("\u3000", "").strip("*＊") for cell in sheet[header_at]]
    missing = [name for name in ("单位", "上级单位") if name not in header]
    unknown = [name for name in header if name and name not in UNIT_HEADERS]
    if missing or unknown:
        reason = "、".join(
            ([f"缺少必需的列：{'、'.join(missing)}"] if missing else [])
            + [f"“{name}” 不是模板中的列" for name in unknown]
        )
        errors.append(RowError(UNIT_SHEET, header_at + 1, "", "", reason))
        return []
    position = {name: header.index(name) for name in UNIT_HEADERS if name in header}

    def cell(raw: list[object], name: str) -> object:
        index = position.get(name)
        return raw[index] if index is not None and index < len(raw) else None

    units: list[UnitRow] = []
    seen: dict[str, int] = {}
    for offset, raw in enumerate(sheet[header_at + 1:], start=header_at + 2):
        if _is_blank(raw):
            continue
        control = next(
            ((index, name) for index, value in enumerate(raw)
             if value.__class__ is str and (name := control_character(value)) is not None),  # type: ignore[arg-type]
            None,
        )
        if control is not None:
            index, name = control
            where = header[index] if index < len(header) and header[index] else f"{column_letter(index)}列"
            errors.append(RowError(UNIT_SHEET, offset, where, "", control_character_message(name)))
            continue
        try:
            path = _unit_path(cell(raw, "单位"))
        except CellError as error:
            errors.append(RowError(UNIT_SHEET, offset, "单位", _text(cell(raw, "单位")), str(error)))
            continue
        parent_text = _text(cell(raw, "上级单位"))
        try:
            parent_path = _unit_path(parent_text) if parent_text else ""
        except CellError as error:
            errors.append(RowError(UNIT_SHEET, offset, "上级单位", parent_text, str(error)))
            continue
        expected_parent = path.rpartition("/")[0]
        if parent_path != expected_parent:
            errors.append(RowError(
                UNIT_SHEET, offset, "上级单位", parent_text,
                f"与单位全称不一致（“{path}”的上级应为“{expected_parent or '无'}”）",
            ))
            continue
        staffing_text = _text(cell(raw, "核定编制"))
        staffing: int | None = None
        if staffing_text:
            if not staffing_text.isdigit():
                errors.append(RowError(UNIT_SHEET, offset, "核定编制", staffing_text, "应为不小于0的整数"))
                continue
            staffing = int(staffing_text)
        if path in seen:
            errors.append(RowError(UNIT_SHEET, offset, "单位", path, f"与第{seen[path]}行重复"))
            continue
        seen[path] = offset
        unit_type = _text(cell(raw, "单位类型"))
        if len(unit_type) > UNIT_TYPE_MAX:
            errors.append(RowError(UNIT_SHEET, offset, "单位类型", unit_type, f"过长（最多{UNIT_TYPE_MAX}个字）"))
            continue
        units.append(UnitRow(offset, path, parent_path, unit_type, staffing))
    return units


def roster_rows_for_export(people: Iterable[Any]) -> Iterator[list[str]]:
    """Rows in template order for people with `unit` selected."""
    for person in people:
        values = {
            column.field: getattr(person, column.field, None) for column in ROSTER_COLUMNS
        }
        values["birth"] = (person.birth_date, person.birth_day_known)
        values["unit_path"] = person.unit.path
        yield [column.write(values[column.field]) for column in ROSTER_COLUMNS]


def unit_rows_for_export(units: Iterable[Any]) -> Iterator[list[object]]:
    for unit in units:
        yield [
            unit.path,
            unit.parent_path,
            unit.unit_type,
            "" if unit.authorized_staffing is None else unit.authorized_staffing,
        ]


# What the 填写说明 sheet of the blank template says of each column (docs/roster-template.md).
COLUMN_NOTES = {
    "姓名": "姓名",
    "性别": "男 或 女",
    "民族": "民族全称，如 汉族、畲族、回族",
    "出生年月": "如 1975.03 或 1975.03.12，也可填日期格式的单元格",
    "身份证号": "18位；请将该列设为文本格式，否则 Excel 会丢失后几位",
    "籍贯": "如 江西青岚",
    "政治面貌": "中共党员、中共预备党员、各民主党派党员、无党派人士、群众",
    "入党时间": "年月，如 1998.07",
    "参加工作时间": "年月",
    "全日制学历": "研究生、大学本科、大学专科、中专、高中、初中",
    "全日制学位": "博士、硕士、学士，无学位不填",
    "在职学历": "同全日制学历",
    "在职学位": "同全日制学位",
    "专业技术职务": "如 高级工程师，没有不填",
    "单位": "从最上级单位起的全称，各级之间用“/”分隔，如 青岚县/县水利局",
    "职务": "如 局长、副镇长",
    "职务层次": "正县级、副县级、正科级、副科级、科员、办事员",
    "是否班子成员": "是 或 否",
    "任现职时间": "年月",
    "任现职级时间": "年月",
    "后备干部": "后备干部类别，如 县管后备干部，不是不填",
    "备注": "",
    "出生地": "如 江西青岚",
    "健康状况": "如 健康",
    "全日制毕业院校系及专业": "如 南昌大学经济管理学院经济学专业",
    "在职毕业院校系及专业": "如 中共江西省委党校在职研究生班",
    "熟悉专业有何专长": "",
    "排序号": "本单位内的排列顺序，0至999999的整数，不填为0",
}
UNIT_NOTES = {
    "单位": "单位全称，与干部名册中的写法一致",
    "上级单位": "上级单位全称，最上级单位不填",
    "单位类型": "如 县直部门、乡镇",
    "核定编制": "整数，没有不填",
}


def blank_template_xlsx() -> bytes:
    """The blank roster template: the two sheets with their headers only, and 填写说明."""
    notes = [
        [column.header, "必填" if column.required else "选填", COLUMN_NOTES.get(column.header, "")]
        for column in ROSTER_COLUMNS
    ]
    notes += [[f"{UNIT_SHEET}表：{header}", "选填", note] for header, note in UNIT_NOTES.items()]
    return write_xlsx([
        (ROSTER_SHEET, ROSTER_HEADERS, []),
        (UNIT_SHEET, UNIT_HEADERS, []),
        ("填写说明", ("列", "是否必填", "填写要求"), notes),
    ])
