import datetime as dt

import pytest

from cadres.plans.selectors import team_forecast
from cadres.plans.tests.factories import LOCAL_RULE_SET, make_person, make_unit, rule_set

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
UNTIL = dt.date(2031, 12, 31)


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(username="officer", password="x")


@pytest.fixture
def towns():
    """东镇 loses its principal and its only woman; 西镇 loses its only member aged 35 or under."""
    east = make_unit("某县/东镇", unit_type="乡镇")
    west = make_unit("某县/西镇", unit_type="乡镇")
    make_person(east, name="书记甲", birth="1973.03", rank="正科级", title="党委书记")  # 55 in 2028.03
    make_person(east, name="镇长乙", birth="1980.01", rank="正科级", title="党委副书记、镇长")
    make_person(east, name="副镇长丙", birth="1975.08", rank="副科级", sex="女", title="副镇长")  # 2030.08
    make_person(east, name="纪委书记丁", birth="1971.01", rank="副科级", title="党委委员、纪委书记")  # 2026.01: already
    make_person(west, name="书记戊", birth="1978.01", rank="正科级", title="党委书记")
    make_person(west, name="副镇长己", birth="1992.09", rank="副科级", title="副镇长")  # 33; 36 in 2028.09
    make_person(west, name="副镇长庚", birth="1985.05", rank="副科级", sex="女", title="副镇长")
    make_person(west, name="副镇长辛", birth="1986.02", rank="副科级", sex="女", title="副镇长")
    return east, west


def test_team_forecast_counts_each_team_per_year(officer, towns):
    # when
    result = team_forecast(actor=officer, as_of=AS_OF, until=UNTIL, limits=rule_set(LOCAL_RULE_SET))

    # then
    assert result["years"] == [2026, 2027, 2028, 2029, 2030, 2031]
    east, west = result["teams"]
    assert east["team"].unit.name == "东镇"
    assert east["by_year"] == [0, 0, 1, 0, 1, 0]
    assert [(member.name, month) for member, month in east["reaching"]] == [
        ("书记甲", dt.date(2028, 3, 1)), ("副镇长丙", dt.date(2030, 8, 1)),
    ]
    assert (west["total"], west["by_year"]) == (0, [0, 0, 0, 0, 0, 0])


def test_team_forecast_lists_the_teams_that_lose_a_principal_their_only_woman_or_young_member(
    officer, towns
):
    result = team_forecast(actor=officer, as_of=AS_OF, until=UNTIL, limits=rule_set(LOCAL_RULE_SET))

    assert [
        (loss.team.unit.name, loss.kind, loss.member.name, loss.month, loss.reason)
        for loss in result["losses"]
    ] == [
        ("东镇", "only_woman", "副镇长丙", dt.date(2030, 8, 1), "唯一女干部到杠"),
        ("东镇", "principal", "书记甲", dt.date(2028, 3, 1), "正职到杠"),
        ("西镇", "only_young", "副镇长己", dt.date(2028, 9, 1), "唯一35岁以下干部满36岁"),
    ]


def test_a_shorter_forecast_misses_the_later_losses(officer, towns):
    result = team_forecast(actor=officer, as_of=AS_OF, until=dt.date(2027, 12, 31),
                           limits=rule_set(LOCAL_RULE_SET))

    assert result["losses"] == []
