"""In the browser: an officer generates and publishes the 任前公示 of a case at its 公示 step; a
fresh anonymous browser visits /gongshi/ and files a comment; the officer resolves it, and once
the period is over appoints the nominee and records the 任职谈话. Screenshots of the public pages
go to var/screenshots/."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.cases.models import NomineeStage, NoticeComment, PublicNotice
from cadres.cases.tests.test_publicity import case_at_publicity

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_notice_comment_and_appointment_in_the_browser(signed_in_page: Any, live_server: Any, browser: Any,
                                                        monkeypatch: Any, officer: Any, county: Any,
                                                        team: Any) -> None:
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    page = signed_in_page
    case_page = live_server.url + reverse("cases:case_publicity", args=[case.pk])

    # when: the officer generates the notice from the case and publishes it
    page.goto(case_page)
    page.locator("#case-publicity").get_by_role("link", name="生成任前公示").click()
    page.get_by_label("联系电话").fill("0571-5551234")
    page.get_by_label("通信地址").fill("青岚县委组织部干部监督科")
    page.get_by_role("button", name="生成").click()
    expect(page.locator(".message-success")).to_contain_text("已生成任前公示")
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".message-success")).to_contain_text("已发布任前公示")
    expect(page.locator("#case-publicity .badge")).to_have_text("公示中")
    notice = PublicNotice.objects.get()

    # when: someone without an account opens the public page and files a comment
    anonymous = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    public = anonymous.new_page()
    public.set_default_timeout(15_000)
    public.goto(live_server.url + "/gongshi/")
    expect(public.locator("h1")).to_have_text("干部任前公示")
    expect(public.locator("article")).to_contain_text("赵副镇长，男，1986.11出生，汉族")
    expect(public.locator("article")).to_contain_text("拟任县水利局副局长")
    expect(public.locator(".nav")).to_have_count(0)   # none of the system's menus
    public.screenshot(path=str(SCREENSHOTS / "publicity-public-list.png"), full_page=True)
    public.get_by_role("link", name="反映情况").click()
    public.get_by_label("反映对象").select_option(label="赵副镇长")
    public.get_by_label("反映内容").fill("该同志在东坑镇分管工作期间，有一项工程验收不规范。")
    public.screenshot(path=str(SCREENSHOTS / "publicity-public-form.png"), full_page=True)
    public.get_by_role("button", name="提交").click()
    expect(public.locator("h1")).to_have_text("已收到您的反映")
    # The rest of the system stays closed to him.
    public.goto(live_server.url + reverse("cases:case_publicity", args=[case.pk]))
    assert "/login" in public.url and "赵副镇长" not in public.content()
    anonymous.close()
    comment = NoticeComment.objects.get()
    assert comment.nominee_id == nominee.pk

    # when: the officer resolves it from the case
    page.goto(case_page)
    page.locator("#case-publicity").get_by_role("link", name="公示反映（1件待核查）").click()
    expect(page.locator("#comment-list")).to_contain_text("工程验收不规范")
    page.get_by_role("link", name="核查办结").click()
    page.get_by_label("核查结论").select_option(label="问题轻微，任用并提醒")
    page.get_by_label("核查情况").fill("经核查，验收资料后补齐，已对本人进行提醒。")
    page.get_by_role("button", name="办结").click()
    expect(page.locator(".message-success")).to_have_text("已办结该公示反映")
    expect(page.locator("#comment-list")).to_contain_text("问题轻微，任用并提醒")

    # when: the period is over, he appoints the nominee and records the talk
    after = notice.ends_on + dt.timedelta(days=1)
    original = timezone.localdate
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda value=None, timezone=None: after if value is None else original(value, timezone))
    page.goto(case_page)
    page.locator("#case-completion").get_by_role("link", name="任职", exact=True).click()
    page.get_by_label("任职文号").fill("青委干〔2026〕31号")
    page.get_by_label("任用类型").select_option(label="交流任职")
    page.get_by_role("button", name="任职").click()
    expect(page.locator(".message-success")).to_have_text("已办理赵副镇长的任职")
    row = page.locator("#completion-nominees tbody tr")
    expect(row).to_contain_text("已任职")
    expect(row).to_contain_text("青委干〔2026〕31号")
    row.get_by_role("link", name="任职谈话").click()
    page.get_by_label("谈话人").fill("县委组织部常务副部长")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".message-success")).to_have_text("已记录赵副镇长的任职谈话")
    expect(row).to_contain_text("县委组织部常务副部长")
    page.screenshot(path=str(SCREENSHOTS / "publicity-case-completion.png"), full_page=True)

    nominee.refresh_from_db()
    team["candidate"].refresh_from_db()
    assert nominee.stage == NomineeStage.APPOINTED
    assert (team["candidate"].unit_id, team["candidate"].post_title) == (county["water"].pk, "副局长")
