"""The rule checks at their boundaries, with the numbers of the seeded `SelectionRule` rows:
one day short of two years in the 副职 post fails, 2/3 present is a quorum, exactly half of
应到会 fails, a 公示 of 4 working days across 国庆 2026 fails and 5 passes, a recommendation
expires on its anniversary, a sanction blocks through its last day, and the step guards."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadres.accounts.testing import person_in
from cadres.cases import rules
from cadres.cases.models import (
    CaseKind,
    CasePost,
    CaseStatus,
    CommentOutcome,
    DiligenceCheck,
    Meeting,
    MeetingTopic,
    Nominee,
    NoticeComment,
    PublicNotice,
    SelectionCase,
    SelectionRule,
    Step,
    TopicDecision,
)
from cadres.cases.rules import FAIL, NEEDS_REASON, PASS
from cadres.cases.steps import step_move
from cadres.core.idcard import check_digit
from cadres.people.models import Relative
from cadres.records.models import AnnualAssessment, Award

pytestmark = pytest.mark.django_db

D = dt.date


def make_case(unit: Any, *, kind: str = CaseKind.INDIVIDUAL, step: str = Step.CANDIDATES,
              number: str = "2026-001", **fields: Any) -> SelectionCase:
    return SelectionCase.objects.create(number=number, title="县水利局领导班子调整", kind=kind, unit=unit,
                                        step=step, started_on=D(2026, 1, 5), **fields)


def make_post(case: SelectionCase, unit: Any, title: str, rank: str, openings: int = 1) -> CasePost:
    return CasePost.objects.create(case=case, unit=unit, title=title, rank=rank, openings=openings)


def nominate(case: SelectionCase, post: CasePost | None, person: Any, stage: str = "candidate",
             **fields: Any) -> Nominee:
    return Nominee.objects.create(case=case, post=post, person=person, stage=stage, **fields)


def by_code(results: list[rules.CheckResult], code: str) -> rules.CheckResult:
    found = [result for result in results if result.code == code]
    assert len(found) == 1, (code, results)
    return found[0]


def id_number(body: str) -> str:
    return body + check_digit(body)


@pytest.fixture
def promotion(county, team):
    """赵副镇长 (副科级 since 2022-03-01) proposed for 县水利局局长 (正科级)."""
    case = make_case(county["water"])
    post = make_post(case, county["water"], "局长", "0141")
    return nominate(case, post, team["candidate"])


# --- the rules as data ----------------------------------------------------------------------


def test_rule_periods_decide_the_numbers_on_a_date():
    old = SelectionRule.objects.get(code="publicity_days")
    old.effective_to = D(2026, 12, 31)
    old.save()
    SelectionRule.objects.create(code="publicity_days", name=old.name, text="七个工作日", params={"working_days": 7},
                                 effective_from=D(2027, 1, 1))
    assert rules.params("publicity_days", D(2026, 12, 31)) == {"working_days": 5}
    assert rules.params("publicity_days", D(2027, 1, 1)) == {"working_days": 7}
    assert rules.rule("publicity_days", D(2027, 1, 1)).text == "七个工作日"
    SelectionRule.objects.filter(code="publicity_days", effective_from=D(2027, 1, 1)).update(is_active=False)
    assert rules.rule("publicity_days", D(2027, 1, 1)) is None
    assert rules.params("publicity_days", D(2027, 1, 1)) == {}


def test_numbers_come_from_the_rule_rows():
    SelectionRule.objects.filter(code="decision_quorum").update(params={"numerator": 3, "denominator": 4})
    assert rules.quorum_met(expected=8, present=6, on=D(2026, 5, 1)).outcome == PASS
    assert rules.quorum_met(expected=8, present=5, on=D(2026, 5, 1)).outcome == FAIL


# --- years in the lower post ----------------------------------------------------------------


def test_one_day_short_of_two_years_as_deputy_fails(promotion):
    short = by_code(rules.nominee_checks(promotion, D(2024, 2, 29)), "years_in_lower_post")
    assert short.outcome == FAIL
    assert short.message == "任副职1年11个月28天（自2022.03.01），不满2年"
    assert short.rule_text.startswith("职务层次较低的干部提任副职")
    assert short.nominee_id == promotion.pk
    full = by_code(rules.nominee_checks(promotion, D(2024, 3, 1)), "years_in_lower_post")
    assert full.outcome == PASS and "满2年" in full.message


def test_lower_principal_to_deputy_needs_three_years(county, team):
    case = make_case(county["water"])
    nominee = nominate(case, make_post(case, county["top"], "副县长", "0132"), team["director"])
    # 李局长: 正科级 since 2019-03-01.
    assert by_code(rules.nominee_checks(nominee, D(2022, 2, 28)), "years_in_lower_post").outcome == FAIL
    assert by_code(rules.nominee_checks(nominee, D(2022, 3, 1)), "years_in_lower_post").outcome == PASS


def test_a_deputy_title_to_a_principal_title_at_the_same_rank_counts_the_post(county):
    person = person_in(county["east"], "钱副书记", post_title="党委副书记", rank="0141", is_team_member=True,
                       post_started_on=D(2024, 7, 1), work_started_on=D(2005, 7, 1), full_time_education="20")
    case = make_case(county["east"])
    nominee = nominate(case, make_post(case, county["east"], "镇长", "0141"), person)
    assert by_code(rules.nominee_checks(nominee, D(2026, 6, 30)), "years_in_lower_post").outcome == FAIL
    assert by_code(rules.nominee_checks(nominee, D(2026, 7, 1)), "years_in_lower_post").outcome == PASS


def test_a_jump_over_a_rank_fails_unless_exceptional(county, team):
    case = make_case(county["water"])
    nominee = nominate(case, make_post(case, county["top"], "副县长", "0132"), team["candidate"])
    jump = by_code(rules.nominee_checks(nominee, D(2026, 6, 1)), "years_in_lower_post")
    assert jump.outcome == FAIL and "越级" in jump.message
    SelectionCase.objects.filter(pk=case.pk).update(is_exceptional=True)
    nominee.refresh_from_db()
    assert by_code(rules.nominee_checks(nominee, D(2026, 6, 1)), "years_in_lower_post").outcome == PASS


# --- working years, education, training -------------------------------------------------------


def test_working_years_apply_to_county_posts_only_and_grassroots_needs_a_reason(county, team):
    case = make_case(county["water"])
    deputy_county = make_post(case, county["top"], "副县长", "0132")
    young = person_in(county["east"], "孙镇长", post_title="镇长", rank="0141", is_team_member=True,
                      post_started_on=D(2021, 6, 1), work_started_on=D(2021, 6, 1), full_time_education="20")
    nominee = nominate(case, deputy_county, young)
    short = by_code(rules.nominee_checks(nominee, D(2026, 5, 31)), "working_years")
    assert short.outcome == FAIL and "工龄4年11个月30天" in short.message and "不满5年" in short.message
    # Five years of work on 2026-06-01, and five years in a township (乡镇) post then too.
    assert by_code(rules.nominee_checks(nominee, D(2026, 6, 1)), "working_years").outcome == PASS
    # 赵副镇长 in 东坑镇 since 2022-03-01: grassroots 2 years complete on 2024-03-01 only.
    zhao = nominate(case, make_post(case, county["top"], "副县长", "0132"), team["candidate"], stage="recommended")
    early = by_code(rules.nominee_checks(zhao, D(2024, 2, 29)), "working_years")
    assert early.outcome == NEEDS_REASON and "基层工作经历" in early.message
    assert by_code(rules.nominee_checks(zhao, D(2024, 3, 1)), "working_years").outcome == PASS
    zhao.check_reasons = {"working_years": "2008年至2012年在村任职，见档案"}
    zhao.save()
    explained = by_code(rules.nominee_checks(zhao, D(2024, 2, 29)), "working_years")
    assert explained.outcome == PASS and explained.message.endswith("已说明：2008年至2012年在村任职，见档案")
    # Not a county post: the rule does not apply.
    other = nominate(case, make_post(case, county["water"], "局长", "0141"), team["deputy"])
    assert "不适用" in by_code(rules.nominee_checks(other, D(2026, 6, 1)), "working_years").message


def test_education_minimum_and_by_rank(county):
    case = make_case(county["water"])
    secondary = person_in(county["east"], "周副镇长", post_title="副镇长", rank="0142", is_team_member=True,
                          post_started_on=D(2018, 1, 1), work_started_on=D(2000, 7, 1), full_time_education="40")
    college = person_in(county["east"], "吴副镇长", post_title="副镇长", rank="0142", is_team_member=True,
                        post_started_on=D(2018, 1, 1), work_started_on=D(2000, 7, 1), full_time_education="30")
    post = make_post(case, county["east"], "镇长", "0141")
    low = by_code(rules.nominee_checks(nominate(case, post, secondary), D(2026, 6, 1)), "education")
    assert low.outcome == FAIL and "中专" in low.message and "大学专科" in low.message
    assert by_code(rules.nominee_checks(nominate(case, post, college), D(2026, 6, 1)), "education").outcome == PASS
    # 副厅级 needs 大学本科 (by_rank).
    other = make_case(county["water"], number="2026-002")
    high = nominate(other, make_post(other, county["top"], "副市长", "0122"), college)
    assert by_code(rules.nominee_checks(high, D(2026, 6, 1)), "education").outcome == FAIL


def test_training_needs_a_reason_naming_the_twelve_months(promotion):
    training = by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "training")
    assert training.outcome == NEEDS_REASON and "提任后12个月内完成培训" in training.message


# --- the negative list ------------------------------------------------------------------------


def test_a_basic_grade_in_the_last_three_years_fails(promotion):
    person = promotion.person
    AnnualAssessment.objects.create(person=person, year=2022, grade="basic")
    assert by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "assessment_record").outcome == PASS
    AnnualAssessment.objects.create(person=person, year=2023, grade="incompetent")
    failed = by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "assessment_record")
    assert failed.outcome == FAIL and "2023年度考核为不称职" in failed.message
    AnnualAssessment.objects.create(person=person, year=2024, grade="competent")
    assert by_code(rules.nominee_checks(promotion, D(2027, 1, 10)), "assessment_record").outcome == PASS


def test_a_sanction_blocks_through_the_last_day_of_its_effect(promotion):
    Award.objects.create(person=promotion.person, kind="sanction", name="党内警告", awarded_on=D(2025, 6, 1),
                         effect_ends_on=D(2026, 6, 1))
    Award.objects.create(person=promotion.person, kind="reward", name="嘉奖", awarded_on=D(2025, 1, 1))
    blocked = by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "sanction_in_effect")
    assert blocked.outcome == FAIL and "党内警告" in blocked.message and "2026.06.01" in blocked.message
    assert by_code(rules.nominee_checks(promotion, D(2026, 6, 2)), "sanction_in_effect").outcome == PASS


def test_a_personal_matters_issue_fails(promotion):
    DiligenceCheck.objects.create(nominee=promotion, kind="personal_matters", requested_on=D(2026, 5, 1),
                                  result="clear")
    assert by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "personal_matters").outcome == PASS
    DiligenceCheck.objects.create(nominee=promotion, kind="personal_matters", requested_on=D(2026, 5, 2),
                                  result="issue", reply="漏报房产一套")
    failed = by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "personal_matters")
    assert failed.outcome == FAIL and "漏报房产一套" in failed.message


# --- age, quota, exceptional ----------------------------------------------------------------


def test_age_limit_at_the_date_of_appointment(county):
    # Local limit: 正科级 55, reached in the month of the 55th birthday (1971-06 → 2026-06-01).
    older = person_in(county["east"], "郑副镇长", post_title="副镇长", rank="0142", is_team_member=True,
                      birth_date=D(1971, 6, 1), post_started_on=D(2015, 1, 1), work_started_on=D(1992, 7, 1),
                      full_time_education="20")
    case = make_case(county["east"])
    nominee = nominate(case, make_post(case, county["east"], "镇长", "0141"), older)
    assert by_code(rules.nominee_checks(nominee, D(2026, 5, 31)), "age_limit").outcome == PASS
    reached = by_code(rules.nominee_checks(nominee, D(2026, 6, 1)), "age_limit")
    assert reached.outcome == FAIL and "2026.06已到任职年龄界限" in reached.message


def test_post_quota_counts_holders_and_proposed_nominees(county, team):
    case = make_case(county["water"])
    # 县水利局: 1 正职 (held by 李局长), 3 副职 (2 held).
    principal = nominate(case, make_post(case, county["water"], "局长", "0141"), team["candidate"])
    over = by_code(rules.nominee_checks(principal, D(2026, 6, 1)), "post_quota")
    assert over.outcome == FAIL and "核定正职职数1名，现有1名，拟新任1名，超职数1名" in over.message
    deputy_post = make_post(case, county["water"], "副局长", "0142")
    first = person_in(county["west"], "冯站长", post_title="站长", rank="0150", post_started_on=D(2015, 1, 1))
    second = person_in(county["west"], "褚站长", post_title="站长", rank="0150", post_started_on=D(2015, 1, 1))
    one = nominate(case, deputy_post, first, stage="proposed")
    assert by_code(rules.nominee_checks(one, D(2026, 6, 1)), "post_quota").outcome == PASS
    nominate(case, deputy_post, second, stage="proposed")
    both = by_code(rules.nominee_checks(one, D(2026, 6, 1)), "post_quota")
    assert both.outcome == FAIL and "超职数1名" in both.message
    # A holder of a 副职 there does not add to the count.
    Nominee.objects.filter(person=second).update(person=team["deputy"])
    assert by_code(rules.nominee_checks(one, D(2026, 6, 1)), "post_quota").outcome == PASS


def test_exceptional_needs_reason_approval_and_a_year_since_the_last_promotion(promotion):
    case = promotion.case
    assert by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "exceptional").outcome == PASS
    case.is_exceptional = True
    case.save()
    promotion.refresh_from_db()
    missing = by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "exceptional")
    assert missing.outcome == FAIL and "破格理由和破格批准文号" in missing.message
    case.exceptional_reason = "抢险救灾中表现突出"
    case.exceptional_approval = "青组函〔2026〕5号"
    case.save()
    promotion.refresh_from_db()
    # Promoted to 副科级 on 2022-03-01: a year since on 2023-03-01.
    assert by_code(rules.nominee_checks(promotion, D(2023, 2, 28)), "exceptional").outcome == FAIL
    assert by_code(rules.nominee_checks(promotion, D(2023, 3, 1)), "exceptional").outcome == PASS


# --- avoidance ----------------------------------------------------------------------------------


def test_a_wife_in_the_same_unit_is_a_conflict_naming_both(county, team):
    wife_id = id_number("33032619860101002")
    wife = person_in(county["water"], "钱会计", post_title="财务股股长", rank="0150", id_number=wife_id,
                     post_started_on=D(2015, 1, 1), sex="2")
    Relative.objects.create(person=team["candidate"], relation="妻子", name="钱会计", id_number=wife_id)
    conflicts = rules.avoidance_conflicts(team["candidate"], county["water"], D(2026, 6, 1), title="局长")
    assert len(conflicts) == 1
    assert conflicts[0].outcome == FAIL and conflicts[0].code == "avoidance"
    assert "赵副镇长" in conflicts[0].message and "钱会计" in conflicts[0].message
    assert "财务" in conflicts[0].message
    # In another township: no conflict.
    assert rules.avoidance_conflicts(team["candidate"], county["west"], D(2026, 6, 1)) == []
    # Before she held the post: none.
    assert rules.avoidance_conflicts(team["candidate"], county["water"], D(2014, 6, 1)) == []
    assert wife.pk


def test_relatives_by_name_and_birth_month_and_by_others_naming_him(county, team):
    brother = person_in(county["top"], "赵县长", post_title="县长", rank="0131", is_team_member=True,
                        birth_date=D(1980, 3, 15), post_started_on=D(2020, 1, 1))
    Relative.objects.create(person=team["candidate"], relation="哥哥", name="赵县长", birth_date=D(1980, 3, 1))
    conflicts = rules.avoidance_conflicts(team["candidate"], county["water"], D(2026, 6, 1))
    assert len(conflicts) == 1 and "上级单位领导职务" in conflicts[0].message
    # A relation the rule does not list is no conflict.
    Relative.objects.all().update(relation="同学")
    assert rules.avoidance_conflicts(team["candidate"], county["water"], D(2026, 6, 1)) == []
    # 王副局长 records 赵副镇长 as his 表弟 (by name and birth month): same unit.
    Relative.objects.create(person=team["deputy"], relation="表弟", name="赵副镇长", birth_date=D(1986, 11, 1))
    conflicts = rules.avoidance_conflicts(team["candidate"], county["water"], D(2026, 6, 1))
    assert len(conflicts) == 1 and "王副局长" in conflicts[0].message and "同一单位" in conflicts[0].message
    assert brother.pk


def test_avoidance_shows_in_the_nominee_checks(promotion, county):
    Relative.objects.create(person=promotion.person, relation="父亲", name="赵老", birth_date=D(1960, 1, 1))
    person_in(county["water"], "赵老", post_title="职工", rank="0160", birth_date=D(1960, 1, 20),
              post_started_on=D(2000, 1, 1))
    avoidance = by_code(rules.nominee_checks(promotion, D(2026, 6, 1)), "avoidance")
    assert avoidance.outcome == FAIL and avoidance.nominee_id == promotion.pk


# --- the case's checks --------------------------------------------------------------------------


def test_competitive_candidates(county, team):
    case = make_case(county["water"])
    post = make_post(case, county["water"], "副局长", "0142")
    nominate(case, post, team["candidate"])
    equal = by_code(rules.case_checks(case, D(2026, 6, 1)), "competitive_candidates")
    assert equal.outcome == NEEDS_REASON and "考察对象1名，拟任职数1名" in equal.message
    case.check_reasons = {"competitive_candidates": "意见集中"}  # once the model has the field
    assert by_code(rules.case_checks(case, D(2026, 6, 1)), "competitive_candidates").outcome == PASS
    general = make_case(county["water"], kind=CaseKind.GENERAL, number="2026-002")
    nominate(general, make_post(general, county["water"], "副局长", "0142"), team["candidate"])
    assert by_code(rules.case_checks(general, D(2026, 6, 1)), "competitive_candidates").outcome == FAIL
    nominate(general, general.posts.get(), team["deputy_two"])
    assert by_code(rules.case_checks(general, D(2026, 6, 1)), "competitive_candidates").outcome == PASS


def test_a_recommendation_is_valid_until_the_day_before_its_anniversary(county, team):
    case = make_case(county["water"])
    nominee = nominate(case, make_post(case, county["water"], "副局长", "0142"), team["candidate"],
                       recommended_on=D(2025, 12, 1))
    valid = by_code(rules.case_checks(case, D(2026, 11, 30)), "recommendation_valid")
    assert valid.outcome == PASS and "有效期至2026.11.30" in valid.message
    assert by_code(rules.case_checks(case, D(2026, 12, 1)), "recommendation_valid").outcome == FAIL
    Nominee.objects.filter(pk=nominee.pk).update(recommendation_targeted=True, post=None)
    assert by_code(rules.case_checks(case, D(2026, 6, 1)), "recommendation_valid").outcome == FAIL


def test_four_musts_name_what_is_missing(promotion):
    case = promotion.case
    missing = by_code(rules.case_checks(case, D(2026, 6, 1)), "four_musts")
    assert missing.outcome == FAIL and "档案必审（未开展）" in missing.message
    for kind in ("dossier", "personal_matters", "petitions"):
        DiligenceCheck.objects.create(nominee=promotion, kind=kind, requested_on=D(2026, 5, 1), result="clear")
    DiligenceCheck.objects.create(nominee=promotion, kind="discipline", requested_on=D(2026, 5, 1))
    pending = by_code(rules.case_checks(case, D(2026, 6, 1)), "four_musts")
    assert pending.outcome == FAIL and pending.message.endswith("纪检监察机关意见必听（待回复）")
    DiligenceCheck.objects.filter(kind="discipline").update(result="not_applicable")
    assert by_code(rules.case_checks(case, D(2026, 6, 1)), "four_musts").outcome == PASS
    DiligenceCheck.objects.filter(kind="petitions").update(result="issue")
    assert by_code(rules.case_checks(case, D(2026, 6, 1)), "four_musts").outcome == FAIL


# --- meetings, 公示 and periods -----------------------------------------------------------------


def test_two_thirds_present_exactly_is_a_quorum():
    on = D(2026, 6, 1)
    met = rules.quorum_met(expected=9, present=6, on=on)
    assert met.outcome == PASS and met.message == "应到会9人，实到会6人，达到三分之二以上"
    assert rules.quorum_met(expected=9, present=5, on=on).outcome == FAIL
    assert rules.quorum_met(expected=0, present=0, on=on).outcome == FAIL


def test_exactly_half_of_those_who_should_attend_fails():
    on = D(2026, 6, 1)
    assert rules.decision_passes(expected=10, agree=5, on=on).outcome == FAIL
    assert rules.decision_passes(expected=10, agree=6, on=on).outcome == PASS
    # Of 应到会 9, 5 agree passes even if only 6 attended; 4 of 9 fails though 4 of 6 present is 2/3.
    assert rules.decision_passes(expected=9, agree=5, on=on).outcome == PASS
    assert rules.decision_passes(expected=9, agree=4, on=on).outcome == FAIL


def test_a_publicity_of_four_working_days_across_national_day_fails():
    four = rules.publicity_period(starts_on=D(2026, 9, 28), ends_on=D(2026, 10, 8))
    assert four.outcome == FAIL and "共4个工作日" in four.message
    five = rules.publicity_period(starts_on=D(2026, 9, 28), ends_on=D(2026, 10, 9))
    assert five.outcome == PASS and "共5个工作日" in five.message
    unknown = rules.publicity_period(starts_on=D(2027, 3, 1), ends_on=D(2027, 3, 5))
    assert unknown.outcome == PASS and "2027年节假日安排未录入" in unknown.message


def test_suspension_and_probation_dates():
    assert rules.suspension_until(D(2026, 3, 31)) == D(2026, 6, 30)
    assert rules.suspension_until(D(2026, 10, 9)) == D(2027, 1, 9)
    assert rules.probation_end(D(2026, 3, 15)) == D(2027, 3, 14)
    SelectionRule.objects.filter(code="probation").update(params={"months": 6})
    assert rules.probation_end(D(2026, 3, 15)) == D(2026, 9, 14)


# --- the step guards ----------------------------------------------------------------------------


@pytest.fixture
def ready_case(county, team):
    """Two 考察对象 for one 副局长 post, recommended on 2026-06-01, training explained."""
    case = make_case(county["water"])
    post = make_post(case, county["water"], "副局长", "0142")
    reason = {"training": "已参加2025年中青班"}
    for person in (team["candidate"], person_in(county["west"], "卫站长", post_title="站长", rank="0150",
                                                 post_started_on=D(2015, 1, 1), work_started_on=D(2010, 7, 1),
                                                 full_time_education="20")):
        nominate(case, post, person, recommended_on=D(2026, 6, 1), check_reasons=reason)
    return case


def test_entering_inspection_needs_the_candidates_qualifications(ready_case):
    on = D(2026, 9, 1)
    assert rules.transition_blockers(ready_case, Step.INSPECTION, on) == []
    zhao = ready_case.nominees.get(person__name="赵副镇长")
    AnnualAssessment.objects.create(person=zhao.person, year=2025, grade="basic")
    Nominee.objects.filter(pk=zhao.pk).update(check_reasons={})
    blockers = rules.transition_blockers(ready_case, Step.INSPECTION, on)
    assert {blocker.code for blocker in blockers} == {"assessment_record", "training"}
    assert all(blocker.nominee_id == zhao.pk for blocker in blockers)
    # A recommendation a year old blocks too.
    assert "recommendation_valid" in {b.code for b in rules.transition_blockers(ready_case, Step.INSPECTION,
                                                                                  D(2027, 6, 1))}


def test_step_move_refuses_with_the_rule_and_its_figures(ready_case, officer):
    Nominee.objects.filter(case=ready_case).exclude(person__name="赵副镇长").update(stage="recommended")
    with pytest.raises(ValidationError) as raised:
        step_move(actor=officer, case=ready_case, to_step=Step.INSPECTION, occurred_on=D(2026, 9, 1))
    assert "差额考察：考察对象1名，拟任职数1名，等额考察须说明理由" in raised.value.messages
    Nominee.objects.filter(case=ready_case).update(stage="candidate")
    moved = step_move(actor=officer, case=ready_case, to_step=Step.INSPECTION, occurred_on=D(2026, 9, 1))
    assert moved.step == Step.INSPECTION


def test_entering_decision_needs_the_four_musts(ready_case):
    blockers = rules.transition_blockers(ready_case, Step.DECISION, D(2026, 9, 1))
    assert [blocker.code for blocker in blockers] == ["four_musts", "four_musts"]
    for nominee in ready_case.nominees.all():
        for kind in ("dossier", "personal_matters", "discipline", "petitions"):
            DiligenceCheck.objects.create(nominee=nominee, kind=kind, requested_on=D(2026, 8, 1), result="clear")
    assert rules.transition_blockers(ready_case, Step.DECISION, D(2026, 9, 1)) == []


def test_entering_publicity_needs_a_passed_decision(ready_case):
    assert [b.code for b in rules.transition_blockers(ready_case, Step.PUBLICITY, D(2026, 9, 1))] == ["decision_pass"]
    zhao = ready_case.nominees.get(person__name="赵副镇长")
    Nominee.objects.filter(pk=zhao.pk).update(stage="proposed")
    meeting = Meeting.objects.create(kind="standing", title="县委常委会", held_on=D(2026, 9, 15))
    topic = MeetingTopic.objects.create(meeting=meeting, case=ready_case, title="干部任免")
    decision = TopicDecision.objects.create(topic=topic, nominee=zhao, agree=5, is_passed=False,
                                            decided_on=D(2026, 9, 15))
    blockers = rules.transition_blockers(ready_case, Step.PUBLICITY, D(2026, 9, 16))
    assert len(blockers) == 1 and "赵副镇长最近一次讨论决定（2026.09.15）未通过" in blockers[0].message
    decision.is_passed = True
    decision.save()
    assert rules.transition_blockers(ready_case, Step.PUBLICITY, D(2026, 9, 16)) == []


def test_entering_appointment_needs_a_full_publicity_without_pending_comments(ready_case):
    zhao = ready_case.nominees.get(person__name="赵副镇长")
    Nominee.objects.filter(pk=zhao.pk).update(stage="proposed")
    codes_of = lambda on: [b.code for b in rules.transition_blockers(ready_case, Step.APPOINTMENT, on)]  # noqa: E731
    assert codes_of(D(2026, 10, 12)) == ["publicity_days"]
    notice = PublicNotice.objects.create(case=ready_case, title="任前公示", text="……", starts_on=D(2026, 9, 28),
                                         ends_on=D(2026, 10, 8), is_published=True)
    four = rules.transition_blockers(ready_case, Step.APPOINTMENT, D(2026, 10, 12))
    assert len(four) == 1 and "共4个工作日" in four[0].message
    notice.ends_on = D(2026, 10, 9)
    notice.save()
    assert codes_of(D(2026, 10, 9)) == ["publicity_days"]  # not over yet on its last day
    assert codes_of(D(2026, 10, 10)) == []
    comment = NoticeComment.objects.create(notice=notice, nominee=zhao, content="反映问题")
    assert codes_of(D(2026, 10, 12)) == ["suspension"]
    comment.outcome = CommentOutcome.NO_PROBLEM
    comment.save()
    SelectionCase.objects.filter(pk=ready_case.pk).update(status=CaseStatus.SUSPENDED)
    ready_case.refresh_from_db()
    assert codes_of(D(2026, 10, 12)) == ["suspension"]
    SelectionCase.objects.filter(pk=ready_case.pk).update(status=CaseStatus.ACTIVE)
    ready_case.refresh_from_db()
    assert codes_of(D(2026, 10, 12)) == []
    # 职数 of the 拟任人选: 3 副职 approved, 2 held; a second proposed 副职 goes over.
    Nominee.objects.filter(case=ready_case).update(stage="proposed")
    assert codes_of(D(2026, 10, 12)) == ["post_quota", "post_quota"]


def test_checks_for_gives_each_nominee_and_the_case(ready_case):
    result = rules.checks_for(ready_case, D(2026, 9, 1))
    assert [row["nominee"].person.name for row in result["nominees"]] == ["赵副镇长", "卫站长"]
    codes = [check.code for check in result["nominees"][0]["results"]]
    assert codes == list(rules.NOMINEE_CODES)
    assert {check.code for check in result["case"]} == {"competitive_candidates", "recommendation_valid",
                                                        "four_musts"}
