"""The 简历 as the form prints it: from the posts where they cover the period, from the entries
where they do not, in date order, with 其间 notes, no doubled unit names, concurrent posts."""

import datetime as dt

import pytest

from cadres.org.models import PostSource
from cadres.org.services import post_end, post_rank_change, post_start
from cadres.records import services
from cadres.records.models import ResumeEntryKind
from cadres.records.selectors import join_names, resume_lines, resume_text

pytestmark = pytest.mark.django_db


def month(year, number):
    return dt.date(year, number, 1)


def appoint(person, unit, title, started_on, *, is_main=True, rank="0142"):
    return post_start(actor=None, person=person, unit=unit, title=title, rank=rank,
                      started_on=started_on, is_main=is_main, source=PostSource.FORM)


@pytest.mark.parametrize(("first", "second", "joined"), [
    ("青岚县", "县水利局", "青岚县水利局"),
    ("青岚县", "青岚县水利局", "青岚县水利局"),
    ("青岚县水利局", "水利局局长", "青岚县水利局局长"),
    ("青岚县水利局", "局长", "青岚县水利局局长"),
    ("青岚县东坑镇", "镇党委书记", "青岚县东坑镇党委书记"),
    ("东坑镇", "镇长", "东坑镇镇长"),
    ("青岚县", "县长", "青岚县县长"),
    ("青岚县", "县委", "青岚县委"),
    ("临江市", "凤卧镇", "临江市凤卧镇"),
    ("县委办公室", "办公室主任", "县委办公室主任"),
    ("东坑镇", "", "东坑镇"),
])
def test_names_join_without_doubling(first, second, joined):
    assert join_names(first, second) == joined


def test_posts_entries_and_notes_merge_in_date_order(county, cadre):
    # given: school before the records, then posts: 科员, 副局长 (a rank change inside, and a
    # concurrent post for two years), then 党委书记 of a township, with a 其间 study
    appoint(cadre, county["water"], "副局长", month(2010, 3))
    concurrent = appoint(cadre, county["flood"], "主任", month(2012, 5), is_main=False)
    main = cadre.assignments.get(title="副局长", ended_on__isnull=True)
    post_rank_change(actor=None, assignment=main, rank="0141", changed_on=month(2013, 1),
                     source=PostSource.FORM)
    post_end(actor=None, assignment=concurrent, ended_on=month(2014, 6), source=PostSource.FORM)
    appoint(cadre, county["east"], "镇党委书记", month(2016, 3))
    services.resume_entry_create(actor=None, person=cadre, started_on=month(1999, 9),
                                 ended_on=month(2003, 7), text="浙江大学水利工程专业学习",
                                 notes="1999.09--2000.07担任班长")
    services.resume_entry_create(actor=None, person=cadre, kind=ResumeEntryKind.DURING,
                                 started_on=month(2017, 9), ended_on=month(2019, 7),
                                 text="在省委党校在职研究生班经济管理专业学习")

    # when
    text = resume_text(cadre)

    # then
    assert text.splitlines() == [
        "1999.09--2003.07  浙江大学水利工程专业学习",
        "                  （其间：1999.09--2000.07担任班长）",
        "2003.07--2010.03  青岚县水利局科员",
        "2010.03--2012.05  青岚县水利局副局长",
        "2012.05--2014.06  青岚县水利局副局长（兼任青岚县防汛抗旱指挥部办公室主任）",
        "2014.06--2016.03  青岚县水利局副局长",
        "2016.03--         青岚县东坑镇党委书记",
        "                  （其间：2017.09--2019.07在省委党校在职研究生班经济管理专业学习）",
    ]
    assert "青岚县县" not in text


def test_a_running_line_is_padded_to_the_period_width(county, cadre):
    (line,) = resume_lines(cadre)
    assert line.is_running and line.is_generated
    assert str(line) == "2003.07--         青岚县水利局科员"
    assert str(line).index("青") == len("2003.07--2010.03  ")


def test_a_concurrent_post_in_the_same_unit_names_only_the_title(county, cadre):
    appoint(cadre, county["water"], "局长", month(2015, 1))
    appoint(cadre, county["water"], "党组书记", month(2015, 1), is_main=False)
    lines = [str(line) for line in resume_lines(cadre)]
    assert lines[-1] == "2015.01--         青岚县水利局局长（兼任党组书记）"


def test_entries_fill_the_periods_the_posts_leave_and_say_when_they_overlap(county, cadre):
    # given: the army before the records, and an entry that repeats a post's period
    army = services.resume_entry_create(actor=None, person=cadre, started_on=month(1998, 12),
                                        ended_on=month(2003, 6), text="中国人民解放军某部战士")
    repeat = services.resume_entry_create(actor=None, person=cadre, started_on=month(2005, 1),
                                          ended_on=month(2006, 1), text="青岚县水利局办公室科员")
    # when
    lines = resume_lines(cadre)
    # then
    assert [line.entry for line in lines] == [army, None, repeat]
    assert [line.overlaps_posts for line in lines] == [False, False, True]


def test_a_during_entry_no_line_covers_is_a_line_of_its_own(county, cadre):
    services.resume_entry_create(actor=None, person=cadre, kind=ResumeEntryKind.DURING,
                                 started_on=month(1995, 9), text="在县职业高中学习",
                                 ended_on=month(1998, 7))
    lines = [str(line) for line in resume_lines(cadre)]
    assert lines[0] == "1995.09--1998.07  在县职业高中学习"


def test_notes_typed_with_their_brackets_are_not_wrapped_again(county, cadre):
    services.resume_entry_create(actor=None, person=cadre, started_on=month(1999, 9),
                                 ended_on=month(2003, 7), text="学习",
                                 notes="（其间：2001.09--2003.07辅修法学）\n其间：2002.07参加社会实践")
    first = resume_lines(cadre)[0]
    assert first.notes == ["（其间：2001.09--2003.07辅修法学）", "（其间：2002.07参加社会实践）"]


@pytest.mark.parametrize(("unit", "title", "text"), [
    ("water", "县委常委、县水利局局长", "青岚县委常委、县水利局局长"),  # names its organ from 青岚县
    ("water", "局长", "青岚县水利局局长"),
    ("water", "县长", "青岚县县长"),
    ("east", "镇长", "青岚县东坑镇镇长"),  # 镇 is the unit itself, not a unit above
    ("east", "党委书记", "青岚县东坑镇党委书记"),
    ("top", "县委副书记、县长", "青岚县委副书记、县长"),
])
def test_a_title_that_names_its_organ_from_a_unit_above_follows_that_unit(county, cadre, unit, title, text):
    from cadres.records.selectors import post_resume_text

    post = appoint(cadre, county[unit], title, month(2023, 4))
    assert post_resume_text(post) == text
