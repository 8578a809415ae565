"""Every read of the plans app: age-limit forecasts, team rosters at a date and plan-target gaps.

Who is in post, and who is a team member (班子成员), on a date follows the post history as
org.selectors defines it once for every analysis (`people_on`, `posts_held_on`): a post counts
from its start date (an undated one from the person's 参加工作时间, or always when that is
missing too) up to the day before its end date, since a new post starts on the day the old one
ends; a person's rank on the date is his main post's then. The measures (党外, 少数民族, 大学以上,
研究生学历或硕士学位) and the percentage are core.measures'.
"""

import bisect
import datetime as dt
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Expression, F, IntegerField, Q, QuerySet

from cadres.core import codes, measures
from cadres.core.dates import add_months, age_on, format_month
from cadres.core.measures import percent
from cadres.org.models import Assignment, Unit
from cadres.org.selectors import PeopleOnDate, people_on, posts_held_on, posts_of_record_on
from cadres.people.models import Person
from cadres.plans.models import AgeLimitRuleSet, PlanTarget, PrincipalTitle
from cadres.plans.rules import (
    SimpleLimit,
    first_birth_reaching_after,
    limit_for,
    limits_from_ages,
    reach_date,
    reaching_q,
)

LimitsArgument = Mapping[str, int] | AgeLimitRuleSet | Iterable[Any]

# The Person fields the forecasts and targets read (their current values; rank and unit come
# from the post held on the date).
MEMBER_FIELDS = (
    "name", "sex", "birth_date", "political_status", "ethnicity", "highest_education",
    "full_time_degree", "in_service_degree", "rank",
)


def people_visible(*, actor: Any) -> QuerySet[Person]:
    return Person.objects.visible_to(actor)


def people_in_scope(
    *, actor: Any, as_of: dt.date, unit: Unit | None = None, team_members_only: bool = False
) -> PeopleOnDate:
    """The people in post on `as_of` in a unit's subtree (everyone, or those on a team then),
    with their rank then (org.selectors.people_on)."""
    return people_on(actor=actor, as_of=as_of, unit=unit, team_members_only=team_members_only,
                     fields=MEMBER_FIELDS)


def rule_set_default(kind: str = AgeLimitRuleSet.Kind.POST_AGE_LIMIT) -> AgeLimitRuleSet | None:
    return (
        AgeLimitRuleSet.objects.prefetch_related("limits")
        .filter(kind=kind)
        .order_by("-is_default", "name")
        .first()
    )


def rule_set_list() -> QuerySet[AgeLimitRuleSet]:
    return AgeLimitRuleSet.objects.prefetch_related("limits").all()


def limits_resolve(limits: LimitsArgument) -> list[Any]:
    """Limits from a rule set, a {rank code: age} mapping, or a list of limits."""
    if isinstance(limits, AgeLimitRuleSet):
        return list(limits.limits.all())
    if isinstance(limits, Mapping):
        return limits_from_ages(limits)
    return list(limits)


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def age_limit_forecast(
    *,
    actor: Any,
    as_of: dt.date,
    until: dt.date,
    limits: LimitsArgument,
    unit: Unit | None = None,
    team_members_only: bool = False,
    group: str = "",
    include_people: bool = True,
) -> dict[str, Any]:
    """Who reaches the age limit after `as_of` and on or before `until` (年龄到杠预测).

    A person reaches the limit on the 1st of the month he turns that age (rules.py), and is
    counted in `reaching` when as_of < that date <= until. People who had reached it on or
    before `as_of` are not in `reaching` (they are past the limit already); they are counted
    apart in `already_reached`. `share` is `reaching` over the scope's headcount, in percent.
    `by_year` splits `reaching` by calendar year, every year from as_of's to until's.
    """
    limit_list = limits_resolve(limits)
    scope = people_in_scope(actor=actor, as_of=as_of, unit=unit, team_members_only=team_members_only)
    years = list(range(as_of.year, until.year + 1))
    counts = _forecast_counts(scope.base, limit_list, as_of=as_of, until=until, group=group)
    _forecast_correct(counts, scope, limit_list, as_of=as_of, until=until, group=group)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "until": until.isoformat(),
        "unit": unit.path if unit is not None else "",
        "team_members_only": team_members_only,
        "rule_set": limits.name if isinstance(limits, AgeLimitRuleSet) else "",
        "limits": [_limit_row(limit) for limit in limit_list if limit.group == group],
        "total": counts["total"],
        "reaching": counts["reaching"],
        "share": percent(counts["reaching"], counts["total"]),
        "by_year": {str(year): counts["by_year"].get(year, 0) for year in years},
        "women": counts["women"],
        "non_party": counts["non_party"],
        "minority": counts["minority"],
        "already_reached": counts["already_reached"],
    }
    if include_people:
        result["people"] = _reaching_people(scope, limit_list, as_of=as_of, until=until,
                                            group=group)
    return result


