"""The structure report at a date counts the people in post on that date, from the post history,
with the rank and unit they had then (issue 8, item 1)."""

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from cadres.analytics.selectors import structure_report
from cadres.core import codes
from cadres.core.dates import age_on
from cadres.core.measures import percent
from cadres.org import services as org_services
from cadres.org.models import Assignment, PostSource, Unit
from cadres.people.models import Person

pytestmark = pytest.mark.django_db

SOURCE = PostSource.FORM
DEPUTY_SECTION = "0142"  # 副科级
MEMBER = "0150"  # 科员
SECTION = "0141"  # 正科级


def _unit(path: str) -> Unit:
    parent_path, _, name = path.rpartition("/")
    parent = Unit.objects.get(path=parent_path) if parent_path else None
    return Unit.objects.create(name=name, path=path, parent=parent, depth=path.count("/"))


def _person(
    unit: Unit, *, name: str, born: dt.date, started_on: dt.date | None, rank: str = MEMBER,
    team: bool = False, sex: str = "1", ethnicity: str = "01", work_started_on: dt.date | None = None,
) -> Person:
    """A cadre appointed to a first post through the org services."""
    return org_services.person_create(
        actor=None, unit=unit, title="科员", rank=rank, is_team_member=team,
        started_on=started_on, source=SOURCE,
        fields={"name": name, "sex": sex, "ethnicity": ethnicity, "birth_date": born,
                "political_status": "01", "highest_education": "20",
                "full_time_education": "20", "work_started_on": work_started_on},
    )


def _report(actor: Any, as_of: dt.date, **options: Any) -> dict[str, Any]:
    options.setdefault("unit", None)
    options.setdefault("team_members_only", False)
    return structure_report(actor=actor, as_of=as_of, **options)


def _ranks(report: dict[str, Any]) -> dict[str, int]:
    return {name: item["count"] for name, item in report["rank"].items()}


def test_a_person_appointed_in_2015_is_absent_in_2010_and_present_in_2016_with_his_rank_then(
    officer,
):
    # given: a colleague in post since 2000; Wang appointed 科员 in 2015, 副科级 from 2018
    office = _unit("某县")
    _person(office, name="老李", born=dt.date(1970, 1, 1), started_on=dt.date(2000, 1, 1),
            rank=SECTION)
    wang = _person(office, name="小王", born=dt.date(1990, 5, 1), started_on=dt.date(2015, 3, 1))
    org_services.post_rank_change(
        actor=None, assignment=Assignment.objects.get(person=wang), rank=DEPUTY_SECTION,
        changed_on=dt.date(2018, 1, 1), source=SOURCE,
    )

    # when
    at_2010 = _report(officer, dt.date(2010, 6, 30))
    at_2016 = _report(officer, dt.date(2016, 6, 30))
    today = _report(officer, dt.date(2026, 1, 1))
    scoped_2016 = _report(officer, dt.date(2016, 6, 30), unit=office)

    # then
    assert at_2010["total"] == 1
    assert _ranks(at_2010) == {"正科级": 1}
    assert at_2016["total"] == 2
    assert _ranks(at_2016) == {"正科级": 1, "科员": 1}
    assert at_2016["age_histogram"] == {"26": 1, "46": 1}
    assert scoped_2016 == at_2016
    assert _ranks(today) == {"正科级": 1, "副科级": 1}


def test_a_person_who_left_before_the_date_is_not_counted(officer):
    # given: Zhao held a post 2000–2008 and has none since; Qian is in post throughout
    office = _unit("某县")
    zhao = _person(office, name="老赵", born=dt.date(1955, 1, 1), started_on=dt.date(2000, 1, 1))
    _person(office, name="老钱", born=dt.date(1965, 1, 1), started_on=dt.date(1995, 1, 1))
    org_services.post_end(actor=None, assignment=Assignment.objects.get(person=zhao),
                          ended_on=dt.date(2008, 1, 1), source=SOURCE)

    # when
    at_2005 = _report(officer, dt.date(2005, 1, 1))
    at_2010 = _report(officer, dt.date(2010, 1, 1))
    on_the_day = _report(officer, dt.date(2008, 1, 1))
    scoped_2010 = _report(officer, dt.date(2010, 1, 1), unit=office)

    # then: the record still places Zhao in the office, but he was gone
    assert Person.objects.get(pk=zhao.pk).unit == office
    assert at_2005["total"] == 2
    assert at_2010["total"] == on_the_day["total"] == scoped_2010["total"] == 1


def test_a_post_without_a_start_counts_from_the_work_start(officer):
    # given: no 任现职时间; one started work in 2003, one has no 参加工作时间 either
    office = _unit("某县")
    _person(office, name="甲", born=dt.date(1980, 1, 1), started_on=None,
            work_started_on=dt.date(2003, 8, 1))
    _person(office, name="乙", born=dt.date(1981, 1, 1), started_on=None)

    # when / then
    assert _report(officer, dt.date(2003, 7, 31))["total"] == 1
    assert _report(officer, dt.date(2003, 8, 1))["total"] == 2


