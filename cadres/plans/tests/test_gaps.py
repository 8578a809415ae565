import datetime as dt
from decimal import Decimal

import pytest

from cadres.plans.models import PlanTarget
from cadres.plans.selectors import plan_gaps, required_count, target_evaluate, teams_on
from cadres.plans.tests.factories import make_person, make_unit

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2007, 11, 30)
PLAN = "2007–2011年领导班子建设规划"
COUNTY_TEAM = "县(市、区)"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(username="officer", password="x")


@pytest.fixture
def two_county_teams():
    """平阳县 meets the team targets; 苍南县 misses each by one."""
    pingyang = make_unit("温州市/平阳县", unit_type=COUNTY_TEAM)
    cangnan = make_unit("温州市/苍南县", unit_type=COUNTY_TEAM)
    make_unit("温州市/平阳县/昆阳镇", unit_type="乡镇")
    make_person(pingyang, name="书记甲", birth="1957.05", rank="正县级", title="县委书记")  # 50
    make_person(pingyang, name="县长乙", birth="1967.11", rank="正县级", title="县委副书记、县长")  # 40
    make_person(pingyang, name="副县长丙", birth="1973.12", rank="副县级", sex="女", title="副县长")  # 33
    make_person(pingyang, name="已免丁", birth="1975.01", rank="副县级", title="副县长",
                started="2003.01", ended="2007.11")  # left the team on 2007-11-01
    make_person(cangnan, name="书记戊", birth="1957.01", rank="正县级", title="县委书记")  # 50
    make_person(cangnan, name="县长己", birth="1966.11", rank="正县级", title="县长")  # 41
    make_person(cangnan, name="副县长庚", birth="1971.11", rank="副县级", title="副县长")  # 36
    make_person(cangnan, name="后任辛", birth="1980.01", rank="副县级", title="副县长",
                started="2008.01")  # joins after the as-of date
    return pingyang, cangnan


def team_target(measure: str, threshold: int, age: int | None = None) -> PlanTarget:
    return PlanTarget.objects.create(
        plan_name=PLAN, scope=PlanTarget.Scope.EACH_TEAM, unit_type=COUNTY_TEAM, measure=measure,
        age=age, threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=threshold,
    )


def test_teams_on_a_date_follow_the_post_dates(officer, two_county_teams):
    # when
    teams = teams_on(actor=officer, as_of=AS_OF)

    # then
    assert [(team.unit.name, [m.name for m in team.members]) for team in teams] == [
        ("平阳县", ["书记甲", "县长乙", "副县长丙"]),
        ("苍南县", ["书记戊", "县长己", "副县长庚"]),
    ]
    assert [m.name for m in teams[0].principals] == ["书记甲", "县长乙"]
    assert [m.age for m in teams[1].members] == [50, 41, 36]


def test_each_team_needs_two_aged_40_or_under(officer, two_county_teams):
    # given
    target = team_target(PlanTarget.Measure.AGE_AT_MOST, 2, age=40)

    # when
    result = target_evaluate(actor=officer, target=target, as_of=AS_OF)

    # then: 县长乙 turns 40 in the as-of month and counts; 县长己 is 41
    pingyang, cangnan = result.groups
    assert (pingyang.counted, pingyang.is_met, pingyang.missing) == (["县长乙", "副县长丙"], True, 0)
    assert (cangnan.counted, cangnan.is_met, cangnan.missing) == (["副县长庚"], False, 1)
    assert (result.met, result.missed, result.missing) == (1, 1, 1)


def test_each_team_needs_one_aged_35_or_under_and_one_woman(officer, two_county_teams):
    young = team_target(PlanTarget.Measure.AGE_AT_MOST, 1, age=35)
    woman = team_target(PlanTarget.Measure.WOMEN, 1)

    results = plan_gaps(actor=officer, as_of=AS_OF, plan_name=PLAN)

    assert [r.target for r in results] == [young, woman]
    assert [[(g.label, g.counted, g.missing) for g in r.groups] for r in results] == [
        [("温州市/平阳县", ["副县长丙"], 0), ("温州市/苍南县", [], 1)],
        [("温州市/平阳县", ["副县长丙"], 0), ("温州市/苍南县", [], 1)],
    ]


