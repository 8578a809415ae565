"""The structure report as tables, and those tables as .xlsx (core.spreadsheets.write_xlsx, the
product's one spreadsheet writer) and .docx (python-docx).

The page, the workbook and the document all show the same tables, built by `report_tables`.
"""

import io
from dataclasses import dataclass
from typing import Any

from cadres.analytics.selectors import DIMENSIONS, TOTALS, percent
from cadres.core.spreadsheets import Sheet, Styled, write_xlsx

TITLE = "干部队伍结构分析"
HEADERS = ("项目", "人数", "占比（%）")


@dataclass
class Table:
    key: str
    heading: str
    rows: list[tuple[str, int | float, float | None]]


def report_tables(report: dict[str, Any]) -> list[Table]:
    """Every figure of a report as titled tables of (name, count, percent) rows."""
    total = report["total"]
    tables = [
        Table("overview", "总体情况", [
            ("总人数", total, 100.0 if total else 0.0),
            ("平均年龄（岁）", report["average_age"], None),
        ]),
    ]
    for key, heading in DIMENSIONS:
        tables.append(Table(key, heading, [
            (name, item["count"], item["percent"]) for name, item in report[key].items()
        ]))
    tables.append(Table("totals", "重点群体", [
        (label, report[key]["count"], report[key]["percent"]) for key, label in TOTALS
    ]))
    pyramid = report["age_pyramid"]
    tables.insert(2, Table("age_by_sex", "年龄结构（分性别）", [
        row
        for label, men, women in zip(pyramid["labels"], pyramid["男"], pyramid["女"])
        for row in ((f"{label} 男", men, percent(men, total)),
                    (f"{label} 女", women, percent(women, total)))
    ]))
    tables.append(Table("age_histogram", "年龄分布（周岁）", [
        (f"{age}岁", count, percent(count, total)) for age, count in report["age_histogram"].items()
    ]))
    return tables


def structure_xlsx(report: dict[str, Any], *, scope: str, as_of: str) -> bytes:
    """One sheet, 结构分析, with every table under a title, the scope and the as-of date,
    written by core.spreadsheets.write_xlsx (so a unit name like "=…" stays text)."""
    rows: list[list[object]] = [[Styled(TITLE, bold=True, size=14)], ["范围", scope], ["截止日期", as_of]]
    for table in report_tables(report):
        rows += [[], [Styled(table.heading, bold=True)], [Styled(header, bold=True) for header in HEADERS]]
        rows += [
            [name, count, share if share is None else Styled(share, number_format="0.00")]
            for name, count, share in table.rows
        ]
    return write_xlsx([Sheet("结构分析", [], rows, widths={"A": 28, "B": 12, "C": 12})])


def structure_docx(report: dict[str, Any], *, scope: str, as_of: str) -> bytes:
    """A document with the title, the scope, the as-of date and every table."""
    from docx import Document

    document = Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(f"范围：{scope}")
    document.add_paragraph(f"截止日期：{as_of}")
    for table in report_tables(report):
        document.add_heading(table.heading, level=2)
        grid = document.add_table(rows=1, cols=len(HEADERS))
        grid.style = "Table Grid"
        for cell, header in zip(grid.rows[0].cells, HEADERS):
            cell.text = header
        for name, count, share in table.rows:
            cells = grid.add_row().cells
            cells[0].text = name
            cells[1].text = _format_number(count)
            cells[2].text = "" if share is None else f"{share:.2f}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _format_number(value: int | float) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
