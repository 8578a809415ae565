"""warnings_for: each kind at its boundaries, rules read as data, the actor's scope, and the
checks of other modules taken in when present."""

import dataclasses
import datetime as dt
import types

import pytest

from cadres.accounts.testing import person_in
from cadres.alerts import warnings
from cadres.alerts.findings import Finding
from cadres.alerts.tests.conftest import ON
from cadres.alerts.warnings import (
    AGE_LIMIT,
    PERSONAL_MATTERS,
    PROBATION,
    RATING_INCOMPETENT,
    SANCTION_ENDING,
    warnings_for,
)
from cadres.cases.models import NomineeStage, SelectionCase, SelectionRule
from cadres.records.models import Award, AwardKind

pytestmark = pytest.mark.django_db


def keys_of(findings, kind):
    return {finding.key for finding in findings if finding.kind == kind}


def people_of(findings, kind):
    return {finding.person_id for finding in findings if finding.kind == kind}


# --- 到龄 ---------------------------------------------------------------------------------


def test_age_limit_within_twelve_months_counts_the_reach_month_exactly_n_months_away(county):
    # given: 副科级 (limit 55 by the default local set); on 2026-12-01 with 12 months the window
    # is (2026-12-01, 2027-12-01]
    inside = person_in(county["water"], "满期", rank="0142", birth_date=dt.date(1972, 12, 1))   # 2027-12-01
    outside = person_in(county["water"], "过期", rank="0142", birth_date=dt.date(1973, 1, 1))  # 2028-01-01
    reached = person_in(county["water"], "已到", rank="0142", birth_date=dt.date(1971, 12, 1))  # 2026-12-01
    soon = person_in(county["east"], "将到", rank="0141", birth_date=dt.date(1972, 1, 15))     # 2027-01-01
    # when
    findings = warnings_for(actor=None, on=ON)
    # then: those reaching it within the window, and the one who reached it today (超龄在任)
    assert people_of(findings, AGE_LIMIT) == {inside.pk, soon.pk, reached.pk}
    found = next(f for f in findings if f.person_id == inside.pk)
    assert found.due_on == dt.date(2027, 12, 1)
    assert found.rule_code == "warn_age_limit"
    assert found.url == f"/people/{inside.pk}/"
    assert "2027.12到任职年龄界限" in found.message and found.unit_id == county["water"].pk
    assert outside.pk not in people_of(findings, AGE_LIMIT)
    overdue = next(f for f in findings if f.person_id == reached.pk)
    assert "已于2026.12到任职年龄界限，仍在任" in overdue.message and overdue.due_on == dt.date(2026, 12, 1)


def test_someone_past_the_age_limit_long_ago_and_still_in_post_is_warned(county):
    # given: 副科级 (55) born 1960: reached it in 2015; someone gone is not warned
    past = person_in(county["water"], "超龄", rank="0142", birth_date=dt.date(1960, 3, 1))
    # when
    findings = [f for f in warnings_for(actor=None, on=ON) if f.person_id == past.pk]
    # then: one for the post age limit (2015.03), one for the statutory retirement age
    messages = sorted(f.message for f in findings)
    assert any("已于2015.03到任职年龄界限，仍在任" in message for message in messages)
    assert any("到法定退休年龄，仍在任" in message for message in messages)


def test_age_limit_months_are_data(county):
    later = person_in(county["water"], "后年", rank="0142", birth_date=dt.date(1973, 6, 1))  # 2028-06-01
    assert later.pk not in people_of(warnings_for(actor=None, on=ON), AGE_LIMIT)
    SelectionRule.objects.filter(code="warn_age_limit").update(params={"months": 18})
    assert later.pk in people_of(warnings_for(actor=None, on=ON), AGE_LIMIT)


def test_no_rule_row_no_age_warnings(county):
    person_in(county["water"], "满期", rank="0142", birth_date=dt.date(1972, 12, 1))
    SelectionRule.objects.filter(code="warn_age_limit").update(is_active=False)
    assert not keys_of(warnings_for(actor=None, on=ON), AGE_LIMIT)


# --- 试用期满 -------------------------------------------------------------------------------


def nominee(person, ends, *, stage=NomineeStage.APPOINTED, result=""):
    case = SelectionCase.objects.create(number=f"2026-{person.pk}-{ends}", title="选任副局长",
                                        unit=person.unit, started_on=dt.date(2025, 11, 1))
    return case.nominees.create(person=person, stage=stage, appointed_on=dt.date(2025, 12, 31),
                                probation_ends_on=ends, probation_result=result)


