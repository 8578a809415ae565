"""Reading and writing the spreadsheets departments exchange: .xlsx, legacy .xls and .csv.

Files are recognised by their content, not their name: .xlsx is a zip, .xls an OLE2
compound file, anything else must decode as UTF-8 or GB18030 text (what Chinese
Windows Excel writes for "CSV") to be read as CSV.
"""

import csv
import io
import posixpath
import queue
import re
import threading
import time
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text files have no control characters but tab and line ends; binary files almost always do.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableFile(ValueError):
    """The file is empty, too large, or not a spreadsheet; the message says which, in Chinese."""


Rows = list[list[object]]


@dataclass
class Workbook:
    """Sheets by name, each a list of rows; `format` is xlsx, xls or csv. `sheet_names` are
    all the file's sheets, `sheets` those read (all, or the ones asked for).

    A large .xlsx sheet may instead be in `parted`, read in parts on other threads: take its
    rows with `sheet_parts`, which works for every sheet read.
    """

    format: str
    sheets: dict[str, Rows]
    sheet_names: list[str] = field(default_factory=list)
    parted: dict[str, "SheetParts"] = field(default_factory=dict)

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
NOT_A_SPREADSHEET = "文件不是电子表格（应为 .xlsx、.xls 或 .csv）"


def human_size(size: int) -> str:
    if size >= 1073741824:
        return f"{size / 1073741824:.1f} GB"
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


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


def parse_workbook(content: bytes, *, sheets: Iterable[str] | None = None) -> Workbook:
    """The parser proper (calamine for .xlsx/.xls, csv for text); see read_workbook."""
    for magic, kind in _OTHER_FORMATS:
        if content.startswith(magic):
            raise UnreadableFile(f"文件不是电子表格，而是 {kind}（应为 .xlsx、.xls 或 .csv）")
    if content.startswith(XLSX_MAGIC) or content.startswith(XLS_MAGIC):
        kind = "xlsx" if content.startswith(XLSX_MAGIC) else "xls"
        with _calamine_errors(kind, content):
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            wanted_names = None if sheets is None else set(sheets)
            wanted = [name for name in book.sheet_names if wanted_names is None or name in wanted_names]
            parted = _large_sheets(content, wanted) if kind == "xlsx" else {}
            read = {
                name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in wanted if name not in parted
            }
        return Workbook(format=kind, sheets=read, sheet_names=list(book.sheet_names), parted=parted)
    return Workbook(format="csv", sheets={"": _read_csv(content)})


@contextmanager
def _calamine_errors(kind: str, content: bytes) -> Iterator[None]:
    """Calamine's (and zipfile's) errors as UnreadableFile, which says what is wrong in Chinese."""
    try:
        yield
    except UnreadableFile:
        raise
    except (
        CalamineError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError,
        NotImplementedError, RuntimeError,  # zipfile: an unknown compression, version or encryption
    ) as error:
        if kind == "xlsx" and not _zip_has_workbook(content):
            # A whole zip without a workbook part: .docx, .zip and the like.
            raise UnreadableFile(NOT_A_SPREADSHEET) from error
        raise UnreadableFile(f"无法读取该 {kind} 文件，文件可能已损坏（{error}）") from error


# A sheet whose XML is larger than PART_BYTES is read in parts of about that size, two at a time
# on other threads: calamine parses without holding the GIL, so the caller checks the rows of
# one part while the next ones are parsed (a 100,000-row roster is about 60 MB of XML). The
# first part is small, so that checking starts at once.
PART_BYTES = 16 * 1024 * 1024
FIRST_PART_BYTES = 1024 * 1024
PART_THREADS = 2


def _large_sheets(content: bytes, names: list[str]) -> dict[str, "SheetParts"]:
    """The sheets among `names` large enough to read in parts, where the file allows it (any
    doubt about the file, and the sheets are read whole, as calamine reads them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries, supporting = _xlsx_layout(archive)
            sizes = {info.filename: info.file_size for info in archive.infolist()}
    except Exception:  # noqa: BLE001 — any fault here only means: read it whole
        return {}
    return {
        name: SheetParts(content, name, entries[name], supporting)
        for name in names
        if sizes.get(entries.get(name, ""), 0) > PART_BYTES
    }


_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _xlsx_layout(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[str]]:
    """Sheet name → the zip entry of its XML; and the entries a workbook of one sheet needs
    besides (the package parts, the workbook, its shared strings and styles), from
    xl/workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))

    def entry(target: str) -> str:
        return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))

    targets = {item.get("Id"): item for item in relationships.iterfind("{*}Relationship")}
    sheets = {}
    for sheet in workbook.iterfind(".//{*}sheet"):
        relation = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        if relation in targets and targets[relation].get("Target"):
            sheets[sheet.get("name", "")] = entry(targets[relation].get("Target", ""))
    supporting = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"] + [
        entry(item.get("Target", ""))
        for item in targets.values()
        if item.get("Type", "").removeprefix(_RELATIONSHIPS) in ("sharedStrings", "styles") and item.get("Target")
    ]
    names = set(archive.namelist())
    return sheets, [name for name in supporting if name in names]


