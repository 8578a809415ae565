"""Writes to the unit tree and to the posts people hold.

This module is the only writer of posts (`Assignment`) and of a person's current-post fields
(unit, post_title, rank, is_team_member, post_started_on), which mirror the open main post
(主职): `post_start`, `post_end`, `post_rank_change`, `post_main_set`, `person_create`, and
for the roster import `people_create_many` / `posts_main_replace_many` (whose fast path is
cadres.people.bulk_load). An architecture test (cadres/core/tests/test_architecture.py) holds
every other module to it.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cadres.audit.actions import register
from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.core.dates import format_month
from cadres.org.models import (
    PATH_SEPARATOR,
    Assignment,
    PostSource,
    Unit,
    UnitChange,
    UnitChangeKind,
    unit_sort_key,
)
from cadres.people.models import Person
from cadres.people.names import name_keys


@dataclass(frozen=True)
class UnitSpec:
    """What an import says of a unit; None in a field means "not said, keep what is there"."""

    path: str
    unit_type: str | None = None
    authorized_staffing: int | None = None
    staffing_given: bool = False


def unit_paths_with_ancestors(paths: Iterable[str]) -> set[str]:
    result: set[str] = set()
    for path in paths:
        parts = path.split(PATH_SEPARATOR)
        for end in range(1, len(parts) + 1):
            result.add(PATH_SEPARATOR.join(parts[:end]))
    return result


def _new_sort_orders(new_paths: Sequence[str], known: dict[str, Unit]) -> dict[str, int]:
    """排序号 for new units, in the order given (the order of the file): after the last of
    their siblings on record, in steps of SORT_ORDER_STEP, so an imported tree lists in the
    file's order."""
    parent_ids = {known[path.rpartition(PATH_SEPARATOR)[0]].pk for path in new_paths
                  if path.rpartition(PATH_SEPARATOR)[0] in known}
    highest: dict[str, int] = {}
    if parent_ids:
        rows = (Unit.objects.filter(parent_id__in=parent_ids).order_by().values("parent__path")
                .annotate(highest=models.Max("sort_order")).values_list("parent__path", "highest"))
        highest.update({path: value or 0 for path, value in rows})
    if any(PATH_SEPARATOR not in path for path in new_paths):
        highest[""] = Unit.objects.filter(parent__isnull=True).aggregate(
            highest=models.Max("sort_order"))["highest"] or 0
    result: dict[str, int] = {}
    for path in new_paths:
        parent_path = path.rpartition(PATH_SEPARATOR)[0]
        highest[parent_path] = highest.get(parent_path, 0) + SORT_ORDER_STEP
        result[path] = highest[parent_path]
    return result


@transaction.atomic
def unit_tree_apply(*, actor: Any, specs: Iterable[UnitSpec], audit: bool = True) -> dict[str, Unit]:
    """Create the units named (with any missing ancestors) and update their type and staffing.

    Returns every unit on those paths by path. Units are created level by level in bulk (a
    roster names hundreds); each created or changed unit is audited unless `audit` is False
    (the roster import records one event for the whole file instead).
    """
    specs_by_path = {spec.path: spec for spec in specs}
    # Every path with its ancestors, in the order the file first names them.
    in_order: dict[str, None] = {}
    for spec_path in specs_by_path:
        parts = spec_path.split(PATH_SEPARATOR)
        for end in range(1, len(parts) + 1):
            in_order.setdefault(PATH_SEPARATOR.join(parts[:end]))
    paths = set(in_order)
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=paths)}
    missing_by_depth: dict[int, list[str]] = {}
    for path in in_order:
        if path not in units:
            missing_by_depth.setdefault(path.count(PATH_SEPARATOR), []).append(path)
    sort_orders = _new_sort_orders([path for path in in_order if path not in units], units)
    for depth in sorted(missing_by_depth):
        created = []
        for path in missing_by_depth[depth]:
            spec = specs_by_path.get(path, UnitSpec(path))
            parent_path, _, name = path.rpartition(PATH_SEPARATOR)
            parent = units[parent_path] if parent_path else None
            unit = Unit(
                name=name,
                parent=parent,
                path=path,
                depth=depth,
                unit_type=spec.unit_type or "",
                authorized_staffing=spec.authorized_staffing,
                sort_order=sort_orders[path],
                sort_key=unit_sort_key(_key_of(parent), sort_orders[path], name),
            )
            # The paths were looked up above and the parent is one of these units, so only
            # the field checks are left (the unique and foreign-key checks would each query).
            unit.clean_fields(exclude=["parent"])
            created.append(unit)
        # Another writer may have created some of these units since they were looked up
        # (imports take turns, a unit form does not): such a row is left as it is and read
        # back with the rest, instead of failing on the unique path.
        Unit.objects.bulk_create(created, batch_size=500, ignore_conflicts=True)
        stored = {unit.path: unit for unit in Unit.objects.filter(path__in=[u.path for u in created])}
        for unit in created:
            units[unit.path] = stored[unit.path]
            if audit:
                record(actor=actor, action=AuditAction.UNIT_CREATED, target=stored[unit.path], changes={
                    "unit_type": unit.unit_type, "authorized_staffing": unit.authorized_staffing,
                })
    created_paths = {path for paths_at_depth in missing_by_depth.values() for path in paths_at_depth}
    for path in sorted(paths - created_paths, key=lambda p: (p.count(PATH_SEPARATOR), p)):
        said = specs_by_path.get(path)
        if said is None:
            continue
        unit = units[path]
        changes: dict[str, list[Any]] = {}
        if said.unit_type is not None and said.unit_type != unit.unit_type:
            changes["unit_type"] = [unit.unit_type, said.unit_type]
            unit.unit_type = said.unit_type
        if said.staffing_given and said.authorized_staffing != unit.authorized_staffing:
            changes["authorized_staffing"] = [unit.authorized_staffing, said.authorized_staffing]
            unit.authorized_staffing = said.authorized_staffing
        if changes:
            unit.save(update_fields=list(changes))
            if audit:
                record(actor=actor, action=AuditAction.UNIT_UPDATED, target=unit, changes=changes)
    return units


