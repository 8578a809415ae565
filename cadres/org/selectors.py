"""Reads of the unit tree (staffing figures: 核定 / 在编 / 缺编 of each unit and its subtree) and
of the post history: who held which post, and who was on a team, on a date.

"Held on a date D" is defined here once, for every analysis (structure report, plan gaps,
forecasts): a post is held on D when it started on or before D — or, when the roster gives no
start (任现职时间 is optional), when the person's 参加工作时间 is on or before D, or is
missing too — and has not ended on or before D (a post ending on D is no longer held that day,
as the next one starts that day). A person's post of record (rank, unit) on D is the main post
(主职) held on D, the one started latest when several overlap; a person holding only other
posts on D takes the one started latest of those.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from cadres.org.models import Assignment, Unit, UnitQuerySet
from cadres.people.models import Person


@dataclass
class UnitFigures:
    """A unit with the staffing of its whole subtree (the unit and every unit below it).

    `authorized` is None when no unit of the subtree has an authorized staffing on record.
    """

    unit: Unit
    level: int = 0
    authorized: int | None = None
    in_post: int = 0
    own_in_post: int = 0
    children: list["UnitFigures"] = field(default_factory=list)

    @property
    def balance(self) -> int | None:
        """核定 − 在编: positive is 缺编 (vacant posts), negative is 超编 (over staffing)."""
        return None if self.authorized is None else self.authorized - self.in_post

    @property
    def vacant(self) -> int:
        return max(self.balance or 0, 0)

    @property
    def over(self) -> int:
        return max(-(self.balance or 0), 0)


def unit_tree(*, actor: Any, root: Unit | None = None) -> list[UnitFigures]:
    """The units the actor may see (or the subtree of `root`) in tree order, with figures.

    Two queries: the units, and the head count per unit; the subtree sums are added up the
    tree in Python. `level` is the depth below the top shown unit, for indenting.
    """
    units: UnitQuerySet = Unit.objects.visible_to(actor)
    people = Person.objects.visible_to(actor)
    if root is not None:
        units = units.subtree_of(root)
        people = people.filter(unit__in=units)
    figures = {unit.pk: UnitFigures(unit=unit, authorized=unit.authorized_staffing)
               for unit in units.order_by("path")}
    counts = people.order_by().values_list("unit_id").annotate(count=Count("id"))
    for unit_id, count in counts:
        if unit_id in figures:
            figures[unit_id].own_in_post = count
            figures[unit_id].in_post = count
    # Children before parents, so each subtree is complete when it is added to its parent.
    for item in sorted(figures.values(), key=lambda f: f.unit.depth, reverse=True):
        parent = figures.get(item.unit.parent_id) if item.unit.parent_id is not None else None
        if parent is None:
            continue
        parent.in_post += item.in_post
        if item.authorized is not None:
            parent.authorized = (parent.authorized or 0) + item.authorized
        parent.children.append(item)
    roots = [item for item in figures.values() if item.unit.parent_id not in figures]
    ordered: list[UnitFigures] = []

    def visit(item: UnitFigures, level: int) -> None:
        item.level = level
        ordered.append(item)
        for child in sorted(item.children, key=lambda f: (f.unit.sort_order, f.unit.path)):
            visit(child, level + 1)

    for item in sorted(roots, key=lambda f: (f.unit.sort_order, f.unit.path)):
        visit(item, 0)
    return ordered


def unit_team_members(*, actor: Any, unit: Unit) -> QuerySet[Person]:
    """The current leadership team (班子成员) of a unit: whoever holds a team post there today,
    as a main post or a concurrent one (兼任)."""
    people = Person.objects.visible_to(actor)
    members = team_member_ids_on(as_of=timezone.localdate(), units=[unit.pk])
    return people.filter(pk__in=members).order_by("rank", "id")


# Posts held on a date


# What "in post" (在职) on the 截止日期 means, as the analysis pages state it.
IN_POST_RULE = (
    "“在职”指截止日期当天在任：任职时间不晚于截止日期且尚未免职（免职当日起不计），"
    "未填任职时间的从参加工作时间起算、两者都未填的视为一直在任；职务层次、单位和班子成员按当日所任职务"
    "（兼任的班子职务也计入该班子），学历、政治面貌等按现有记录。"
)

# Ids passed as a list rather than a subquery come in blocks of this many (SQLite allows 32,766
# parameters a statement; a list lets it seek the index for each instead of scanning).
ID_BLOCK = 5000


Item = TypeVar("Item")


def in_blocks(items: Sequence[Item]) -> Iterator[Sequence[Item]]:
    """`items` in blocks of ID_BLOCK, for `__in` lookups one block a query."""
    for start in range(0, len(items), ID_BLOCK):
        yield items[start:start + ID_BLOCK]


def held_on_q(as_of: dt.date) -> Q:
    """Q on Assignment for a post held on `as_of` (see the module docstring).

    The person's 参加工作时间 is read by a correlated subquery, not a join, so that the dates
    are matched on Assignment's own indexes; it runs only for the rare posts without a start.
    """
    work_started = Person.objects.filter(pk=OuterRef("person_id")).filter(
        Q(work_started_on__lte=as_of) | Q(work_started_on__isnull=True)
    )
    started = Q(started_on__lte=as_of) | (Q(started_on__isnull=True) & Q(Exists(work_started)))
    return started & (Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))


def posts_held_on(as_of: dt.date, *, units: Any = None) -> QuerySet[Assignment]:
    """Every post held on `as_of` (see the module docstring), optionally in `units` (a queryset
    or a collection of units or ids)."""
    posts = Assignment.objects.filter(held_on_q(as_of))
    if units is not None:
        posts = posts.filter(unit__in=units)
    return posts


def team_member_ids_on(*, as_of: dt.date, units: Any = None) -> QuerySet[Any]:
    """The ids of the people on a leadership team (班子成员) on `as_of`: holding a team post
    then, in `units` when given. A concurrent post (兼任) makes its holder a member of that
    unit's team as well. A values queryset, to use as a subquery (`pk__in=`)."""
    return posts_held_on(as_of, units=units).filter(is_team_member=True).values("person_id")


