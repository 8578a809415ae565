"""The .xlsx fast path (core.xlsx_parts): a large sheet cut between rows and read in parts,
equal to the sheet read whole, and bounded in memory."""

import datetime as dt
import io
import threading
import zipfile
from xml.etree import ElementTree

import pytest

from cadres.core import spreadsheets
from cadres.core.spreadsheets import UnreadableFile, human_size, read_workbook, write_xlsx
from cadres.core.xlsx_parts import sheet_xml_parts

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:B60"/><sheetData>'
)
SHEET_TAIL = b'</sheetData><pageMargins left="0.7" right="0.7"/></worksheet>'


def _sheet_rows(count: int, *, numbered: bool = True) -> list[bytes]:
    return [
        (f'<row r="{n}">' if numbered else "<row>").encode()
        + f'<c r="A{n}" t="inlineStr"><is><t>第{n}行</t></is></c><c r="B{n}"><v>{n}</v></c></row>'.encode()
        for n in range(1, count + 1)
    ]


def _in_chunks(content: bytes, size: int) -> list[bytes]:
    return [content[start:start + size] for start in range(0, len(content), size)]


def test_sheet_xml_is_cut_between_rows_into_sheets_of_their_own():
    # given: a sheet of 60 rows, arriving in 37-byte chunks
    rows = _sheet_rows(60)
    xml = SHEET_HEAD + b"".join(rows) + SHEET_TAIL

    # when
    parts = list(sheet_xml_parts(_in_chunks(xml, 37), first_size=300, size=1500))

    # then: a small first part, then larger ones; each a whole sheet with the head; the
    # rows, in order, are the sheet's rows, and the last part keeps the sheet's own tail
    assert len(parts) > 3
    assert len(parts[0]) < len(parts[1])
    assert all(part.startswith(SHEET_HEAD) for part in parts)
    assert parts[-1].endswith(SHEET_TAIL)
    found: list[str] = []
    for part in parts:
        sheet = ElementTree.fromstring(part)
        found += [row.get("r") for row in sheet.iterfind(".//{*}row")]
    assert found == [str(n) for n in range(1, 61)]


def test_sheet_xml_whose_rows_give_no_number_is_not_cut():
    # given: rows without r="…" (a part would count its rows from 1 again)
    xml = SHEET_HEAD + b"".join(_sheet_rows(60, numbered=False)) + SHEET_TAIL

    # when
    parts = list(sheet_xml_parts(_in_chunks(xml, 37), first_size=300, size=1500))

    # then
    assert parts == [xml]


def test_sheet_xml_with_a_namespace_prefix_is_not_cut():
    # given
    xml = (SHEET_HEAD + b"".join(_sheet_rows(60)) + SHEET_TAIL).replace(b"<sheetData>", b"<x:sheetData>")

    # when
    parts = list(sheet_xml_parts(_in_chunks(xml, 37), first_size=300, size=1500))

    # then
    assert parts == [xml]


def _big_workbook() -> bytes:
    """An .xlsx whose first sheet has 600 varied rows: blank rows, an empty first column,
    dates and numbers; and a small second sheet."""
    rows: list[list[object]] = []
    for n in range(600):
        if n % 97 == 50:
            rows.append([None, None, None, None])
        elif n % 89 == 10:
            rows.append([None, f"无首列{n}", n, dt.date(2000, 1 + n % 12, 1)])
        else:
            rows.append([f"张{n}", "平阳县", n * 1.5, dt.date(1970 + n % 30, 1 + n % 12, 1)])
    return write_xlsx([("名册", ["姓名", "单位", "数", "日期"], rows), ("单位", ["单位"], [["平阳县"]])])


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    """Rows without their trailing empty cells (a whole sheet pads rows to its width)."""
    trimmed = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def test_a_large_sheet_read_in_parts_has_the_rows_of_the_whole(monkeypatch):
    # given: the same workbook read whole, then with parts of a few KB
    content = _big_workbook()
    whole = read_workbook(content, max_bytes=1 << 24)
    monkeypatch.setattr(spreadsheets, "PART_BYTES", 6000)
    monkeypatch.setattr(spreadsheets, "FIRST_PART_BYTES", 1500)

    # when
    book = read_workbook(content, max_bytes=1 << 24)
    parts = list(book.sheet_parts("名册"))

    # then: the big sheet came in parts, each at its own sheet row, and reads as the whole;
    # the small one was read whole
    assert list(book.parted) == ["名册"]
    assert len(parts) > 5
    assert [first for first, _ in parts] == sorted(first for first, _ in parts)
    assert _trimmed(book.rows("名册")) == _trimmed(whole.sheets["名册"])
    assert book.sheets["单位"] == whole.sheets["单位"]
    assert book.sheet_names == whole.sheet_names == ["名册", "单位"]


def test_a_damaged_row_in_a_later_part_makes_the_file_unreadable(monkeypatch):
    # given: a workbook whose sheet XML breaks near its end
    original = _big_workbook()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                cut = data.rindex(b"</c>")
                data = data[:cut] + b"</d>" + data[cut + 4:]
            target.writestr(info, data)
    monkeypatch.setattr(spreadsheets, "PART_BYTES", 6000)
    monkeypatch.setattr(spreadsheets, "FIRST_PART_BYTES", 1500)
    book = read_workbook(damaged.getvalue(), max_bytes=1 << 24)

    # when
    with pytest.raises(UnreadableFile) as raised:
        list(book.sheet_parts("名册"))

    # then
    assert str(raised.value).startswith("无法读取该 xlsx 文件，文件可能已损坏")