def _forecast_correct(counts: dict[str, Any], scope: PeopleOnDate, limits: list[Any], *,
                      as_of: dt.date, until: dt.date, group: str) -> None:
    """Correct the base's counts for the people whose rank or unit on `as_of` is not their
    current one (PeopleOnDate): each is taken away as counted now and added as he stood then,
    bucketed as ForecastBucket buckets in SQL."""
    edges = period_edges(as_of, until)
    bounds_by_rank_sex: dict[tuple[str, str], tuple[dt.date, ...] | None] = {}

    def bounds_for(rank: str, sex: str) -> tuple[dt.date, ...] | None:
        key = (rank, sex)
        if key not in bounds_by_rank_sex:
            limit = limit_for(limits, rank=rank, sex=sex, group=group)
            bounds_by_rank_sex[key] = (
                None if limit is None else period_birth_bounds(limit, edges)
            )
        return bounds_by_rank_sex[key]

    for person in scope.changed:
        values = person.values
        if person.in_base:
            _forecast_add(counts, values, bounds_for(values["rank"], values["sex"]), edges, -1)
        if person.post is not None:
            _forecast_add(counts, values, bounds_for(person.post.rank, values["sex"]), edges, 1)


def _forecast_add(counts: dict[str, Any], values: dict[str, Any],
                  bounds: tuple[dt.date, ...] | None, edges: list[dt.date], sign: int) -> None:
    """Count one person (sign 1) or take him away (sign -1), bucketed by his birth against the
    limit's `bounds` (see _forecast_counts); None when no limit applies to him."""
    counts["total"] += sign
    birth = values["birth_date"]
    if bounds is None or birth >= bounds[-1]:
        return
    number = bisect.bisect_right(bounds, birth, hi=len(bounds) - 1)
    if number == 0:
        counts["already_reached"] += sign
        return
    counts["reaching"] += sign
    counts["by_year"][edges[number].year] += sign
    counts["non_party"] += sign * measures.is_non_party(values["political_status"])
    counts["minority"] += sign * measures.is_minority(values["ethnicity"])
    counts["women"] += sign * measures.is_woman(values["sex"])


def _forecast_counts(scope: QuerySet[Person], limits: list[Any], *, as_of: dt.date,
                     until: dt.date, group: str) -> dict[str, Any]:
    """The forecast's counts from one query that groups the scope by a small bucket number.

    The reach date rises with the birth month (rules.py), so for each limit the births that
    reach it on or before as_of, in each calendar year of the period, and after until are
    consecutive runs of birth months, bounded by `period_birth_bounds`. A CASE over rank, sex
    and birth date gives each person his bucket: None (no limit applies), 0 (already
    reached), i ≥ 1 (reaches it in the i-th part of the period, `edges[i]`'s year) or -1
    (after until). The database then groups a few dozen (bucket, sex) rows, however many
    people the scope holds, and the headcount comes from the same rows.
    """
    edges = period_edges(as_of, until)
    bucket = _bucket_expression(limits, edges, group=group)
    counts: dict[str, Any] = {"total": 0, "reaching": 0, "women": 0, "non_party": 0,
                              "minority": 0, "already_reached": 0, "by_year": defaultdict(int)}
    if bucket is None:
        counts["total"] = scope.count()
        return counts
    groups = (
        scope.order_by()
        .annotate(forecast_bucket=bucket)
        .values_list("forecast_bucket", "sex")
        .annotate(
            people=Count("pk"),
            non_party=Count("pk", filter=measures.non_party_q()),
            minority=Count("pk", filter=measures.minority_q()),
        )
        .order_by()
    )
    for number, sex, people, non_party, minority in groups:
        counts["total"] += people
        if number is None or number < 0:
            continue
        if number == 0:
            counts["already_reached"] += people
            continue
        counts["reaching"] += people
        counts["by_year"][edges[number].year] += people
        counts["non_party"] += non_party
        counts["minority"] += minority
        if measures.is_woman(sex):
            counts["women"] += people
    return counts


