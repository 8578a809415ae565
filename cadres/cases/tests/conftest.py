"""A county with a water bureau (a team with 领导职数) and two townships, the cadres of the
bureau's team, and the users who work on cases: the cadre office (干部科) maintaining the county,
the supervision office and a clerk of one township."""

import datetime as dt
from typing import Any

import pytest

from cadres.accounts.testing import person_in, user_with_role
from cadres.org.models import Unit


@pytest.fixture
def county(db: Any) -> dict[str, Unit]:
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1,
                                unit_type="党政工作部门", principal_posts=1, deputy_posts=3)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=top, depth=1, unit_type="乡镇")
    west = Unit.objects.create(name="西岭镇", path="青岚县/西岭镇", parent=top, depth=1, unit_type="乡镇")
    return {"top": top, "water": water, "east": east, "west": west}


@pytest.fixture
def team(county: dict[str, Unit]) -> dict[str, Any]:
    """The water bureau's team: a director and two deputies; a 副镇长 of 东坑镇 who may be promoted."""
    water, east = county["water"], county["east"]
    return {
        "director": person_in(water, "李局长", post_title="局长", rank="0141", is_team_member=True,
                              post_started_on=dt.date(2019, 3, 1), birth_date=dt.date(1970, 4, 1),
                              work_started_on=dt.date(1992, 7, 1), full_time_education="20"),
        "deputy": person_in(water, "王副局长", post_title="副局长", rank="0142", is_team_member=True,
                            post_started_on=dt.date(2020, 6, 1), birth_date=dt.date(1982, 9, 1),
                            work_started_on=dt.date(2004, 7, 1), full_time_education="20"),
        "deputy_two": person_in(water, "陈副局长", post_title="副局长", rank="0142", is_team_member=True,
                                post_started_on=dt.date(2021, 1, 1), birth_date=dt.date(1985, 2, 1),
                                work_started_on=dt.date(2007, 7, 1), sex="2", full_time_education="20"),
        "candidate": person_in(east, "赵副镇长", post_title="副镇长", rank="0142", is_team_member=True,
                               post_started_on=dt.date(2022, 3, 1), birth_date=dt.date(1986, 11, 1),
                               work_started_on=dt.date(2008, 8, 1), full_time_education="20"),
    }


@pytest.fixture
def officer(county: dict[str, Unit]) -> Any:
    """干部科: runs cases over the whole county."""
    return user_with_role("cadre_office", maintained=[county["top"]])


@pytest.fixture
def supervisor(county: dict[str, Unit]) -> Any:
    """干部监督科: handles comments on 公示."""
    return user_with_role("supervision", maintained=[county["top"]])


@pytest.fixture
def east_clerk(county: dict[str, Unit]) -> Any:
    """A 单位信息员 of 东坑镇: no case codes at all."""
    return user_with_role("unit_clerk", maintained=[county["east"]])

