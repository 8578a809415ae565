"""The official calendar: 国庆 2026 with its make-up working days (Sun 2026-09-20, Sat
2026-10-10, as chinesecalendar 1.11.0 has them; 中秋 Fri 2026-09-25 is off), entered rows
winning over the package, an unknown year counted Monday–Friday with a warning, and the
`cadres workdays` command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from cadres.audit.models import AuditEvent
from cadres.cases.actions import CaseAction
from cadres.cases.models import CalendarDay
from cadres.cases.workdays import add_workdays, calendar_known, is_workday, workdays_between

pytestmark = pytest.mark.django_db

D = dt.date


def test_the_package_knows_2026_national_day_and_its_make_up_days():
    assert all(not is_workday(D(2026, 10, day)) for day in range(1, 8))
    assert is_workday(D(2026, 9, 20))      # a Sunday worked (调休上班)
    assert is_workday(D(2026, 10, 10))     # a Saturday worked
    assert not is_workday(D(2026, 10, 11))  # an ordinary Sunday
    assert not is_workday(D(2026, 9, 25))   # 中秋节, a Friday


def test_a_publicity_across_national_day_counts_the_make_up_saturday():
    # 09-28, 09-29, 09-30, 10-08, 10-09 are five working days; 10-10 (Saturday) is a sixth.
    assert workdays_between(D(2026, 9, 28), D(2026, 10, 8)) == 4
    assert workdays_between(D(2026, 9, 28), D(2026, 10, 9)) == 5
    assert workdays_between(D(2026, 9, 28), D(2026, 10, 10)) == 6
    assert add_workdays(D(2026, 9, 28), 5) == D(2026, 10, 9)
    assert add_workdays(D(2026, 9, 28), 4) == D(2026, 10, 8)
    # Starting on a day off: the start is not counted, the period still starts there.
    assert add_workdays(D(2026, 10, 3), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 10, 3), 3) == D(2026, 10, 10)
    # Starting on a working day counts it.
    assert add_workdays(D(2026, 10, 10), 1) == D(2026, 10, 10)


def test_between_counts_both_ends_and_nothing_when_reversed():
    assert workdays_between(D(2026, 10, 9), D(2026, 10, 9)) == 1
    assert workdays_between(D(2026, 10, 11), D(2026, 10, 11)) == 0
    assert workdays_between(D(2026, 10, 12), D(2026, 10, 9)) == 0
    with pytest.raises(ValueError):
        add_workdays(D(2026, 10, 9), 0)


def test_an_unknown_year_is_monday_to_friday_until_entered_and_entries_win():
    assert not calendar_known(2027)
    assert calendar_known(2026)
    assert is_workday(D(2027, 1, 1))  # a Friday, unknown year: counted as working
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 2), is_workday=True, name="调休上班")
    assert calendar_known(2027)
    assert not is_workday(D(2027, 1, 1))
    assert is_workday(D(2027, 1, 2))
    assert workdays_between(D(2026, 12, 31), D(2027, 1, 4)) == 3  # 12-31, 01-02, 01-04
    assert add_workdays(D(2027, 1, 1), 2) == D(2027, 1, 4)
    # An entry corrects the package too.
    CalendarDay.objects.create(date=D(2026, 10, 9), is_workday=False, name="更正")
    assert workdays_between(D(2026, 9, 28), D(2026, 10, 10)) == 5


def test_a_long_period_reads_entries_beyond_the_first_chunk():
    CalendarDay.objects.create(date=D(2027, 6, 14), is_workday=False, name="端午节")
    # From Monday 2027-03-01, 75 Mon–Fri working days end on Friday 2027-06-11; 76 would be
    # Monday 06-14, which is entered as a day off, so 76 ends on Tuesday 06-15.
    assert add_workdays(D(2027, 3, 1), 75) == D(2027, 6, 11)
    assert add_workdays(D(2027, 3, 1), 76) == D(2027, 6, 15)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_the_last_day_and_the_count():
    out, err = run("--from", "2026-09-28", "--count", "5")
    assert out.splitlines()[0] == "2026-10-09"
    assert err == ""
    out, _ = run("--from", "2026-09-28", "--count", "4")
    assert out.splitlines()[0] == "2026-10-08"
    out, _ = run("--from", "2026-09-28", "--to", "2026-10-10")
    assert out.splitlines()[0] == "6"


def test_command_warns_on_stderr_for_an_unknown_year_and_refuses_bad_input():
    out, err = run("--from", "2026-12-28", "--count", "5")
    assert out.splitlines()[0] == "2027-01-01"
    assert "2027年的节假日安排未知" in err
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--from", "2026/09/28", "--count", "5")
    with pytest.raises(CommandError, match="二者选一"):
        run("--from", "2026-09-28")
    with pytest.raises(CommandError, match="正整数"):
        run("--from", "2026-09-28", "--count", "0")


def test_command_loads_a_calendar_all_or_nothing(tmp_path):
    good = tmp_path / "2027.csv"
    good.write_text("日期,类别,说明\n2027-01-01,休息,元旦\n2027.02.07,上班,春节调休上班\n", encoding="utf-8")
    out, err = run("--load", str(good))
    assert out.splitlines()[0] == "2"
    assert "已导入2天" in err
    assert not is_workday(D(2027, 1, 1)) and is_workday(D(2027, 2, 7))
    event = AuditEvent.objects.get(action=CaseAction.CALENDAR_CHANGED)
    assert event.changes["loaded"] == 2 and event.changes["source"] == "2027.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-05-01,休息,劳动节\n2027-02-30,休息,\n2027-05-02,放风,\n", encoding="gb18030")
    with pytest.raises(CommandError) as raised:
        run("--load", str(bad))
    assert "第2行：日期“2027-02-30”无法识别" in str(raised.value)
    assert "第3行：类别应为“上班”或“休息”，现为“放风”" in str(raised.value)
    assert not CalendarDay.objects.filter(date=D(2027, 5, 1)).exists()
    assert AuditEvent.objects.filter(action=CaseAction.CALENDAR_CHANGED).count() == 1