def period_edges(as_of: dt.date, until: dt.date) -> list[dt.date]:
    """as_of, then each year end strictly between as_of and until, then until (when later):
    the period (as_of, until] split at the year ends, part i being (edges[i-1], edges[i]]."""
    if until <= as_of:
        return [as_of]
    ends = [_year_end(year) for year in range(as_of.year, until.year)]
    return [as_of, *(end for end in ends if as_of < end < until), until]


def _bucket_expression(limits: list[Any], edges: list[dt.date], *,
                       group: str) -> "ForecastBucket | None":
    """The CASE giving each person his forecast bucket (see _forecast_counts), or None when no
    limit applies to any rank. Ranks and sexes whose limits give the same birth bounds share
    one branch."""
    bounds_by_limit: dict[int, tuple[dt.date, ...]] = {}
    pairs_by_bounds: dict[tuple[dt.date, ...], dict[str, list[str]]] = {}
    for rank in codes.RANK:
        for sex in codes.Sex.values:
            limit = limit_for(limits, rank=rank, sex=sex, group=group)
            if limit is None:
                continue
            bounds = bounds_by_limit.get(id(limit))
            if bounds is None:
                bounds = bounds_by_limit[id(limit)] = period_birth_bounds(limit, edges)
            pairs_by_bounds.setdefault(bounds, {}).setdefault(sex, []).append(rank)
    if not pairs_by_bounds:
        return None
    branches = []
    for bounds, ranks_by_sex in pairs_by_bounds.items():
        rank_lists = list(ranks_by_sex.values())
        if len(ranks_by_sex) == len(codes.Sex.values) and all(
            ranks == rank_lists[0] for ranks in rank_lists
        ):
            who: tuple[tuple[str, tuple[str, ...]], ...] = (("", tuple(rank_lists[0])),)
        else:
            who = tuple((sex, tuple(ranks)) for sex, ranks in ranks_by_sex.items())
        branches.append((who, bounds))
    return ForecastBucket(tuple(branches))


class ForecastBucket(Expression):
    """A person's forecast bucket from his rank, sex and birth date (see _forecast_counts):

        CASE WHEN rank IN (…) [AND sex = …] THEN
            CASE WHEN birth_date >= bounds[-1] THEN -1 WHEN birth_date < bounds[0] THEN 0
                 WHEN birth_date < bounds[1] THEN 1 … ELSE len(bounds) - 1 END
        … ELSE NULL END

    Written as SQL directly: as a tree of Case/When/Q it took Django longer to compile
    (about 10 ms) than SQLite took to run it on a team.
    `branches` holds, for each set of bounds, the (sex or "" for both, ranks) it applies to.
    """

    output_field = IntegerField()

    def __init__(self, branches: tuple, rank: Any = None, sex: Any = None,
                 birth: Any = None) -> None:
        super().__init__()
        self.branches = branches
        self.rank = rank if rank is not None else F("rank")
        self.sex = sex if sex is not None else F("sex")
        self.birth = birth if birth is not None else F("birth_date")

    def get_source_expressions(self) -> list[Any]:
        return [self.rank, self.sex, self.birth]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        self.rank, self.sex, self.birth = expressions

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        rank, rank_params = compiler.compile(self.rank)
        sex, sex_params = compiler.compile(self.sex)
        birth, birth_params = compiler.compile(self.birth)
        if rank_params or sex_params or birth_params:
            raise ValueError("ForecastBucket takes plain columns")
        sql, params = ["CASE"], []
        for who, bounds in self.branches:
            conditions = []
            for sex_code, ranks in who:
                condition = f"{rank} IN ({', '.join(['%s'] * len(ranks))})"
                if sex_code:
                    condition = f"({sex} = %s AND {condition})"
                    params.append(sex_code)
                params.extend(ranks)
                conditions.append(condition)
            # Most people are born after the last bound (young) or before the first (past
            # the limit): test those first.
            sql.append(f"WHEN {' OR '.join(conditions)} THEN CASE WHEN {birth} >= %s THEN -1")
            params.append(connection.ops.adapt_datefield_value(bounds[-1]))
            for number, bound in enumerate(bounds[:-1]):
                sql.append(f"WHEN {birth} < %s THEN {number}")
                params.append(connection.ops.adapt_datefield_value(bound))
            sql.append(f"ELSE {len(bounds) - 1} END")
        sql.append("ELSE NULL END")
        return " ".join(sql), params


