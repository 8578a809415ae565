"""In the browser: a department officer keeps the unit tree. He creates a unit under a township,
renames it on a date with a 文号, gives it a 排序号 that puts it before a sibling, approves the
township's 领导职数 and sees its 超职数 / 缺职, then merges two townships on a date through the
merge page and its confirmation. The tree marks the merged unit, the unit pages list the
changes, and the structure report before the merge date lists both townships' teams and after
it one, under the names they had then."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in
from cadres.org.models import Unit
from cadres.org.services import unit_create, unit_quota_set

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
SECTION_CHIEF = "0141"
DEPUTY_SECTION_CHIEF = "0142"


def _county(actor):
    """青岚县 with two townships (东坑镇 before 南塘镇) and two offices in 东坑镇."""
    from cadres.plans.models import PrincipalTitle

    # The 正职职务名称 of the data migration, again: an earlier transactional test flushes them.
    for title in ("党委书记", "镇长"):
        PrincipalTitle.objects.get_or_create(title=title)
    founded = dt.date(2000, 1, 1)
    county = unit_create(actor=actor, name="青岚县", parent=None, established_on=founded, sort_order=10)
    east = unit_create(actor=actor, name="东坑镇", parent=county, established_on=founded, sort_order=10,
                       unit_type="乡镇")
    south = unit_create(actor=actor, name="南塘镇", parent=county, established_on=founded, sort_order=20,
                        unit_type="乡镇")
    unit_create(actor=actor, name="党政办", parent=east, established_on=founded, sort_order=10)
    unit_create(actor=actor, name="财政所", parent=east, established_on=founded, sort_order=20)
    started = dt.date(2020, 1, 1)
    for unit, name, title, rank in (
        (east, "赵建华", "党委书记", SECTION_CHIEF),
        (east, "钱志明", "党委副书记、镇长", SECTION_CHIEF),
        (east, "孙丽", "副镇长", DEPUTY_SECTION_CHIEF),
        (south, "周海涛", "党委书记", SECTION_CHIEF),
        (south, "吴静", "副镇长", DEPUTY_SECTION_CHIEF),
    ):
        person_in(unit, name, post_title=title, rank=rank, is_team_member=True, post_started_on=started)
    unit_quota_set(actor=actor, unit=south, principal_posts=1, deputy_posts=2, changed_on=dt.date(2024, 1, 1),
                   document="青编〔2024〕1号")
    return east, south


def _shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _tree_order(page):
    return page.locator("table.unit-tree tbody tr").evaluate_all("rows => rows.map(row => row.dataset.unit)")


def _quota_teams(page, live_server, as_of):
    page.goto(live_server.url + reverse("analytics:structure"))
    page.locator("#id_as_of").fill(as_of)
    page.get_by_role("button", name="统计").click()
    rows = page.locator("#team-quotas tbody tr")
    return rows.evaluate_all("rows => rows.map(row => row.cells[0].innerText.trim())")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_creates_renames_orders_sets_quota_and_merges_townships(
    signed_in_page, live_server, django_user_model
):
    from playwright.sync_api import expect

    page = signed_in_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    east, south = _county(django_user_model.objects.get(username="officer"))

    # when: a unit is created under 东坑镇 from the township's page
    page.goto(live_server.url + reverse("org:unit_detail", args=[east.pk]))
    page.get_by_role("link", name="新增下级单位").click()
    expect(page.locator("#id_parent")).to_have_value(str(east.pk))
    page.locator("#id_name").fill("经济发展办")
    page.locator("#id_unit_type").fill("内设机构")
    page.locator("#id_changed_on").fill("2024-01-01")
    page.locator("#id_document").fill("青编〔2024〕2号")
    _shot(page, "unit-create-form")
    page.get_by_role("button", name="保存").click()

    # then: its page
    expect(page.locator(".messages")).to_contain_text("已新增单位。")
    expect(page.locator("h1")).to_contain_text("经济发展办")
    created = Unit.objects.get(name="经济发展办")
    expect(page).to_have_url(live_server.url + created.get_absolute_url())

    # when: renamed on a date with a 文号
    page.get_by_role("link", name="更名").click()
    page.locator("#id_name").fill("经济发展办公室")
    page.locator("#id_changed_on").fill("2024-05-01")
    page.locator("#id_document").fill("青编〔2024〕5号")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("单位已更名。")
    expect(page.locator("h1")).to_contain_text("经济发展办公室")

    # when: its 排序号 puts it before 党政办
    tree_url = live_server.url + reverse("org:unit_tree")
    page.goto(tree_url)
    before = _tree_order(page)
    assert before.index("青岚县/东坑镇/党政办") < before.index("青岚县/东坑镇/经济发展办公室")
    page.goto(live_server.url + reverse("org:unit_detail", args=[created.pk]))
    page.get_by_role("link", name="排序号").click()
    page.locator("#id_sort_order").fill("5")
    page.locator("#id_changed_on").fill("2024-06-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("排序号已保存。")
    page.goto(tree_url)
    after = _tree_order(page)
    assert after.index("青岚县/东坑镇/经济发展办公室") < after.index("青岚县/东坑镇/党政办") \
        < after.index("青岚县/东坑镇/财政所"), after
    _shot(page, "unit-tree-reordered")

    # and its page lists the changes, dates written as days
    page.goto(live_server.url + reverse("org:unit_detail", args=[created.pk]))
    history = page.locator("#unit-history")
    expect(history.locator('tr[data-change="created"]')).to_contain_text("2024.01.01")
    expect(history.locator('tr[data-change="created"]')).to_contain_text("青编〔2024〕2号")
    expect(history.locator('tr[data-change="renamed"]')).to_contain_text("经济发展办 → 经济发展办公室")
    expect(history.locator('tr[data-change="renamed"]')).to_contain_text("2024.05.01")
    expect(history.locator('tr[data-change="renamed"]')).to_contain_text("青编〔2024〕5号")
    expect(history.locator('tr[data-change="reordered"]')).to_contain_text("→ 5")
    _shot(page, "unit-detail-history")

    # when: 东坑镇's 领导职数 are approved: 正职 1, 副职 2 (its team: 2 正职, 1 副职)
    page.goto(live_server.url + reverse("org:unit_detail", args=[east.pk]))
    page.get_by_role("link", name="领导职数").click()
    page.locator("#id_principal_posts").fill("1")
    page.locator("#id_deputy_posts").fill("2")
    page.locator("#id_changed_on").fill("2024-01-01")
    page.locator("#id_document").fill("青编〔2024〕3号")
    page.get_by_role("button", name="保存").click()

    # then: the unit page shows 超职数 and 缺职
    expect(page.locator(".messages")).to_contain_text("领导职数已保存。")
    principal = page.locator('#unit-quota tr[data-quota="principal"]')
    deputy = page.locator('#unit-quota tr[data-quota="deputy"]')
    expect(principal).to_contain_text("超职数 1")
    expect(deputy).to_contain_text("缺职 1")
    assert principal.locator("td").all_inner_texts()[1:3] == ["1", "2"]
    assert deputy.locator("td").all_inner_texts()[1:3] == ["2", "1"]
    expect(page.locator("#unit-history")).to_contain_text("正职 — → 1；副职 — → 2")
    _shot(page, "unit-detail-quota")

    # when: 南塘镇 is merged into 东坑镇 on 2025.03.01: the merge page, then its confirmation
    page.goto(live_server.url + reverse("org:unit_detail", args=[south.pk]))
    page.get_by_role("link", name="合并").click()
    page.locator("#id_into").select_option(str(east.pk))
    page.locator("#id_changed_on").fill("2025-03-01")
    page.locator("#id_document").fill("青编〔2025〕2号")
    _shot(page, "unit-merge-form")
    page.get_by_role("button", name="下一步").click()

    # then: nothing is merged before the confirmation, which says what will happen
    summary = page.locator("#confirm-summary")
    expect(summary).to_contain_text("“青岚县/南塘镇”自2025.03.01起并入“青岚县/东坑镇”")
    expect(summary).to_contain_text("青编〔2025〕2号")
    expect(page.locator("main, body").first).to_contain_text("周海涛")
    assert Unit.objects.get(pk=south.pk).abolished_on is None
    _shot(page, "unit-merge-confirm")
    page.get_by_role("button", name="确认合并").click()
    expect(page.locator(".messages")).to_contain_text("单位已合并。")
    expect(page.locator("#unit-abolished")).to_contain_text("2025.03.01 并入东坑镇")

    # and 东坑镇 becomes 东坑街道 on 2025.06.01
    page.get_by_role("link", name="青岚县/东坑镇").first.click()
    page.get_by_role("link", name="更名").click()
    page.locator("#id_name").fill("东坑街道")
    page.locator("#id_changed_on").fill("2025-06-01")
    page.locator("#id_document").fill("青政〔2025〕6号")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("东坑街道")

    # then: the tree marks the merged township
    page.goto(tree_url)
    expect(page.locator('tr[data-unit="青岚县/南塘镇"]')).to_contain_text("已合并")
    expect(page.locator('tr[data-unit="青岚县/东坑街道"]')).to_be_visible()
    _shot(page, "unit-tree-merged")

    # and both townships' pages list the merge
    page.goto(live_server.url + reverse("org:unit_detail", args=[south.pk]))
    expect(page.locator("#unit-abolished")).to_contain_text("2025.03.01 并入东坑街道")
    merged = page.locator('#unit-history tr[data-change="merged"]')
    expect(merged).to_contain_text("2025.03.01")
    expect(merged).to_contain_text("并入 青岚县/东坑街道")
    expect(merged).to_contain_text("青编〔2025〕2号")
    # its 领导职数 as they were the day before the merge, not 缺职 of a team that is gone
    expect(page.locator("#unit-quota")).to_contain_text("2025.02.28（撤销前一日）")
    assert page.locator('#unit-quota tr[data-quota="principal"] td').all_inner_texts()[1:] == ["1", "1", "相符"]
    assert page.locator('#unit-quota tr[data-quota="deputy"] td').all_inner_texts()[1:] == ["2", "1", "缺职 1"]
    _shot(page, "unit-detail-merged")
    page.goto(live_server.url + reverse("org:unit_detail", args=[east.pk]))
    history = page.locator("#unit-history")
    expect(history.locator('tr[data-change="merged"]')).to_contain_text("青岚县/南塘镇 并入本单位")
    expect(history.locator('tr[data-change="quota"]')).to_contain_text("青编〔2024〕3号")
    expect(history.locator('tr[data-change="renamed"]')).to_contain_text("东坑镇 → 东坑街道")
    # the merged township's team now sits in 东坑街道: 3 正职, 2 副职 against 1 and 2
    expect(page.locator('#unit-quota tr[data-quota="principal"]')).to_contain_text("超职数 2")
    _shot(page, "unit-detail-after-merge")

    # then: the structure report's 领导职数 before the merge lists both townships, after it one,
    # under the names they had then
    assert _quota_teams(page, live_server, "2025-02-28") == ["东坑镇", "南塘镇"]
    expect(page.locator('#team-quotas tr[data-team="total"]')).to_contain_text("合计")
    _shot(page, "structure-quotas-before-merge")
    page.locator("#team-quotas").screenshot(path=str(SCREENSHOTS / "structure-quotas-before-merge-table.png"))
    assert _quota_teams(page, live_server, "2025-03-01") == ["东坑镇"]
    east_row = page.locator(f'#team-quotas tr[data-team="{east.pk}"]')
    assert east_row.locator("td").all_inner_texts()[1:5] == ["1", "3", "2", "2"]
    _shot(page, "structure-quotas-after-merge")
    page.locator("#team-quotas").screenshot(path=str(SCREENSHOTS / "structure-quotas-after-merge-table.png"))
    assert _quota_teams(page, live_server, "2025-06-01") == ["东坑街道"]
