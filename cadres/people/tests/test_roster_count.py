"""The roster page does not wait for the count of a large search: it shows the first rows at
once (a bounded look tells a large search from a small one), pages by its 下一页 / 上一页
cursors, and loads "共 N 人" from the count endpoint, which counts the same search within the
user's scope and hands back the navigation with the page numbers and cursors carrying the count."""

import base64
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.accounts.testing import person_in, sign_in, unit_tree, user_with_role
from cadres.people import selectors

pytestmark = pytest.mark.django_db


def names_in(response) -> list[str]:
    html = response.content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', body)


def counts_in(queries) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def link(html: str, rel: str) -> str:
    return re.search(rf'<a href="\?([^"]+)" [^>]*rel="{rel}"', html).group(1).replace("&amp;", "&")


def cursor_total(query: str) -> object:
    text = re.search(r"(?:after|before)=([^&]+)", query).group(1)
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))[2]


@pytest.fixture
def world(monkeypatch):
    """120 people in 东镇 (and its office), 30 in 西镇; a search finding more than 10 is large."""
    monkeypatch.setattr(selectors, "FEW", 10)
    units = unit_tree()
    for number in range(100):
        person_in(units["east"], f"东甲{number:03d}", post_title="科员")
    for number in range(20):
        person_in(units["east_office"], f"东乙{number:03d}", post_title="办公室主任")
    for number in range(30):
        person_in(units["west"], f"西丙{number:03d}", post_title="科员")
    return units


@pytest.fixture
def east_officer(client, world):
    sign_in(client, user_with_role("cadre_office", managed=[world["east"]]))
    return client


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_large_search_shows_its_first_page_without_counting(east_officer, htmx):
    # when
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with CaptureQueriesContext(connection) as queries:
        response = east_officer.get(reverse("people:roster"), {"sort": "name"}, **headers)
    # then: the rows, no count, a request for it, and the next page by its cursor
    html = response.content.decode()
    assert response.status_code == 200
    assert len(names_in(response)) == 50
    assert counts_in(queries) == []
    assert "共 <strong>" not in html
    count_url = re.search(r'hx-get="(/people/count/\?[^"]+)" hx-trigger="load"', html).group(1)
    assert "sort=name" in count_url and "number=1" in count_url and "next=" in count_url
    assert cursor_total(link(html, "next")) is None
    assert '<span class="disabled">上一页</span>' in html


def test_a_small_search_is_counted_by_the_look_and_shows_its_total_at_once(east_officer):
    # when
    with CaptureQueriesContext(connection) as queries:
        response = east_officer.get(reverse("people:roster"), {"post_title": "办公室"})
    # then
    html = response.content.decode()
    assert "共 <strong>10</strong> 人" not in html  # 20 found: more than FEW (10)
    assert counts_in(queries) == []
    small = east_officer.get(reverse("people:roster"), {"q": "东乙00"})
    assert "共 <strong>10</strong> 人" in small.content.decode()
    assert "/people/count/" not in small.content.decode()


def test_the_count_endpoint_counts_the_search_within_the_scope(east_officer, world):
    # when
    everyone = east_officer.get(reverse("people:roster_count"), {"number": 1})
    clerks = east_officer.get(reverse("people:roster_count"), {"post_title": "科员", "number": 1})
    # then: 120 in 东镇 and its office (not the 30 of 西镇); 科员 only 东镇's 100
    assert '<span id="roster-count">共 <strong>120</strong> 人，第 1 / 3 页</span>' in everyone.content.decode()
    assert "共 <strong>100</strong> 人，第 1 / 2 页" in clerks.content.decode()


def test_the_count_hands_back_the_navigation_with_the_page_numbers_and_counted_cursors(east_officer):
    # given: the first page, shown without its count
    first = east_officer.get(reverse("people:roster"), {"sort": "name"}).content.decode()
    count_url = re.search(r'hx-get="(/people/count/\?[^"]+)"', first).group(1).replace("&amp;", "&")
    # when
    counted = east_officer.get(count_url, HTTP_HX_REQUEST="true").content.decode()
    # then: out of band, the navigation to the last page, with a 下一页 cursor that carries the count
    navigation_id = re.search(r'<nav id="(roster-pagination-\w+)"', first).group(1)
    assert f'<nav id="{navigation_id}" class="pagination"' in counted and 'hx-swap-oob="true"' in counted
    assert 'href="?sort=name&amp;page=3"' in counted
    following = link(counted, "next")
    assert cursor_total(following) == 120
    with CaptureQueriesContext(connection) as queries:
        second = east_officer.get(f"{reverse('people:roster')}?{following}")
    assert "共 <strong>120</strong> 人，第 2 / 3 页" in second.content.decode()
    assert counts_in(queries) == []


