"""Tenure flags (任期、交流) of many people at once, as `Finding`s (RULES.md §2).

For the team members (班子成员) among the people given, on a date `on`:

- tenure_same_post (params years, warn_months): the same post — the open main post, counted
  back over earlier main posts in the same unit under the same title that it continues (a rank
  change ends a post and opens it again the same day) — held `years` calendar years: due on
  the anniversary, flagged from `warn_months` before it;
- term_limit (params term_years, terms): the same post held `term_years × terms` years (two
  full terms), flagged likewise;
- same_level_total (params years): the main posts at the person's current rank (职务层次)
  adding up to `years` years (as many days as the `years` calendar years before `on`), summed
  in SQL by one GROUP BY; flagged likewise, due when the sum reaches it if he stays.

A rule without a row in force on `on` is not checked. The warning window is the
tenure_same_post rule's `warn_months` unless a rule gives its own. `overrides` gives some
people a hypothetical main post from a date (the exchange plan's preview): their same post
starts then and their level is the new post's rank.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import DateField, DurationField, ExpressionWrapper, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Least

from cadres.alerts.findings import Finding
from cadres.cases.rules import params
from cadres.core import codes
from cadres.core.dates import add_months, format_day
from cadres.org.models import Assignment
from cadres.org.selectors import ID_BLOCK
from cadres.people.models import Person

SAME_POST, TERM_LIMIT, SAME_LEVEL = "tenure_same_post", "term_limit", "same_level_total"


@dataclass(frozen=True)
class NewPost:
    """A hypothetical main post from `started_on`."""

    unit_id: int
    unit_name: str
    title: str
    rank: str
    is_team_member: bool
    started_on: dt.date


@dataclass
class _Holder:
    person_id: int
    name: str
    unit_id: int
    unit_name: str
    title: str
    rank: str
    since: dt.date | None


def _scope_ids(people_qs: QuerySet[Person] | Iterable[int]) -> tuple[QuerySet[Person], set[int] | None]:
    if isinstance(people_qs, QuerySet):
        return people_qs, None
    ids = set(people_qs)
    return Person.objects.filter(pk__in=sorted(ids)) if len(ids) <= ID_BLOCK else Person.objects.all(), ids


def _of(people: QuerySet[Person], posts: QuerySet[Assignment] | None = None) -> QuerySet[Assignment]:
    """The posts of `people` (no subquery when it is everyone)."""
    posts = Assignment.objects.all() if posts is None else posts
    return posts.filter(person__in=people) if people.query.where or people.query.is_empty() else posts


def _holders(people: QuerySet[Person], ids: set[int] | None,
             overrides: Mapping[int, NewPost]) -> dict[int, _Holder]:
    """The team members with their open main post and since when they hold it (the post
    continued back over earlier segments of the same unit and title)."""
    rows = people.filter(is_team_member=True).values_list(
        "pk", "name", "unit_id", "unit__name", "post_title", "rank", "post_started_on")
    holders = {pk: _Holder(pk, name, unit_id, unit_name, title, rank, since)
               for pk, name, unit_id, unit_name, title, rank, since in rows.iterator(chunk_size=5000)
               if (ids is None or pk in ids) and pk not in overrides}
    earlier = (_of(people).filter(is_main=True, ended_on__isnull=False, person__is_team_member=True,
                                  unit_id=F("person__unit_id"), title=F("person__post_title"),
                                  started_on__isnull=False)
               .values_list("person_id", "started_on", "ended_on"))
    segments: dict[int, dict[dt.date, dt.date]] = {}
    for person_id, started, ended in earlier.iterator(chunk_size=5000):
        if person_id in holders and started is not None and ended is not None:
            segments.setdefault(person_id, {})[ended] = started
    for person_id, chain in segments.items():
        holder = holders[person_id]
        seen = 0
        while holder.since is not None and holder.since in chain and seen < 100:
            holder.since = chain[holder.since]
            seen += 1
    if overrides:
        names = dict(Person.objects.filter(pk__in=list(overrides)).values_list("pk", "name"))
        for pk, post in overrides.items():
            if post.is_team_member and (ids is None or pk in ids):
                holders[pk] = _Holder(pk, names.get(pk, ""), post.unit_id, post.unit_name, post.title,
                                      post.rank, post.started_on)
    return holders


def _level_totals(people: QuerySet[Person], holders: Mapping[int, _Holder], overrides: Mapping[int, NewPost],
                  on: dt.date, at_least: dt.timedelta) -> dict[int, dt.timedelta]:
    """Per team member, the time spent in main posts at his (current or hypothetical) rank up to
    `on`, only where it is at least `at_least`: one GROUP BY (plus one for the overridden)."""
    end = Least(Coalesce("ended_on", Value(on, output_field=DateField())), Value(on, output_field=DateField()),
                output_field=DateField())
    held = ExpressionWrapper(end - F("started_on"), output_field=DurationField())
    base = Assignment.objects.filter(is_main=True, started_on__isnull=False, started_on__lte=on)
    totals: dict[int, dt.timedelta] = {}
    current = (_of(people, base).filter(person__is_team_member=True, rank=F("person__rank"))
               .values("person_id").order_by().annotate(total=Sum(held)).filter(total__gte=at_least)
               .values_list("person_id", "total"))
    for person_id, total in current:
        if person_id in holders and person_id not in overrides:
            totals[person_id] = total
    for person_id, post in overrides.items():
        if person_id not in holders:
            continue
        total = base.filter(person_id=person_id, rank=post.rank).aggregate(total=Sum(held))["total"]
        if total is not None and total >= at_least:
            totals[person_id] = total
    return totals


def _window(on: dt.date, *codes_: str) -> dict[str, int]:
    return {code: int(params(code, on).get("warn_months", params(SAME_POST, on).get("warn_months", 0)))
            for code in codes_}


def tenure_findings(people_qs: QuerySet[Person] | Iterable[int], on: dt.date, *,
                    overrides: Mapping[int, NewPost] | None = None) -> list[Finding]:
    """The tenure flags on `on` of the team members among `people_qs` (a Person queryset or
    ids); see the module docstring."""
    overrides = dict(overrides or {})
    people, ids = _scope_ids(people_qs)
    same_post, terms, level = params(SAME_POST, on), params(TERM_LIMIT, on), params(SAME_LEVEL, on)
    warn = _window(on, SAME_POST, TERM_LIMIT, SAME_LEVEL)
    holders = _holders(people, ids, overrides)
    findings: list[Finding] = []
    checks: list[tuple[str, int, str]] = []
    if same_post.get("years"):
        checks.append((SAME_POST, int(same_post["years"]), "须交流"))
    if terms.get("term_years") and terms.get("terms"):
        checks.append((TERM_LIMIT, int(terms["term_years"]) * int(terms["terms"]),
                       f"已达{int(terms['terms'])}个任期，不再推荐、提名或任命担任同一职务"))
    for holder in holders.values():
        if holder.since is None:
            continue
        for code, years, consequence in checks:
            due = add_months(holder.since, years * 12)
            if add_months(due, -warn[code]) > on:
                continue
            post = f"{holder.name}任{holder.unit_name}{holder.title}（自{format_day(holder.since)}）"
            text = (f"{post}，已满{years}年，{consequence}" if due <= on
                    else f"{post}，将于{format_day(due)}满{years}年，{consequence}")
            findings.append(Finding(kind="tenure", key=f"{code}:{holder.person_id}:{holder.since.isoformat()}",
                                    message=text, rule_code=code, person_id=holder.person_id,
                                    unit_id=holder.unit_id, due_on=due))
    if level.get("years"):
        years = int(level["years"])
        needed = on - add_months(on, -years * 12)
        window = add_months(on, warn[SAME_LEVEL]) - on
        for person_id, total in _level_totals(people, holders, overrides, on, needed - window).items():
            holder = holders[person_id]
            due = on + max(needed - total, dt.timedelta(0))
            rank = codes.name_for("rank", holder.rank) or holder.rank
            served = f"{holder.name}在{rank}层次累计任职{total.days // 365}年{total.days % 365}天"
            text = (f"{served}，已满{years}年，不再推荐、提名或任命担任同一层次领导职务" if due <= on
                    else f"{served}，将于{format_day(due)}累计满{years}年")
            findings.append(Finding(kind="tenure", key=f"{SAME_LEVEL}:{person_id}:{holder.rank}",
                                    message=text, rule_code=SAME_LEVEL, person_id=person_id,
                                    unit_id=holder.unit_id, due_on=due))
    return findings

