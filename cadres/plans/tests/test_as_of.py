"""Plans read the post history like the structure report (issue 8): people in post on the date
with their rank then, one percentage rule, and targets and units scoped to what the user sees."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.core.measures import percent
from cadres.org import services as org_services
from cadres.org.models import PostSource
from cadres.plans.models import PlanTarget
from cadres.plans.selectors import (
    GroupResult,
    age_limit_forecast,
    plan_gaps,
    target_list,
    teams_on,
)
from cadres.plans.tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db

PLAN = "2007–2011年领导班子建设规划"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(username="officer", password="x")


def test_one_in_32_is_3_13_percent_on_the_gaps_page_as_in_the_structure_report(officer):
    # given: a town team of 32, one woman, and a target of at least 10% women
    town = make_unit("某县/东镇", unit_type="乡镇")
    for number in range(32):
        make_person(town, birth="1975.01", sex="女" if number == 0 else "男", started="2005.01")
    PlanTarget.objects.create(
        plan_name=PLAN, scope=PlanTarget.Scope.EACH_TEAM, unit_type="乡镇",
        measure=PlanTarget.Measure.WOMEN, threshold_kind=PlanTarget.ThresholdKind.PERCENT,
        threshold=10,
    )

    # when
    [result] = plan_gaps(actor=officer, as_of=dt.date(2010, 1, 1))

    # then: half up (3.125 → 3.13), not half even (3.12) as the plans app rounded before
    [group] = result.groups
    assert (group.count, group.headcount) == (1, 32)
    assert group.share == percent(1, 32) == 3.13
    assert GroupResult("", None, 32, ["甲"], 0).share == 3.13


def test_a_team_on_a_date_has_the_ranks_then_and_the_concurrent_members(officer):
    # given: 甲 was 副科级 on the town team until his promotion in 2012; 乙 of the county office
    # holds a concurrent team post (兼任) in the town from 2008
    town = make_unit("某县/东镇", unit_type="乡镇")
    office = make_unit("某县/办公室")
    first = make_person(town, name="甲", birth="1970.01", rank="副科级", started="2005.01")
    org_services.post_rank_change(
        actor=None, assignment=first.assignments.get(), rank="0141",
        changed_on=dt.date(2012, 1, 1), source=PostSource.FORM,
    )
    second = make_person(office, name="乙", birth="1975.01", rank="副科级", team=False,
                         started="2003.01")
    org_services.post_start(
        actor=None, person=second, unit=town, title="党委委员", rank="0150",
        is_team_member=True, started_on=dt.date(2008, 1, 1), is_main=False,
        source=PostSource.FORM,
    )

    # when
    [team_2010] = teams_on(actor=officer, as_of=dt.date(2010, 1, 1), unit_type="乡镇")
    [team_2007] = teams_on(actor=officer, as_of=dt.date(2007, 1, 1), unit_type="乡镇")
    [team_2013] = teams_on(actor=officer, as_of=dt.date(2013, 1, 1), unit_type="乡镇")

    # then: 乙 counts with the rank of his main post
    assert sorted((m.name, m.rank) for m in team_2010.members) == [("乙", "0142"), ("甲", "0142")]
    assert [m.name for m in team_2007.members] == ["甲"]
    assert sorted((m.name, m.rank) for m in team_2013.members) == [("乙", "0142"), ("甲", "0141")]


def test_the_forecast_counts_the_people_in_post_with_their_rank_then(officer):
    # given: both born 1955.10; 甲 副县级 since 2001; 乙 appointed 2008, so not in post in 2006;
    # 丙 was 正县级 until 2005 and then left
    county = make_unit("某县")
    make_person(county, name="甲", birth="1955.10", rank="副县级", started="2001.01")
    make_person(county, name="乙", birth="1955.10", rank="副县级", started="2008.01")
    make_person(county, name="丙", birth="1950.01", rank="正县级", started="1999.01",
                ended="2005.01")

    # when
    result = age_limit_forecast(actor=officer, as_of=dt.date(2006, 9, 30),
                                until=dt.date(2011, 10, 31), limits={"0132": 56})
    later = age_limit_forecast(actor=officer, as_of=dt.date(2009, 9, 30),
                               until=dt.date(2011, 10, 31), limits={"0132": 56})

    # then
    assert (result["total"], result["reaching"]) == (1, 1)
    assert [person["name"] for person in result["people"]] == ["甲"]
    assert (later["total"], later["reaching"]) == (2, 2)
    assert sorted(person["name"] for person in later["people"]) == ["乙", "甲"]


@pytest.fixture
def two_towns():
    east = make_unit("某县/东镇", unit_type="乡镇")
    west = make_unit("某县/西镇", unit_type="乡镇")
    targets = {
        town.name: PlanTarget.objects.create(
            plan_name=PLAN, scope=PlanTarget.Scope.SUBTREE, unit=town,
            measure=PlanTarget.Measure.WOMEN, threshold_kind=PlanTarget.ThresholdKind.COUNT,
            threshold=1,
        )
        for town in (east, west)
    }
    return east, west, targets


def test_targets_over_a_unit_outside_the_users_scope_are_not_listed_nor_editable(
    client, two_towns
):
    # given: an officer of the east town only
    east, west, targets = two_towns
    user = user_with_role("cadre_office", managed=[east], maintained=[east])
    sign_in(client, user)

    # when
    listed = target_list(actor=user)
    page = client.get(reverse("plans:target_list"))
    edit_west = client.get(reverse("plans:target_update", args=[targets["西镇"].pk]))
    delete_west = client.post(reverse("plans:target_delete", args=[targets["西镇"].pk]))

    # then
    assert list(listed) == [targets["东镇"]]
    assert page.status_code == 200
    assert list(page.context["targets"]) == [targets["东镇"]]
    assert edit_west.status_code == 404
    assert delete_west.status_code == 404
    assert PlanTarget.objects.filter(pk=targets["西镇"].pk).exists()


def test_the_forecast_command_does_not_find_a_unit_outside_the_users_scope(two_towns):
    # given
    east, west, _ = two_towns
    user = user_with_role("cadre_office", managed=[east], username="east-officer")
    make_person(west, birth="1955.10", rank="副县级", started="2001.01")

    # when / then
    with pytest.raises(CommandError, match="没有该单位"):
        call_command("forecast", "--as-of", "2006-09-30", "--until", "2011-10-31",
                     "--limit", "副县级=56", "--unit", west.path, "--user", user.username,
                     "--json", stdout=io.StringIO())
    out = io.StringIO()
    call_command("forecast", "--as-of", "2006-09-30", "--until", "2011-10-31",
                 "--limit", "副县级=56", "--unit", east.path, "--user", user.username,
                 "--json", stdout=out)
    assert json.loads(out.getvalue())["total"] == 0
