import datetime as dt

import pytest

from cadres.core.dates import InvalidDate, add_months, age_on, format_month, parse_month


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1975.03", (dt.date(1975, 3, 1), False)),
        ("1975-03", (dt.date(1975, 3, 1), False)),
        ("1975/03", (dt.date(1975, 3, 1), False)),
        ("1975.3", (dt.date(1975, 3, 1), False)),
        (" 1975.03 ", (dt.date(1975, 3, 1), False)),
        ("1975年3月", (dt.date(1975, 3, 1), False)),
        ("197503", (dt.date(1975, 3, 1), False)),
        ("1975.03.12", (dt.date(1975, 3, 12), True)),
        ("1975-03-12", (dt.date(1975, 3, 12), True)),
        ("1975年3月12日", (dt.date(1975, 3, 12), True)),
        ("19750312", (dt.date(1975, 3, 12), True)),
        ("1975-03-01", (dt.date(1975, 3, 1), False)),
        (dt.date(1975, 3, 12), (dt.date(1975, 3, 12), True)),
        (dt.date(1975, 3, 1), (dt.date(1975, 3, 1), False)),
        (dt.datetime(1975, 3, 12, 0, 0), (dt.date(1975, 3, 12), True)),
        (1975.1, (dt.date(1975, 10, 1), False)),
        (1975.03, (dt.date(1975, 3, 1), False)),
        (1975.12, (dt.date(1975, 12, 1), False)),
        (197503, (dt.date(1975, 3, 1), False)),
        (197503.0, (dt.date(1975, 3, 1), False)),
        (19750312.0, (dt.date(1975, 3, 12), True)),
    ],
)
def test_parse_month_accepts_what_rosters_write(value, expected):
    # when
    parsed = parse_month(value)

    # then
    assert parsed == expected


@pytest.mark.parametrize(
    "value",
    ["1975.13", "1975.00", "1975-13", "1975.02.30", "197513", "1975", "75.03", "abc", "", "1975.1.1.1",
     "0000.01", 1975.13, 1975.5, True],
)
def test_parse_month_refuses_impossible_months(value):
    # when / then
    with pytest.raises(InvalidDate):
        parse_month(value)


def test_format_month_writes_the_roster_form():
    # when / then
    assert format_month(dt.date(1975, 3, 1)) == "1975.03"
    assert format_month(dt.date(1975, 3, 12), day_known=True) == "1975.03.12"
    assert format_month(None) == ""


def test_age_on_counts_whole_years_with_the_birthday_included():
    # given
    birth = dt.date(1975, 3, 1)

    # when / then
    assert age_on(birth, dt.date(2010, 2, 28)) == 34
    assert age_on(birth, dt.date(2010, 3, 1)) == 35


def test_add_months_clamps_to_the_end_of_the_month():
    # when / then
    assert add_months(dt.date(2011, 1, 31), 1) == dt.date(2011, 2, 28)
    assert add_months(dt.date(1955, 10, 1), 56 * 12) == dt.date(2011, 10, 1)
