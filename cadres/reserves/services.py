"""The only writer of reserve pools (后备干部库), their targets and members.

Every function takes the `actor` first, runs in one transaction, checks the row with
`full_clean()` and records one audit event: a pool's events name the pool as target, a
member's name the person as subject (so they show in the person's 档案变更记录).

`Person.reserve_pool`, the roster's 后备干部 column, mirrors the name of a pool the person is an
active member of (the latest one joined); the member services keep it so, writing it with a
queryset update (it is a people field, not a post field) and auditing the change on the person.

Scope: pools over a unit are managed by users who maintain that unit (`Unit.restrict(actor,
"change")`) and hold `reserves.manage`; a pool without a unit (the whole county) by users over
every unit. Members must be people the actor may change (`records.services.may_change_person`
with `reserves.manage` in place of `people.change`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from cadres.accounts.permissions import has_permission
from cadres.accounts.scopes import access_for
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.services import record, record_many
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.reserves.actions import ReserveAction
from cadres.reserves.models import (
    ReserveMember,
    ReservePool,
    ReserveReview,
    ReserveSource,
    ReserveStatus,
    ReserveTarget,
)

POOL_OUT_OF_SCOPE = "该后备干部库不在您的管理范围内"
PERSON_OUT_OF_SCOPE = "该干部不在您的信息维护范围内"
ALREADY_ACTIVE = "该干部已在该后备干部库中"
NOT_ACTIVE = "该后备干部已不在库中"
REASON_REQUIRED = "请填写出库原因"
UNKNOWN_POOL = "后备干部“{name}”不是已建立的后备干部库"
POOL_FIELDS = ("name", "rank", "unit", "posts", "unused_years", "description", "is_active")
# The documents' five targets, the defaults of a new pool: measure, age, threshold.
DEFAULT_TARGETS: tuple[tuple[str, int | None, int], ...] = (
    (ReserveTarget.Measure.AGE_AT_MOST, 35, 30), (ReserveTarget.Measure.AGE_AT_MOST, 30, 10),
    (ReserveTarget.Measure.WOMEN, None, 20), (ReserveTarget.Measure.NON_PARTY, None, 10),
    (ReserveTarget.Measure.POSTS_RATIO, None, 2),
)


# --- scope ------------------------------------------------------------------------------------


def pools_for(actor: Any, action: str = "view") -> QuerySet[ReservePool]:
    """The pools the actor may read ("view": over a unit he sees, or over the county) or
    manage ("change": over a unit he maintains, or over the county for users over every unit)."""
    pools = ReservePool.objects.select_related("unit")
    if actor is None:
        return pools
    code = "reserves.view" if action == "view" else "reserves.manage"
    if not has_permission(actor, code):
        return pools.none()
    if access_for(actor).all_units:
        return pools
    units = Unit.objects.restrict(actor, action)
    if action == "view" or _over_every_unit(actor):
        return pools.filter(unit__isnull=True) | pools.filter(unit__in=units)
    return pools.filter(unit__in=units)


def _over_every_unit(actor: Any) -> bool:
    """The actor maintains every unit: all units, or every top unit with its subtree (a pool
    over the whole county is his to manage)."""
    if actor is None or access_for(actor).all_units:
        return True
    maintained = Unit.objects.restrict(actor, "change")
    return not Unit.objects.filter(parent__isnull=True).exclude(pk__in=maintained).exists()


def may_manage_pool(actor: Any, pool: ReservePool) -> bool:
    return pools_for(actor, "change").filter(pk=pool.pk).exists()


def may_manage_person(actor: Any, person: Person) -> bool:
    """The person is in the actor's 信息维护 scope and the actor holds `reserves.manage`."""
    if actor is None:
        return True
    return has_permission(actor, "reserves.manage") and (
        Person.objects.restrict(actor, "change").filter(pk=person.pk).exists())


def _check_pool(actor: Any, pool: ReservePool) -> None:
    if not may_manage_pool(actor, pool):
        raise PermissionDenied(POOL_OUT_OF_SCOPE)


def _check_person(actor: Any, person: Person) -> None:
    if not may_manage_person(actor, person):
        raise PermissionDenied(PERSON_OUT_OF_SCOPE)


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, Unit):
        return value.path
    return value


# --- pools --------------------------------------------------------------------------------------