def period_birth_bounds(limit: Any, edges: list[dt.date]) -> tuple[dt.date, ...]:
    """For each edge, the first birth month reaching the limit after it: a person born before
    bounds[0] has reached it on as_of, one born in [bounds[i-1], bounds[i]) reaches it in
    (edges[i-1], edges[i]], one born on or after bounds[-1] reaches it after until."""
    return tuple(_first_birth_after(_limit_key(limit), edge) for edge in edges)


def _limit_key(limit: Any) -> tuple:
    return (limit.age_years, limit.extra_months, limit.raise_from, limit.raise_every_months,
            limit.raise_cap_months)


@functools.lru_cache(maxsize=4096)
def _first_birth_after(key: tuple, edge: dt.date) -> dt.date:
    """first_birth_reaching_after for a limit given by its ages (a pure function, so cached:
    a forecast per team asks for the same bounds once a team)."""
    age_years, extra_months, raise_from, raise_every_months, raise_cap_months = key
    limit = SimpleLimit(rank="", age_years=age_years, extra_months=extra_months,
                        raise_from=raise_from, raise_every_months=raise_every_months,
                        raise_cap_months=raise_cap_months)
    return first_birth_reaching_after(limit, edge)


def _limit_row(limit: Any) -> dict[str, Any]:
    return {
        "rank": codes.name_for("rank", limit.rank) or "全部",
        "sex": codes.name_for("sex", limit.sex) or "全部",
        "age_years": limit.age_years,
        "extra_months": limit.extra_months,
        "raise_from": format_month(limit.raise_from),
        "raise_every_months": limit.raise_every_months,
        "raise_cap_months": limit.raise_cap_months,
    }


def _reaching_people(scope: PeopleOnDate, limits: list[Any], *, as_of: dt.date, until: dt.date,
                     group: str) -> list[dict[str, Any]]:
    """The people reaching the limit in (as_of, until], by reach month, unit and id: those of
    the base by their current rank (SQL), the changed ones by their rank on `as_of`."""
    changed = scope.changed_ids
    reaching = reaching_q(limits, after=as_of, until=until, group=group)
    candidates = [
        (pk, name, sex, birth, rank, post_title, unit_id)
        for pk, name, sex, birth, rank, post_title, unit_id in scope.base.filter(
            reaching).values_list("pk", "name", "sex", "birth_date", "rank", "post_title", "unit_id")
        if pk not in changed
    ]
    later: list[tuple[Any, ...]] = []
    for person in scope.counted_changed():
        assert person.post is not None
        values = person.values
        limit = limit_for(limits, rank=person.post.rank, sex=values["sex"], group=group)
        reached = reach_date(limit, values["birth_date"]) if limit is not None else None
        if reached is not None and as_of < reached <= until:
            later.append((person, values))
    titles = dict(Assignment.objects.filter(
        pk__in=[person.post.post_id for person, _ in later if person.post is not None]
    ).values_list("pk", "title")) if later else {}
    for person, values in later:
        post = person.post
        assert post is not None
        candidates.append((person.person_id, values["name"], values["sex"], values["birth_date"],
                           post.rank, titles.get(post.post_id, ""), post.unit_id))
    paths = dict(Unit.objects.filter(pk__in={row[6] for row in candidates}).values_list("pk", "path"))
    rows = []
    for pk, name, sex, birth, rank, post_title, unit_id in candidates:
        limit = limit_for(limits, rank=rank, sex=sex, group=group)
        assert limit is not None  # every candidate reaches a limit
        reached = reach_date(limit, birth)
        unit_path = paths.get(unit_id, "")
        rows.append((reached, unit_path, pk, {
            "id": pk,
            "name": name,
            "unit": unit_path,
            "post_title": post_title,
            "rank": codes.name_for("rank", rank),
            "sex": codes.name_for("sex", sex),
            "birth_month": format_month(birth),
            "limit_month": format_month(reached),
        }))
    rows.sort(key=lambda row: row[:3])
    return [row[3] for row in rows]


