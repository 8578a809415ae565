"""The post writers: start, end, change rank, make main; the person's current-post fields
follow the open main post, and each change is audited with its subject and document."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadres.accounts.testing import person_in, unit_tree
from cadres.audit.models import AuditEvent
from cadres.org.models import Assignment, PostSource, Unit
from cadres.org.services import (
    PostAction,
    UnitSpec,
    post_end,
    post_main_set,
    post_rank_change,
    post_start,
    unit_tree_apply,
)
from cadres.people.models import Person

DEPUTY_SECTION, SECTION = "0142", "0141"


def current_post(person: Person) -> tuple:
    person.refresh_from_db()
    return (person.unit.path, person.post_title, person.rank, person.is_team_member, person.post_started_on)


def events_of(person: Person) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(subject_type="people.person", subject_id=str(person.pk)).order_by("id"))


@pytest.fixture
def units():
    return unit_tree()


@pytest.fixture
def zhang(units):
    return person_in(units["east"], "张三", post_title="副镇长", rank=DEPUTY_SECTION, is_team_member=True,
                     post_started_on=dt.date(2015, 4, 1))


@pytest.mark.django_db
def test_a_new_main_post_ends_the_old_one_and_moves_the_person(units, zhang):
    # when
    post = post_start(
        actor=None, person=zhang, unit=units["west"], title="镇长", rank=SECTION, is_team_member=True,
        started_on=dt.date(2021, 6, 1), document="某委〔2021〕12号", source=PostSource.FORM,
    )

    # then
    old, new = zhang.assignments.order_by("started_on")
    assert (old.ended_on, old.end_document, new.pk) == (dt.date(2021, 6, 1), "某委〔2021〕12号", post.pk)
    assert (new.is_main, new.start_document, new.source) == (True, "某委〔2021〕12号", "form")
    assert current_post(zhang) == ("某县/西镇", "镇长", SECTION, True, dt.date(2021, 6, 1))
    event = events_of(zhang)[-1]
    assert event.action == PostAction.POST_STARTED
    assert event.changes["unit"] == ["某县/东镇", "某县/西镇"]
    assert event.changes["rank"] == [DEPUTY_SECTION, SECTION]
    assert (event.changes["document"], event.changes["source"]) == ("某委〔2021〕12号", "form")


@pytest.mark.django_db
def test_a_concurrent_post_leaves_the_main_post_and_the_person_alone(units, zhang):
    # when
    post_start(actor=None, person=zhang, unit=units["east_office"], title="党政办主任（兼）", rank=DEPUTY_SECTION,
               started_on=dt.date(2022, 1, 1), is_main=False, source=PostSource.FORM)

    # then
    open_posts = zhang.assignments.filter(ended_on__isnull=True).order_by("started_on")
    assert [(post.title, post.is_main) for post in open_posts] == [("副镇长", True), ("党政办主任（兼）", False)]
    assert current_post(zhang) == ("某县/东镇", "副镇长", DEPUTY_SECTION, True, dt.date(2015, 4, 1))


@pytest.mark.django_db
def test_ending_the_main_post_makes_the_remaining_post_main(units, zhang):
    # given
    concurrent = post_start(actor=None, person=zhang, unit=units["west"], title="西镇党委委员（兼）",
                            rank=DEPUTY_SECTION, started_on=dt.date(2020, 1, 1), is_main=False,
                            source=PostSource.FORM)
    main = zhang.assignments.get(is_main=True)

    # when
    post_end(actor=None, assignment=main, ended_on=dt.date(2023, 3, 1), document="免〔2023〕3号",
             source=PostSource.PROCEDURE, reason="到龄")

    # then
    concurrent.refresh_from_db()
    assert concurrent.is_main
    assert current_post(zhang) == ("某县/西镇", "西镇党委委员（兼）", DEPUTY_SECTION, False, dt.date(2020, 1, 1))
    event = events_of(zhang)[-1]
    assert (event.action, event.changes["ended_on"], event.changes["reason"]) == (
        PostAction.POST_ENDED, [None, "2023-03-01"], "到龄")


@pytest.mark.django_db
def test_ending_a_post_twice_or_before_it_began_is_refused(zhang):
    # given
    main = zhang.assignments.get()

    # when / then
    with pytest.raises(ValidationError):
        post_end(actor=None, assignment=main, ended_on=dt.date(2010, 1, 1), source=PostSource.FORM)
    post_end(actor=None, assignment=main, ended_on=dt.date(2020, 1, 1), source=PostSource.FORM)
    with pytest.raises(ValidationError):
        post_end(actor=None, assignment=main, ended_on=dt.date(2021, 1, 1), source=PostSource.FORM)


@pytest.mark.django_db
def test_a_rank_change_keeps_the_rank_held_at_each_date(zhang):
    # when
    post_rank_change(actor=None, assignment=zhang.assignments.get(), rank=SECTION,
                     changed_on=dt.date(2019, 7, 1), document="晋〔2019〕7号", source=PostSource.FORM)

    # then
    posts = list(zhang.assignments.order_by("started_on").values_list("rank", "started_on", "ended_on", "title"))
    assert posts == [
        (DEPUTY_SECTION, dt.date(2015, 4, 1), dt.date(2019, 7, 1), "副镇长"),
        (SECTION, dt.date(2019, 7, 1), None, "副镇长"),
    ]
    zhang.refresh_from_db()
    assert (zhang.rank, zhang.rank_started_on) == (SECTION, dt.date(2019, 7, 1))
    assert events_of(zhang)[-1].changes["rank"] == [DEPUTY_SECTION, SECTION]


@pytest.mark.django_db
def test_making_a_concurrent_post_main_swaps_the_two(units, zhang):
    # given
    concurrent = post_start(actor=None, person=zhang, unit=units["west"], title="西镇党委书记",
                            rank=SECTION, is_team_member=True, started_on=dt.date(2022, 1, 1),
                            is_main=False, source=PostSource.FORM)

    # when
    post_main_set(actor=None, assignment=concurrent, source=PostSource.FORM)

    # then
    assert sorted(zhang.assignments.filter(ended_on__isnull=True).values_list("title", "is_main")) == [
        ("副镇长", False), ("西镇党委书记", True),
    ]
    assert current_post(zhang) == ("某县/西镇", "西镇党委书记", SECTION, True, dt.date(2022, 1, 1))
    assert events_of(zhang)[-1].action == PostAction.POST_MADE_MAIN


@pytest.mark.django_db
def test_person_create_opens_the_first_post_and_audits_it(units):
    # when
    person = person_in(units["west"], "李四", post_title="科员", rank="0150")

    # then
    post = Assignment.objects.get(person=person)
    assert (post.is_main, post.ended_on, post.title, post.source) == (True, None, "科员", "form")
    assert [event.action for event in events_of(person)] == ["person.created"]


@pytest.mark.django_db
def test_a_unit_created_meanwhile_by_another_writer_is_read_back_not_a_unique_error(monkeypatch):
    # given: another writer creates 某市/新区 after unit_tree_apply looked the paths up
    original = Unit.clean_fields

    def created_meanwhile(unit, *args, **kwargs):
        if unit.path == "某市/新区" and not Unit.objects.filter(path=unit.path).exists():
            Unit.objects.create(name="新区", path="某市/新区", parent=unit.parent, depth=1, unit_type="区")
        return original(unit, *args, **kwargs)

    monkeypatch.setattr(Unit, "clean_fields", created_meanwhile)

    # when
    units = unit_tree_apply(actor=None, specs=[UnitSpec("某市/新区/办公室")])

    # then
    assert sorted(units) == ["某市", "某市/新区", "某市/新区/办公室"]
    assert units["某市/新区/办公室"].parent_id == units["某市/新区"].pk == Unit.objects.get(path="某市/新区").pk
    assert Unit.objects.filter(path__startswith="某市").count() == 3


@pytest.mark.django_db
def test_a_main_post_starting_before_the_current_one_is_refused_and_a_concurrent_one_is_not(units, zhang):
    # when: a main post backdated before the 副镇长 post (2015.04), then a 兼任 from then
    with pytest.raises(ValidationError) as refused:
        post_start(actor=None, person=zhang, unit=units["west"], title="党委副书记", rank=SECTION,
                   started_on=dt.date(2014, 6, 1), source=PostSource.FORM)
    concurrent = post_start(actor=None, person=zhang, unit=units["west"], title="党委委员", rank=SECTION,
                            started_on=dt.date(2014, 6, 1), is_main=False, source=PostSource.FORM)

    # then: the main post stands as it was; the concurrent post is taken
    assert "任职时间不能早于现任主职的任职时间 2015.04" in refused.value.message_dict["started_on"][0]
    assert current_post(zhang) == ("某县/东镇", "副镇长", DEPUTY_SECTION, True, dt.date(2015, 4, 1))
    assert zhang.assignments.filter(ended_on__isnull=True).count() == 2 and not concurrent.is_main
