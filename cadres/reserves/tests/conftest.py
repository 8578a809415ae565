"""A county with a township and a bureau, reserves to put in pools, and the users."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in, user_with_role
from cadres.org.models import Unit

ON = dt.date(2026, 6, 30)


@pytest.fixture
def county(db):
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=top, depth=1,
                               principal_posts=2, deputy_posts=3)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1,
                                principal_posts=1, deputy_posts=2)
    return {"top": top, "east": east, "water": water}


@pytest.fixture
def make_person(county):
    counter = iter(range(1, 1000))

    def make(*, age: int = 40, sex: str = "1", political_status: str = "01", unit: str = "water",
             rank: str = "0150", name: str = "", **fields):
        birth = dt.date(ON.year - age, 1, 1)
        return person_in(county[unit], name or f"干部{next(counter)}", birth_date=birth, sex=sex,
                         political_status=political_status, rank=rank, **fields)

    return make


@pytest.fixture
def officer(county):
    """干部科 over the whole county."""
    return user_with_role("cadre_office", maintained=[county["top"]])


@pytest.fixture
def water_officer(county):
    return user_with_role("cadre_office", maintained=[county["water"]])
