"""Reserve matching (人岗相适): for each forecast vacancy (a team member reaching his age limit
within N months: plans.selectors.team_forecast) and each team gap (a team below its 领导职数 on
the date: org.selectors.team_quotas_on), the reserves who could fill it, ranked, with the
team's structure after the move and any avoidance conflict.

Eligible: an active member, on the date, of a pool whose rank is the post's (or has no rank)
and whose unit's subtree holds the post's unit (or has no unit), visible to the actor, not
already the member leaving, and not reaching the post's age limit by the time it is open.

Ranked by, in order: years left before the post's age limit (whole years, more first), years
at the current rank (更长在前), highest education (higher first), the latest 年度考核 grade
(优秀, 称职, 基本称职, 不定等次, 不称职, none), the latest 综合评价 score where
cadres.assessments keeps one (higher first), then name.

The team after: the team on the date (cases.team_effect.team_members_on) without the member
leaving, with the reserve added at the post's rank; its figures as team_effect.structure gives
them, and the team's plan targets (team_effect.targets_for / target_result) before and after.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cadres.cases.team_effect import structure, target_result, targets_for, team_members_on
from cadres.core import codes
from cadres.core.dates import add_months, age_on
from cadres.org.models import Unit
from cadres.org.selectors import in_blocks, team_quotas_on
from cadres.people.models import Person
from cadres.plans.models import PlanTarget
from cadres.plans.rules import limit_for, reach_date
from cadres.plans.selectors import MEMBER_FIELDS, Member, limits_resolve, rule_set_default, team_forecast
from cadres.records.models import AnnualAssessment, AssessmentGrade
from cadres.reserves.models import ReserveMember
from cadres.reserves.selectors import active_on_q

GRADE_ORDER = {
    AssessmentGrade.EXCELLENT: 0, AssessmentGrade.COMPETENT: 1, AssessmentGrade.BASICALLY_COMPETENT: 2,
    AssessmentGrade.UNGRADED: 3, AssessmentGrade.INCOMPETENT: 4,
}
NO_GRADE = 5
SHOWN = 5  # reserves shown per opening


@dataclass
class Opening:
    """A post that is or will be open: a vacancy (someone reaches the age limit on `due_on`) or
    a gap (the team is below its 领导职数 on the date)."""

    kind: str  # "vacancy" | "gap"
    unit: Unit
    unit_name: str
    title: str
    rank: str
    principal: bool
    due_on: dt.date
    leaving: Member | None = None
    reason: str = ""
    candidates: list["Candidate"] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def rank_name(self) -> str:
        return codes.name_for("rank", self.rank) or "未定职务层次"


@dataclass
class Candidate:
    member: ReserveMember
    person: Person
    years_left: int | None
    years_at_rank: int | None
    education: str
    grade: str
    score: float | None
    after: dict[str, Any] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)

    @property
    def education_name(self) -> str:
        return codes.name_for("education", self.education) or "—"

    @property
    def grade_name(self) -> str:
        return AssessmentGrade(self.grade).label if self.grade else "—"


def _principal_rank(rank: str) -> str:
    return rank[:-1] + "1" if rank and rank[-1] in "12" else rank


def _deputy_rank(rank: str) -> str:
    return rank[:-1] + "2" if rank and rank[-1] in "12" else rank


def openings(*, actor: Any, on: dt.date, months: int = 12, unit: Unit | None = None) -> list[Opening]:
    """The vacancies within `months` of `on` and the gaps on `on`, soonest first."""
    found: list[Opening] = []
    rule_set = rule_set_default()
    if rule_set is not None:
        forecast = team_forecast(actor=actor, as_of=on, until=add_months(on, months), limits=rule_set, unit=unit)
        for row in forecast["teams"]:
            team = row["team"]
            for member, reached in row["reaching"]:
                found.append(Opening("vacancy", team.unit, team.unit.name, member.title, member.rank,
                                     member.is_principal, reached, leaving=member,
                                     reason=f"{member.name}{reached:%Y.%m}到任职年龄界限"))
    for quota in team_quotas_on(actor=actor, as_of=on, unit=unit):
        if not quota.vacant:
            continue
        members = team_members_on(quota.unit, on)
        ranks = [member.rank for member in members if member.rank]
        known = ranks[0] if ranks else ""
        if quota.principal_vacant:
            found.append(Opening("gap", quota.unit, quota.name, "正职", _principal_rank(known), True, on,
                                 reason=f"正职缺{quota.principal_vacant}名（核定{quota.principal_posts}名）"))
        if quota.deputy_vacant:
            found.append(Opening("gap", quota.unit, quota.name, "副职", _deputy_rank(known), False, on,
                                 reason=f"副职缺{quota.deputy_vacant}名（核定{quota.deputy_posts}名）"))
    found.sort(key=lambda opening: (opening.due_on, opening.unit.sort_key, opening.unit.path))
    return found


@dataclass
class _Reads:
    """What one matching reads once for every opening: the active reserves the actor may see
    (with their pools), and each one's facts for the ranking (since when at his rank, latest
    年度考核 grade, latest 综合评价 score), read in bulk."""

    members: list[ReserveMember] | None = None
    since: dict[int, dt.date | None] = field(default_factory=dict)
    grades: dict[int, str] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)

    def active_members(self, actor: Any, on: dt.date) -> list[ReserveMember]:
        if self.members is None:
            self.members = list(
                ReserveMember.objects.filter(active_on_q(on), pool__is_active=True,
                                             person__in=Person.objects.visible_to(actor))
                .select_related("pool__unit", "person__unit").order_by("id"))
        return self.members

    def facts_of(self, people: list[Person]) -> None:
        from cadres.cases.rules import ranks_since

        missing = [person for person in people if person.pk not in self.since]
        for block in in_blocks(missing):
            ids = [person.pk for person in block]
            self.since.update(ranks_since(block))
            self.grades.update(_latest_grades(ids))
            self.scores.update(_latest_scores(ids))


def _eligible_members(actor: Any, opening: Opening, on: dt.date, reads: _Reads) -> list[ReserveMember]:
    """The reserves of the pools over the opening's unit (county-wide, or over the unit or a
    unit above it) and of its rank (or of any rank), each person once."""
    path = opening.unit.path
    ancestors = {path, *(path[:index] for index, char in enumerate(path) if char == "/")}
    leaving = opening.leaving.person_id if opening.leaving else None
    seen: set[int] = set()
    result = []
    for member in reads.active_members(actor, on):
        if ((member.pool.unit is None or member.pool.unit.path in ancestors)
                and (not opening.rank or member.pool.rank in ("", opening.rank))
                and member.person_id not in seen and member.person_id != leaving):
            seen.add(member.person_id)
            result.append(member)
    return result


def _latest_grades(person_ids: list[int]) -> dict[int, str]:
    """Each person's latest 年度考核 grade ("" without one)."""
    grades: dict[int, str] = dict.fromkeys(person_ids, "")
    latest: dict[int, int] = {}
    for person_id, year, grade in (AnnualAssessment.objects.filter(person_id__in=person_ids)
                                   .order_by().values_list("person_id", "year", "grade")):
        if year > latest.get(person_id, -1):
            latest[person_id], grades[person_id] = year, grade
    return grades


