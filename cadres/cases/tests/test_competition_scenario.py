"""The 竞争上岗 of the documents run through the system (see scenario.py): 11 units, 85 posts,
286 applicants; the system's own review and ranking appoint 67 and move 9 incumbents off their
posts (落选), and the structure report and the yearly figures follow."""

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from cadres.analytics.selectors import structure_report
from cadres.cases import competition as services
from cadres.cases.models import Applicant, ApplicantStatus, Movement, Nominee, NomineeStage
from cadres.cases.tests import scenario as sc
from cadres.org.models import Unit
from cadres.org.selectors import posts_held_on

pytestmark = pytest.mark.django_db


def test_the_documents_competition(county: dict[str, Unit], officer: Any) -> None:
    """One build (about 8 s on SQLite), every figure checked on it."""
    built = sc.build(actor=officer, parent=county["top"])
    check_inputs(built)
    result = services.competition_conclude(actor=officer, competition=built.competition,
                                           appointed_on=sc.APPOINTED_ON, document=sc.DOCUMENT)
    check_appointed_and_not_reappointed(built, result)
    check_structure_report(built, officer, county)
    check_yearly_figures()


def check_inputs(built: sc.Scenario) -> None:
    assert len(built.units) == 11
    assert built.competition.posts.count() == 85
    applicants = Applicant.objects.filter(post__competition=built.competition)
    assert applicants.count() == 286
    assert applicants.values("person").distinct().count() == 286
    # Inspected: one per post with someone at or above the 最低综合成绩, i.e. the 67 filled posts.
    assert applicants.filter(status=ApplicantStatus.INSPECTED).count() == 67
    assert applicants.filter(status=ApplicantStatus.INELIGIBLE).filter(
        eligibility_notes__contains="超过40岁").count() >= 30


def check_appointed_and_not_reappointed(built: sc.Scenario, result: services.Conclusion) -> None:
    day_before = sc.APPOINTED_ON - dt.timedelta(days=1)
    assert len(result.appointed) == 67
    assert len(result.not_reappointed) == 9
    nominees = Nominee.objects.filter(case=built.case, stage=NomineeStage.APPOINTED,
                                      appointed_on=sc.APPOINTED_ON, appointment_document=sc.DOCUMENT)
    assert nominees.count() == 67
    # The 25 kept incumbents are reappointed to the post they held; the 42 others promoted.
    assert nominees.filter(movement=Movement.OTHER).count() == 25
    assert nominees.filter(movement=Movement.PROMOTION).count() == 42
    # The people holding the 85 posts on the day: exactly the 67 appointed.
    held = posts_held_on(sc.APPOINTED_ON, units=built.units).filter(rank=sc.POST_RANK)
    assert set(held.values_list("person_id", flat=True)) == set(nominees.values_list("person_id", flat=True))
    assert set(held.values_list("start_document", flat=True)) == {sc.DOCUMENT}
    # The day before, the 34 incumbents held them.
    before = posts_held_on(day_before, units=built.units).filter(rank=sc.POST_RANK)
    assert set(before.values_list("person_id", flat=True)) == {p.pk for p in built.incumbents.values()}
    # 落选: the incumbents of the lost and unfilled-with-incumbent posts, their posts ended.
    expected = {built.incumbents[post_id].pk for post_id, kind in built.kinds.items()
                if kind in ("lost", "low_incumbent")}
    assert {person.pk for person in result.not_reappointed} == expected
    assert {person.pk for person in services.not_reappointed(built.competition)} == expected
    for person in result.not_reappointed:
        person.refresh_from_db()
        assert person.left_on == sc.APPOINTED_ON
    applicants = Applicant.objects.filter(post__competition=built.competition)
    assert applicants.filter(status=ApplicantStatus.APPOINTED).count() == 67
    assert not applicants.filter(status__in=(ApplicantStatus.ELIGIBLE, ApplicantStatus.RANKED,
                                             ApplicantStatus.INSPECTED)).exists()


def check_structure_report(built: sc.Scenario, officer: Any, county: dict[str, Unit]) -> None:
    day_before = sc.APPOINTED_ON - dt.timedelta(days=1)
    totals_before = totals_after = 0
    for unit in built.units:
        before = structure_report(actor=officer, as_of=day_before, unit=unit, team_members_only=False)
        after = structure_report(actor=officer, as_of=sc.APPOINTED_ON, unit=unit, team_members_only=False)
        gone = sum(1 for post_id, kind in built.kinds.items()
                   if kind in ("lost", "low_incumbent") and built.incumbents[post_id].unit_id == unit.pk)
        assert before["total"] - after["total"] == gone, unit.name
        totals_before += before["total"]
        totals_after += after["total"]
    assert (totals_before, totals_after) == (286, 277)
    whole_before = structure_report(actor=officer, as_of=day_before, unit=county["top"], team_members_only=False)
    whole_after = structure_report(actor=officer, as_of=sc.APPOINTED_ON, unit=county["top"], team_members_only=False)
    # 副科级: the 34 incumbents before, the 67 appointed after; 科员 the rest.
    assert whole_before["rank"]["副科级"]["count"] - whole_after["rank"]["副科级"]["count"] == 34 - 67
    assert whole_before["rank"]["科员"]["count"] - whole_after["rank"]["科员"]["count"] == 42
    assert whole_before["total"] - whole_after["total"] == 9


def check_yearly_figures() -> None:
    """`selection_stats` and `cadres selection-stats` (cadres.cases.stats, another helper's)."""
    from cadres.cases import stats

    figures = stats.selection_stats(2024)["competitive"]
    expected = {"units": 11, "posts": 85, "applicants": 286, "appointed": 67, "not_reappointed": 9}
    assert {key: figures[key] for key in expected} == expected
    out = io.StringIO()
    call_command("selection_stats", "--year", "2024", "--json", stdout=out)
    printed = json.loads(out.getvalue())["competitive"]
    assert {key: printed[key] for key in expected} == expected
