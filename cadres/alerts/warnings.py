"""Early warnings (预警): every check of the records that something is due, as `Finding`s.

`warnings_for(actor=, on=)` computes them all for the people (and units) the actor may see,
in bulk: a few queries over the whole scope, never one per person. Each kind reads its
numbers from a `cases.SelectionRule` row (`cadres.cases.rules.params(code, on)`), cites that
rule (`Finding.rule_code`) and links to the record (the 干部信息卡, or the case).

Kinds computed here:
- 到龄: reaching the post age limit (任职年龄界限) or the statutory retirement age within
  `warn_age_limit.months` months, read by `cadres.plans.selectors` (the reform included) for the
  people in post on the date: counted when on < reach date <= on + months.
- 试用期满: an appointed nominee (`cases.Nominee`, stage 已任职, no 试用期满结论) whose probation
  ends within `warn_probation.days` days (on <= end <= on + days), or has ended without one.
- 处分影响期届满: a sanction (`records.Award`) whose 影响期 ends within `sanction_ending.days`
  days (on <= end <= on + days).
- 民主测评不称职票: the latest released 民主测评 of the year or the year before whose 不称职
  votes exceed `rating_incompetent_share` (numerator / denominator, default 1/3) of the valid
  ballots (exactly a third is not above).
Kinds other modules compute, included when their code is present (looked up by name, so this
works before they land): 任职年限和交流 and 回避 (`cadres.alerts.tenure` / `avoidance`),
优秀比例 and 连续未完成目标任务 (`cadres.assessments.selectors`), 后备干部 (`cadres.reserves.selectors`).
- 个人有关事项报告: from the register of `cadres.supervision` (`selectors.overdue_findings`):
  the yearly report on the previous year missing after the deadline (`personal_matters_due`
  month/day) or within `warn_days` before it, and 新任报告 due within `new_days`.
"""

import dataclasses
import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from cadres.accounts.scopes import access_for, scope_paths
from cadres.accounts.selectors import SYSTEM_READER
from cadres.alerts.avoidance import for_reader
from cadres.alerts.findings import Finding
from cadres.cases import rules
from cadres.core.dates import add_months, format_day, format_month
from cadres.org.models import Unit
from cadres.people.models import Person

AGE_LIMIT = "age_limit"
PROBATION = "probation"
TENURE = "tenure"
AVOIDANCE = "avoidance"
EXCELLENT_QUOTA = "excellent_quota"
RATING_INCOMPETENT = "rating_incompetent"
TARGETS_MISSED = "targets_missed"
SANCTION_ENDING = "sanction_ending"
RESERVE = "reserve"
PERSONAL_MATTERS = "personal_matters"

# In the order the page shows them.
KINDS: dict[str, str] = {
    AGE_LIMIT: "到龄",
    PROBATION: "试用期满",
    TENURE: "任职年限和交流",
    AVOIDANCE: "任职回避",
    EXCELLENT_QUOTA: "优秀比例超限",
    RATING_INCOMPETENT: "民主测评不称职票",
    TARGETS_MISSED: "连续未完成目标任务",
    SANCTION_ENDING: "处分影响期届满",
    RESERVE: "后备干部",
    PERSONAL_MATTERS: "个人有关事项报告",
}
# The kinds nothing produces yet, with the words the page shows instead (none now).
NOT_KEPT: dict[str, str] = {}

# The rule each kind of this module applies.
RULE_AGE_LIMIT = "warn_age_limit"
RULE_PROBATION = "warn_probation"
RULE_SANCTION = "sanction_ending"
RULE_RATING = "rating_incompetent_share"
INCOMPETENT = "不称职"

# Another module's check: (kind, "module:function"). Each is called as the brief of issue #14
# names it; a module or function not there yet gives nothing.
EXTERNAL_SOURCES: tuple[tuple[str, str], ...] = (
    (TENURE, "cadres.alerts.tenure:tenure_findings"),
    (AVOIDANCE, "cadres.alerts.avoidance:avoidance_findings"),
    (EXCELLENT_QUOTA, "cadres.assessments.selectors:excellent_quota_findings"),
    (TARGETS_MISSED, "cadres.assessments.selectors:targets_missed_findings"),
    (RESERVE, "cadres.reserves.selectors:reserve_findings"),
)


