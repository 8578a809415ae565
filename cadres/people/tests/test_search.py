"""Finding people on the roster page: every search dimension, alone and combined, always
within the user's scope (a 身份证号 outside it finds nobody)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.people.tests.factories import id_number

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def names_in(response) -> list[str]:
    html = response.content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', body)


@pytest.fixture
def world():
    units = unit_tree()
    east, office, west = units["east"], units["east_office"], units["west"]
    people = {
        "张三": person_in(east, "张三", post_title="东镇党委书记", rank="0141", is_team_member=True,
                         birth_date=dt.date(1976, 7, 1), id_number=id_number("1976.07", "男", serial=1),
                         highest_education="10", full_time_education="20", reserve_pool="正处级后备"),
        "李四": person_in(east, "李四", post_title="东镇党委副书记、镇长", rank="0142", is_team_member=True,
                         birth_date=dt.date(1986, 7, 1), sex="2", ethnicity="03", political_status="13",
                         highest_education="20", full_time_education="20"),
        "王五": person_in(office, "王五", post_title="党政办主任", rank="0150",
                         birth_date=dt.date(1996, 6, 30), political_status="02",
                         highest_education="30", full_time_education="30"),
        "赵六": person_in(west, "赵六", post_title="西镇党委书记", rank="0141", is_team_member=True,
                         birth_date=dt.date(1976, 7, 1), id_number=id_number("1976.07", "男", serial=2),
                         highest_education="10", full_time_education="20", reserve_pool="正处级后备"),
    }
    return {**units, **people}


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="x-pass-123456",
                                                      email="r@example.invalid")
    client.force_login(user)
    return client


def search(client, **query):
    return sorted(names_in(client.get(reverse("people:roster"), query)))


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "张"}, ["张三"]),
    ({"q": "三"}, ["张三"]),
    ({"q": "zs"}, ["张三"]),
    ({"q": "ZS"}, ["张三"]),
    ({"q": "z"}, ["张三", "赵六"]),
    ({"q": "ls"}, ["李四"]),
    ({"q": id_number("1976.07", "男", serial=1)}, ["张三"]),
    ({"post_title": "书记"}, ["张三", "李四", "赵六"]),
    ({"post_title": "党委书记"}, ["张三", "赵六"]),
    ({"post_title": "镇长"}, ["李四"]),
    ({"rank": "0141"}, ["张三", "赵六"]),
    ({"age_min": "40", "age_on": "2026-06-30"}, ["张三", "赵六"]),
    ({"age_min": "30", "age_max": "49", "age_on": "2026-06-30"}, ["张三", "李四", "王五", "赵六"]),
    ({"age_min": "50", "age_on": "2026-06-30"}, []),  # born 1976.07.01: 49 the day before
    ({"age_min": "50", "age_on": "2026-07-01"}, ["张三", "赵六"]),
    ({"age_max": "30", "age_on": "2026-06-30"}, ["王五"]),  # born 1996.06.30: 30 on the day
    ({"age_max": "29", "age_on": "2026-06-29"}, ["王五"]),  # a day earlier still 29
    ({"age_max": "29", "age_on": "2026-06-30"}, []),
    ({"education": "10"}, ["张三", "赵六"]),
    ({"full_time_education": "30"}, ["王五"]),
    ({"party": "member"}, ["张三", "王五", "赵六"]),
    ({"party": "non_party"}, ["李四"]),
    ({"political_status": "02"}, ["王五"]),
    ({"sex": "2"}, ["李四"]),
    ({"nationality": "minority"}, ["李四"]),
    ({"nationality": "han"}, ["张三", "王五", "赵六"]),
    ({"reserve": "on"}, ["张三", "赵六"]),
    ({"team_member": "yes"}, ["张三", "李四", "赵六"]),
    ({"team_member": "no"}, ["王五"]),
    ({"post_title": "书记", "party": "member", "reserve": "on", "rank": "0141"}, ["张三", "赵六"]),
    ({"post_title": "书记", "sex": "2", "team_member": "yes"}, ["李四"]),
], ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None)
def test_each_dimension_narrows_the_roster(superuser_client, world, query, expected):
    # when
    found = search(superuser_client, **query)
    # then
    assert found == sorted(expected)


def test_the_unit_filter_takes_the_subtree(superuser_client, world):
    # when / then
    assert search(superuser_client, unit=world["east"].pk) == ["张三", "李四", "王五"]
    assert search(superuser_client, unit=world["west"].pk) == ["赵六"]
    assert search(superuser_client, unit=world["east"].pk, post_title="书记") == ["张三", "李四"]


def test_an_age_range_the_wrong_way_round_says_so(superuser_client, world):
    # when
    response = superuser_client.get(reverse("people:roster"), {"age_min": "50", "age_max": "40"})
    # then
    assert "“年龄至”不能小于“年龄自”" in response.content.decode()


def test_an_officer_finds_nobody_outside_his_scope_not_even_by_id_number(client, world):
    # given: an officer of 东镇
    officer = user_with_role("cadre_office", managed=[world["east"]])
    sign_in(client, officer)
    outside = world["赵六"]
    # when
    by_number = client.get(reverse("people:roster"), {"q": outside.id_number})
    by_name = client.get(reverse("people:roster"), {"q": "赵六"})
    by_initials = client.get(reverse("people:roster"), {"q": "zl"})
    by_title = search(client, post_title="西镇")
    by_unit = search(client, unit=world["west"].pk)  # not a choice of his: the filter is dropped
    everything = search(client, post_title="书记", reserve="on")
    # then
    for response in (by_number, by_name, by_initials):
        html = response.content.decode()
        results = html[html.index("<tbody>"):html.index("</tbody>")]  # the search box keeps what was typed
        assert names_in(response) == []
        assert "赵六" not in results and outside.id_number[-4:] not in results
        assert "共 <strong>0</strong> 人" in html
    assert by_title == []
    assert "赵六" not in by_unit
    assert everything == ["张三"]
    # and his own people are found by the same means
    assert search(client, q=world["张三"].id_number) == ["张三"]


def test_the_list_shows_the_columns_chosen_and_masks_the_id_number(superuser_client, world):
    # when
    response = superuser_client.get(reverse("people:roster"),
                                    {"cols": ["id_number", "post_title", "reserve_pool"], "q": "张三"})
    # then
    html = response.content.decode()
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert re.findall(r"<th(?: [^>]*)?>(?:<a[^>]*>)?([^<▲▼]+)", head) == ["姓名", "身份证号", "职务", "后备干部"]
    number = world["张三"].id_number
    assert number not in html and f"{number[:6]}********{number[-4:]}" in html
    assert "东镇党委书记" in html and "正处级后备" in html
