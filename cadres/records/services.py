"""The only writer of a cadre's file rows: 简历 entries, 奖惩, 年度考核 and family members
(people.Relative).

Every function takes the `actor` first, runs in one transaction, checks the row with
`full_clean()` and records one audit event whose subject is the person, so the change shows in
the person's 档案变更记录: a creation as the values written, an update as old → new of the
fields that changed, a deletion as the values removed.

Writes are allowed only within the actor's 信息维护 scope (`Person.objects.restrict(actor,
"change")`, with the `people.change` code); family members also need the right to open the
full file (查阅, `can_open_dossier`: never one's own or a relative's). `actor=None` is the
system (a command run without --user), as for the other services.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max

from cadres.accounts.permissions import can_open_dossier, has_permission
from cadres.audit.services import record, record_many
from cadres.core.dates import format_month
from cadres.people.models import Person, Relative
from cadres.records.actions import RecordsAction
from cadres.records.models import AnnualAssessment, Award, ResumeEntry, ResumeEntryKind

Row = TypeVar("Row", bound=models.Model)

# The fields a caller may set on each kind of row (the person is fixed at creation).
RESUME_ENTRY_FIELDS = ("kind", "started_on", "ended_on", "text", "notes")
AWARD_FIELDS = ("kind", "name", "awarded_on", "approved_by", "reason", "effect_ends_on", "document")
ASSESSMENT_FIELDS = ("year", "grade", "remarks")
RELATIVE_FIELDS = ("relation", "name", "birth_date", "political_status", "work_unit_and_post",
                   "business", "business_industry",
                   "is_deceased", "id_number", "sort_order")
# 简历 dates are months: the audit keeps them as 1998.09, as the form shows them (the audit's
# presentation formats months only for the models it knows as month models).
MONTH_FIELDS: dict[type[models.Model], tuple[str, ...]] = {ResumeEntry: ("started_on", "ended_on")}

OUT_OF_SCOPE = "该干部不在您的信息维护范围内"
FAMILY_REFUSED = "您不能修改该干部的家庭成员信息（须有查阅完整档案的权限，且不得为本人或亲属）"


def may_change_person(actor: Any, person: Person) -> bool:
    """The actor may write this person's file rows: `people.change` and the person inside the
    actor's 信息维护 scope (None, the system, may write everywhere)."""
    if actor is None:
        return True
    return has_permission(actor, "people.change") and (
        Person.objects.restrict(actor, "change").filter(pk=person.pk).exists()
    )


def _check_may_change(actor: Any, person: Person, *, family: bool = False) -> None:
    if not may_change_person(actor, person):
        raise PermissionDenied(OUT_OF_SCOPE)
    if family and actor is not None and not can_open_dossier(actor, person):
        raise PermissionDenied(FAMILY_REFUSED)


def _audit_value(row: models.Model, name: str, value: Any) -> Any:
    if value is not None and name in MONTH_FIELDS.get(type(row), ()):
        return format_month(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _label(row: models.Model) -> str:
    if isinstance(row, Relative):
        # The relative's name stays in the changes (masked where the record is shown
        # without a registered read), not in the label every audit list shows.
        return f"家庭成员（{row.relation}）"
    return f"{row._meta.verbose_name}：{row}"


def _locked(row: Row) -> Row:
    """The row read afresh and locked for the rest of the transaction, so two edits of one
    row follow each other and the audit's old values are the stored ones."""
    return type(row)._default_manager.select_for_update().select_related("person__unit").get(pk=row.pk)


def _create(*, actor: Any, row: Row, person: Person, fields: tuple[str, ...], action: str,
            family: bool = False) -> Row:
    _check_may_change(actor, person, family=family)
    row.full_clean()
    row.save()
    changes = {name: [None, _audit_value(row, name, getattr(row, name))] for name in fields
               if getattr(row, name) not in (None, "")}
    record(actor=actor, action=action, target=row, subject=person, target_label=_label(row),
           changes=changes)
    return row


def _update(*, actor: Any, row: Row, values: dict[str, Any], fields: tuple[str, ...], action: str,
            family: bool = False) -> Row:
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"not a field that may be changed: {', '.join(sorted(unknown))}")
    row = _locked(row)
    person = row.person  # type: ignore[attr-defined]
    _check_may_change(actor, person, family=family)
    changes: dict[str, list[Any]] = {}
    for name in fields:
        if name not in values:
            continue
        old, new = getattr(row, name), values[name]
        if old != new:
            changes[name] = [_audit_value(row, name, old), _audit_value(row, name, new)]
            setattr(row, name, new)
    if not changes:
        return row
    row.full_clean()
    row.save(update_fields=list(changes))
    record(actor=actor, action=action, target=row, subject=person, target_label=_label(row),
           changes=changes)
    return row