def test_probation_ending_exactly_n_days_away_is_in_and_a_day_later_is_out(county):
    # given: 30 days from 2026-12-01 is 2026-12-31
    due = nominee(person_in(county["water"], "到期"), dt.date(2026, 12, 31))
    late = nominee(person_in(county["water"], "晚一天"), dt.date(2027, 1, 1))
    overdue = nominee(person_in(county["water"], "已满"), dt.date(2026, 11, 30))
    concluded = nominee(person_in(county["water"], "已结论"), dt.date(2026, 12, 10), result="confirmed")
    confirmed = nominee(person_in(county["water"], "正式"), dt.date(2026, 12, 10), stage=NomineeStage.CONFIRMED)
    # when
    findings = [f for f in warnings_for(actor=None, on=ON) if f.kind == PROBATION]
    # then
    by_person = {f.person_id: f for f in findings}
    assert set(by_person) == {due.person_id, overdue.person_id}
    assert by_person[due.person_id].due_on == dt.date(2026, 12, 31)
    assert "试用期于2026.12.31届满" in by_person[due.person_id].message
    assert "已于2026.11.30届满，尚未作出试用期满结论" in by_person[overdue.person_id].message
    assert by_person[due.person_id].url == f"/cases/{due.case_id}/"
    assert late.person_id not in by_person and concluded.person_id not in by_person
    assert confirmed.person_id not in by_person


# --- 处分影响期 ------------------------------------------------------------------------------


def sanction(person, ends, *, kind=AwardKind.SANCTION):
    return Award.objects.create(person=person, kind=kind, name="党内警告", awarded_on=dt.date(2025, 12, 1),
                                effect_ends_on=ends if kind == AwardKind.SANCTION else None)


def test_sanction_effect_ending_within_n_days_inclusive(county, water_cadre):
    on_the_day = sanction(water_cadre, ON)
    last_day = sanction(water_cadre, ON + dt.timedelta(days=30))
    too_late = sanction(water_cadre, ON + dt.timedelta(days=31))
    ended = sanction(water_cadre, ON - dt.timedelta(days=1))
    findings = warnings_for(actor=None, on=ON)
    keys = keys_of(findings, SANCTION_ENDING)
    assert keys == {f"sanction_ending:{on_the_day.pk}:{ON}", f"sanction_ending:{last_day.pk}:2026-12-31"}
    assert not any(f":{row.pk}:" in key for row in (too_late, ended) for key in keys)
    message = next(f.message for f in findings if f.kind == SANCTION_ENDING)
    assert message.startswith("王建国受“党内警告”处分，影响期至")


# --- 民主测评不称职票 -------------------------------------------------------------------------


def rating(person, incompetent, valid, *, year=ON.year):
    from cadres.ballots import services
    from cadres.ballots.models import PersonRating

    vote = services.vote_create(actor=None, kind="rating", title=f"{year}年度民主测评{person.pk}-{incompetent}",
                                expected_count=valid, options=[{"name": person.name, "person": person}])
    return PersonRating.objects.create(
        person=person, vote=vote, year=year, shares={}, valid_ballots=valid,
        counts={"优秀": 0, "称职": valid - incompetent, "基本称职": 0, "不称职": incompetent})


def test_rating_incompetent_share_above_a_third_only(county, water_cadre, east_cadre):
    pytest.importorskip("cadres.ballots.models").PersonRating  # noqa: B018
    rating(water_cadre, 3, 9)     # exactly 1/3: not above
    rating(east_cadre, 4, 9)      # above
    findings = [f for f in warnings_for(actor=None, on=ON) if f.kind == RATING_INCOMPETENT]
    assert [f.person_id for f in findings] == [east_cadre.pk]
    assert "不称职票4票" in findings[0].message and findings[0].rule_code == "rating_incompetent_share"


def test_rating_older_than_last_year_is_not_counted(county, water_cadre):
    pytest.importorskip("cadres.ballots.models")
    rating(water_cadre, 5, 9, year=ON.year - 2)
    assert not keys_of(warnings_for(actor=None, on=ON), RATING_INCOMPETENT)
    rating(water_cadre, 5, 9, year=ON.year - 1)
    assert keys_of(warnings_for(actor=None, on=ON), RATING_INCOMPETENT)


# --- scope, kinds, units -------------------------------------------------------------------


def test_an_officer_of_one_unit_sees_only_that_units_warnings(county, officer, water_officer,
                                                                 water_cadre, east_cadre):
    sanction(water_cadre, ON + dt.timedelta(days=5))
    sanction(east_cadre, ON + dt.timedelta(days=5))
    assert people_of(warnings_for(actor=water_officer, on=ON), SANCTION_ENDING) == {water_cadre.pk}
    assert people_of(warnings_for(actor=officer, on=ON), SANCTION_ENDING) == {water_cadre.pk, east_cadre.pk}


