import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from cadres.analytics.tests.conftest import TOWNSHIP_AS_OF, TOWNSHIP_BANDS

TOWNSHIP_QUERY = {"as_of": TOWNSHIP_AS_OF.isoformat(), "bands": TOWNSHIP_BANDS}


def _expected_tables(expected):
    """The published figures, keyed by the headings of the tables that show them."""
    age_labels = ["30岁以下", "31—40岁", "41—50岁", "51岁以上"]
    return {
        "总体情况": {"总人数": expected["total"]},
        "年龄结构": dict(zip(age_labels, expected["age_bands"].values())),
        "性别": expected["gender"],
        "重点群体": {"中共党员（含预备党员）": expected["cpc_members"]},
        "职务层次（归并）": expected["rank"],
        "最高学历（归并）": expected["education"],
    }


def _html_tables(html):
    tables = {}
    for heading, body in re.findall(r"<h2>([^<]+)</h2>\s*<table[^>]*>(.*?)</table>", html, re.S):
        rows = re.findall(r'<tr><td>([^<]+)</td><td class="num">([\d.]+)</td>', body)
        tables[heading] = {name: float(count) if "." in count else int(count) for name, count in rows}
    return tables


@pytest.fixture
def signed_in_client(client, officer):
    client.force_login(officer)
    return client


def test_structure_page_shows_the_published_township_table(township, signed_in_client, expected):
    # when
    response = signed_in_client.get(reverse("analytics:structure"), TOWNSHIP_QUERY)

    # then
    assert response.status_code == 200
    tables = _html_tables(response.content.decode())
    for heading, figures in _expected_tables(expected).items():
        for name, count in figures.items():
            assert tables[heading][name] == count, (heading, name)
    assert tables["性别"] == {"男": 328, "女": 53}
    html = response.content.decode()
    assert 'id="structure-data"' in html
    assert "analytics/echarts.min.js" in html
    assert "<script>" not in html


def test_structure_page_defaults_to_today_and_the_default_bands(township, signed_in_client):
    # when
    response = signed_in_client.get(reverse("analytics:structure"))

    # then
    assert response.status_code == 200
    tables = _html_tables(response.content.decode())
    assert list(tables["年龄结构"]) == [
        "30岁以下", "31—35岁", "36—40岁", "41—45岁", "46—50岁", "51—55岁", "56岁以上",
    ]
    assert tables["总体情况"]["总人数"] == 381


def test_structure_page_rejects_bad_bands(signed_in_client):
    # when
    response = signed_in_client.get(reverse("analytics:structure"), {"bands": "30,abc"})

    # then
    assert response.status_code == 200
    assert "年龄段上限应为逗号分隔的整数" in response.content.decode()
    assert 'id="structure-data"' not in response.content.decode()


def test_structure_page_needs_a_signed_in_user(client):
    # when
    response = client.get(reverse("analytics:structure"))

    # then
    assert response.status_code == 302


def test_structure_xlsx_export_has_the_published_township_table(township, signed_in_client, expected):
    from openpyxl import load_workbook

    # when
    response = signed_in_client.get(reverse("analytics:structure_xlsx"), TOWNSHIP_QUERY)

    # then
    assert response.status_code == 200
    file_name = unquote(response["Content-Disposition"].partition("filename*=utf-8''")[2])
    assert file_name == "干部队伍结构分析-全部单位（全部干部）-截至20100630.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "结构分析"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("范围", "全部单位（全部干部）", None)
    assert rows[2] == ("截止日期", "2010年6月30日", None)
    tables, heading = {}, None
    for row in rows[3:]:
        if row[0] and row[1] is None:
            heading = row[0]
            tables[heading] = {}
        elif row[0] and row[0] != "项目":
            tables[heading][row[0]] = row[1]
    for heading, figures in _expected_tables(expected).items():
        for name, count in figures.items():
            assert tables[heading][name] == count, (heading, name)


def test_structure_docx_export_has_the_published_township_table(township, signed_in_client, expected):
    from docx import Document

    # when
    response = signed_in_client.get(reverse("analytics:structure_docx"), TOWNSHIP_QUERY)

    # then
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[:3] == ["干部队伍结构分析", "范围：全部单位（全部干部）", "截止日期：2010年6月30日"]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    tables = {
        heading: {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
        for heading, table in zip(headings, document.tables)
    }
    for heading, figures in _expected_tables(expected).items():
        for name, count in figures.items():
            assert tables[heading][name] == str(count), (heading, name)


def test_structure_page_and_exports_refuse_a_user_without_analysis_rights(client, django_user_model):
    # given
    clerk = django_user_model.objects.create_user(username="clerk", password="clerk-pass-123")
    client.force_login(clerk)

    # when
    responses = [
        client.get(reverse(name), TOWNSHIP_QUERY)
        for name in ("analytics:structure", "analytics:structure_xlsx", "analytics:structure_docx")
    ]

    # then
    assert [response.status_code for response in responses] == [403, 403, 403]
