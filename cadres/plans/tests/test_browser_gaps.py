"""The gap page in a real browser: a missed target and its missing count are on screen."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cadres.plans.models import PlanTarget
from cadres.plans.tests.factories import make_person, make_unit

PLAN = "2007–2011年领导班子建设规划"


@pytest.mark.browser
def test_gap_page_shows_a_missed_target_and_how_many_are_missing(live_server, signed_in_page):
    # given: 苍南县 has no woman and nobody aged 40 or under; 平阳县 has one of each
    pingyang = make_unit("温州市/平阳县", unit_type="县(市、区)")
    cangnan = make_unit("温州市/苍南县", unit_type="县(市、区)")
    make_person(pingyang, name="书记甲", birth="1957.05", rank="正县级", title="县委书记")
    make_person(pingyang, name="副县长丙", birth="1973.12", rank="副县级", sex="女", title="副县长")
    make_person(cangnan, name="书记戊", birth="1951.01", rank="正县级", title="县委书记")
    make_person(cangnan, name="县长己", birth="1966.11", rank="正县级", title="县长")
    target = PlanTarget.objects.create(
        plan_name=PLAN, scope=PlanTarget.Scope.EACH_TEAM, unit_type="县(市、区)",
        measure=PlanTarget.Measure.AGE_AT_MOST, age=40,
        threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=2,
    )
    page = signed_in_page

    # when
    page.goto(f"{live_server.url}{reverse('plans:gaps')}?as_of=2007-11-30")

    # then
    section = page.locator(f"#target-{target.pk}")
    assert "40岁以下至少2名" in section.locator("h2").inner_text()
    missed = section.locator("tr.is-missed")
    assert missed.count() == 2
    assert missed.nth(1).locator("td").first.inner_text() == "温州市/苍南县"
    assert missed.nth(1).locator("td.missing").inner_text() == "2"
    assert missed.nth(0).locator("td.missing").inner_text() == "1"
    assert "未达标" in missed.nth(1).inner_text()
    assert page.locator("#missing-total").inner_text() == "3"
    if finders.find("analytics/echarts.min.js"):
        page.wait_for_selector("#gaps-chart canvas")


@pytest.mark.browser
def test_forecast_page_shows_who_reaches_the_limit(live_server, signed_in_page):
    # given: the local 到杠 ages as the default rule set (flushed data is put back here)
    from cadres.plans.models import AgeLimit, AgeLimitRuleSet, PrincipalTitle

    PrincipalTitle.objects.get_or_create(title="县委书记")

    rule_set, _ = AgeLimitRuleSet.objects.get_or_create(
        name="任职年龄界限（本地默认）", defaults={"kind": "post_age_limit", "is_default": True}
    )
    AgeLimit.objects.get_or_create(rule_set=rule_set, rank="0131", sex="", group="",
                                   defaults={"age_years": 57})
    cangnan = make_unit("温州市/苍南县", unit_type="县(市、区)")
    make_person(cangnan, name="书记戊", birth="1951.01", rank="正县级", title="县委书记")
    make_person(cangnan, name="县长己", birth="1966.11", rank="正县级", title="县长")
    page = signed_in_page

    # when
    page.goto(f"{live_server.url}{reverse('plans:forecast')}?as_of=2007-11-30&years=4")

    # then
    assert page.locator("#reaching").inner_text() == "1"
    assert page.locator("#share").inner_text() == "50.00%"
    assert "书记戊（2008.01）" in page.locator("#teams").inner_text()
    assert "正职到杠" in page.locator("#losses").inner_text()
    if finders.find("analytics/echarts.min.js"):
        page.wait_for_selector("#forecast-chart canvas")


@pytest.mark.browser
def test_gap_chart_tooltip_shows_a_plan_name_as_text_not_markup(live_server, signed_in_page):
    # given: a plan whose name is markup (issue 9, finding 8)
    cangnan = make_unit("温州市/苍南县", unit_type="县(市、区)")
    make_person(cangnan, name="书记戊", birth="1951.01", rank="正县级", title="县委书记")
    name = '<img src=x id=injected onerror="document.title=1">'
    PlanTarget.objects.create(
        plan_name=name, scope=PlanTarget.Scope.EACH_TEAM, unit_type="县(市、区)",
        measure=PlanTarget.Measure.AGE_AT_MOST, age=40,
        threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=1,
    )
    page = signed_in_page
    if not finders.find("analytics/echarts.min.js"):
        pytest.skip("ECharts is not vendored")

    # when: the pointer rests on the chart's bar
    page.goto(f"{live_server.url}{reverse('plans:gaps')}?as_of=2007-11-30")
    chart = page.locator("#gaps-chart")
    chart.locator("canvas").first.wait_for()
    box = chart.bounding_box()
    tooltip = page.locator("#gaps-chart div", has_text="<img")
    for step in range(4, 16):
        page.mouse.move(box["x"] + box["width"] * step / 20, box["y"] + box["height"] * 0.4)
        page.wait_for_timeout(300)
        if tooltip.count():
            break

    # then: the name shows as text and no element was made from it
    assert tooltip.count() >= 1
    assert page.locator("#injected").count() == 0