def _delete(*, actor: Any, row: models.Model, fields: tuple[str, ...], action: str,
            family: bool = False) -> None:
    row = _locked(row)
    person = row.person  # type: ignore[attr-defined]
    _check_may_change(actor, person, family=family)
    removed = {name: _audit_value(row, name, getattr(row, name)) for name in fields
               if getattr(row, name) not in (None, "")}
    label = _label(row)
    record(actor=actor, action=action, target=row, subject=person, target_label=label,
           changes=removed)
    row.delete()


# --- 简历 ----------------------------------------------------------------------------------


@transaction.atomic
def resume_entry_create(
    *, actor: Any, person: Person, started_on: dt.date, ended_on: dt.date | None = None,
    text: str, notes: str = "", kind: str = ResumeEntryKind.ENTRY,
) -> ResumeEntry:
    """A 简历 line the posts do not give (months; no end: to this day), or a 其间 note."""
    entry = ResumeEntry(person=person, kind=kind, started_on=started_on, ended_on=ended_on,
                        text=text.strip(), notes=notes.strip())
    return _create(actor=actor, row=entry, person=person, fields=RESUME_ENTRY_FIELDS,
                   action=RecordsAction.RESUME_ENTRY_CREATED)


@transaction.atomic
def resume_entry_update(*, actor: Any, entry: ResumeEntry, **fields: Any) -> ResumeEntry:
    return _update(actor=actor, row=entry, values=fields, fields=RESUME_ENTRY_FIELDS,
                   action=RecordsAction.RESUME_ENTRY_UPDATED)


@transaction.atomic
def resume_entry_delete(*, actor: Any, entry: ResumeEntry) -> None:
    _delete(actor=actor, row=entry, fields=RESUME_ENTRY_FIELDS,
            action=RecordsAction.RESUME_ENTRY_DELETED)


# --- 奖惩 ----------------------------------------------------------------------------------


@transaction.atomic
def award_create(
    *, actor: Any, person: Person, kind: str, name: str, awarded_on: dt.date,
    approved_by: str = "", reason: str = "", effect_ends_on: dt.date | None = None,
    document: str = "",
) -> Award:
    """A reward or sanction; a sanction's 影响期 ends on `effect_ends_on`."""
    award = Award(person=person, kind=kind, name=name.strip(), awarded_on=awarded_on,
                  approved_by=approved_by.strip(), reason=reason.strip(),
                  effect_ends_on=effect_ends_on, document=document.strip())
    return _create(actor=actor, row=award, person=person, fields=AWARD_FIELDS,
                   action=RecordsAction.AWARD_CREATED)


@transaction.atomic
def award_update(*, actor: Any, award: Award, **fields: Any) -> Award:
    return _update(actor=actor, row=award, values=fields, fields=AWARD_FIELDS,
                   action=RecordsAction.AWARD_UPDATED)


@transaction.atomic
def award_delete(*, actor: Any, award: Award) -> None:
    _delete(actor=actor, row=award, fields=AWARD_FIELDS, action=RecordsAction.AWARD_DELETED)


