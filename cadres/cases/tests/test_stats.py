"""The yearly figures of selection work: counted from the nominees appointed in the year (by 任用
类型, 选任方式 and 单位类别) and from the 竞争上岗 read models; scoped to the user; the command
and the page say the same."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, user_with_role
from cadres.cases import completion, stats
from cadres.cases.models import (
    Applicant,
    ApplicantStatus,
    CaseKind,
    Competition,
    CompetitionKind,
    CompetitionPost,
    Movement,
    Nominee,
    NomineeStage,
    SelectionCase,
)
from cadres.cases.tests import test_publicity
from cadres.cases.tests.test_publicity import (
    FIVE_DAYS_END,
    case_at_publicity,
    promotable,
    published,
)

clock = test_publicity.clock   # the pinned-day fixture


def _case(unit, kind=CaseKind.INDIVIDUAL, number="2026-900"):
    return SelectionCase.objects.create(number=number, title=f"事项{number}", kind=kind, unit=unit,
                                        started_on=dt.date(2026, 1, 5))


def _appointed(case, person, movement, on=dt.date(2026, 4, 1), stage=NomineeStage.APPOINTED):
    return Nominee.objects.create(case=case, person=person, stage=stage, movement=movement, appointed_on=on)


@pytest.fixture
def year_of_work(clock, officer, county, team):
    """2026: one promotion through the whole completion (水利局, 党政工作部门), and by the records
    an exchange and a transfer in 东坑镇 (乡镇), a confirmed promotion, one appointed in 2025,
    and a 竞争上岗 in 西岭镇 with two posts, three applicants, one incumbent 落选."""
    person = promotable(county)
    case, nominee = case_at_publicity(officer, county, person)
    published(officer, case)
    clock.day = FIVE_DAYS_END + dt.timedelta(days=1)
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=clock.day, document="青委干〔2026〕31号",
                               movement=Movement.PROMOTION)
    east, west = county["east"], county["west"]
    township = _case(east)
    _appointed(township, person_in(east, "甲"), Movement.EXCHANGE)
    _appointed(township, person_in(east, "乙"), Movement.TRANSFER)
    _appointed(township, person_in(east, "丙"), Movement.PROMOTION, stage=NomineeStage.CONFIRMED)
    _appointed(township, person_in(east, "丁"), Movement.PROMOTION, on=dt.date(2025, 12, 31))
    Nominee.objects.create(case=township, person=person_in(east, "戊"), stage=NomineeStage.PROPOSED,
                           movement=Movement.PROMOTION, appointed_on=None)

    contest = _case(west, CaseKind.COMPETITIVE, "2026-901")
    competition = Competition.objects.create(case=contest, kind=CompetitionKind.COMPETITIVE,
                                             announced_on=dt.date(2026, 3, 1))
    incumbent, winner, other = person_in(west, "己"), person_in(west, "庚"), person_in(west, "辛")
    office = CompetitionPost.objects.create(competition=competition, unit=west, title="党政办主任", rank="0142")
    office.incumbents.add(incumbent)
    finance = CompetitionPost.objects.create(competition=competition, unit=west, title="财政所所长", rank="0142")
    Applicant.objects.create(post=office, person=incumbent, status=ApplicantStatus.NOT_APPOINTED)
    Applicant.objects.create(post=office, person=winner, status=ApplicantStatus.APPOINTED)
    Applicant.objects.create(post=finance, person=other, status=ApplicantStatus.NOT_APPOINTED)
    _appointed(contest, winner, Movement.PROMOTION, on=dt.date(2026, 5, 6))
    return case


def test_the_figures_of_the_year(year_of_work):
    figures = stats.selection_stats(2026)

    assert figures == {
        "year": 2026,
        "promoted": 3, "exchanged": 1, "transferred": 1, "appointed_total": 5,
        "by_method": {"个别提拔任用": 4, "竞争上岗": 1},
        "by_unit_type": {"乡镇": 4, "党政工作部门": 1},
        "competitive": {"units": 1, "posts": 2, "applicants": 3, "appointed": 1, "not_reappointed": 1},
    }
    assert stats.selection_stats(2025)["promoted"] == 1
    assert stats.selection_stats(2025)["competitive"]["units"] == 0


def test_the_figures_are_scoped_to_the_user(year_of_work, county):
    east_reader = user_with_role("leader", managed=[county["east"]])
    figures = stats.selection_stats(2026, user=east_reader)
    assert (figures["promoted"], figures["exchanged"], figures["transferred"]) == (1, 1, 1)
    assert figures["competitive"]["units"] == 0
    nobody = user_with_role("unit_clerk", maintained=[county["east"]])
    assert stats.selection_stats(2026, user=nobody)["appointed_total"] == 0


def test_the_command_prints_the_figures(year_of_work):
    out = io.StringIO()
    call_command("selection_stats", "--year", "2026", "--json", stdout=out)
    assert json.loads(out.getvalue()) == stats.selection_stats(2026)

    out = io.StringIO()
    call_command("selection_stats", "--year", "2026", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "2026年，共提拔任用干部3名，交流1名，同级领导职务转任重要领导岗位1名；1家单位开展竞争上岗，"
        "竞聘的中层职位2个，参加竞聘有3人，重新任命了1名中层干部，1名原中层干部落选。")


def test_the_page_shows_the_same(year_of_work, client, officer):
    sign_in(client, officer)
    page = client.get(reverse("cases:stats"), {"year": "2026"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "共提拔任用干部3名，交流1名，同级领导职务转任重要领导岗位1名" in body
    assert "党政工作部门" in body and "竞争上岗" in body
    assert "共提拔任用干部0名" in client.get(reverse("cases:stats"), {"year": "2020"}).content.decode()
