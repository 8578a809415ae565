"""The whole-scope structure report at a date counts its corrections in SQL
(analytics.selectors._correct_in_sql over org.selectors.people_changed_on_sql) and skips them when
nothing changed (org.selectors.nothing_changed_on); both must give what the person-by-person
path (people_on) and a literal count over every post give."""

import datetime as dt
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from cadres.analytics import selectors
from cadres.core.dates import age_on
from cadres.org import services as org_services
from cadres.org.models import Assignment, PostSource, Unit
from cadres.org.selectors import nothing_changed_on
from cadres.people.models import Person

pytestmark = pytest.mark.django_db

SOURCE = PostSource.FORM
EVERYONE = SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)
SECTION, DEPUTY, MEMBER = "0141", "0142", "0150"


def _unit(path: str) -> Unit:
    parent_path, _, name = path.rpartition("/")
    parent = Unit.objects.get(path=parent_path) if parent_path else None
    return Unit.objects.create(name=name, path=path, parent=parent, depth=path.count("/"))


def _person(unit: Unit, name: str, started_on: dt.date | None, *, rank: str = MEMBER,
            born: dt.date = dt.date(1975, 8, 15), work_started_on: dt.date | None = None,
            sex: str = "1", education: str = "20") -> Person:
    return org_services.person_create(
        actor=None, unit=unit, title="科员", rank=rank, is_team_member=False,
        started_on=started_on, source=SOURCE,
        fields={"name": name, "sex": sex, "ethnicity": "01", "birth_date": born,
                "political_status": "01", "highest_education": education,
                "full_time_education": education, "work_started_on": work_started_on},
    )


def _main(person: Person) -> Assignment:
    return Assignment.objects.get(person=person, is_main=True, ended_on__isnull=True)


@pytest.fixture
def county() -> dict[str, Unit]:
    """People whose post on a past date differs from today's in every way the history allows."""
    office, town = _unit("某县"), _unit("某县/东镇")
    _person(office, "一直在任", dt.date(2000, 1, 1), rank=SECTION)
    promoted = _person(office, "2012年晋升", dt.date(2001, 3, 1), sex="2", education="10")
    org_services.post_rank_change(actor=None, assignment=_main(promoted), rank=DEPUTY,
                                  changed_on=dt.date(2012, 1, 1), source=SOURCE)
    _person(town, "2015年任职", dt.date(2015, 5, 1), born=dt.date(1990, 12, 31))
    _person(town, "未填任职时间", None, work_started_on=dt.date(2003, 8, 1))
    _person(town, "两者都未填", None, born=dt.date(1960, 2, 29))
    _person(town, "将来参加工作", None, work_started_on=dt.date(2099, 1, 1))
    left_early = _person(office, "2008年离任", dt.date(1998, 1, 1), rank=SECTION)
    org_services.post_end(actor=None, assignment=_main(left_early), ended_on=dt.date(2008, 1, 1),
                          source=SOURCE)
    left_late = _person(town, "2020年离任", dt.date(1999, 1, 1), education="30")
    org_services.post_end(actor=None, assignment=_main(left_late), ended_on=dt.date(2020, 1, 1),
                          source=SOURCE)
    moved = _person(office, "2010年调任", dt.date(2004, 1, 1))
    org_services.post_start(actor=None, person=moved, unit=town, title="副镇长", rank=DEPUTY,
                            is_team_member=True, started_on=dt.date(2010, 3, 1), source=SOURCE)
    # A concurrent post held before the main post started: alone on 2003-06-30.
    early_second = _person(office, "先兼任", dt.date(2005, 1, 1), rank=SECTION)
    org_services.post_start(actor=None, person=early_second, unit=town, title="党委委员",
                            rank=MEMBER, is_team_member=True, started_on=dt.date(2001, 1, 1),
                            is_main=False, source=SOURCE)
    leaving = _person(office, "将来离任", dt.date(2002, 1, 1), rank=DEPUTY)
    org_services.post_end(actor=None, assignment=_main(leaving), ended_on=dt.date(2099, 1, 1),
                          source=SOURCE)
    # Earlier posts brought in from a résumé that overlap today's main post: one started
    # before it (today's post comes first while both are held), one the same day (the later
    # record comes first), a concurrent post ended later (the main post comes first), and an
    # undated one (held from 参加工作时间).
    history = [
        (_person(office, "履历重叠", dt.date(2005, 1, 1), rank=SECTION),
         {"started_on": dt.date(2003, 1, 1), "ended_on": dt.date(2012, 1, 1), "rank": DEPUTY}),
        (_person(office, "同日重叠", dt.date(2006, 1, 1), rank=SECTION),
         {"started_on": dt.date(2006, 1, 1), "ended_on": dt.date(2011, 1, 1), "rank": DEPUTY}),
        (_person(office, "兼任已免", dt.date(2001, 1, 1), rank=SECTION),
         {"started_on": dt.date(2002, 1, 1), "ended_on": dt.date(2015, 1, 1), "rank": DEPUTY,
          "is_main": False}),
        (_person(office, "未填履历", dt.date(2009, 1, 1), rank=SECTION,
                 work_started_on=dt.date(2000, 9, 1)),
         {"started_on": None, "ended_on": dt.date(2009, 1, 1), "rank": MEMBER}),
    ]
    for person, post in history:
        org_services.posts_history_add(actor=None, person=person, source=SOURCE, posts=[
            {"unit_id": town.pk, "title": "副主任", "is_team_member": False, **post},
        ])
    return {"office": office, "town": town}