# --- 年度考核 -------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *, actor: Any, person: Person, year: int, grade: str, remarks: str = "",
) -> AnnualAssessment:
    """The 年度考核 result of one year (one a year: a second one is refused by full_clean)."""
    assessment = AnnualAssessment(person=person, year=year, grade=grade, remarks=remarks.strip())
    return _create(actor=actor, row=assessment, person=person, fields=ASSESSMENT_FIELDS,
                   action=RecordsAction.ASSESSMENT_CREATED)


@transaction.atomic
def assessment_update(*, actor: Any, assessment: AnnualAssessment, **fields: Any) -> AnnualAssessment:
    return _update(actor=actor, row=assessment, values=fields, fields=ASSESSMENT_FIELDS,
                   action=RecordsAction.ASSESSMENT_UPDATED)


@transaction.atomic
def assessment_delete(*, actor: Any, assessment: AnnualAssessment) -> None:
    _delete(actor=actor, row=assessment, fields=ASSESSMENT_FIELDS,
            action=RecordsAction.ASSESSMENT_DELETED)


# --- 家庭主要成员及重要社会关系 ------------------------------------------------------------


@transaction.atomic
def relative_create(
    *, actor: Any, person: Person, relation: str, name: str, birth_date: dt.date | None = None,
    political_status: str = "", work_unit_and_post: str = "", is_deceased: bool = False,
    id_number: str = "", sort_order: int | None = None, business: str = "", business_industry: str = "",
) -> Relative:
    """A family member or important social relation, placed last unless `sort_order` says
    otherwise. The 身份证号 matters for 回避: a user may not open a relative's file."""
    if sort_order is None:
        last = Relative.objects.filter(person=person).aggregate(last=Max("sort_order"))["last"]
        sort_order = 1 if last is None else last + 1
    relative = Relative(
        person=person, relation=relation.strip(), name=name.strip(), birth_date=birth_date,
        political_status=political_status, work_unit_and_post=work_unit_and_post.strip(),
        business=business.strip(), business_industry=business_industry,
        is_deceased=is_deceased, id_number=id_number.strip().upper(), sort_order=sort_order,
    )
    return _create(actor=actor, row=relative, person=person, fields=RELATIVE_FIELDS,
                   action=RecordsAction.RELATIVE_CREATED, family=True)


@transaction.atomic
def relative_update(*, actor: Any, relative: Relative, **fields: Any) -> Relative:
    if "id_number" in fields:
        fields["id_number"] = (fields["id_number"] or "").strip().upper()
    return _update(actor=actor, row=relative, values=fields, fields=RELATIVE_FIELDS,
                   action=RecordsAction.RELATIVE_UPDATED, family=True)


@transaction.atomic
def relative_delete(*, actor: Any, relative: Relative) -> None:
    _delete(actor=actor, row=relative, fields=RELATIVE_FIELDS,
            action=RecordsAction.RELATIVE_DELETED, family=True)


# --- many rows at once (the import of many 任免审批表 files) -------------------------------------

# The creating action and the fields of each kind of row.
_CREATED: dict[type[models.Model], tuple[str, tuple[str, ...]]] = {
    ResumeEntry: (RecordsAction.RESUME_ENTRY_CREATED, RESUME_ENTRY_FIELDS),
    Award: (RecordsAction.AWARD_CREATED, AWARD_FIELDS),
    AnnualAssessment: (RecordsAction.ASSESSMENT_CREATED, ASSESSMENT_FIELDS),
    Relative: (RecordsAction.RELATIVE_CREATED, RELATIVE_FIELDS),
}
# Text fields the single-row creators strip (and the 身份证号 they upper-case).
_STRIPPED = ("text", "notes", "name", "approved_by", "reason", "document", "remarks", "relation",
             "work_unit_and_post", "business")
def _rows_record(*, actor: Any, action: str, events: list[tuple[models.Model, Person, dict[str, Any]]]) -> None:
    """One event per row, in bulk: the row as target (its labels, and the masking of family
    members, follow it), the person as subject."""
    record_many(actor=actor, action=action, items=[(person, changes) for _, person, changes in events],
                targets=[(row, _label(row)) for row, _, _ in events])


