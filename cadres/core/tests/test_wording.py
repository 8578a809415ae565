"""One voice across the pages: every page a signed-in officer can open without a parameter, and
every page of one cadre and of one unit, renders without Django's `---------` empty label and
addresses the user as 您, never 你."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cadres.accounts.testing import person_in, unit_tree

# Pages that only answer a POST, or stream a file, or need state a bare GET does not have.
SKIPPED = re.compile(r"(export|download|template|logout|photo/$|verify|confirm|/changes/)")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _pages(person_id: int, unit_id: int) -> list[str]:
    pages = []
    for route in _routes(get_resolver().url_patterns):
        converters = re.findall(r"<(\w+:)?(\w+)>", route)
        if SKIPPED.search(route) or route.startswith(("jobs/", "accounts/")):
            continue
        if not converters:
            pages.append("/" + route)
        elif len(converters) == 1 and route.startswith("people/<int:pk>/"):
            pages.append("/" + re.sub(r"<int:pk>", str(person_id), route))
        elif len(converters) == 1 and route.startswith("units/<int:pk>/"):
            pages.append("/" + re.sub(r"<int:pk>", str(unit_id), route))
    return pages


@pytest.fixture
def county(db):
    units = unit_tree()
    person = person_in(units["east"], "张三", post_title="镇长", is_team_member=True)
    return person, units["east"]


def test_no_page_shows_an_empty_dashes_label_or_says_ni(signed_in, county):
    # given
    person, unit = county
    pages = _pages(person.pk, unit.pk)

    # when
    rendered = {page: signed_in.get(page) for page in pages}

    # then
    assert len(pages) > 15
    shown = {page: response.content.decode() for page, response in rendered.items()
             if response.status_code == 200 and response["Content-Type"].startswith("text/html")}
    assert len(shown) > 15, sorted(rendered)
    assert [page for page, html in shown.items() if "---------" in html] == []
    assert [page for page, html in shown.items() if "你" in re.sub(r"<[^>]+>", "", html)] == []
