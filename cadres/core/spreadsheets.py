"""Reading and writing the spreadsheets departments exchange: .xlsx, legacy .xls and .csv.

Files are recognised by their content, not their name: .xlsx is a zip, .xls an OLE2
compound file, anything else must decode as UTF-8 or GB18030 text (what Chinese
Windows Excel writes for "CSV") to be read as CSV.

This module is the interface: `read_workbook` (raising `UnreadableFile` with a Chinese
message), `Workbook`, `write_xlsx` (the one writer of every spreadsheet the product hands
out) and `control_character`. The .xlsx fast and defensive paths behind it (a large sheet
read in parts, the XML checks, facts about single cells) are in `cadres.core.xlsx_parts`.
"""

import csv
import io
import re
import zipfile
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook

from cadres.core import xlsx_parts
from cadres.core.xlsx_parts import (
    NOT_A_SPREADSHEET,
    CellNotes,
    SheetParts,
    UnreadableFile,
    calamine_errors,
    check_xml_entries,
    human_size,
    large_sheets,
    sheet_cell_notes,
)

__all__ = [
    "NOT_A_SPREADSHEET", "CellNotes", "Sheet", "Styled", "UnreadableFile", "Workbook", "check_size",
    "control_character", "human_size", "parse_workbook", "read_workbook", "write_xlsx",
]

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The C0 control characters and DEL, but tab, line feed and carriage return: a cell may hold
# those three (Alt+Enter in Excel makes a line break; they are whitespace, shown as such).
# The others are invisible, break XML (Excel cannot save them) and PostgreSQL refuses NUL.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI "
    "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()


def control_character(text: str) -> str | None:
    """The name of the first control character `text` holds that no cell may (NUL, ESC, …),
    or None; see _CONTROL_CHARACTERS for which are refused and why."""
    found = _CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    code = ord(found.group())
    return "DEL" if code == 0x7F else _CONTROL_NAMES[code]


def control_character_message(name: str) -> str:
    """The reason given for a cell holding the control character `name`."""
    return f"含有不可见的控制字符（{name}），请删除后重新导入"


Rows = list[list[object]]


@dataclass
class Workbook:
    """Sheets by name, each a list of rows; `format` is xlsx, xls or csv. `sheet_names` are
    all the file's sheets, `sheets` those read (all, or the ones asked for).

    A large .xlsx sheet may instead be in `parted`, read in parts on other threads: take its
    rows with `sheet_parts`, which works for every sheet read. `content` is the file, kept
    for `cell_notes`.
    """

    format: str
    sheets: dict[str, Rows]
    sheet_names: list[str] = field(default_factory=list)
    parted: dict[str, SheetParts] = field(default_factory=dict)
    content: bytes = field(default=b"", repr=False)
    _notes: dict[str, CellNotes] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.sheet_names:
            self.sheet_names = list(self.sheets) + list(self.parted)

    def has_sheet(self, name: str) -> bool:
        return name in self.sheets or name in self.parted

    def sheet_parts(self, name: str) -> Generator[tuple[int, Rows], None, None]:
        """The sheet's rows in parts, each with the 0-based sheet row of its first row; the
        rows in a part are consecutive sheet rows, and the parts come in order."""
        if name in self.parted:
            yield from self.parted[name].parts()
        else:
            yield 0, self.sheets[name]

    def rows(self, name: str) -> Rows:
        """The sheet's rows in one list, the first sheet row first."""
        if name not in self.parted:
            return self.sheets[name]
        rows: Rows = []
        for first_row, part in self.sheet_parts(name):
            rows += [[] for _ in range(first_row - len(rows))]
            rows += part
        return rows

    def cell_notes(self, name: str) -> CellNotes:
        """What the values do not say about the sheet's cells (merged ranges, formulas saved
        without a result, Excel's serial 60), for explaining an error; .xlsx only, read from
        its XML on first asking. Other formats have no notes."""
        if self.format != "xlsx" or not self.content:
            return CellNotes()
        if name not in self._notes:
            self._notes[name] = sheet_cell_notes(self.content, name)
        return self._notes[name]

    @property
    def seconds_waited(self) -> float:
        """How long the reader of parted sheets waited for parts still being parsed."""
        return sum(sheet.waited for sheet in self.parted.values())


