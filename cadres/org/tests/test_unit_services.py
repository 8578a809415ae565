"""The unit writers (机构改革): create, rename, move, merge, abolish, 排序号, 领导职数; each with
its history row (UnitChange) and audit event, the subtree's paths and sort keys kept right."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadres.accounts.testing import person_in, unit_tree
from cadres.audit.models import AuditAction, AuditEvent
from cadres.org.models import Assignment, PostSource, Unit, UnitChange, UnitChangeKind
from cadres.org.selectors import team_quota_on, unit_name_on, units_on
from cadres.org.services import (
    UnitAction,
    UnitSpec,
    post_start,
    unit_abolish,
    unit_create,
    unit_merge,
    unit_move,
    unit_quota_set,
    unit_rename,
    unit_reorder,
    unit_tree_apply,
)

pytestmark = pytest.mark.django_db

SECTION, DEPUTY_SECTION = "0141", "0142"
DAY = dt.date(2024, 3, 1)


def unit_events(unit: Unit) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(subject_type="org.unit", subject_id=str(unit.pk)).order_by("id"))


@pytest.fixture
def units():
    return unit_tree()


def test_create_puts_the_unit_after_its_siblings_and_records_it(officer, units):
    # given
    unit_reorder(actor=officer, unit=units["west"], sort_order=30)
    # when
    north = unit_create(actor=officer, name="北镇", parent=units["county"], established_on=DAY,
                        document="某编〔2024〕3号", unit_type="乡镇")
    # then
    assert (north.path, north.depth, north.sort_order) == ("某县/北镇", 1, 40)
    assert north.sort_key.endswith("/000040 北镇")
    change = north.changes.get()
    assert (change.kind, change.changed_on, change.document, change.new_path) == (
        UnitChangeKind.CREATED, DAY, "某编〔2024〕3号", "某县/北镇")
    event = unit_events(north)[-1]
    assert event.action == AuditAction.UNIT_CREATED
    assert event.changes["document"] == "某编〔2024〕3号"
    assert unit_name_on(north, DAY - dt.timedelta(days=1)) is None
    assert unit_name_on(north, DAY) == "北镇"


def test_create_refuses_a_name_taken_under_the_same_parent(officer, units):
    with pytest.raises(ValidationError) as error:
        unit_create(actor=officer, name="东镇", parent=units["county"], established_on=DAY)
    assert "已有单位“某县/东镇”" in str(error.value)


def test_rename_rewrites_the_subtree_and_keeps_the_old_name_for_earlier_dates(officer, units):
    # given
    person = person_in(units["east_office"], "张三")
    # when
    unit_rename(actor=officer, unit=units["east"], name="东城街道", changed_on=DAY, document="某委〔2024〕1号")
    # then
    east = Unit.objects.get(pk=units["east"].pk)
    office = Unit.objects.get(pk=units["east_office"].pk)
    assert (east.path, office.path) == ("某县/东城街道", "某县/东城街道/党政办")
    assert office.sort_key.startswith(east.sort_key + "/")
    person.refresh_from_db()
    assert person.unit_id == office.pk
    change = east.changes.get()
    assert (change.kind, change.old_name, change.new_name, change.old_path, change.new_path) == (
        UnitChangeKind.RENAMED, "东镇", "东城街道", "某县/东镇", "某县/东城街道")
    event = unit_events(east)[-1]
    assert event.action == UnitAction.UNIT_RENAMED
    assert event.changes["name"] == ["东镇", "东城街道"]
    assert event.changes["units_below"] == 1
    assert unit_name_on(east, DAY - dt.timedelta(days=1)) == "东镇"
    assert unit_name_on(east, DAY) == "东城街道"
    before = {row.unit.pk: row.path for row in units_on(DAY - dt.timedelta(days=1))}
    assert before[office.pk] == "某县/东镇/党政办"


def test_rename_refuses_a_blank_or_same_name(officer, units):
    with pytest.raises(ValidationError, match="请填写新名称"):
        unit_rename(actor=officer, unit=units["east"], name=" ", changed_on=DAY)
    with pytest.raises(ValidationError, match="新名称与现名称相同"):
        unit_rename(actor=officer, unit=units["east"], name="东镇", changed_on=DAY)


def test_move_takes_the_subtree_along_and_the_earlier_parent_stays_in_history(officer, units):
    # when
    unit_move(actor=officer, unit=units["east_office"], parent=units["west"], changed_on=DAY, document="某编1号")
    # then
    office = Unit.objects.get(pk=units["east_office"].pk)
    assert (office.path, office.depth, office.parent_id) == ("某县/西镇/党政办", 2, units["west"].pk)
    change = office.changes.get()
    assert (change.kind, change.old_parent_id, change.new_parent_id) == (
        UnitChangeKind.MOVED, units["east"].pk, units["west"].pk)
    assert unit_events(office)[-1].changes["parent"] == ["某县/东镇", "某县/西镇"]
    earlier = {row.unit.pk: row for row in units_on(DAY - dt.timedelta(days=1))}
    assert earlier[office.pk].path == "某县/东镇/党政办"
    assert earlier[office.pk].parent_id == units["east"].pk


def test_move_refuses_a_place_inside_its_own_subtree(officer, units):
    with pytest.raises(ValidationError, match="不能把单位调整到它自己或它的下级单位之下"):
        unit_move(actor=officer, unit=units["east"], parent=units["east_office"], changed_on=DAY)


def test_merge_moves_open_posts_sub_units_and_keeps_each_history(officer, units):
    # given
    east, west = units["east"], units["west"]
    secretary = person_in(east, "李书记", post_title="党委书记", rank=SECTION, is_team_member=True,
                          post_started_on=dt.date(2020, 1, 1))
    clerk = person_in(units["county"], "王科员", post_title="科员", rank="0150",
                      post_started_on=dt.date(2019, 1, 1))
    post_start(actor=officer, person=clerk, unit=east, title="宣传委员（兼）", rank=DEPUTY_SECTION,
               is_team_member=True, started_on=dt.date(2021, 1, 1), is_main=False, source=PostSource.FORM)
    office_worker = person_in(units["east_office"], "赵干事")
    # when
    result = unit_merge(actor=officer, unit=east, into=west, merged_on=DAY, document="某委〔2024〕9号")
    # then
    assert (result.posts_moved, result.units_moved) == (2, 1)
    east.refresh_from_db()
    assert (east.abolished_on, east.merged_into_id) == (DAY, west.pk)
    secretary.refresh_from_db()
    assert (secretary.unit_id, secretary.post_title, secretary.is_team_member) == (west.pk, "党委书记", True)
    old_post, new_post = secretary.assignments.order_by("started_on")
    assert (old_post.unit_id, old_post.ended_on, old_post.end_document) == (east.pk, DAY, "某委〔2024〕9号")
    assert (new_post.unit_id, new_post.started_on, new_post.start_document, new_post.source) == (
        west.pk, DAY, "某委〔2024〕9号", "form")
    clerk.refresh_from_db()
    assert clerk.unit_id == units["county"].pk
    concurrent = clerk.assignments.filter(is_main=False).order_by("started_on")
    assert [(post.unit_id, post.ended_on) for post in concurrent] == [(east.pk, DAY), (west.pk, None)]
    assert not Assignment.objects.filter(unit=east, ended_on__isnull=True).exists()
    office = Unit.objects.get(pk=units["east_office"].pk)
    assert office.path == "某县/西镇/党政办"
    office_worker.refresh_from_db()
    assert office_worker.unit_id == office.pk
    assert east.changes.get(kind=UnitChangeKind.MERGED).other_unit_id == west.pk
    assert west.changes.get(kind=UnitChangeKind.MERGED).other_unit_id == east.pk
    assert unit_events(east)[-1].action == UnitAction.UNIT_MERGED
    assert unit_events(west)[-1].changes["merged_in"] == [None, "某县/东镇"]
    before = [row.name for row in units_on(DAY - dt.timedelta(days=1)) if row.level == 1]
    after = [row.name for row in units_on(DAY) if row.level == 1]
    assert sorted(before) == ["东镇", "西镇"]
    assert after == ["西镇"]


def test_merge_refuses_a_sub_unit_name_the_target_has(officer, units):
    # given
    Unit.objects.create(name="党政办", path="某县/西镇/党政办", parent=units["west"], depth=2)
    # when / then
    with pytest.raises(ValidationError, match="并入单位已有同名下级单位“党政办”"):
        unit_merge(actor=officer, unit=units["east"], into=units["west"], merged_on=DAY)
    assert Unit.objects.get(pk=units["east"].pk).abolished_on is None


def test_abolish_is_refused_while_people_hold_posts_there(officer, units):
    # given
    person_in(units["west"], "周某")
    # when / then
    with pytest.raises(ValidationError, match="周某等1人仍在该单位任职"):
        unit_abolish(actor=officer, unit=units["west"], changed_on=DAY)
    with pytest.raises(ValidationError, match="未撤销的下级单位"):
        unit_abolish(actor=officer, unit=units["east"], changed_on=DAY)


def test_abolish_an_empty_unit(officer, units):
    # when
    unit_abolish(actor=officer, unit=units["east_office"], changed_on=DAY, document="某编5号")
    # then
    office = Unit.objects.get(pk=units["east_office"].pk)
    assert office.abolished_on == DAY
    assert office.changes.get().kind == UnitChangeKind.ABOLISHED
    assert unit_events(office)[-1].action == UnitAction.UNIT_ABOLISHED
    assert unit_name_on(office, DAY) is None
    assert unit_name_on(office, DAY - dt.timedelta(days=1)) == "党政办"


def test_units_list_by_sort_order_first_then_name(officer, units):
    # given: 西镇 before 东镇 by 排序号, 北镇 and 南镇 with the same 排序号 by name
    unit_reorder(actor=officer, unit=units["west"], sort_order=10)
    unit_reorder(actor=officer, unit=units["east"], sort_order=20)
    for name in ("南镇", "北镇"):
        unit_create(actor=officer, name=name, parent=units["county"], established_on=DAY, sort_order=30)
    # when
    order = [unit.name for unit in Unit.objects.filter(depth=1)]
    # then
    assert order == ["西镇", "东镇", "北镇", "南镇"]
    assert [unit.path for unit in Unit.objects.filter(path__startswith="某县/东镇")] == [
        "某县/东镇", "某县/东镇/党政办"]
    event = unit_events(units["east"])[-1]
    assert (event.action, event.changes["sort_order"]) == (UnitAction.UNIT_REORDERED, [0, 20])
    assert UnitChange.objects.filter(unit=units["east"], kind=UnitChangeKind.REORDERED).count() == 1
    assert [row.name for row in units_on(DAY) if row.level == 1] == ["西镇", "东镇", "北镇", "南镇"]


def test_imported_units_list_in_the_order_of_the_file(officer):
    # when
    unit_tree_apply(actor=officer, specs=[UnitSpec("平阳县/县委组织部"), UnitSpec("平阳县/城关镇"),
                                          UnitSpec("平阳县/东坑镇"), UnitSpec("平阳县/县委组织部/干部科")])
    unit_tree_apply(actor=officer, specs=[UnitSpec("平阳县/昆阳镇")])
    # then
    names = [unit.name for unit in Unit.objects.filter(depth=1)]
    assert names == ["县委组织部", "城关镇", "东坑镇", "昆阳镇"]
    assert [unit.sort_order for unit in Unit.objects.filter(depth=1)] == [10, 20, 30, 40]
    assert Unit.objects.get(name="干部科").sort_key.startswith(Unit.objects.get(name="县委组织部").sort_key + "/")


def test_quota_counts_principals_and_deputies_with_over_and_vacant_posts(officer, units):
    # given: 正职 2, 副职 1 approved; one 党委书记, one 党委副书记、镇长 (正职), two 副镇长
    west = units["west"]
    unit_quota_set(actor=officer, unit=west, principal_posts=3, deputy_posts=1, changed_on=dt.date(2020, 1, 1),
                   document="某编〔2020〕1号")
    for name, title in (("甲", "党委书记"), ("乙", "党委副书记、镇长"), ("丙", "副镇长"), ("丁", "副镇长")):
        person_in(west, name, post_title=title, rank=SECTION, is_team_member=True,
                  post_started_on=dt.date(2021, 1, 1))
    person_in(west, "戊", post_title="科员", rank="0150", post_started_on=dt.date(2021, 1, 1))
    # when
    quota = team_quota_on(actor=officer, unit=west, as_of=DAY)
    # then
    assert (quota.principal_posts, quota.principals, quota.deputy_posts, quota.deputies) == (3, 2, 1, 2)
    assert (quota.principal_vacant, quota.deputy_over, quota.over, quota.vacant) == (1, 1, 1, 1)
    event = unit_events(west)[-1]
    assert (event.action, event.changes["principal_posts"]) == (UnitAction.UNIT_QUOTA_SET, [None, 3])
    # and the numbers approved earlier hold for earlier dates
    unit_quota_set(actor=officer, unit=west, principal_posts=2, deputy_posts=2, changed_on=dt.date(2024, 6, 1))
    earlier = team_quota_on(actor=officer, unit=west, as_of=DAY)
    later = team_quota_on(actor=officer, unit=west, as_of=dt.date(2024, 6, 1))
    assert (earlier.principal_posts, earlier.deputy_posts) == (3, 1)
    assert (later.principal_posts, later.deputy_posts, later.over, later.vacant) == (2, 2, 0, 0)
