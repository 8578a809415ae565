"""Consequences of the grades as rules: consecutive 优秀, 不称职, 基本称职, and 落实 once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.assessments import selectors, services
from cadres.assessments.actions import AssessmentAction
from cadres.assessments.tests.conftest import staff
from cadres.audit.models import AuditEvent
from cadres.people.models import Person
from cadres.records import services as records_services
from cadres.records.models import Award, AwardKind


def _history(person, grades):
    for year, grade in grades.items():
        records_services.assessment_create(actor=None, person=person, year=year, grade=grade)


def _kinds(year, person):
    return [(item.kind, item.message) for item in selectors.consequences(year, Person.objects.filter(pk=person.pk))]


def test_three_consecutive_excellent_years_give_the_award(county):
    (person,) = staff(county["east"], 1)
    _history(person, {2021: "excellent", 2022: "excellent", 2023: "excellent"})
    assert _kinds(2022, person) == []
    assert _kinds(2023, person) == [("award", "2021—2023年度连续3年年度考核为优秀，记三等功，并给予1500元奖励")]
    item = selectors.consequences(2023, Person.objects.filter(pk=person.pk))[0]
    assert item.amount == 1500 and item.rule_code == "three_excellent" and not item.applied


def test_a_competent_year_breaks_the_streak(county):
    (person,) = staff(county["east"], 1)
    _history(person, {2020: "excellent", 2021: "competent", 2022: "excellent", 2023: "excellent"})
    assert _kinds(2023, person) == []


def test_streaks_count_in_blocks_of_the_rule_years(county):
    (person,) = staff(county["east"], 1)
    _history(person, dict.fromkeys(range(2018, 2024), "excellent"))
    assert [kind for kind, _ in _kinds(2020, person)] == ["award"]
    assert _kinds(2021, person) == [] and _kinds(2022, person) == []
    assert _kinds(2023, person) == [("award", "2021—2023年度连续3年年度考核为优秀，记三等功，并给予1500元奖励")]


def test_the_number_of_years_is_data(county):
    from cadres.cases.models import SelectionRule

    rule = SelectionRule.objects.get(code="three_excellent")
    rule.params = {**rule.params, "years": 2, "amount": 2000}
    rule.save()
    (person,) = staff(county["east"], 1)
    _history(person, {2022: "excellent", 2023: "excellent"})
    assert _kinds(2023, person) == [("award", "2022—2023年度连续2年年度考核为优秀，记三等功，并给予2000元奖励")]


def test_incompetent_adjusts_and_two_running_dismiss(county):
    one, two, apart = staff(county["east"], 3)
    _history(one, {2023: "incompetent"})
    _history(two, {2022: "incompetent", 2023: "incompetent"})
    _history(apart, {2021: "incompetent", 2022: "competent", 2023: "incompetent"})
    assert _kinds(2023, one) == [("adjust", "2023年度年度考核为不称职，降低一个职务或者职级层次任职")]
    assert _kinds(2023, two) == [("dismiss", "2022—2023年度连续2年年度考核为不称职，予以辞退")]
    assert [kind for kind, _ in _kinds(2023, apart)] == ["adjust"]


def test_basic_year_is_not_counted_for_promotion(county):
    (person,) = staff(county["east"], 1)
    _history(person, {2020: "competent", 2021: "basic", 2022: "incompetent", 2023: "excellent"})
    assert [kind for kind, _ in _kinds(2021, person)] == ["not_counted"]
    assert selectors.years_counted_for_promotion(person, 2020, 2023) == 2
    assert selectors.years_counted_for_promotion(person, 2023, 2023) == 1
    assert selectors.years_counted_for_promotion(person, 2019, 2020) == 2  # a year without a grade counts
    assert selectors.years_counted_for_promotion(person, 2024, 2023) == 0


def test_apply_creates_the_award_once(county, officer_east):
    (person,) = staff(county["east"], 1)
    _history(person, {2021: "excellent", 2022: "excellent", 2023: "excellent"})
    award = services.consequence_apply(actor=officer_east, person=person, year=2023,
                                       awarded_on=dt.date(2024, 2, 1), approved_by="青岚县人民政府")
    assert (award.kind, award.name, award.reason) == (
        AwardKind.REWARD, "记三等功", "2021—2023年度连续3年年度考核为优秀")
    event = AuditEvent.objects.get(action=AssessmentAction.CONSEQUENCE_APPLIED)
    assert event.changes["amount"] == 1500
    assert selectors.consequences(2023, Person.objects.filter(pk=person.pk))[0].applied
    with pytest.raises(ValidationError, match="已落实，不能重复"):
        services.consequence_apply(actor=officer_east, person=person, year=2023, awarded_on=dt.date(2024, 2, 1))
    assert Award.objects.count() == 1
    with pytest.raises(ValidationError, match="没有需要落实的奖励"):
        services.consequence_apply(actor=officer_east, person=person, year=2022, awarded_on=dt.date(2024, 2, 1))


def test_apply_outside_the_scope_is_refused(county, officer_east, county_viewer):
    (person,) = staff(county["west"], 1)
    _history(person, {2021: "excellent", 2022: "excellent", 2023: "excellent"})
    for actor in (officer_east, county_viewer):
        with pytest.raises(PermissionDenied):
            services.consequence_apply(actor=actor, person=person, year=2023, awarded_on=dt.date(2024, 2, 1))
    assert not Award.objects.exists()