# --- the unit tree as the department keeps it (机构改革) ------------------------------------
#
# Each write below takes the actor, runs in one transaction, records a UnitChange row (the
# unit's history, which the as-of reports read: org.selectors.unit_name_on / units_on) and one
# audit event with the unit as subject, and keeps `path`, `depth` and `sort_key` of the unit
# and of its whole subtree right. Person.unit and Assignment.unit keep pointing at the same
# unit ids; only the paths (what rosters write) and the sort keys are rewritten.


@register
class UnitAction(models.TextChoices):
    """Audit actions of the unit writers (unit.created / unit.updated are core actions)."""

    UNIT_RENAMED = "unit.renamed", "单位更名"
    UNIT_MOVED = "unit.moved", "调整单位隶属关系"
    UNIT_MERGED = "unit.merged", "单位合并"
    UNIT_ABOLISHED = "unit.abolished", "撤销单位"
    UNIT_REORDERED = "unit.reordered", "调整单位排序号"
    UNIT_QUOTA_SET = "unit.quota_set", "核定领导职数"
    UNIT_INDUSTRIES_SET = "unit.industries_set", "调整主管或监管的行业"


# A new unit's 排序号 comes after its last sibling's, in steps of this many, so that one can be
# put between two later without renumbering.
SORT_ORDER_STEP = 10


def _key_of(unit: Unit | None) -> str:
    """The unit's sort_key, computed up the tree when it was never set (a unit made outside
    these services)."""
    if unit is None:
        return ""
    if unit.sort_key:
        return unit.sort_key
    return unit_sort_key(_key_of(unit.parent), unit.sort_order, unit.name)


def _next_sort_order(parent: Unit | None) -> int:
    siblings = Unit.objects.filter(parent=parent) if parent is not None else Unit.objects.filter(parent__isnull=True)
    highest = siblings.aggregate(highest=models.Max("sort_order"))["highest"]
    return (highest or 0) + SORT_ORDER_STEP


def _path_free(path: str, *, unit: Unit | None = None) -> None:
    taken = Unit.objects.filter(path=path)
    if unit is not None:
        taken = taken.exclude(pk=unit.pk)
    if taken.exists():
        raise ValidationError({"name": f"已有单位“{path}”"})


