"""Team effect (班子结构变化) of a nominee: the team of the unit of his 拟任职位 on a date, before
and after adding him, in the dimensions of the structure report (age bands and average age,
女, 少数民族, 党外, 大学以上), the plan targets of that team met or unmet before and after,
and any avoidance conflict (回避) of his appointment there.

Who is on the team on the date is org.selectors' one reading (`team_member_ids_on`, rank from
`posts_of_record_on`); the measures are core.measures', the age bands the structure report's
(analytics.selectors), the targets' counting plans.selectors' (`counts_toward`,
`required_count`). "After" is simply before + the nominee (once, at the post's rank); a team
post he holds elsewhere is left as it is.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from cadres.analytics.selectors import DEFAULT_AGE_BANDS, age_band_label
from cadres.cases.models import CasePost, Nominee
from cadres.core import measures
from cadres.core.dates import age_on
from cadres.org.models import Unit
from cadres.org.selectors import posts_of_record_on, team_member_ids_on
from cadres.people.models import Person
from cadres.plans.models import PlanTarget
from cadres.plans.selectors import MEMBER_FIELDS, Member, counts_toward, member_counts, required_count

# The single figures shown, in order: key, label, measure of one member.
FIGURES: list[tuple[str, str]] = [
    ("women", "女干部"),
    ("minority", "少数民族"),
    ("non_party", "党外干部"),
    ("bachelor_or_above", "大学以上学历"),
]


def _member(values: dict[str, Any], person_id: int, on: dt.date, rank: str) -> Member:
    fields = {name: values[name] for name in MEMBER_FIELDS}
    fields["rank"] = rank or fields["rank"]
    return Member(person_id=person_id, **fields, age=age_on(values["birth_date"], on))


def team_members_on(unit: Unit, on: dt.date, *, subtree: bool = False) -> list[Member]:
    """The members of the unit's team on the date (of its subtree's teams with `subtree`),
    each with his rank then."""
    units: Any = Unit.objects.subtree_of(unit) if subtree else [unit.pk]
    ids = team_member_ids_on(as_of=on, units=units)
    rows = {row["id"]: row for row in Person.objects.filter(pk__in=ids).values("id", *MEMBER_FIELDS)}
    of_record = posts_of_record_on(as_of=on, people=sorted(rows))
    return [
        _member(row, person_id, on, of_record[person_id].rank if person_id in of_record else "")
        for person_id, row in sorted(rows.items())
    ]


def structure(members: list[Member]) -> dict[str, Any]:
    """The team's figures: headcount, average age, age bands, and each of FIGURES."""
    total = len(members)
    ages = [member.age for member in members]
    average = measures.round_half_up(Decimal(sum(ages)) / Decimal(total)) if total else 0.0
    bands = {}
    for low, high in DEFAULT_AGE_BANDS:
        count = sum(1 for age in ages if (low is None or age >= low) and (high is None or age <= high))
        if count:
            bands[age_band_label((low, high))] = count
    figures = {}
    for key, label in FIGURES:
        count = sum(1 for member in members if member_counts(key, member))
        figures[key] = {"label": label, "count": count, "percent": measures.percent(count, total)}
    return {"total": total, "average_age": average, "age_bands": bands, "figures": figures}


def targets_for(unit: Unit) -> list[PlanTarget]:
    """The plan targets over the unit's team: those over each team of its unit type, and the
    pooled team-member targets of the unit itself."""
    each_team = PlanTarget.objects.filter(scope=PlanTarget.Scope.EACH_TEAM, unit_type=unit.unit_type) \
        if unit.unit_type else PlanTarget.objects.none()
    own = PlanTarget.objects.filter(scope=PlanTarget.Scope.SUBTREE, unit=unit, team_members_only=True)
    return list((each_team | own).order_by("plan_name", "sort_order", "id"))


def target_result(target: PlanTarget, members: list[Member]) -> dict[str, Any]:
    people = [member for member in members if not target.ranks or member.rank in target.ranks]
    count = sum(1 for member in people if counts_toward(target, member))
    required = required_count(target, len(people))
    return {"count": count, "required": required, "headcount": len(people), "met": count >= required}


def team_effect(nominee: Nominee, on: dt.date) -> dict[str, Any]:
    """Before and after appointing the nominee to his 拟任职位 on `on`; see the module docstring.

    Returns {"unit", "post", "before", "after" (structure dicts), "targets" (each with its
    label and before/after results), "conflicts" (rules.CheckResult list)}; {} when the nominee
    has no post yet.
    """
    post: CasePost | None = nominee.post
    if post is None:
        return {}
    unit = post.unit
    before = team_members_on(unit, on)
    person = nominee.person
    values = {name: getattr(person, name) for name in MEMBER_FIELDS}
    after = [member for member in before if member.person_id != person.pk]
    if post.is_team_member:
        after.append(_member(values, person.pk, on, post.rank))
        after.sort(key=lambda member: member.person_id)
    targets = []
    for target in targets_for(unit):
        pooled = target.scope == PlanTarget.Scope.SUBTREE
        group_before = team_members_on(unit, on, subtree=True) if pooled else before
        group_after = [member for member in group_before if member.person_id != person.pk]
        if post.is_team_member:
            group_after.append(_member(values, person.pk, on, post.rank))
        targets.append({
            "target": target, "label": str(target),
            "before": target_result(target, group_before),
            "after": target_result(target, group_after),
        })
    return {
        "unit": unit, "post": post,
        "before": structure(before), "after": structure(after),
        "targets": targets, "conflicts": _conflicts(person, unit, on, post.title),
    }


def _conflicts(person: Person, unit: Unit, on: dt.date, title: str) -> list[Any]:
    """Avoidance conflicts (cadres.cases.rules.avoidance_conflicts): each a FAIL."""
    from cadres.cases.rules import PASS, avoidance_conflicts

    return [result for result in avoidance_conflicts(person, unit, on, title=title) if result.outcome != PASS]