@transaction.atomic
def pool_create(
    *, actor: Any, name: str, rank: str = "", unit: Unit | None = None, posts: int | None = None,
    unused_years: int = 3, description: str = "", with_default_targets: bool = True,
) -> ReservePool:
    """A new pool, with the documents' five targets unless told otherwise. A pool over a unit
    needs that unit in the actor's maintained units; one over the county, every unit."""
    pool = ReservePool(name=name.strip(), rank=rank, unit=unit, posts=posts, unused_years=unused_years,
                       description=description.strip())
    if actor is not None and not (has_permission(actor, "reserves.manage") and (
            (unit is None and _over_every_unit(actor))
            or (unit is not None and Unit.objects.restrict(actor, "change").filter(pk=unit.pk).exists()))):
        raise PermissionDenied(POOL_OUT_OF_SCOPE)
    pool.full_clean()
    pool.save()
    if with_default_targets:
        ReserveTarget.objects.bulk_create([
            ReserveTarget(pool=pool, measure=measure, age=age, threshold=threshold, sort_order=order)
            for order, (measure, age, threshold) in enumerate(DEFAULT_TARGETS)
        ])
    changes = {field: [None, _value(getattr(pool, field))] for field in POOL_FIELDS
               if getattr(pool, field) not in (None, "")}
    record(actor=actor, action=ReserveAction.POOL_CREATED, target=pool, target_label=pool.name,
           subject=unit, changes=changes)
    return pool


@transaction.atomic
def pool_update(*, actor: Any, pool: ReservePool, **values: Any) -> ReservePool:
    """Change a pool's fields (POOL_FIELDS); a new name is written to its active members'
    后备干部 mirror too."""
    unknown = set(values) - set(POOL_FIELDS)
    if unknown:
        raise TypeError(f"not a field of a pool: {', '.join(sorted(unknown))}")
    pool = ReservePool.objects.select_for_update().get(pk=pool.pk)
    _check_pool(actor, pool)
    if "unit" in values and values["unit"] != pool.unit and not _over_every_unit(actor):
        new_unit = values["unit"]
        if new_unit is None or not Unit.objects.restrict(actor, "change").filter(pk=new_unit.pk).exists():
            raise PermissionDenied(POOL_OUT_OF_SCOPE)
    old_name = pool.name
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        if isinstance(new, str):
            new = new.strip()
        old = getattr(pool, name)
        if old != new:
            changes[name] = [_value(old), _value(new)]
            setattr(pool, name, new)
    if not changes:
        return pool
    pool.full_clean()
    pool.save()
    if "name" in changes:
        _mirror_rename(actor, old_name, pool)
    record(actor=actor, action=ReserveAction.POOL_UPDATED, target=pool, target_label=pool.name,
           subject=pool.unit, changes=changes)
    return pool


@transaction.atomic
def target_set(*, actor: Any, pool: ReservePool,
               targets: Sequence[tuple[str, int | None, Decimal | int | float]]) -> list[ReserveTarget]:
    """Replace the pool's targets by (measure, age, threshold) triples, in that order. A
    threshold is at least 0 (a percent of the members, or for the posts ratio a multiple of
    the posts); an age target needs its age."""
    pool = ReservePool.objects.select_for_update().get(pk=pool.pk)
    _check_pool(actor, pool)
    rows = []
    for order, (measure, age, threshold) in enumerate(targets):
        value = Decimal(str(threshold))
        if value < 0:
            raise ValidationError({"threshold": "结构目标的比例不能小于0"})
        if measure == ReserveTarget.Measure.AGE_AT_MOST and not age:
            raise ValidationError({"age": "年龄目标须填写年龄"})
        row = ReserveTarget(pool=pool, measure=measure,
                            age=age if measure == ReserveTarget.Measure.AGE_AT_MOST else None,
                            threshold=value, sort_order=order)
        row.full_clean(exclude=["pool"])
        rows.append(row)
    before = [str(target) for target in pool.targets.all()]
    pool.targets.all().delete()
    ReserveTarget.objects.bulk_create(rows)
    record(actor=actor, action=ReserveAction.TARGET_SET, target=pool, target_label=pool.name,
           subject=pool.unit, changes={"targets": [before, [_target_text(row) for row in rows]]})
    return rows


