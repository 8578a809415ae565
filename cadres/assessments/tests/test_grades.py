"""Annual grades entered for a unit at once, and the 优秀 quota at its boundaries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.assessments import selectors, services
from cadres.assessments.actions import AssessmentAction
from cadres.assessments.tests.conftest import YEAR, staff
from cadres.audit.models import AuditEvent
from cadres.records.actions import RecordsAction
from cadres.records.models import AnnualAssessment

E, C, U = "excellent", "competent", "ungraded"


def test_quota_boundary_is_inclusive():
    assert not selectors.quota_exceeded(2, 10, 20)          # exactly 20%
    assert not selectors.quota_exceeded(2000, 10000, 20)    # 20.00%
    assert selectors.quota_exceeded(2001, 10000, 20)        # 20.01%
    assert not selectors.quota_exceeded(3, 12, Decimal("25"))
    assert selectors.quota_exceeded(1, 0, 20)               # one 优秀 and nobody graded: above


def _grades(people, *values):
    return {person.pk: value for person, value in zip(people, values)}


def test_unit_grades_at_exactly_20_percent_are_saved_with_one_event_each(county, officer_east):
    people = staff(county["east"], 10)
    changed = services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                                    grades=_grades(people, E, E, *[C] * 8))
    assert changed == 10
    assert AnnualAssessment.objects.filter(year=YEAR, grade=E).count() == 2
    per_person = AuditEvent.objects.filter(action=RecordsAction.ASSESSMENT_CREATED)
    assert per_person.count() == 10
    assert {event.subject_id for event in per_person} == {str(p.pk) for p in people}
    unit_event = AuditEvent.objects.get(action=AssessmentAction.GRADES_ENTERED)
    assert (unit_event.subject_type, unit_event.subject_id) == ("org.unit", str(county["east"].pk))
    assert unit_event.changes["counts"]["优秀"] == 2
    assert unit_event.changes["quota"] == "优秀2人，占参加考核人数10人的20%，未超过20%"
    # nothing changed: no per-person events, one unit event
    assert services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                                 grades=_grades(people, E, E, *[C] * 8)) == 0
    assert per_person.count() == 10


def test_above_the_quota_is_refused_naming_the_figures(county, officer_east):
    people = staff(county["east"], 12)
    with pytest.raises(ValidationError) as refused:
        services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                              grades=_grades(people, E, E, E, *[C] * 9))
    assert refused.value.messages[0].startswith("优秀3人，占参加考核人数12人的25%，超过20%")
    assert not AnnualAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action=AssessmentAction.GRADES_ENTERED).exists()


def test_ungraded_people_are_not_in_the_base(county, officer_east):
    people = staff(county["east"], 11)
    # 2 of 10 graded (20%) plus one 不定等次 (试用期): allowed; with him counted it would not matter,
    # but 3 of 11 graded people with one 不定等次 makes 3 of 10: refused.
    services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                          grades=_grades(people, E, E, U, *[C] * 8))
    with pytest.raises(ValidationError, match="优秀3人，占参加考核人数10人的30%"):
        services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                              grades=_grades(people, E, E, U, E))


def test_an_approval_allows_up_to_its_percent(county, officer_east):
    people = staff(county["east"], 12)
    with pytest.raises(ValidationError, match="超过批准上限25%"):
        services.quota_approve(actor=officer_east, unit=county["east"], year=YEAR, percent="25.01",
                               document="青组〔2024〕3号", approved_on=dt.date(2024, 1, 10))
    services.quota_approve(actor=officer_east, unit=county["east"], year=YEAR, percent=25,
                           document="青组〔2024〕3号", approved_on=dt.date(2024, 1, 10))
    services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                          grades=_grades(people, E, E, E, *[C] * 9))  # 25%: allowed
    assert AnnualAssessment.objects.filter(grade=E).count() == 3
    with pytest.raises(ValidationError, match="优秀4人，占参加考核人数12人的33.33%，超过25%"):
        services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR, grades={people[3].pk: E})
    assert AuditEvent.objects.filter(action=AssessmentAction.QUOTA_APPROVED).count() == 1


def test_the_rule_percent_is_data(county, officer_east):
    from cadres.cases.models import SelectionRule

    rule = SelectionRule.objects.get(code="excellent_quota")
    rule.params = {**rule.params, "percent": 15}
    rule.save()
    people = staff(county["east"], 10)
    with pytest.raises(ValidationError, match="超过15%"):
        services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                              grades=_grades(people, E, E, *[C] * 8))


def test_grades_outside_the_unit_or_scope_are_refused(county, officer_east, county_viewer, clerk):
    east = staff(county["east"], 2)
    west = staff(county["west"], 2, prefix="西")
    with pytest.raises(ValidationError, match="不是东坑镇2023年末在职人员"):
        services.grades_enter(actor=officer_east, unit=county["east"], year=YEAR,
                              grades={east[0].pk: C, west[0].pk: C})
    with pytest.raises(PermissionDenied):
        services.grades_enter(actor=officer_east, unit=county["west"], year=YEAR, grades={west[0].pk: C})
    with pytest.raises(PermissionDenied):  # views the county, maintains nothing
        services.grades_enter(actor=county_viewer, unit=county["east"], year=YEAR, grades={east[0].pk: C})
    with pytest.raises(PermissionDenied):  # maintains the township, no assessment code
        services.grades_enter(actor=clerk, unit=county["east"], year=YEAR, grades={east[0].pk: C})
    assert not AnnualAssessment.objects.exists()


def test_people_in_post_at_the_year_end_only(county, officer_east):
    from cadres.accounts.testing import person_in

    staff(county["east"], 2)
    newcomer = person_in(county["east"], "新来", post_started_on=dt.date(YEAR + 1, 3, 1))
    names = [p.name for p in selectors.unit_people(actor=officer_east, unit=county["east"], year=YEAR)]
    assert names and newcomer.name not in names
    assert newcomer.name in [p.name for p in selectors.unit_people(actor=officer_east, unit=county["east"],
                                                                   year=YEAR + 1)]


def test_excellent_quota_findings(county, officer_east):
    people = staff(county["east"], 5)
    services.grades_enter(actor=None, unit=county["east"], year=YEAR, grades=_grades(people, E, *[C] * 4))
    assert selectors.excellent_quota_findings(YEAR) == []
    # written past the check (an older record): the warning names the figures
    AnnualAssessment.objects.filter(person=people[1]).update(grade=E)
    findings = selectors.excellent_quota_findings(YEAR)
    assert [f.message for f in findings] == ["东坑镇2023年度优秀2人，占参加考核人数5人的40%，超过20%"]
    assert findings[0].unit_id == county["east"].pk and findings[0].rule_code == "excellent_quota"
    from cadres.org.models import Unit
    assert selectors.excellent_quota_findings(YEAR, Unit.objects.filter(pk=county["west"].pk)) == []
