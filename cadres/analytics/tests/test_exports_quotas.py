"""The 领导职数 table of the structure report in its .xlsx (sheet 领导职数) and .docx exports:
the same rows as the page (each team's 正职/副职 approved and held, 超职数, 缺职) and the 合计
row."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.analytics.exports import QUOTA_EMPTY, QUOTA_HEADERS, QUOTA_HEADING
from cadres.org.services import unit_quota_set

AS_OF = dt.date(2025, 6, 30)
QUERY = {"as_of": AS_OF.isoformat()}
SECTION_CHIEF = "0141"

# Each team's row as the page shows it, then the 合计 row.
EAST_ROW = ("\u3000东镇", "1", "2", "2", "1", "1", "1")
WEST_ROW = ("\u3000西镇", "1", "1", "—", "0", "0", "0")
TOTAL_ROW = ("合计", "2", "3", "2", "1", "1", "1")


@pytest.fixture
def units(officer):
    from cadres.plans.models import PrincipalTitle

    # The 正职职务名称 of the data migration, again: a transactional test run before flushes them.
    for title in ("党委书记", "镇长"):
        PrincipalTitle.objects.get_or_create(title=title)
    units = unit_tree()
    started = dt.date(2024, 1, 1)
    # 东镇: 正职 1 approved, 2 held (超职数 1); 副职 2 approved, 1 held (缺职 1).
    unit_quota_set(actor=officer, unit=units["east"], principal_posts=1, deputy_posts=2,
                   changed_on=dt.date(2025, 1, 1), document="某编〔2025〕1号")
    person_in(units["east"], "赵书记", post_title="党委书记", rank=SECTION_CHIEF, is_team_member=True,
              post_started_on=started)
    person_in(units["east"], "钱镇长", post_title="党委副书记、镇长", rank=SECTION_CHIEF, is_team_member=True,
              post_started_on=started)
    person_in(units["east"], "孙副镇长", post_title="副镇长", rank=SECTION_CHIEF, is_team_member=True,
              post_started_on=started)
    person_in(units["east"], "李科员", post_title="科员", rank="0150", post_started_on=started)
    # 西镇: 正职 1 approved and held; 副职 not approved.
    unit_quota_set(actor=officer, unit=units["west"], principal_posts=1, deputy_posts=None,
                   changed_on=dt.date(2025, 1, 1))
    person_in(units["west"], "周书记", post_title="党委书记", rank=SECTION_CHIEF, is_team_member=True,
              post_started_on=started)
    return units


def _quota_sheet(content):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["结构分析", "领导职数"]
    return list(workbook["领导职数"].iter_rows(values_only=True))


def _xlsx_quota_rows(content):
    rows = _quota_sheet(content)
    start = rows.index((QUOTA_HEADING,) + (None,) * (len(rows[0]) - 1))
    assert rows[start + 1] == QUOTA_HEADERS
    table = []
    for row in rows[start + 2:]:
        if row[1] is None:
            break
        table.append(tuple("" if value is None else str(value) for value in row))
    return table, rows[start + 2:]


def _docx_quota_rows(content):
    from docx import Document

    document = Document(io.BytesIO(content))
    headings = [paragraph.text for paragraph in document.paragraphs if paragraph.style.name == "Heading 2"]
    assert headings[-1] == QUOTA_HEADING
    table = document.tables[len(headings) - 1]
    rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
    assert rows[0] == QUOTA_HEADERS
    return rows[1:], table


def test_xlsx_export_carries_each_teams_quota_row_and_the_total(signed_in, units):
    # when
    response = signed_in.get(reverse("analytics:structure_xlsx"), QUERY)

    # then
    assert response.status_code == 200
    table, _ = _xlsx_quota_rows(response.content)
    assert table == [EAST_ROW, WEST_ROW, TOTAL_ROW]


def test_xlsx_export_writes_the_figures_as_numbers_under_the_scope_and_date(signed_in, units):
    # when
    response = signed_in.get(reverse("analytics:structure_xlsx"), QUERY)

    # then: counts are numbers a spreadsheet can add up; an approved number not set is “—”
    rows = _quota_sheet(response.content)
    assert [row[:2] for row in rows[:3]] == [("干部队伍结构分析", None), ("范围", "全部单位（全部干部）"),
                                             ("截止日期", "2025年6月30日")]
    east = next(row for row in rows if row[0] == "\u3000东镇")
    west = next(row for row in rows if row[0] == "\u3000西镇")
    assert east[1:7] == (1, 2, 2, 1, 1, 1)
    assert west[3] == "—"


def test_docx_export_carries_each_teams_quota_row_and_the_total(signed_in, units):
    # when
    response = signed_in.get(reverse("analytics:structure_docx"), QUERY)

    # then
    assert response.status_code == 200
    rows, table = _docx_quota_rows(response.content)
    assert rows == [EAST_ROW, WEST_ROW, TOTAL_ROW]
    assert all(run.bold for cell in table.rows[-1].cells for run in cell.paragraphs[0].runs)


def test_exports_carry_the_same_quota_rows_as_the_page(signed_in, units):
    # given
    page = signed_in.get(reverse("analytics:structure"), QUERY)
    on_page = [(row.name, row.principal_posts, row.principals, row.deputy_posts, row.deputies, row.over, row.vacant)
               for row in page.context["quotas"]]

    # when
    workbook = signed_in.get(reverse("analytics:structure_xlsx"), QUERY)
    document = signed_in.get(reverse("analytics:structure_docx"), QUERY)

    # then
    expected = [tuple("—" if value is None else str(value) for value in row) for row in on_page]
    expected = [("\u3000" + row[0], *row[1:]) for row in expected]
    assert _xlsx_quota_rows(workbook.content)[0][:-1] == expected
    assert _docx_quota_rows(document.content)[0][:-1] == expected


def test_exports_show_the_quota_of_the_as_of_date(signed_in, units):
    # given: a date before the quotas were approved (2025.01.01)
    query = {"as_of": "2024-12-31"}

    # when
    table, _ = _xlsx_quota_rows(signed_in.get(reverse("analytics:structure_xlsx"), query).content)
    rows, _ = _docx_quota_rows(signed_in.get(reverse("analytics:structure_docx"), query).content)

    # then: the teams are listed without approved numbers, so no 超职数 or 缺职
    expected = [("\u3000东镇", "—", "2", "—", "1", "0", "0"), ("\u3000西镇", "—", "1", "—", "0", "0", "0"),
                ("合计", "0", "3", "0", "1", "0", "0")]
    assert table == expected
    assert rows == expected


def test_exports_of_an_officer_of_one_township_carry_only_its_team(client, units):
    # given
    sign_in(client, user_with_role("cadre_office", managed=[units["east"]]))

    # when
    workbook = client.get(reverse("analytics:structure_xlsx"), QUERY)
    document = client.get(reverse("analytics:structure_docx"), QUERY)

    # then
    assert workbook.status_code == document.status_code == 200
    table, _ = _xlsx_quota_rows(workbook.content)
    rows, _ = _docx_quota_rows(document.content)
    assert [row[0] for row in table] == [row[0] for row in rows] == ["\u3000东镇", "合计"]
    assert "西镇" not in str(table) + str(rows)


def test_exports_say_so_when_no_team_is_registered(signed_in, officer):
    # given: units without approved numbers or team members
    unit_tree()

    # when
    workbook = signed_in.get(reverse("analytics:structure_xlsx"), QUERY)
    document = signed_in.get(reverse("analytics:structure_docx"), QUERY)

    # then
    _, after = _xlsx_quota_rows(workbook.content)
    assert after[0][0] == QUOTA_EMPTY
    rows, _ = _docx_quota_rows(document.content)
    assert [set(row) for row in rows] == [{QUOTA_EMPTY}]