def _tree_rewrite(unit: Unit, *, old_path: str) -> int:
    """Set the unit's path, depth and sort_key from its parent and name, and those of every
    unit below it (found under `old_path`) the same way, top down. Returns how many units
    below it were rewritten."""
    parent = unit.parent
    unit.path = f"{parent.path}{PATH_SEPARATOR}{unit.name}" if parent is not None else unit.name
    unit.depth = parent.depth + 1 if parent is not None else 0
    unit.sort_key = unit_sort_key(_key_of(parent), unit.sort_order, unit.name)
    below = list(
        Unit.objects.select_for_update().filter(path__startswith=old_path + PATH_SEPARATOR).order_by("depth", "id")
    )
    # The new paths are checked against the units outside the subtree before any is written.
    new_by_id: dict[int, Unit] = {unit.pk: unit}
    for child in below:
        above = new_by_id[child.parent_id]
        child.path = f"{above.path}{PATH_SEPARATOR}{child.name}"
        child.depth = above.depth + 1
        child.sort_key = unit_sort_key(above.sort_key, child.sort_order, child.name)
        new_by_id[child.pk] = child
    clashes = (
        Unit.objects.filter(path__in=[each.path for each in new_by_id.values()])
        .exclude(pk__in=list(new_by_id)).values_list("path", flat=True)[:1]
    )
    for path in clashes:
        raise ValidationError({"name": f"已有单位“{path}”"})
    unit.full_clean(exclude=["parent", "merged_into", "path"])
    # No new path can equal an old one of the subtree (a unit never goes below itself), so
    # the rows are written in any order without a passing clash on the unique path.
    Unit.objects.filter(pk=unit.pk).update(
        path=unit.path, depth=unit.depth, sort_key=unit.sort_key, name=unit.name, parent=unit.parent,
        sort_order=unit.sort_order,
    )
    if below:
        Unit.objects.bulk_update(below, ["path", "depth", "sort_key"], batch_size=500)
    return len(below)


def _unit_locked(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


def _unit_audit(*, actor: Any, action: str, unit: Unit, changes: dict[str, Any], change: Any) -> None:
    record(actor=actor, action=action, target=unit, subject=unit, changes={
        **changes, "changed_on": change.changed_on, "document": change.document,
    })


def _is_live(unit: Unit) -> None:
    if unit.abolished_on is not None:
        raise ValidationError(f"单位“{unit.path}”已于{unit.abolished_on}撤销")


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    name: str,
    parent: Unit | None,
    established_on: dt.date,
    document: str = "",
    sort_order: int | None = None,
    unit_type: str = "",
    authorized_staffing: int | None = None,
) -> Unit:
    """设立 a unit under `parent` (None: a top unit) from `established_on`, under `document`.
    Without a 排序号 it comes after its siblings."""
    name = name.strip()
    if parent is not None:
        parent = _unit_locked(parent)
        _is_live(parent)
    if PATH_SEPARATOR in name:
        raise ValidationError({"name": f"单位名称不能含“{PATH_SEPARATOR}”"})
    path = f"{parent.path}{PATH_SEPARATOR}{name}" if parent is not None else name
    _path_free(path)
    order = sort_order if sort_order is not None else _next_sort_order(parent)
    unit = Unit(
        name=name, parent=parent, path=path, depth=parent.depth + 1 if parent is not None else 0,
        sort_order=order, sort_key=unit_sort_key(_key_of(parent), order, name), unit_type=unit_type,
        authorized_staffing=authorized_staffing, established_on=established_on,
    )
    unit.full_clean()
    unit.save()
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.CREATED, changed_on=established_on, document=document,
        new_name=name, new_path=path, new_parent=parent,
    )
    _unit_audit(actor=actor, action=AuditAction.UNIT_CREATED, unit=unit, change=change, changes={
        "path": [None, path], "sort_order": [None, order], "unit_type": unit_type,
        "authorized_staffing": authorized_staffing,
    })
    return unit


@transaction.atomic
def unit_rename(*, actor: Any, unit: Unit, name: str, changed_on: dt.date, document: str = "") -> Unit:
    """更名: the unit's new name from `changed_on`; the paths of its subtree follow."""
    unit = _unit_locked(unit)
    _is_live(unit)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写新名称"})
    if PATH_SEPARATOR in name:
        raise ValidationError({"name": f"单位名称不能含“{PATH_SEPARATOR}”"})
    if name == unit.name:
        raise ValidationError({"name": "新名称与现名称相同"})
    old_name, old_path = unit.name, unit.path
    unit.name = name
    below = _tree_rewrite(unit, old_path=old_path)
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.RENAMED, changed_on=changed_on, document=document,
        old_name=old_name, new_name=name, old_path=old_path, new_path=unit.path,
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_RENAMED, unit=unit, change=change, changes={
        "name": [old_name, name], "path": [old_path, unit.path], "units_below": below,
    })
    return unit


