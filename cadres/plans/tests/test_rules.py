import datetime as dt
from types import SimpleNamespace

import pytest

from cadres.plans.rules import SimpleLimit, limit_month, limits_from_ages, reach_date
from cadres.plans.tests.factories import LOCAL_RULE_SET, NATIONAL_RULE_SET, month, rule_set

pytestmark = pytest.mark.django_db


def person(birth: str, sex: str = "1", rank: str = "0142"):
    return SimpleNamespace(birth_date=month(birth), sex=sex, rank=rank)


@pytest.mark.parametrize(
    ("birth", "expected_month"),
    [
        ("1964.12", "2024.12"),  # before the reform: 60 years
        ("1965.01", "2025.02"),  # 60 years 1 month
        ("1965.04", "2025.05"),  # same block: 60 years 1 month
        ("1965.05", "2025.07"),  # 60 years 2 months
        ("1970.01", "2031.05"),  # 61 years 4 months
        ("1976.08", "2039.07"),  # 62 years 11 months
        ("1976.09", "2039.09"),  # 63 years: the cap of 36 months
        ("1976.12", "2039.12"),  # 63 years
        ("1990.06", "2053.06"),  # 63 years
    ],
)
def test_national_rule_set_men_follow_the_published_table(birth, expected_month):
    # given
    national = rule_set(NATIONAL_RULE_SET)

    # when
    reached = limit_month(person(birth, sex="1"), national)

    # then
    assert reached == month(expected_month)


@pytest.mark.parametrize(
    ("birth", "expected_month"),
    [
        ("1969.12", "2024.12"),  # 55 years
        ("1970.01", "2025.02"),  # 55 years 1 month
        ("1970.05", "2025.07"),  # 55 years 2 months
        ("1981.08", "2039.07"),  # 57 years 11 months
        ("1981.09", "2039.09"),  # 58 years: the cap of 36 months
        ("1985.03", "2043.03"),  # 58 years
    ],
)
def test_national_rule_set_women_cadres_start_from_55(birth, expected_month):
    national = rule_set(NATIONAL_RULE_SET)

    assert limit_month(person(birth, sex="2"), national) == month(expected_month)


@pytest.mark.parametrize(
    ("birth", "expected_month"),
    [
        ("1974.12", "2024.12"),  # 50 years
        ("1975.01", "2025.02"),  # 50 years 1 month
        ("1975.02", "2025.03"),  # 50 years 1 month
        ("1975.03", "2025.05"),  # 50 years 2 months
        ("1984.10", "2039.09"),  # 54 years 11 months
        ("1984.11", "2039.11"),  # 55 years: cap of 60 months
        ("1984.12", "2039.12"),  # 55 years
    ],
)
def test_national_rule_set_women_on_the_old_50_use_their_group(birth, expected_month):
    national = rule_set(NATIONAL_RULE_SET)

    reached = limit_month(person(birth, sex="2"), national, group="女职工（原法定退休年龄50周岁）")

    assert reached == month(expected_month)


def test_reform_parameters_are_data_a_deployment_can_change():
    # given: the men's limit edited to raise every 2 months
    national = rule_set(NATIONAL_RULE_SET)
    men = national.limits.get(sex="1")
    men.raise_every_months = 2
    men.save()

    # when
    reached = limit_month(person("1965.03", sex="1"), rule_set(NATIONAL_RULE_SET))

    # then: offset 2 → 2 months
    assert reached == month("2025.05")


@pytest.mark.parametrize(
    ("rank", "sex", "expected_month"),
    [
        ("0131", "1", "2012.10"),  # 正县级 57
        ("0132", "1", "2011.10"),  # 副县级 56
        ("0132", "2", "2011.10"),  # women likewise
        ("0141", "1", "2010.10"),  # 正科级 55
        ("0142", "2", "2010.10"),  # 副科级 55
    ],
)
def test_local_rule_set_reaches_in_the_month_of_the_birthday(rank, sex, expected_month):
    local = rule_set(LOCAL_RULE_SET)

    assert limit_month(person("1955.10", sex=sex, rank=rank), local) == month(expected_month)


def test_local_rule_set_has_no_limit_for_clerks():
    assert limit_month(person("1955.10", rank="0150"), rule_set(LOCAL_RULE_SET)) is None


def test_sex_specific_limit_wins_over_the_rank_wide_one():
    # given
    limits = [SimpleLimit(rank="0132", age_years=56), SimpleLimit(rank="0132", sex="2", age_years=55)]

    # when
    woman = limit_month(person("1960.03", sex="2", rank="0132"), limits)
    man = limit_month(person("1960.03", sex="1", rank="0132"), limits)

    # then
    assert (woman, man) == (month("2015.03"), month("2016.03"))


def test_day_of_birth_is_ignored():
    limit = limits_from_ages({"0132": 56})[0]

    assert reach_date(limit, dt.date(1955, 10, 31)) == dt.date(2011, 10, 1)
