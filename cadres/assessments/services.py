"""Every write of the assessment module. Each function takes the `actor` first (None: the
system), runs in one transaction, checks its rows with `full_clean()` and records its audit
events: the grades go to the file through `cadres.records.services` (one event per person
changed, the person as subject) and the unit gets one event of its own.

Writes need `assessments.manage` and the unit (or person) inside the actor's 信息维护 scope
(`restrict(actor, "change")`); grades also need `people.change`, as every file row does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.accounts.permissions import has_permission
from cadres.assessments import selectors
from cadres.assessments.actions import AssessmentAction, AssessmentPermission
from cadres.assessments.models import (
    Evaluation,
    EvaluationSource,
    ExcellentQuotaApproval,
    PerformanceScore,
)
from cadres.audit.services import record
from cadres.cases.rules import params
from cadres.org.models import Unit
from cadres.org.selectors import posts_of_record_on
from cadres.people.models import Person
from cadres.records import services as records_services
from cadres.records.models import AnnualAssessment, AssessmentGrade, Award, AwardKind

UNIT_OUT_OF_SCOPE = "该单位不在您的信息维护范围内"
PERSON_OUT_OF_SCOPE = "该干部不在您的信息维护范围内"
NOT_ALLOWED = "您没有录入考核结果的权限"


def _check_manage(actor: Any) -> None:
    if actor is not None and not has_permission(actor, AssessmentPermission.MANAGE):
        raise PermissionDenied(NOT_ALLOWED)


def _check_unit(actor: Any, unit: Unit) -> None:
    _check_manage(actor)
    if actor is not None and not Unit.objects.restrict(actor, "change").filter(pk=unit.pk).exists():
        raise PermissionDenied(UNIT_OUT_OF_SCOPE)


def _check_person(actor: Any, person: Person) -> None:
    _check_manage(actor)
    if actor is not None and not Person.objects.restrict(actor, "change").filter(pk=person.pk).exists():
        raise PermissionDenied(PERSON_OUT_OF_SCOPE)


def check_year(year: int) -> None:
    if not 1950 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": f"年度“{year}”不在有效范围内"})


def _cents(value: Decimal | None) -> Decimal | None:
    """A score as stored (two decimals), so an unchanged score compares and audits the same."""
    if value is None:
        return None
    try:
        return Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError({"score": f"得分“{value}”不是有效的数字"}) from None


# --- annual grades --------------------------------------------------------------------------


@transaction.atomic
def grades_enter(*, actor: Any, unit: Unit, year: int, grades: Mapping[int, str],
                 action: str = AssessmentAction.GRADES_ENTERED,
                 details: dict[str, Any] | None = None) -> int:
    """Enter the year's grades of people of the unit (person id → grade value; "" removes a
    grade), refusing them all when one person is not among the unit's people in post at the
    year's end, when a grade would change for someone now outside the actor's 信息维护 scope
    (moved to a unit another clerk keeps: named in the message), or when the unit's 优秀 share
    would pass the limit (the rule's, or the approved one). Returns how many people's grades
    changed."""
    _check_unit(actor, unit)
    if actor is not None and not has_permission(actor, "people.change"):
        raise PermissionDenied(NOT_ALLOWED)
    check_year(year)
    people = {person.pk: person for person in selectors.unit_people(actor=actor, unit=unit, year=year)}
    strangers = set(grades) - set(people)
    if strangers:
        raise ValidationError(f"{len(strangers)}人不是{unit.name}{year}年末在职人员，不能录入该单位的考核结果")
    valid = set(AssessmentGrade.values)
    for person_id, grade in grades.items():
        if grade and grade not in valid:
            raise ValidationError(f"{people[person_id].name}的考核结果“{grade}”不是有效的等次")
    # Lock the unit's grades of the year so two entries of one unit follow each other.
    existing = {row.person_id: row for row in AnnualAssessment.objects.select_for_update()
                .filter(person_id__in=list(people), year=year)}
    final = {pk: row.grade for pk, row in existing.items()}
    grades = {pk: grade for pk, grade in grades.items() if grade != final.get(pk, "")}
    kept_elsewhere = set(grades) - selectors.changeable_ids(
        actor=actor, people=[people[pk] for pk in grades])
    if kept_elsewhere:
        names = "、".join(f"{people[pk].name}（现在{people[pk].unit.name if people[pk].unit else '—'}）"
                         for pk in sorted(kept_elsewhere))
        raise ValidationError(f"{names}不在您的信息维护范围内，其考核结果请由现单位录入")
    for person_id, grade in grades.items():
        if grade:
            final[person_id] = grade
        else:
            final.pop(person_id, None)
    check = selectors.quota_check(unit=unit, year=year, grades=final.values())
    if check.exceeded:
        hint = "" if check.approval is not None else "；经主管部门批准可以适当提高，请先登记批准文件"
        raise ValidationError(f"{check.message}{hint}")
    changed = 0
    for person_id, grade in grades.items():
        row = existing.get(person_id)
        if row is None and grade:
            records_services.assessment_create(actor=actor, person=people[person_id], year=year, grade=grade)
        elif row is not None and not grade:
            records_services.assessment_delete(actor=actor, assessment=row)
        elif row is not None and row.grade != grade:
            records_services.assessment_update(actor=actor, assessment=row, grade=grade)
        else:
            continue
        changed += 1
    counts = {label: sum(value == grade for value in final.values())
              for grade, label in AssessmentGrade.choices}
    record(actor=actor, action=action, target=unit, subject=unit,
           target_label=f"{unit.name}{year}年度考核",
           changes={"year": year, "changed": changed, "counts": counts, "quota": check.message,
                    **(details or {})})
    return changed


@transaction.atomic
def quota_approve(*, actor: Any, unit: Unit, year: int, percent: Decimal | int | float | str,
                  document: str, approved_on: dt.date) -> ExcellentQuotaApproval:
    """Record the 主管部门's approval of a higher 优秀 share for the unit's year, at most the
    rule's `approved_max_percent`."""
    _check_unit(actor, unit)
    check_year(year)
    try:
        value = Decimal(str(percent))
    except InvalidOperation:
        raise ValidationError({"percent": "优秀比例上限应为数字"}) from None
    numbers = params("excellent_quota", selectors.year_end(year))
    maximum = Decimal(str(numbers.get("approved_max_percent", numbers.get("percent", 100))))
    if value <= 0 or value > maximum:
        raise ValidationError({"percent": f"优秀比例上限{selectors.figure(value)}%超过批准上限"
                                          f"{selectors.figure(maximum)}%" if value > 0
                               else "优秀比例上限应大于0"})
    approval = ExcellentQuotaApproval.objects.select_for_update().filter(unit=unit, year=year).first()
    old = None
    if approval is None:
        approval = ExcellentQuotaApproval(unit=unit, year=year)
    else:
        old = {"percent": str(approval.percent), "document": approval.document,
               "approved_on": approval.approved_on.isoformat()}
    approval.percent, approval.document, approval.approved_on = value, document.strip(), approved_on
    approval.full_clean()
    approval.save()
    new = {"percent": str(value), "document": approval.document, "approved_on": approved_on.isoformat()}
    record(actor=actor, action=AssessmentAction.QUOTA_APPROVED, target=approval, subject=unit,
           target_label=f"{unit.name}{year}年度优秀比例",
           changes={name: [old[name] if old else None, new[name]] for name in new})
    return approval


# --- consequences ---------------------------------------------------------------------------


@transaction.atomic
def consequence_apply(*, actor: Any, person: Person, year: int, awarded_on: dt.date,
                      approved_by: str = "", document: str = "") -> Award:
    """落实 the award of consecutive 优秀 years ending in `year`: a reward (记三等功) on the file,
    once for each streak (refused when it is already there)."""
    _check_person(actor, person)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one 落实 at a time
    found = [item for item in selectors.consequences(year, Person.objects.filter(pk=person.pk))
             if item.kind == selectors.AWARD]
    if not found:
        raise ValidationError(f"{person.name}{year}年度没有需要落实的奖励")
    item = found[0]
    if item.applied or Award.objects.filter(person=person, kind=AwardKind.REWARD, name=item.award_name,
                                            reason=item.reason).exists():
        raise ValidationError(f"{person.name}{item.reason}的{item.award_name}已落实，不能重复")
    award = records_services.award_create(
        actor=actor, person=person, kind=AwardKind.REWARD, name=item.award_name, awarded_on=awarded_on,
        approved_by=approved_by, reason=item.reason, document=document)
    record(actor=actor, action=AssessmentAction.CONSEQUENCE_APPLIED, target=award, subject=person,
           target_label=f"奖惩：{award.name}",
           changes={"year": year, "rule": item.rule_code, "message": item.message,
                    "amount": item.amount})
    return award


# --- target-performance scores --------------------------------------------------------------


@transaction.atomic
def scores_enter(*, actor: Any, year: int, group: str,
                 scores: Mapping[Unit, tuple[Decimal | None, bool]]) -> list[PerformanceScore]:
    """Enter the year's target-performance scores of units of one group (unit type): unit →
    (score, targets met); a None score removes the unit's score. Then rank the whole group
    (ties share a rank) and set each unit's tier and award from the rule's tiers."""
    _check_manage(actor)
    check_year(year)
    for unit in scores:
        _check_unit(actor, unit)
        if unit.unit_type != group:
            raise ValidationError(f"{unit.name}不属于考核组别“{group}”")
    rows = {row.unit_id: row for row in PerformanceScore.objects.select_for_update().filter(year=year, group=group)}
    changed: dict[int, dict[str, list[Any]]] = {}
    for unit, (given, met) in scores.items():
        score = _cents(given)
        row = rows.get(unit.pk)
        if score is None:
            if row is not None:
                changed[unit.pk] = {"score": [str(row.score), None]}
                row.delete()
                del rows[unit.pk]
            continue
        if row is None:
            row = PerformanceScore(unit=unit, year=year, group=group, score=score, targets_met=met)
            changed[unit.pk] = {"score": [None, str(score)], "targets_met": [None, met]}
            rows[unit.pk] = row
        else:
            diff: dict[str, list[Any]] = {}
            if row.score != score:
                diff["score"] = [str(row.score), str(score)]
            if row.targets_met != met:
                diff["targets_met"] = [row.targets_met, met]
            if diff:
                changed[unit.pk] = diff
            row.score, row.targets_met = score, met
        row.full_clean(validate_unique=False)
    ordered = list(rows.values())
    ranks = selectors.competition_ranks([row.score for row in ordered])
    year_tiers = selectors.tiers(year)
    for row, rank in zip(ordered, ranks):
        tier = selectors.tier_for(rank, year_tiers)
        row.rank = rank
        row.tier = tier.name if tier else ""
        row.award_per_person = tier.amount if tier else None
        row.save()
    units = {unit.pk: unit for unit in scores}
    for unit_id, diff in changed.items():
        unit = units[unit_id]
        row = rows.get(unit_id)
        record(actor=actor, action=AssessmentAction.SCORES_ENTERED, target=unit, subject=unit,
               target_label=f"{unit.name}{year}年度目标绩效考核",
               changes={**diff, "rank": row.rank if row else None, "tier": row.tier if row else ""})
    return sorted(ordered, key=lambda row: (row.rank or 0, row.unit_id))


# --- comprehensive evaluation ---------------------------------------------------------------


@transaction.atomic
def evaluation_record(*, actor: Any, person: Person, period: int, source: str,
                      score: Decimal | None = None, text: str = "") -> Evaluation | None:
    """Record one source of the person's 综合考核评价 for a year (a score, a text or both);
    with neither, the source's record is removed. The unit is the person's unit at the year's
    end (his post of record then), the one averages compare within."""
    _check_person(actor, person)
    check_year(period)
    if source not in EvaluationSource.values:
        raise ValidationError({"source": f"评价来源“{source}”无效"})
    text = (text or "").strip()
    score = _cents(score)
    row = Evaluation.objects.select_for_update().filter(person=person, period=period, source=source).first()
    label = f"{period}年度{EvaluationSource(source).label}"
    if score is None and not text:
        if row is not None:
            record(actor=actor, action=AssessmentAction.EVALUATION_RECORDED, target=row, subject=person,
                   target_label=label, changes={"score": [str(row.score) if row.score is not None else None, None],
                                                "text": [row.text or None, None]})
            row.delete()
        return None
    post = posts_of_record_on(as_of=selectors.year_end(period), people=[person.pk]).get(person.pk)
    unit_id = post.unit_id if post is not None else person.unit_id
    old = (str(row.score) if row and row.score is not None else None, row.text if row else None)
    if row is None:
        row = Evaluation(person=person, period=period, source=source)
    row.score, row.text, row.unit_id, row.recorded_by = score, text, unit_id, actor
    row.full_clean(validate_unique=False)
    row.save()
    changes = {}
    if old[0] != (str(score) if score is not None else None):
        changes["score"] = [old[0], str(score) if score is not None else None]
    if (old[1] or "") != text:
        changes["text"] = [old[1] or None, text or None]
    if changes:
        record(actor=actor, action=AssessmentAction.EVALUATION_RECORDED, target=row, subject=person,
               target_label=label, changes=changes)
    return row
