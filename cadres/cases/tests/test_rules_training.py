"""The training check (第八条; 干部教育培训工作条例 2023, RULES.md §7) on the `Training` records,
and the years in the lower post without the 基本称职 years (RULES.md §3), at their boundaries:
549 学时 in five years is short and 550 is enough, a training that ended exactly five years
before the date counts and one a day earlier does not, 12 days of 脱产 in the last twelve
months are enough and 11 are not, a 基本称职 year makes two years in the 副职 post one, and
switching the basic_grade_no_count rule off restores the plain count."""

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from cadres.cases import rules
from cadres.cases.models import SelectionRule
from cadres.cases.rules import FAIL, NEEDS_REASON, PASS
from cadres.cases.rules_services import params_in_words, params_validate
from cadres.cases.tests.test_rules import by_code, make_case, make_post, nominate
from cadres.records.models import AnnualAssessment, Training

pytestmark = pytest.mark.django_db

D = dt.date
ON = D(2026, 6, 1)
DEFAULTS = {"months_after": 12, "county_years": 5, "county_hours": 550, "county_days": 90,
            "township_months": 12, "township_hours": 90, "township_days": 12}


def train(person: Any, started_on: dt.date, ended_on: dt.date, hours: int, *, full_time: bool = True,
          name: str = "专题培训班") -> Training:
    return Training.objects.create(person=person, name=name, organizer="县委党校", started_on=started_on,
                                   ended_on=ended_on, hours=hours, is_full_time=full_time)


def training_check(nominee: Any, on: dt.date = ON) -> rules.CheckResult:
    return by_code(rules.nominee_checks(nominee, on), "training")


def years_check(nominee: Any, on: dt.date) -> rules.CheckResult:
    return by_code(rules.nominee_checks(nominee, on), "years_in_lower_post")


@pytest.fixture
def to_county(county, team):
    """李局长 (正科级) proposed for 副县长 (副县级): the 县处级 requirement."""
    case = make_case(county["water"])
    return nominate(case, make_post(case, county["top"], "副县长", "0132"), team["director"])


@pytest.fixture
def to_township(county, team):
    """赵副镇长 (副科级 since 2022-03-01) proposed for 县水利局局长 (正科级): the 乡科级 requirement."""
    case = make_case(county["water"])
    return nominate(case, make_post(case, county["water"], "局长", "0141"), team["candidate"])


# --- the numbers as data ----------------------------------------------------------------------


def test_the_seeded_training_rule_carries_the_numbers():
    assert SelectionRule.objects.get(code="training", effective_from=None).params == DEFAULTS
    assert params_validate("training", dict(DEFAULTS)) == DEFAULTS


def test_the_migration_adds_only_the_missing_keys_and_takes_back_only_its_defaults():
    migration = importlib.import_module("cadres.cases.migrations.0004_training_rule_params")
    row = SelectionRule.objects.create(code="training", name="培训", text="本地办法", effective_from=D(2027, 1, 1),
                                       params={"months_after": 6, "county_hours": 600})
    migration.add_defaults(apps, None)
    row.refresh_from_db()
    assert row.params == {**DEFAULTS, "months_after": 6, "county_hours": 600}
    migration.remove_params(apps, None)
    row.refresh_from_db()
    assert row.params == {"months_after": 6, "county_hours": 600}
    assert SelectionRule.objects.get(code="training", effective_from=None).params == {"months_after": 12}


def test_the_schema_names_a_missing_or_bad_training_number_in_chinese():
    values = dict(DEFAULTS)
    del values["county_hours"]
    values["township_days"] = 0
    with pytest.raises(ValidationError) as error:
        params_validate("training", values)
    problems = error.value.message_dict["params"]
    assert "缺少参数“county_hours”（县处级以上：培训学时）" in problems
    assert "参数“township_days”（乡科级及以下：培训天数）应为正整数" in problems
    assert ("县处级以上：脱产培训累计天数", "90") in params_in_words("training", DEFAULTS)


# --- 县处级: 5 years, 550 学时 or 3 months ------------------------------------------------------


