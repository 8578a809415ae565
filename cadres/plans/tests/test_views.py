import pytest
from django.urls import reverse

from cadres.accounts.testing import user_with_role
from cadres.audit.models import AuditAction, AuditEvent
from cadres.plans.models import AgeLimit, PlanTarget
from cadres.plans.tests.factories import NATIONAL_RULE_SET, make_person, make_unit

pytestmark = pytest.mark.django_db

PLAN = "2007–2011年领导班子建设规划"


@pytest.fixture
def officer_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="officer", password="x"))
    return client


@pytest.fixture
def leader_client(client):
    client.force_login(user_with_role("leader", managed=[make_unit("温州市")]))
    return client


@pytest.fixture
def county_teams():
    pingyang = make_unit("温州市/平阳县", unit_type="县(市、区)")
    cangnan = make_unit("温州市/苍南县", unit_type="县(市、区)")
    make_person(pingyang, name="书记甲", birth="1957.05", rank="正县级", title="县委书记")
    make_person(pingyang, name="副县长丙", birth="1973.12", rank="副县级", sex="女", title="副县长")
    make_person(cangnan, name="书记戊", birth="1951.01", rank="正县级", title="县委书记")
    make_person(cangnan, name="县长己", birth="1966.11", rank="正县级", title="县长")
    for measure, age in ((PlanTarget.Measure.AGE_AT_MOST, 35), (PlanTarget.Measure.WOMEN, None)):
        PlanTarget.objects.create(
            plan_name=PLAN, scope=PlanTarget.Scope.EACH_TEAM, unit_type="县(市、区)",
            measure=measure, age=age, threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=1,
        )
    return pingyang, cangnan


def test_gaps_page_shows_each_team_met_or_missed(officer_client, county_teams):
    # when
    response = officer_client.get(reverse("plans:gaps"), {"as_of": "2007-11-30"})

    # then
    assert response.status_code == 200
    assert (response.context["groups_met"], response.context["groups_missed"]) == (2, 2)
    assert response.context["missing_total"] == 2
    assert response.context["chart"]["met"] == [1, 1]
    assert response.context["chart"]["missed"] == [1, 1]
    html = response.content.decode()
    assert "每个县(市、区)领导班子35岁以下至少1名" in html
    assert '<td class="num missing">1</td>' in html
    assert "副县长丙" in html
    assert 'id="gaps-chart-data"' in html


def test_gaps_page_without_targets_invites_to_add_one(officer_client):
    response = officer_client.get(reverse("plans:gaps"))

    assert response.status_code == 200
    assert "尚未设置规划目标" in response.content.decode()


def test_forecast_page_shows_the_figures_and_the_teams_at_risk(officer_client, county_teams):
    # when: 书记戊 (正县级, born 1951.01) reaches 57 in 2008.01
    response = officer_client.get(
        reverse("plans:forecast"), {"as_of": "2007-11-30", "years": "4"}
    )

    # then
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["total"], summary["reaching"], summary["share"]) == (4, 1, 25.0)
    assert summary["by_year"] == {"2007": 0, "2008": 1, "2009": 0, "2010": 0, "2011": 0}
    html = response.content.decode()
    assert '<div class="value" id="share">25.00%</div>' in html
    assert "书记戊（2008.01）" in html
    assert "正职到杠" in html


def test_forecast_page_defaults_to_five_years_from_today(officer_client):
    response = officer_client.get(reverse("plans:forecast"))

    assert response.status_code == 200
    assert response.context["years"] == 5
    assert len(response.context["summary"]["by_year"]) == 6


def test_target_create_page_saves_a_target(officer_client):
    # given
    city = make_unit("温州市")

    # when
    response = officer_client.post(reverse("plans:target_create"), {
        "plan_name": PLAN, "scope": "subtree", "unit": city.pk, "ranks": ["0131", "0132"],
        "measure": "women", "threshold_kind": "percent", "threshold": "15", "sort_order": "1",
    })

    # then
    assert response.status_code == 302
    target = PlanTarget.objects.get()
    assert (target.unit, target.ranks, target.team_members_only) == (city, ["0131", "0132"], False)
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_TARGET_CREATED).count() == 1
    listing = officer_client.get(reverse("plans:target_list")).content.decode()
    assert "女干部不少于15%" in listing


def test_target_form_shows_errors(officer_client):
    response = officer_client.post(reverse("plans:target_create"), {
        "plan_name": PLAN, "scope": "each_team", "measure": "age_at_most",
        "threshold_kind": "count", "threshold": "2", "sort_order": "0",
    })

    assert response.status_code == 200
    assert "请填写单位类型" in response.content.decode()
    assert "请填写年龄" in response.content.decode()
    assert not PlanTarget.objects.exists()


def test_target_update_and_delete_pages(officer_client, county_teams):
    target = PlanTarget.objects.get(measure="women")
    data = {"plan_name": PLAN, "scope": "each_team", "unit_type": "县(市、区)", "measure": "women",
            "threshold_kind": "count", "threshold": "2", "sort_order": "0",
            "team_members_only": "on"}

    officer_client.post(reverse("plans:target_update", args=[target.pk]), data)
    target.refresh_from_db()
    assert target.threshold == 2

    confirm = officer_client.get(reverse("plans:target_delete", args=[target.pk])).content.decode()
    assert "确定删除规划目标" in confirm and "确认删除" in confirm
    assert PlanTarget.objects.filter(pk=target.pk).exists()  # asking deletes nothing
    list_page = officer_client.get(reverse("plans:target_list")).content.decode()
    assert f'href="{reverse("plans:target_delete", args=[target.pk])}"' in list_page

    officer_client.post(reverse("plans:target_delete", args=[target.pk]))
    assert not PlanTarget.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_TARGET_DELETED).count() == 1


def test_leader_sees_the_pages_but_may_not_change_targets(leader_client, county_teams):
    # given
    target = PlanTarget.objects.first()

    # when
    gaps = leader_client.get(reverse("plans:gaps"), {"as_of": "2007-11-30"})
    create = leader_client.post(reverse("plans:target_create"), {"plan_name": "x"})
    delete = leader_client.post(reverse("plans:target_delete", args=[target.pk]))

    # then
    assert gaps.status_code == 200
    assert (create.status_code, delete.status_code) == (403, 403)
    assert PlanTarget.objects.count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_TARGET_DELETED).exists()


def test_user_without_analysis_rights_is_refused(client):
    client.force_login(user_with_role("unit_clerk", maintained=[make_unit("温州市")]))

    assert client.get(reverse("plans:gaps")).status_code == 403
    assert client.get(reverse("plans:forecast")).status_code == 403


def test_rule_sets_page_and_age_limit_edit(officer_client):
    men = AgeLimit.objects.get(rule_set__name=NATIONAL_RULE_SET, sex="1")

    listing = officer_client.get(reverse("plans:rule_sets")).content.decode()
    response = officer_client.post(reverse("plans:age_limit_update", args=[men.pk]), {
        "age_years": "60", "extra_months": "0", "raise_from": "1965-01-01",
        "raise_every_months": "4", "raise_cap_months": "30",
    })

    assert "法定退休年龄（2025年起）" in listing
    assert "、镇长、" in listing and "、党委书记、" in listing
    assert "1965.01" in listing
    assert response.status_code == 302
    men.refresh_from_db()
    assert men.raise_cap_months == 30
    assert AuditEvent.objects.get(action=AuditAction.AGE_LIMIT_UPDATED).changes == {
        "raise_cap_months": [36, 30]
    }