def test_age_boundary_exactly_35_counts_and_36_does_not(officer):
    # given: on 2007-11-30 one is 35 (born 1972.11), one 36 (born 1971.11)
    town = make_unit("某县/东镇", unit_type="乡镇")
    make_person(town, name="三十五", birth="1972.11")
    make_person(town, name="三十六", birth="1971.11")
    target = PlanTarget.objects.create(
        plan_name=PLAN, scope=PlanTarget.Scope.EACH_TEAM, unit_type="乡镇",
        measure=PlanTarget.Measure.AGE_AT_MOST, age=35,
        threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=2,
    )

    # when
    result = target_evaluate(actor=officer, target=target, as_of=AS_OF)

    # then
    assert (result.groups[0].counted, result.groups[0].missing) == (["三十五"], 1)


@pytest.fixture
def county_leaders():
    """Twenty county-level leaders of 温州市: 3 women, 2 non-party, 1 minority, 14 with a
    university education, 3 postgraduates or masters; plus a 正科级 cadre who is not counted."""
    city = make_unit("温州市")
    unit = make_unit("温州市/市直机关")
    for index in range(20):
        make_person(
            unit,
            name=f"领导{index + 1:02d}",
            birth="1960.01",
            rank="正县级" if index < 5 else "副县级",
            sex="女" if index < 3 else "男",
            political_status="无党派人士" if index in (3, 4) else "中共党员",
            ethnicity="畲族" if index == 5 else "汉族",
            education="研究生" if index == 6 else ("大学本科" if index < 14 else "大学专科"),
            degree="硕士" if index in (7, 8) else "",
            team=index < 10,
        )
    make_person(unit, name="科长", birth="1980.01", rank="正科级", sex="女")
    return city


@pytest.mark.parametrize(
    ("measure", "percent", "counted", "required", "missing"),
    [
        (PlanTarget.Measure.WOMEN, "15", 3, 3, 0),
        (PlanTarget.Measure.NON_PARTY, "10", 2, 2, 0),
        (PlanTarget.Measure.MINORITY, "2", 1, 1, 0),
        (PlanTarget.Measure.BACHELOR_OR_ABOVE, "70", 14, 14, 0),
        (PlanTarget.Measure.POSTGRADUATE_OR_MASTER, "15", 3, 3, 0),
        (PlanTarget.Measure.WOMEN, "20", 3, 4, 1),
        (PlanTarget.Measure.BACHELOR_OR_ABOVE, "80", 14, 16, 2),
    ],
)
def test_county_level_leaders_against_percentage_targets(
    officer, county_leaders, measure, percent, counted, required, missing
):
    # given
    target = PlanTarget.objects.create(
        plan_name=PLAN, scope=PlanTarget.Scope.SUBTREE, unit=county_leaders,
        ranks=["0131", "0132"], team_members_only=False, measure=measure,
        threshold_kind=PlanTarget.ThresholdKind.PERCENT, threshold=Decimal(percent),
    )

    # when
    group = target_evaluate(actor=officer, target=target, as_of=AS_OF).groups[0]

    # then
    assert (group.headcount, group.count, group.required, group.missing) == (
        20, counted, required, missing
    )
    assert group.is_met is (missing == 0)


def test_subtree_target_of_team_members_only_counts_members_on_the_date(officer, county_leaders):
    target = PlanTarget.objects.create(
        plan_name=PLAN, scope=PlanTarget.Scope.SUBTREE, unit=county_leaders,
        team_members_only=True, measure=PlanTarget.Measure.WOMEN,
        threshold_kind=PlanTarget.ThresholdKind.PERCENT, threshold=Decimal("15"),
    )

    group = target_evaluate(actor=officer, target=target, as_of=AS_OF).groups[0]

    # 10 team members (3 women) and the 正科级 woman, who is a team member as well
    assert (group.headcount, group.count, group.share, group.required) == (11, 4, 36.36, 2)


def test_required_count_rounds_a_percentage_up():
    target = PlanTarget(threshold_kind=PlanTarget.ThresholdKind.PERCENT, threshold=Decimal("15"))

    assert [required_count(target, n) for n in (0, 1, 7, 20, 21)] == [0, 1, 2, 3, 4]


def test_targets_of_one_unit_type_read_the_teams_once(officer, two_county_teams,
                                                      django_assert_max_num_queries):
    # given
    for age in (35, 40, 45):
        team_target(PlanTarget.Measure.AGE_AT_MOST, 1, age=age)
    team_target(PlanTarget.Measure.WOMEN, 1)

    # when: targets, the actor's grants, principal titles, team posts, the members' main
    # posts on the date (their rank then), their units
    with django_assert_max_num_queries(6):
        results = plan_gaps(actor=officer, as_of=AS_OF)

    # then
    assert [r.met for r in results] == [1, 2, 2, 1]


def test_teams_on_shows_nothing_to_an_anonymous_actor(two_county_teams):
    assert teams_on(actor=None, as_of=AS_OF) == []