@transaction.atomic
def unit_move(*, actor: Any, unit: Unit, parent: Unit | None, changed_on: dt.date, document: str = "") -> Unit:
    """调整隶属关系: the unit (with its subtree) goes under `parent` (None: to the top) from
    `changed_on`. Its 排序号 is kept."""
    unit = _unit_locked(unit)
    _is_live(unit)
    if parent is not None:
        parent = _unit_locked(parent)
        _is_live(parent)
        if parent.pk == unit.pk or parent.path.startswith(unit.subtree_prefix):
            raise ValidationError({"parent": "不能把单位调整到它自己或它的下级单位之下"})
    if (parent.pk if parent is not None else None) == unit.parent_id:
        raise ValidationError({"parent": "新上级单位与现上级单位相同"})
    old_parent, old_path = unit.parent, unit.path
    unit.parent = parent
    below = _tree_rewrite(unit, old_path=old_path)
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.MOVED, changed_on=changed_on, document=document,
        old_name=unit.name, new_name=unit.name, old_path=old_path, new_path=unit.path,
        old_parent=old_parent, new_parent=parent,
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_MOVED, unit=unit, change=change, changes={
        "parent": [old_parent.path if old_parent else None, parent.path if parent else None],
        "path": [old_path, unit.path], "units_below": below,
    })
    return unit


@transaction.atomic
def unit_reorder(*, actor: Any, unit: Unit, sort_order: int, changed_on: dt.date | None = None,
                 document: str = "") -> Unit:
    """Set the unit's 排序号 (its place among its siblings); the sort keys of its subtree follow."""
    unit = _unit_locked(unit)
    if sort_order < 0:
        raise ValidationError({"sort_order": "排序号不能为负数"})
    old = unit.sort_order
    if old == sort_order:
        return unit
    unit.sort_order = sort_order
    _tree_rewrite(unit, old_path=unit.path)
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.REORDERED, changed_on=changed_on or timezone.localdate(),
        document=document, details={"sort_order": [old, sort_order]},
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_REORDERED, unit=unit, change=change,
                changes={"sort_order": [old, sort_order]})
    return unit


@transaction.atomic
def unit_quota_set(
    *, actor: Any, unit: Unit, principal_posts: int | None, deputy_posts: int | None, changed_on: dt.date,
    document: str = "",
) -> Unit:
    """核定领导职数: the approved 正职 and 副职 posts of the unit's team (None: none approved)."""
    unit = _unit_locked(unit)
    _is_live(unit)
    changes: dict[str, Any] = {}
    for name, value in (("principal_posts", principal_posts), ("deputy_posts", deputy_posts)):
        if value is not None and value < 0:
            raise ValidationError({name: "职数不能为负数"})
        if getattr(unit, name) != value:
            changes[name] = [getattr(unit, name), value]
            setattr(unit, name, value)
    if not changes:
        return unit
    unit.save(update_fields=list(changes))
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.QUOTA, changed_on=changed_on, document=document, details=changes,
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_QUOTA_SET, unit=unit, change=change, changes=changes)
    return unit


@transaction.atomic
def unit_industries_set(
    *, actor: Any, unit: Unit, industries: Iterable[str], changed_on: dt.date, document: str = "",
) -> Unit:
    """The industries (国民经济行业分类 门类 codes) the unit regulates or is in charge of, for
    任职回避 第四条: its leaders' spouses and children may not run a business there."""
    from cadres.core import codes

    unknown = sorted(set(industries) - set(codes.INDUSTRY))
    if unknown:
        raise ValidationError({"industries": f"行业代码{'、'.join(unknown)}不在国民经济行业分类门类中"})
    unit = _unit_locked(unit)
    _is_live(unit)
    value = ",".join(sorted(set(industries)))
    if value == unit.regulated_industries:
        return unit
    changes = {"regulated_industries": [unit.regulated_industries, value]}
    unit.regulated_industries = value
    unit.save(update_fields=["regulated_industries"])
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.INDUSTRIES, changed_on=changed_on, document=document, details=changes,
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_INDUSTRIES_SET, unit=unit, change=change, changes=changes)
    return unit


def _open_posts_at(unit: Unit) -> list[Assignment]:
    return list(Assignment.objects.select_related("person").filter(unit=unit, ended_on__isnull=True)
                .order_by("person_id", "-is_main", "id"))


@transaction.atomic
def unit_abolish(*, actor: Any, unit: Unit, changed_on: dt.date, document: str = "") -> Unit:
    """撤销 a unit from `changed_on`. Refused while anyone holds an open post there or while it
    has units below it that are not abolished: those are ended or moved first."""
    unit = _unit_locked(unit)
    _is_live(unit)
    holders = _open_posts_at(unit)
    if holders:
        names = "、".join(dict.fromkeys(post.person.name for post in holders[:5]))
        raise ValidationError(f"{names}等{len(holders)}人仍在该单位任职，请先办理免职或调动，再撤销单位")
    if unit.children.filter(abolished_on__isnull=True).exists():
        raise ValidationError("该单位还有未撤销的下级单位，请先撤销或调整下级单位")
    unit.abolished_on = changed_on
    unit.save(update_fields=["abolished_on"])
    change = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.ABOLISHED, changed_on=changed_on, document=document,
        old_name=unit.name, old_path=unit.path,
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_ABOLISHED, unit=unit, change=change,
                changes={"abolished_on": [None, changed_on]})
    return unit


