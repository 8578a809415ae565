"""The rule and calendar pages: read with cases.view, change with cases.rules (audited), bad
numbers and bad CSV rows named in Chinese; the checks partial of a case."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from cadres.accounts.testing import sign_in
from cadres.audit.models import AuditEvent
from cadres.cases.actions import CaseAction
from cadres.cases.models import CalendarDay, CasePost, Nominee, SelectionCase, SelectionRule

pytestmark = pytest.mark.django_db

D = dt.date


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def publicity_rule():
    return SelectionRule.objects.get(code="publicity_days")


def test_the_rule_list_shows_numbers_in_words(client, supervisor):
    sign_in(client, supervisor)
    response = client.get(reverse("cases:rule_list"))
    assert response.status_code == 200
    text = text_of(response)
    assert "任前公示期限" in text and "工作日数：5" in text
    assert "适用的职务层次：正县级、副县级" in text
    assert "必须差额考察的选任方式：换届" in text
    assert reverse("cases:rule_update", args=[SelectionRule.objects.first().pk]) not in response.content.decode()


def test_a_clerk_without_case_codes_gets_403(client, east_clerk, publicity_rule):
    sign_in(client, east_clerk)
    assert client.get(reverse("cases:rule_list")).status_code == 403
    assert client.get(reverse("cases:calendar")).status_code == 403
    url = reverse("cases:rule_update", args=[publicity_rule.pk])
    assert client.post(url, {"action": "update", "rule-params": '{"working_days": 1}',
                             "rule-text": "x"}).status_code == 403
    publicity_rule.refresh_from_db()
    assert publicity_rule.params == {"working_days": 5}


def test_a_reader_cannot_change_rules_or_the_calendar(client, supervisor, publicity_rule):
    sign_in(client, supervisor)
    assert client.get(reverse("cases:rule_update", args=[publicity_rule.pk])).status_code == 403
    assert client.post(reverse("cases:calendar"), {"date": "2027-01-01", "is_workday": "0"}).status_code == 403
    assert not CalendarDay.objects.exists()


def test_the_officer_changes_a_rule_and_it_is_audited(client, officer, publicity_rule):
    sign_in(client, officer)
    url = reverse("cases:rule_update", args=[publicity_rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "update", "rule-params": '{"working_days": 7}',
                                 "rule-text": publicity_rule.text})
    assert response.status_code == 302
    publicity_rule.refresh_from_db()
    assert publicity_rule.params == {"working_days": 7}
    event = AuditEvent.objects.get(action=CaseAction.RULE_CHANGED)
    assert event.changes["params"] == [{"working_days": 5}, {"working_days": 7}]
    assert event.actor_id == officer.pk


@pytest.mark.parametrize("params, message", [
    ('{"working_days": 0}', "参数“working_days”（工作日数）应为正整数"),
    ('{"working_days": "5"}', "应为正整数"),
    ('{"days": 5}', "参数“days”不是该规则的参数"),
    ('{"working_days": 5', "参数不是有效的 JSON"),
])
def test_bad_numbers_are_refused_in_words(client, officer, publicity_rule, params, message):
    sign_in(client, officer)
    response = client.post(reverse("cases:rule_update", args=[publicity_rule.pk]),
                           {"action": "update", "rule-params": params, "rule-text": "x"})
    assert response.status_code == 200
    assert message in response.content.decode()
    publicity_rule.refresh_from_db()
    assert publicity_rule.params == {"working_days": 5}
    assert not AuditEvent.objects.filter(action=CaseAction.RULE_CHANGED).exists()


def test_other_codes_are_checked_against_their_tables(client, officer):
    sign_in(client, officer)
    rule = SelectionRule.objects.get(code="decision_quorum")
    response = client.post(reverse("cases:rule_update", args=[rule.pk]),
                           {"action": "update", "rule-params": '{"numerator": 4, "denominator": 3}',
                            "rule-text": rule.text})
    assert "比例分子不能大于分母" in response.content.decode()
    rule = SelectionRule.objects.get(code="working_years")
    bad = dict(rule.params, ranks=["9999"])
    response = client.post(reverse("cases:rule_update", args=[rule.pk]),
                           {"action": "update", "rule-params": json.dumps(bad), "rule-text": rule.text})
    assert "含有不认识的值：9999" in response.content.decode()


def test_a_new_period_ends_the_old_one_the_day_before(client, officer, publicity_rule):
    sign_in(client, officer)
    response = client.post(reverse("cases:rule_update", args=[publicity_rule.pk]),
                           {"action": "period", "period-effective_from": "2027-01-01",
                            "period-params": '{"working_days": 7}', "period-text": "七个工作日"})
    assert response.status_code == 302
    publicity_rule.refresh_from_db()
    assert publicity_rule.effective_to == D(2026, 12, 31)
    new = SelectionRule.objects.get(code="publicity_days", effective_from=D(2027, 1, 1))
    assert new.params == {"working_days": 7} and new.effective_to is None
    assert AuditEvent.objects.filter(action=CaseAction.RULE_CHANGED).count() == 1
    # A period inside the new one must be added on the new row.
    response = client.post(reverse("cases:rule_update", args=[new.pk]),
                           {"action": "period", "period-effective_from": "2026-06-01",
                            "period-params": '{"working_days": 6}', "period-text": "x"})
    assert "施行日期须晚于本规则现行期间的起始日期2027.01.01" in response.content.decode()


def test_the_calendar_page_adds_changes_deletes_and_loads(client, officer):
    sign_in(client, officer)
    page = client.get(reverse("cases:calendar"))
    assert page.status_code == 200 and "已内置" in text_of(page)
    assert client.post(reverse("cases:calendar"), {"date": "2027-02-06", "is_workday": "1",
                                                   "name": "春节调休上班"}).status_code == 302
    entry = CalendarDay.objects.get()
    assert entry.is_workday and entry.name == "春节调休上班"
    response = client.post(reverse("cases:calendar"), {"date": "", "is_workday": ""})
    assert response.status_code == 400
    assert "请填写日期" in response.content.decode() and "请选择类别" in response.content.decode()
    csv = "日期,类别,说明\n2027-02-10,休息,春节\n2027-02-06,休息,更正\n".encode()
    response = client.post(reverse("cases:calendar_load"),
                           {"file": SimpleUploadedFile("2027.csv", csv, content_type="text/csv")})
    assert response.status_code == 302
    assert CalendarDay.objects.count() == 2 and not CalendarDay.objects.get(date=D(2027, 2, 6)).is_workday
    bad = "2027-04-05,休息,清明\n2027-13-01,休息,\n".encode()
    response = client.post(reverse("cases:calendar_load"),
                           {"file": SimpleUploadedFile("bad.csv", bad, content_type="text/csv")})
    assert response.status_code == 400
    assert "第2行：日期“2027-13-01”无法识别" in response.content.decode()
    assert not CalendarDay.objects.filter(date=D(2027, 4, 5)).exists()
    assert client.post(reverse("cases:calendar"), {"action": "delete", "pk": entry.pk}).status_code == 302
    assert CalendarDay.objects.count() == 1
    assert AuditEvent.objects.filter(action=CaseAction.CALENDAR_CHANGED).count() == 3


def test_the_checks_partial_shows_each_nominee_with_outcomes_and_the_explain_form(county, team, officer):
    case = SelectionCase.objects.create(number="2026-009", title="县水利局局长", unit=county["water"],
                                        started_on=D(2026, 1, 5))
    post = CasePost.objects.create(case=case, unit=county["water"], title="局长", rank="0141")
    nominee = Nominee.objects.create(case=case, post=post, person=team["candidate"], stage="candidate")
    html = Template("{% include 'cases/partials/checks.html' %}").render(Context({"case": case, "user": officer}))
    assert "赵副镇长" in html and "拟任县水利局局长" in html
    assert 'class="badge badge-bad">不通过' in html  # 超职数
    assert 'class="badge badge-warn">须说明理由' in html  # 培训
    assert f'action="/cases/nominees/{nominee.pk}/explain/"' in html
    assert '<input type="hidden" name="code" value="training">' in html
    assert "<details><summary>条文</summary>" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_change_a_rule_and_load_a_calendar_in_the_browser(signed_in_page, live_server, tmp_path):
    from pathlib import Path

    from playwright.sync_api import expect

    screenshots = Path(__file__).resolve().parents[3] / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page = signed_in_page
    page.goto(live_server.url + reverse("cases:rule_list"))
    row = page.locator("#rule-list tr[data-code='publicity_days']")
    expect(row).to_contain_text("工作日数：5")
    page.screenshot(path=str(screenshots / "cases_rule_list.png"), full_page=True)
    row.get_by_role("link", name="修改").click()
    page.locator("#id_rule-params").fill('{"working_days": 0}')
    page.locator("#rule-form").get_by_role("button", name="保存").click()
    expect(page.locator("#rule-form .errorlist")).to_contain_text("应为正整数")
    page.screenshot(path=str(screenshots / "cases_rule_form_error.png"), full_page=True)
    page.locator("#id_rule-params").fill('{"working_days": 6}')
    page.locator("#rule-form").get_by_role("button", name="保存").click()
    expect(page.locator("#rule-list tr[data-code='publicity_days']")).to_contain_text("工作日数：6")
    page.goto(live_server.url + reverse("cases:calendar"))
    csv = tmp_path / "2027.csv"
    csv.write_text("日期,类别,说明\n2027-01-01,休息,元旦\n2027-02-07,上班,春节调休上班\n", encoding="utf-8")
    page.locator("#id_file").set_input_files(str(csv))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#calendar-days tbody tr")).to_have_count(2)
    expect(page.locator("#calendar-days")).to_contain_text("春节调休上班")
    page.screenshot(path=str(screenshots / "cases_calendar.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_checks_partial_as_a_picture(page, live_server, county, team, officer):
    from pathlib import Path

    from django.templatetags.static import static

    case = SelectionCase.objects.create(number="2026-010", title="县水利局局长", unit=county["water"],
                                        started_on=D(2026, 1, 5))
    post = CasePost.objects.create(case=case, unit=county["water"], title="局长", rank="0141")
    Nominee.objects.create(case=case, post=post, person=team["candidate"], stage="candidate",
                           recommended_on=D(2026, 6, 1), check_reasons={"working_years": "已核实"})
    html = Template("{% include 'cases/partials/checks.html' %}").render(Context({"case": case, "user": officer}))
    css = live_server.url + static("core/css/app.css")
    page.set_content(f'<html><head><link rel="stylesheet" href="{css}"></head><body><main class="content">'
                     f"{html}</main></body></html>")
    page.wait_for_load_state("networkidle")
    screenshots = Path(__file__).resolve().parents[3] / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "cases_checks_partial.png"), full_page=True)
    assert page.locator(".case-check-table").count() == 2