@dataclass(frozen=True)
class PostOnDate:
    """A person's post of record on a date: the post, and the unit and rank it gives."""

    person_id: int
    post_id: int
    unit_id: int
    rank: str
    title: str = ""
    is_team_member: bool = False
    is_main: bool = True


def posts_of_record_on(*, as_of: dt.date, people: Any) -> dict[int, PostOnDate]:
    """Each person's post of record on `as_of` (see the module docstring), for `people` (a
    Person queryset or values subquery); a person holding no post then has no entry."""
    columns = ("person_id", "unit_id", "title", "rank", "is_team_member", "is_main",
               "started_on", "person__work_started_on", "id")
    if not isinstance(people, (list, tuple, set, frozenset)):
        return posts_of_record(posts_held_on(as_of).filter(person__in=people).values_list(*columns))
    # Ids in blocks, each looked up on the person index (a subquery would be read whole).
    rows: list[tuple[Any, ...]] = []
    for block in in_blocks(sorted(people)):
        rows += posts_held_on(as_of).filter(person_id__in=block).values_list(*columns)
    return posts_of_record(rows)


def posts_of_record(rows: Iterable[tuple[Any, ...]]) -> dict[int, PostOnDate]:
    """The post of record per person from rows of posts held on one date, each (person_id,
    unit_id, title, rank, is_team_member, is_main, started_on, work_started_on, id)."""
    best: dict[int, tuple[tuple[bool, dt.date, int], PostOnDate]] = {}
    for person_id, unit_id, title, rank, team, main, started, work_started, pk in rows:
        # A post without a start counts from the person's 参加工作时间, or from always.
        key = (bool(main), started or work_started or dt.date.min, pk)
        held = best.get(person_id)
        if held is None or key > held[0]:
            best[person_id] = (key, PostOnDate(person_id, pk, unit_id, rank, title, team, main))
    return {person_id: post for person_id, (_, post) in best.items()}


# The constraint that makes "one open main post a person" a fact of the database, not only of
# org.services; with it, Person.left_on tells who has left (see nobody_has_left).
ONE_OPEN_MAIN_POST = "assignment_one_open_main_post"


def nobody_has_left() -> bool:
    """Whether every person holds an open post (no Person.left_on set, org.services keeping
    it): trusted only when the database enforces one open main post a person, so False
    without that constraint."""
    return people_gone_count() == 0


def people_gone_count() -> int | None:
    """How many people have left (hold no open post: Person.left_on is set); None without the
    one-open-main-post constraint (see nobody_has_left)."""
    if not any(c.name == ONE_OPEN_MAIN_POST for c in Assignment._meta.constraints):
        return None
    return Person.objects.filter(left_on__isnull=False).count()


def anyone_gone_on(as_of: dt.date) -> bool | None:
    """Whether anyone had left by `as_of` (Person.left_on on or before it: no post held then,
    nor since); None without the one-open-main-post constraint (see nobody_has_left)."""
    if not any(c.name == ONE_OPEN_MAIN_POST for c in Assignment._meta.constraints):
        return None
    return Person.objects.filter(left_on__lte=as_of).exists()


