"""Writing the register of 领导干部报告个人有关事项: every write here, keyword-only with the
actor first, in one transaction, audited with the person as subject.

Writing needs `supervision.manage` and the person in the actor's 信息维护 scope (actor None: the
system, e.g. a command or the demo).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.accounts.permissions import has_permission
from cadres.audit.services import record, record_many
from cadres.people.models import Person
from cadres.supervision.actions import SupervisionAction, SupervisionPermission
from cadres.supervision.models import PersonalMattersReport, ReportKind

NOT_ALLOWED = "您没有登记个人有关事项报告的权限"
PERSON_OUT_OF_SCOPE = "该干部不在您的信息维护范围内"


def _check_manage(actor: Any) -> None:
    if actor is not None and not has_permission(actor, SupervisionPermission.MANAGE):
        raise PermissionDenied(NOT_ALLOWED)


def _check_people(actor: Any, person_ids: Iterable[int]) -> None:
    _check_manage(actor)
    wanted = set(person_ids)
    if actor is not None and wanted:
        reachable = set(Person.objects.restrict(actor, "change").filter(pk__in=wanted)
                        .values_list("pk", flat=True))
        if wanted - reachable:
            raise PermissionDenied(PERSON_OUT_OF_SCOPE)


def _receiver(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check(year: int, kind: str, submitted_on: dt.date | None) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if kind not in ReportKind.values:
        errors["kind"] = f"报告类别“{kind}”无效"
    if not 1950 <= year <= today.year:
        errors["year"] = f"报告年度“{year}”不在有效范围内"
    if submitted_on is None:
        errors["submitted_on"] = "请填写报告日期"
    elif submitted_on > today:
        errors["submitted_on"] = f"报告日期{submitted_on:%Y.%m.%d}晚于今天"
    elif kind == ReportKind.ANNUAL and submitted_on.year <= year:
        errors["submitted_on"] = f"{year}年度集中报告的报告日期应在{year + 1}年以后，不能是{submitted_on:%Y.%m.%d}"
    if errors:
        raise ValidationError(errors)


def _label(report: PersonalMattersReport) -> str:
    return f"{report.year}年度个人有关事项{report.get_kind_display()}"


@transaction.atomic
def report_record(*, actor: Any, person: Person, year: int, kind: str, submitted_on: dt.date,
                  notes: str = "") -> PersonalMattersReport:
    """Record that the person handed in a report. A yearly report on a year already recorded
    is corrected (its date and notes), never doubled."""
    _check_people(actor, [person.pk])
    _check(year, kind, submitted_on)
    notes = (notes or "").strip()
    report = None
    if kind == ReportKind.ANNUAL:
        report = (PersonalMattersReport.objects.select_for_update()
                  .filter(person=person, year=year, kind=kind).first())
    old: dict[str, Any] = {}
    if report is None:
        report = PersonalMattersReport(person=person, year=year, kind=kind)
    else:
        old = {"submitted_on": report.submitted_on.isoformat(), "notes": report.notes}
    report.submitted_on, report.notes, report.received_by = submitted_on, notes, _receiver(actor)
    report.full_clean()
    report.save()
    new = {"submitted_on": submitted_on.isoformat(), "notes": notes}
    changes: dict[str, Any] = {"year": year, "kind": kind}
    changes.update({name: [old.get(name), value] for name, value in new.items()
                    if old.get(name) != value})
    record(actor=actor, action=SupervisionAction.REPORT_RECORDED, target=report, subject=person,
           target_label=_label(report), changes=changes)
    return report


@transaction.atomic
def report_delete(*, actor: Any, report: PersonalMattersReport) -> None:
    """Remove a report recorded by mistake."""
    person = report.person
    _check_people(actor, [person.pk])
    record(actor=actor, action=SupervisionAction.REPORT_DELETED, target=report, subject=person,
           target_label=_label(report),
           changes={"year": report.year, "kind": report.kind,
                    "submitted_on": [report.submitted_on.isoformat(), None]})
    report.delete()


@transaction.atomic
def annual_reports_record(*, actor: Any, people: Iterable[Person], year: int, submitted_on: dt.date,
                          notes: str = "") -> list[PersonalMattersReport]:
    """Record the yearly report on `year` of several people at once (a unit's round), all or
    none: refused when one is outside the actor's scope. People whose report is already in
    keep it. One audit event per person; returns the reports written."""
    chosen = {person.pk: person for person in people}
    _check_people(actor, chosen)
    _check(year, ReportKind.ANNUAL, submitted_on)
    notes = (notes or "").strip()
    done = set(PersonalMattersReport.objects.filter(kind=ReportKind.ANNUAL, year=year, person_id__in=list(chosen))
               .values_list("person_id", flat=True))
    receiver = _receiver(actor)
    reports = [PersonalMattersReport(person=chosen[pk], year=year, kind=ReportKind.ANNUAL, submitted_on=submitted_on,
                                     notes=notes, received_by=receiver)
               for pk in sorted(chosen) if pk not in done]
    for report in reports:
        report.full_clean(validate_unique=False)
    written = PersonalMattersReport.objects.bulk_create(reports)
    if any(report.pk is None for report in written):  # a backend without RETURNING
        ids = dict(PersonalMattersReport.objects.filter(kind=ReportKind.ANNUAL, year=year,
                                                        person_id__in=[r.person_id for r in written])
                   .values_list("person_id", "pk"))
        for report in written:
            report.pk = ids[report.person_id]
    record_many(
        actor=actor, action=SupervisionAction.REPORT_RECORDED,
        items=[(report.person, {"year": year, "kind": ReportKind.ANNUAL.value,
                                "submitted_on": [None, submitted_on.isoformat()], "bulk": True})
               for report in written],
        targets=[(report, _label(report)) for report in written])
    return written
