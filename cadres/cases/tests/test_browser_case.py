"""In the browser: an officer creates a case, adds its post and a nominee, moves it 动议 →
民主推荐 → 确定考察对象, records a 常委会 with a decision on the nominee, and opens the 纪实表;
screenshots of the case page and of the 纪实表 (its HTML, as WeasyPrint lays it out) go to
var/screenshots/."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cadres.cases.models import SelectionCase, Step
from cadres.org.models import Unit

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_case_from_motion_to_decision_in_the_browser(signed_in_page: Any, live_server: Any,
                                                     county: dict[str, Unit], team: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = signed_in_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    today = dt.date.today().isoformat()

    # when: a new case
    page.goto(live_server.url + reverse("cases:case_list"))
    page.get_by_role("link", name="新建事项").click()
    page.get_by_label("事项名称").fill("县水利局副局长选拔")
    page.get_by_label("单位").select_option(label="青岚县/县水利局")
    page.get_by_label("动议日期").fill("2026-03-02")
    page.get_by_label("动议理由").fill("副局长职位空缺")
    page.get_by_role("button", name="保存").click()
    # then
    expect(page.locator(".message-success")).to_contain_text("已新建选拔任用事项 2026-001")
    expect(page.locator("#step-bar li.current")).to_contain_text("分析研判和动议")
    case = SelectionCase.objects.get()

    # when: its post
    page.locator("#post-add summary").click()
    post_form = page.locator("#post-add form")
    post_form.get_by_label("单位").select_option(label="青岚县/县水利局")
    post_form.get_by_label("职务", exact=True).fill("副局长")
    post_form.get_by_label("职务层次").select_option(value="0142")
    post_form.get_by_role("button", name="保存职位").click()
    expect(page.locator("#post-list tbody")).to_contain_text("副局长")

    # when: a nominee found by name
    page.get_by_role("link", name="新增人选").click()
    page.get_by_label("姓名").fill("赵副")
    page.get_by_role("button", name="查找干部").click()
    page.get_by_label("赵副镇长 · 东坑镇副镇长").check()
    page.get_by_label("拟任职位").select_option(label="县水利局副局长")
    page.get_by_label("推荐得票").fill("31")
    page.get_by_label("有效推荐票").fill("40")
    page.get_by_role("button", name="加入人选").click()
    expect(page.locator("#nominee-list")).to_contain_text("赵副镇长")
    expect(page.locator("#nominee-list")).to_contain_text("31/40")

    # when: a skip without a reason, then 动议 → 民主推荐 → 确定考察对象
    move = page.locator("#move-form")
    move.get_by_label("进入步骤").select_option(label="考察（须填写理由）")
    move.get_by_label("日期", exact=True).fill("2026-03-05")
    move.get_by_role("button", name="进入该步骤").click()
    expect(page.locator(".message-error")).to_contain_text("须填写理由")
    moves = (("民主推荐", "2026-03-05", "部务会同意启动"), ("确定考察对象", "2026-03-12", "会议推荐得票集中"))
    for label, on, outcome in moves:
        move = page.locator("#move-form")
        move.get_by_label("进入步骤").select_option(label=label)
        move.get_by_label("日期", exact=True).fill(on)
        move.get_by_label("情况和结果").fill(outcome)
        move.get_by_role("button", name="进入该步骤").click()
        expect(page.locator(".message-success")).to_contain_text(f"已进入“{label}”")
    expect(page.locator("#step-bar li.current")).to_contain_text("确定考察对象")
    expect(page.locator("#step-bar li.done")).to_have_count(2)
    expect(page.locator("#timeline")).to_contain_text("会议推荐得票集中")
    case.refresh_from_db()
    assert case.step == Step.CANDIDATES

    # when: a 常委会 with one member on leave, the topic and the decision
    page.goto(live_server.url + reverse("cases:meeting_list"))
    page.get_by_role("link", name="新建会议").click()
    page.get_by_label("会议类型").select_option(label="常委会")
    page.get_by_label("会议名称").fill("县委常委会第9次会议")
    page.get_by_label("会议日期").fill(today)
    page.get_by_label("应到会成员").fill("张书记\n李县长\n王副书记\n陈部长\n刘部长\n周主任 请假 外出学习")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#expected-count")).to_have_text("6")
    expect(page.locator("#present-count")).to_have_text("5")
    page.get_by_label("选拔任用事项").select_option(label="2026-001 县水利局副局长选拔")
    page.get_by_label("议题").fill("研究县水利局副局长人选")
    page.get_by_role("button", name="新增议题").click()
    row = page.locator(".decision-row", has_text="赵副镇长")
    # exactly half of 应到会 in favour: not passed
    row.get_by_label("同意", exact=True).fill("3")
    row.get_by_label("不同意").fill("2")
    row.get_by_role("button", name="记录").click()
    expect(page.locator(".message-success")).to_contain_text("未通过")
    row = page.locator(".decision-row", has_text="赵副镇长")
    row.get_by_label("同意", exact=True).fill("4")
    row.get_by_label("不同意").fill("1")
    row.get_by_role("button", name="记录").click()
    expect(row.locator(".decision-outcome")).to_have_text("通过")
    page.screenshot(path=str(SCREENSHOTS / "case_meeting_detail.png"), full_page=True)

    # then: the case page shows the decision; screenshots of it and of the 纪实表
    page.goto(live_server.url + reverse("cases:case_detail", args=[case.pk]))
    expect(page.locator("#meetings")).to_contain_text("同意4，不同意1，弃权0，通过")
    page.screenshot(path=str(SCREENSHOTS / "case_detail.png"), full_page=True)
    response = page.request.get(live_server.url + reverse("cases:record_sheet_pdf", args=[case.pk]))
    assert response.ok and response.body().startswith(b"%PDF")
    from cadres.cases.documents import record_sheet_html

    sheet = page.context.new_page()
    sheet.set_viewport_size({"width": 794, "height": 1123})
    sheet.set_content(record_sheet_html(case))
    expect(sheet.locator("h1")).to_have_text("选拔任用工作全程纪实表")
    sheet.screenshot(path=str(SCREENSHOTS / "case_record_sheet.png"), full_page=True)
