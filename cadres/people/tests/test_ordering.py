"""The roster's order: units in their place in the tree (排序号), people by 排序号 within the
unit, then by 姓氏笔画 (GB13000.1: stroke count, then stroke order 横竖撇点折; a one-character
given name counts as a blank second place); other orders by column; keyset paging gives the
rows offset paging gives."""

import datetime as dt
import random
import re

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in
from cadres.org.models import Unit, unit_sort_key
from cadres.people import selectors
from cadres.people.names import stroke_order
from cadres.people.selectors import ORDERINGS, person_list, roster_page

pytestmark = pytest.mark.django_db


def names_in(response) -> list[str]:
    html = response.content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', body)


def unit(name, order, parent=None):
    path = f"{parent.path}/{name}" if parent else name
    return Unit.objects.create(name=name, path=path, parent=parent, depth=parent.depth + 1 if parent else 0,
                               sort_order=order, sort_key=unit_sort_key(parent.sort_key if parent else "", order, name))


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="x-pass-123456",
                                                      email="r@example.invalid")
    client.force_login(user)
    return client


@pytest.fixture
def county():
    return unit("青岚县", 1)


def roster(client, **query) -> list[str]:
    return names_in(client.get(reverse("people:roster"), query))


def test_the_stroke_data_is_gb13000(county):
    # the characters these tests rely on, as the standard writes them
    assert (stroke_order("王"), stroke_order("井")) == ("1121", "1132")
    assert (stroke_order("丁"), stroke_order("七")) == ("12", "15")


def test_equal_stroke_counts_are_told_apart_by_stroke_order(superuser_client, county):
    # given: 井 (1132) and 王 (1121) both have 4 strokes; 七 (15) and 丁 (12) both 2 (created
    # in the wrong order; in code-point order 王 U+738B comes after 井 U+4E95)
    for name in ("井一", "王一", "七一", "丁一"):
        person_in(county, name)
    # when / then: 2 strokes before 4; 丁 12 before 七 15; 王 1121 before 井 1132
    assert roster(superuser_client) == ["丁一", "七一", "王一", "井一"]
    assert roster(superuser_client, sort="name") == ["丁一", "七一", "王一", "井一"]
    assert roster(superuser_client, sort="-name") == ["井一", "王一", "七一", "丁一"]


def test_a_one_character_given_name_counts_as_a_blank(superuser_client, county):
    # given
    for name in ("王一二", "王五", "王一"):
        person_in(county, name)
    # when / then: 姓氏笔画: 王一 < 王五 (the second place: 一 1 stroke, 五 4) < 王一二 (blank first)
    assert roster(superuser_client) == ["王一", "王五", "王一二"]


def test_the_sort_order_comes_before_the_strokes_and_the_unit_before_both(superuser_client, county):
    # given: two units, the second created first in the tree's order (排序号 2, 1)
    second = unit("县委办", 2, county)
    first = unit("县委组织部", 1, county)
    person_in(second, "丁二", sort_order=1)
    person_in(first, "王一", sort_order=2)
    person_in(first, "井一", sort_order=1)
    person_in(first, "丁一", sort_order=2)
    # when / then: 县委组织部 (排序号 1) first; within it 排序号 1, then 2 by strokes (丁 before 王)
    assert roster(superuser_client) == ["井一", "丁一", "王一", "丁二"]
    assert roster(superuser_client, sort="-unit") == ["丁二", "王一", "丁一", "井一"]
    # 姓氏笔画 alone, whatever the unit
    assert roster(superuser_client, sort="name") == ["丁一", "丁二", "王一", "井一"]


def test_sortable_columns_ascending_and_descending(superuser_client, county):
    # given
    person_in(county, "王一", birth_date=dt.date(1970, 1, 1), rank="0142", post_started_on=dt.date(2020, 1, 1))
    person_in(county, "丁一", birth_date=dt.date(1980, 1, 1), rank="0131", post_started_on=None)
    person_in(county, "七一", birth_date=dt.date(1975, 1, 1), rank="0141", post_started_on=dt.date(2010, 1, 1))
    # when / then
    assert roster(superuser_client, sort="birth") == ["王一", "七一", "丁一"]
    assert roster(superuser_client, sort="-birth") == ["丁一", "七一", "王一"]
    assert roster(superuser_client, sort="rank") == ["丁一", "七一", "王一"]  # 正处 (0131) first
    assert roster(superuser_client, sort="-rank") == ["王一", "七一", "丁一"]
    # an unknown 任现职时间 comes last ascending, first descending
    assert roster(superuser_client, sort="post_started") == ["七一", "王一", "丁一"]
    assert roster(superuser_client, sort="-post_started") == ["丁一", "王一", "七一"]


