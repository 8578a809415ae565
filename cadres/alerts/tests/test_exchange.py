"""Exchange plans (cadres.alerts.exchange): the preview before → after, conflicts and tenure the
plan creates or removes, the share rule, the commit through the post services, and the pages
with their scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.alerts import exchange
from cadres.alerts.models import ExchangePlan, PlanStatus
from cadres.alerts.tests.fixtures_exchange import county, member, relative
from cadres.audit.models import AuditEvent
from cadres.org.models import Assignment, PostSource
from cadres.plans.selectors import teams_on

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 9, 1)


@pytest.fixture
def world():
    units = county()
    east, west = units["east"], units["west"]
    people = {
        "east_head": member(east, "张东", "党委书记", rank="0141", birth_date=dt.date(1970, 1, 1)),
        "east_a": member(east, "林芳", "副镇长", sex="2", birth_date=dt.date(1990, 3, 1)),
        "east_b": member(east, "高远", "副镇长", birth_date=dt.date(1976, 7, 1)),
        "west_head": member(west, "黄西", "党委书记", rank="0141", birth_date=dt.date(1968, 1, 1)),
        "west_c": member(west, "马骏", "副镇长", birth_date=dt.date(1980, 1, 1), since=dt.date(2016, 9, 1),
                         political_status="13"),
        "west_d": member(west, "宋平", "副镇长", birth_date=dt.date(1982, 1, 1)),
    }
    return {**units, **people}


@pytest.fixture
def officer(world):
    return user_with_role("cadre_office", maintained=[world["top"]])


def _swap(world, officer, **plan_fields):
    plan = exchange.plan_create(actor=officer, title="乡镇副职交流", effective_on=ON, document="青组〔2026〕8号",
                                **plan_fields)
    exchange.move_add(actor=officer, plan=plan, person=world["east_a"], to_unit=world["west"], to_title="副镇长",
                      to_rank="0142")
    exchange.move_add(actor=officer, plan=plan, person=world["west_c"], to_unit=world["east"], to_title="副镇长",
                      to_rank="0142")
    return plan


def test_the_preview_shows_each_team_before_and_after(world, officer):
    # when: a woman deputy of the east township and a 党外 deputy of the west one swap
    preview = exchange.plan_preview(_swap(world, officer), actor=officer)
    # then: both teams, each losing one and gaining one
    teams = {team.unit.name: team for team in preview.teams}
    assert set(teams) == {"东坑镇", "西岭镇"}
    east, west = teams["东坑镇"], teams["西岭镇"]
    assert (east.leaving, east.arriving) == (["林芳"], ["马骏"])
    assert (east.before["total"], east.after["total"]) == (3, 3)
    assert east.before["figures"]["women"]["count"] == 1 and east.after["figures"]["women"]["count"] == 0
    assert east.before["figures"]["non_party"]["count"] == 0 and east.after["figures"]["non_party"]["count"] == 1
    assert west.after["figures"]["women"] == {"label": "女干部", "count": 1, "percent": 33.33}
    # ages on 2026.09.01: 56, 36, 50 → 47.33; after 56, 46, 50 → 50.67
    assert (east.before["average_age"], east.after["average_age"]) == (47.33, 50.67)
    # 领导职数: 1 正职 + 2 副职 before and after, within 2/3
    assert (east.quota_after.principals, east.quota_after.deputies, east.quota_after.over) == (1, 2, 0)
    # one of three each way is within 1/3
    assert east.share_limit == 1 and not east.share_exceeded
    # 马骏 has held his post since 2016.09.01: the 10-year flag goes with the move
    assert [f.rule_code for f in preview.tenure_removed] == ["tenure_same_post", "term_limit"]
    assert preview.blockers == []


def test_targets_before_and_after(world, officer):
    from cadres.plans.models import PlanTarget

    PlanTarget.objects.create(plan_name="乡镇班子", scope=PlanTarget.Scope.EACH_TEAM,
                              unit_type="乡镇", measure=PlanTarget.Measure.WOMEN,
                              threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=1)
    type(world["east"]).objects.filter(pk__in=[world["east"].pk, world["west"].pk]).update(unit_type="乡镇")
    world["east"].refresh_from_db()
    preview = exchange.plan_preview(_swap(world, officer), actor=officer)
    east = next(team for team in preview.teams if team.unit.name == "东坑镇")
    assert [(t["before"]["met"], t["after"]["met"]) for t in east.targets] == [(True, False)]


def test_a_conflict_the_plan_creates_blocks_the_commit_until_a_reason_is_given(world, officer):
    # given: 马骏's wife is on the east township's team
    relative(world["west_c"], "妻子", world["east_b"])
    plan = _swap(world, officer)
    preview = exchange.plan_preview(plan, actor=officer)
    assert len(preview.conflicts_created) == 1 and "同一班子" in preview.conflicts_created[0].message
    # when / then: refused without a reason, nothing written
    with pytest.raises(ValidationError) as refused:
        exchange.plan_commit(actor=officer, plan=plan)
    assert "新增回避情形" in str(refused.value) and "请填写理由" in str(refused.value)
    assert ExchangePlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert not Assignment.objects.filter(source=PostSource.PROCEDURE).exists()
    # with a reason it is carried out
    exchange.plan_commit(actor=officer, plan=plan, force_reason="经常委会研究，另行安排回避")
    assert ExchangePlan.objects.get(pk=plan.pk).status == PlanStatus.COMMITTED


def test_commit_goes_through_post_start_and_the_teams_change(world, officer):
    plan = _swap(world, officer)
    east_before = {m.name for team in teams_on(actor=officer, as_of=ON, unit=world["east"]) for m in team.members}
    exchange.plan_commit(actor=officer, plan=plan)
    # then: new main posts from the effective date, source 选拔任用, the plan's 文号
    new = Assignment.objects.get(person=world["east_a"], ended_on__isnull=True)
    assert (new.unit_id, new.started_on, new.source, new.start_document) == (
        world["west"].pk, ON, PostSource.PROCEDURE, "青组〔2026〕8号")
    old = Assignment.objects.get(person=world["east_a"], unit=world["east"])
    assert old.ended_on == ON
    world["east_a"].refresh_from_db()
    assert world["east_a"].unit_id == world["west"].pk
    east_after = {m.name for team in teams_on(actor=officer, as_of=ON, unit=world["east"]) for m in team.members}
    assert (east_before - east_after, east_after - east_before) == ({"林芳"}, {"马骏"})
    # the day before the plan the teams are as they were
    assert {m.name for team in teams_on(actor=officer, as_of=ON - dt.timedelta(days=1), unit=world["east"])
            for m in team.members} == east_before
    # audited with each person as subject
    committed = AuditEvent.objects.filter(action="exchange_plan.committed")
    assert sorted(committed.values_list("subject_type", "subject_id")) == sorted(
        [("people.person", str(world["east_a"].pk)), ("people.person", str(world["west_c"].pk))])
    # a committed plan no longer changes
    with pytest.raises(ValidationError):
        exchange.plan_discard(actor=officer, plan=plan)


def test_moving_two_of_three_exceeds_one_third(world, officer):
    plan = exchange.plan_create(actor=officer, title="大调整", effective_on=ON)
    for key in ("east_a", "east_b"):
        exchange.move_add(actor=officer, plan=plan, person=world[key], to_unit=world["west"], to_title="副镇长",
                          to_rank="0142")
    preview = exchange.plan_preview(plan, actor=officer)
    east = next(team for team in preview.teams if team.unit.name == "东坑镇")
    west = next(team for team in preview.teams if team.unit.name == "西岭镇")
    assert east.share_exceeded and west.share_exceeded
    # west: 3 + 2 deputies = 4 副职 against 3 approved
    assert west.quota_after.over == 1 and west.quota_worse
    assert any("东坑镇本轮交流2名班子成员" in item for item in preview.blockers)


def test_a_person_is_moved_once_a_plan(world, officer):
    plan = _swap(world, officer)
    with pytest.raises(ValidationError) as refused:
        exchange.move_add(actor=officer, plan=plan, person=world["east_a"], to_unit=world["org"], to_title="科员",
                          to_rank="0150")
    assert "林芳已在本方案中" in str(refused.value)


# --- pages -----------------------------------------------------------------------------------------


def test_pages_in_scope(client, world, officer):
    plan = _swap(world, officer)
    sign_in(client, officer)
    assert client.get(reverse("alerts:exchange_list")).status_code == 200
    page = client.get(reverse("alerts:exchange_detail", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "调整前后对比" in text and "东坑镇" in text and "实施方案" in text
    response = client.post(reverse("alerts:exchange_commit", args=[plan.pk]), {"document": "青组〔2026〕9号"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMMITTED and plan.document == "青组〔2026〕9号"


def test_a_plan_outside_the_scope_is_a_404_and_writes_need_the_change_scope(client, world, officer):
    plan = _swap(world, officer)
    # only the east township in view: the plan moves someone of the west one
    outsider = user_with_role("cadre_office", maintained=[world["east"]])
    sign_in(client, outsider)
    assert client.get(reverse("alerts:exchange_detail", args=[plan.pk])).status_code == 404
    assert plan.title not in client.get(reverse("alerts:exchange_list")).content.decode()
    # the whole county in view but nothing maintained: reads, no writes
    viewer = user_with_role("cadre_office", managed=[world["top"]])
    sign_in(client, viewer)
    assert client.get(reverse("alerts:exchange_detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("alerts:exchange_commit", args=[plan.pk])).status_code == 403
    assert ExchangePlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_the_move_form_names_its_errors(client, world, officer):
    plan = exchange.plan_create(actor=officer, title="试", effective_on=ON)
    sign_in(client, officer)
    response = client.post(reverse("alerts:exchange_move_add", args=[plan.pk]), {"to_title": ""})
    text = response.content.decode()
    assert response.status_code == 400
    assert "请选择干部" in text and "请填写拟任职务" in text and "请选择职务层次" in text


def test_avoidance_and_tenure_pages_list_findings_in_scope(client, world, officer):
    relative(world["east_a"], "丈夫", world["east_b"])
    sign_in(client, officer)
    text = client.get(reverse("alerts:avoidance")).content.decode()
    assert "林芳" in text and "同一班子" in text and "《党政领导干部任职回避暂行规定》" in text
    west_only = user_with_role("cadre_office", maintained=[world["west"]])
    sign_in(client, west_only)
    assert "林芳" not in client.get(reverse("alerts:avoidance")).content.decode()
    assert client.get(reverse("alerts:tenure")).status_code == 200


def test_discard_and_a_discarded_plan_takes_no_moves(world, officer):
    plan = _swap(world, officer)
    exchange.plan_discard(actor=officer, plan=plan, reason="另行研究")
    assert ExchangePlan.objects.get(pk=plan.pk).status == PlanStatus.DISCARDED
    with pytest.raises(ValidationError) as refused:
        exchange.move_add(actor=officer, plan=plan, person=world["east_b"], to_unit=world["west"],
                          to_title="副镇长", to_rank="0142")
    assert "已放弃" in str(refused.value)


def test_the_bulk_checks_take_the_same_queries_for_more_people(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cadres.alerts.avoidance import avoidance_findings
    from cadres.alerts.tenure import tenure_findings
    from cadres.people.models import Person

    relative(world["east_a"], "丈夫", world["east_b"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            avoidance_findings(Person.objects.all(), ON)
            tenure_findings(Person.objects.all(), ON)
        return len(captured)

    few = queries()
    for number in range(30):
        person = member(world["west"], f"钱{number}", since=dt.date(2010, 1, 1),
                        birth_date=dt.date(1970 + number % 20, 1 + number % 12, 1), native_place="青岚")
        relative(person, "弟弟", world["east_b"] if number % 2 else world["west_d"])
    assert queries() == few


def test_the_services_check_the_scope_under_the_plans_lock(world, officer):
    from django.core.exceptions import PermissionDenied

    east_only = user_with_role("cadre_office", maintained=[world["east"]])
    plan = exchange.plan_create(actor=east_only, title="东坑镇内部调整", effective_on=ON)
    # a person of another township, or a unit outside his scope, is refused by the service itself
    with pytest.raises(PermissionDenied):
        exchange.move_add(actor=east_only, plan=plan, person=world["west_c"], to_unit=world["east"],
                          to_title="副镇长", to_rank="0142")
    with pytest.raises(PermissionDenied):
        exchange.move_add(actor=east_only, plan=plan, person=world["east_a"], to_unit=world["west"],
                          to_title="副镇长", to_rank="0142")
    # once the county officer adds a western move, the eastern officer can no longer commit it
    exchange.move_add(actor=officer, plan=plan, person=world["west_c"], to_unit=world["east"],
                      to_title="副镇长", to_rank="0142")
    with pytest.raises(PermissionDenied):
        exchange.plan_commit(actor=east_only, plan=plan, force_reason="x")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
