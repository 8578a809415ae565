"""The forecast over rosters loaded the way users load them: through the roster import."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from cadres.people.models import Person
from cadres.people.services import roster_import
from cadres.people.tests.factories import TOWNSHIP_ROSTER, id_number, roster_row, roster_xlsx

pytestmark = pytest.mark.django_db

# In post since before the as-of dates of these tests (the forecast counts the people in post).
IN_POST = {"任现职时间": "2004.03", "任现职级时间": "2004.03"}


def test_birth_months_written_every_way_reach_the_limit_in_the_same_month():
    # given: four 副县级 born in 1955.10, written four ways; one born 1955.11; all in post
    # since 2004.03, before the as-of date
    rows = [
        roster_row(姓名="点号", 出生年月="1955.10", 身份证号="", 职务层次="副县级", **IN_POST),
        roster_row(姓名="横线", 出生年月="1955-10", 身份证号="", 职务层次="副县级", **IN_POST),
        roster_row(姓名="日期格", 出生年月=dt.date(1955, 10, 1), 身份证号="", 职务层次="副县级", **IN_POST),
        roster_row(姓名="全日期", 出生年月="1955.10.12", 身份证号=id_number("1955.10.12"),
                   职务层次="副县级", **IN_POST),
        roster_row(姓名="晚一月", 出生年月="1955.11", 身份证号="", 职务层次="副县级", **IN_POST),
    ]
    roster_import(actor=None, content=roster_xlsx(rows), file_name="roster.xlsx")
    out = io.StringIO()

    # when
    call_command("forecast", "--as-of", "2006-09-30", "--until", "2011-10-31",
                 "--limit", "副县级=56", "--json", stdout=out)

    # then
    result = json.loads(out.getvalue())
    assert (result["total"], result["reaching"], result["share"]) == (5, 4, 80.0)
    assert sorted((p["name"], p["limit_month"]) for p in result["people"]) == [
        ("全日期", "2011.10"), ("日期格", "2011.10"), ("横线", "2011.10"), ("点号", "2011.10"),
    ]


def test_township_fixture_forecast_covers_all_381_cadres():
    # given
    roster_import(actor=None, content=TOWNSHIP_ROSTER.read_bytes(), file_name="roster.xlsx")
    out = io.StringIO()

    # when
    call_command("forecast", "--as-of", "2010-06-30", "--until", "2015-12-31",
                 "--rule-set", "任职年龄界限（本地默认）", "--json", stdout=out)

    # then: the same count worked out plainly: year + age, same month, in 2010.07 … 2015.12
    result = json.loads(out.getvalue())
    ages = {"0132": 56, "0141": 55, "0142": 55}
    expected = sum(
        1 for birth, rank in Person.objects.values_list("birth_date", "rank")
        if rank in ages and (2010, 6) < (birth.year + ages[rank], birth.month) <= (2015, 12)
    )
    assert result["total"] == 381
    assert result["reaching"] == expected
    assert sum(result["by_year"].values()) == result["reaching"] == len(result["people"])
    assert result["share"] == round(result["reaching"] * 100 / 381, 2)