def test_549_hours_in_five_years_need_a_reason_and_550_pass(to_county):
    person = to_county.person
    train(person, D(2023, 3, 1), D(2023, 12, 31), 320, full_time=False, name="网络学院")
    short = training_check(to_county)
    assert short.outcome == NEEDS_REASON
    assert short.message == "近5年培训320学时，不足550学时（或累计3个月）；可在提任后12个月内完成培训"
    train(person, D(2025, 9, 1), D(2025, 9, 30), 229, full_time=False)
    assert training_check(to_county).outcome == NEEDS_REASON
    assert "近5年培训549学时" in training_check(to_county).message
    train(person, D(2026, 5, 1), D(2026, 5, 1), 1, full_time=False)
    full = training_check(to_county)
    assert full.outcome == PASS and full.message == "近5年培训550学时，达到550学时"


def test_a_training_ended_exactly_five_years_back_counts_and_a_day_earlier_does_not(to_county):
    person = to_county.person
    early = train(person, D(2021, 3, 1), D(2021, 5, 31), 550, full_time=False)
    assert training_check(to_county).outcome == NEEDS_REASON
    early.ended_on = D(2021, 6, 1)
    early.save()
    assert training_check(to_county).outcome == PASS
    # Nor does one still running (ending after the date) count.
    early.delete()
    train(person, D(2026, 5, 1), D(2026, 6, 2), 600)
    assert training_check(to_county).outcome == NEEDS_REASON


def test_ninety_days_of_full_time_training_are_the_three_months(to_county):
    person = to_county.person
    train(person, D(2024, 3, 1), D(2024, 4, 29), 200)          # 60 days
    train(person, D(2024, 4, 20), D(2024, 5, 28), 120)         # 39 days, 10 of them already counted
    short = training_check(to_county)
    assert short.outcome == NEEDS_REASON
    assert short.message.startswith("近5年培训320学时、脱产培训89天，不足550学时（或累计3个月）")
    train(person, D(2025, 1, 6), D(2025, 1, 6), 8)
    full = training_check(to_county)
    assert full.outcome == PASS and full.message == "近5年培训328学时、脱产培训90天，达到累计3个月"
    # Days of training not 脱产 do not count toward the months.
    Training.objects.filter(person=person, hours=8).update(is_full_time=False)
    assert training_check(to_county).outcome == NEEDS_REASON


def test_a_reason_turns_the_shortfall_into_a_pass(to_county):
    to_county.check_reasons = {"training": "已列入2026年秋季中青班"}
    to_county.save()
    explained = training_check(to_county)
    assert explained.outcome == PASS and explained.message.endswith("已说明：已列入2026年秋季中青班")
    assert explained.message.startswith("近5年培训0学时，不足550学时")


def test_the_numbers_come_from_the_rule_row(to_county):
    train(to_county.person, D(2025, 1, 1), D(2025, 6, 30), 500, full_time=False)
    assert training_check(to_county).outcome == NEEDS_REASON
    SelectionRule.objects.filter(code="training").update(params={**DEFAULTS, "county_hours": 500, "months_after": 6})
    passed = training_check(to_county)
    assert passed.outcome == PASS and "达到500学时" in passed.message
    SelectionRule.objects.filter(code="training").update(params={**DEFAULTS, "county_hours": 501, "months_after": 6})
    assert "不足501学时" in training_check(to_county).message
    assert training_check(to_county).message.endswith("可在提任后6个月内完成培训")
    # Three years instead of five: the 2025 training still counts, one of 2022 no longer does.
    train(to_county.person, D(2022, 1, 1), D(2022, 12, 31), 100, full_time=False)
    SelectionRule.objects.filter(code="training").update(params={**DEFAULTS, "county_hours": 600})
    assert training_check(to_county).outcome == PASS
    SelectionRule.objects.filter(code="training").update(params={**DEFAULTS, "county_hours": 600, "county_years": 3})
    short = training_check(to_county)
    assert short.outcome == NEEDS_REASON and short.message.startswith("近3年培训500学时")


def test_a_rule_without_the_numbers_asks_for_a_reason(to_county):
    train(to_county.person, D(2025, 1, 1), D(2025, 6, 30), 900)
    SelectionRule.objects.filter(code="training").update(params={"months_after": 12})
    missing = training_check(to_county)
    assert missing.outcome == NEEDS_REASON and "培训规则未设定县处级以上干部" in missing.message


# --- 乡科级: 12 months, 90 学时 or 12 days ------------------------------------------------------


def test_twelve_days_in_the_last_twelve_months_pass_and_eleven_do_not(to_township):
    person = to_township.person
    course = train(person, D(2025, 11, 3), D(2025, 11, 13), 60)       # 11 days
    short = training_check(to_township)
    assert short.outcome == NEEDS_REASON
    assert short.message == "近12个月培训60学时、脱产培训11天，不足90学时（或12天）；可在提任后12个月内完成培训"
    course.ended_on = D(2025, 11, 14)
    course.save()
    full = training_check(to_township)
    assert full.outcome == PASS and full.message == "近12个月培训60学时、脱产培训12天，达到12天"


