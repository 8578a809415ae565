"""Hostile and careless spreadsheets (issue 9, findings 2, 5, 9 and 13): no live formula in
what the product writes, bounded memory for a sheet that never breaks into rows, control
characters named, DTDs refused in Chinese, cells that read empty or as 1900-02-28 explained."""

import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cadres.core import xlsx_parts
from cadres.core.spreadsheets import (
    Sheet,
    Styled,
    UnreadableFile,
    control_character,
    read_workbook,
    write_xlsx,
)
from cadres.core.xlsx_parts import sheet_cell_notes, sheet_xml_parts

REPOSITORY = Path(__file__).resolve().parents[3]


def _cells(content: bytes, sheet: str, row: int) -> list[openpyxl.cell.Cell]:
    return list(openpyxl.load_workbook(io.BytesIO(content))[sheet][row])


def test_text_that_looks_like_a_formula_is_written_as_a_text_cell():
    # given
    hyperlink, command = '=HYPERLINK("http://x","x")', "=cmd|' /C calc'!A0"

    # when
    content = write_xlsx([("名册", ["姓名", "职务"], [[hyperlink, command], ["+1", "@SUM(A1)"], ["-2", "#N/A"]])])

    # then: text cells holding exactly the text, marked to stay text when edited in Excel
    for row, expected in ((2, [hyperlink, command]), (3, ["+1", "@SUM(A1)"]), (4, ["-2", "#N/A"])):
        cells = _cells(content, "名册", row)
        assert [cell.value for cell in cells] == expected
        assert [cell.data_type for cell in cells] == ["s", "s"]
        assert all(cell.quotePrefix for cell in cells)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    assert read_workbook(content, max_bytes=1 << 20).sheets["名册"][1] == [hyperlink, command]


def test_numbers_dates_and_plain_text_are_written_as_they_are():
    # given
    row = [-5, 3.5, dt.date(2001, 2, 3), True, "张三", "#1", "a-b", None]

    # when
    cells = _cells(write_xlsx([("表", list("abcdefgh"), [row])]), "表", 2)

    # then: a negative number is a number, a date a date; ordinary text has no mark
    assert [cell.value for cell in cells] == [-5, 3.5, dt.datetime(2001, 2, 3), True, "张三", "#1", "a-b", None]
    assert [cell.data_type for cell in cells] == ["n", "n", "d", "b", "s", "s", "s", "n"]
    assert not any(cell.quotePrefix for cell in cells)


def test_a_control_character_in_a_record_does_not_fail_the_export():
    # when
    cells = _cells(write_xlsx([("表", ["备注"], [["甲\x00乙"]])]), "表", 2)

    # then
    assert cells[0].value == "甲\ufffd乙"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("张\x00三", "NUL"), ("a\x1bb", "ESC"), ("\x7f", "DEL"), ("a\x0bb", "VT"),
        ("第一行\n第二行\t\r", None), ("张三", None),
    ],
)
def test_control_character_names_the_first_one_refused(text, name):
    # when / then: tab, line feed and carriage return are allowed in a cell
    assert control_character(text) == name


def _xlsx_with(entry: str, change) -> bytes:
    content = write_xlsx([("名册", ["姓名", "单位"], [["zhang", "x"]])])
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == entry else data)
    return output.getvalue()


