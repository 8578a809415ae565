"""In the browser: a cadre officer enters a township's grades, sees the 优秀 quota warning as he
selects, is refused on saving above the quota, saves within it; and a cadre's evaluation
profile draws its trend chart."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in
from cadres.assessments import services
from cadres.assessments.models import EvaluationSource
from cadres.org.models import Unit
from cadres.records.models import AnnualAssessment

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_enter_a_units_grades_and_see_the_quota_warning(signed_in_page, live_server):
    from playwright.sync_api import expect

    county = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=county, depth=1, unit_type="乡镇")
    people = [person_in(east, name, post_title=title, post_started_on=dt.date(2015, 1, 1))
              for name, title in (("王一", "党委书记"), ("李二", "镇长"), ("张三", "副镇长"), ("赵四", "副镇长"),
                                  ("钱五", "党政办主任"))]
    page = signed_in_page
    page.goto(live_server.url + reverse("assessments:unit_grades", args=[east.pk, 2023]))
    expect(page.locator("h1")).to_have_text("东坑镇 2023年度考核")
    for person in people:
        page.get_by_label(f"{person.name}的考核结果").select_option(label="称职")
    page.get_by_label("王一的考核结果").select_option(label="优秀")
    expect(page.locator("#quota-text")).to_have_text("优秀1人，占参加考核人数5人的20%，未超过20%")
    page.get_by_label("李二的考核结果").select_option(label="优秀")
    expect(page.locator("#quota-text")).to_contain_text("优秀2人，占参加考核人数5人的40%，超过20%")
    expect(page.locator("#quota")).to_have_class("callout callout-bad")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "assessments-unit-grades-quota.png"), full_page=True)

    page.get_by_role("button", name="保存考核结果").click()
    expect(page.locator("#grades-error")).to_contain_text("优秀2人，占参加考核人数5人的40%，超过20%")
    assert not AnnualAssessment.objects.exists()

    page.get_by_label("李二的考核结果").select_option(label="称职")
    page.get_by_role("button", name="保存考核结果").click()
    expect(page.locator(".message-success")).to_contain_text("已保存东坑镇2023年度考核结果（5人有变化）")
    expect(page.locator("#quota-text")).to_have_text("优秀1人，占参加考核人数5人的20%，未超过20%")
    assert AnnualAssessment.objects.filter(year=2023).count() == 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_profile_chart(signed_in_page, live_server):
    from playwright.sync_api import expect

    county = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=county, depth=1, unit_type="乡镇")
    head = person_in(east, "王一", post_title="党委书记", is_team_member=True, post_started_on=dt.date(2015, 1, 1))
    deputy = person_in(east, "张三", post_title="副镇长", is_team_member=True, post_started_on=dt.date(2015, 1, 1))
    staff = person_in(east, "钱五", post_title="党政办主任", post_started_on=dt.date(2015, 1, 1))
    figures = {head: (88, 90, 93), deputy: (80, 84, 86), staff: (75, 78, 80)}
    for person, scores in figures.items():
        for year, score in zip((2021, 2022, 2023), scores):
            services.evaluation_record(actor=None, person=person, period=year, source=EvaluationSource.OVERALL,
                                       score=Decimal(score))
    for year, score in zip((2021, 2022, 2023), (85, 88, 91)):
        services.evaluation_record(actor=None, person=deputy, period=year, source=EvaluationSource.RATING,
                                   score=Decimal(score), text="群众认可度较高" if year == 2023 else "")
    services.evaluation_record(actor=None, person=deputy, period=2023, source=EvaluationSource.INTERVIEW,
                               text="作风扎实，善于做群众工作")
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("assessments:profile", args=[deputy.pk]))
    expect(page.locator("h1")).to_have_text("张三 · 综合考核评价")
    expect(page.locator("#profile-chart canvas")).to_have_count(1)
    expect(page.locator("#profile-table")).to_contain_text("作风扎实，善于做群众工作")
    # 2023: team average (93 + 86) / 2, unit average (93 + 86 + 80) / 3
    expect(page.locator("#profile-table tbody tr").nth(2)).to_contain_text("89.5")
    expect(page.locator("#profile-table tbody tr").nth(2)).to_contain_text("86.33")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "assessments-profile-chart.png"), full_page=True)
