"""Reading and writing the spreadsheets departments exchange: .xlsx, legacy .xls and .csv.

Files are recognised by their content, not their name: .xlsx is a zip, .xls an OLE2
compound file, anything else must decode as UTF-8 or GB18030 text (what Chinese
Windows Excel writes for "CSV") to be read as CSV.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """The file is empty, too large, or not a spreadsheet; the message says which, in Chinese."""


@dataclass
class Workbook:
    """Sheets by name, each a list of rows; `format` is xlsx, xls or csv."""

    format: str
    sheets: dict[str, list[list[object]]]


def read_workbook(content: bytes, *, max_bytes: int) -> Workbook:
    if len(content) > max_bytes:
        raise UnreadableFile(
            f"文件过大（{len(content) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB"
        )
    if not content.strip():
        raise UnreadableFile("文件是空的")
    if content.startswith(XLSX_MAGIC) or content.startswith(XLS_MAGIC):
        kind = "xlsx" if content.startswith(XLSX_MAGIC) else "xls"
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheets = {
                name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in book.sheet_names
            }
        except (CalamineError, ValueError, OSError) as error:
            raise UnreadableFile(f"无法读取该{kind}文件，文件可能已损坏：{error}") from error
        return Workbook(format=kind, sheets=sheets)
    return Workbook(format="csv", sheets={"": _read_csv(content)})


def _read_csv(content: bytes) -> list[list[object]]:
    if b"\x00" in content[:4096]:
        raise UnreadableFile("文件不是电子表格（应为 .xlsx、.xls 或 .csv）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("文件不是电子表格，或不是 UTF-8 / GB18030 编码的 CSV")
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
