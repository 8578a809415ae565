"""In the browser, a whole case from 动议 to 任职: an officer creates it, adds its post and a
nominee, moves it 动议 → 民主推荐 → 确定考察对象, states the reasons the checks ask for, records
a 常委会 with its decision (exactly half of 应到会 fails), goes through 考察 and 凡提四必 (the
纪委 函询 with its reply) to 讨论决定 and 任前公示; someone without an account reads the notice at
/gongshi/ and files a comment, the officer resolves it, appoints the nominee once the period is
over, records the 任职谈话 and completes the case. Screenshots of the pages and of the 纪实表 PDF
(rendered to a picture with pdfium) go to var/screenshots/."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.cases.models import SelectionCase, Step
from cadres.org.models import Unit

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_case_from_motion_to_appointment_in_the_browser(signed_in_page: Any, live_server: Any, browser: Any,
                                                        monkeypatch: Any, county: dict[str, Unit],
                                                        team: dict[str, Any]) -> None:
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

    # then: the case page shows the decision
    case_url = live_server.url + reverse("cases:case_detail", args=[case.pk])
    page.goto(case_url)
    expect(page.locator("#meetings")).to_contain_text("同意4，不同意1，弃权0，通过")
    nominee = case.nominees.get()

    def stage(label: str) -> None:
        form = page.locator("details", has_text="变更阶段").first
        form.locator("summary").click()
        form.get_by_label("阶段").select_option(label=label)
        form.get_by_role("button", name="保存").click()
        expect(page.locator("#nominee-list")).to_contain_text(label)

    def move_to(label: str, on: str) -> None:
        move = page.locator("#move-form")
        move.get_by_label("进入步骤").select_option(label=label)
        move.get_by_label("日期", exact=True).fill(on)
        move.get_by_role("button", name="进入该步骤").click()
        expect(page.locator(".message-success")).to_contain_text(f"已进入“{label}”")

    # when: he becomes the 考察对象; the checks that ask for a reason get one
    stage("考察对象")
    for _ in range(6):
        explain = page.locator("details.check-explain")
        if explain.count() == 0:
            break
        explain.first.locator("summary").click()
        explain.first.locator("textarea").fill("个别提拔，推荐意见集中；已列入年度培训计划，提任后一年内完成")
        explain.first.get_by_role("button", name="保存理由").click()
        expect(page.locator(".message-success")).to_contain_text("已记录说明")
    expect(page.locator("details.check-explain")).to_have_count(0)
    move_to("考察", "2026-03-20")
    stage("拟任人选")

    # when: 凡提四必 — 讨论决定 is refused until the 纪委 has replied to the 函询
    def diligence(kind: str, **fields: str) -> None:
        form = page.locator(f"#diligence-{nominee.pk}")
        form.locator("summary").click()
        form.get_by_label("核查事项").select_option(label=kind)
        form.get_by_label("发函或开始日期").fill("2026-03-21")
        for label, value in fields.items():
            if label == "结论":
                form.get_by_label("结论").select_option(label=value)
            else:
                form.get_by_label(label).fill(value)
        form.get_by_role("button", name="保存核查").click()
        expect(page.locator(".message-success")).to_be_visible()

    for kind in ("档案必审", "个人有关事项报告必核", "线索具体的信访举报必查"):
        diligence(kind, 回复或完成日期="2026-03-23", 结论="无问题")
    diligence("纪检监察机关意见必听", 函件文号="青组函〔2026〕12号", 结论="待回复")
    move = page.locator("#move-form")
    move.get_by_label("进入步骤").select_option(label="讨论决定")
    move.get_by_label("日期", exact=True).fill("2026-03-25")
    move.get_by_role("button", name="进入该步骤").click()
    expect(page.locator(".message-error")).to_contain_text("凡提四必")
    diligence("纪检监察机关意见必听", 回复或完成日期="2026-03-26", 结论="无问题", 函件文号="青组函〔2026〕12号",
              回复意见="未发现违反廉洁纪律问题")
    move_to("讨论决定", "2026-03-27")
    move_to("任前公示", "2026-03-30")
    page.screenshot(path=str(SCREENSHOTS / "case_detail.png"), full_page=True)

    # when: the notice is generated and published; someone without an account comments on it
    page.goto(live_server.url + reverse("cases:case_publicity", args=[case.pk]))
    page.locator("#case-publicity").get_by_role("link", name="生成任前公示").click()
    page.get_by_label("联系电话").fill("0571-5551234")
    page.get_by_label("通信地址").fill("青岚县委组织部干部监督科")
    page.get_by_role("button", name="生成").click()
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator("#case-publicity .badge")).to_have_text("公示中")
    anonymous = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    public = anonymous.new_page()
    public.goto(live_server.url + "/gongshi/")
    expect(public.locator("article")).to_contain_text("拟任县水利局副局长")
    public.get_by_role("link", name="反映情况").click()
    public.get_by_label("反映对象").select_option(label="赵副镇长")
    public.get_by_label("反映内容").fill("反映该同志分管的一项工程验收资料不全。")
    public.get_by_role("button", name="提交").click()
    expect(public.locator("h1")).to_have_text("已收到您的反映")
    anonymous.close()
    page.reload()
    page.locator("#case-publicity").get_by_role("link", name="公示反映（1件待核查）").click()
    page.get_by_role("link", name="核查办结").click()
    page.get_by_label("核查结论").select_option(label="未发现问题，任用")
    page.get_by_label("核查情况").fill("经核查，验收资料齐全。")
    page.get_by_role("button", name="办结").click()
    expect(page.locator(".message-success")).to_have_text("已办结该公示反映")

    # when: the period is over: 任职, 任职谈话, completion
    notice = case.notices.get()
    after = notice.ends_on + dt.timedelta(days=1)
    original = timezone.localdate
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda value=None, timezone=None: after if value is None else original(value, timezone))
    page.goto(live_server.url + reverse("cases:case_publicity", args=[case.pk]))
    page.locator("#case-completion").get_by_role("link", name="任职", exact=True).click()
    page.get_by_label("任职文号").fill("青委干〔2026〕31号")
    page.get_by_label("任用类型").select_option(label="交流任职")
    page.get_by_role("button", name="任职").click()
    expect(page.locator(".message-success")).to_have_text("已办理赵副镇长的任职")
    page.locator("#completion-nominees tbody tr").get_by_role("link", name="任职谈话").click()
    page.get_by_label("谈话人").fill("县委组织部常务副部长")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="完成选拔任用").click()
    page.get_by_role("button", name="完成").click()
    case.refresh_from_db()
    team["candidate"].refresh_from_db()
    assert (team["candidate"].unit_id, team["candidate"].post_title) == (county["water"].pk, "副局长")
    assert case.status == "completed"

    # then: the person's card lists the case; the 纪实表 PDF, rendered, tells the whole story
    page.goto(live_server.url + reverse("people:person_detail", args=[team["candidate"].pk]))
    expect(page.locator("body")).to_contain_text("2026-001")
    response = page.request.get(live_server.url + reverse("cases:record_sheet_pdf", args=[case.pk]))
    assert response.ok and response.body().startswith(b"%PDF")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(response.body())
    text = "".join(pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    for expected in ("选拔任用工作全程纪实表", "赵副镇长", "青组函〔2026〕12号", "青委干〔2026〕31号"):
        assert expected in text.replace(" ", "").replace("\r", "").replace("\n", ""), expected
    for index in range(len(pdf)):
        pdf[index].render(scale=1.5).to_pil().save(SCREENSHOTS / f"case_record_sheet_page{index + 1}.png")