def test_next_and_previous_work_without_the_count(east_officer):
    # given
    everyone = sorted([f"东甲{n:03d}" for n in range(100)] + [f"东乙{n:03d}" for n in range(20)])
    first = east_officer.get(reverse("people:roster"), {"sort": "name"})
    # when: 下一页 twice, then 上一页, never counting
    with CaptureQueriesContext(connection) as queries:
        second = east_officer.get(f"{reverse('people:roster')}?{link(first.content.decode(), 'next')}")
        third = east_officer.get(f"{reverse('people:roster')}?{link(second.content.decode(), 'next')}")
        back = east_officer.get(f"{reverse('people:roster')}?{link(third.content.decode(), 'prev')}")
    # then
    assert counts_in(queries) == []
    shown = names_in(first) + names_in(second) + names_in(third)
    assert sorted(shown) == everyone and len(shown) == 120
    assert names_in(back) == names_in(second)
    assert "下一页</span>" in third.content.decode()  # the last page: no 下一页 link
    assert 'rel="next"' not in third.content.decode()
    assert "第 2 页" in second.content.decode()


def test_a_page_number_jump_counts_to_know_the_last_page(east_officer):
    # when
    last = east_officer.get(reverse("people:roster"), {"page": 3})
    # then
    assert "共 <strong>120</strong> 人，第 3 / 3 页" in last.content.decode()
    assert len(names_in(last)) == 20


def test_each_page_has_a_navigation_id_of_its_own(east_officer):
    # given: a count for page 1 that would arrive after the user moved on to page 2
    first = east_officer.get(reverse("people:roster"), {"sort": "name"}).content.decode()
    second = east_officer.get(f"{reverse('people:roster')}?{link(first, 'next')}").content.decode()
    # then: its out-of-band navigation would not replace page 2's
    ids = [re.search(r'<nav id="(roster-pagination-\w+)"', html).group(1) for html in (first, second)]
    assert ids[0] != ids[1]


def test_the_count_endpoint_needs_the_roster_permission(client, world):
    # given
    sign_in(client, user_with_role("committee", managed=[world["east"]]))
    # when
    response = client.get(reverse("people:roster_count"))
    # then
    assert response.status_code == 403


def test_the_count_endpoint_ignores_a_tampered_cursor(east_officer):
    # when
    response = east_officer.get(reverse("people:roster_count"), {"number": 2, "next": "x", "previous": "eyJ"})
    # then
    html = response.content.decode()
    assert "共 <strong>120</strong> 人，第 2 / 3 页" in html
    assert 'rel="next"' not in html and 'rel="prev"' not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_count_fills_in_after_the_rows(signed_in_page, live_server, monkeypatch):
    from playwright.sync_api import expect

    # given: 60 people, a search finding more than FEW
    monkeypatch.setattr(selectors, "FEW", 10)
    county = unit_tree()["county"]
    for number in range(60):
        person_in(county, f"干部{number:02d}")
    page = signed_in_page
    # when
    page.goto(live_server.url + reverse("people:roster") + "?sort=name")
    # then: the count arrives after the rows, with the navigation to the last page
    expect(page.locator("#roster-results tbody tr")).to_have_count(50)
    expect(page.locator(".results-count")).to_have_text("共 60 人，第 1 / 2 页")
    expect(page.locator("nav.pagination a", has_text="2")).to_be_visible()
    # when: 下一页, whose cursor now carries the count
    page.get_by_role("link", name="下一页").click()
    # then
    expect(page.locator("#roster-results tbody tr")).to_have_count(10)
    expect(page.locator(".results-count")).to_have_text("共 60 人，第 2 / 2 页")
    expect(page).to_have_url(re.compile(r"after="))
