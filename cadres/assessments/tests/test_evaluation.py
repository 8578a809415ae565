"""Comprehensive evaluation: recording, 民主测评 from the ballots, averages, ranking with ties and
the 末位 flag."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cadres.accounts.testing import person_in
from cadres.assessments import selectors, services
from cadres.assessments.actions import AssessmentAction
from cadres.assessments.models import Evaluation, EvaluationSource
from cadres.assessments.tests.conftest import staff
from cadres.audit.models import AuditEvent

OVERALL = EvaluationSource.OVERALL


def test_recording_a_source_is_audited_and_scoped(county, officer_east):
    (person,) = staff(county["east"], 1)
    row = services.evaluation_record(actor=officer_east, person=person, period=2023, source=OVERALL,
                                     score=Decimal("88.5"), text="工作扎实")
    assert row.unit_id == county["east"].pk
    event = AuditEvent.objects.get(action=AssessmentAction.EVALUATION_RECORDED)
    assert event.subject_id == str(person.pk) and event.changes["score"] == [None, "88.50"]
    services.evaluation_record(actor=officer_east, person=person, period=2023, source=OVERALL,
                               score=Decimal("88.5"), text="工作扎实")  # unchanged: no event
    assert AuditEvent.objects.filter(action=AssessmentAction.EVALUATION_RECORDED).count() == 1
    assert services.evaluation_record(actor=officer_east, person=person, period=2023, source=OVERALL) is None
    assert not Evaluation.objects.exists()
    (west,) = staff(county["west"], 1, prefix="西")
    with pytest.raises(PermissionDenied):
        services.evaluation_record(actor=officer_east, person=west, period=2023, source=OVERALL, score=Decimal(1))


def test_rating_score_comes_from_the_ballots(county):
    from cadres.ballots.models import PersonRating, Vote

    (person,) = staff(county["east"], 1)
    vote = Vote.objects.create(kind="rating", title="2023年度民主测评", expected_count=30)
    PersonRating.objects.create(person=person, vote=vote, year=2023, valid_ballots=30, shares={},
                                counts={"优秀": 12, "称职": 13, "基本称职": 3, "不称职": 2})
    assert selectors.rating_score(person, 2023) == Decimal("83.33")
    assert selectors.rating_score(person, 2022) is None
    profile = selectors.evaluation_profile(person)
    assert [(entry.year, entry.scores[EvaluationSource.RATING]) for entry in profile] == [(2023, Decimal("83.33"))]


def test_profile_averages_of_team_and_unit(county):
    east = county["east"]
    head = person_in(east, "书记", post_title="党委书记", is_team_member=True)
    deputy = person_in(east, "副镇长", post_title="副镇长", is_team_member=True)
    clerk = person_in(east, "科员", post_title="科员")
    for person, score in ((head, "90"), (deputy, "80"), (clerk, "70")):
        services.evaluation_record(actor=None, person=person, period=2023, source=OVERALL, score=Decimal(score))
    (entry,) = selectors.evaluation_profile(deputy)
    assert entry.team_average == 85.0 and entry.unit_average == 80.0
    chart = selectors.profile_chart(deputy, [entry])
    assert chart["years"] == ["2023"]
    assert chart["series"][0] == {"name": "副镇长·综合评价", "data": [80.0], "dashed": False}
    assert chart["series"][-2]["data"] == [85.0] and chart["series"][-1]["data"] == [80.0]


def test_ranking_ties_and_the_bottom_flag(county, county_viewer, officer_east):
    people = staff(county["east"], 3) + staff(county["west"], 2, prefix="西")
    (bureau,) = staff(county["water"], 1, prefix="局")
    for person, score in zip(people + [bureau], ("95", "80", "70", "80", "70", "10")):
        services.evaluation_record(actor=None, person=person, period=2023, source=OVERALL, score=Decimal(score))
    rows = selectors.evaluation_ranking(actor=county_viewer, year=2023, unit_type="乡镇")
    assert [(r.evaluation.person.name, r.rank, r.flagged) for r in rows] == [
        ("干部1", 1, False), ("干部2", 2, False), ("西1", 2, False), ("干部3", 4, True), ("西2", 4, True)]
    from cadres.cases.models import SelectionRule

    rule = SelectionRule.objects.get(code="ranking_review")
    rule.params = {"bottom": 3}
    rule.save()
    rows = selectors.evaluation_ranking(actor=county_viewer, year=2023, unit_type="乡镇")
    assert [r.flagged for r in rows] == [False, True, True, True, True]
    # scoped: the east officer sees the east township only
    rows = selectors.evaluation_ranking(actor=officer_east, year=2023, unit_type="乡镇")
    assert [r.evaluation.person.name for r in rows] == ["干部1", "干部2", "干部3"]