def changed_after_in_bulk_q(as_of: dt.date, *, anyone_gone: bool | None = None) -> Q:
    """changed_after_q for everyone at once: three sets of ids read from Assignment's indexes
    (main posts ending after `as_of`; open main posts started after it, or undated and not held
    then) and the people gone by then (Person.left_on on or before `as_of`), instead of two
    lookups a person. Like changed_after_q it relies on every person having had a main post
    (org.services.person_create gives the first one, and ending a main post hands the role on
    to an open post, if any): so whoever left after `as_of` ended a main post after it and is
    in the first set.

    The gone set is left out when nobody had left by `as_of`; `anyone_gone` is
    anyone_gone_on(as_of) when the caller has it already. Without the one-open-main-post
    constraint (None) the gone are found from the posts instead: an anti-join over everyone.
    """
    mains = Assignment.objects.filter(is_main=True)
    ending_later = mains.filter(ended_on__gt=as_of).values("person_id")
    # An undated open main post held on `as_of` (参加工作时间 then or missing) is the post of
    # record unless another main post is held then, which ends after `as_of` (ending_later).
    # Two sets, each a range of assignment_main_dates_idx (one OR made PostgreSQL read every
    # open main post and join every person).
    starting_later = mains.filter(ended_on__isnull=True, started_on__gt=as_of).values("person_id")
    # The undated ones test the person's own 参加工作时间 (no join: PostgreSQL scanned every
    # person for it).
    undated = mains.filter(ended_on__isnull=True, started_on__isnull=True).values("person_id")
    undated_later = Q(pk__in=undated) & Q(work_started_on__gt=as_of)
    changed = Q(pk__in=ending_later) | Q(pk__in=starting_later) | undated_later
    if anyone_gone is None:
        anyone_gone = anyone_gone_on(as_of)
    if anyone_gone is False:
        return changed
    if anyone_gone:
        return changed | Q(left_on__lte=as_of)
    gone = (
        mains.order_by().values("person_id")
        .annotate(posts=Count("*"), ended=Count("ended_on")).filter(posts=F("ended"))
        .values("person_id")
    )
    return changed | Q(pk__in=gone)


def nothing_changed_on(as_of: dt.date, *, anyone_gone: bool | None = None) -> bool:
    """Whether everyone's post of record on `as_of` is the open main post the current-post
    fields mirror, so that counting Person alone gives the report on that date: nobody had left
    by then, no main post ends after `as_of`, and every open main post was held then (started on
    or before it, or undated with 参加工作时间 on or before it or missing). Usually true for
    today when nobody has left; a few index range reads, no lookup a person. False without the
    one-open-main-post constraint (see nobody_has_left). `anyone_gone` as for
    changed_after_in_bulk_q."""
    if anyone_gone is None:
        anyone_gone = anyone_gone_on(as_of)
    if anyone_gone is not False:
        return False
    mains = Assignment.objects.filter(is_main=True)
    return not (
        mains.filter(ended_on__gt=as_of).exists()
        or mains.filter(ended_on__isnull=True, started_on__gt=as_of).exists()
        or mains.filter(ended_on__isnull=True, started_on__isnull=True,
                        person__work_started_on__gt=as_of).exists()
    )


def changed_after_q(as_of: dt.date) -> Q:
    """Q on Person for the people whose post of record on `as_of` may differ from the current-post
    fields (unit, rank, is_team_member, which mirror the open main post, org.services being their
    only writer): anyone without an open main post started on or before `as_of` (not yet in it
    then, or undated, or gone), and anyone with a main post ending after `as_of`. Everyone
    else's post of record on `as_of` is the open main post, so the current-post fields give it.

    The set may hold people whose post of record is the current one after all (an undated post
    held since 参加工作时间); callers compute each one's post of record exactly. Both tests are
    correlated lookups on the person's posts (assignment_person_open_idx), so a small scope
    (a team) reads only its own people's posts.
    """
    mains = Assignment.objects.filter(person=OuterRef("pk"), is_main=True)
    settled = mains.filter(ended_on__isnull=True, started_on__lte=as_of)
    ending_later = mains.filter(ended_on__gt=as_of)
    return ~Q(Exists(settled)) | Q(Exists(ending_later))


# The people in post on a date