# Teams (领导班子) at a date


_TITLE_SPLIT = re.compile(r"[、，,/\s]+")


@dataclass
class Member:
    """A person as the team and target figures need him (values, not a model instance, so
    that thousands of teams stay cheap): `rank` is the post's level on the date."""

    person_id: int
    name: str
    sex: str
    birth_date: dt.date
    political_status: str
    ethnicity: str
    highest_education: str
    full_time_degree: str
    in_service_degree: str
    rank: str
    age: int
    title: str = ""
    is_principal: bool = False


@dataclass
class Team:
    """A unit's leadership team on a date: the members holding team posts there."""

    unit: Unit
    members: list[Member] = field(default_factory=list)

    @property
    def principals(self) -> list[Member]:
        return [member for member in self.members if member.is_principal]


def principal_titles() -> frozenset[str]:
    return frozenset(PrincipalTitle.objects.values_list("title", flat=True))


def is_principal_title(title: str, titles: frozenset[str], unit_name: str = "") -> bool:
    """A title one of whose parts (split at 、，, / and spaces) is a principal title — or, in a
    unit named `unit_name`, a principal title of that unit's own organ: "组织部部长" in 县委组织部,
    "县纪委书记" in 县纪委县监委, "政法委书记" in 县委政法委员会 (the part's prefix is in the unit's
    name), while "纪委书记" in a township team stays a 副职 (its organ is not the township)."""
    for part in _TITLE_SPLIT.split(title):
        if not part:
            continue
        if part in titles:
            return True
        if unit_name and "副" not in part and any(
            part.endswith(principal) and part[:-len(principal)] and part[:-len(principal)] in unit_name
            for principal in titles
        ):
            return True
    return False


def teams_on(
    *, actor: Any, as_of: dt.date, unit: Unit | None = None, unit_type: str | None = None
) -> list[Team]:
    """Every team on a date: units with team members then, in unit order, members in post order.

    A member is anyone holding a team post there on the date (org.selectors.posts_held_on), a
    concurrent post (兼任) included, once a team; his rank is that of his main post then.
    Optionally only units of a subtree and of one unit type; only units and people the actor
    may see.
    """
    visible = people_visible(actor=actor)
    units = Unit.objects.visible_to(actor)
    if unit is not None:
        units = units.subtree_of(unit)
    if unit_type is not None:
        units = units.filter(unit_type=unit_type)
    posts = posts_held_on(as_of).filter(is_team_member=True)
    if visible.query.has_filters() or visible.query.is_empty():
        posts = posts.filter(person__in=visible)
    if units.query.where or units.query.is_empty():
        posts = posts.filter(unit__in=units)
    rows = list(posts.order_by("unit_id", "id").values_list(
        "unit_id", "title", "rank", "person_id", *(f"person__{name}" for name in MEMBER_FIELDS)
    ))
    of_record = posts_of_record_on(as_of=as_of, people=sorted({row[3] for row in rows}))
    titles = principal_titles()
    units_by_id = Unit.objects.in_bulk({row[0] for row in rows})
    is_principal: dict[tuple[str, int], bool] = {}
    teams: dict[int, list[Member]] = {}
    seen: set[tuple[int, int]] = set()
    for (unit_id, title, post_rank, person_id, name, sex, birth, political_status, ethnicity,
         highest_education, full_time_degree, in_service_degree, _current_rank) in rows:
        if (unit_id, person_id) in seen:
            continue
        seen.add((unit_id, person_id))
        principal = is_principal.get((title, unit_id))
        if principal is None:
            principal = is_principal[(title, unit_id)] = is_principal_title(title, titles, units_by_id[unit_id].name)
        main = of_record.get(person_id)
        teams.setdefault(unit_id, []).append(Member(
            person_id, name, sex, birth, political_status, ethnicity, highest_education,
            full_time_degree, in_service_degree, (main.rank if main else "") or post_rank,
            age_on(birth, as_of), title, principal,
        ))
    return sorted(
        (Team(unit=units_by_id[unit_id], members=members) for unit_id, members in teams.items()),
        key=lambda team: (team.unit.sort_key, team.unit.path),
    )


# Plan targets and gaps (结构缺项)


