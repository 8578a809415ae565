"""The import preview says what the import will do: every unit it would create (and the
existing unit a misspelt one was probably meant to be), rows that look wrong, old → new of
every person it would change; and the blank template is on the import page."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.core.spreadsheets import read_workbook
from cadres.org.models import Unit
from cadres.people import roster_preview
from cadres.people.models import Person
from cadres.people.services import roster_import
from cadres.people.spreadsheets import COLUMN_NOTES, ROSTER_HEADERS, ROSTER_SHEET, UNIT_HEADERS, UNIT_SHEET
from cadres.people.tests.factories import id_number, roster_row, roster_xlsx


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def on_record(officer):
    """Two people of 平阳县/县教育局 on record."""
    roster_import(actor=officer, file_name="first.xlsx", content=roster_xlsx([
        roster_row(姓名="张三", 单位="平阳县/县教育局", 身份证号=id_number("1975.03", "男", serial=1)),
        roster_row(姓名="李四", 单位="平阳县/县教育局", 性别="女", 出生年月="1982.11",
                   身份证号=id_number("1982.11", "女", serial=2), 职务="局长", 职务层次="正科级"),
    ]))


def upload(client, content):
    return client.post(reverse("people:roster_import"), {"file": SimpleUploadedFile("名册.xlsx", content)},
                       follow=True)


def section(html: str, element_id: str) -> str:
    part = html[html.index(f'id="{element_id}"'):]
    return part[:part.index("</section>")]


def test_a_unit_one_character_away_from_an_existing_one_is_named_as_a_likely_typo(signed_in, on_record):
    # given: 县教育据 for 县教育局
    content = roster_xlsx([
        roster_row(姓名="王五", 单位="平阳县/县教育据", 身份证号=id_number("1975.03", "男", serial=3)),
    ])

    # when
    html = upload(signed_in, content).content.decode()

    # then
    units = section(html, "import-new-units")
    assert "将新建的单位（1 个）" in units and "其中 1 个与已有单位只差一个字" in units
    assert "平阳县/县教育据 <strong>——与已有单位“平阳县/县教育局”只差一个字，是否写错？</strong>" in units
    assert not Unit.objects.filter(path="平阳县/县教育据").exists()


def test_a_new_unit_unlike_any_other_is_listed_without_a_warning(signed_in, on_record):
    # when
    html = upload(signed_in, roster_xlsx([roster_row(姓名="王五", 单位="平阳县/县财政局",
                                                     身份证号=id_number("1975.03", "男", serial=3))])).content.decode()

    # then
    units = section(html, "import-new-units")
    assert "<li>平阳县/县财政局</li>" in units and "只差一个字" not in units


def test_spaces_inside_names_and_team_members_without_a_post_are_flagged(signed_in, on_record):
    # given
    content = roster_xlsx([
        roster_row(姓名="王 五", 单位="平阳县/县教育局", 身份证号=id_number("1975.03", "男", serial=3)),
        roster_row(姓名="赵六", 单位="平阳县/县 财政局", 身份证号=id_number("1975.03", "男", serial=4)),
        roster_row(姓名="钱七", 单位="平阳县/县教育局", 职务="", 是否班子成员="是",
                   身份证号=id_number("1975.03", "男", serial=5)),
    ])

    # when
    html = upload(signed_in, content).content.decode()

    # then
    warnings = section(html, "import-warnings")
    assert "请核对（3 处）" in warnings
    assert "<li>第2行 姓名“王 五”中间有空格，请核对</li>" in warnings
    assert "<li>第3行 单位“平阳县/县 财政局”的名称中间有空格，将按原样新建或匹配单位，请核对</li>" in warnings
    assert "<li>第4行 “钱七”是班子成员，但职务为空</li>" in warnings


def test_the_preview_shows_old_and_new_of_every_changed_person_in_words(signed_in, on_record):
    # given: 张三 moves to a new unit as 局长 at 正科级; 李四 changes her 籍贯
    content = roster_xlsx([
        roster_row(姓名="张三", 单位="平阳县/县卫生局", 职务="局长", 职务层次="正科级",
                   身份证号=id_number("1975.03", "男", serial=1)),
        roster_row(姓名="李四", 单位="平阳县/县教育局", 性别="女", 出生年月="1982.11", 籍贯="浙江苍南",
                   身份证号=id_number("1982.11", "女", serial=2), 职务="局长", 职务层次="正科级"),
    ])

    # when
    html = upload(signed_in, content).content.decode()

    # then
    changes = section(html, "import-changes")
    rows = [[cell for cell in re.sub(r"<[^>]+>", "|", row).split("|") if cell.strip()]
            for row in re.findall(r"<tr>(<td.*?)</tr>", changes, re.S)]
    names = [row[0] for row in rows if len(row) == 4]
    fields = [row[-3:] for row in rows]
    assert "将更新的干部（2 人）" in changes
    assert names == ["张三", "李四"]
    assert ["单位", "平阳县/县教育局", "（新建单位）"] in fields
    assert ["职务", "副局长", "局长"] in fields and ["职务层次", "副科级", "正科级"] in fields
    assert ["籍贯", "浙江平阳", "浙江苍南"] in fields
    assert Person.objects.get(name="张三").post_title == "副局长"  # nothing written


def test_every_change_is_on_the_changes_page_a_page_at_a_time(signed_in, officer, settings, monkeypatch):
    # given: 120 people on record, each of whom the new roster changes
    monkeypatch.setattr(roster_preview, "CHANGES_SHOWN", 5)
    rows = [roster_row(姓名=f"干部{index:03d}", 身份证号=id_number("1975.03", "男", area=f"33{index:04d}"))
            for index in range(120)]
    roster_import(actor=officer, file_name="first.xlsx", content=roster_xlsx(rows))
    changed = roster_xlsx([{**row, "籍贯": "浙江苍南"} for row in rows])

    # when
    response = upload(signed_in, changed)
    html = response.content.decode()
    job = int(re.search(r'name="job" value="(\d+)"', html).group(1))
    first = signed_in.get(reverse("people:roster_import_changes", args=[job])).content.decode()
    second = signed_in.get(reverse("people:roster_import_changes", args=[job]) + "?page=2").content.decode()

    # then
    assert html.count("浙江苍南") == 5 and "查看全部 120 人的变化" in html
    assert first.count("浙江苍南") == 100 and "第 1 / 2 页" in first
    assert second.count("浙江苍南") == 20 and "干部119" in second


def test_the_changes_page_is_the_uploaders_own(client, signed_in, on_record, django_user_model):
    # given
    content = roster_xlsx([roster_row(姓名="张三", 单位="平阳县/县教育局", 籍贯="浙江苍南",
                                      身份证号=id_number("1975.03", "男", serial=1))])
    html = upload(signed_in, content).content.decode()
    job = int(re.search(r'name="job" value="(\d+)"', html).group(1))
    other = django_user_model.objects.create_superuser("other-officer", password="x-pass-12345")
    client.force_login(other)

    # when
    response = client.get(reverse("people:roster_import_changes", args=[job]))

    # then
    assert response.status_code == 404


def test_the_preview_masks_the_id_number_change(signed_in, officer):
    # given: 王五 on record without a 身份证号, which the new roster adds (matched by name, birth, unit)
    roster_import(actor=officer, file_name="first.xlsx", content=roster_xlsx([roster_row(姓名="王五", 身份证号="")]))
    new_number = id_number("1975.03", "男", serial=9)

    # when
    html = upload(signed_in, roster_xlsx([roster_row(姓名="王五", 身份证号=new_number)])).content.decode()

    # then
    assert new_number not in html
    assert f"<td>{new_number[:6]}********{new_number[-4:]}</td>" in section(html, "import-changes")


def test_the_blank_template_downloads_from_the_import_page(signed_in):
    # when
    page = signed_in.get(reverse("people:roster_import")).content.decode()
    response = signed_in.get(reverse("people:roster_template"))

    # then
    assert reverse("people:roster_template") in page and "下载空白模板" in page
    assert "filename*=utf-8''%E5%B9%B2%E9%83%A8" in response["Content-Disposition"]
    book = read_workbook(response.content, max_bytes=10_000_000)
    assert book.rows(ROSTER_SHEET)[0] == list(ROSTER_HEADERS)
    assert book.rows(UNIT_SHEET)[0] == list(UNIT_HEADERS)
    notes = book.rows("填写说明")
    assert [row[0] for row in notes[1:len(ROSTER_HEADERS) + 1]] == list(ROSTER_HEADERS)
    assert set(COLUMN_NOTES) == set(ROSTER_HEADERS)


def test_the_blank_template_imports_as_an_empty_roster_after_rows_are_added(signed_in):
    # given: the template, filled in by a clerk
    book = load_workbook(io.BytesIO(signed_in.get(reverse("people:roster_template")).content))
    row = roster_row(姓名="孙八", 单位="平阳县/县教育局", 身份证号=id_number("1975.03", "男", serial=6))
    book[ROSTER_SHEET].append([row.get(header, "") or None for header in ROSTER_HEADERS])
    output = io.BytesIO()
    book.save(output)

    # when
    html = upload(signed_in, output.getvalue()).content.decode()

    # then
    assert '<div class="value" data-count="created">1</div>' in html


@pytest.mark.parametrize(("first", "second", "apart"), [
    ("县教育局", "县教育据", True), ("县教育局", "县教局", True), ("县教局", "县教育局", True),
    ("县教育局", "县教育局", False), ("县教育局", "县财政局", False), ("东镇", "西镇", True),
])
def test_one_character_apart(first, second, apart):
    assert roster_preview.one_character_apart(first, second) is apart
