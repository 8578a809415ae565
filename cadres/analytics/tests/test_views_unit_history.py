"""The structure report across a 机构改革: two townships merged on a date — a report before the
date shows both, after it one; a renamed unit reads under the name it had on the 截止日期; and
the report's 领导职数 column per team, with 超职数 / 缺职 and a total."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.analytics.selectors import structure_report
from cadres.analytics.tests.conftest import import_rows, person_row
from cadres.org.models import Unit
from cadres.org.selectors import unit_name_on, units_on
from cadres.org.services import unit_merge, unit_quota_set, unit_rename

pytestmark = pytest.mark.django_db

MERGED_ON = dt.date(2020, 7, 1)
BEFORE, AFTER = MERGED_ON - dt.timedelta(days=1), MERGED_ON


@pytest.fixture
def townships(officer):
    rows = []
    for serial, (town, title) in enumerate([
        ("东坑镇", "党委书记"), ("东坑镇", "副镇长"), ("东坑镇", "科员"),
        ("南塘镇", "党委书记"), ("南塘镇", "党委副书记、镇长"), ("南塘镇", "副镇长"), ("南塘镇", "科员"),
    ], start=1):
        team = "否" if title == "科员" else "是"
        rank = "科员" if title == "科员" else ("正科级" if "副镇长" != title else "副科级")
        rows.append(person_row(serial, "1975.03", 单位=f"平阳县/{town}", 职务=title, 是否班子成员=team, 职务层次=rank))
    import_rows(officer, rows)
    return Unit.objects.get(path="平阳县/东坑镇"), Unit.objects.get(path="平阳县/南塘镇")


def team_rows(response) -> dict[str, tuple]:
    return {row.name: (row.principals, row.deputies, row.over, row.vacant) for row in response.context["quotas"]}


def test_two_townships_merged_on_a_date(signed_in, officer, townships):
    # given
    east, south = townships
    unit_merge(actor=officer, unit=east, into=south, merged_on=MERGED_ON, document="平委〔2020〕30号")
    # when
    before = signed_in.get(reverse("analytics:structure"), {"as_of": BEFORE.isoformat()})
    after = signed_in.get(reverse("analytics:structure"), {"as_of": AFTER.isoformat()})
    # then: the teams of the date, under their names then
    assert set(team_rows(before)) == {"东坑镇", "南塘镇"}
    assert team_rows(before)["东坑镇"] == (1, 1, 0, 0)
    assert set(team_rows(after)) == {"南塘镇"}
    assert team_rows(after)["南塘镇"] == (3, 2, 0, 0)
    assert "东坑镇" in before.content.decode()
    assert "东坑镇" not in after.content.decode().split('id="team-quotas"')[1]
    # and the report (analytics.selectors as they are) counts each township's people on the date
    east_before = structure_report(actor=officer, as_of=BEFORE, unit=east, team_members_only=False)
    east_after = structure_report(actor=officer, as_of=AFTER, unit=east, team_members_only=False)
    south_before = structure_report(actor=officer, as_of=BEFORE, unit=south, team_members_only=False)
    south_after = structure_report(actor=officer, as_of=AFTER, unit=south, team_members_only=False)
    assert (east_before["total"], south_before["total"]) == (3, 4)
    assert (east_after["total"], south_after["total"]) == (0, 7)
    county_levels = {date: [row.name for row in units_on(date) if row.level == 1] for date in (BEFORE, AFTER)}
    assert sorted(county_levels[BEFORE]) == ["东坑镇", "南塘镇"]
    assert county_levels[AFTER] == ["南塘镇"]


def test_a_renamed_township_reads_under_its_name_of_the_date(signed_in, officer, townships):
    # given
    east, _ = townships
    unit_rename(actor=officer, unit=east, name="东坑街道", changed_on=MERGED_ON, document="平委〔2020〕31号")
    east.refresh_from_db()
    # when
    before = signed_in.get(reverse("analytics:structure"), {"as_of": BEFORE.isoformat(), "unit": east.pk})
    after = signed_in.get(reverse("analytics:structure"), {"as_of": AFTER.isoformat(), "unit": east.pk})
    # then
    assert (unit_name_on(east, BEFORE), unit_name_on(east, AFTER)) == ("东坑镇", "东坑街道")
    assert set(team_rows(before)) == {"东坑镇"}
    assert set(team_rows(after)) == {"东坑街道"}
    assert before.context["report"]["scope"].startswith("平阳县/东坑镇")
    assert after.context["report"]["scope"].startswith("平阳县/东坑街道")


def test_leader_posts_column_with_over_vacant_and_total(signed_in, officer, townships):
    # given: 东坑镇 正职 1 副职 3 (缺职 2); 南塘镇 正职 1 副职 1 (超职数 1)
    east, south = townships
    unit_quota_set(actor=officer, unit=east, principal_posts=1, deputy_posts=3, changed_on=dt.date(2010, 1, 1))
    unit_quota_set(actor=officer, unit=south, principal_posts=1, deputy_posts=1, changed_on=dt.date(2010, 1, 1))
    # when
    response = signed_in.get(reverse("analytics:structure"), {"as_of": "2015-01-01"})
    # then
    assert team_rows(response) == {"东坑镇": (1, 1, 0, 2), "南塘镇": (2, 1, 1, 0)}
    totals = response.context["quota_totals"]
    assert (totals.principal_posts, totals.deputy_posts, totals.over, totals.vacant) == (2, 4, 1, 2)
    html = response.content.decode()
    assert 'data-team="total"' in html
    # before the numbers were approved, none is shown and nothing is over or vacant
    early = signed_in.get(reverse("analytics:structure"), {"as_of": "2009-01-01"})
    assert all(row.principal_posts is None for row in early.context["quotas"])