def test_a_user_without_any_grant_sees_nothing(county, water_cadre, django_user_model):
    sanction(water_cadre, ON + dt.timedelta(days=5))
    nobody = django_user_model.objects.create_user(username="nobody", password="x-Pass-2026!")
    assert warnings_for(actor=nobody, on=ON) == []


def test_kinds_and_units_narrow_the_warnings(county, water_cadre, east_cadre):
    sanction(water_cadre, ON + dt.timedelta(days=5))
    sanction(east_cadre, ON + dt.timedelta(days=5))
    nominee(east_cadre, ON + dt.timedelta(days=5))
    assert {f.kind for f in warnings_for(actor=None, on=ON, kinds=[PROBATION])} == {PROBATION}
    east = warnings_for(actor=None, on=ON, units=[county["east"]])
    assert {f.person_id for f in east} == {east_cadre.pk}
    both = warnings_for(actor=None, on=ON, units=[county["east"], county["water"]], kinds=[SANCTION_ENDING])
    assert {f.person_id for f in both} == {water_cadre.pk, east_cadre.pk}


def test_personal_matters_come_from_the_supervision_register(county, water_cadre):
    # 副科级 does not report; a 副县级 without the yearly report on 2025 is overdue on ON
    assert not keys_of(warnings_for(actor=None, on=ON), PERSONAL_MATTERS)
    assert PERSONAL_MATTERS not in warnings.NOT_KEPT
    head = person_in(county["water"], "李局长", rank="0132", post_started_on=dt.date(2015, 1, 1))
    assert keys_of(warnings_for(actor=None, on=ON), PERSONAL_MATTERS) == {f"personal_matters:overdue:{head.pk}:2025"}


# --- the other modules' checks ---------------------------------------------------------------


def test_a_present_source_is_taken_in_scoped_and_under_its_kind(county, water_officer, water_cadre,
                                                                  east_cadre, monkeypatch):
    # given: a stand-in for helper D's tenure check, giving a finding for each cadre
    calls = []

    def tenure_findings(people_qs, on):
        calls.append((set(people_qs.values_list("pk", flat=True)), on))
        return [Finding(kind="tenure_same_post", key=f"tenure:{pk}", message="同一职位任职满10年",
                        rule_code="tenure_same_post", person_id=pk)
                for pk in (water_cadre.pk, east_cadre.pk)]

    module = types.ModuleType("fake_tenure")
    module.tenure_findings = tenure_findings  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "fake_tenure", module)
    monkeypatch.setattr(warnings, "EXTERNAL_SOURCES", (("tenure", "fake_tenure:tenure_findings"),))
    # when
    findings = warnings_for(actor=water_officer, on=ON, kinds=["tenure"])
    # then: the scoped people were passed, the kind is the page's, the other unit's is dropped
    assert calls == [({water_cadre.pk}, ON)]
    assert [(f.kind, f.person_id) for f in findings] == [("tenure", water_cadre.pk)]


def test_a_missing_source_gives_nothing():
    assert warnings.external("cadres.alerts.no_such_module:anything") is None
    assert warnings.external("cadres.alerts.warnings:no_such_function") is None


@pytest.mark.parametrize(("kind", "path"), warnings.EXTERNAL_SOURCES)
def test_each_source_once_present_runs_and_stays_in_scope(kind, path, county, water_officer,
                                                          water_cadre, east_cadre):
    if warnings.external(path) is None:
        pytest.skip(f"{path} not there yet")
    everything = warnings_for(actor=None, on=ON, kinds=[kind])
    mine = warnings_for(actor=water_officer, on=ON, kinds=[kind])
    assert all(f.kind == kind and f.rule_code for f in everything)
    assert all(f.person_id in (None, water_cadre.pk) for f in mine)
    assert {dataclasses.astuple(f) for f in mine} <= {dataclasses.astuple(f) for f in everything}


def test_the_excellent_quota_of_the_last_year_is_taken_in_per_unit_and_scoped(county, water_officer, officer):
    from cadres.records.models import AnnualAssessment

    if warnings.external("cadres.assessments.selectors:excellent_quota_findings") is None:
        pytest.skip("assessments not there yet")
    # given: 2 of 5 优秀 in the water bureau last year (40% > 20%), 1 of 5 in the township (20%)
    for unit, excellent in ((county["water"], 2), (county["east"], 1)):
        for index in range(5):
            person = person_in(unit, f"{unit.name}{index}")
            AnnualAssessment.objects.create(person=person, year=ON.year - 1,
                                            grade="excellent" if index < excellent else "competent")
    # then
    everything = [f for f in warnings_for(actor=officer, on=ON) if f.kind == "excellent_quota"]
    assert [f.unit_id for f in everything] == [county["water"].pk]
    assert [f.unit_id for f in warnings_for(actor=water_officer, on=ON, kinds=["excellent_quota"])] \
        == [county["water"].pk]
