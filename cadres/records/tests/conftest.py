"""A county with a water bureau and two townships, a cadre in the bureau, and the users who
maintain (信息维护) or only manage (管理) them."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in, user_with_role
from cadres.org.models import Unit


@pytest.fixture
def county(db):
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=top, depth=1)
    west = Unit.objects.create(name="西岭镇", path="青岚县/西岭镇", parent=top, depth=1)
    flood = Unit.objects.create(name="县防汛抗旱指挥部办公室", path="青岚县/县防汛抗旱指挥部办公室",
                                parent=top, depth=1)
    return {"top": top, "water": water, "east": east, "west": west, "flood": flood}


@pytest.fixture
def cadre(county):
    return person_in(county["water"], "王建国", post_title="科员", rank="0150",
                     post_started_on=dt.date(2003, 7, 1), birth_date=dt.date(1980, 5, 1))


@pytest.fixture
def other_cadre(county):
    return person_in(county["west"], "赵西岭", post_title="副镇长")


@pytest.fixture
def clerk(county):
    """A 单位信息员 maintaining the water bureau (no sensitive access)."""
    return user_with_role("unit_clerk", maintained=[county["water"]])


@pytest.fixture
def cadre_officer(county):
    """A 干部科 officer maintaining the water bureau and the east township (may open files)."""
    return user_with_role("cadre_office", maintained=[county["water"], county["east"]])


@pytest.fixture
def viewer(county):
    """Manages the whole county (管理权限) but maintains nothing."""
    return user_with_role("cadre_office", managed=[county["top"]])