def test_a_column_header_links_to_its_ordering_and_back(superuser_client, county):
    # given
    person_in(county, "王一")
    # when
    default = superuser_client.get(reverse("people:roster")).content.decode()
    by_birth = superuser_client.get(reverse("people:roster"), {"sort": "birth"}).content.decode()
    # then
    assert 'href="?sort=birth"' in default and 'href="?sort=name"' in default
    assert 'href="?sort=-birth"' in by_birth and 'aria-sort="ascending"' in by_birth


# Keyset paging ----------------------------------------------------------------------------------


@pytest.fixture
def many(county):
    """130 people over three units with repeated 排序号, names and dates (ties broken by id)."""
    rng = random.Random(7)
    units = [unit(f"单位{index}", rng.randint(1, 3), county) for index in range(3)]
    for index in range(130):
        person_in(
            rng.choice(units), rng.choice(["王一", "丁一", "井二三", "七五", "张三", "李四四"]),
            sort_order=rng.randint(0, 4), birth_date=dt.date(rng.choice([1970, 1980]), 1, 1),
            rank=rng.choice(["0141", "0142"]),
            post_started_on=rng.choice([None, dt.date(2020, 1, 1), dt.date(2015, 1, 1)]),
            id_number="", native_place=str(index),
        )
    return units


@pytest.mark.parametrize("few", [0, 2000], ids=["seek_in_the_index_case", "few_found_by_id_case"])
@pytest.mark.parametrize("sort", [key for name in ORDERINGS for key in (name, f"-{name}")] + [""])
def test_keyset_pages_are_the_offset_pages(many, sort, few, monkeypatch):
    # given: a search finding more than FEW people is paged in the ordering's index, one finding
    # fewer by their ids
    monkeypatch.setattr(selectors, "FEW", few)
    reader = type("Reader", (), {"pk": None, "is_authenticated": True, "is_active": True,
                                 "is_superuser": True})()
    people = person_list(actor=reader, filters={}, sort=sort)
    everyone = [person.pk for person in people]
    offset_pages = [everyone[start:start + 20] for start in range(0, len(everyone), 20)]
    # when: forward by the 下一页 cursor, then back by the 上一页 cursor
    forward, page = [], roster_page(people=people, sort=sort, page_size=20)
    forward.append([p.pk for p in page.rows])
    while page.next_cursor:
        page = roster_page(people=people, sort=sort, after=page.next_cursor, page_size=20)
        forward.append([p.pk for p in page.rows])
    backward = [[p.pk for p in page.rows]]
    while page.previous_cursor:
        page = roster_page(people=people, sort=sort, before=page.previous_cursor, page_size=20)
        backward.insert(0, [p.pk for p in page.rows])
    by_number = [[p.pk for p in roster_page(people=people, sort=sort, page=number, page_size=20).rows]
                 for number in range(1, len(offset_pages) + 1)]
    # then
    assert len(everyone) == 130
    assert forward == offset_pages
    assert backward == offset_pages
    assert by_number == offset_pages
    assert page.number == 1


def test_the_roster_pages_by_cursor_and_a_tampered_cursor_starts_over(superuser_client, many):
    # given
    first = superuser_client.get(reverse("people:roster"), {"sort": "birth"})
    cursor = re.search(r'href="\?sort=birth&amp;after=([^"]+)" [^>]*rel="next"', first.content.decode()).group(1)
    # when
    second = superuser_client.get(reverse("people:roster"), {"sort": "birth", "after": cursor})
    tampered = superuser_client.get(reverse("people:roster"), {"sort": "birth", "after": "x" + cursor})
    other_order = superuser_client.get(reverse("people:roster"), {"sort": "name", "after": cursor})
    # then
    assert "共 <strong>130</strong> 人，第 2 / 3 页" in second.content.decode()
    assert names_in(tampered) == names_in(first)
    assert tampered.status_code == other_order.status_code == 200
    assert 'rel="prev"' in second.content.decode()
