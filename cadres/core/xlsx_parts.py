""".xlsx internals the spreadsheet reader needs beyond calamine: a large sheet read in parts,
the XML checks made before calamine sees a file, and facts about single cells calamine does
not give (merged ranges, formulas without a cached value, Excel's serial 60).

Callers use `cadres.core.spreadsheets` (read_workbook, Workbook, UnreadableFile); this module
is the fast and defensive path behind it, kept apart so that module reads as the interface.

Memory is bounded by design: the sheet's XML is inflated a chunk at a time and cut between
rows, so no more than MAX_UNCUT_BYTES of it is ever held at once. A sheet that cannot be cut
within that window (one "row" of 1 GB of whitespace, say: a 1 MB upload) is refused instead of
being held whole, since no spreadsheet Excel, WPS or LibreOffice saves looks like that.
"""

import datetime as dt
import io
import posixpath
import queue
import re
import threading
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

NOT_A_SPREADSHEET = "文件不是电子表格（应为 .xlsx、.xls 或 .csv）"

Rows = list[list[object]]


class UnreadableFile(ValueError):
    """The file is empty, too large, or not a spreadsheet; the message says which, in Chinese."""


def human_size(size: int) -> str:
    if size >= 1073741824:
        return f"{size / 1073741824:.1f} GB"
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


# A sheet whose XML is larger than PART_BYTES is read in parts of about that size, two at a time
# on other threads: calamine parses without holding the GIL, so the caller checks the rows of
# one part while the next ones are parsed (a 100,000-row roster is about 60 MB of XML). The
# first part is small, so that checking starts at once.
PART_BYTES = 16 * 1024 * 1024
FIRST_PART_BYTES = 1024 * 1024
PART_THREADS = 2
# The most XML a sheet may hold without a place to cut it: one row, or a whole sheet that can
# not be cut at all (rows without numbers, a namespace prefix, a comment). Above it the file is
# refused rather than held whole: about 100,000 roster rows as Excel writes them.
MAX_UNCUT_BYTES = 64 * 1024 * 1024
# Bytes inflated at a time.
CHUNK_BYTES = 1024 * 1024


def _uncut_message(sheet: str) -> str:
    return (
        f"工作表“{sheet}”的内容结构异常（超过 {human_size(MAX_UNCUT_BYTES)} 的内容中找不到行的分界），"
        "无法读取；请在 Excel 或 WPS 中打开该文件，另存为 .xlsx 后重新导入"
    )


@contextmanager
def calamine_errors(kind: str, content: bytes) -> Iterator[None]:
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


def _zip_has_workbook(content: bytes) -> bool:
    """False for a readable zip with no xl/ part; True otherwise (a damaged file says so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(name.startswith("xl/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return True


# --- Checks before calamine reads the file -------------------------------------------------

# A document type declaration is where XML entities (XXE, "billion laughs") are declared; no
# spreadsheet program writes one, so its presence alone refuses the file.
_DOCTYPE = re.compile(rb"<!\s*(?i:doctype|entity)")
# The root element's start: the first "<" followed by a name.
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
# How far into an entry the root element must start (the prolog is a line or two).
_PROLOG_LIMIT = 64 * 1024
DOCTYPE_MESSAGE = (
    "文件中含有 XML 文档类型声明（DOCTYPE），正常保存的 Excel 或 WPS 文件不会包含；"
    "出于安全考虑不予读取，请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入"
)


def check_xml_entries(content: bytes) -> None:
    """Refuse an .xlsx any of whose XML parts declares a document type (the only way to an
    external or recursive entity), with a Chinese message instead of the parser's English;
    or whose parts other than worksheets (shared strings, styles, the workbook) would inflate
    past MAX_UNCUT_BYTES: calamine holds them whole, and every part of a sheet read in parts
    carries them.

    Only each part's prolog is read: a declaration may stand nowhere else. A file Python's
    zipfile cannot open is left to calamine, whose error says what is wrong.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except Exception:  # noqa: BLE001 — not a zip Python reads: the parser says what is wrong
        return
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            if info.file_size > MAX_UNCUT_BYTES and not info.filename.startswith("xl/worksheets/"):
                raise UnreadableFile(
                    f"文件中的“{info.filename}”解压后过大（{human_size(info.file_size)}），"
                    f"上限为 {human_size(MAX_UNCUT_BYTES)}；请确认文件是正常保存的名册"
                )
            try:
                with archive.open(info) as stream:
                    head = stream.read(_PROLOG_LIMIT)
            except Exception:  # noqa: BLE001 — a damaged entry: the parser reports it
                continue
            start = _ELEMENT_START.search(head)
            prolog = head if start is None else head[:start.start()]
            if _DOCTYPE.search(prolog):
                raise UnreadableFile(DOCTYPE_MESSAGE)


