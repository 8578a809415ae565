"""The one reading of the post history every analysis uses: posts held on a date, the post of
record (主职) on a date, team members on a date, and the people in post on a date."""

import datetime as dt
from types import SimpleNamespace

import pytest

from cadres.org import services
from cadres.org.models import Assignment, PostSource, Unit
from cadres.org.selectors import (
    people_on,
    posts_held_on,
    posts_of_record_on,
    team_member_ids_on,
    unit_team_members,
)

pytestmark = pytest.mark.django_db

SOURCE = PostSource.FORM
EVERYONE = SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)


@pytest.fixture
def units():
    county = Unit.objects.create(name="某县", path="某县", depth=0)
    office = Unit.objects.create(name="办公室", path="某县/办公室", parent=county, depth=1)
    town = Unit.objects.create(name="东镇", path="某县/东镇", parent=county, depth=1)
    return {"county": county, "office": office, "town": town}


def _appoint(unit, name, started_on, *, rank="0150", team=False, work_started_on=None):
    return services.person_create(
        actor=None, unit=unit, title="科员", rank=rank, is_team_member=team,
        started_on=started_on, source=SOURCE,
        fields={"name": name, "sex": "1", "ethnicity": "01", "birth_date": dt.date(1980, 1, 1),
                "political_status": "01", "work_started_on": work_started_on},
    )


def test_a_post_is_held_from_its_start_to_the_day_before_its_end(units):
    # given: 甲 transferred from the office to the town on 2010-03-01
    first = _appoint(units["office"], "甲", dt.date(2005, 1, 1))
    services.post_start(actor=None, person=first, unit=units["town"], title="副镇长",
                        rank="0142", started_on=dt.date(2010, 3, 1), source=SOURCE)

    def held(day):
        return sorted(posts_held_on(day).values_list("unit__name", flat=True))

    # then
    assert held(dt.date(2004, 12, 31)) == []
    assert held(dt.date(2005, 1, 1)) == ["办公室"]
    assert held(dt.date(2010, 2, 28)) == ["办公室"]
    assert held(dt.date(2010, 3, 1)) == ["东镇"]


def test_an_undated_post_is_held_from_the_work_start_or_always(units):
    # given
    _appoint(units["office"], "甲", None, work_started_on=dt.date(2003, 8, 1))
    _appoint(units["office"], "乙", None)

    # then
    assert posts_held_on(dt.date(2003, 7, 31)).count() == 1
    assert posts_held_on(dt.date(2003, 8, 1)).count() == 2


def test_the_post_of_record_is_the_main_post_started_latest(units):
    # given: a main post, and a concurrent team post in the town started later
    first = _appoint(units["office"], "甲", dt.date(2005, 1, 1), rank="0142")
    services.post_start(actor=None, person=first, unit=units["town"], title="党委委员",
                        rank="0150", is_team_member=True, started_on=dt.date(2008, 1, 1),
                        is_main=False, source=SOURCE)

    # when
    posts = posts_of_record_on(as_of=dt.date(2009, 1, 1), people=[first.pk])

    # then
    assert (posts[first.pk].unit_id, posts[first.pk].rank) == (units["office"].pk, "0142")


def test_team_members_on_a_date_include_concurrent_posts(units):
    # given
    first = _appoint(units["office"], "甲", dt.date(2005, 1, 1))
    mayor = _appoint(units["town"], "镇长", dt.date(2001, 1, 1), rank="0141", team=True)
    services.post_start(actor=None, person=first, unit=units["town"], title="党委委员",
                        rank="0150", is_team_member=True, started_on=dt.date(2008, 1, 1),
                        is_main=False, source=SOURCE)

    # when
    before = set(team_member_ids_on(as_of=dt.date(2007, 1, 1), units=[units["town"].pk])
                 .values_list("person_id", flat=True))
    after = set(team_member_ids_on(as_of=dt.date(2009, 1, 1), units=[units["town"].pk])
                .values_list("person_id", flat=True))
    today = set(unit_team_members(actor=EVERYONE, unit=units["town"]))

    # then
    assert before == {mayor.pk}
    assert after == {mayor.pk, first.pk}
    assert today == {mayor, first}


def test_people_on_a_date_corrects_only_those_whose_post_then_differs(units):
    # given: 甲 in post since 2005; 乙 promoted in 2012; 丙 appointed in 2015
    _appoint(units["office"], "甲", dt.date(2005, 1, 1))
    second = _appoint(units["office"], "乙", dt.date(2005, 1, 1))
    services.post_rank_change(actor=None, assignment=Assignment.objects.get(person=second),
                              rank="0142", changed_on=dt.date(2012, 1, 1), source=SOURCE)
    third = _appoint(units["office"], "丙", dt.date(2015, 1, 1))

    # when
    people = people_on(actor=EVERYONE, as_of=dt.date(2010, 1, 1), fields=("name",))

    # then: the base counts all three by today's fields; 乙 is re-ranked, 丙 taken away
    assert people.base.count() == 3
    corrections = {p.values["name"]: (p.in_base, p.post.rank if p.post else None)
                   for p in people.changed}
    assert corrections == {"乙": (True, "0150"), "丙": (True, None)}
    assert {p.person_id for p in people.changed} == {second.pk, third.pk}


def test_two_counts_say_whether_anyone_has_left_only_under_the_one_main_post_constraint(
    units, monkeypatch
):
    # given

    from cadres.org import selectors

    first = _appoint(units["office"], "甲", dt.date(2005, 1, 1))
    _appoint(units["office"], "乙", dt.date(2005, 1, 1))
    others = [c for c in Assignment._meta.constraints if c.name != selectors.ONE_OPEN_MAIN_POST]

    # when / then: without the constraint the counts are not trusted
    with monkeypatch.context() as patched:
        patched.setattr(Assignment._meta, "constraints", others)
        assert selectors.nobody_has_left() is False
    assert selectors.nobody_has_left() is True
    services.post_end(actor=None, assignment=Assignment.objects.get(person=first),
                      ended_on=dt.date(2009, 1, 1), source=SOURCE)
    assert selectors.nobody_has_left() is False
    people = people_on(actor=EVERYONE, as_of=dt.date(2010, 1, 1), fields=("name",))
    assert [(p.values["name"], p.post) for p in people.changed] == [("甲", None)]
