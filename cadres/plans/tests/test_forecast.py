import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from cadres.accounts.selectors import SYSTEM_READER
from cadres.core import codes
from cadres.plans.selectors import age_limit_forecast
from cadres.plans.tests.factories import LOCAL_RULE_SET, make_person, make_unit, rule_set

pytestmark = pytest.mark.django_db

COUNTY = "0131"
DEPUTY_COUNTY = "0132"
LIMITS = {COUNTY: 57, DEPUTY_COUNTY: 56}


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_superuser(username="officer", password="x")


@pytest.fixture
def county_roster():
    """Ten county-level cadres; five reach 正县级 57 / 副县级 56 in 2006-10 … 2011-12."""
    county = make_unit("平阳县")
    health = make_unit("平阳县/县卫生局")
    town = make_unit("平阳县/昆阳镇", unit_type="乡镇")
    # reaching in the period
    make_person(county, name="甲", birth="1949.10", rank="正县级")  # 57 in 2006.10
    make_person(health, name="乙", birth="1951.03", rank="副县级", sex="女")  # 56 in 2007.03
    make_person(town, name="丙", birth="1955.10", rank="副县级", political_status="无党派人士")  # 2011.10
    make_person(town, name="丁", birth="1955.12", rank="副县级", ethnicity="畲族")  # 2011.12
    make_person(health, name="戊", birth="1954.06", rank="正县级")  # 57 in 2011.06
    # already past the limit at 2006-09-30
    make_person(county, name="己", birth="1949.09", rank="正县级")  # 57 in 2006.09
    make_person(health, name="庚", birth="1950.01", rank="副县级")  # 56 in 2006.01
    # after the period
    make_person(town, name="辛", birth="1956.01", rank="副县级")  # 2012.01
    make_person(town, name="壬", birth="1955.01", rank="正县级")  # 2012.01
    # no limit for the rank
    make_person(town, name="癸", birth="1940.01", rank="正科级")
    return county


def test_forecast_counts_those_reaching_after_the_as_of_date_up_to_until(officer, county_roster):
    # when
    result = age_limit_forecast(
        actor=officer, as_of=dt.date(2006, 9, 30), until=dt.date(2011, 12, 31), limits=LIMITS
    )

    # then
    assert result["total"] == 10
    assert result["reaching"] == 5
    assert result["share"] == 50.0
    assert result["women"] == 1
    assert result["non_party"] == 1
    assert result["minority"] == 1
    assert result["already_reached"] == 2
    assert result["by_year"] == {
        "2006": 1, "2007": 1, "2008": 0, "2009": 0, "2010": 0, "2011": 3,
    }
    assert [(p["name"], p["limit_month"]) for p in result["people"]] == [
        ("甲", "2006.10"), ("乙", "2007.03"), ("戊", "2011.06"), ("丙", "2011.10"), ("丁", "2011.12"),
    ]
    assert result["people"][1] == {
        "id": result["people"][1]["id"], "name": "乙", "unit": "平阳县/县卫生局",
        "post_title": "副职", "rank": "副县级", "sex": "女", "birth_month": "1951.03",
        "limit_month": "2007.03",
    }


@pytest.mark.parametrize(
    ("until", "counted"),
    [
        (dt.date(2011, 9, 30), False),
        (dt.date(2011, 10, 1), True),
        (dt.date(2011, 10, 31), True),
    ],
)
def test_reaching_in_the_until_month_counts_from_its_first_day(officer, until, counted):
    # given: 副县级 born 1955.10, limit 56 → reaches it in 2011.10
    make_person(make_unit("平阳县"), birth="1955.10", rank="副县级")

    # when
    result = age_limit_forecast(actor=officer, as_of=dt.date(2006, 9, 30), until=until, limits=LIMITS)

    # then
    assert result["reaching"] == (1 if counted else 0)


@pytest.mark.parametrize(
    ("as_of", "reaching", "already"),
    [
        (dt.date(2011, 9, 30), 1, 0),
        (dt.date(2011, 10, 1), 0, 1),  # he turned 56 on the 1st: past the limit
        (dt.date(2011, 10, 31), 0, 1),
    ],
)
def test_reaching_in_the_as_of_month_has_already_reached(officer, as_of, reaching, already):
    make_person(make_unit("平阳县"), birth="1955.10", rank="副县级")

    result = age_limit_forecast(actor=officer, as_of=as_of, until=dt.date(2012, 12, 31), limits=LIMITS)

    assert (result["reaching"], result["already_reached"]) == (reaching, already)


def test_forecast_by_rule_set_uses_its_limits_by_rank(officer, county_roster):
    # given: the local defaults add 正科级 55, so 癸 (born 1940) has long reached it

    # when
    result = age_limit_forecast(
        actor=officer, as_of=dt.date(2006, 9, 30), until=dt.date(2011, 12, 31),
        limits=rule_set(LOCAL_RULE_SET),
    )

    # then
    assert (result["reaching"], result["already_reached"]) == (5, 3)
    assert result["rule_set"] == LOCAL_RULE_SET