def target_list(*, actor: Any, plan_name: str | None = None) -> QuerySet[PlanTarget]:
    """The targets the actor may see: those over a unit he may see, and those over every team
    of a unit type (evaluated on the teams he may see)."""
    targets = PlanTarget.objects.select_related("unit").filter(
        Q(unit__isnull=True) | Q(unit__in=Unit.objects.visible_to(actor))
    )
    if plan_name:
        targets = targets.filter(plan_name=plan_name)
    return targets


def plan_names(*, actor: Any) -> list[str]:
    return list(
        target_list(actor=actor).order_by("plan_name").values_list("plan_name", flat=True)
        .distinct()
    )


def member_counts(measure: str, person: Any, *, age_limit: int | None = None) -> bool:
    """Whether a person (a `Member`, or anything with its fields and `age`) counts toward a
    measure of the plan targets (the measures of core.measures); `age_limit` is the N of "N岁以下".
    The reserve pools' targets and a team's figures use the same measures."""
    measure_kind = PlanTarget.Measure
    if measure == measure_kind.AGE_AT_MOST:
        return person.age <= (age_limit or 0)
    if measure == measure_kind.WOMEN:
        return measures.is_woman(person.sex)
    if measure == measure_kind.NON_PARTY:
        return measures.is_non_party(person.political_status)
    if measure == measure_kind.MINORITY:
        return measures.is_minority(person.ethnicity)
    if measure == measure_kind.BACHELOR_OR_ABOVE:
        return measures.is_bachelor_or_above(person.highest_education)
    if measure == measure_kind.POSTGRADUATE_OR_MASTER:
        return measures.is_postgraduate_or_master(
            person.highest_education, person.full_time_degree, person.in_service_degree
        )
    raise ValueError(measure)


def counts_toward(target: PlanTarget, person: Member) -> bool:
    """Whether a person counts toward a target's measure."""
    return member_counts(target.measure, person, age_limit=target.age)


def required_count(target: PlanTarget, headcount: int) -> int:
    """The fewest people that meet a target: the count, or the percentage rounded up."""
    if target.threshold_kind == PlanTarget.ThresholdKind.COUNT:
        return int(target.threshold)
    return math.ceil(Decimal(target.threshold) * headcount / 100)


@dataclass
class GroupResult:
    """One target on one group of people (a team, or a pooled scope)."""

    label: str
    unit: Unit | None
    headcount: int
    counted: list[str]
    required: int

    @property
    def count(self) -> int:
        return len(self.counted)

    @property
    def share(self) -> float:
        return percent(self.count, self.headcount)

    @property
    def missing(self) -> int:
        return max(0, self.required - self.count)

    @property
    def is_met(self) -> bool:
        return self.missing == 0


@dataclass
class TargetResult:
    target: PlanTarget
    groups: list[GroupResult]

    @property
    def met(self) -> int:
        return sum(1 for group in self.groups if group.is_met)

    @property
    def missed(self) -> int:
        return len(self.groups) - self.met

    @property
    def missing(self) -> int:
        return sum(group.missing for group in self.groups)


def _group_result(target: PlanTarget, label: str, unit: Unit | None,
                  people: list[Member]) -> GroupResult:
    if target.ranks:
        people = [person for person in people if person.rank in target.ranks]
    counted = [person.name for person in people if counts_toward(target, person)]
    return GroupResult(label=label, unit=unit, headcount=len(people), counted=counted,
                       required=required_count(target, len(people)))


def target_evaluate(*, actor: Any, target: PlanTarget, as_of: dt.date,
                    teams_by_type: dict[str, list[Team]] | None = None) -> TargetResult:
    """A target on every group it covers: each team of the unit type, or the pooled subtree.

    `teams_by_type` caches the teams of each unit type across the targets of one page.
    """
    if target.scope == PlanTarget.Scope.EACH_TEAM:
        cache = teams_by_type if teams_by_type is not None else {}
        if target.unit_type not in cache:
            cache[target.unit_type] = teams_on(actor=actor, as_of=as_of, unit_type=target.unit_type)
        groups = [
            _group_result(target, team.unit.path, team.unit, team.members)
            for team in cache[target.unit_type]
        ]
        return TargetResult(target=target, groups=groups)
    people = people_in_scope(actor=actor, as_of=as_of, unit=target.unit,
                             team_members_only=target.team_members_only)
    pooled = [
        Member(person_id=row["id"], **{name: row[name] for name in MEMBER_FIELDS},
               age=age_on(row["birth_date"], as_of))
        for row in people.rows(MEMBER_FIELDS)
    ]
    assert target.unit is not None  # a pooled target names its unit (PlanTarget.clean)
    return TargetResult(
        target=target,
        groups=[_group_result(target, target.unit.path, target.unit, pooled)],
    )


