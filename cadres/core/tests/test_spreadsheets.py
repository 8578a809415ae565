
import pytest

from cadres.core.spreadsheets import (
    UnreadableFile,
    check_size,
    human_size,
    read_workbook,
    write_xlsx,
)


def test_xlsx_written_is_read_back_with_its_sheets():
    # given
    content = write_xlsx([("名册", ["姓名", "年龄"], [["张三", 40], ["李四", None]]), ("单位", ["单位"], [])])

    # when
    book = read_workbook(content, max_bytes=1 << 20)

    # then
    assert book.format == "xlsx"
    assert book.sheets["名册"] == [["姓名", "年龄"], ["张三", 40.0], ["李四", ""]]
    assert book.sheets["单位"] == [["单位"]]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_chinese_encodings(encoding):
    # given
    content = "姓名,单位\r\n张三,平阳县/县卫生局\r\n".encode(encoding)

    # when
    book = read_workbook(content, max_bytes=1 << 20)

    # then
    assert book.format == "csv"
    assert book.sheets[""] == [["姓名", "单位"], ["张三", "平阳县/县卫生局"]]


def test_tab_separated_text_reads_as_csv():
    # given
    content = "姓名\t单位\n张三\t平阳县\n".encode("gb18030")

    # when
    book = read_workbook(content, max_bytes=1 << 20)

    # then
    assert book.sheets[""] == [["姓名", "单位"], ["张三", "平阳县"]]


def test_size_is_checked_before_anything_else():
    # when
    with pytest.raises(UnreadableFile) as raised:
        read_workbook(b"\x89PNG" + bytes(3000), max_bytes=2048)

    # then
    assert str(raised.value) == "文件过大（2.9 KB），上限为 2.0 KB"


def test_check_size_allows_the_limit_itself():
    # when / then
    check_size(2048, max_bytes=2048)
    with pytest.raises(UnreadableFile):
        check_size(2049, max_bytes=2048)


def test_human_size():
    # when / then
    assert [human_size(n) for n in (12, 2048, 64 * 1048576, 3 << 30)] == ["12 字节", "2.0 KB", "64.0 MB", "3.0 GB"]


def test_only_the_sheets_asked_for_are_read():
    # given
    content = write_xlsx([("统计表", ["a"], [[1]] * 50), ("名册", ["姓名"], [["张三"]])])

    # when
    book = read_workbook(content, max_bytes=1 << 20, sheets=iter(["名册", "单位"]))

    # then
    assert book.sheet_names == ["统计表", "名册"]
    assert book.sheets == {"名册": [["姓名"], ["张三"]]}