def external(path: str) -> Callable[..., Iterable[Finding]] | None:
    """The function at "module:name", or None while that module or function does not exist."""
    module_name, name = path.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise
    found = getattr(module, name, None)
    return found if callable(found) else None


class _Links:
    """Record URLs made by formatting one reversed URL (reverse() per row costs seconds at
    100,000 rows)."""

    MARK = 987654321

    def __init__(self) -> None:
        self.person = reverse("people:person_detail", args=[self.MARK]).replace(str(self.MARK), "{}")
        self.case = reverse("cases:case_detail", args=[self.MARK]).replace(str(self.MARK), "{}")


# --- the scope -------------------------------------------------------------------------------


@dataclasses.dataclass
class Scope:
    """Whom the warnings are for: the people and units the actor may see, within `units`
    (each with its subtree) when given."""

    actor: Any
    people: QuerySet[Person]
    units: QuerySet[Unit]
    # Everything (no unit limit at all): findings of other modules need no filtering then.
    is_everything: bool
    # The one unit the plans selectors may narrow to (a single chosen unit).
    unit: Unit | None = None
    # Within chosen units (not the whole visible scope).
    narrowed: bool = False
    _person_ids: set[int] | None = None
    _unit_ids: set[int] | None = None

    def person_ids(self) -> set[int]:
        if self._person_ids is None:
            self._person_ids = set(self.people.values_list("pk", flat=True))
        return self._person_ids

    def unit_ids(self) -> set[int]:
        if self._unit_ids is None:
            self._unit_ids = set(self.units.values_list("pk", flat=True))
        return self._unit_ids

    def admits(self, finding: Finding) -> bool:
        """A finding naming a person in scope or a unit in scope (an avoidance pair may name
        the relative outside it and the unit inside); one naming neither (a whole pool, say)
        only when the scope is everything."""
        if self.is_everything:
            return True
        if finding.person_id is not None and finding.person_id in self.person_ids():
            return True
        return finding.unit_id is not None and finding.unit_id in self.unit_ids()


def scope_for(actor: Any, units: Iterable[Unit] | None = None) -> Scope:
    reader = SYSTEM_READER if actor is None else actor
    people = Person.objects.restrict(reader, "view")
    visible_units = Unit.objects.restrict(reader, "view")
    chosen = list(units) if units is not None else []
    if chosen:
        subtree = Q()
        for unit in chosen:
            subtree |= Q(pk__in=Unit.objects.subtree_of(unit).values("pk"))
        visible_units = visible_units.filter(subtree)
        people = people.filter(unit__in=visible_units)
    everything = not chosen and scope_paths(access_for(reader), "view") is None
    return Scope(actor=reader, people=people, units=visible_units, is_everything=everything,
                 unit=chosen[0] if len(chosen) == 1 else None, narrowed=bool(chosen))


# --- the kinds computed here -------------------------------------------------------------------


# The start of "already reached" for the age-limit warnings: any date before every birth.
EARLIEST = dt.date(1900, 1, 1)