def plan_gaps(*, actor: Any, as_of: dt.date, plan_name: str | None = None) -> list[TargetResult]:
    """Every target (of one plan, or all) evaluated on a date."""
    teams_by_type: dict[str, list[Team]] = {}
    return [
        target_evaluate(actor=actor, target=target, as_of=as_of, teams_by_type=teams_by_type)
        for target in target_list(actor=actor, plan_name=plan_name)
    ]


# Forecast per team


@dataclass
class TeamLoss:
    """A team that loses, within the forecast, its only woman, its only member aged 35 or
    under, or a principal."""

    team: Team
    kind: str
    member: Member
    month: dt.date
    reason: str


YOUNG_AGE = 35


def team_forecast(
    *,
    actor: Any,
    as_of: dt.date,
    until: dt.date,
    limits: LimitsArgument,
    unit: Unit | None = None,
    group: str = "",
) -> dict[str, Any]:
    """Per team: who reaches the limit in each year of (as_of, until], and the teams at risk.

    A team loses its only woman or a principal when that member reaches the limit in the
    period. It loses its only member aged 35 or under when he reaches the limit or turns 36
    in the period, whichever comes first.
    """
    limit_list = limits_resolve(limits)
    applicable = {
        (rank, sex): limit_for(limit_list, rank=rank, sex=sex, group=group)
        for rank in codes.RANK for sex in codes.Sex.values
    }
    reached_cache: dict[tuple[int, int, int], dt.date] = {}
    years = list(range(as_of.year, until.year + 1))
    rows = []
    losses: list[TeamLoss] = []
    for team in teams_on(actor=actor, as_of=as_of, unit=unit):
        reaching: dict[int, list[tuple[Member, dt.date]]] = defaultdict(list)
        reached_on: dict[int, dt.date] = {}
        for member in team.members:
            limit = applicable.get((member.rank, member.sex))
            if limit is None:
                continue
            birth = member.birth_date
            key = (id(limit), birth.year, birth.month)
            reached = reached_cache.get(key)
            if reached is None:
                reached = reached_cache[key] = reach_date(limit, birth)
            if as_of < reached <= until:
                reaching[reached.year].append((member, reached))
                reached_on[member.person_id] = reached
        rows.append({
            "team": team,
            "by_year": [len(reaching.get(year, [])) for year in years],
            "reaching": sorted(
                (item for items in reaching.values() for item in items), key=lambda item: item[1]
            ),
            "total": sum(len(items) for items in reaching.values()),
        })
        losses.extend(_team_losses(team, reached_on, as_of, until))
    return {"years": years, "teams": rows, "losses": losses}


def _team_losses(team: Team, reached_on: dict[int, dt.date], as_of: dt.date,
                 until: dt.date) -> list[TeamLoss]:
    losses = []
    women = [m for m in team.members if m.sex == codes.Sex.FEMALE]
    if len(women) == 1 and women[0].person_id in reached_on:
        losses.append(TeamLoss(team, "only_woman", women[0], reached_on[women[0].person_id],
                               "唯一女干部到杠"))
    young = [m for m in team.members if m.age <= YOUNG_AGE]
    if len(young) == 1:
        member = young[0]
        turns_36 = add_months(member.birth_date, (YOUNG_AGE + 1) * 12)
        candidates = [(turns_36, f"唯一{YOUNG_AGE}岁以下干部满{YOUNG_AGE + 1}岁")]
        if member.person_id in reached_on:
            candidates.append((reached_on[member.person_id], f"唯一{YOUNG_AGE}岁以下干部到杠"))
        when, reason = min(candidates)
        if as_of < when <= until:
            losses.append(TeamLoss(team, "only_young", member, when, reason))
    for member in team.principals:
        if member.person_id in reached_on:
            losses.append(TeamLoss(team, "principal", member, reached_on[member.person_id],
                                   "正职到杠"))
    return losses
