"""Reading and writing the spreadsheets departments exchange: .xlsx, legacy .xls and .csv.

Files are recognised by their content, not their name: .xlsx is a zip, .xls an OLE2
compound file, anything else must decode as UTF-8 or GB18030 text (what Chinese
Windows Excel writes for "CSV") to be read as CSV.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from python_calamine import CalamineError, CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text files have no control characters but tab and line ends; binary files almost always do.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableFile(ValueError):
    """The file is empty, too large, or not a spreadsheet; the message says which, in Chinese."""


@dataclass
class Workbook:
    """Sheets by name, each a list of rows; `format` is xlsx, xls or csv. `sheet_names` are
    all the file's sheets, `sheets` those read (all, or the ones asked for)."""

    format: str
    sheets: dict[str, list[list[object]]]
    sheet_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.sheet_names:
            self.sheet_names = list(self.sheets)


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
NOT_A_SPREADSHEET = "文件不是电子表格（应为 .xlsx、.xls 或 .csv）"


def human_size(size: int) -> str:
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


def check_size(size: int, *, max_bytes: int) -> None:
    """Refuse a file by its size alone, before anything reads or parses it."""
    if size > max_bytes:
        raise UnreadableFile(f"文件过大（{human_size(size)}），上限为 {human_size(max_bytes)}")


def read_workbook(content: bytes, *, max_bytes: int, sheets: Iterable[str] | None = None) -> Workbook:
    """Check the size, recognise the format by content, then parse: raises UnreadableFile.

    `sheets` names the sheets wanted (others are not parsed); None reads them all.
    """
    check_size(len(content), max_bytes=max_bytes)
    if not content.strip():
        raise UnreadableFile("文件是空的")
    return parse_workbook(content, sheets=sheets)


def parse_workbook(content: bytes, *, sheets: Iterable[str] | None = None) -> Workbook:
    """The parser proper (calamine for .xlsx/.xls, csv for text); see read_workbook."""
    for magic, kind in _OTHER_FORMATS:
        if content.startswith(magic):
            raise UnreadableFile(f"文件不是电子表格，而是 {kind}（应为 .xlsx、.xls 或 .csv）")
    if content.startswith(XLSX_MAGIC) or content.startswith(XLS_MAGIC):
        kind = "xlsx" if content.startswith(XLSX_MAGIC) else "xls"
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            wanted_names = None if sheets is None else set(sheets)
            wanted = [name for name in book.sheet_names if wanted_names is None or name in wanted_names]
            read = {
                name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in wanted
            }
        except (CalamineError, ValueError, OSError) as error:
            if kind == "xlsx" and not _zip_has_workbook(content):
                # A whole zip without a workbook part: .docx, .zip and the like.
                raise UnreadableFile(NOT_A_SPREADSHEET) from error
            raise UnreadableFile(f"无法读取该 {kind} 文件，文件可能已损坏（{error}）") from error
        return Workbook(format=kind, sheets=read, sheet_names=list(book.sheet_names))
    return Workbook(format="csv", sheets={"": _read_csv(content)})


def _zip_has_workbook(content: bytes) -> bool:
    """False for a readable zip with no xl/ part; True otherwise (a damaged file says so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(name.startswith("xl/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return True


def _read_csv(content: bytes) -> list[list[object]]:
    if b"\x00" in content[:4096]:
        raise UnreadableFile(NOT_A_SPREADSHEET)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("文件不是电子表格，或不是 UTF-8 / GB18030 编码的 CSV")
    if _CONTROL_CHARACTERS.search(text[:4096]):
        raise UnreadableFile(NOT_A_SPREADSHEET)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    if len(rows) < 1 or len(rows[0]) < 2:
        raise UnreadableFile("文件不是电子表格（未找到以逗号分隔的表头）")
    return rows


def write_xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """An .xlsx file of (sheet title, header, rows) triples, streamed row by row."""
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = OpenpyxlWorkbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        header_cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