def age_limit_findings(scope: Scope, on: dt.date, links: _Links) -> list[Finding]:
    """People in post on `on` reaching the post age limit or the statutory retirement age in
    (on, on + months], or who reached it already and are still in post (超龄在任: the most
    urgent), by the default rule set of each kind (cadres.plans)."""
    from cadres.plans.models import AgeLimitRuleSet
    from cadres.plans.selectors import _reaching_people, limits_resolve, people_in_scope, rule_set_default

    months = rules.params(RULE_AGE_LIMIT, on).get("months")
    if months is None:
        return []
    until = add_months(on, int(months))
    people = people_in_scope(actor=scope.actor, as_of=on, unit=scope.unit)
    found: list[tuple[str, str, dict[str, Any]]] = []
    for kind, what in ((str(AgeLimitRuleSet.Kind.POST_AGE_LIMIT), "任职年龄界限"),
                       (str(AgeLimitRuleSet.Kind.STATUTORY_RETIREMENT), "法定退休年龄")):
        rule_set = rule_set_default(kind)
        if rule_set is None:
            continue
        limits = limits_resolve(rule_set)
        for since, last in ((EARLIEST, on), (on, until)):
            for row in _reaching_people(people, limits, as_of=since, until=last, group=""):
                found.append((kind, what, row))
    unit_ids = dict(Unit.objects.filter(path__in={row["unit"] for _, _, row in found})
                    .values_list("path", "pk")) if found else {}
    findings = []
    for kind, what, row in found:
        month = dt.date(int(row["limit_month"][:4]), int(row["limit_month"][5:7]), 1)
        post = "".join(part for part in (row["unit"].rsplit("/", 1)[-1], row["post_title"]) if part)
        when = (f"已于{format_month(month)}到{what}，仍在任" if month <= on
                else f"将于{format_month(month)}到{what}")
        findings.append(Finding(
            kind=AGE_LIMIT, key=f"{AGE_LIMIT}:{kind}:{row['id']}:{month.isoformat()}",
            message=f"{row['name']}（{post or row['rank']}，{row['birth_month']}出生）{when}",
            rule_code=RULE_AGE_LIMIT, person_id=row["id"], unit_id=unit_ids.get(row["unit"]),
            due_on=month, url=links.person.format(row["id"]),
        ))
    if scope.narrowed and scope.unit is None:  # several units: the plans selectors take one
        findings = [finding for finding in findings if scope.admits(finding)]
    return findings


def probation_findings(scope: Scope, on: dt.date, links: _Links) -> list[Finding]:
    """Appointed nominees without a 试用期满结论 whose probation ends by on + days (an ended
    one included: a conclusion is overdue)."""
    from cadres.cases.models import Nominee, NomineeStage

    days = rules.params(RULE_PROBATION, on).get("days")
    if days is None:
        return []
    until = on + dt.timedelta(days=int(days))
    rows = (Nominee.objects.filter(stage=NomineeStage.APPOINTED, probation_result="",
                                   probation_ends_on__isnull=False, probation_ends_on__lte=until,
                                   person__in=scope.people)
            .values_list("pk", "case_id", "person_id", "person__name", "person__unit_id",
                         "post__title", "probation_ends_on"))
    findings = []
    for pk, case_id, person_id, name, unit_id, title, ends in rows:
        assert ends is not None  # filtered
        post = f"试任{title}" if title else "试用"
        if ends < on:
            message = f"{name}{post}，试用期已于{format_day(ends)}届满，尚未作出试用期满结论"
        else:
            message = f"{name}{post}，试用期于{format_day(ends)}届满，须安排考核、决定是否正式任职"
        findings.append(Finding(
            kind=PROBATION, key=f"{PROBATION}:{pk}:{ends.isoformat()}", message=message,
            rule_code=RULE_PROBATION, person_id=person_id, unit_id=unit_id, due_on=ends,
            url=links.case.format(case_id),
        ))
    return findings


def sanction_findings(scope: Scope, on: dt.date, links: _Links) -> list[Finding]:
    """Sanctions whose 影响期 ends in [on, on + days]."""
    from cadres.records.models import Award, AwardKind

    days = rules.params(RULE_SANCTION, on).get("days")
    if days is None:
        return []
    until = on + dt.timedelta(days=int(days))
    rows = (Award.objects.filter(kind=AwardKind.SANCTION, effect_ends_on__gte=on,
                                 effect_ends_on__lte=until, person__in=scope.people)
            .values_list("pk", "person_id", "person__name", "person__unit_id", "name", "effect_ends_on"))
    return [
        Finding(kind=SANCTION_ENDING, key=f"{SANCTION_ENDING}:{pk}:{ends}",
                message=f"{name_}受“{sanction}”处分，影响期至{format_day(ends)}届满",
                rule_code=RULE_SANCTION, person_id=person_id, unit_id=unit_id, due_on=ends,
                url=links.person.format(person_id))
        for pk, person_id, name_, unit_id, sanction, ends in rows
    ]


