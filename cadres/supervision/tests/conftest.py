"""A county with a water bureau and a township, cadres at and below 县处级副职, and users: a
干部监督科 officer maintaining the township (supervision.view + manage), a 干部科 officer viewing
the whole county (supervision.view only) and a 单位信息员 without the module's codes.

The rule `personal_matters_due` is the migrations' (1月31日; ranks 0111–0132; new_days 30;
warn_days 30); the root conftest restores it for transactional tests (which flush it)."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in, user_with_role
from cadres.org.models import Unit

LONG_AGO = dt.date(2015, 3, 1)


@pytest.fixture
def county(db):
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=top, depth=1)
    return {"top": top, "water": water, "east": east}


def cadre(unit, name, rank="0132", started=LONG_AGO, **fields):
    return person_in(unit, name, rank=rank, post_started_on=started, post_title=fields.pop("post_title", "副局长"),
                     **fields)


@pytest.fixture
def monitor(county):
    """A 干部监督科 officer maintaining the east township."""
    return user_with_role("supervision", maintained=[county["east"]], username="east-monitor")


@pytest.fixture
def viewer(county):
    """A 干部科 officer managing (view only) the whole county."""
    return user_with_role("cadre_office", managed=[county["top"]], username="county-viewer")


@pytest.fixture
def clerk(county):
    """A 单位信息员 of the east township: no supervision code."""
    return user_with_role("unit_clerk", maintained=[county["east"]], username="east-clerk")