def test_leaving_the_parts_early_stops_the_reading(monkeypatch):
    # given
    monkeypatch.setattr(spreadsheets, "PART_BYTES", 6000)
    monkeypatch.setattr(spreadsheets, "FIRST_PART_BYTES", 1500)
    book = read_workbook(_big_workbook(), max_bytes=1 << 24)

    # when: the reader takes the first part only (a wrong header, say)
    parts = book.sheet_parts("名册")
    first_row, rows = next(parts)
    parts.close()

    # then: no reading thread is left behind
    assert first_row == 0 and rows[0] == ["姓名", "单位", "数", "日期"]
    for thread in threading.enumerate():
        if thread.name.startswith(("sheet-part", "sheet-cut")):
            thread.join(timeout=10)
            assert not thread.is_alive()


def test_an_xlsx_that_would_inflate_past_the_limit_is_refused_before_parsing(monkeypatch):
    # given: a limit below what this workbook's entries inflate to
    content = _big_workbook()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    monkeypatch.setattr(spreadsheets, "MAX_INFLATED_BYTES", inflated - 1)
    monkeypatch.setattr(spreadsheets, "parse_workbook", lambda *args, **kwargs: pytest.fail("parsed"))

    # when
    with pytest.raises(UnreadableFile) as raised:
        read_workbook(content, max_bytes=1 << 24)

    # then
    assert str(raised.value).startswith(f"文件解压后过大（{human_size(inflated)}），上限为")


def test_sheet_xml_is_not_cut_inside_a_comment_or_cdata_section():
    # given: row tags written as text inside a comment and inside CDATA, half way down
    rows = _sheet_rows(60)
    text = [
        b'<!-- <row r="999"> -->',
        b'<row r="31"><c r="A31" t="inlineStr"><is><t><![CDATA[<row r="998">]]></t></is></c></row>',
    ]
    for marked in (text[0] + rows[30], text[1]):
        xml = SHEET_HEAD + b"".join(rows[:30]) + marked + b"".join(rows[31:]) + SHEET_TAIL

        # when
        parts = list(sheet_xml_parts(_in_chunks(xml, 37), first_size=300, size=1500))

        # then: cut only before it, and the last part holds it whole
        assert len(parts) > 1
        assert marked in parts[-1]
        rows_of_parts = [part[len(SHEET_HEAD):-len(b"</sheetData></worksheet>")] for part in parts[:-1]]
        assert b"".join(rows_of_parts) + parts[-1][len(SHEET_HEAD):] == xml[len(SHEET_HEAD):]


def test_sheet_xml_rows_with_other_whitespace_before_their_number_are_cut():
    # given: LibreOffice-like row tags, a newline before r="…" and r not the first attribute
    rows = [row.replace(b'<row r="', b'<row spans="1:2"\n r="') for row in _sheet_rows(60)]
    xml = SHEET_HEAD + b"".join(rows) + SHEET_TAIL

    # when
    parts = list(sheet_xml_parts(_in_chunks(xml, 37), first_size=300, size=1500))

    # then
    assert len(parts) > 3
    assert all(part[len(SHEET_HEAD):].startswith(b'<row spans="1:2"\n r="') for part in parts)


def test_a_part_carries_only_the_entries_calamine_needs(monkeypatch):
    # given: a large sheet in a workbook that also holds a picture
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_big_workbook())) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/media/image1.png", b"\x89PNG" + bytes(100_000))
    monkeypatch.setattr(spreadsheets, "PART_BYTES", 6000)

    # when
    book = read_workbook(output.getvalue(), max_bytes=1 << 24)

    # then: the workbook, its relationships, shared strings and styles; no picture
    supporting = book.parted["名册"].supporting
    assert "xl/workbook.xml" in supporting and "xl/styles.xml" in supporting
    assert "xl/media/image1.png" not in supporting
    assert len(book.rows("名册")) == 601


def _with_compression_method(content: bytes, entry: str, method: int) -> bytes:
    """The zip with one entry's compression method changed (in its local and central headers)."""
    data = bytearray(content)
    name = entry.encode()
    for signature, offset, method_at in ((b"PK\x03\x04", 30, 8), (b"PK\x01\x02", 46, 10)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            if data[position + offset:position + offset + len(name)] == name:
                data[position + method_at:position + method_at + 2] = method.to_bytes(2, "little")
                break
            position += 4
    return bytes(data)


@pytest.mark.parametrize("in_parts", [False, True])
def test_an_entry_compressed_in_an_unknown_way_gives_the_damaged_file_message(monkeypatch, in_parts):
    # given: the sheet's entry claims compression method 99
    content = _with_compression_method(_big_workbook(), "xl/worksheets/sheet1.xml", 99)
    if in_parts:
        monkeypatch.setattr(spreadsheets, "PART_BYTES", 6000)

    # when
    with pytest.raises(UnreadableFile) as raised:
        book = read_workbook(content, max_bytes=1 << 24)
        book.rows("名册")

    # then
    assert str(raised.value).startswith("无法读取该 xlsx 文件，文件可能已损坏")
