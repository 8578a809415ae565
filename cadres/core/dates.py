"""Dates as cadre records write them: months like 1975.03 and the age arithmetic on them."""

import datetime as dt
import re

_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?)?\s*月?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")


class InvalidDate(ValueError):
    """A value that cannot be read as a year-month or a date."""


def parse_month(value: object) -> tuple[dt.date, bool]:
    """Read a month or date as rosters write it.

    Returns the date (the 1st when only the month is given) and whether the day is known;
    a day of 1 counts as the month alone, since a month that passed through a date comes back
    as its 1st.
    Accepts 1975.03, 1975-03, 1975/03, 1975年3月, 197503, 1975.03.12, 1975-03-12, 19750312,
    a date or datetime cell (the 1st of a month reads as the month alone), and a number cell
    such as 1975.03 or 197503 (Excel turns 1975.10 into 1975.1, so one decimal digit is read as
    the tens of the month).
    """
    if type(value) is str and len(value) == 7 and value[4] in ".-/":
        # The common case, 1975.03 or 1975-03, without a regex.
        year, month = value[:4], value[5:]
        if year.isdigit() and month.isdigit():
            try:
                return dt.date(int(year), int(month), 1), False
            except ValueError as error:
                raise InvalidDate(value) from error
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        # Excel stores a typed month (1975-03) as its 1st day, so the 1st means "the month".
        return value, value.day != 1
    if isinstance(value, bool):
        raise InvalidDate(str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        text = f"{value:.2f}"
    else:
        text = str(value)
    match = _DATE_TEXT.match(text) or _COMPACT.match(text)
    if not match:
        raise InvalidDate(text)
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            date = dt.date(int(year), int(month), int(day))
            # As with date cells: a month that went through a date (Excel, CSV) comes back as
            # its 1st, so the 1st is read as the month alone.
            return date, date.day != 1
        return dt.date(int(year), int(month), 1), False
    except ValueError as error:
        raise InvalidDate(text) from error


def format_month(value: dt.date | None, *, day_known: bool = False) -> str:
    """1975.03, or 1975.03.12 when the day is known; empty for no date."""
    if value is None:
        return ""
    if day_known:
        return f"{value.year}.{value.month:02d}.{value.day:02d}"
    return f"{value.year}.{value.month:02d}"


def format_day(value: dt.date | None) -> str:
    """2023.01.20, as the department writes a date; empty for no date."""
    return format_month(value, day_known=True)


def age_on(birth: dt.date, as_of: dt.date) -> int:
    """Whole years of age on a date (a birthday on the as-of date counts)."""
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def add_months(value: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (used for age limits)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (value.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
