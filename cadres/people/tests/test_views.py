"""Pages of cadre records: roster list and filters, person card, export and import."""

import datetime as dt
import os
import re
import time

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cadres.accounts.testing import person_in
from cadres.audit.models import AuditAction, AuditEvent
from cadres.core.dates import age_on
from cadres.core.spreadsheets import read_workbook
from cadres.org.models import Assignment, Unit
from cadres.people.models import Person
from cadres.people.selectors import AGE_BANDS
from cadres.people.services import roster_import
from cadres.people.tests.factories import TOWNSHIP_ROSTER, id_number, roster_row, roster_xlsx

pytestmark = pytest.mark.django_db

FIXTURE = TOWNSHIP_ROSTER


# Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(
        username="officer", password="officer-pass-123", email="officer@example.invalid",
        full_name="组工干部",
    )


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def import_rows(actor, rows, units=None):
    return roster_import(actor=actor, content=roster_xlsx(rows, units), file_name="test.xlsx")


def names_in(response) -> list[str]:
    """The names in the roster table, in order."""
    html = response.content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', body)


def person(name, unit, **values):
    return person_in(unit, name, **{"birth_date": dt.date(1975, 3, 1), **values})


@pytest.fixture
def county():
    top = Unit.objects.create(name="平阳县", path="平阳县", depth=0)
    health = Unit.objects.create(name="县卫生局", path="平阳县/县卫生局", parent=top, depth=1)
    office = Unit.objects.create(name="卫生监督所", path="平阳县/县卫生局/卫生监督所", parent=health,
                                 depth=2)
    education = Unit.objects.create(name="县教育局", path="平阳县/县教育局", parent=top, depth=1)
    return {"top": top, "health": health, "office": office, "education": education}


# Roster list ---------------------------------------------------------------------------------


