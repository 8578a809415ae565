"""Tenure flags (cadres.alerts.tenure) at their boundaries: 10 years in one post, two terms,
15 years summed at one rank."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in
from cadres.alerts.tenure import tenure_findings
from cadres.alerts.tests.fixtures_exchange import county, member
from cadres.org.models import PostSource
from cadres.org.services import post_rank_change, post_start
from cadres.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return county()


def _by_rule(findings, code):
    return [finding for finding in findings if finding.rule_code == code]


def test_ten_years_in_the_same_post_exactly(units):
    person = member(units["east"], "李明", "镇长", since=dt.date(2016, 3, 1), rank="0141")
    # the day before the tenth anniversary: a warning, due the next day
    early = _by_rule(tenure_findings(Person.objects.all(), dt.date(2026, 2, 28)), "tenure_same_post")
    assert [(f.person_id, f.due_on) for f in early] == [(person.pk, dt.date(2026, 3, 1))]
    assert "将于2026.03.01满10年" in early[0].message
    # on the anniversary: 已满10年
    due = _by_rule(tenure_findings(Person.objects.all(), dt.date(2026, 3, 1)), "tenure_same_post")
    assert "已满10年，须交流" in due[0].message
    # more than warn_months (12) before: nothing
    assert _by_rule(tenure_findings(Person.objects.all(), dt.date(2025, 2, 28)), "tenure_same_post") == []
    assert len(_by_rule(tenure_findings(Person.objects.all(), dt.date(2025, 3, 1)), "tenure_same_post")) == 1


def test_two_terms_and_non_members_and_a_rank_change_continues_the_post(units):
    person = member(units["east"], "李明", "镇长", since=dt.date(2016, 6, 1), rank="0142")
    # a rank change ends the post and opens it again: the same post goes on
    post_rank_change(actor=None, assignment=person.assignments.get(ended_on__isnull=True), rank="0141",
                     changed_on=dt.date(2020, 1, 1), source=PostSource.FORM)
    member(units["east_office"], "王干事", "科员", since=dt.date(2000, 1, 1), rank="0150", team=False)
    findings = tenure_findings(Person.objects.all(), dt.date(2026, 6, 1))
    assert {(f.rule_code, f.person_id) for f in findings} == {("tenure_same_post", person.pk),
                                                              ("term_limit", person.pk)}
    term = _by_rule(findings, "term_limit")[0]
    assert term.due_on == dt.date(2026, 6, 1) and "已达2个任期" in term.message


def test_fifteen_years_at_one_rank_summed_over_two_posts(units):
    # 副科级 2011.03.01–2018.03.01 in the west township, then from 2018.03.01 in the east one
    person = person_in(units["west"], "赵强", post_title="副镇长", rank="0142", is_team_member=True,
                       post_started_on=dt.date(2011, 3, 1))
    post_start(actor=None, person=person, unit=units["east"], title="副镇长", rank="0142", is_team_member=True,
               started_on=dt.date(2018, 3, 1), source=PostSource.FORM)
    # a post at another rank before does not count
    on = dt.date(2026, 3, 1)
    level = _by_rule(tenure_findings(Person.objects.all(), on), "same_level_total")
    assert [(f.person_id, f.due_on) for f in level] == [(person.pk, on)]
    assert "已满15年" in level[0].message
    before = _by_rule(tenure_findings(Person.objects.all(), dt.date(2026, 2, 28)), "same_level_total")
    assert before[0].due_on == dt.date(2026, 3, 1) and "将于2026.03.01累计满15年" in before[0].message
    # the post in the east township alone is 8 years: no same-post flag
    assert _by_rule(tenure_findings(Person.objects.all(), on), "tenure_same_post") == []


def test_a_rule_switched_off_is_not_checked(units):
    from cadres.cases.models import SelectionRule

    member(units["east"], "李明", "镇长", since=dt.date(2010, 1, 1), rank="0141")
    SelectionRule.objects.filter(code__in=["tenure_same_post", "term_limit"]).update(is_active=False)
    assert {f.rule_code for f in tenure_findings(Person.objects.all(), dt.date(2026, 6, 1))} == {"same_level_total"}