# --- A large sheet in parts ------------------------------------------------------------------


def large_sheets(
    content: bytes, names: list[str], *, size: int = PART_BYTES, first_size: int = FIRST_PART_BYTES
) -> dict[str, "SheetParts"]:
    """The sheets among `names` of over `size` bytes of XML, to read in parts of about `size`
    (the first of `first_size`), where the file allows it (any doubt about the file, and the
    sheets are read whole, as calamine reads them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries, supporting = xlsx_layout(archive)
            sizes = {info.filename: info.file_size for info in archive.infolist()}
    except Exception:  # noqa: BLE001 — any fault here only means: read it whole
        return {}
    return {
        name: SheetParts(content, name, entries[name], supporting, size=size, first_size=first_size)
        for name in names
        if sizes.get(entries.get(name, ""), 0) > size
    }


_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def xlsx_layout(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[str]]:
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

    def __init__(
        self, content: bytes, name: str, entry: str, supporting: list[str], *,
        size: int = PART_BYTES, first_size: int = FIRST_PART_BYTES,
    ):
        self.content, self.name, self.entry, self.supporting = content, name, entry, supporting
        self.size, self.first_size = size, first_size
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
                with calamine_errors("xlsx", self.content):
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
                    chunks = iter(lambda: stream.read(CHUNK_BYTES), b"")
                    parts = sheet_xml_parts(
                        chunks, first_size=self.first_size, size=self.size, sheet=self.name
                    )
                    for xml in parts:
                        while not ahead.acquire(timeout=0.05):
                            if stopped.is_set():
                                return
                        if stopped.is_set():
                            return
                        ready.put(executor.submit(self._read_part, supporting, xml))
                        del xml
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
        rows: Rows = sheet.to_python(skip_empty_area=True)  # type: ignore[assignment]
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


def sheet_xml_parts(
    chunks: Iterable[bytes], *, first_size: int, size: int, sheet: str = "",
    limit: int | None = None,
) -> Iterator[bytes]:
    """A worksheet's XML, arriving in chunks, as the XML of sheets each holding a run of its
    rows: the first of about `first_size` bytes, the others of about `size`. Each part has the
    sheet's head (everything before the rows) and is closed as a sheet is.

    The XML is cut only before a row that gives its number (r="…"); where the rows do not, or
    the layout is not the plain one (a namespace prefix), the one part is the whole sheet. From
    a CDATA section or a comment on, it is not cut further (a row tag there is only text).

    No more than `limit` bytes (MAX_UNCUT_BYTES) are held without a cut, whether the sheet
    cannot be cut or one "row" is that long: past it, UnreadableFile, so a file that inflates
    to 1 GB without a row boundary costs about `limit` of memory, not several times 1 GB.
    """
    limit = MAX_UNCUT_BYTES if limit is None else limit
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
        if len(pending) > limit:
            raise UnreadableFile(_uncut_message(sheet))
    else:
        yield (head or b"") + bytes(pending)
        return
    # Not to be cut: the whole sheet, as it is, if it fits the limit.
    for chunk in chunks:
        pending += chunk
        if len(pending) > limit:
            raise UnreadableFile(_uncut_message(sheet))
    yield bytes(pending)


# --- Facts about single cells ----------------------------------------------------------------

# Excel counts 1900 as a leap year (as Lotus 1-2-3 did): serial 60 is 1900-02-29, a day that
# never was, and calamine reads it as 1900-02-28, the same as serial 59.
EXCEL_FICTITIOUS_DATE = dt.date(1900, 2, 28)

_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*[\"']([A-Z]+[0-9]+):([A-Z]+[0-9]+)[\"']")
# A cell's start tag, and what follows up to its end (cells hold no nested <c>).
_CELL_WITH_FORMULA = re.compile(rb"<(?:\w+:)?c\s([^>]*?)>((?:(?!</(?:\w+:)?c>).){0,4096}?)</(?:\w+:)?c>", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SERIAL_60 = re.compile(rb"<(?:\w+:)?v>\s*60(?:\.0*)?\s*</(?:\w+:)?v>")
_REFERENCE_ATTRIBUTE = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Z]+[0-9]+)[\"']")
_TYPE_ATTRIBUTE = re.compile(rb"(?:^|\s)t\s*=\s*[\"'](\w*)[\"']")
_CACHED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def cell_position(reference: str) -> tuple[int, int]:
    """"B12" → (11, 1): the 0-based row and column of a cell reference."""
    match = _CELL_REFERENCE.fullmatch(reference)
    if match is None:
        raise ValueError(reference)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)) - 1, column - 1


@dataclass
class CellNotes:
    """What calamine's values do not say about some cells of a sheet (0-based row, column):
    the cells covered by a merged range other than its top-left one, formulas saved without
    a result, and number cells holding 60 (Excel's 1900-02-29 when shown as a date)."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, column, last row, column
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)
    serial_60: set[tuple[int, int]] = field(default_factory=set)

    def in_merged_range(self, row: int, column: int) -> bool:
        """Inside a merged range but not its top-left cell (the only one with a value)."""
        return any(
            top <= row <= bottom and left <= column <= right and (row, column) != (top, left)
            for top, left, bottom, right in self.merged
        )