@dataclass
class MergeResult:
    unit: Unit
    into: Unit
    posts_moved: int
    units_moved: int


@transaction.atomic
def unit_merge(*, actor: Any, unit: Unit, into: Unit, merged_on: dt.date, document: str = "") -> MergeResult:
    """合并: `unit` is merged into `into` on `merged_on` under `document` (文号).

    - Every open post at `unit` itself moves to `into` through the post services: the same
      title, rank and team flag at `into` from `merged_on` (post_start, source 信息维护, the
      merge's 文号), the post at `unit` ending that day (a main post is ended by post_start, a
      concurrent one by post_end), so each person's history keeps both posts.
    - The units below `unit` move under `into` with their people (unit_move), so their posts
      are not touched; a name `into` already has below it is refused (merge or rename that
      unit first).
    - `unit` is abolished on `merged_on` and names `into` (merged_into); both units get a
      UnitChange row (kind 合并, other_unit the other one) and an audit event.
    Refused when a post at `unit` starts after `merged_on`, or either unit is abolished.
    """
    unit, into = _unit_locked(unit), _unit_locked(into)
    _is_live(unit)
    _is_live(into)
    if into.pk == unit.pk or into.path.startswith(unit.subtree_prefix):
        raise ValidationError({"into": "不能并入本单位或本单位的下级单位"})
    children = list(unit.children.filter(abolished_on__isnull=True).order_by("sort_order", "name"))
    taken = set(into.children.filter(name__in=[child.name for child in children]).values_list("name", flat=True))
    if taken:
        raise ValidationError({"into": f"并入单位已有同名下级单位“{'、'.join(sorted(taken))}”，请先合并或更名"})
    posts = _open_posts_at(unit)
    late = [post for post in posts if post.started_on is not None and post.started_on > merged_on]
    if late:
        raise ValidationError({"merged_on": f"{late[0].person.name}的任职时间（{late[0].started_on}）晚于合并日期"})
    for post in posts:
        post_start(
            actor=actor, person=post.person, unit=into, title=post.title, rank=post.rank,
            is_team_member=post.is_team_member, started_on=merged_on, is_main=post.is_main,
            document=document, source=PostSource.FORM,
        )
        if not post.is_main:
            post_end(actor=actor, assignment=post, ended_on=merged_on, document=document,
                     source=PostSource.FORM, reason="单位合并")
    for child in children:
        unit_move(actor=actor, unit=child, parent=into, changed_on=merged_on, document=document)
    unit.abolished_on = merged_on
    unit.merged_into = into
    unit.save(update_fields=["abolished_on", "merged_into"])
    details = {"posts_moved": len(posts), "units_moved": len(children)}
    gone = UnitChange.objects.create(
        unit=unit, kind=UnitChangeKind.MERGED, changed_on=merged_on, document=document,
        old_name=unit.name, old_path=unit.path, other_unit=into, details={**details, "role": "merged_into"},
    )
    kept = UnitChange.objects.create(
        unit=into, kind=UnitChangeKind.MERGED, changed_on=merged_on, document=document,
        old_name=into.name, new_name=into.name, old_path=into.path, new_path=into.path, other_unit=unit,
        details={**details, "role": "absorbed"},
    )
    _unit_audit(actor=actor, action=UnitAction.UNIT_MERGED, unit=unit, change=gone, changes={
        "merged_into": [None, into.path], "abolished_on": [None, merged_on], **details,
    })
    _unit_audit(actor=actor, action=UnitAction.UNIT_MERGED, unit=into, change=kept, changes={
        "merged_in": [None, unit.path], **details,
    })
    return MergeResult(unit=unit, into=into, posts_moved=len(posts), units_moved=len(children))


# --- posts -------------------------------------------------------------------------------


@register
class PostAction(models.TextChoices):
    """Audit actions of the post writers below."""

    POST_STARTED = "post.started", "任职"
    POST_ENDED = "post.ended", "免职"
    POST_RANK_CHANGED = "post.rank_changed", "职务层次变动"
    POST_MADE_MAIN = "post.made_main", "变更主职"
    POST_HISTORY_ADDED = "post.history_added", "补录任职经历"


