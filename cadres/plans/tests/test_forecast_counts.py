"""The forecast's counts (one grouped query over birth-month buckets) against the per-person
arithmetic of rules.py, on rosters whose births crowd the period's edges."""

import datetime as dt
import random
from collections import Counter

import pytest

from cadres.accounts.selectors import SYSTEM_READER
from cadres.core import codes
from cadres.core.dates import add_months
from cadres.people.models import Person
from cadres.plans.rules import SimpleLimit, limit_for, reach_date
from cadres.plans.selectors import age_limit_forecast, period_edges
from cadres.plans.tests.factories import (
    LOCAL_RULE_SET,
    NATIONAL_RULE_SET,
    make_person,
    make_unit,
    rule_set,
)

pytestmark = pytest.mark.django_db

WOMEN_50 = "女职工（原法定退休年龄50周岁）"
MIXED = [
    SimpleLimit(rank="", age_years=60),
    SimpleLimit(rank="", sex=codes.Sex.FEMALE, age_years=55),
    SimpleLimit(rank="0131", age_years=57),
    SimpleLimit(rank="0131", sex=codes.Sex.FEMALE, age_years=56, extra_months=6),
    SimpleLimit(rank="0142", age_years=55, raise_from=dt.date(1960, 3, 1),
                raise_every_months=3, raise_cap_months=12),
]


def _expected(limits, *, as_of, until, group=""):
    """The figures person by person, as rules.py defines them."""
    counts = Counter()
    by_year = Counter()
    for person in Person.objects.all():
        counts["total"] += 1
        limit = (limit_for(limits, rank=person.rank, sex=person.sex, group=group)
                 if person.rank in codes.RANK else None)
        if limit is None:
            continue
        reached = reach_date(limit, person.birth_date)
        if reached <= as_of:
            counts["already_reached"] += 1
        elif reached <= until:
            counts["reaching"] += 1
            by_year[str(reached.year)] += 1
            counts["women"] += person.sex == codes.Sex.FEMALE
            counts["non_party"] += person.is_non_party
            counts["minority"] += person.is_minority
    years = range(as_of.year, until.year + 1)
    return dict(counts), {str(year): by_year[str(year)] for year in years}


@pytest.fixture
def crowded_roster():
    """120 people of every rank, born in the months around the limits' edges of 2010…2016,
    some with a real birth day."""
    rng = random.Random(20100630)
    unit = make_unit("某县")
    ranks = list(codes.RANK.values())
    for _ in range(120):
        age = rng.choice([50, 55, 56, 57, 58, 60, 61])
        birth = add_months(dt.date(2010 - age, 1, 1), rng.randint(-14, 90))
        person = make_person(
            unit, birth=f"{birth.year}.{birth.month:02d}", rank=rng.choice(ranks),
            sex=rng.choice(["男", "男", "女"]),
            political_status=rng.choice(["中共党员", "中共党员", "无党派人士"]),
            ethnicity=rng.choice(["汉族", "汉族", "畲族"]),
        )
        if rng.random() < 0.3:
            Person.objects.filter(pk=person.pk).update(
                birth_date=birth.replace(day=rng.randint(2, 28)), birth_day_known=True
            )
    return unit


@pytest.mark.parametrize(
    ("as_of", "until"),
    [
        (dt.date(2010, 6, 30), dt.date(2016, 6, 30)),
        (dt.date(2010, 12, 31), dt.date(2015, 12, 31)),  # both on a year end
        (dt.date(2011, 1, 1), dt.date(2011, 1, 1)),  # an empty period
        (dt.date(2012, 3, 15), dt.date(2011, 1, 1)),  # until before as_of
        (dt.date(2012, 3, 15), dt.date(2012, 4, 1)),  # within one year
    ],
)
@pytest.mark.parametrize("limits", ["local", "national", "mixed", "ages"])
def test_counts_match_the_per_person_arithmetic(crowded_roster, as_of, until, limits):
    limit_list = {
        "local": lambda: list(rule_set(LOCAL_RULE_SET).limits.all()),
        "national": lambda: list(rule_set(NATIONAL_RULE_SET).limits.all()),
        "mixed": lambda: MIXED,
        "ages": lambda: [SimpleLimit(rank="0131", age_years=57), SimpleLimit(rank="0150", age_years=58)],
    }[limits]()

    result = age_limit_forecast(actor=SYSTEM_READER, as_of=as_of, until=until, limits=limit_list)

    counts, by_year = _expected(limit_list, as_of=as_of, until=until)
    figures = ("total", "reaching", "already_reached", "women", "non_party", "minority")
    assert {name: result[name] for name in figures} == {name: counts.get(name, 0) for name in figures}
    assert result["by_year"] == by_year
    assert result["reaching"] == len(result["people"])


def test_counts_of_a_group_use_that_groups_limits(crowded_roster):
    limits = list(rule_set(NATIONAL_RULE_SET).limits.all())
    as_of, until = dt.date(2010, 6, 30), dt.date(2016, 6, 30)

    result = age_limit_forecast(actor=SYSTEM_READER, as_of=as_of, until=until, limits=limits,
                                group=WOMEN_50)

    counts, by_year = _expected(limits, as_of=as_of, until=until, group=WOMEN_50)
    assert (result["total"], result["reaching"], result["already_reached"], result["women"]) == (
        counts["total"], counts.get("reaching", 0), counts.get("already_reached", 0),
        counts.get("women", 0),
    )
    assert result["by_year"] == by_year


@pytest.mark.parametrize(
    ("as_of", "until", "edges"),
    [
        (dt.date(2010, 6, 30), dt.date(2012, 6, 30),
         [dt.date(2010, 6, 30), dt.date(2010, 12, 31), dt.date(2011, 12, 31), dt.date(2012, 6, 30)]),
        (dt.date(2010, 12, 31), dt.date(2011, 12, 31),
         [dt.date(2010, 12, 31), dt.date(2011, 12, 31)]),
        (dt.date(2010, 6, 30), dt.date(2010, 6, 30), [dt.date(2010, 6, 30)]),
        (dt.date(2010, 6, 30), dt.date(2009, 1, 1), [dt.date(2010, 6, 30)]),
    ],
)
def test_period_edges_split_the_period_at_year_ends(as_of, until, edges):
    assert period_edges(as_of, until) == edges
