"""Pages of the unit tree: staffing figures for each unit and its subtree, and the unit page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cadres.accounts.testing import person_in
from cadres.org.models import Unit
from cadres.org.selectors import unit_tree
from cadres.people.models import Person
from cadres.people.services import roster_import
from cadres.people.tests.factories import TOWNSHIP_ROSTER

pytestmark = pytest.mark.django_db

FIXTURE = TOWNSHIP_ROSTER


@pytest.fixture
def township(officer):
    roster_import(actor=officer, content=FIXTURE.read_bytes(), file_name="roster.xlsx")


def row_figures(html: str, path: str) -> list[str]:
    """The text of the 核定, 在编 and 缺编 cells of a unit's row in the tree table."""
    row = html[html.index(f'<tr data-unit="{path}">'):]
    row = row[:row.index("</tr>")]
    cells = [re.search(rf'data-figure="{name}">(.*?)</td>', row, re.S).group(1)
             for name in ("authorized", "in_post", "balance")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def make_unit(name, parent=None, staffing=None):
    path = f"{parent.path}/{name}" if parent else name
    return Unit.objects.create(name=name, path=path, parent=parent, depth=path.count("/"),
                               authorized_staffing=staffing)


def make_person(name, unit):
    return person_in(unit, name, birth_date=dt.date(1975, 3, 1))


def test_unit_tree_of_the_township_roster(signed_in, township):
    # when
    response = signed_in.get(reverse("org:unit_tree"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert row_figures(html, "临江市") == ["486", "381", "105"]
    rows = response.context["rows"]
    # In the order of the file's 单位 sheet (each new unit's 排序号 in steps of 10), not code-point order.
    assert [row.unit.name for row in rows if row.level == 1] == [
        "石梁镇", "东岙镇", "西溪镇", "南港镇", "北山镇", "青田镇", "白沙镇", "黄坦镇", "凤卧镇", "水头镇",
        "萧江镇", "麻步镇", "腾蛟镇", "山门镇"]
    assert [unit.sort_order for unit in Unit.objects.filter(depth=1)] == list(range(10, 150, 10))
    assert len([row for row in rows if row.level == 1]) == 14
    assert sum(row.in_post for row in rows if row.level == 1) == 381
    assert "凤卧镇" in html


def test_unit_tree_sums_subtrees_and_shows_over_staffing(signed_in):
    # given
    county = make_unit("平阳县", staffing=2)
    bureau = make_unit("县卫生局", county, staffing=3)
    office = make_unit("卫生监督所", bureau)
    school = make_unit("县教育局", county)
    for number in range(2):
        make_person(f"局{number}", bureau)
    for number in range(3):
        make_person(f"所{number}", office)
    make_person("教", school)
    # when
    response = signed_in.get(reverse("org:unit_tree"))
    # then
    html = response.content.decode()
    assert row_figures(html, "平阳县") == ["5", "6", "超编 1"]
    assert row_figures(html, "平阳县/县卫生局") == ["3", "5", "超编 2"]
    assert row_figures(html, "平阳县/县卫生局/卫生监督所") == ["—", "3", "—"]
    assert row_figures(html, "平阳县/县教育局") == ["—", "1", "—"]
    assert [(row.unit.name, row.level) for row in response.context["rows"]] == [
        ("平阳县", 0), ("县卫生局", 1), ("卫生监督所", 2), ("县教育局", 1)]


def test_unit_tree_uses_a_fixed_number_of_queries(officer, township, django_assert_max_num_queries):
    # when / then: not one query per unit
    with django_assert_max_num_queries(4):
        rows = unit_tree(actor=officer)
    assert len(rows) == 15


def test_unit_page_shows_figures_team_and_links_to_the_roster(signed_in, township):
    # given
    town = Unit.objects.get(path="临江市/凤卧镇")
    team = Person.objects.filter(unit=town, is_team_member=True)
    # when
    response = signed_in.get(reverse("org:unit_detail", args=[town.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/people/?unit={town.pk}"' in html
    in_post = Person.objects.filter(unit=town).count()
    assert f'data-figure="in_post">{in_post}<' in html
    assert team.exists()
    for person in team:
        assert f'<a href="/people/{person.pk}/">{person.name}</a>' in html


def test_roster_link_of_a_unit_lists_its_people(signed_in, township):
    # given
    town = Unit.objects.get(path="临江市/凤卧镇")
    # when
    response = signed_in.get(reverse("people:roster"), {"unit": town.pk})
    # then
    count = Person.objects.filter(unit=town).count()
    assert f"共 <strong>{count}</strong> 人" in response.content.decode()


def test_unknown_unit_is_404(signed_in):
    # when
    response = signed_in.get(reverse("org:unit_detail", args=[999999]))
    # then
    assert response.status_code == 404