# The open main post's fields (Assignment attname) and the Person fields that mirror them.
PERSON_FROM_POST = {
    "unit_id": "unit_id", "title": "post_title", "rank": "rank",
    "is_team_member": "is_team_member", "started_on": "post_started_on",
}
# The person's current-post fields: written only here, always equal to the open main post's.
PERSON_POST_FIELDS = tuple(PERSON_FROM_POST.values())
# The same pairs, used where a new open main post is copied from a person's fields (bulk).
ASSIGNMENT_FROM_PERSON = PERSON_FROM_POST


def _unit_path(unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()


def _post_changes(old: Assignment | None, new: Assignment | None) -> dict[str, list[Any]]:
    """old → new of a post's fields, with the unit by its path."""
    changes: dict[str, list[Any]] = {}
    for name in ("unit_id", "title", "rank", "is_team_member", "started_on"):
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name) if new is not None else None
        if before != after:
            if name == "unit_id":
                changes["unit"] = [_unit_path(before), _unit_path(after)]
            else:
                changes[name] = [before, after]
    return changes


def _person_locked(person: Person) -> Person:
    """The person's row, locked for the rest of the transaction and read afresh, so two
    changes of one person's posts follow each other."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _open_main_posts(person: Person) -> list[Assignment]:
    return list(
        Assignment.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True, is_main=True).order_by("started_on", "id")
    )


def _person_post_sync(person: Person, post: Assignment) -> None:
    """Mirror the open main post on the person (the only place these fields are set)."""
    changed = []
    for post_field, person_field in PERSON_FROM_POST.items():
        value = getattr(post, post_field)
        if getattr(person, person_field) != value:
            setattr(person, person_field, value)
            changed.append(person_field)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])


def _end_date(post: Assignment, ended_on: dt.date | None) -> dt.date:
    """The end of a post being replaced: the new post's start (today when not given), never
    before the post's own start."""
    end = ended_on or timezone.localdate()
    return max(end, post.started_on) if post.started_on else end


def _audit_post(
    *, actor: Any, action: str, post: Assignment, person: Person, changes: dict[str, Any],
    document: str, source: str, reason: str = "",
) -> None:
    extra: dict[str, Any] = {"document": document, "source": source}
    if reason:
        extra["reason"] = reason
    record(actor=actor, action=action, target=post, subject=person,
           target_label=f"{person.name} {post.title}", changes={**changes, **extra})


@transaction.atomic
def post_start(
    *,
    actor: Any,
    person: Person,
    unit: Unit,
    title: str,
    rank: str,
    is_team_member: bool = False,
    started_on: dt.date | None,
    is_main: bool = True,
    document: str = "",
    source: str,
) -> Assignment:
    """Appoint a person to a post (任职) from `started_on`, under document `document` (文号).

    A new main post (主职) ends the open main post on the day the new one starts (a transfer);
    a concurrent post (兼任, is_main=False) leaves every other post open. A person without an
    open main post gets the new post as main whatever `is_main` says, so one open post is
    always the main one. The person's current-post fields follow the main post.
    """
    person = _person_locked(person)
    previous = _open_main_posts(person)
    is_main = is_main or not previous
    if is_main and started_on is not None:
        later = [post.started_on for post in previous if post.started_on and post.started_on > started_on]
        if later:
            raise ValidationError({"started_on": (
                f"任职时间不能早于现任主职的任职时间 {format_month(max(later))}（补录以前的任职请在简历中录入）")})
    post = Assignment(
        person=person, unit=unit, title=title, rank=rank, is_team_member=is_team_member,
        is_main=is_main, started_on=started_on, start_document=document, source=source,
    )
    replaced = None
    if is_main:
        for replaced in previous:
            replaced.ended_on = _end_date(replaced, started_on)
            replaced.end_document = document
            replaced.save(update_fields=["ended_on", "end_document"])
    # Checked once the replaced main post is ended: one open main post a person.
    post.full_clean()
    post.save()
    if is_main:
        _person_post_sync(person, post)
    if person.left_on is not None:
        person.left_on = None
        person.save(update_fields=["left_on", "updated_at"])
    _audit_post(actor=actor, action=PostAction.POST_STARTED, post=post, person=person,
                changes={**_post_changes(replaced, post), "is_main": is_main},
                document=document, source=source)
    return post