def _latest_scores(person_ids: list[int]) -> dict[int, float]:
    """The latest period's 综合评价 score (else the mean of that period's scores), where the
    assessments app keeps them."""
    try:
        from cadres.assessments.models import Evaluation, EvaluationSource
    except ImportError:  # pragma: no cover - the app is optional to this module
        return {}
    periods: dict[int, int] = {}
    scores: dict[tuple[int, int], list[tuple[str, float]]] = {}
    for person_id, period, source, score in (Evaluation.objects.filter(person_id__in=person_ids, score__isnull=False)
                                             .values_list("person_id", "period", "source", "score")):
        periods[person_id] = max(periods.get(person_id, period), period)
        scores.setdefault((person_id, period), []).append((source, float(score or 0)))
    result = {}
    for person_id, period in periods.items():
        values = scores[(person_id, period)]
        overall = [score for source, score in values if source == EvaluationSource.OVERALL]
        result[person_id] = overall[0] if overall else round(sum(score for _, score in values) / len(values), 2)
    return result


def _member_of(person: Person, on: dt.date, rank: str) -> Member:
    values = {name: getattr(person, name) for name in MEMBER_FIELDS}
    values["rank"] = rank or values["rank"]
    return Member(person_id=person.pk, **values, age=age_on(person.birth_date, on))