# Formats people upload by mistake, recognised so the message can name them.
_OTHER_FORMATS = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
)


def check_size(size: int, *, max_bytes: int) -> None:
    """Refuse a file by its size alone, before anything reads or parses it."""
    if size > max_bytes:
        raise UnreadableFile(f"文件过大（{human_size(size)}），上限为 {human_size(max_bytes)}")


# An .xlsx whose parts would inflate to more than this is refused before it is inflated: a
# 100,000-row roster is about 70 MB inflated, a "zip bomb" of a few MB can be many GB.
MAX_INFLATED_BYTES = 1024 * 1024 * 1024


def read_workbook(content: bytes, *, max_bytes: int, sheets: Iterable[str] | None = None) -> Workbook:
    """Check the size, recognise the format by content, then parse: raises UnreadableFile.

    `sheets` names the sheets wanted (others are not parsed); None reads them all.
    """
    check_size(len(content), max_bytes=max_bytes)
    if not content.strip():
        raise UnreadableFile("文件是空的")
    if content.startswith(XLSX_MAGIC):
        _check_inflated_size(content)
        check_xml_entries(content)
    return parse_workbook(content, sheets=sheets)


def _check_inflated_size(content: bytes) -> None:
    """Refuse an .xlsx whose entries say they inflate past MAX_INFLATED_BYTES (the readers
    stop at the sizes the entries give, so these bound what reading can take)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except Exception:  # noqa: BLE001 — not a zip Python reads: the parser says what is wrong
        return
    if inflated > MAX_INFLATED_BYTES:
        raise UnreadableFile(
            f"文件解压后过大（{human_size(inflated)}），上限为 {human_size(MAX_INFLATED_BYTES)}；"
            "请确认文件是正常保存的名册"
        )


# A sheet of over PART_BYTES of XML is read in parts (xlsx_parts.SheetParts), the first of
# FIRST_PART_BYTES so that checking starts at once; tests lower both to cut small sheets.
PART_BYTES = xlsx_parts.PART_BYTES
FIRST_PART_BYTES = xlsx_parts.FIRST_PART_BYTES


def parse_workbook(content: bytes, *, sheets: Iterable[str] | None = None) -> Workbook:
    """The parser proper (calamine for .xlsx/.xls, csv for text); see read_workbook."""
    for magic, kind in _OTHER_FORMATS:
        if content.startswith(magic):
            raise UnreadableFile(f"文件不是电子表格，而是 {kind}（应为 .xlsx、.xls 或 .csv）")
    if content.startswith(XLSX_MAGIC) or content.startswith(XLS_MAGIC):
        kind = "xlsx" if content.startswith(XLSX_MAGIC) else "xls"
        with calamine_errors(kind, content):
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            wanted_names = None if sheets is None else set(sheets)
            wanted = [name for name in book.sheet_names if wanted_names is None or name in wanted_names]
            parted = (
                large_sheets(content, wanted, size=PART_BYTES, first_size=FIRST_PART_BYTES)
                if kind == "xlsx" else {}
            )
            read: dict[str, Rows] = {
                name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)  # type: ignore[misc]
                for name in wanted if name not in parted
            }
        return Workbook(
            format=kind, sheets=read, sheet_names=list(book.sheet_names), parted=parted, content=content
        )
    return Workbook(format="csv", sheets={"": _read_csv(content)})


# A text with more control characters than this in its first 4 KB is a binary file, not a CSV;
# one or two are a careless cell, which the roster check names by row and column.
_BINARY_CONTROL_CHARACTERS = 4


def _read_csv(content: bytes) -> list[list[object]]:
    if content[:4096].count(b"\x00") > _BINARY_CONTROL_CHARACTERS:
        raise UnreadableFile(NOT_A_SPREADSHEET)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("文件不是电子表格，或不是 UTF-8 / GB18030 编码的 CSV")
    if len(_CONTROL_CHARACTERS.findall(text[:4096])) > _BINARY_CONTROL_CHARACTERS:
        raise UnreadableFile(NOT_A_SPREADSHEET)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    if len(rows) < 1 or len(rows[0]) < 2:
        raise UnreadableFile("文件不是电子表格（未找到以逗号分隔的表头）")
    return rows


# Text a spreadsheet program may take for a formula or a command (OWASP, "CSV injection"):
# a leading =, +, -, @, tab or carriage return. openpyxl itself makes text starting with "=" a
# formula cell, and "#N/A"-like text an error cell. "#" only marks the text for a closer look.
_FORMULA_TRIGGERS = frozenset("=+-@\t\r#")


@dataclass(frozen=True)
class Styled:
    """A cell value with the look it is written in: bold, a font size, a number format."""

    value: object
    bold: bool = False
    size: float | None = None
    number_format: str | None = None


@dataclass
class Sheet:
    """A sheet to write: its title, a header row in bold (none when empty), the rows (values
    or Styled values) and column widths by letter."""

    title: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]]
    widths: dict[str, float] = field(default_factory=dict)


def write_xlsx(sheets: Iterable[Sheet | tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """An .xlsx file of sheets (Sheet, or (title, header, rows) triples), streamed row by row:
    the one writer of every spreadsheet the product hands out, so that none carries a live
    formula.

    Text that a spreadsheet program may take for a formula (see _FORMULA_TRIGGERS) is written
    as a text cell (t="inlineStr", never <f>) marked with Excel's quotePrefix style, the
    style Excel itself gives text typed after an apostrophe: the cell shows and reads back as
    the very same text (no apostrophe is added to the value, so export → import → export is
    unchanged), and editing it in Excel keeps it text. Numbers, dates and booleans are
    written as they are: a negative number is a number. A control character Excel cannot
    store (imports refuse them; older records may hold one) is replaced by U+FFFD rather than
    failing the whole export.
    """
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = OpenpyxlWorkbook(write_only=True)
    bold = Font(bold=True)

    def styled(sheet: Any, value: Styled) -> Any:
        cell = safe(sheet, [value.value])[0]
        if cell is value.value or cell.__class__ is str:
            cell = WriteOnlyCell(sheet, value=cell)
        if value.bold or value.size:
            cell.font = Font(bold=value.bold, size=value.size)  # type: ignore[attr-defined]
        if value.number_format:
            cell.number_format = value.number_format  # type: ignore[attr-defined]
        return cell

    def safe(sheet: Any, row: Sequence[object]) -> list[object]:
        cells = list(row)
        if ILLEGAL_CHARACTERS_RE.search("\n".join([value for value in cells if value.__class__ is str])):  # type: ignore[misc]
            cells = [_storable(value) if isinstance(value, str) else value for value in cells]
        for index, value in enumerate(cells):
            if value.__class__ is str and value[:1] in _FORMULA_TRIGGERS:  # type: ignore[index]
                if value[0] != "#" or value in ERROR_CODES:  # type: ignore[index]
                    cell = WriteOnlyCell(sheet, value=_storable(value))  # type: ignore[arg-type]
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    cells[index] = cell
            elif value.__class__ is Styled:
                cells[index] = styled(sheet, value)  # type: ignore[arg-type]
        return cells

    for item in sheets:
        sheet_spec = item if isinstance(item, Sheet) else Sheet(*item)
        sheet = book.create_sheet(sheet_spec.title)
        for letter, width in sheet_spec.widths.items():
            sheet.column_dimensions[letter].width = width
        if sheet_spec.header:
            header_cells = []
            for name in sheet_spec.header:
                cell = safe(sheet, [name])[0]
                if cell is name:
                    cell = WriteOnlyCell(sheet, value=name)
                cell.font = bold  # type: ignore[attr-defined]
                header_cells.append(cell)
            sheet.append(header_cells)
        for row in sheet_spec.rows:
            sheet.append(safe(sheet, row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _storable(value: str) -> str:
    """The text without the control characters an .xlsx cannot hold (U+FFFD in their place)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