@transaction.atomic
def post_end(
    *,
    actor: Any,
    assignment: Assignment,
    ended_on: dt.date,
    document: str = "",
    source: str,
    reason: str = "",
) -> Assignment:
    """End a post (免职) on `ended_on` under `document`.

    When the main post ends and the person holds other posts, the one started last becomes
    the main post. When it was the last open post the person's current-post fields keep that
    post (the unit still places the person in the scope of whoever maintains it).
    """
    person = _person_locked(assignment.person)
    post = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if post.ended_on is not None:
        raise ValidationError("该职务已于%(date)s免去", params={"date": post.ended_on})
    post.ended_on = ended_on
    post.end_document = document
    post.full_clean()
    post.save(update_fields=["ended_on", "end_document"])
    changes: dict[str, Any] = {"ended_on": [None, ended_on]}
    if post.is_main:
        successor = (
            Assignment.objects.select_for_update()
            .filter(person=person, ended_on__isnull=True).order_by("-started_on", "-id").first()
        )
        if successor is not None:
            successor.is_main = True
            successor.save(update_fields=["is_main"])
            _person_post_sync(person, successor)
            changes["main_post"] = [str(post.title), str(successor.title)]
        else:
            # The last open post: the person has left (离任) on that day.
            person.left_on = ended_on
            person.save(update_fields=["left_on", "updated_at"])
    _audit_post(actor=actor, action=PostAction.POST_ENDED, post=post, person=person,
                changes=changes, document=document, source=source, reason=reason)
    return post


@transaction.atomic
def post_rank_change(
    *,
    actor: Any,
    assignment: Assignment,
    rank: str,
    changed_on: dt.date,
    document: str = "",
    source: str,
) -> Assignment:
    """Change the rank (职务层次) of an open post from `changed_on`: the post ends and the same
    post opens again at the new rank, so the history keeps the rank held at every date."""
    person = _person_locked(assignment.person)
    old = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if old.ended_on is not None:
        raise ValidationError("已免去的职务不能变更职务层次")
    new = Assignment(
        person=person, unit_id=old.unit_id, title=old.title, rank=rank,
        is_team_member=old.is_team_member, is_main=old.is_main, started_on=changed_on,
        start_document=document, source=source,
    )
    old.ended_on = _end_date(old, changed_on)
    old.end_document = document
    old.save(update_fields=["ended_on", "end_document"])
    # Checked once the old post is ended: one open main post a person.
    new.full_clean()
    new.save()
    if new.is_main:
        _person_post_sync(person, new)
        if person.rank_started_on != changed_on:
            person.rank_started_on = changed_on
            person.save(update_fields=["rank_started_on", "updated_at"])
    _audit_post(actor=actor, action=PostAction.POST_RANK_CHANGED, post=new, person=person,
                changes={"rank": [old.rank, rank], "changed_on": [None, changed_on]},
                document=document, source=source)
    return new


@transaction.atomic
def post_main_set(*, actor: Any, assignment: Assignment, document: str = "", source: str) -> Assignment:
    """Make an open post the person's main post (主职); the previous main post stays open as a
    concurrent post."""
    person = _person_locked(assignment.person)
    post = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if post.ended_on is not None:
        raise ValidationError("已免去的职务不能设为主职")
    previous = [main for main in _open_main_posts(person) if main.pk != post.pk]
    if not previous and post.is_main:
        return post
    for main in previous:
        main.is_main = False
        main.save(update_fields=["is_main"])
    post.is_main = True
    post.save(update_fields=["is_main"])
    _person_post_sync(person, post)
    _audit_post(actor=actor, action=PostAction.POST_MADE_MAIN, post=post, person=person,
                changes={"main_post": [previous[0].title if previous else None, post.title]},
                document=document, source=source)
    return post


@transaction.atomic
def person_create(
    *,
    actor: Any,
    fields: dict[str, Any],
    unit: Unit,
    title: str,
    rank: str,
    is_team_member: bool = False,
    started_on: dt.date | None = None,
    document: str = "",
    source: str,
) -> Person:
    """A new cadre record with a first (main) post. `fields` are the person's own fields
    (name, sex, birth_date, …); the current-post fields come from the post."""
    if set(fields) & {*PERSON_POST_FIELDS, "unit"}:
        raise ValueError("a person's current post is set by the post, not by `fields`")
    person = Person(
        **fields, **name_keys(fields.get("name", "")), unit=unit, post_title=title, rank=rank,
        is_team_member=is_team_member, post_started_on=started_on,
    )
    person.full_clean()
    person.save()
    post = Assignment(
        person=person, unit=unit, title=title, rank=rank, is_team_member=is_team_member,
        is_main=True, started_on=started_on, start_document=document, source=source,
    )
    post.full_clean()
    post.save()
    record(actor=actor, action=AuditAction.PERSON_CREATED, target=person, changes={
        "name": [None, person.name], **_post_changes(None, post), "document": document,
        "source": source,
    })
    return person


