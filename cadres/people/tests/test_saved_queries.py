"""常用查询: a roster search saved under a name, listed, run and deleted by its owner only."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.audit.models import AuditEvent
from cadres.people.models import SavedQuery

pytestmark = pytest.mark.django_db

QUERY = "post_title=%E4%B9%A6%E8%AE%B0&sort=-birth&cols=rank&cols=post_title&after=abc&page=3"


@pytest.fixture
def units():
    units = unit_tree()
    person_in(units["east"], "张三", post_title="党委书记")
    return units


@pytest.fixture
def owner(client, units):
    user = user_with_role("cadre_office", managed=[units["county"]], username="owner")
    sign_in(client, user)
    return user


def test_saving_keeps_the_filters_sort_and_columns_but_not_the_page(client, owner):
    # when
    response = client.post(reverse("people:saved_query_save"), {"name": "乡镇党委书记", "query": QUERY})
    # then
    saved = SavedQuery.objects.get()
    assert (saved.owner, saved.name) == (owner, "乡镇党委书记")
    assert saved.query == {"post_title": ["书记"], "sort": ["-birth"], "cols": ["rank", "post_title"]}
    assert response.status_code == 302 and "after=" not in response.url and "post_title=" in response.url
    event = AuditEvent.objects.get(action="saved_query.created")
    assert event.actor == owner and event.changes["name"] == [None, "乡镇党委书记"]


def test_running_a_saved_query_shows_the_roster_with_it(client, owner):
    # given
    saved = SavedQuery.objects.create(owner=owner, name="书记", query={"post_title": ["书记"], "sort": ["-birth"]})
    # when
    response = client.get(reverse("people:saved_query_run", args=[saved.pk]), follow=True)
    # then
    html = response.content.decode()
    path, _, query = response.redirect_chain[0][0].partition("?")
    assert path == "/people/" and QueryDict(query) == QueryDict("post_title=%E4%B9%A6%E8%AE%B0&sort=-birth")
    assert ">张三</a>" in html and 'aria-sort="descending"' in html


def test_the_list_shows_only_my_saved_queries(client, owner, units):
    # given
    other = user_with_role("cadre_office", managed=[units["county"]], username="other")
    SavedQuery.objects.create(owner=owner, name="我的查询", query={})
    SavedQuery.objects.create(owner=other, name="别人的查询", query={})
    # when
    listing = client.get(reverse("people:saved_queries")).content.decode()
    roster = client.get(reverse("people:roster")).content.decode()
    # then
    assert "我的查询" in listing and "别人的查询" not in listing
    assert "我的查询" in roster and "别人的查询" not in roster


def test_another_users_saved_query_cannot_be_run_or_deleted(client, owner, units):
    # given
    other = user_with_role("cadre_office", managed=[units["county"]], username="other")
    theirs = SavedQuery.objects.create(owner=other, name="别人的查询", query={"q": ["张"]})
    # when
    run = client.get(reverse("people:saved_query_run", args=[theirs.pk]))
    confirm = client.get(reverse("people:saved_query_delete", args=[theirs.pk]))
    delete = client.post(reverse("people:saved_query_delete", args=[theirs.pk]))
    # then
    assert run.status_code == confirm.status_code == delete.status_code == 404
    assert SavedQuery.objects.filter(pk=theirs.pk).exists()
    assert not AuditEvent.objects.filter(action="saved_query.deleted").exists()


def test_deleting_asks_for_confirmation_first(client, owner):
    # given
    saved = SavedQuery.objects.create(owner=owner, name="书记", query={})
    url = reverse("people:saved_query_delete", args=[saved.pk])
    # when
    confirm = client.get(url)
    still_there = SavedQuery.objects.filter(pk=saved.pk).exists()
    deleted = client.post(url)
    # then
    assert still_there and "确认删除" in confirm.content.decode() and "书记" in confirm.content.decode()
    assert deleted.status_code == 302 and not SavedQuery.objects.filter(pk=saved.pk).exists()
    event = AuditEvent.objects.get(action="saved_query.deleted")
    assert event.actor == owner and event.changes["name"] == ["书记", None]


@pytest.mark.parametrize(("name", "message"), [
    ("", "名称：请填写常用查询的名称"),
    ("   ", "名称：请填写常用查询的名称"),
    ("已有", "名称：您已有名为“已有”的常用查询，请换一个名称。"),
])
def test_a_blank_or_taken_name_is_refused_with_a_message(client, owner, name, message):
    # given
    SavedQuery.objects.create(owner=owner, name="已有", query={})
    # when
    response = client.post(reverse("people:saved_query_save"), {"name": name, "query": QUERY}, follow=True)
    # then
    assert message in response.content.decode()
    assert SavedQuery.objects.count() == 1