@pytest.mark.parametrize("entry", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_an_xml_part_with_a_document_type_is_refused_in_chinese(entry):
    # given: an external entity (XXE) declared and used
    def with_doctype(data: bytes) -> bytes:
        declaration = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        at = data.index(b"?>") + 2 if b"?>" in data else 0
        return (data[:at] + declaration + data[at:]).replace(b"zhang", b"&xxe;")

    # when
    with pytest.raises(UnreadableFile) as raised:
        read_workbook(_xlsx_with(entry, with_doctype), max_bytes=1 << 20)

    # then: Chinese only, no parser text
    assert str(raised.value) == xlsx_parts.DOCTYPE_MESSAGE
    message = str(raised.value)
    for word in ("XML", "DOCTYPE", "Excel", "WPS", "xlsx"):
        message = message.replace(word, "")
    assert not any("a" <= letter.lower() <= "z" for letter in message)


def test_sheet_xml_without_a_row_boundary_is_refused_past_the_limit():
    # given: a sheet head, then whitespace and no row at all
    head = b'<worksheet xmlns="x"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    chunks = [head] + [b" " * 1000] * 100

    # when
    with pytest.raises(UnreadableFile) as raised:
        list(sheet_xml_parts(chunks, first_size=100, size=1000, sheet="名册", limit=20_000))

    # then
    assert str(raised.value).startswith("工作表“名册”的内容结构异常")


def test_sheet_xml_that_cannot_be_cut_is_refused_past_the_limit():
    # given: rows without numbers (the sheet cannot be cut), larger than the limit
    rows = b"".join(b"<row><c><v>1</v></c></row>" for _ in range(2000))
    chunks = [b'<worksheet xmlns="x"><sheetData>', rows, b"</sheetData></worksheet>"]

    # when / then
    with pytest.raises(UnreadableFile):
        list(sheet_xml_parts(chunks, first_size=100, size=1000, limit=20_000))
    assert len(list(sheet_xml_parts(chunks, first_size=100, size=1000, limit=len(rows) * 2))) == 1


def _whitespace_bomb(path: Path, megabytes: int) -> None:
    """An .xlsx whose sheet inflates to `megabytes` MB of whitespace inside <sheetData>,
    with no <row> to cut at: a few hundred KB on disk."""
    plain = write_xlsx([("名册", ["姓名"], [["张三"]])])
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            head, _, tail = source.read(info).partition(b"<sheetData>")
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                blank = b" " * (1 << 20)
                for _ in range(megabytes):
                    sheet.write(blank)
                sheet.write(b"</sheetData>" + tail.partition(b"</sheetData>")[2])


# The peak is read from VmHWM, which starts afresh at exec: getrusage's ru_maxrss would carry
# the peak of the forked test process (hundreds of MB late in a full run) into the child.
MEMORY_PROBE = textwrap.dedent("""
    import json, re, sys, time
    sys.path.insert(0, sys.argv[2])
    from cadres.core.spreadsheets import UnreadableFile, read_workbook
    content = open(sys.argv[1], "rb").read()
    started = time.perf_counter()
    try:
        book = read_workbook(content, max_bytes=1 << 30)
        rows = len(book.rows("名册"))
        outcome = f"read {rows} rows"
    except UnreadableFile as error:
        outcome = str(error)
    print(json.dumps({
        "outcome": outcome, "seconds": time.perf_counter() - started,
        "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024,
    }))
""")


def test_a_sheet_inflating_to_hundreds_of_megabytes_without_a_row_is_refused_in_bounded_memory(tmp_path):
    # given: 200 MB of whitespace in a file of a few hundred KB
    path = tmp_path / "bomb.xlsx"
    _whitespace_bomb(path, 200)
    assert path.stat().st_size < 1 << 20

    # when: read in a process of its own, whose peak memory is its own
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(path), str(REPOSITORY)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    figures = json.loads(result.stdout)

    # then: refused, having held no more than the uncut window (64 MB) and its copies
    assert figures["outcome"].startswith("工作表“名册”的内容结构异常"), figures
    assert figures["peak_mb"] < 400, figures


def _notes_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(["姓名", "出生年月", "数"])
    sheet.append(["张三", 60, 60])
    sheet.append(["李四", 59, "=1+1"])
    sheet["B2"].number_format = sheet["B3"].number_format = "yyyy-mm-dd"
    sheet.merge_cells("A3:A5")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_cell_notes_find_merged_ranges_uncached_formulas_and_serial_60():
    # given
    content = _notes_workbook()

    # when
    notes = sheet_cell_notes(content, "名册")

    # then
    assert notes.in_merged_range(3, 0) and notes.in_merged_range(4, 0)
    assert not notes.in_merged_range(2, 0)  # the top-left cell holds the value
    assert notes.uncached_formulas == {(2, 2)}
    assert notes.serial_60 == {(1, 1), (1, 2)}
    assert read_workbook(content, max_bytes=1 << 20).cell_notes("名册") == notes


def test_cell_notes_of_a_csv_are_empty():
    # when
    book = read_workbook("姓名,单位\n张三,x\n".encode(), max_bytes=1 << 20)

    # then
    assert book.cell_notes("") == xlsx_parts.CellNotes()


def test_styled_cells_and_sheets_without_a_header_are_neutralised_too():
    # given: a report-like sheet (as the structure report writes), a unit name as a formula
    rows = [
        [Styled("干部队伍结构分析", bold=True, size=14)],
        ["范围", "=平阳县"],
        [Styled("=A1", bold=True), 3, Styled(12.5, number_format="0.00")],
    ]

    # when
    content = write_xlsx([Sheet("结构分析", [], rows, widths={"A": 28})])

    # then
    sheet = openpyxl.load_workbook(io.BytesIO(content))["结构分析"]
    assert (sheet["A1"].value, sheet["A1"].font.b, sheet["A1"].font.sz) == ("干部队伍结构分析", True, 14)
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=平阳县", "s")
    assert (sheet["A3"].value, sheet["A3"].data_type, sheet["A3"].font.b) == ("=A1", "s", True)
    assert (sheet["C3"].value, sheet["C3"].number_format) == (12.5, "0.00")
    assert sheet.column_dimensions["A"].width == 28
