"""In the browser: an exchange what-if. A cadre officer creates a plan, swaps two township
deputies between the teams, sees both teams before → after and the avoidance conflict the swap
creates in red, is refused the commit without a reason, and commits it with one."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.alerts.models import ExchangePlan, PlanStatus
from cadres.alerts.tests.fixtures_exchange import county, member, relative
from cadres.org.models import Assignment, PostSource

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_exchange_what_if_in_the_browser(signed_in_page, live_server):
    from playwright.sync_api import expect

    # given: two township teams; 马骏 (west) has a sister on the east team
    units = county()
    member(units["east"], "张东", "党委书记", rank="0141", birth_date=dt.date(1970, 1, 1))
    lin = member(units["east"], "林芳", "副镇长", sex="2", birth_date=dt.date(1990, 3, 1))
    sister = member(units["east"], "马丽", "副镇长", sex="2", birth_date=dt.date(1978, 7, 1))
    member(units["west"], "黄西", "党委书记", rank="0141", birth_date=dt.date(1968, 1, 1))
    ma = member(units["west"], "马骏", "副镇长", birth_date=dt.date(1980, 1, 1), political_status="13")
    relative(ma, "姐姐", sister)
    page = signed_in_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # when: a new plan
    page.goto(live_server.url + reverse("alerts:exchange_list"))
    page.get_by_label("方案名称").fill("2026年乡镇副职交流")
    page.get_by_label("实施日期").fill("2026-09-01")
    page.get_by_label("文号", exact=True).fill("青组〔2026〕8号")
    page.get_by_role("button", name="新建方案").click()
    expect(page.locator("h1")).to_have_text("2026年乡镇副职交流")

    # and two moves, each found by name
    for name, unit in (("林芳", "青岚县/西岭镇"), ("马骏", "青岚县/东坑镇")):
        page.get_by_label("姓名").fill(name)
        page.get_by_role("button", name="查找").click()
        page.get_by_label("干部").select_option(label=f"{name}（{'东坑镇' if name == '林芳' else '西岭镇'}副镇长）")
        page.get_by_label("交流到单位").select_option(label=unit)
        page.get_by_label("拟任职务").fill("副镇长")
        page.get_by_label("职务层次").select_option(label="副科级")
        page.get_by_role("button", name="加入方案").click()
        expect(page.locator(".message-success")).to_have_text(f"已加入交流人选{name}")
    expect(page.locator("#moves tbody tr")).to_have_count(2)

    # then: both teams before → after, and the conflict in red
    east = page.locator(f"#team-{units['east'].pk}")
    expect(east).to_contain_text("交流出：林芳；交流进：马骏")
    expect(east.locator("tr", has_text="女干部")).to_contain_text("2（66.67%）")
    expect(east.locator("tr", has_text="女干部")).to_contain_text("1（33.33%）")
    expect(east.locator("tr", has_text="党外干部")).to_contain_text("0（0.0%）")
    created = page.locator("#conflicts-created")
    expect(created).to_have_class("callout callout-bad")
    expect(created).to_contain_text("马骏（东坑镇副镇长）与其姐姐马丽（东坑镇副镇长）同为东坑镇领导班子成员")
    page.screenshot(path=str(SCREENSHOTS / "exchange_preview.png"), full_page=True)

    # when: committed without a reason: refused, by name
    page.get_by_role("button", name="实施方案").click()
    expect(page.locator("#commit-form .errorlist")).to_contain_text("新增回避情形")
    page.screenshot(path=str(SCREENSHOTS / "exchange_refused.png"), full_page=True)
    assert ExchangePlan.objects.get().status == PlanStatus.DRAFT

    # and with a reason
    page.get_by_label("存在问题仍实施的理由").fill("经县委常委会研究，马丽另行交流")
    page.get_by_role("button", name="实施方案").click()
    expect(page.locator(".message-success")).to_have_text("交流方案已实施")
    expect(page.locator(".subtitle")).to_contain_text("已实施")
    expect(page.locator("#committed-note")).to_contain_text("交流人选自2026.09.01起任新职")
    expect(page.locator("#preview")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "exchange_committed.png"), full_page=True)
    new = Assignment.objects.get(person=lin, ended_on__isnull=True)
    assert (new.unit_id, new.started_on, new.source) == (units["west"].pk, dt.date(2026, 9, 1),
                                                         PostSource.PROCEDURE)
