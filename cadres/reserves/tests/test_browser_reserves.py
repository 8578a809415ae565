"""In the browser: the reserve table with its unmet targets in red, and reserve matching — a
township 镇长 reaching the age limit and a 副职 gap, each with its ranked reserves and the team
after the move."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in
from cadres.org.models import Unit
from cadres.plans.models import AgeLimit, AgeLimitRuleSet, PrincipalTitle
from cadres.records.models import AnnualAssessment
from cadres.reserves import services
from cadres.reserves.models import ReserveSource

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reserve_matching_in_the_browser(signed_in_page, live_server):
    from playwright.sync_api import expect

    # given: a township with a 镇长 born 1968.08 (limit 58 for 正科级: reached 2026.08) and
    # room for three deputies, and a county pool of 正科级 and 副科级 reserves
    AgeLimitRuleSet.objects.update(is_default=False)
    rule_set = AgeLimitRuleSet.objects.create(name="测试任职年龄界限", kind=AgeLimitRuleSet.Kind.POST_AGE_LIMIT,
                                              is_default=True)
    AgeLimit.objects.create(rule_set=rule_set, rank="0141", age_years=58)
    AgeLimit.objects.create(rule_set=rule_set, rank="0142", age_years=55)
    PrincipalTitle.objects.get_or_create(title="镇长")
    county = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=county, depth=1,
                               principal_posts=1, deputy_posts=2)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=county, depth=1)
    person_in(east, "陈镇长", post_title="镇长", rank="0141", is_team_member=True,
              birth_date=dt.date(1968, 8, 1), post_started_on=dt.date(2018, 1, 1))
    person_in(east, "刘副镇长", post_title="副镇长", rank="0142", is_team_member=True, sex="2",
              birth_date=dt.date(1980, 3, 1), post_started_on=dt.date(2020, 1, 1))
    principal_pool = services.pool_create(actor=None, name="正科级后备干部", rank="0141", unit=county, posts=2)
    deputy_pool = services.pool_create(actor=None, name="副科级后备干部", rank="0142", unit=county, posts=1)
    reserves = [
        ("周明", "0142", dt.date(1984, 2, 1), dt.date(2019, 3, 1), "excellent", principal_pool),
        ("吴芳", "0142", dt.date(1986, 6, 1), dt.date(2021, 3, 1), "competent", principal_pool),
        ("郑磊", "0150", dt.date(1992, 9, 1), dt.date(2016, 7, 1), "excellent", deputy_pool),
        ("孙婷", "0150", dt.date(1995, 4, 1), dt.date(2018, 7, 1), "competent", deputy_pool),
    ]
    for name, rank, birth, since, grade, pool in reserves:
        person = person_in(water, name, rank=rank, post_title="干部", birth_date=birth, post_started_on=since,
                           sex="2" if name in ("吴芳", "孙婷") else "1")
        AnnualAssessment.objects.create(person=person, year=2025, grade=grade)
        services.member_add(actor=None, pool=pool, person=person, source=ReserveSource.ORGANIZATION,
                            nominated_on=dt.date(2024, 1, 1))
    page = signed_in_page

    # when: the pools page on 2026.06.30
    page.goto(live_server.url + reverse("reserves:pool_list") + "?on=2026-06-30")
    table = page.locator("#reserve-table")
    # then: the table, with the 副科级 pool's unmet shares in red
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("正科级后备干部")
    expect(table.locator("tbody tr").nth(2)).to_contain_text("合计")
    page.screenshot(path=str(SCREENSHOTS / "reserves-table.png"), full_page=True)

    # when: matching on 2026.06.30, 12 months ahead
    page.get_by_role("link", name="人岗匹配").click()
    page.get_by_label("日期").fill("2026-06-30")
    page.get_by_role("button", name="查看").click()
    # then: the 镇长's vacancy (2026.08) with the 正科级 reserves ranked, and the 副职 gap
    vacancy = page.locator("section.opening", has_text="到龄出缺")
    expect(vacancy).to_contain_text("东坑镇 · 镇长（正科级）")
    expect(vacancy).to_contain_text("陈镇长2026.08到任职年龄界限")
    rows = vacancy.locator("table.candidates tbody tr")
    expect(rows).to_have_count(2)
    # (the younger first: more years before the post's age limit)
    expect(rows.nth(0)).to_contain_text("吴芳")
    expect(rows.nth(1)).to_contain_text("周明")
    expect(rows.nth(0).locator(".team-after")).to_contain_text("2人")
    gap = page.locator("section.opening", has_text="副职缺1名")
    gap_rows = gap.locator("table.candidates tbody tr")
    expect(gap_rows).to_have_count(2)
    expect(gap_rows.nth(0)).to_contain_text("孙婷")
    expect(gap_rows.nth(0).locator(".team-after")).to_contain_text("3人")
    page.screenshot(path=str(SCREENSHOTS / "reserves-matching.png"), full_page=True)
