"""The team effect of a nominee: the water bureau's team (李局长 56, 王副局长 41, 陈副局长 39 女)
before and after adding a nominee, its plan targets met or not, and avoidance conflicts."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in
from cadres.cases.models import CaseKind, CasePost, Nominee
from cadres.cases.services import case_create, nominee_add
from cadres.cases.team_effect import team_effect
from cadres.org.models import Unit
from cadres.people.models import Relative
from cadres.plans.models import PlanTarget

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 1)


@pytest.fixture
def nominee(county: dict[str, Unit], team: dict[str, Any], officer: Any) -> Nominee:
    """A woman of the 党外, 32, proposed as 副局长 of the water bureau."""
    woman = person_in(county["east"], "周副镇长", post_title="副镇长", rank="0142", is_team_member=True,
                      post_started_on=dt.date(2023, 1, 1), birth_date=dt.date(1994, 1, 1), sex="2",
                      political_status="12", ethnicity="01", full_time_education="20")
    case = case_create(actor=officer, title="县水利局副局长", kind=CaseKind.INDIVIDUAL, unit=county["water"],
                       started_on=dt.date(2026, 5, 1),
                       posts=[{"unit": county["water"], "title": "副局长", "rank": "0142", "is_team_member": True}])
    post = CasePost.objects.get(case=case)
    return nominee_add(actor=officer, case=case, person=woman, post=post)


def test_before_and_after(nominee: Nominee, team: dict[str, Any]) -> None:
    effect = team_effect(nominee, ON)
    before, after = effect["before"], effect["after"]
    assert (before["total"], after["total"]) == (3, 4)
    # Ages on 2026.06.01: 56, 43, 41 → 46.67; with 32 → 43.0.
    assert (before["average_age"], after["average_age"]) == (46.67, 43.0)
    assert before["figures"]["women"]["count"] == 1 and after["figures"]["women"]["count"] == 2
    assert after["figures"]["women"]["percent"] == 50.0
    assert (before["figures"]["non_party"]["count"], after["figures"]["non_party"]["count"]) == (0, 1)
    assert before["age_bands"] == {"41—45岁": 2, "56岁以上": 1}
    assert after["age_bands"] == {"31—35岁": 1, "41—45岁": 2, "56岁以上": 1}
    assert effect["conflicts"] == []


def test_targets_met_before_and_after(nominee: Nominee, county: dict[str, Unit]) -> None:
    women = PlanTarget.objects.create(plan_name="十四五", scope=PlanTarget.Scope.EACH_TEAM, unit_type="党政工作部门",
                                      measure=PlanTarget.Measure.WOMEN, threshold_kind=PlanTarget.ThresholdKind.COUNT,
                                      threshold=Decimal("2"))
    young = PlanTarget.objects.create(plan_name="十四五", scope=PlanTarget.Scope.SUBTREE, unit=county["water"],
                                      measure=PlanTarget.Measure.AGE_AT_MOST, age=35,
                                      threshold_kind=PlanTarget.ThresholdKind.COUNT, threshold=Decimal("1"))
    PlanTarget.objects.create(plan_name="十四五", scope=PlanTarget.Scope.EACH_TEAM, unit_type="乡镇",
                              measure=PlanTarget.Measure.WOMEN, threshold_kind=PlanTarget.ThresholdKind.COUNT,
                              threshold=Decimal("1"))
    effect = team_effect(nominee, ON)
    results = {row["target"].pk: row for row in effect["targets"]}
    assert set(results) == {women.pk, young.pk}   # not the townships' target
    assert results[women.pk]["before"] == {"count": 1, "required": 2, "headcount": 3, "met": False}
    assert results[women.pk]["after"] == {"count": 2, "required": 2, "headcount": 4, "met": True}
    assert (results[young.pk]["before"]["met"], results[young.pk]["after"]["met"]) == (False, True)


def test_an_avoidance_conflict_shows(nominee: Nominee, team: dict[str, Any]) -> None:
    director = team["director"]
    Relative.objects.create(person=nominee.person, relation="父亲", name=director.name,
                            birth_date=director.birth_date)
    effect = team_effect(nominee, ON)
    assert len(effect["conflicts"]) == 1
    assert "李局长（父亲，县水利局局长）在同一单位任职" in effect["conflicts"][0].message


def test_the_case_page_shows_it(client: Any, nominee: Nominee, officer: Any) -> None:
    sign_in(client, officer)
    page = client.get(reverse("cases:case_detail", args=[nominee.case_id])).content.decode()
    assert f'id="team-effect-{nominee.pk}"' in page
    assert "周副镇长 → 县水利局副局长" in page
