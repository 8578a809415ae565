"""The unit change pages: 新增, 更名, 调整隶属关系, 合并 and 撤销 (after a confirmation), 排序号,
领导职数; only for org.change over units the user maintains (404 otherwise), with Chinese
messages naming the field, and the unit page showing 领导职数 and 沿革."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditEvent
from cadres.org.models import Unit, UnitChangeKind
from cadres.org.services import UnitAction, unit_quota_set, unit_rename

pytestmark = pytest.mark.django_db

SECTION = "0141"


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def east_officer(client, units):
    """干部科 with 信息维护 over 东镇 only (and sight of the whole county)."""
    user = user_with_role("cadre_office", managed=[units["county"]], maintained=[units["east"]])
    return sign_in(client, user)


def test_rename_page_renames_and_records_the_change(east_officer, units):
    # when
    response = east_officer.post(reverse("org:unit_rename", args=[units["east"].pk]), {
        "name": "东城街道", "changed_on": "2024-03-01", "document": "某委〔2024〕1号"})
    # then
    assert response.status_code == 302
    east = Unit.objects.get(pk=units["east"].pk)
    assert east.path == "某县/东城街道"
    assert Unit.objects.get(pk=units["east_office"].pk).path == "某县/东城街道/党政办"
    event = AuditEvent.objects.filter(subject_type="org.unit", subject_id=str(east.pk)).latest("id")
    assert event.action == UnitAction.UNIT_RENAMED
    assert event.actor_name.startswith("cadre_office")
    page = east_officer.get(reverse("org:unit_detail", args=[east.pk])).content.decode()
    assert 'data-change="renamed"' in page
    assert "东镇 → 东城街道" in page
    assert "某委〔2024〕1号" in page


def test_a_unit_outside_the_maintained_scope_is_404_and_not_changed(east_officer, units):
    # when
    pages = [
        east_officer.get(reverse(name, args=[units["west"].pk]))
        for name in ("org:unit_rename", "org:unit_move", "org:unit_merge", "org:unit_abolish",
                     "org:unit_reorder", "org:unit_quota", "org:unit_industries")
    ]
    posted = east_officer.post(reverse("org:unit_rename", args=[units["west"].pk]),
                               {"name": "西城", "changed_on": "2024-03-01"})
    # then
    assert [page.status_code for page in pages] == [404] * 7
    assert posted.status_code == 404
    assert Unit.objects.get(pk=units["west"].pk).name == "西镇"


def test_a_merge_target_outside_the_scope_is_refused(east_officer, units):
    # when
    response = east_officer.post(reverse("org:unit_merge", args=[units["east_office"].pk]), {
        "into": units["west"].pk, "changed_on": "2024-03-01"})
    # then
    assert response.status_code == 400
    assert "并入单位不在您的信息维护范围内" in response.content.decode()


def test_a_clerk_without_org_change_is_refused(client, units):
    # given: 单位信息员 maintains 东镇 but holds no org.change
    sign_in(client, user_with_role("unit_clerk", maintained=[units["east"]]))
    # when
    response = client.get(reverse("org:unit_rename", args=[units["east"].pk]))
    # then
    assert response.status_code == 403


def test_forms_say_in_chinese_what_is_wrong(east_officer, units):
    # when
    blank = east_officer.post(reverse("org:unit_rename", args=[units["east"].pk]),
                              {"name": "", "changed_on": ""})
    bad = east_officer.post(reverse("org:unit_quota", args=[units["east"].pk]),
                            {"principal_posts": "-1", "deputy_posts": "两", "changed_on": "2024-13-01"})
    same = east_officer.post(reverse("org:unit_rename", args=[units["east"].pk]),
                             {"name": "东镇", "changed_on": "2024-03-01"})
    spaced = east_officer.post(reverse("org:unit_create"), {
        "name": "北 镇", "parent": units["east"].pk, "changed_on": "2024-03-01"})
    # then
    assert blank.status_code == 400
    assert "请填写新名称" in blank.content.decode()
    assert "请填写变更日期" in blank.content.decode()
    text = bad.content.decode()
    assert "正职职数不能为负数" in text
    assert "副职职数应为整数" in text
    assert "变更日期不是有效的日期" in text
    assert "新名称与现名称相同" in same.content.decode()
    assert "单位名称不能含空格" in spaced.content.decode()


def test_create_page_adds_a_unit_under_a_maintained_parent(east_officer, units):
    # when
    form = east_officer.get(reverse("org:unit_create"), {"parent": units["east"].pk})
    response = east_officer.post(reverse("org:unit_create"), {
        "name": "综治办", "parent": units["east"].pk, "changed_on": "2024-03-01", "document": "某编2号",
        "unit_type": "内设机构"})
    # then
    assert form.status_code == 200
    assert "---------" not in form.content.decode()
    assert "西镇" not in form.content.decode()  # only the units the officer maintains
    assert response.status_code == 302
    unit = Unit.objects.get(path="某县/东镇/综治办")
    assert (unit.established_on, unit.unit_type) == (dt.date(2024, 3, 1), "内设机构")
    assert unit.changes.get().kind == UnitChangeKind.CREATED


def test_merge_asks_for_a_confirmation_before_it_merges(client, units):
    # given
    sign_in(client, user_with_role("cadre_office", maintained=[units["county"]]))
    person_in(units["east"], "李书记", post_title="党委书记", rank=SECTION, is_team_member=True,
              post_started_on=dt.date(2020, 1, 1))
    url = reverse("org:unit_merge", args=[units["east"].pk])
    data = {"into": units["west"].pk, "changed_on": "2024-03-01", "document": "某委〔2024〕9号"}
    # when
    first = client.post(url, data)
    # then: nothing merged yet, the page says what will happen
    assert first.status_code == 200
    text = first.content.decode()
    assert "确认合并" in text
    assert "李书记" in text
    assert "“某县/东镇”自2024.03.01起并入“某县/西镇”" in text
    assert Unit.objects.get(pk=units["east"].pk).abolished_on is None
    # when confirmed
    second = client.post(url, {**data, "confirm": "1"})
    # then
    assert second.status_code == 302
    east = Unit.objects.get(pk=units["east"].pk)
    assert (east.abolished_on, east.merged_into_id) == (dt.date(2024, 3, 1), units["west"].pk)
    west_page = client.get(reverse("org:unit_detail", args=[units["west"].pk])).content.decode()
    assert "某县/东镇 并入本单位" in west_page
    tree = client.get(reverse("org:unit_tree")).content.decode()
    assert "已合并" in tree


def test_abolish_asks_for_a_confirmation_and_refuses_while_people_hold_posts(client, units):
    # given
    sign_in(client, user_with_role("cadre_office", maintained=[units["county"]]))
    person_in(units["west"], "周某")
    url = reverse("org:unit_abolish", args=[units["west"].pk])
    # when
    first = client.post(url, {"changed_on": "2024-03-01"})
    refused = client.post(url, {"changed_on": "2024-03-01", "confirm": "1"})
    office = client.post(reverse("org:unit_abolish", args=[units["east_office"].pk]),
                         {"changed_on": "2024-03-01", "confirm": "1"})
    # then
    assert "确认撤销" in first.content.decode()
    assert "须先办理免职或调动" in first.content.decode()
    assert refused.status_code == 400
    assert "周某等1人仍在该单位任职" in refused.content.decode()
    assert Unit.objects.get(pk=units["west"].pk).abolished_on is None
    assert office.status_code == 302
    assert Unit.objects.get(pk=units["east_office"].pk).abolished_on == dt.date(2024, 3, 1)


def test_a_get_never_merges_or_abolishes(client, units):
    # given
    sign_in(client, user_with_role("cadre_office", maintained=[units["county"]]))
    # when
    client.get(reverse("org:unit_merge", args=[units["east"].pk]),
               {"into": units["west"].pk, "changed_on": "2024-03-01", "confirm": "1"})
    client.get(reverse("org:unit_abolish", args=[units["east_office"].pk]),
               {"changed_on": "2024-03-01", "confirm": "1"})
    # then
    assert not Unit.objects.filter(abolished_on__isnull=False).exists()


def test_sort_order_page_reorders_the_tree(client, units):
    # given
    sign_in(client, user_with_role("cadre_office", maintained=[units["county"]]))
    # when
    client.post(reverse("org:unit_reorder", args=[units["west"].pk]), {"sort_order": "5", "changed_on": "2024-03-01"})
    client.post(reverse("org:unit_reorder", args=[units["east"].pk]), {"sort_order": "8", "changed_on": "2024-03-01"})
    # then
    rows = client.get(reverse("org:unit_tree")).context["rows"]
    assert [row.unit.name for row in rows] == ["某县", "西镇", "东镇", "党政办"]


def test_unit_page_shows_over_and_vacant_leader_posts(signed_in, officer, units):
    # given: 正职 1 approved, 2 held (超职数 1); 副职 3 approved, 1 held (缺职 2)
    east = units["east"]
    unit_quota_set(actor=officer, unit=east, principal_posts=1, deputy_posts=3, changed_on=dt.date(2020, 1, 1))
    for name, title in (("甲", "党委书记"), ("乙", "党委副书记、镇长"), ("丙", "副镇长")):
        person_in(east, name, post_title=title, rank=SECTION, is_team_member=True,
                  post_started_on=dt.date(2021, 1, 1))
    # when
    page = signed_in.get(reverse("org:unit_detail", args=[east.pk])).content.decode()
    # then
    principal = page[page.index('data-quota="principal"'):page.index('data-quota="deputy"')]
    deputy = page[page.index('data-quota="deputy"'):]
    deputy = deputy[:deputy.index("</tr>")]
    assert "超职数 1" in principal
    assert "缺职 2" in deputy
    assert 'data-change="quota"' in page


def test_unit_page_history_keeps_the_old_name(signed_in, officer, units):
    # given
    unit_rename(actor=officer, unit=units["west"], name="西城镇", changed_on=dt.date(2023, 1, 1), document="某文1号")
    # when
    page = signed_in.get(reverse("org:unit_detail", args=[units["west"].pk])).content.decode()
    # then
    assert "2023.01.01" in page
    assert "西镇 → 西城镇" in page


def test_industries_page_sets_what_the_unit_regulates_with_its_history_and_audit(east_officer, units):
    # when: 建筑业 and 房地产业 chosen, then an unknown code posted
    saved = east_officer.post(reverse("org:unit_industries", args=[units["east"].pk]), {
        "industries": ["K", "E"], "changed_on": "2024-03-01", "document": "某编〔2024〕3号"})
    unknown = east_officer.post(reverse("org:unit_industries", args=[units["east"].pk]), {
        "industries": ["Z"], "changed_on": "2024-03-01"})
    page = east_officer.get(reverse("org:unit_detail", args=[units["east"].pk])).content.decode()

    # then: stored in order, shown by name on the page and in the 沿革, audited with old → new
    assert saved.status_code == 302
    assert Unit.objects.get(pk=units["east"].pk).regulated_industries == "E,K"
    assert unknown.status_code == 400 and "“Z”不是国民经济行业分类的门类" in unknown.content.decode()
    assert "主管或监管的行业：建筑业、房地产业" in page
    assert 'data-change="industries"' in page
    event = AuditEvent.objects.get(action=UnitAction.UNIT_INDUSTRIES_SET)
    assert event.changes["regulated_industries"] == ["", "E,K"]
    assert event.changes["document"] == "某编〔2024〕3号"
    assert units["east"].changes.filter(kind=UnitChangeKind.INDUSTRIES).count() == 1
