"""A county with two townships (乡镇) and a bureau, people in post, and users who maintain
(信息维护) a township, only view the county, or hold no assessment code."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in, user_with_role
from cadres.org.models import Unit

YEAR = 2023


@pytest.fixture
def county(db):
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=top, depth=1, unit_type="乡镇")
    west = Unit.objects.create(name="西岭镇", path="青岚县/西岭镇", parent=top, depth=1, unit_type="乡镇")
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1, unit_type="县直部门")
    return {"top": top, "east": east, "west": west, "water": water}


def staff(unit, count, prefix="干部", **fields):
    """`count` people in post in `unit` since 2010, with valid distinct 身份证号."""
    from cadres.core.idcard import check_digit

    people = []
    for index in range(count):
        first17 = f"330102198001{(index % 28) + 1:02d}{unit.pk % 10}{index // 28}{index % 10}"
        people.append(person_in(unit, f"{prefix}{index + 1}", post_started_on=dt.date(2010, 1, 1),
                                id_number=first17 + check_digit(first17), **fields))
    return people


@pytest.fixture
def officer_east(county):
    """A 干部科 officer maintaining the east township (assessments.view + manage)."""
    return user_with_role("cadre_office", maintained=[county["east"]])


@pytest.fixture
def county_viewer(county):
    """A 干部科 officer managing (view only) the whole county."""
    return user_with_role("cadre_office", managed=[county["top"]])


@pytest.fixture
def clerk(county):
    """A 单位信息员 of the east township: no assessment code."""
    return user_with_role("unit_clerk", maintained=[county["east"]])