def _target_text(target: ReserveTarget) -> str:
    from cadres.reserves.selectors import target_label

    return f"{target_label(target)} ≥ {_value(target.threshold)}"


# --- the 后备干部 mirror -------------------------------------------------------------------------


def _mirror_set(actor: Any, person_id: int, name: str, *, batch: AuditEvent | None = None) -> None:
    """Write Person.reserve_pool (a queryset update) and audit it old → new on the person."""
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.reserve_pool == name:
        return
    Person.objects.filter(pk=person_id).update(reserve_pool=name)
    record(actor=actor, action=AuditAction.PERSON_UPDATED, target=person, batch=batch,
           changes={"reserve_pool": [person.reserve_pool, name]})


def _mirror_after_leaving(actor: Any, member: ReserveMember) -> None:
    """After a member leaves his pool: the mirror names another active pool of his (the one
    joined last), or nothing."""
    if member.person.reserve_pool and member.person.reserve_pool != member.pool.name:
        still = ReserveMember.objects.filter(person_id=member.person_id, status=ReserveStatus.ACTIVE,
                                             pool__name=member.person.reserve_pool).exists()
        if still:
            return
    other = (ReserveMember.objects.filter(person_id=member.person_id, status=ReserveStatus.ACTIVE)
             .exclude(pk=member.pk).select_related("pool").order_by("-nominated_on", "-id").first())
    _mirror_set(actor, member.person_id, other.pool.name if other else "")


def _mirror_rename(actor: Any, old_name: str, pool: ReservePool) -> None:
    ids = list(ReserveMember.objects.filter(pool=pool, status=ReserveStatus.ACTIVE,
                                            person__reserve_pool=old_name).values_list("person_id", flat=True))
    for person_id in ids:
        _mirror_set(actor, person_id, pool.name)


# --- members ------------------------------------------------------------------------------------


def _locked_member(member: ReserveMember) -> ReserveMember:
    return ReserveMember.objects.select_for_update().select_related("pool", "person").get(pk=member.pk)


def _member_label(member: ReserveMember) -> str:
    return f"后备干部：{member.pool.name}"


@transaction.atomic
def member_add(
    *, actor: Any, pool: ReservePool, person: Person, source: str, nominated_on: dt.date,
    document: str = "", notes: str = "",
) -> ReserveMember:
    """列入后备干部: the person (in the actor's 信息维护 scope) joins the pool from a source on a
    date; refused when already an active member of it. The mirror names this pool."""
    _check_pool(actor, pool)
    _check_person(actor, person)
    if ReserveMember.objects.filter(pool=pool, person=person, status=ReserveStatus.ACTIVE).exists():
        raise ValidationError({"person": ALREADY_ACTIVE})
    member = ReserveMember(pool=pool, person=person, source=source, nominated_on=nominated_on,
                           document=document.strip(), notes=notes.strip())
    member.full_clean(validate_constraints=False)
    member.save()
    record(actor=actor, action=ReserveAction.MEMBER_ADDED, target=member, subject=person,
           target_label=_member_label(member), changes={
               "pool": [None, pool.name], "source": [None, member.get_source_display()],
               "nominated_on": [None, _value(nominated_on)],
               **({"document": [None, member.document]} if member.document else {}),
           })
    _mirror_set(actor, person.pk, pool.name)
    return member


@transaction.atomic
def member_review(
    *, actor: Any, member: ReserveMember, reviewed_on: dt.date, outcome: str, notes: str = "",
) -> ReserveReview:
    """A yearly review (考察调整) of an active member: its outcome in words."""
    member = _locked_member(member)
    _check_pool(actor, member.pool)
    _check_person(actor, member.person)
    if member.status != ReserveStatus.ACTIVE:
        raise ValidationError(NOT_ACTIVE)
    if not outcome.strip():
        raise ValidationError({"outcome": "请填写考察结论"})
    review = ReserveReview(member=member, reviewed_on=reviewed_on, outcome=outcome.strip(), notes=notes.strip(),
                           recorded_by=actor if getattr(actor, "pk", None) else None)
    review.full_clean()
    review.save()
    changes: dict[str, Any] = {"reviewed_on": [None, _value(reviewed_on)], "outcome": [None, review.outcome]}
    if member.last_reviewed_on is None or reviewed_on > member.last_reviewed_on:
        changes["last_reviewed_on"] = [_value(member.last_reviewed_on), _value(reviewed_on)]
        member.last_reviewed_on = reviewed_on
        member.save(update_fields=["last_reviewed_on"])
    record(actor=actor, action=ReserveAction.MEMBER_REVIEWED, target=member, subject=member.person,
           target_label=_member_label(member), changes=changes)
    return review