@transaction.atomic
def posts_history_add(*, actor: Any, person: Person, posts: Iterable[dict[str, Any]], source: str) -> int:
    """Record earlier, ended posts of a person (a résumé brought in): each dict gives unit_id,
    title, rank, is_team_member, started_on, ended_on and optionally start_document and
    end_document. The open posts and the current-post fields are left alone."""
    return posts_history_add_many(actor=actor, posts=[(person.pk, post) for post in posts], source=source)


@transaction.atomic
def posts_history_add_many(
    *, actor: Any, posts: Sequence[tuple[int, dict[str, Any]]], source: str,
) -> int:
    """Earlier, ended posts of many people (by person id) at once, in bulk, one audit event
    (the demo county's résumés)."""
    rows = []
    for person_id, values in posts:
        if values.get("ended_on") is None:
            raise ValueError("an earlier post needs its end date; open posts start by post_start")
        rows.append(Assignment(person_id=person_id, is_main=values.get("is_main", True), source=source,
                               **{name: value for name, value in values.items() if name != "is_main"}))
    Assignment.objects.bulk_create(rows, batch_size=2000)
    if rows:
        record(actor=actor, action=PostAction.POST_HISTORY_ADDED, target_label="履历（已免职务）",
               changes={"history_posts": len(rows), "people": len({pk for pk, _ in posts}), "source": source})
    return len(rows)


# --- posts in bulk (the roster import) ---------------------------------------------------


def people_create_many(*, columns: dict[str, list[Any]], count: int, source: str) -> Sequence[int]:
    """New people with their first (main) post, in bulk: `columns` holds each Person field
    (attname, the current-post fields included) as a list in row order. Returns the new ids
    in row order. The caller audits each person (the import writes one event per person).

    On SQLite and PostgreSQL this is the fast path of cadres.people.bulk_load; elsewhere the
    model layer, which writes the same rows.
    """
    from cadres.people import bulk_load

    assignment_values = {"is_main": True, "source": source}
    if "name" in columns and "name_strokes" not in columns:
        keys = [name_keys(name) for name in columns["name"]]
        columns = {**columns, **{key: [each[key] for each in keys] for key in ("name_initials", "name_strokes")}}
    if bulk_load.is_supported():
        return bulk_load.people_with_posts_insert(
            columns=columns, count=count, assignment_from_person=ASSIGNMENT_FROM_PERSON,
            assignment_values=assignment_values,
        )
    names = list(columns)
    people = [Person(**dict(zip(names, values))) for values in zip(*columns.values())]
    Person.objects.bulk_create(people, batch_size=2000)
    Assignment.objects.bulk_create([
        Assignment(person=person, **assignment_values,
                   **{post: getattr(person, field) for post, field in ASSIGNMENT_FROM_PERSON.items()})
        for person in people
    ], batch_size=2000)
    return [person.pk for person in people]


def posts_main_replace_many(
    *, moves: Sequence[tuple[Person, dict[str, Any]]], source: str, document: str = "",
) -> None:
    """A new main post for each (person, current-post values) pair, in bulk: the open main
    post ends on the new post's start (today when not given, never before its own start) and
    a new one opens; concurrent posts (兼任) stay open. The person's current-post fields are
    set to the values (the person objects are updated in place).

    Call inside a transaction that holds the people's rows locked (the roster import does);
    the caller audits each person.
    """
    from cadres.people import bulk_load

    if not moves:
        return
    new_posts, ended = [], []
    by_pk = {person.pk: (person, values) for person, values in moves}
    ids = list(by_pk)
    for start in range(0, len(ids), 2000):
        open_main = Assignment.objects.filter(
            person_id__in=ids[start:start + 2000], ended_on__isnull=True, is_main=True,
        )
        for post in open_main:
            post.ended_on = _end_date(post, by_pk[post.person_id][1].get("post_started_on"))
            post.end_document = document
            ended.append(post)
    if ended:
        Assignment.objects.bulk_update(ended, ["ended_on", "end_document"], batch_size=1000)
    now = timezone.now()
    for person, values in moves:
        for name, value in values.items():
            setattr(person, name, value)
        person.updated_at = now
        new_posts.append(Assignment(
            person=person, is_main=True, source=source, start_document=document,
            **{post: getattr(person, field) for post, field in ASSIGNMENT_FROM_PERSON.items()},
        ))
    Assignment.objects.bulk_create(new_posts, batch_size=2000)
    bulk_load.person_columns_update(
        [(person.pk, {name: getattr(person, name) for name in PERSON_POST_FIELDS}
                      | ({"left_on": None} if person.left_on else {})) for person, _ in moves],
        now=now, allow_post_fields=True,
    )