def candidates_for(opening: Opening, *, actor: Any, on: dt.date, limits: list[Any],
                   shown: int = SHOWN, reads: _Reads | None = None) -> list[Candidate]:
    """The ranked reserves for one opening (the first `shown`, each with the team after and
    its avoidance conflicts). `reads` carries what earlier openings of the same matching read."""
    from cadres.cases.rules import PASS, avoidance_conflicts

    reads = reads if reads is not None else _Reads()
    members = _eligible_members(actor, opening, on, reads)
    reads.facts_of([member.person for member in members])
    ranked = []
    for member in members:
        person = member.person
        limit = limit_for(limits, rank=opening.rank, sex=person.sex) if opening.rank else None
        years_left = None
        if limit is not None:
            reached = reach_date(limit, person.birth_date)
            if reached <= opening.due_on:
                continue  # would be past the post's age limit when it opens
            years_left = (reached.year - opening.due_on.year) - (
                (reached.month, reached.day) < (opening.due_on.month, opening.due_on.day))
        since = reads.since[person.pk]
        at_rank = age_on(since, on) if since else None
        candidate = Candidate(member, person, years_left, at_rank, person.highest_education,
                              reads.grades[person.pk], reads.scores.get(person.pk))
        ranked.append(candidate)
    ranked.sort(key=lambda c: (
        -(c.years_left if c.years_left is not None else -1),
        -(c.years_at_rank if c.years_at_rank is not None else -1),
        c.education or "99",
        GRADE_ORDER.get(c.grade, NO_GRADE),  # type: ignore[call-overload]
        -(c.score if c.score is not None else -1.0),
        c.person.name,
    ))
    before = team_members_on(opening.unit, on)
    opening.before = structure(before)
    plan_targets = [target for target in targets_for(opening.unit) if target.scope == PlanTarget.Scope.EACH_TEAM]
    leaving = opening.leaving.person_id if opening.leaving else None
    for candidate in ranked[:shown]:
        after = [member for member in before if member.person_id not in (leaving, candidate.person.pk)]
        after.append(_member_of(candidate.person, on, opening.rank))
        candidate.after = structure(after)
        candidate.targets = [{"label": str(target), "before": target_result(target, before),
                              "after": target_result(target, after)} for target in plan_targets]
        candidate.conflicts = [result for result in avoidance_conflicts(candidate.person, opening.unit, on,
                                                                         title=opening.title)
                               if result.outcome != PASS]
    return ranked[:shown]


def matching(*, actor: Any, on: dt.date, months: int = 12, unit: Unit | None = None,
             shown: int = SHOWN) -> list[Opening]:
    """Every opening with its ranked reserves (see the module docstring)."""
    rule_set = rule_set_default()
    limits = limits_resolve(rule_set) if rule_set is not None else []
    result = openings(actor=actor, on=on, months=months, unit=unit)
    reads = _Reads()
    for opening in result:
        opening.candidates = candidates_for(opening, actor=actor, on=on, limits=limits, shown=shown,
                                            reads=reads)
    return result