def _per_person_report(as_of: dt.date) -> dict[str, Any]:
    """The report as counted before: the changed people read one by one (people_on)."""
    people = selectors.structure_people(actor=EVERYONE, as_of=as_of, unit=None,
                                        team_members_only=False)
    groups = selectors._group_counts(people.base, as_of=as_of)
    selectors._count_rows(groups, [p.values for p in people.changed if p.in_base],
                          as_of=as_of, sign=-1)
    selectors._count_rows(
        groups, [{**p.values, "rank": p.post.rank} for p in people.changed if p.post is not None],
        as_of=as_of, sign=1,
    )
    return selectors._report_from_counts(groups, as_of=as_of)


def _literal_count(as_of: dt.date) -> tuple[Counter[str], Counter[int]]:
    """Ranks and ages of the people in post on `as_of`, the definition read post by post."""
    people = {person.pk: person for person in Person.objects.all()}
    held: dict[int, list[Assignment]] = {}
    for post in Assignment.objects.all():
        start = post.started_on or people[post.person_id].work_started_on
        if (start is None or start <= as_of) and (post.ended_on is None or post.ended_on > as_of):
            held.setdefault(post.person_id, []).append(post)
    ranks: Counter[str] = Counter()
    ages: Counter[int] = Counter()
    for person_id, posts in held.items():
        person = people[person_id]
        of_record = max(posts, key=lambda p: (
            p.is_main, p.started_on or person.work_started_on or dt.date.min, p.pk))
        ranks[of_record.rank] += 1
        ages[age_on(person.birth_date, as_of)] += 1
    return ranks, ages


DATES = [dt.date(1999, 6, 30), dt.date(2003, 6, 30), dt.date(2004, 6, 30), dt.date(2008, 1, 1),
         dt.date(2010, 6, 30),
         dt.date(2016, 1, 1), dt.date(2024, 2, 29), dt.date(2030, 1, 1)]


@pytest.mark.parametrize("as_of", DATES)
def test_the_whole_scope_report_corrected_in_sql_equals_the_per_person_count(
    county, as_of, monkeypatch
):
    # given: a spy on the SQL correction
    calls = []
    correct = selectors._correct_in_sql
    monkeypatch.setattr(selectors, "_correct_in_sql",
                        lambda *args, **kwargs: calls.append(1) or correct(*args, **kwargs))

    # when
    report = selectors.structure_report(actor=EVERYONE, as_of=as_of, unit=None,
                                        team_members_only=False)

    # then: the SQL path ran, and every figure is the per-person path's and the literal count's
    assert calls == [1]
    assert report == _per_person_report(as_of)
    ranks, ages = _literal_count(as_of)
    assert report["total"] == sum(ranks.values())
    assert {name: item["count"] for name, item in report["rank"].items()} == {
        selectors.codes.name_for("rank", code): count for code, count in ranks.items()
    }
    assert {int(age): n for age, n in report["age_histogram"].items()} == ages


def test_nothing_changed_only_when_everyone_holds_todays_main_post_then():
    # given: two people in post since 2005, one undated post with work started in 2003
    office = _unit("某县")
    first = _person(office, "甲", dt.date(2005, 1, 1))
    _person(office, "乙", dt.date(2005, 1, 1))
    undated = _person(office, "丙", None, work_started_on=dt.date(2003, 1, 1))
    today = timezone.localdate()

    # when / then
    assert nothing_changed_on(today)
    assert nothing_changed_on(dt.date(2005, 1, 1))
    assert not nothing_changed_on(dt.date(2004, 12, 31))  # not yet in post
    Person.objects.filter(pk=undated.pk).update(work_started_on=dt.date(2006, 1, 1))
    assert not nothing_changed_on(dt.date(2005, 6, 30))  # undated post, work not yet started
    org_services.post_rank_change(actor=None, assignment=_main(first), rank=DEPUTY,
                                  changed_on=dt.date(2010, 1, 1), source=SOURCE)
    assert nothing_changed_on(today)
    assert not nothing_changed_on(dt.date(2009, 6, 30))  # a main post ending after the date
    org_services.post_end(actor=None, assignment=_main(first), ended_on=dt.date(2015, 1, 1),
                          source=SOURCE)
    assert not nothing_changed_on(today)  # someone has left


def test_the_report_today_counts_person_alone_when_nothing_changed(monkeypatch):
    # given: everyone in post since 2005
    office = _unit("某县")
    for number in range(3):
        _person(office, f"干部{number}", dt.date(2005, 1, 1), rank=SECTION)
    calls = []
    monkeypatch.setattr(selectors, "_correct_in_sql", lambda *args, **kwargs: calls.append(1))

    # when
    report = selectors.structure_report(actor=EVERYONE, as_of=timezone.localdate(), unit=None,
                                        team_members_only=False)

    # then: no correction was read
    assert calls == []
    assert report["total"] == 3
    assert report["rank"]["正科级"]["count"] == 3