def rating_findings(scope: Scope, on: dt.date, links: _Links) -> list[Finding]:
    """The latest 民主测评 of the year or the year before, per person, whose 不称职 votes are
    above numerator/denominator of the valid ballots."""
    try:
        ratings = importlib.import_module("cadres.ballots.models").PersonRating
    except (ModuleNotFoundError, AttributeError):
        return []
    numbers = rules.params(RULE_RATING, on)
    if not numbers:
        return []
    numerator, denominator = int(numbers.get("numerator", 1)), int(numbers.get("denominator", 3))
    rows = (ratings.objects.filter(year__gte=on.year - 1, year__lte=on.year, person__in=scope.people)
            .order_by("person_id", "-year", "-vote_id")
            .values_list("pk", "person_id", "person__name", "person__unit_id", "year", "counts",
                         "valid_ballots"))
    findings = []
    seen: set[int] = set()
    for pk, person_id, name, unit_id, year, counts, valid in rows:
        if person_id in seen:
            continue
        seen.add(person_id)
        against = int((counts or {}).get(INCOMPETENT, 0) or 0)
        if not valid or against * denominator <= numerator * valid:
            continue
        findings.append(Finding(
            kind=RATING_INCOMPETENT, key=f"{RATING_INCOMPETENT}:{pk}",
            message=f"{name}{year}年民主测评不称职票{against}票，占有效票{valid}票的"
                    f"{against * 100 / valid:.1f}%，超过{numerator}/{denominator}",
            rule_code=RULE_RATING, person_id=person_id, unit_id=unit_id, due_on=None,
            url=links.person.format(person_id),
        ))
    return findings


def personal_matters_findings(scope: Scope, on: dt.date, links: _Links) -> list[Finding]:
    """Personal-matters reports missing or due (cadres.supervision), for the people in scope."""
    from cadres.supervision.selectors import overdue_findings

    return overdue_findings(scope.people, on)


def _external_findings(kind: str, path: str, scope: Scope, on: dt.date) -> list[Finding]:
    function = external(path)
    if function is None:
        return []
    name = path.split(":")[1]
    if name in ("tenure_findings", "avoidance_findings"):
        produced = function(scope.people, on)
    elif name in ("excellent_quota_findings", "targets_missed_findings"):
        # The last completed year (its grades are made early the next year) and the current
        # one as far as it is entered; the keys name the year.
        produced = [*function(on.year - 1, scope.units), *function(on.year, scope.units)]
    else:
        produced = function(on)
    findings = []
    for finding in produced:
        if finding.kind not in KINDS:
            finding = dataclasses.replace(finding, kind=kind)
        if scope.admits(finding):
            findings.append(finding)
    return findings


LOCAL_CHECKS: dict[str, Callable[[Scope, dt.date, _Links], list[Finding]]] = {
    AGE_LIMIT: age_limit_findings,
    PROBATION: probation_findings,
    RATING_INCOMPETENT: rating_findings,
    SANCTION_ENDING: sanction_findings,
    PERSONAL_MATTERS: personal_matters_findings,
}


def warnings_for(*, actor: Any, on: dt.date, kinds: Iterable[str] | None = None,
                 units: Iterable[Unit] | None = None) -> list[Finding]:
    """Every warning on `on` about the people and units the actor may see (`actor` None: all),
    optionally of some kinds only and within some units (each with its subtree), ordered by
    kind (as KINDS), due date (undated last) and message."""
    wanted = set(kinds) if kinds is not None else set(KINDS)
    scope = scope_for(actor, units)
    links = _Links()
    findings: list[Finding] = []
    for kind, check in LOCAL_CHECKS.items():
        if kind in wanted:
            findings.extend(check(scope, on, links))
    for kind, path in EXTERNAL_SOURCES:
        if kind in wanted:
            findings.extend(_external_findings(kind, path, scope, on))
    order = {kind: index for index, kind in enumerate(KINDS)}
    findings.sort(key=lambda finding: (order.get(finding.kind, len(order)), finding.due_on is None,
                                       finding.due_on or dt.date.max, finding.message, finding.key))
    return for_reader(findings, actor)


def sources_present() -> dict[str, bool]:
    """Which other modules' checks are there (the page names the missing ones)."""
    present: dict[str, bool] = {}
    for kind, path in EXTERNAL_SOURCES:
        present[kind] = present.get(kind, False) or external(path) is not None
    try:
        present[RATING_INCOMPETENT] = hasattr(importlib.import_module("cadres.ballots.models"), "PersonRating")
    except ModuleNotFoundError:
        present[RATING_INCOMPETENT] = False
    return present