@dataclass
class ChangedPerson:
    """A person whose post of record on the date may differ from the current-post fields.

    `values` are the requested Person fields (current values; only posts keep a history),
    `in_base` says whether the base queryset counts him (by his current fields), and `post` is
    his post of record on the date when he is counted then, else None.
    """

    person_id: int
    values: dict[str, Any]
    in_base: bool
    post: PostOnDate | None


@dataclass
class PeopleOnDate:
    """The people in post on a date in a scope, split for fast counting.

    Counting `base` by the current-post fields, then taking away each `changed` person with
    `in_base` and adding each with a `post` (by that post's rank and unit), gives exactly the
    people in post on the date with the rank they had then. Most people held the same post on
    the date as today, so the base is counted by GROUP BY over Person's indexed columns and
    only the changed few are read one by one.
    """

    as_of: dt.date
    base: QuerySet[Person]
    changed: list[ChangedPerson]

    @property
    def changed_ids(self) -> set[int]:
        return {person.person_id for person in self.changed}

    def counted_changed(self) -> list[ChangedPerson]:
        return [person for person in self.changed if person.post is not None]

    def rows(self, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        """Every person counted, as a dict of `fields` (plus "id") with the rank and unit_id of
        the date (other fields are current); for small scopes (teams, pooled targets)."""
        changed = self.changed_ids
        result = [
            {"id": row[0], **dict(zip(fields, row[1:]))}
            for row in self.base.order_by("id").values_list("id", *fields)
            if row[0] not in changed
        ]
        for person in self.counted_changed():
            assert person.post is not None
            row = {"id": person.person_id, **person.values}
            row.update(_post_fields(person.post, fields))
            result.append(row)
        result.sort(key=lambda row: row["id"])
        return result


def _post_fields(post: PostOnDate, fields: Iterable[str]) -> dict[str, Any]:
    """The fields a post of record on the date overrides: its rank and unit."""
    given = {"rank": post.rank, "unit_id": post.unit_id, "unit": post.unit_id}
    return {name: given[name] for name in fields if name in given}


def people_on(
    *,
    actor: Any,
    as_of: dt.date,
    unit: Unit | None = None,
    team_members_only: bool = False,
    include_subunits: bool = True,
    fields: tuple[str, ...] = (),
) -> PeopleOnDate:
    """The people in post on `as_of` in a scope, as the actor may see them (see PeopleOnDate).

    The scope is `unit` with its subtree (only the unit with `include_subunits` false), or every
    unit the actor may see. Without `team_members_only` a person counts when his post of record
    on the date is in the scope; with it, when he holds a team post in the scope on the date
    (兼任 included). Only people the actor may see today are counted. `fields` are the Person
    fields the changed people carry (their current values; the post's come from the post).
    """
    people = Person.objects.visible_to(actor)
    visible_units = Unit.objects.visible_to(actor)
    scope_units: QuerySet[Unit] | None = None
    if unit is not None:
        scope_units = (
            visible_units.subtree_of(unit) if include_subunits
            else visible_units.filter(pk=unit.pk)
        )
    elif visible_units.query.where or visible_units.query.is_empty():
        scope_units = visible_units
    scope_ids = (
        set(scope_units.values_list("pk", flat=True)) if scope_units is not None else None
    )
    # A list of unit ids lets SQLite seek the team index by unit (a subquery made it skip-scan).
    unit_filter: Any = scope_units
    if scope_ids is not None and len(scope_ids) <= ID_BLOCK:
        unit_filter = sorted(scope_ids)
    if people.query.is_empty() or (scope_ids is not None and not scope_ids):
        return PeopleOnDate(as_of=as_of, base=people.none(), changed=[])

    if team_members_only:
        members = team_member_ids_on(as_of=as_of, units=unit_filter)
        base = people.filter(pk__in=members)
        candidates = base
    else:
        base = people.filter(unit__in=unit_filter) if unit is not None else people
        candidates = people
        if unit is not None:
            candidates = people.filter(
                Q(unit__in=unit_filter)
                | Q(pk__in=posts_held_on(as_of, units=unit_filter).values("person_id"))
            )
    whole = unit is None and not team_members_only
    gone = anyone_gone_on(as_of) if whole else None
    if whole and nothing_changed_on(as_of, anyone_gone=gone):
        return PeopleOnDate(as_of=as_of, base=base, changed=[])
    changed_q = (
        changed_after_in_bulk_q(as_of, anyone_gone=gone) if whole else changed_after_q(as_of)
    )
    candidates = candidates.filter(changed_q).order_by()
    # Each candidate's post of record, by one correlated lookup on the person index giving
    # "id|unit_id|rank" (three lookups cost three times as much).
    of_record = _of_record_on(as_of).annotate(
        summary=Concat(Cast("id", CharField()), Value("|"), Cast("unit_id", CharField()),
                       Value("|"), "rank", output_field=CharField())
    )
    columns = tuple(dict.fromkeys(("unit_id", "rank", *fields)))
    rows = candidates.annotate(post=Subquery(of_record.values("summary")[:1])).values_list(
        "id", "post", *columns
    )
    changed = []
    for person_id, summary, *values in rows:
        current = dict(zip(columns, values))
        post = None
        if summary is not None:
            post_id, post_unit, post_rank = summary.split("|", 2)
            post = PostOnDate(person_id=person_id, post_id=int(post_id), unit_id=int(post_unit),
                              rank=post_rank)
        if team_members_only:
            in_base = True
        else:
            in_base = unit is None or current["unit_id"] in scope_ids  # type: ignore[operator]
            if post is not None and scope_ids is not None and post.unit_id not in scope_ids:
                post = None
        if (
            in_base and post is not None and post.rank == current["rank"]
            and (team_members_only or post.unit_id == current["unit_id"] or scope_ids is None)
            and "unit_id" not in fields and "unit" not in fields
        ):
            # Counted now and then, at the same rank and within the scope: no correction.
            continue
        changed.append(ChangedPerson(
            person_id=person_id, values={name: current[name] for name in fields},
            in_base=in_base, post=post,
        ))
    return PeopleOnDate(as_of=as_of, base=base, changed=changed)


def _of_record_on(as_of: dt.date) -> QuerySet[Assignment]:
    """The posts held on `as_of` by the person of the outer query (OuterRef "pk"), the post of
    record first (see the module docstring)."""
    # The person's 参加工作时间 by a lookup that runs only for a post without a start (COALESCE
    # stops at the first value), not a join for every post.
    work_started = (
        Person.objects.filter(pk=OuterRef("person_id")).order_by().values("work_started_on")[:1]
    )
    return posts_held_on(as_of).filter(person=OuterRef("pk")).order_by(
        F("is_main").desc(),
        Coalesce("started_on", Subquery(work_started), Value(dt.date.min),
                 output_field=DateField()).desc(),
        F("id").desc(),
    )


def people_changed_on_sql(
    as_of: dt.date, *, columns: tuple[str, ...], connection: Any
) -> tuple[str, tuple[Any, ...]]:
    """SQL (with its parameters) giving everyone whose post of record on `as_of` is not his
    open main post, one row each: the Person `columns`, then `rank_on`, the rank of the post
    of record then, NULL when he held no post then. No visibility scope: for counting the
    whole database (analytics.structure_report), where counting Person by its current fields
    (which mirror the open main post), taking away these people as counted now and adding
    those with a `rank_on` at that rank, gives the people in post on `as_of` with their rank
    then.

    Set-based, with no lookup a person (a correlated lookup for each changed person cost
    0.7 s of 1.7 s at 1,000,000 people as of 2010 on PostgreSQL):

    - `held`: the posts held on `as_of` other than open main posts — main posts ending after
      it, and concurrent posts (兼任) not ended by then — read from assignment_main_dates_idx
      alone;
    - `record`: each of their holders' post of record among them (ROW_NUMBER in the order of
      _of_record_on); he is changed unless his open main post was held then and comes first
      in that order, which his current-post fields tell (Person.post_started_on mirrors its
      start; its id is looked up only on a tie of the start dates);
    - the people in no post then: gone (Person.left_on set), or with an open main post not
      held then (started after `as_of`, or undated with 参加工作时间 after it), and holding
      none of `held`.

    Relies on one open main post a person (the constraint, and org.services keeping
    Person.left_on and the current-post fields): callers check anyone_gone_on is not None.
    """
    quote = connection.ops.quote_name
    posts, people = quote(Assignment._meta.db_table), quote(Person._meta.db_table)
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    day = connection.ops.adapt_datefield_value(as_of)
    earliest = connection.ops.adapt_datefield_value(dt.date.min)
    # 参加工作时间 of a post's holder, looked up only for the rare post without a start.
    work_started = f"(SELECT w.work_started_on FROM {people} w WHERE w.id = a.person_id)"
    open_start = "COALESCE(p.post_started_on, p.work_started_on, %s)"
    fields = ", ".join(f"p.{quote(column)}" for column in columns)
    sql = f"""
        WITH held AS {materialized}(
            SELECT a.person_id, a.is_main, a.id, a.rank, a.started_on AS began FROM {posts} a
            WHERE a.is_main AND a.ended_on > %s AND a.started_on <= %s
            UNION ALL
            SELECT a.person_id, a.is_main, a.id, a.rank, COALESCE({work_started}, %s)
            FROM {posts} a
            WHERE a.is_main AND a.ended_on > %s AND a.started_on IS NULL
              AND COALESCE({work_started}, %s) <= %s
            UNION ALL
            SELECT a.person_id, a.is_main, a.id, a.rank, COALESCE(a.started_on, {work_started}, %s)
            FROM {posts} a
            WHERE NOT a.is_main AND (a.ended_on IS NULL OR a.ended_on > %s)
              AND COALESCE(a.started_on, {work_started}, %s) <= %s
        ),
        record AS {materialized}(
            SELECT person_id, is_main, id, rank, began FROM (
                SELECT h.*, ROW_NUMBER() OVER (
                    PARTITION BY h.person_id ORDER BY h.is_main DESC, h.began DESC, h.id DESC
                ) AS place
                FROM held h
            ) ranked WHERE place = 1
        )
        SELECT {fields}, r.rank AS rank_on
        FROM record r JOIN {people} p ON p.id = r.person_id
        WHERE NOT (
            p.left_on IS NULL AND {open_start} <= %s
            AND (NOT r.is_main OR {open_start} > r.began OR ({open_start} = r.began AND (
                SELECT o.id FROM {posts} o
                WHERE o.person_id = p.id AND o.is_main AND o.ended_on IS NULL
            ) > r.id))
        )
        UNION ALL
        SELECT {fields}, NULL FROM {people} p
        WHERE (p.left_on IS NOT NULL OR p.post_started_on > %s
               OR (p.post_started_on IS NULL AND p.work_started_on > %s))
          AND NOT EXISTS (SELECT 1 FROM held h WHERE h.person_id = p.id)
    """
    params = (
        day, day, earliest, day, day, day, earliest, day, earliest, day,  # held
        earliest, day, earliest, earliest,  # the open main post held then and first
        day, day,  # in no post then
    )
    return sql, params


# Units as they were on a date (机构改革: 设立, 更名, 调整隶属关系, 合并, 撤销)
#
# A unit exists on D from its established_on (always when not set) until the day before its
# abolished_on (a unit merged or abolished on D is gone that day, as a post ending on D is no
# longer held). Its name and parent on D are those before the first 更名 / 调整隶属关系 after D
# (a change on D applies that day), else the current ones; its 排序号 is the current one.


def _unit_exists_q(as_of: dt.date) -> Q:
    return (Q(established_on__isnull=True) | Q(established_on__lte=as_of)) & (
        Q(abolished_on__isnull=True) | Q(abolished_on__gt=as_of)
    )


def unit_exists_on(unit: Unit, as_of: dt.date) -> bool:
    return (unit.established_on is None or unit.established_on <= as_of) and (
        unit.abolished_on is None or unit.abolished_on > as_of
    )


def unit_name_on(unit: Unit, as_of: dt.date) -> str | None:
    """The name the unit had on `as_of`, from its history; None when it did not exist then."""
    from cadres.org.models import UnitChangeKind

    if not unit_exists_on(unit, as_of):
        return None
    later = (unit.changes.filter(kind=UnitChangeKind.RENAMED, changed_on__gt=as_of)
             .order_by("changed_on", "id").values_list("old_name", flat=True).first())
    return later if later is not None else unit.name


@dataclass(frozen=True)
class UnitOnDate:
    """A unit as it was on a date: its name, parent and full path then, its level in the tree
    then and its place in list order (sort_key, from the current 排序号)."""

    unit: Unit
    name: str
    parent_id: int | None
    path: str
    level: int
    sort_key: str


def units_on(as_of: dt.date, *, actor: Any = None, root: Unit | None = None) -> list[UnitOnDate]:
    """The units that existed on `as_of`, each with the name and parent it had then, in list
    order (排序号 through the tree as it was, then name). Only the units the actor may see when
    an actor is given (the paths still name the units above them), and only `root`'s subtree
    on that date when given. Three queries whatever the number of units."""
    from cadres.org.models import PATH_SEPARATOR, UnitChange, UnitChangeKind, unit_sort_key

    existing = {unit.pk: unit for unit in Unit.objects.filter(_unit_exists_q(as_of)).order_by()}
    names = {pk: unit.name for pk, unit in existing.items()}
    parents = {pk: unit.parent_id for pk, unit in existing.items()}
    seen: set[tuple[int, str]] = set()
    later = (UnitChange.objects.filter(kind__in=[UnitChangeKind.RENAMED, UnitChangeKind.MOVED],
                                       changed_on__gt=as_of)
             .order_by("changed_on", "id").values_list("unit_id", "kind", "old_name", "old_parent_id"))
    for unit_id, kind, old_name, old_parent_id in later:
        if unit_id not in existing or (unit_id, kind) in seen:
            continue
        seen.add((unit_id, kind))
        if kind == UnitChangeKind.RENAMED:
            names[unit_id] = old_name
        else:
            parents[unit_id] = old_parent_id
    built: dict[int, tuple[str, int, str]] = {}

    def build(pk: int, trail: frozenset[int] = frozenset()) -> tuple[str, int, str]:
        if pk in built:
            return built[pk]
        parent = parents[pk]
        own = unit_sort_key("", existing[pk].sort_order, names[pk])
        if parent is None or parent not in existing or parent in trail:
            result = (names[pk], 0, own)
        else:
            path, level, key = build(parent, trail | {pk})
            result = (f"{path}{PATH_SEPARATOR}{names[pk]}", level + 1, f"{key}{PATH_SEPARATOR}{own}")
        built[pk] = result
        return result

    rows = []
    for pk, unit in existing.items():
        path, level, key = build(pk)
        rows.append(UnitOnDate(unit=unit, name=names[pk], parent_id=parents[pk], path=path, level=level,
                               sort_key=key))
    if actor is not None:
        visible = set(Unit.objects.visible_to(actor).values_list("pk", flat=True))
        rows = [row for row in rows if row.unit.pk in visible]
    if root is not None:
        by_pk = {row.unit.pk: row for row in rows}
        top = by_pk.get(root.pk)
        if top is None:
            return []
        rows = [row for row in rows
                if row.unit.pk == root.pk or row.path.startswith(top.path + PATH_SEPARATOR)]
    rows.sort(key=lambda row: (row.sort_key, row.unit.pk))
    return rows


def unit_history(unit: Unit) -> QuerySet[Any]:
    """The unit's changes (UnitChange), latest first, with the units they name."""
    return unit.changes.select_related("old_parent", "new_parent", "other_unit").order_by("-changed_on", "-id")


# 领导职数: approved 正职 / 副职 posts of a team against the members on a date
#
# A team member on the date is anyone holding a team post (班子成员) in the unit then (兼任
# included, once a unit: org.selectors.posts_held_on through plans.selectors.teams_on). He
# fills a 正职 post when his title names a principal post — a part of it (split at 、，, /
# and spaces) is one of the 正职职务名称 the deployment keeps (plans.PrincipalTitle: 书记,
# 党委书记, 局长, 镇长, 主任 …), or such a title of the unit's own organ (组织部部长 in 县委组织部,
# 县纪委书记 in 县纪委县监委: plans.selectors.is_principal_title), so 党委副书记、镇长 is 正职,
# 副镇长 and a township's 党委委员、纪委书记 are 副职 — and a 副职 post otherwise. The approved
# numbers on the date are those before the first 核定领导职数 change after it, else the current
# ones.


@dataclass
class TeamQuota:
    """A team's approved and held 正职 / 副职 posts on a date; None approved: none on record."""

    unit: Unit
    name: str
    level: int = 0
    principal_posts: int | None = None
    deputy_posts: int | None = None
    principals: int = 0
    deputies: int = 0

    @staticmethod
    def _over(approved: int | None, held: int) -> int:
        return max(held - approved, 0) if approved is not None else 0

    @staticmethod
    def _vacant(approved: int | None, held: int) -> int:
        return max(approved - held, 0) if approved is not None else 0

    @property
    def principal_over(self) -> int:
        return self._over(self.principal_posts, self.principals)

    @property
    def principal_vacant(self) -> int:
        return self._vacant(self.principal_posts, self.principals)

    @property
    def deputy_over(self) -> int:
        return self._over(self.deputy_posts, self.deputies)

    @property
    def deputy_vacant(self) -> int:
        return self._vacant(self.deputy_posts, self.deputies)

    @property
    def over(self) -> int:
        """超职数: members over the approved numbers (正职 and 副职 counted apart)."""
        return self.principal_over + self.deputy_over

    @property
    def vacant(self) -> int:
        """缺职: approved posts not filled."""
        return self.principal_vacant + self.deputy_vacant

    @property
    def has_quota(self) -> bool:
        return self.principal_posts is not None or self.deputy_posts is not None


@dataclass
class QuotaTotals:
    principal_posts: int = 0
    deputy_posts: int = 0
    principals: int = 0
    deputies: int = 0
    over: int = 0
    vacant: int = 0


def _quotas_on(as_of: dt.date, unit_ids: Iterable[int]) -> dict[int, dict[str, int | None]]:
    """The approved numbers changed after `as_of`, per unit: the value each had then."""
    from cadres.org.models import UnitChange, UnitChangeKind

    result: dict[int, dict[str, int | None]] = {}
    later = (UnitChange.objects.filter(kind=UnitChangeKind.QUOTA, changed_on__gt=as_of, unit_id__in=list(unit_ids))
             .order_by("changed_on", "id").values_list("unit_id", "details"))
    for unit_id, details in later:
        then = result.setdefault(unit_id, {})
        for name in ("principal_posts", "deputy_posts"):
            if name in (details or {}) and name not in then:
                then[name] = details[name][0]
    return result


def team_quotas_on(*, actor: Any, as_of: dt.date, unit: Unit | None = None,
                   all_units: bool = False) -> list[TeamQuota]:
    """Every team on `as_of` the actor may see (in `unit`'s subtree when given), in list order
    under the names of that date: the units with approved numbers or team members then (every
    unit existing then with `all_units`)."""
    units = units_on(as_of, actor=actor, root=unit)
    held = _team_posts_held(actor=actor, as_of=as_of, unit_ids=[row.unit.pk for row in units])
    earlier = _quotas_on(as_of, [row.unit.pk for row in units])
    rows = []
    for row in units:
        then = earlier.get(row.unit.pk, {})
        quota = TeamQuota(
            unit=row.unit, name=row.name, level=row.level,
            principal_posts=then.get("principal_posts", row.unit.principal_posts),
            deputy_posts=then.get("deputy_posts", row.unit.deputy_posts),
            principals=held.get(row.unit.pk, (0, 0))[0], deputies=held.get(row.unit.pk, (0, 0))[1],
        )
        if all_units or quota.has_quota or row.unit.pk in held:
            rows.append(quota)
    return rows


def _team_posts_held(*, actor: Any, as_of: dt.date, unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(正职, 副职) members per unit on `as_of`: each person once a unit, 正职 when one of his
    team posts there has a principal title; only people the actor may see."""
    from cadres.plans.selectors import is_principal_title, principal_titles

    if not unit_ids:
        return {}
    visible = Person.objects.visible_to(actor)
    posts = posts_held_on(as_of).filter(is_team_member=True)
    if visible.query.has_filters() or visible.query.is_empty():
        posts = posts.filter(person__in=visible)
    if len(unit_ids) <= ID_BLOCK:
        posts = posts.filter(unit_id__in=unit_ids)
    wanted = set(unit_ids)
    titles = principal_titles()
    unit_names = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name"))
    principal_of: dict[tuple[str, int], bool] = {}
    members: dict[tuple[int, int], bool] = {}
    for unit_id, person_id, title in posts.order_by().values_list("unit_id", "person_id", "title").distinct():
        if unit_id not in wanted:
            continue
        if (title, unit_id) not in principal_of:
            principal_of[(title, unit_id)] = is_principal_title(title, titles, unit_names[unit_id])
        members[(unit_id, person_id)] = members.get((unit_id, person_id), False) or principal_of[(title, unit_id)]
    held: dict[int, tuple[int, int]] = {}
    for (unit_id, _), principal in members.items():
        principals, deputies = held.get(unit_id, (0, 0))
        held[unit_id] = (principals + 1, deputies) if principal else (principals, deputies + 1)
    return held


def team_quota_on(*, actor: Any, unit: Unit, as_of: dt.date) -> TeamQuota:
    """One unit's 领导职数 on `as_of` (its own team, not the teams below it)."""
    rows = [row for row in team_quotas_on(actor=actor, as_of=as_of, unit=unit, all_units=True)
            if row.unit.pk == unit.pk]
    if rows:
        return rows[0]
    return TeamQuota(unit=unit, name=unit_name_on(unit, as_of) or unit.name,
                     principal_posts=unit.principal_posts, deputy_posts=unit.deputy_posts)


def quota_totals(rows: Iterable[TeamQuota]) -> QuotaTotals:
    """The approved numbers, members, 超职数 and 缺职 over teams (approved: only where set)."""
    totals = QuotaTotals()
    for row in rows:
        totals.principal_posts += row.principal_posts or 0
        totals.deputy_posts += row.deputy_posts or 0
        totals.principals += row.principals
        totals.deputies += row.deputies
        totals.over += row.over
        totals.vacant += row.vacant
    return totals
