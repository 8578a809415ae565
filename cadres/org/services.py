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
from cadres.org.models import PATH_SEPARATOR, Assignment, Unit
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


@transaction.atomic
def unit_tree_apply(*, actor: Any, specs: Iterable[UnitSpec], audit: bool = True) -> dict[str, Unit]:
    """Create the units named (with any missing ancestors) and update their type and staffing.

    Returns every unit on those paths by path. Units are created level by level in bulk (a
    roster names hundreds); each created or changed unit is audited unless `audit` is False
    (the roster import records one event for the whole file instead).
    """
    specs_by_path = {spec.path: spec for spec in specs}
    paths = unit_paths_with_ancestors(specs_by_path)
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=paths)}
    missing_by_depth: dict[int, list[str]] = {}
    for path in paths - set(units):
        missing_by_depth.setdefault(path.count(PATH_SEPARATOR), []).append(path)
    for depth in sorted(missing_by_depth):
        created = []
        for path in sorted(missing_by_depth[depth]):
            spec = specs_by_path.get(path, UnitSpec(path))
            parent_path, _, name = path.rpartition(PATH_SEPARATOR)
            unit = Unit(
                name=name,
                parent=units[parent_path] if parent_path else None,
                path=path,
                depth=depth,
                unit_type=spec.unit_type or "",
                authorized_staffing=spec.authorized_staffing,
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