class RowsRejected(ValidationError):
    """Rows `records_create_many` refused before writing any: (row, its ValidationError)."""

    def __init__(self, rejected: list[tuple[models.Model, ValidationError]]):
        super().__init__([message for _, error in rejected for message in error.messages])
        self.rejected = rejected


def _row_check(row: models.Model) -> None:
    """full_clean() in memory: the person is given as an instance, and the database checks
    uniqueness as the rows are written; the 简历 entry's order of dates is checked here."""
    row.full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
    if isinstance(row, ResumeEntry) and row.ended_on is not None and row.ended_on < row.started_on:
        constraint = next(c for c in ResumeEntry._meta.constraints if c.name == "resume_entry_ends_after_start")
        raise ValidationError(str(constraint.violation_error_message))


@transaction.atomic
def records_create_many(*, actor: Any, rows: Sequence[models.Model]) -> list[models.Model]:
    """Create many file rows (ResumeEntry, Award, AnnualAssessment, Relative, each with its
    person set) in bulk, as the single-row creators would one by one: text stripped, each row
    checked by full_clean() in memory (RowsRejected names the rows refused, before anything is
    written; the database's constraints check uniqueness as the rows are written: an
    IntegrityError rolls the caller's transaction back), a relative given sort_order=None
    placed after the person's last, and one event per row (the row as target, the person as
    subject, the values written). Scope as for the single-row creators: the people in the
    actor's 信息维护 scope, and for family members the right to open the file."""
    if not rows:
        return []
    people = {row.person.pk: row.person for row in rows}  # type: ignore[attr-defined]
    if actor is not None:
        ids = list(people)
        allowed: set[int] = set()
        if has_permission(actor, "people.change"):
            for start in range(0, len(ids), 2000):
                allowed.update(Person.objects.restrict(actor, "change").filter(pk__in=ids[start:start + 2000])
                               .values_list("pk", flat=True))
        if allowed != set(ids):
            raise PermissionDenied(OUT_OF_SCOPE)
        family = {row.person.pk for row in rows if isinstance(row, Relative)}
        if any(not can_open_dossier(actor, people[pk]) for pk in family):
            raise PermissionDenied(FAMILY_REFUSED)
    relatives = [row for row in rows if isinstance(row, Relative)]
    unplaced = [row for row in relatives if row.sort_order is None]
    if unplaced:
        ids = list({row.person.pk for row in unplaced})
        last: dict[int, int] = {}
        for start in range(0, len(ids), 2000):
            last.update(Relative.objects.filter(person_id__in=ids[start:start + 2000]).values("person_id")
                        .annotate(last=Max("sort_order")).values_list("person_id", "last"))
        for relative in unplaced:
            relative.sort_order = last.get(relative.person.pk, 0) + 1
            last[relative.person.pk] = relative.sort_order
    by_model: dict[type[models.Model], list[models.Model]] = {}
    rejected: list[tuple[models.Model, ValidationError]] = []
    for row in rows:
        for name in _STRIPPED:
            value = getattr(row, name, None)
            if isinstance(value, str):
                setattr(row, name, value.strip())
        if isinstance(row, Relative):
            row.id_number = (row.id_number or "").strip().upper()
        try:
            _row_check(row)
        except ValidationError as error:
            rejected.append((row, error))
        by_model.setdefault(type(row), []).append(row)
    if rejected:
        raise RowsRejected(rejected)
    for model, group in by_model.items():
        model._default_manager.bulk_create(group, batch_size=500)
        action, fields = _CREATED[model]
        _rows_record(actor=actor, action=action, events=[
            (row, row.person, {name: [None, _audit_value(row, name, getattr(row, name))]  # type: ignore[attr-defined]
                               for name in fields if getattr(row, name) not in (None, "")})
            for row in group
        ])
    return list(rows)