def test_ninety_hours_in_twelve_months_and_the_window_edge(to_township):
    person = to_township.person
    edge = train(person, D(2025, 5, 20), D(2025, 6, 1), 45, full_time=False)   # ended exactly 12 months back
    train(person, D(2026, 3, 1), D(2026, 3, 3), 44, full_time=False)
    assert training_check(to_township).outcome == NEEDS_REASON
    assert "近12个月培训89学时，不足90学时" in training_check(to_township).message
    train(person, D(2026, 5, 30), D(2026, 5, 30), 1, full_time=False)
    assert training_check(to_township).outcome == PASS
    edge.ended_on = D(2025, 5, 31)
    edge.save()
    assert training_check(to_township).outcome == NEEDS_REASON


def test_a_nominee_without_a_post_is_not_checked(county, team):
    case = make_case(county["water"])
    nominee = nominate(case, None, team["candidate"])
    train(team["candidate"], D(2026, 1, 1), D(2026, 3, 31), 600)
    assert training_check(nominee).outcome == NEEDS_REASON
    assert "未确定拟任职位" in training_check(nominee).message


# --- years in the lower post without the 基本称职 years -----------------------------------------


def test_a_basic_grade_year_makes_two_years_as_deputy_one(to_township):
    person = to_township.person
    assert years_check(to_township, D(2024, 3, 1)).outcome == PASS
    AnnualAssessment.objects.create(person=person, year=2022, grade="competent")
    AnnualAssessment.objects.create(person=person, year=2023, grade="basic")
    short = years_check(to_township, D(2024, 3, 1))
    assert short.outcome == FAIL
    assert short.message == "任副职2年（自2022.03.01），其中2023年度考核基本称职不计算，实计1年，不满2年"
    assert years_check(to_township, D(2025, 2, 28)).outcome == FAIL
    full = years_check(to_township, D(2025, 3, 1))
    assert full.outcome == PASS
    assert full.message == "任副职3年（自2022.03.01），其中2023年度考核基本称职不计算，实计2年，满2年"


def test_an_incompetent_year_does_not_count_either_and_earlier_years_do(to_township):
    person = to_township.person
    AnnualAssessment.objects.create(person=person, year=2021, grade="basic")       # before the post
    assert years_check(to_township, D(2024, 3, 1)).outcome == PASS
    AnnualAssessment.objects.create(person=person, year=2024, grade="incompetent")
    AnnualAssessment.objects.create(person=person, year=2025, grade="basic")
    short = years_check(to_township, D(2026, 2, 28))
    assert short.outcome == FAIL
    assert "其中2024年度考核不称职、2025年度考核基本称职不计算，实计1年11个月27天，不满2年" in short.message
    assert years_check(to_township, D(2026, 3, 1)).outcome == PASS


def test_switching_the_basic_grade_rule_off_restores_the_plain_count(to_township):
    AnnualAssessment.objects.create(person=to_township.person, year=2023, grade="basic")
    assert years_check(to_township, D(2024, 3, 1)).outcome == FAIL
    SelectionRule.objects.filter(code="basic_grade_no_count").update(is_active=False)
    plain = years_check(to_township, D(2024, 3, 1))
    assert plain.outcome == PASS and plain.message == "任副职2年（自2022.03.01），满2年"
    # A rule in force only from 2025 does not apply on 2024-03-01 but does on 2025-02-28.
    SelectionRule.objects.filter(code="basic_grade_no_count").update(is_active=True, effective_from=D(2025, 1, 1))
    assert years_check(to_township, D(2024, 3, 1)).outcome == PASS
    assert years_check(to_township, D(2025, 2, 28)).outcome == FAIL


def test_the_lower_principal_to_deputy_span_loses_the_year_too(to_county):
    # 李局长: 正科级 since 2019-03-01, three years complete on 2022-03-01.
    assert years_check(to_county, D(2022, 3, 1)).outcome == PASS
    AnnualAssessment.objects.create(person=to_county.person, year=2020, grade="basic")
    short = years_check(to_county, D(2022, 3, 1))
    assert short.outcome == FAIL and "任下级正职3年" in short.message and "实计2年，不满3年" in short.message
    assert years_check(to_county, D(2023, 3, 1)).outcome == PASS