def test_a_concurrent_team_post_counts_the_person_on_the_other_units_team(officer):
    # given: 周 is 副科级 in the office (main post, not a team member) and, from 2012, holds a
    # concurrent team post in the town (兼任)
    county = _unit("某县")
    office = _unit("某县/办公室")
    town = _unit("某县/东镇")
    zhou = _person(office, name="周", born=dt.date(1975, 1, 1), started_on=dt.date(2005, 1, 1),
                   rank=DEPUTY_SECTION)
    _person(town, name="镇长", born=dt.date(1970, 1, 1), started_on=dt.date(2005, 1, 1),
            rank=SECTION, team=True)
    org_services.post_start(
        actor=None, person=zhou, unit=town, title="党委委员", rank=MEMBER, is_team_member=True,
        started_on=dt.date(2012, 1, 1), is_main=False, source=SOURCE,
    )

    # when
    town_team = _report(officer, dt.date(2015, 1, 1), unit=town, team_members_only=True)
    town_team_before = _report(officer, dt.date(2010, 1, 1), unit=town, team_members_only=True)
    office_team = _report(officer, dt.date(2015, 1, 1), unit=office, team_members_only=True)
    town_everyone = _report(officer, dt.date(2015, 1, 1), unit=town)
    county_team = _report(officer, dt.date(2015, 1, 1), unit=county, team_members_only=True)

    # then: on the town's team with the rank of his main post, counted once in the county
    assert town_team["total"] == 2
    assert _ranks(town_team) == {"正科级": 1, "副科级": 1}
    assert town_team_before["total"] == 1
    assert office_team["total"] == 0
    assert town_everyone["total"] == 1
    assert county_team["total"] == 2


def test_the_demo_county_in_2005_has_nobody_under_18(officer):
    # given
    call_command("demo", "--seed", "2026", stdout=io.StringIO())

    # when
    report = _report(officer, dt.date(2005, 6, 30))
    today = _report(officer, dt.date(2026, 6, 30))

    # then: before the issue, every one of today's people was counted (600, average age 20.00,
    # some aged 3)
    assert 0 < report["total"] < today["total"]
    assert min(int(age) for age in report["age_histogram"]) >= 18
    assert report["average_age"] > 25


def test_the_report_equals_a_count_over_every_post_of_the_demo_county(officer):
    # given: the demo county, with a few people gone and a few concurrent team posts
    call_command("demo", "--seed", "2026", stdout=io.StringIO())
    towns = list(Unit.objects.filter(unit_type="乡镇").order_by("path")[:2])
    open_posts = Assignment.objects.filter(ended_on__isnull=True, started_on__lt=dt.date(2010, 3, 1))
    for post in open_posts.order_by("id")[:15]:
        org_services.post_end(actor=None, assignment=post, ended_on=dt.date(2010, 3, 1),
                              source=SOURCE)
    for person in Person.objects.filter(unit__unit_type="县直部门").order_by("id")[:6]:
        org_services.post_start(
            actor=None, person=person, unit=towns[0], title="党委委员", rank=MEMBER,
            is_team_member=True, started_on=dt.date(2004, 1, 1), is_main=False, source=SOURCE,
        )

    # when / then: over everyone, a town, and the teams, as a plain count would have it
    for as_of, unit, team in (
        (as_of, unit, team)
        for as_of in (dt.date(1995, 1, 1), dt.date(2005, 6, 30), dt.date(2012, 12, 31),
                      dt.date(2026, 6, 30))
        for unit, team in ((None, False), (towns[0], False), (None, True), (towns[0], True),
                           (towns[1], True))
    ):
        report = _report(officer, as_of, unit=unit, team_members_only=team)
        expected = _plain_count(as_of, unit, team)
        assert report["total"] == sum(expected["rank"].values()), (as_of, unit, team)
        assert _ranks(report) == {
            codes.name_for("rank", code): count for code, count in expected["rank"].items()
        }, (as_of, unit, team)
        assert {int(age): n for age, n in report["age_histogram"].items()} == expected["age"]


def _plain_count(as_of: dt.date, unit: Unit | None, team: bool) -> dict[str, Counter[Any]]:
    """The definition read literally, one person at a time, over every post."""
    units = (
        set(Unit.objects.subtree_of(unit).values_list("pk", flat=True)) if unit else None
    )
    people = {person.pk: person for person in Person.objects.all()}
    held: dict[int, list[Assignment]] = {}
    for post in Assignment.objects.all():
        person = people[post.person_id]
        start = post.started_on or person.work_started_on
        if (start is None or start <= as_of) and (post.ended_on is None or post.ended_on > as_of):
            held.setdefault(post.person_id, []).append(post)
    ranks: Counter[str] = Counter()
    ages: Counter[int] = Counter()
    for person_id, posts in held.items():
        person = people[person_id]
        main = max(posts, key=lambda p: (p.is_main, p.started_on or person.work_started_on
                                         or dt.date.min, p.pk))
        if team:
            counted = any(p.is_team_member and (units is None or p.unit_id in units)
                          for p in posts)
        else:
            counted = units is None or main.unit_id in units
        if counted:
            ranks[main.rank] += 1
            ages[age_on(person.birth_date, as_of)] += 1
    return {"rank": ranks, "age": ages}


def test_a_share_of_one_in_32_is_3_13_percent(officer):
    # given: 32 people in post, one of them of a minority
    office = _unit("某县")
    for number in range(32):
        _person(office, name=f"干部{number}", born=dt.date(1980, 1, 1),
                started_on=dt.date(2005, 1, 1), ethnicity="22" if number == 0 else "01")

    # when
    report = _report(officer, dt.date(2010, 1, 1))

    # then: half up, as core.measures.percent rounds everywhere
    assert percent(1, 32) == 3.13
    assert report["minority"] == {"count": 1, "percent": 3.13}


def test_the_structure_and_forecast_pages_say_what_in_post_means(client, officer):
    # given
    from django.urls import reverse

    from cadres.accounts.testing import sign_in

    sign_in(client, officer)

    # when
    pages = [client.get(reverse("analytics:structure"), {"as_of": "2010-06-30"}),
             client.get(reverse("plans:forecast"), {"as_of": "2010-06-30"}),
             client.get(reverse("plans:gaps"), {"as_of": "2010-06-30"})]

    # then
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="in-post-rule"' in html
        assert "未填任职时间的从参加工作时间起算" in html
