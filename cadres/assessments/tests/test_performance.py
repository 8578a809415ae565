"""Target-performance scores: ranking with ties, tiers at their boundaries, targets missed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cadres.assessments import selectors, services
from cadres.assessments.models import PerformanceScore
from cadres.org.models import Unit


def test_competition_ranks_share_and_skip():
    scores = [Decimal(x) for x in ("90", "80", "80", "70", "95")]
    assert selectors.competition_ranks(scores) == [2, 3, 3, 5, 1]


def test_tiers_at_their_boundaries(db):
    tiers = selectors.tiers(2023)
    assert [(t.name, t.top, t.amount) for t in tiers] == [
        ("一等奖", 3, 4000), ("二等奖", 8, 3000), ("三等奖", 15, 2000)]
    assert selectors.tier_for(3, tiers).name == "一等奖"
    assert selectors.tier_for(4, tiers).name == "二等奖"
    assert selectors.tier_for(8, tiers).name == "二等奖"
    assert selectors.tier_for(15, tiers).name == "三等奖"
    assert selectors.tier_for(16, tiers) is None


@pytest.fixture
def townships(county):
    top = county["top"]
    units = [county["east"], county["west"]]
    for index in range(3, 6):
        units.append(Unit.objects.create(name=f"第{index}镇", path=f"青岚县/第{index}镇", parent=top, depth=1,
                                         unit_type="乡镇"))
    return units


def test_scores_are_ranked_with_ties_sharing_the_tier(townships):
    from cadres.cases.models import SelectionRule

    rule = SelectionRule.objects.get(code="performance_tiers")
    rule.params = {"tiers": [{"name": "一等奖", "top": 2, "amount": 4000},
                             {"name": "二等奖", "top": 4, "amount": 3000}]}
    rule.save()
    values = ["96", "92.5", "92.5", "88", "80"]
    services.scores_enter(actor=None, year=2023, group="乡镇", scores={
        unit: (Decimal(value), True) for unit, value in zip(townships, values)})
    rows = {row.unit.name: row for row in PerformanceScore.objects.filter(year=2023)}
    assert [(rows[u.name].rank, rows[u.name].tier) for u in townships] == [
        (1, "一等奖"), (2, "一等奖"), (2, "一等奖"), (4, "二等奖"), (5, "")]
    assert rows["东坑镇"].award_per_person == Decimal("4000")
    assert rows["第5镇"].award_per_person is None
    # a changed score re-ranks the whole group
    services.scores_enter(actor=None, year=2023, group="乡镇", scores={townships[4]: (Decimal("99"), True)})
    assert PerformanceScore.objects.get(unit=townships[4]).rank == 1
    assert PerformanceScore.objects.get(unit=townships[3]).tier == ""


def test_scores_outside_the_scope_are_refused(townships, officer_east):
    with pytest.raises(PermissionDenied):
        services.scores_enter(actor=officer_east, year=2023, group="乡镇",
                              scores={townships[1]: (Decimal("90"), True)})
    services.scores_enter(actor=officer_east, year=2023, group="乡镇", scores={townships[0]: (Decimal("90"), True)})
    assert PerformanceScore.objects.get().rank == 1


def test_targets_missed_two_years_running(county):
    from cadres.accounts.testing import person_in

    east, west = county["east"], county["west"]
    head = person_in(east, "李书记", post_title="党委书记", is_team_member=True)
    person_in(east, "副镇长甲", post_title="副镇长", is_team_member=True)
    from cadres.plans.models import PrincipalTitle
    PrincipalTitle.objects.get_or_create(title="党委书记")
    for year, east_met, west_met in ((2022, False, False), (2023, False, True)):
        services.scores_enter(actor=None, year=year, group="乡镇",
                              scores={east: (Decimal("70"), east_met), west: (Decimal("80"), west_met)})
    assert selectors.targets_missed_findings(2022) == []  # one year only
    findings = selectors.targets_missed_findings(2023)
    assert [(f.unit_id, f.person_id) for f in findings] == [(east.pk, None), (east.pk, head.pk)]
    assert findings[0].message == "东坑镇2022—2023年度连续2年未完成目标任务"
    assert "李书记（党委书记）为领导班子主要负责人" in findings[1].message
    assert selectors.targets_missed_findings(2023, Unit.objects.filter(pk=west.pk)) == []
