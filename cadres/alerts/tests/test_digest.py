"""The daily digest: one per user and day (made again, brought up to date, never doubled), the
new count against the previous day's keys, every officer holding alerts.view in his own scope,
and the `cadres warnings-digest` command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from cadres.alerts.digest import digest_make, digest_make_all, digest_users
from cadres.alerts.models import WarningDigest
from cadres.alerts.tests.conftest import ON
from cadres.audit.models import AuditEvent
from cadres.records.models import Award, AwardKind

pytestmark = pytest.mark.django_db


def sanction(person, ends, name="党内警告"):
    return Award.objects.create(person=person, kind=AwardKind.SANCTION, name=name,
                                awarded_on=dt.date(2025, 12, 1), effect_ends_on=ends)


def test_the_digest_is_made_once_per_user_and_day(officer, water_cadre):
    sanction(water_cadre, ON + dt.timedelta(days=10))
    first = digest_make(user=officer, on=ON)
    again = digest_make(user=officer, on=ON)
    assert first.pk == again.pk and WarningDigest.objects.filter(user=officer, day=ON).count() == 1
    assert again.count == 1 and again.items[0]["kind"] == "sanction_ending"
    assert again.items[0]["due_on"] == "2026-12-11" and again.items[0]["rule"] == "sanction_ending"
    # one audit event: made again unchanged writes none
    assert AuditEvent.objects.filter(action="alerts.digest_made").count() == 1


def test_made_again_the_same_day_it_is_brought_up_to_date(officer, water_cadre):
    digest_make(user=officer, on=ON)
    sanction(water_cadre, ON + dt.timedelta(days=10))
    digest = digest_make(user=officer, on=ON)
    assert digest.count == 1 and WarningDigest.objects.filter(user=officer).count() == 1
    assert AuditEvent.objects.filter(action="alerts.digest_made").count() == 2


def test_new_count_is_against_the_previous_days_keys(officer, water_cadre, east_cadre):
    # given: the first digest: everything is new
    sanction(water_cadre, ON + dt.timedelta(days=10))
    first = digest_make(user=officer, on=ON)
    assert (first.count, first.new_count) == (1, 1)
    # when: the next day a second sanction is ending too
    sanction(east_cadre, ON + dt.timedelta(days=12))
    second = digest_make(user=officer, on=ON + dt.timedelta(days=1))
    # then
    assert (second.count, second.new_count) == (2, 1)
    # and a day with nothing new
    third = digest_make(user=officer, on=ON + dt.timedelta(days=2))
    assert (third.count, third.new_count) == (2, 0)


def test_every_officer_gets_his_own_scope_and_others_none(officer, water_officer, clerk, water_cadre,
                                                           east_cadre):
    sanction(water_cadre, ON + dt.timedelta(days=10))
    sanction(east_cadre, ON + dt.timedelta(days=10))
    assert set(digest_users()) == {officer, water_officer}  # the clerk lacks alerts.view
    run = digest_make_all(on=ON)
    counts = {digest.user: digest.count for digest in run.digests}
    assert counts == {officer: 2, water_officer: 1}
    mine = WarningDigest.objects.get(user=water_officer, day=ON)
    assert [item["person_id"] for item in mine.items] == [water_cadre.pk]
    assert not WarningDigest.objects.filter(user=clerk).exists()


def test_an_inactive_officer_gets_no_digest(officer, water_officer):
    water_officer.is_active = False
    water_officer.save(update_fields=["is_active"])
    assert digest_users() == [officer]


def test_the_command_makes_the_digests_of_the_date_and_says_so(officer, water_officer, water_cadre):
    sanction(water_cadre, ON + dt.timedelta(days=10))
    out = io.StringIO()
    call_command("warnings_digest", "--date", ON.isoformat(), stdout=out)
    text = out.getvalue()
    assert "county-officer：预警1条，新增1条" in text
    assert "water-officer：预警1条，新增1条" in text
    assert "2026.12.01 已为2位用户生成每日预警，共2条" in text
    call_command("warnings_digest", "--date", ON.isoformat(), stdout=io.StringIO())
    assert WarningDigest.objects.filter(day=ON).count() == 2


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("warnings_digest", "--date", "2026.12.01")


def test_the_job_runner_makes_the_owners_digest_of_today(officer, water_cadre, monkeypatch):
    from types import SimpleNamespace

    from cadres.alerts.digest import digest_job_run

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: ON)
    sanction(water_cadre, ON + dt.timedelta(days=3))
    result = digest_job_run(job=SimpleNamespace(owner=officer), progress=None)
    digest = WarningDigest.objects.get(user=officer, day=ON)
    assert result == {"digest_id": digest.pk, "count": 1, "new_count": 1}
