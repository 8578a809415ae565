"""Who must report and the warnings: the deadline and the days before it, the ranks, people who
left, new appointees, the rule's numbers as data, the scope, and a constant number of queries."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in
from cadres.alerts.warnings import PERSONAL_MATTERS, warnings_for
from cadres.cases.models import SelectionRule
from cadres.org.models import PostSource, Unit
from cadres.org.services import post_end, post_rank_change, post_start
from cadres.supervision import selectors
from cadres.supervision.models import PersonalMattersReport, ReportKind
from cadres.supervision.tests.conftest import cadre

pytestmark = pytest.mark.django_db

D = dt.date
DEADLINE = D(2026, 1, 31)  # of the yearly report on 2025


def findings(on, people=None):
    from cadres.people.models import Person

    return selectors.overdue_findings(people if people is not None else Person.objects.all(), on)


def by_person(found):
    return {finding.person_id: finding for finding in found}


def annual(person, year=2025):
    return PersonalMattersReport.objects.create(person=person, year=year, kind=ReportKind.ANNUAL,
                                                submitted_on=D(year + 1, 1, 20))


def set_params(**values):
    row = SelectionRule.objects.get(code="personal_matters_due")
    row.params = {**row.params, **values}
    row.save()


def test_the_deadline_itself_is_due_soon_and_the_day_after_overdue(county):
    # given: a 副县级 without the yearly report on 2025
    head = cadre(county["water"], "李局长")
    # when / then: on the deadline, due soon
    due = by_person(findings(DEADLINE))[head.pk]
    assert due.key == f"personal_matters:due:{head.pk}:2025"
    assert due.message == "李局长应于2026.01.31前报告2025年度个人有关事项，尚未报告"
    assert due.due_on == DEADLINE and due.rule_code == "personal_matters_due" and due.kind == PERSONAL_MATTERS
    assert due.unit_id == county["water"].pk and due.url == "/supervision/personal-matters/?year=2025"
    # the day after, overdue
    late = by_person(findings(DEADLINE + dt.timedelta(days=1)))[head.pk]
    assert late.key == f"personal_matters:overdue:{head.pk}:2025"
    assert late.message == "李局长未在2026.01.31前报告2025年度个人有关事项，已逾期"
    # a report in: nothing
    annual(head)
    assert head.pk not in by_person(findings(DEADLINE + dt.timedelta(days=1)))
    # a report on another year does not count
    PersonalMattersReport.objects.filter(person=head).update(year=2024)
    assert head.pk in by_person(findings(DEADLINE + dt.timedelta(days=1)))


def test_due_soon_starts_warn_days_before_the_deadline_read_from_the_rule(county):
    # given: a deadline of 3月31日 (as data), 30 days' warning from 2026-03-01
    head = cadre(county["water"], "李局长")
    set_params(month=3, day=31)
    assert head.pk not in by_person(findings(D(2026, 2, 28)))  # 31 days before
    assert by_person(findings(D(2026, 3, 1)))[head.pk].key.startswith("personal_matters:due:")
    set_params(warn_days=10)
    assert head.pk not in by_person(findings(D(2026, 3, 20)))  # 11 days before
    assert head.pk in by_person(findings(D(2026, 3, 21)))


def test_only_the_rules_ranks_report_and_people_who_left_do_not(county):
    deputy = cadre(county["water"], "副县", rank="0132")
    head = cadre(county["water"], "正县", rank="0131")
    section = cadre(county["water"], "正科", rank="0141")
    gone = cadre(county["east"], "离任", rank="0131")
    post_end(actor=None, assignment=gone.assignments.get(), ended_on=D(2025, 6, 30), source=PostSource.FORM)
    gone.refresh_from_db()
    assert gone.left_on == D(2025, 6, 30)
    on = D(2026, 3, 1)
    assert set(selectors.required_people(on).values_list("pk", flat=True)) == {deputy.pk, head.pk}
    assert set(by_person(findings(on))) == {deputy.pk, head.pk}
    # the ranks are data: 正科 added
    set_params(ranks=["0131", "0132", "0141"])
    assert section.pk in by_person(findings(on))
    # no ranks at all: nobody
    set_params(ranks=[])
    assert findings(on) == []


def test_someone_who_reached_the_ranks_after_the_year_is_not_asked_for_it(county):
    # given: promoted from 正科 to 副县 in 2026 (after the year 2025 reported on)
    promoted = cadre(county["water"], "新提拔", rank="0141")
    post_rank_change(actor=None, assignment=promoted.assignments.get(), rank="0132", changed_on=D(2026, 2, 10),
                     source=PostSource.FORM)
    # and one transferred in 2026 between posts at 副县 (held one since 2015)
    moved = cadre(county["east"], "平级交流")
    post_start(actor=None, person=moved, unit=county["water"], title="副局长", rank="0132",
               started_on=D(2026, 2, 10), source=PostSource.FORM)
    on = D(2026, 6, 1)
    required = set(selectors.required_people(on).values_list("pk", flat=True))
    assert promoted.pk not in required
    assert moved.pk in required


def test_a_new_appointee_is_due_within_new_days_until_the_new_report(county):
    on = D(2026, 6, 1)
    fresh = person_in(county["water"], "新任", rank="0141", post_started_on=D(2020, 1, 1))
    post_start(actor=None, person=fresh, unit=county["water"], title="副局长", rank="0132",
               started_on=D(2026, 5, 3), source=PostSource.FORM)   # 29 days before: due
    older = person_in(county["water"], "较早", rank="0141", post_started_on=D(2020, 1, 1))
    post_start(actor=None, person=older, unit=county["water"], title="副局长", rank="0132",
               started_on=D(2026, 5, 2), source=PostSource.FORM)   # 30 days before: not "less than"
    moved = cadre(county["east"], "平级交流")
    post_start(actor=None, person=moved, unit=county["water"], title="副局长", rank="0132",
               started_on=D(2026, 5, 20), source=PostSource.FORM)  # a transfer at the ranks: not new
    found = {f.person_id: f for f in findings(on) if f.key.startswith("personal_matters:new:")}
    assert set(found) == {fresh.pk}
    assert found[fresh.pk].due_on == D(2026, 6, 2)
    assert found[fresh.pk].message == "新任2026.05.03任副县级，应于2026.06.02前提交新任报告，尚未报告"
    # a 新任报告 from before the start does not count; one after it does
    PersonalMattersReport.objects.create(person=fresh, year=2026, kind=ReportKind.NEW, submitted_on=D(2026, 5, 1))
    assert any(f.person_id == fresh.pk and ":new:" in f.key for f in findings(on))
    PersonalMattersReport.objects.create(person=fresh, year=2026, kind=ReportKind.NEW, submitted_on=D(2026, 5, 10))
    assert not any(f.person_id == fresh.pk and ":new:" in f.key for f in findings(on))
    # new_days is data
    set_params(new_days=40)
    assert any(f.person_id == older.pk and ":new:" in f.key for f in findings(on))


def test_the_warnings_are_the_actors_scope(county, monitor):
    water = cadre(county["water"], "水利")
    east = cadre(county["east"], "东坑")
    on = D(2026, 3, 1)
    mine = warnings_for(actor=monitor, on=on, kinds=[PERSONAL_MATTERS])
    assert {f.person_id for f in mine} == {east.pk}
    everything = warnings_for(actor=None, on=on, kinds=[PERSONAL_MATTERS])
    assert {f.person_id for f in everything} == {water.pk, east.pk}
    narrowed = warnings_for(actor=None, on=on, kinds=[PERSONAL_MATTERS], units=[county["water"]])
    assert {f.person_id for f in narrowed} == {water.pk}


def test_the_number_of_queries_does_not_grow_with_the_people(county, django_assert_max_num_queries):
    from cadres.people.models import Person

    for index in range(3):
        cadre(county["water"], f"甲{index}")
    cadre(county["water"], "丙", started=D(2026, 2, 20))  # a new appointee
    with django_assert_max_num_queries(6) as few:
        assert len(findings(D(2026, 3, 1))) == 3 + 1
    units = [Unit.objects.create(name=f"单位{i}", path=f"青岚县/单位{i}", parent=county["top"], depth=1)
             for i in range(5)]
    for index in range(40):
        cadre(units[index % 5], f"乙{index}", started=D(2026, 2, 20) if index % 4 == 0 else D(2015, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        result = findings(D(2026, 3, 1), Person.objects.all())
    assert len([f for f in result if ":overdue:" in f.key]) == 3 + 30
    assert len([f for f in result if ":new:" in f.key]) == 1 + 10
