"""The official calendar of working days (工作日): the State Council's holidays and make-up
working days (调休上班), not just Monday to Friday.

Where a day's status comes from, first match wins:
1. a `CalendarDay` row (a deployment's own entry: next year's calendar, or a correction);
2. the `chinesecalendar` package, for the years it knows;
3. Monday to Friday (a year nobody has entered: `calendar_known(year)` is False, and callers
   warn about it).

Periods count both ends: `workdays_between(start, end)` is the working days in [start, end],
and `add_workdays(start, count)` the last day of the shortest period starting on `start` that
holds `count` working days (`start` counted when it is one), so that
`workdays_between(start, add_workdays(start, n)) == n`.
"""

import datetime as dt
from collections.abc import Iterator

import chinese_calendar

from cadres.cases.models import CalendarDay

_DAY = dt.timedelta(days=1)
# Days of CalendarDay rows read at once while walking forward.
_CHUNK = 120


def _package_years() -> range:
    years = {day.year for day in chinese_calendar.constants.holidays}
    years |= {day.year for day in chinese_calendar.constants.workdays}
    return range(min(years), max(years) + 1) if years else range(0)


PACKAGE_YEARS = _package_years()


def _default_workday(day: dt.date) -> bool:
    """The package's answer for the years it knows, else Monday to Friday."""
    if day.year in PACKAGE_YEARS:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def _entered(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The CalendarDay rows in [start, end]: date → is a working day."""
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end)
                .values_list("date", "is_workday"))


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day on the official calendar."""
    entered = CalendarDay.objects.filter(date=day).values_list("is_workday", flat=True).first()
    if entered is not None:
        return bool(entered)
    return _default_workday(day)


def calendar_known(year: int) -> bool:
    """Whether the year's holidays are known: the package covers it, or rows were entered."""
    return year in PACKAGE_YEARS or CalendarDay.objects.filter(date__year=year).exists()


def years_unknown(start: dt.date, end: dt.date) -> list[int]:
    """The years from start's to end's whose calendar is not known (Monday–Friday assumed)."""
    return [year for year in range(start.year, end.year + 1) if not calendar_known(year)]


def _days_from(start: dt.date) -> Iterator[tuple[dt.date, bool]]:
    """(day, is working day) from `start` on, reading CalendarDay rows a chunk at a time."""
    chunk_start = start
    while True:
        chunk_end = chunk_start + dt.timedelta(days=_CHUNK - 1)
        entered = _entered(chunk_start, chunk_end)
        day = chunk_start
        while day <= chunk_end:
            yield day, entered[day] if day in entered else _default_workday(day)
            day += _DAY
        chunk_start = chunk_end + _DAY


def add_workdays(start: dt.date, count: int) -> dt.date:
    """The last day of the period starting on `start` that holds `count` working days (`start`
    counted when it is a working day): a 公示 of 5 working days from `start` ends on it."""
    if count < 1:
        raise ValueError("工作日数须为正整数")
    found = 0
    for day, working in _days_from(start):
        if working:
            found += 1
            if found == count:
                return day
    raise AssertionError("unreachable")  # pragma: no cover


def workdays_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie in [start, end] (0 when end is before start)."""
    if end < start:
        return 0
    entered = _entered(start, end)
    count = 0
    day = start
    while day <= end:
        if entered[day] if day in entered else _default_workday(day):
            count += 1
        day += _DAY
    return count
