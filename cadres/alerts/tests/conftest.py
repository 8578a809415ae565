"""A county with a water bureau and a township, cadres in each, and the users who see warnings
about all of them, about the water bureau only, or none at all.

ON is the day every test computes warnings on; the rule rows are the defaults of the
migrations (warn_age_limit 12 months, warn_probation 30 days, sanction_ending 30 days,
rating_incompetent_share 1/3); the root conftest restores them for transactional tests (which flush them)."""

import datetime as dt

import pytest

from cadres.accounts.testing import person_in, user_with_role
from cadres.org.models import Unit

ON = dt.date(2026, 12, 1)


@pytest.fixture
def county(db):
    top = Unit.objects.create(name="青岚县", path="青岚县", depth=0)
    water = Unit.objects.create(name="县水利局", path="青岚县/县水利局", parent=top, depth=1)
    east = Unit.objects.create(name="东坑镇", path="青岚县/东坑镇", parent=top, depth=1)
    return {"top": top, "water": water, "east": east}


@pytest.fixture
def water_cadre(county):
    return person_in(county["water"], "王建国", post_title="副局长", rank="0142",
                     birth_date=dt.date(1985, 5, 1))


@pytest.fixture
def east_cadre(county):
    return person_in(county["east"], "赵东坑", post_title="副镇长", rank="0142",
                     birth_date=dt.date(1985, 6, 1))


@pytest.fixture
def officer(county):
    """A 干部科 officer managing the whole county."""
    return user_with_role("cadre_office", managed=[county["top"]], username="county-officer")


@pytest.fixture
def water_officer(county):
    """A 干部科 officer whose scope is the water bureau only."""
    return user_with_role("cadre_office", maintained=[county["water"]], username="water-officer")


@pytest.fixture
def clerk(county):
    """A 单位信息员 of the water bureau: no alerts.view."""
    return user_with_role("unit_clerk", maintained=[county["water"]], username="water-clerk")