def _leave(actor: Any, member: ReserveMember, *, status: str, left_on: dt.date, reason: str,
           action: str) -> ReserveMember:
    member = _locked_member(member)
    _check_pool(actor, member.pool)
    _check_person(actor, member.person)
    if member.status != ReserveStatus.ACTIVE:
        raise ValidationError(NOT_ACTIVE)
    if left_on < member.nominated_on:
        raise ValidationError({"left_on": "出库日期不能早于入库日期"})
    member.status, member.left_on, member.left_reason = status, left_on, reason
    member.full_clean(validate_constraints=False)
    member.save(update_fields=["status", "left_on", "left_reason"])
    record(actor=actor, action=action, target=member, subject=member.person,
           target_label=_member_label(member), changes={
               "status": [ReserveStatus.ACTIVE.label, member.get_status_display()],
               "left_on": [None, _value(left_on)],
               **({"left_reason": [None, reason]} if reason else {}),
           })
    _mirror_after_leaving(actor, member)
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: ReserveMember, left_on: dt.date, reason: str) -> ReserveMember:
    """调出: the member leaves the pool on a date, for a reason (required)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    return _leave(actor, member, status=ReserveStatus.REMOVED, left_on=left_on, reason=reason.strip(),
                  action=ReserveAction.MEMBER_REMOVED)


@transaction.atomic
def member_used(*, actor: Any, member: ReserveMember, used_on: dt.date, notes: str = "") -> ReserveMember:
    """提拔使用: the member was appointed (status USED from `used_on`)."""
    return _leave(actor, member, status=ReserveStatus.USED, left_on=used_on, reason=notes.strip(),
                  action=ReserveAction.MEMBER_USED)


# --- the roster's 后备干部 column --------------------------------------------------------------


def unknown_pool_names(names: Iterable[str]) -> list[str]:
    """The non-blank names that are no pool's name (for the roster check)."""
    wanted = {name for name in names if name}
    if not wanted:
        return []
    known = set(ReservePool.objects.filter(name__in=wanted).values_list("name", flat=True))
    return sorted(wanted - known)


def members_from_roster(
    *, actor: Any, pairs: Sequence[tuple[int, str]], on: dt.date, batch: AuditEvent | None = None,
) -> int:
    """The roster import's 后备干部 column: each (person id, pool name) becomes an active
    membership from 名册导入 on `on` unless it is one already. The import has written the
    mirror and checked the names (`unknown_pool_names`) and the people's scope; one audit
    event per membership added, linked to the import's event. Returns how many were added."""
    wanted = [(person_id, name) for person_id, name in pairs if name]
    if not wanted:
        return 0
    pools = {pool.name: pool for pool in ReservePool.objects.filter(name__in={name for _, name in wanted})}
    active = set(ReserveMember.objects.filter(
        status=ReserveStatus.ACTIVE, person_id__in={person_id for person_id, _ in wanted},
        pool__in=list(pools.values()),
    ).values_list("person_id", "pool_id"))
    new = []
    for person_id, name in dict.fromkeys(wanted):
        pool = pools.get(name)
        if pool is None:
            raise ValidationError(UNKNOWN_POOL.format(name=name))
        if (person_id, pool.pk) in active:
            continue
        active.add((person_id, pool.pk))
        new.append(ReserveMember(pool=pool, person_id=person_id, source=ReserveSource.ROSTER, nominated_on=on))
    if not new:
        return 0
    ReserveMember.objects.bulk_create(new)
    people = Person.objects.in_bulk([member.person_id for member in new])
    record_many(
        actor=actor, action=ReserveAction.MEMBER_ADDED, batch=batch,
        items=((people[member.person_id], {
            "pool": [None, member.pool.name], "source": [None, ReserveSource.ROSTER.label],
            "nominated_on": [None, on.isoformat()],
        }) for member in new),
    )
    return len(new)