class SheetParts:
    """A large .xlsx sheet, read in parts of consecutive rows.

    One thread inflates the sheet's XML and cuts it between rows; each part, with the
    workbook's shared strings and styles, makes a small workbook of its own, which calamine
    reads on a worker thread. The rows say their numbers, so a part reads exactly as those
    rows of the whole sheet; the sheet is cut only before a numbered row. At most a few
    parts are read ahead of the one being checked, so memory stays bounded.
    """

    def __init__(self, content: bytes, name: str, entry: str, supporting: list[str]):
        self.content, self.name, self.entry, self.supporting = content, name, entry, supporting
        self.waited = 0.0  # seconds the reader of the parts spent waiting for them

    def parts(self) -> Iterator[tuple[int, Rows]]:
        ready: queue.SimpleQueue[Future[tuple[int, Rows]] | BaseException | None] = queue.SimpleQueue()
        ahead = threading.Semaphore(PART_THREADS + 1)  # parts handed to the workers, not yet taken
        stopped = threading.Event()
        executor = ThreadPoolExecutor(max_workers=PART_THREADS, thread_name_prefix="sheet-part")
        threading.Thread(
            target=self._cut, args=(executor, ready, ahead, stopped), name="sheet-cut", daemon=True
        ).start()
        try:
            while True:
                waiting_since = time.perf_counter()
                with _calamine_errors("xlsx", self.content):
                    item = ready.get()
                    if item is None:
                        return
                    if isinstance(item, BaseException):
                        raise item
                    part = item.result()
                ahead.release()
                self.waited += time.perf_counter() - waiting_since
                yield part
        finally:
            stopped.set()
            executor.shutdown(wait=False, cancel_futures=True)

    def _cut(
        self, executor: ThreadPoolExecutor, ready: "queue.SimpleQueue[Any]", ahead: threading.Semaphore,
        stopped: threading.Event,
    ) -> None:
        """Hand each part to the workers as soon as it is inflated, in order (on its own thread)."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.content)) as archive:
                supporting = {name: archive.read(name) for name in self.supporting}
                with archive.open(self.entry) as stream:
                    chunks = iter(lambda: stream.read(1024 * 1024), b"")
                    for xml in sheet_xml_parts(chunks, first_size=FIRST_PART_BYTES, size=PART_BYTES):
                        while not ahead.acquire(timeout=0.05):
                            if stopped.is_set():
                                return
                        if stopped.is_set():
                            return
                        ready.put(executor.submit(self._read_part, supporting, xml))
        except BaseException as error:  # handed to the reader, which raises it
            ready.put(error)
        finally:
            ready.put(None)

    def _read_part(self, supporting: dict[str, bytes], xml: bytes) -> tuple[int, Rows]:
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as part:
            for name, data in supporting.items():
                part.writestr(name, data)
            part.writestr(self.entry, xml)
        del xml
        output.seek(0)
        sheet = CalamineWorkbook.from_filelike(output).get_sheet_by_name(self.name)
        if sheet.start is None:
            return 0, []
        first_row, first_column = sheet.start
        rows = sheet.to_python(skip_empty_area=True)
        if first_column:
            padding = [""] * first_column
            rows = [padding + row for row in rows]
        return first_row, rows


_SHEET_DATA, _SHEET_END = b"<sheetData>", b"</sheetData></worksheet>"
# Where no <sheetData> appears within this many bytes, the sheet is not cut.
_HEAD_LIMIT = 1024 * 1024
# A row tag (any whitespace after the name), and the row number among its attributes.
_ROW_TAG = re.compile(rb"<row\s[^>]*>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"']")
# Text in which a row tag may appear without being one: there the sheet is not cut further.
_UNPARSED_TEXT = (b"<![CDATA[", b"<!--")


def sheet_xml_parts(chunks: Iterable[bytes], *, first_size: int, size: int) -> Iterator[bytes]:
    """A worksheet's XML, arriving in chunks, as the XML of sheets each holding a run of its
    rows: the first of about `first_size` bytes, the others of about `size`. Each part has the
    sheet's head (everything before the rows) and is closed as a sheet is.

    The XML is cut only before a row that gives its number (r="…"); where the rows do not, or
    the layout is not the plain one (a namespace prefix), the one part is the whole sheet. From
    a CDATA section or a comment on, it is not cut further (a row tag there is only text).
    """
    chunks = iter(chunks)
    pending = bytearray()
    head: bytes | None = None
    target: float = first_size
    scanned = 0  # no row tag starts in pending before this
    for chunk in chunks:
        pending += chunk
        if head is None:
            opening = pending.find(_SHEET_DATA)
            if opening < 0:
                if len(pending) > _HEAD_LIMIT:
                    break
                continue
            head = bytes(pending[:opening + len(_SHEET_DATA)])
            if b"<worksheet" not in head:
                break
            del pending[:len(head)]
        if any(pending.find(marker, max(0, len(pending) - len(chunk) - 8)) >= 0 for marker in _UNPARSED_TEXT):
            target = float("inf")
        while len(pending) > target:
            tag = _ROW_TAG.search(pending, max(int(target), scanned))
            if tag is None:
                # No whole row tag there yet: look again from its possible start next time.
                scanned = max(int(target), len(pending) - 1024)
                break
            if not _ROW_NUMBER.search(tag.group()):
                target = float("inf")
                break
            cut = tag.start()
            yield head + bytes(pending[:cut]) + _SHEET_END
            del pending[:cut]
            target, scanned = size, 0
    else:
        yield (head or b"") + bytes(pending)
        return
    # Not to be cut: the whole sheet, as it is.
    for chunk in chunks:
        pending += chunk
    yield bytes(pending)


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
