"""In the browser: the supervision officer sees the year's round with its counts, checks two
rows and marks them 已报告 at once, then records the third row's report by its own date."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.supervision.models import PersonalMattersReport
from cadres.supervision.tests.conftest import cadre

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_mark_checked_rows_reported_and_record_one(signed_in_page, live_server, county):
    from playwright.sync_api import expect

    people = [cadre(county["east"], name) for name in ("王一", "李二", "张三")]
    cadre(county["east"], "钱科员", rank="0141")
    today = timezone.localdate()
    year = today.year - 1
    page = signed_in_page
    page.goto(live_server.url + reverse("supervision:personal_matters"))
    expect(page.locator("h1")).to_have_text(f"{year}年度个人有关事项报告")
    expect(page.locator("#count-required")).to_have_text("3")
    expect(page.locator("#count-reported")).to_have_text("0")
    expect(page.locator("tr.report-row")).to_have_count(3)
    page.get_by_label("选择王一").check()
    page.get_by_label("选择李二").check()
    page.locator("#mark-date").fill(f"{year + 1}-01-20")
    page.get_by_role("button", name="标记已报告").click()
    expect(page.locator(".message-success")).to_contain_text(f"已标记2人已报告{year}年度个人有关事项")
    expect(page.locator("#count-reported")).to_have_text("2")
    expect(page.locator(f'tr[data-person="{people[0].pk}"] .status')).to_contain_text(f"已报告 {year + 1}.01.20")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "supervision-personal-matters.png"), full_page=True)

    page.get_by_label("张三的报告日期").fill(f"{year + 1}-01-30")
    page.locator(f'tr[data-person="{people[2].pk}"]').get_by_role("button", name="登记").click()
    expect(page.locator(".message-success")).to_contain_text("已登记：张三")
    expect(page.locator("#count-reported")).to_have_text("3")
    assert PersonalMattersReport.objects.get(person=people[2]).submitted_on == dt.date(year + 1, 1, 30)
