"""In the browser: a cadre officer adds a 简历 entry, a 奖惩, two years of 年度考核 and, after
registering a read of the file (查阅登记), two family members through the records pages, and
sees each change in the person's 档案变更记录."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in
from cadres.org.models import Unit

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_add_resume_award_assessments_and_family_in_the_browser(signed_in_page, live_server):
    from playwright.sync_api import expect

    # given: a cadre of the water bureau since 2003.07
    county = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=county, depth=1)
    cadre = person_in(water, "王建国", post_title="科员", rank="0150",
                      post_started_on=dt.date(2003, 7, 1))
    page = signed_in_page
    records_url = live_server.url + reverse("records:person_records", args=[cadre.pk])
    page.goto(records_url)
    resume = page.locator("#records-resume")
    expect(resume).to_contain_text("青岚县水利局科员")

    # when: a 简历 entry before the records began, with a 其间 note
    resume.get_by_role("link", name="新增简历").click()
    page.get_by_label("起始年月").fill("1999.09")
    page.get_by_label("截止年月").fill("2003.07")
    page.get_by_label("经历内容").fill("浙江大学水利工程专业学习")
    page.get_by_label("其间情况").fill("2001.09--2003.07辅修法学")
    page.get_by_role("button", name="保存").click()
    # then
    expect(page.locator(".message-success")).to_have_text("已新增简历")
    lines = page.locator("#records-resume .resume-line")
    expect(lines.nth(0)).to_contain_text("1999.09--2003.07")
    expect(lines.nth(0)).to_contain_text("浙江大学水利工程专业学习")
    expect(lines.nth(1)).to_contain_text("（其间：2001.09--2003.07辅修法学）")
    expect(lines.nth(2)).to_contain_text("2003.07--")

    # when: a 奖惩 with its document
    page.locator("#records-award").get_by_role("link", name="新增奖惩").click()
    page.get_by_label("类别").select_option(label="奖励")
    page.get_by_label("名称").fill("优秀共产党员")
    page.get_by_label("批准日期").fill("2021-06-28")
    page.get_by_label("批准机关").fill("中共青岚县委")
    page.get_by_label("文号").fill("青委〔2021〕12号")
    page.get_by_role("button", name="保存").click()
    # then
    award = page.locator("#records-award tbody tr")
    expect(award).to_have_count(1)
    expect(award).to_contain_text("优秀共产党员")
    expect(award).to_contain_text("2021.06.28")

    # when: two years of 年度考核, the second first tried with a year already entered
    for year, grade in (("2022", "称职"), ("2023", "优秀"), ("2022", "优秀")):
        page.locator("#records-assessment").get_by_role("link", name="新增年度考核").click()
        page.get_by_label("年度").fill(year)
        page.get_by_label("考核结果").select_option(label=grade)
        page.get_by_role("button", name="保存").click()
    # then: the repeated year is refused on the form, by name
    expect(page.locator(".errorlist")).to_have_text("2022年度的考核结果已录入，请修改原有记录")
    page.get_by_role("link", name="取消").click()
    expect(page.locator("#records-assessment tbody tr")).to_have_count(2)
    expect(page.locator("#records-assessment .records-summary")).to_have_text(
        "2022年年度考核为称职，2023年年度考核为优秀。")

    # when: family members, after registering a read of the file
    family = page.locator("#records-family")
    expect(family).to_contain_text("敏感信息")
    expect(family.get_by_role("link", name="新增家庭成员")).to_have_count(0)
    family.get_by_role("link", name="登记查阅家庭成员").click()
    page.get_by_label("查阅用途").select_option("日常管理")
    page.get_by_label("事由说明").fill("录入家庭成员")
    page.get_by_role("button", name="登记并查阅").click()
    page.goto(records_url)
    for relation, name, birth, status, work in (
        ("妻子", "李秀兰", "1982.03", "中共党员", "青岚县第一中学教师"),
        ("父亲", "王大山", "1950.01", "群众", ""),
    ):
        page.locator("#records-family").get_by_role("link", name="新增家庭成员").click()
        page.get_by_label("称谓").fill(relation)
        page.get_by_label("姓名").fill(name)
        page.get_by_label("出生年月").fill(birth)
        page.get_by_label("政治面貌").select_option(label=status)
        page.get_by_label("工作单位及职务").fill(work)
        if not work:
            page.get_by_label("已去世").check()
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".message-success")).to_have_text("已新增家庭成员")
    # then
    rows = page.locator("#records-family tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("李秀兰")
    expect(rows.nth(0)).to_contain_text("1982.03")
    expect(rows.nth(1)).to_contain_text("王大山")
    expect(rows.nth(1)).to_contain_text("已去世")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "records-sections.png"), full_page=True)

    # and: each change is in the person's 档案变更记录 on the card
    page.get_by_role("link", name="干部信息卡").click()
    history = page.locator("#history")
    for action in ("新增简历", "新增奖惩", "新增年度考核", "新增家庭成员"):
        expect(history).to_contain_text(action)
    expect(history.locator("tr", has_text="新增奖惩")).to_contain_text("文号：青委〔2021〕12号")
    expect(history.locator("tr", has_text="新增简历")).to_contain_text(re.compile(r"起始年月：1999\.09"))