def test_forecast_is_limited_to_a_unit_subtree(officer, county_roster):
    town = make_unit("平阳县/昆阳镇")

    result = age_limit_forecast(
        actor=officer, as_of=dt.date(2006, 9, 30), until=dt.date(2011, 12, 31), limits=LIMITS,
        unit=town,
    )

    assert (result["total"], result["reaching"], result["share"]) == (5, 2, 40.0)
    assert result["unit"] == "平阳县/昆阳镇"


def test_team_members_only_follows_the_post_dates(officer):
    # given: three deputies born 1955.10; one joined the team after the as-of date, one left before
    county = make_unit("平阳县")
    make_person(county, name="在任", birth="1955.10", rank="副县级", started="2005.01")
    make_person(county, name="后任", birth="1955.10", rank="副县级", started="2007.01")
    make_person(county, name="已免", birth="1955.10", rank="副县级", started="2001.01", ended="2006.09")
    make_person(county, name="非班子", birth="1955.10", rank="副县级", team=False)

    # when
    result = age_limit_forecast(
        actor=officer, as_of=dt.date(2006, 9, 30), until=dt.date(2011, 12, 31), limits=LIMITS,
        team_members_only=True,
    )

    # then
    assert [p["name"] for p in result["people"]] == ["在任"]
    assert result["total"] == 1


def test_forecast_sees_nothing_for_an_anonymous_actor(county_roster):
    result = age_limit_forecast(
        actor=None, as_of=dt.date(2006, 9, 30), until=dt.date(2011, 12, 31), limits=LIMITS
    )

    assert (result["total"], result["reaching"], result["share"]) == (0, 0, 0.0)


def test_a_rule_set_without_a_matching_limit_counts_nobody(officer, county_roster):
    result = age_limit_forecast(
        actor=officer, as_of=dt.date(2006, 9, 30), until=dt.date(2011, 12, 31),
        limits={codes.code_for("rank", "科员"): 55},
    )

    assert (result["reaching"], result["already_reached"], result["by_year"]["2011"]) == (0, 0, 0)


def test_statutory_retirement_forecast_uses_the_month_by_month_raise():
    # given: men born 1965-01 (retire 2025-02) and 1965-05 (2025-07), a woman born 1970-01 (2025-02)
    county = make_unit("平阳县")
    make_person(county, name="男甲", birth="1965.01", rank="科员")
    make_person(county, name="男乙", birth="1965.05", rank="科员")
    make_person(county, name="女甲", birth="1970.01", rank="科员", sex="女")

    # when
    result = age_limit_forecast(
        actor=SYSTEM_READER, as_of=dt.date(2024, 12, 31), until=dt.date(2025, 6, 30),
        limits=rule_set("法定退休年龄（2025年起）"),
    )

    # then
    assert [(p["name"], p["limit_month"]) for p in result["people"]] == [
        ("女甲", "2025.02"), ("男甲", "2025.02"),
    ] or [(p["name"], p["limit_month"]) for p in result["people"]] == [
        ("男甲", "2025.02"), ("女甲", "2025.02"),
    ]
    assert result["reaching"] == 2


def test_forecast_command_prints_json(county_roster):
    # given
    out = io.StringIO()

    # when
    call_command(
        "forecast", "--as-of", "2006-09-30", "--until", "2011-12-31",
        "--limit", "正县级=57", "--limit", "副县级=56", "--json", stdout=out,
    )

    # then
    result = json.loads(out.getvalue())
    assert result["reaching"] == 5
    assert result["share"] == 50.0
    assert result["by_year"]["2011"] == 3
    assert (result["women"], result["non_party"], result["minority"]) == (1, 1, 1)
    assert result["people"][0]["name"] == "甲"
    assert result["people"][0]["limit_month"] == "2006.10"


def test_forecast_command_takes_a_unit_and_a_rule_set(county_roster):
    out = io.StringIO()

    call_command(
        "forecast", "--as-of", "2006-09-30", "--until", "2011-12-31",
        "--rule-set", LOCAL_RULE_SET, "--unit", "平阳县/县卫生局", "--json", stdout=out,
    )

    result = json.loads(out.getvalue())
    assert (result["total"], result["reaching"], result["already_reached"]) == (3, 2, 1)


def test_forecast_command_prints_a_sentence_without_json(county_roster):
    out = io.StringIO()

    call_command("forecast", "--as-of", "2006-09-30", "--until", "2011-12-31",
                 "--limit", "正县级=57", "--limit", "副县级=56", stdout=out)

    assert "到2011-12-31将有5人年龄到杠，占10人的50.00%" in out.getvalue()