def sheet_cell_notes(content: bytes, sheet: str) -> CellNotes:
    """The CellNotes of one sheet of an .xlsx, from its XML, read a chunk at a time.

    For error messages only (a cell reported empty, a date of 1900-02-28): the scan looks for
    tags a roster seldom has (<mergeCell>, <f>, <v>60</v>), so it is quick even on a large
    sheet. Anything unreadable gives no notes: the plain message stands.
    """
    notes = CellNotes()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entry = xlsx_layout(archive)[0].get(sheet)
            if entry is None:
                return notes
            with archive.open(entry) as stream:
                tail = b""
                while chunk := stream.read(CHUNK_BYTES):
                    text = tail + chunk
                    # Keep the text after the last whole cell for the next chunk.
                    cut = max(text.rfind(b"</c>"), text.rfind(b"/>"))
                    cut = len(text) if cut < 0 or len(text) - cut > 65536 else cut + 2
                    _note_cells(text[:cut], notes)
                    tail = text[cut:]
                _note_cells(tail, notes)
    except Exception:  # noqa: BLE001 — notes only refine a message
        return CellNotes()
    return notes


def _note_cells(xml: bytes, notes: CellNotes) -> None:
    for match in _MERGE_CELL.finditer(xml):
        top, left = cell_position(match.group(1).decode())
        bottom, right = cell_position(match.group(2).decode())
        notes.merged.append((top, left, bottom, right))
    for found in (_FORMULA, _SERIAL_60):
        for hit in found.finditer(xml):
            start = max(xml.rfind(b"<c ", 0, hit.start()), xml.rfind(b"<c\t", 0, hit.start()),
                        xml.rfind(b"<c\n", 0, hit.start()))
            if start < 0:
                continue
            cell = _CELL_WITH_FORMULA.match(xml, start)
            if cell is None or cell.end() < hit.end():
                continue
            reference = _REFERENCE_ATTRIBUTE.search(cell.group(1))
            if reference is None:
                continue
            position = cell_position(reference.group(1).decode())
            if found is _FORMULA:
                if not _CACHED_VALUE.search(cell.group(2)):
                    notes.uncached_formulas.add(position)
            else:
                kind = _TYPE_ATTRIBUTE.search(cell.group(1))
                if kind is None or kind.group(1) == b"n":
                    notes.serial_60.add(position)