def test_roster_shows_each_column_by_name(signed_in, officer):
    # given
    import_rows(officer, [
        roster_row(),
        roster_row(姓名="李梅", 性别="女", 民族="畲族", 出生年月="1982.11",
                   身份证号=id_number("1982.11", "女"), 政治面貌="群众", 在职学历="", 在职学位="", 职务="科员",
                   职务层次="科员", 是否班子成员="否"),
    ])
    # when
    response = signed_in.get(reverse("people:roster"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert names_in(response) == ["李梅", "张三"]  # same unit and 排序号: 姓氏笔画 (李 1…, 张 5…)
    assert "共 <strong>2</strong> 人" in html
    li_row = html[html.index(">李梅<"):]
    li_row = li_row[:li_row.index("</tr>")]
    cells = [re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", li_row, re.S)]
    age = age_on(dt.date(1982, 11, 1), timezone.localdate())
    assert cells == ["女", "1982.11", str(age), "畲族", "群众", "大学本科", "平阳县/县卫生局", "科员",
                     "科员", ""]
    zhang_row = html[html.index(">张三<"):]
    zhang_row = zhang_row[:zhang_row.index("</tr>")]
    assert "研究生" in zhang_row  # highest of 大学本科 (full-time) and 研究生 (in service)
    assert "副科级" in zhang_row and ">是<" in zhang_row


def test_roster_search_by_name(signed_in, county):
    # given
    person("林颖刚", county["top"])
    person("林小红", county["top"])
    person("王刚", county["top"])
    # when
    response = signed_in.get(reverse("people:roster"), {"q": "刚"})
    # then
    assert sorted(names_in(response)) == ["林颖刚", "王刚"]


def test_roster_unit_filter_includes_sub_units(signed_in, county):
    # given
    person("卫生局长", county["health"])
    person("监督所长", county["office"])
    person("教育局长", county["education"])
    # when
    response = signed_in.get(reverse("people:roster"), {"unit": county["health"].pk})
    # then
    assert sorted(names_in(response)) == ["卫生局长", "监督所长"]


@pytest.mark.parametrize(("query", "expected"), [
    ({"rank": "0141"}, ["正科"]),
    ({"sex": "2"}, ["女干部"]),
    ({"education": "10"}, ["研究生"]),
    ({"political_status": "13"}, ["群众"]),
    ({"rank": "0142", "sex": "1"}, ["研究生", "群众"]),
    ({}, ["正科", "女干部", "研究生", "群众"]),
], ids=["rank_case", "sex_case", "education_case", "political_status_case", "combined_case",
        "no_filter_case"])
def test_roster_filters_narrow_the_list(signed_in, county, query, expected):
    # given
    unit = county["health"]
    person("正科", unit, rank="0141", highest_education="20")
    person("女干部", unit, sex="2", highest_education="30")
    person("研究生", unit, highest_education="10")
    person("群众", unit, political_status="13", highest_education="20")
    # when
    response = signed_in.get(reverse("people:roster"), query)
    # then
    assert sorted(names_in(response)) == sorted(expected)


def test_roster_age_bands_follow_whole_years_today(signed_in, county):
    # given: people born on both sides of every band boundary, as of today
    today = timezone.localdate()
    births = {}
    for years in (29, 30, 31, 35, 36, 40, 41, 45, 46, 50, 51, 55, 56, 60):
        for offset in (-1, 0, 1):
            try:
                birth = today.replace(year=today.year - years) + dt.timedelta(days=offset)
            except ValueError:  # 29 February
                birth = today.replace(year=today.year - years, day=28) + dt.timedelta(days=offset)
            name = f"{years}岁{offset:+d}"
            births[name] = birth
            person(name, county["top"], birth_date=birth, birth_day_known=True)
    for band, (low, high) in AGE_BANDS.items():
        # when
        response = signed_in.get(reverse("people:roster"), {"age_band": band})
        # then
        expected = sorted(
            name for name, birth in births.items()
            if (low is None or age_on(birth, today) >= low)
            and (high is None or age_on(birth, today) <= high)
        )
        assert sorted(names_in(response)) == expected, band
        assert expected, band


def test_roster_is_paged_by_fifty(signed_in, county):
    # given
    for number in range(120):
        person_in(county["top"], f"干部{number:03d}", birth_date=dt.date(1970, 1, 1))
    # when
    first = signed_in.get(reverse("people:roster"))
    last = signed_in.get(reverse("people:roster"), {"page": 3})
    # then
    assert names_in(first) == [f"干部{number:03d}" for number in range(50)]
    assert names_in(last) == [f"干部{number:03d}" for number in range(100, 120)]
    assert "共 <strong>120</strong> 人，第 3 / 3 页" in last.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_roster_pages_keep_the_filters(signed_in, county):
    # given
    for number in range(60):
        person(f"卫生{number:02d}", county["health"])
    person("教育", county["education"])
    # when
    response = signed_in.get(reverse("people:roster"), {"unit": county["health"].pk})
    # then
    assert f'href="?unit={county["health"].pk}&amp;page=2"' in response.content.decode()


def test_roster_htmx_request_gets_only_the_results(signed_in, county):
    # given
    person("林颖刚", county["top"])
    # when
    response = signed_in.get(reverse("people:roster"), {"q": "林"}, HTTP_HX_REQUEST="true")
    # then
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="roster-results"')
    assert names_in(response) == ["林颖刚"]
    assert "HX-Request" in response["Vary"]


def test_roster_full_page_has_layout_filters_and_navigation(signed_in, county):
    # when
    response = signed_in.get(reverse("people:roster"))
    # then
    html = response.content.decode()
    assert "<title>干部名册 · 干部工作管理系统</title>" in html
    assert 'hx-get="/people/"' in html
    assert 'href="/units/"' in html and 'href="/people/import/"' in html
    assert "htmx" in html and "/static/core/css/app.css" in html
    assert "<script>" not in html and 'style="' not in html  # a strict CSP applies
    assert "组工干部" in html
    assert f'<option value="{county["office"].pk}">\u3000\u3000卫生监督所</option>' in html


def test_nav_link_renders_nothing_for_unknown_url_names():
    # given
    template = Template('{% load cadres_ui %}[{% nav_link "nowhere:page" "不存在" %}]'
                        '{% nav_link "org:unit_tree" "单位" %}')
    request = RequestFactory().get("/units/")
    # when
    html = template.render(Context({"request": request}))
    # then
    assert html.startswith("[]")
    assert 'href="/units/"' in html and "is-current" in html


def test_export_downloads_the_filtered_list(signed_in, officer, county):
    # given
    import_rows(officer, [
        roster_row(),
        roster_row(姓名="李四", 身份证号=id_number("1975.03", "男", serial=34), 单位="平阳县/县教育局"),
    ])
    url = reverse("people:roster_export") + "?q=李"
    # when
    page = signed_in.get(url)
    response = signed_in.post(url)
    # then
    assert "共 <strong id=\"export-count\">1</strong> 人" in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = read_workbook(response.content, max_bytes=10**7)
    rows = workbook.sheets["干部名册"]
    assert [row[0] for row in rows[1:]] == ["李四"]


def test_a_large_export_runs_as_a_job_and_is_downloaded_from_its_page(signed_in, officer, county,
                                                                      settings):
    # given: exports of more than one person go to a job
    settings.ROSTER_EXPORT_INLINE_MAX = 1
    import_rows(officer, [
        roster_row(),
        roster_row(姓名="李四", 身份证号=id_number("1975.03", "男", serial=34), 单位="平阳县/县教育局"),
    ])
    # when
    response = signed_in.post(reverse("people:roster_export"), follow=True)
    # then
    html = response.content.decode()
    job_url = response.redirect_chain[-1][0]
    assert re.fullmatch(r"/jobs/\d+/", job_url)
    assert "名册已导出：共 2 人，身份证号已遮盖。" in html
    download = signed_in.get(job_url + "download/")
    content = b"".join(download.streaming_content)
    rows = read_workbook(content, max_bytes=10**7).sheets["干部名册"]
    assert sorted(row[0] for row in rows[1:]) == ["张三", "李四"]


# Person page ---------------------------------------------------------------------------------


def test_person_page_shows_the_card_resume_and_posts(signed_in, officer):
    # given: a deputy head promoted to head, so there are two posts
    import_rows(officer, [roster_row(任现职时间="2015.04")])
    import_rows(officer, [roster_row(职务="局长", 职务层次="正科级", 任现职时间="2019.06")])
    zhang = Person.objects.get(name="张三")
    # when
    response = signed_in.get(reverse("people:person_detail", args=[zhang.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert id_number("1975.03", "男") not in html  # shown in full only after 查阅登记
    assert "查阅完整档案" in html
    assert "平阳县/县卫生局" in html
    for label in ("籍贯", "浙江平阳", "入党时间", "1998.06", "参加工作时间", "1996.08", "全日制教育",
                  "大学本科", "学士", "在职教育", "研究生", "硕士", "正科级"):
        assert label in html, label
    resume = [re.sub(r"<[^>]+>", " ", line).split() for line in
              re.findall(r'<div class="resume-line[^"]*">(.*?)</div>', html, re.S)]
    assert resume == [["2015.04--2019.06", "平阳县卫生局副局长"], ["2019.06--", "平阳县卫生局局长"]]
    assert Assignment.objects.filter(person=zhang).count() == 2
    assert html.count('<span class="badge badge-ok">现任</span>') == 1


def test_person_page_of_an_unknown_person_is_404(signed_in):
    # when
    response = signed_in.get(reverse("people:person_detail", args=[999999]))
    # then
    assert response.status_code == 404


# Import --------------------------------------------------------------------------------------


def upload(client, content, name="名册.xlsx"):
    """Upload a roster and follow on to the page of the job that checked it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("people:roster_import"), {"file": SimpleUploadedFile(name, content)},
                       follow=True)


def check_job_of(response) -> int:
    return int(re.search(r'name="job" value="(\d+)"', response.content.decode()).group(1))


def confirm(client, job_id, **kwargs):
    return client.post(reverse("people:roster_import_confirm"), {"job": job_id}, **kwargs)


def test_import_page_renders_the_upload_form(signed_in):
    # when
    response = signed_in.get(reverse("people:roster_import"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html


def test_import_preview_shows_counts_and_rows_and_writes_nothing(signed_in, var_dir):
    # when
    response = upload(signed_in, FIXTURE.read_bytes(), "roster.xlsx")
    # then: the job page, with the check's result
    html = response.content.decode()
    assert re.fullmatch(r"/jobs/\d+/", response.redirect_chain[-1][0])
    assert '<div id="job-body" data-status="done"' in html
    assert '<div class="value" data-count="created">381</div>' in html
    assert '<div class="value" data-count="units">15</div>' in html
    new_units = html[html.index('id="import-new-units"'):]
    new_units = new_units[:new_units.index("</section>")]
    assert "将新建的单位（15 个）" in new_units
    assert len(re.findall(r"<li>临江市(/[^<]+)?</li>", new_units)) == 15
    assert len(re.findall(r'<td class="num">\d+</td>', html)) == 20
    assert "确认导入" in html
    assert Person.objects.count() == 0 and Unit.objects.count() == 0
    assert len(list((var_dir / "imports").iterdir())) == 1  # the checked roster, kept


def test_import_preview_masks_the_id_numbers(signed_in):
    # given
    number = id_number("1975.03", "男", serial=7)
    # when
    html = upload(signed_in, roster_xlsx([roster_row(身份证号=number)])).content.decode()
    # then
    assert number not in html
    assert f'<td class="mono">{number[:6]}********{number[-4:]}</td>' in html


def test_import_preview_lists_every_error_and_writes_nothing(signed_in, var_dir):
    # given
    content = roster_xlsx([
        roster_row(出生年月="1975.13", 身份证号=""),
        roster_row(姓名="李四", 身份证号="", 政治面貌="某党"),
    ])
    # when
    response = upload(signed_in, content)
    # then
    html = response.content.decode()
    assert '<div id="job-body" data-status="failed"' in html
    assert "有 2 处错误，未导入任何数据" in html
    assert "<li>第2行 出生年月 “1975.13” 不是有效的年月</li>" in html
    assert "<li>第3行 政治面貌 “某党” 不是有效的政治面貌</li>" in html
    assert "确认导入" not in html
    assert Person.objects.count() == 0 and Unit.objects.count() == 0
    assert list((var_dir / "imports").iterdir()) == []


def test_import_refuses_an_oversized_file_before_reading_it(signed_in, settings, var_dir):
    # given
    settings.ROSTER_MAX_BYTES = 1024
    # when
    response = upload(signed_in, b"x" * 3 * 1048576, "大名册.xlsx")
    # then
    html = response.content.decode()
    assert "<li>文件过大（3.0 MB），上限为 0 MB</li>" in html
    assert Person.objects.count() == 0
    assert not (var_dir / "imports").exists() or list((var_dir / "imports").iterdir()) == []


def test_import_refuses_a_file_that_is_not_a_spreadsheet(signed_in):
    # when
    by_name = upload(signed_in, b"hello", "notes.txt")
    by_content = upload(signed_in, b"\x00\x01\x02binary", "roster.xlsx")
    # then
    assert "文件类型不支持" in by_name.content.decode()
    assert "有 1 处错误，未导入任何数据" in by_content.content.decode()
    assert Person.objects.count() == 0


def test_import_confirm_writes_and_shows_the_result(signed_in, var_dir):
    # given
    preview = upload(signed_in, FIXTURE.read_bytes(), "roster.xlsx")
    # when
    response = confirm(signed_in, check_job_of(preview), follow=True)
    # then
    html = response.content.decode()
    assert re.fullmatch(r"/jobs/\d+/", response.redirect_chain[-1][0])
    assert "已导入名册“roster.xlsx”：共 381 人，新增 381 人" in html
    assert f'href="{reverse("people:roster")}"' in html
    assert Person.objects.count() == 381
    assert list((var_dir / "imports").iterdir()) == []


def test_an_upload_is_parsed_once_from_preview_to_import(signed_in, monkeypatch, var_dir):
    # given
    import cadres.people.services

    parses = []
    real_parse = cadres.people.services.roster_parse

    def counted_parse(*args, **kwargs):
        parses.append(1)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(cadres.people.services, "roster_parse", counted_parse)
    # when
    preview = upload(signed_in, roster_xlsx([roster_row()]))
    kept = (var_dir / "imports").iterdir().__next__().read_bytes()
    confirm(signed_in, check_job_of(preview))
    # then: the check kept the checked roster (pickled), and the import used it
    assert len(parses) == 1
    assert kept.startswith(b"\x80")  # a pickle, not the .xlsx (PK…)
    assert Person.objects.count() == 1


def test_import_confirm_twice_imports_once(signed_in):
    # given
    preview = upload(signed_in, roster_xlsx([roster_row()]))
    confirm(signed_in, check_job_of(preview))
    # when
    response = confirm(signed_in, check_job_of(preview), follow=True)
    # then
    assert "该导入文件已失效或已导入" in response.content.decode()
    assert Person.objects.count() == 1


@pytest.mark.parametrize("job", ["../../etc/passwd", "ABCDEF", "0", "-3", ""])
def test_import_confirm_rejects_malformed_job_ids(signed_in, job):
    # when
    response = signed_in.post(reverse("people:roster_import_confirm"), {"job": job})
    # then
    assert response.status_code == 400
    assert Person.objects.count() == 0


def test_import_confirm_ignores_a_check_of_another_user(client, signed_in, django_user_model):
    # given: a roster checked by another officer
    preview = upload(signed_in, roster_xlsx([roster_row()]))
    job_id = check_job_of(preview)
    other = django_user_model.objects.create_superuser(username="other", password="x" * 12)
    client.force_login(other)
    # when
    response = confirm(client, job_id)
    page = client.get(reverse("jobs:job_detail", args=[job_id]))
    # then
    assert response.status_code == 302 and response["Location"] == reverse("people:roster_import")
    assert page.status_code == 404
    assert Person.objects.count() == 0


def test_navigation_marks_only_the_most_specific_page(signed_in):
    # when
    html = signed_in.get(reverse("people:roster_import")).content.decode()
    # then
    assert re.findall(r'class="nav-link is-current" href="([^"]+)"', html) == ["/people/import/"]


def test_import_removes_uploads_left_unconfirmed_for_a_day(signed_in, var_dir):
    # given: an abandoned upload from two days ago
    (var_dir / "imports").mkdir()
    stale = var_dir / "imports" / ("f" * 32)
    stale.write_bytes(b"old")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    # when
    upload(signed_in, roster_xlsx([roster_row()]))
    # then
    assert not stale.exists()
    assert len(list((var_dir / "imports").iterdir())) == 1


# Unit scope ----------------------------------------------------------------------------------


@pytest.fixture
def scoped_world():
    from cadres.accounts.testing import person_in, unit_tree

    units = unit_tree()
    number = id_number("1980.05", "男")
    return {
        **units,
        "east_person": person_in(units["east_office"], "东镇甲", id_number=number),
        "west_person": person_in(units["west"], "西镇乙"),
    }


def test_a_unit_clerk_sees_only_the_people_and_units_of_the_scope(client, scoped_world):
    # given
    from cadres.accounts.testing import sign_in, user_with_role

    clerk = user_with_role("unit_clerk", maintained=[scoped_world["east"]])
    sign_in(client, clerk)
    # when
    roster_page = client.get(reverse("people:roster"))
    west_card = client.get(reverse("people:person_detail", args=[scoped_world["west_person"].pk]))
    east_card = client.get(reverse("people:person_detail", args=[scoped_world["east_person"].pk]))
    # then
    html = roster_page.content.decode()
    assert names_in(roster_page) == ["东镇甲"]
    assert f'<option value="{scoped_world["east"].pk}">' in html
    assert f'<option value="{scoped_world["west"].pk}">' not in html
    assert west_card.status_code == 404
    assert east_card.status_code == 200


def test_the_id_number_is_masked_for_roles_without_sensitive_access(client, scoped_world):
    # given
    from cadres.accounts.testing import sign_in, user_with_role

    clerk = user_with_role("unit_clerk", maintained=[scoped_world["east"]])
    officer = user_with_role("cadre_office", managed=[scoped_world["east"]])
    url = reverse("people:person_detail", args=[scoped_world["east_person"].pk])
    number = scoped_world["east_person"].id_number
    # when
    clerk_html = sign_in(client, clerk).get(url).content.decode()
    officer_html = sign_in(client, officer).get(url).content.decode()
    officer_masked_html = officer_html
    reads_before = AuditEvent.objects.filter(action=AuditAction.PERSON_VIEWED).count()
    client.post(reverse("accounts:dossier_open", args=[scoped_world["east_person"].pk]),
                {"purpose": "考核考察任免", "detail": "2026年度考察"})
    officer_open_html = client.get(url).content.decode()
    # then
    assert number not in clerk_html
    assert f"{number[:6]}********{number[-4:]}" in clerk_html
    assert "dossier/" not in clerk_html  # no link to register a read
    assert number not in officer_masked_html
    assert number in officer_open_html
    read = AuditEvent.objects.filter(action=AuditAction.PERSON_VIEWED).latest("id")
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_VIEWED).count() == reads_before + 1
    assert read.actor == officer and read.changes["purpose"] == "考核考察任免"


def test_a_unit_clerk_imports_only_into_the_maintained_units(client, scoped_world):
    # given
    from cadres.accounts.testing import sign_in, user_with_role

    clerk = user_with_role("unit_clerk", maintained=[scoped_world["east"]])
    sign_in(client, clerk)
    east_row = roster_row(姓名="东镇丙", 身份证号="", 单位="某县/东镇/党政办")
    west_row = roster_row(姓名="西镇丁", 身份证号="", 单位="某县/西镇")
    # when
    refused = upload(client, roster_xlsx([east_row, west_row]))
    accepted = upload(client, roster_xlsx([east_row]))
    confirm(client, check_job_of(accepted))
    # then
    assert "<li>第3行 单位 “某县/西镇” 不在您的信息维护范围内</li>" in refused.content.decode()
    assert not Person.objects.filter(name="西镇丁").exists()
    assert Person.objects.get(name="东镇丙").unit == scoped_world["east_office"]
