"""The structure report as tables, and those tables as .xlsx (core.spreadsheets.write_xlsx, the
product's one spreadsheet writer) and .docx (python-docx).

The page, the workbook and the document all show the same tables, built by `report_tables`,
and the same 领导职数 table, built by `quota_rows` from the rows of org.selectors.team_quotas_on
and their quota_totals.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cadres.analytics.selectors import DIMENSIONS, TOTALS, percent
from cadres.core.spreadsheets import Sheet, Styled, write_xlsx
from cadres.org.selectors import QuotaTotals, TeamQuota

TITLE = "干部队伍结构分析"
HEADERS = ("项目", "人数", "占比（%）")
QUOTA_HEADING = "领导职数（截止日期）"
QUOTA_HEADERS = ("领导班子", "正职核定", "正职实有", "副职核定", "副职实有", "超职数", "缺职")
QUOTA_EMPTY = "（截止日期没有登记领导职数或班子成员的单位）"
QUOTA_NOTE = (
    "按截止日期当天的单位名称和班子成员（含兼任）统计；职务名称中含正职职务名称（如 书记、局长、镇长）的计为正职，"
    "其余计为副职；核定职数未登记的显示“—”，不计超职数、缺职。"
)
NOT_SET = "—"


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


QuotaRow = tuple[str, int | str, int, int | str, int, int, int]


def quota_rows(quotas: Sequence[TeamQuota], totals: QuotaTotals | None) -> list[QuotaRow]:
    """The 领导职数 table as the page shows it: a row per team (its name on the date, indented
    by its level), then 合计; an approved number not set is “—”."""
    rows: list[QuotaRow] = [
        ("\u3000" * quota.level + quota.name, _or_not_set(quota.principal_posts), quota.principals,
         _or_not_set(quota.deputy_posts), quota.deputies, quota.over, quota.vacant)
        for quota in quotas
    ]
    if rows and totals is not None:
        rows.append(("合计", totals.principal_posts, totals.principals, totals.deputy_posts, totals.deputies,
                     totals.over, totals.vacant))
    return rows


def _or_not_set(value: int | None) -> int | str:
    return NOT_SET if value is None else value


def structure_xlsx(report: dict[str, Any], *, scope: str, as_of: str, quotas: Sequence[TeamQuota] = (),
                   quota_totals: QuotaTotals | None = None) -> bytes:
    """Two sheets written by core.spreadsheets.write_xlsx (so a unit name like "=…" stays
    text): 结构分析, every table under a title, the scope and the as-of date; and 领导职数,
    the teams' table with its 合计 row under the same title lines."""
    head: list[list[object]] = [[Styled(TITLE, bold=True, size=14)], ["范围", scope], ["截止日期", as_of]]
    rows = list(head)
    for table in report_tables(report):
        rows += [[], [Styled(table.heading, bold=True)], [Styled(header, bold=True) for header in HEADERS]]
        rows += [
            [name, count, share if share is None else Styled(share, number_format="0.00")]
            for name, count, share in table.rows
        ]
    quota_sheet: list[list[object]] = [*head, [], [Styled(QUOTA_HEADING, bold=True)],
                                      [Styled(header, bold=True) for header in QUOTA_HEADERS]]
    team_rows = quota_rows(quotas, quota_totals)
    quota_sheet += [list(row) for row in team_rows[:len(quotas)]]
    quota_sheet += [[Styled(value, bold=True) for value in row] for row in team_rows[len(quotas):]]
    if not team_rows:
        quota_sheet.append([QUOTA_EMPTY])
    quota_sheet.append([QUOTA_NOTE])
    return write_xlsx([
        Sheet("结构分析", [], rows, widths={"A": 28, "B": 12, "C": 12}),
        Sheet("领导职数", [], quota_sheet, widths={"A": 28, **dict.fromkeys("BCDEFG", 10)}),
    ])


def structure_docx(report: dict[str, Any], *, scope: str, as_of: str, quotas: Sequence[TeamQuota] = (),
                   quota_totals: QuotaTotals | None = None) -> bytes:
    """A document with the title, the scope, the as-of date, every table and the 领导职数
    table with its 合计 row."""
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
    document.add_heading(QUOTA_HEADING, level=2)
    grid = document.add_table(rows=1, cols=len(QUOTA_HEADERS))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, QUOTA_HEADERS):
        cell.text = header
    team_rows = quota_rows(quotas, quota_totals)
    for index, row in enumerate(team_rows):
        for cell, value in zip(grid.add_row().cells, row):
            cell.paragraphs[0].add_run(str(value)).bold = index >= len(quotas) or None
    if not team_rows:
        cells = grid.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.text = QUOTA_EMPTY
    document.add_paragraph(QUOTA_NOTE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _format_number(value: int | float) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
