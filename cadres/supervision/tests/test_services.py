"""Recording reports: audited with the person as subject, one yearly report a year, dates
checked, the code and the 信息维护 scope enforced; the bulk round all or none, one event a person."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.audit.models import AuditEvent
from cadres.supervision import services
from cadres.supervision.models import PersonalMattersReport, ReportKind
from cadres.supervision.tests.conftest import cadre

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2026, 3, 1))


def test_a_report_is_recorded_and_audited_with_the_person_as_subject(county, monitor):
    person = cadre(county["east"], "东坑")
    report = services.report_record(actor=monitor, person=person, year=2025, kind=ReportKind.ANNUAL,
                                    submitted_on=D(2026, 1, 20), notes=" 按时 ")
    assert report.received_by == monitor and report.notes == "按时"
    event = AuditEvent.objects.get(action="supervision.report_recorded")
    assert event.subject_type == "people.person" and event.subject_id == str(person.pk)
    assert event.target_label == "2025年度个人有关事项年度集中报告"
    assert event.changes["submitted_on"] == [None, "2026-01-20"]
    # the same year again corrects the date, never a second row
    services.report_record(actor=monitor, person=person, year=2025, kind=ReportKind.ANNUAL,
                           submitted_on=D(2026, 1, 25))
    assert PersonalMattersReport.objects.get().submitted_on == D(2026, 1, 25)
    assert AuditEvent.objects.filter(action="supervision.report_recorded").latest("pk").changes["submitted_on"] == [
        "2026-01-20", "2026-01-25"]
    # 事项报告 may be several a year
    for day in (D(2026, 2, 1), D(2026, 2, 2)):
        services.report_record(actor=monitor, person=person, year=2026, kind=ReportKind.EVENT, submitted_on=day)
    assert PersonalMattersReport.objects.filter(kind=ReportKind.EVENT).count() == 2
    services.report_delete(actor=monitor, report=PersonalMattersReport.objects.get(kind=ReportKind.ANNUAL))
    assert not PersonalMattersReport.objects.filter(kind=ReportKind.ANNUAL).exists()
    assert AuditEvent.objects.filter(action="supervision.report_deleted", subject_id=str(person.pk)).count() == 1


def test_dates_and_kinds_are_checked_naming_the_field(county, monitor):
    person = cadre(county["east"], "东坑")
    with pytest.raises(ValidationError) as early:
        services.report_record(actor=monitor, person=person, year=2025, kind=ReportKind.ANNUAL,
                               submitted_on=D(2025, 12, 31))
    assert early.value.message_dict["submitted_on"] == [
        "2025年度集中报告的报告日期应在2026年以后，不能是2025.12.31"]
    with pytest.raises(ValidationError) as future:
        services.report_record(actor=monitor, person=person, year=2025, kind=ReportKind.ANNUAL,
                               submitted_on=D(2026, 3, 2))
    assert future.value.message_dict["submitted_on"] == ["报告日期2026.03.02晚于今天"]
    with pytest.raises(ValidationError) as kind:
        services.report_record(actor=monitor, person=person, year=2025, kind="other", submitted_on=D(2026, 1, 2))
    assert kind.value.message_dict["kind"] == ["报告类别“other”无效"]
    # the first day of the next year is accepted
    services.report_record(actor=monitor, person=person, year=2025, kind=ReportKind.ANNUAL, submitted_on=D(2026, 1, 1))
    assert not AuditEvent.objects.filter(action="supervision.report_recorded", changes__kind="other").exists()


def test_the_code_and_the_scope_are_required(county, monitor, viewer, clerk):
    east = cadre(county["east"], "东坑")
    water = cadre(county["water"], "水利")
    with pytest.raises(PermissionDenied):
        services.report_record(actor=monitor, person=water, year=2025, kind=ReportKind.ANNUAL,
                               submitted_on=D(2026, 1, 20))
    for actor in (viewer, clerk):  # viewer: no supervision.manage; clerk: no code at all
        with pytest.raises(PermissionDenied):
            services.report_record(actor=actor, person=east, year=2025, kind=ReportKind.ANNUAL,
                                   submitted_on=D(2026, 1, 20))
    assert not PersonalMattersReport.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="supervision.").exists()


def test_the_bulk_round_writes_one_event_a_person_and_keeps_earlier_reports(county, monitor):
    people = [cadre(county["east"], f"东坑{index}") for index in range(4)]
    services.report_record(actor=monitor, person=people[0], year=2025, kind=ReportKind.ANNUAL,
                           submitted_on=D(2026, 1, 10))
    before = AuditEvent.objects.count()
    written = services.annual_reports_record(actor=monitor, people=people, year=2025, submitted_on=D(2026, 1, 28))
    assert sorted(report.person_id for report in written) == sorted(p.pk for p in people[1:])
    assert PersonalMattersReport.objects.get(person=people[0]).submitted_on == D(2026, 1, 10)
    events = AuditEvent.objects.filter(pk__gt=AuditEvent.objects.order_by("pk")[before - 1].pk)
    assert events.count() == 3
    assert {event.subject_id for event in events} == {str(p.pk) for p in people[1:]}
    assert {event.target_id for event in events} == {str(report.pk) for report in written}
    assert all(event.action == "supervision.report_recorded" for event in events)


def test_the_bulk_round_is_all_or_none(county, monitor):
    east = cadre(county["east"], "东坑")
    water = cadre(county["water"], "水利")
    with pytest.raises(PermissionDenied):
        services.annual_reports_record(actor=monitor, people=[east, water], year=2025, submitted_on=D(2026, 1, 28))
    with pytest.raises(ValidationError):
        services.annual_reports_record(actor=monitor, people=[east], year=2025, submitted_on=D(2025, 12, 1))
    assert not PersonalMattersReport.objects.exists()
