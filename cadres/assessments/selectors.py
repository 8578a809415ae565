"""Reads of the assessment module: a unit's people and grades for a year, the 优秀 quota, the
consequences of the grades (考核结果运用), the target-performance ranking and the comprehensive
evaluation (综合考核评价) with its trends and ranking.

Every number comes from a `cases.SelectionRule` row (`cadres.cases.rules.params(code, on)`), read
on the last day of the year concerned. Conventions, each tested at its boundary:

- 参加考核人数 (the quota's base) is the people of the unit given a grade other than 不定等次;
  the share may reach the limit (20% of 10 is 2: allowed) and not pass it (2001 of 10000, 20.01%,
  is refused). An `ExcellentQuotaApproval` raises the limit to its percent for that unit and year.
- A streak of 优秀 counts in blocks of `years`: the 3rd and the 6th consecutive 优秀 each give the
  award, a 称职 year breaks the streak.
- Two consecutive 不称职 (`dismiss_after_years`) give 辞退 instead of 调整.
- Rankings are competition rankings: equal scores share a rank and the next rank skips
  (90, 80, 80, 70 → 1, 2, 2, 4). A tier takes every unit whose rank is within its `top`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from cadres.accounts.permissions import has_permission
from cadres.alerts.findings import Finding
from cadres.assessments.models import (
    Evaluation,
    EvaluationSource,
    ExcellentQuotaApproval,
    PerformanceScore,
)
from cadres.cases.rules import params
from cadres.core.measures import percent
from cadres.org.models import Unit
from cadres.org.selectors import people_on, team_member_ids_on
from cadres.people.models import Person
from cadres.records.models import AnnualAssessment, AssessmentGrade, Award, AwardKind

GRADE_BY_LABEL = {label: value for value, label in AssessmentGrade.choices}
NOT_COUNTED_GRADES = (AssessmentGrade.BASICALLY_COMPETENT, AssessmentGrade.INCOMPETENT)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def figure(value: float | Decimal) -> str:
    """25.0 → "25", 22.22 → "22.22" (a percentage or an amount as the documents write it)."""
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def units_for(actor: Any, action: str = "view") -> QuerySet[Unit]:
    return Unit.objects.restrict(actor, action)


# --- a unit's people and grades ----------------------------------------------------------------


class _System:
    """The system as an actor of `people_on` (which reads a user's scope): every unit."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True

    def __init__(self) -> None:
        from cadres.accounts.scopes import CACHE_ATTRIBUTE, Access

        setattr(self, CACHE_ATTRIBUTE, Access(is_superuser=True))


def unit_people(*, actor: Any, unit: Unit, year: int) -> list[Person]:
    """The people in post in the unit itself (not its subunits) on 31 December of the year, as
    the actor may see them (None: the system, everyone), in the roster's order."""
    on_date = people_on(actor=actor if actor is not None else _System(), as_of=year_end(year), unit=unit,
                        include_subunits=False)
    ids = [row["id"] for row in on_date.rows(())]
    return list(Person.objects.filter(pk__in=ids).select_related("unit"))


def changeable_ids(*, actor: Any, people: Iterable[Person]) -> set[int]:
    """Which of `people` the actor may write grades for: those inside his 信息维护 scope today
    (a person who has since moved to a unit outside it is kept by that unit). None, the
    system: everyone."""
    ids = [person.pk for person in people]
    if actor is None:
        return set(ids)
    if not has_permission(actor, "people.change"):
        return set()
    return set(Person.objects.restrict(actor, "change").filter(pk__in=ids)
               .values_list("pk", flat=True))


def grades_of(people: Iterable[Person], year: int) -> dict[int, AnnualAssessment]:
    ids = [person.pk for person in people]
    return {row.person_id: row for row in AnnualAssessment.objects.filter(person_id__in=ids, year=year)}


# --- the 优秀 quota ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaCheck:
    year: int
    excellent: int
    participants: int
    limit: Decimal
    default_limit: Decimal
    approval: ExcellentQuotaApproval | None

    @property
    def share(self) -> float:
        return percent(self.excellent, self.participants)

    @property
    def exceeded(self) -> bool:
        return quota_exceeded(self.excellent, self.participants, self.limit)

    @property
    def needs_approval(self) -> bool:
        """Above the default limit (an approval, present or not, is what allows it)."""
        return quota_exceeded(self.excellent, self.participants, self.default_limit)

    @property
    def message(self) -> str:
        text = (f"优秀{self.excellent}人，占参加考核人数{self.participants}人的{figure(self.share)}%")
        if self.exceeded:
            return f"{text}，超过{figure(self.limit)}%"
        return f"{text}，未超过{figure(self.limit)}%"


def quota_exceeded(excellent: int, participants: int, limit: Decimal | float | int) -> bool:
    """excellent ÷ participants > limit% (exactly: 2 of 10 at 20% is not above)."""
    return Decimal(excellent) * 100 > Decimal(str(limit)) * participants


def quota_limits(unit: Unit, year: int) -> tuple[Decimal, Decimal, ExcellentQuotaApproval | None]:
    """(limit in force, default limit, approval) for the unit's year; no rule → no limit (100)."""
    numbers = params("excellent_quota", year_end(year))
    default = Decimal(str(numbers.get("percent", 100)))
    approval = ExcellentQuotaApproval.objects.filter(unit=unit, year=year).first()
    limit = max(default, approval.percent) if approval is not None else default
    return limit, default, approval


def quota_check(*, unit: Unit, year: int, grades: Iterable[str]) -> QuotaCheck:
    """The quota for `grades` (one grade per person of the unit, 不定等次 included)."""
    grades = list(grades)
    limit, default, approval = quota_limits(unit, year)
    return QuotaCheck(
        year=year, excellent=sum(grade == AssessmentGrade.EXCELLENT for grade in grades),
        participants=sum(grade != AssessmentGrade.UNGRADED for grade in grades),
        limit=limit, default_limit=default, approval=approval,
    )


def excellent_quota_findings(year: int, units_qs: QuerySet[Unit] | None = None) -> list[Finding]:
    """Units whose 优秀 share of the year is above the limit (the rule's, or the approved one).
    A person counts in his current unit (one GROUP BY over the grades of the year)."""
    rows = AnnualAssessment.objects.filter(year=year, person__unit__isnull=False)
    if units_qs is not None:
        rows = rows.filter(person__unit__in=units_qs)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, grade in rows.values_list("person__unit_id", "grade").iterator(chunk_size=5000):
        if grade == AssessmentGrade.UNGRADED:
            continue
        counts[unit_id][1] += 1
        if grade == AssessmentGrade.EXCELLENT:
            counts[unit_id][0] += 1
    numbers = params("excellent_quota", year_end(year))
    if not numbers or not counts:
        return []
    default = Decimal(str(numbers.get("percent", 100)))
    approved = dict(ExcellentQuotaApproval.objects.filter(year=year, unit_id__in=list(counts))
                    .values_list("unit_id", "percent"))
    names = dict(Unit.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    findings = []
    for unit_id, (excellent, participants) in sorted(counts.items()):
        limit = max(default, approved.get(unit_id, default))
        if not quota_exceeded(excellent, participants, limit):
            continue
        share = percent(excellent, participants)
        findings.append(Finding(
            kind="excellent_quota", key=f"excellent_quota:{unit_id}:{year}", rule_code="excellent_quota",
            message=(f"{names.get(unit_id, '')}{year}年度优秀{excellent}人，占参加考核人数{participants}人的"
                     f"{figure(share)}%，超过{figure(limit)}%"),
            unit_id=unit_id, url=reverse("assessments:unit_grades", args=[unit_id, year]),
        ))
    return findings


# --- consequences (考核结果运用) ----------------------------------------------------------------


AWARD, ADJUST, DISMISS, NOT_COUNTED = "award", "adjust", "dismiss", "not_counted"
CONSEQUENCE_KINDS = {AWARD: "奖励", ADJUST: "调整", DISMISS: "辞退", NOT_COUNTED: "不计晋升年限"}


@dataclass(frozen=True)
class Consequence:
    person: Person
    kind: str
    message: str
    rule_code: str
    year: int = 0
    award_name: str = ""
    amount: int | None = None
    reason: str = ""
    applied: bool = False

    @property
    def kind_label(self) -> str:
        return CONSEQUENCE_KINDS.get(self.kind, self.kind)


def _run_ending(grades: dict[int, str], year: int, grade: str) -> int:
    """How many consecutive years up to `year` have `grade`."""
    length = 0
    while grades.get(year - length) == grade:
        length += 1
    return length


def award_reason(first: int, last: int) -> str:
    return f"{first}—{last}年度连续{last - first + 1}年年度考核为优秀"


def consequences(year: int, people_qs: QuerySet[Person]) -> list[Consequence]:
    """What the grades of `year` call for, person by person (see the module docstring)."""
    on = year_end(year)
    excellent = params("three_excellent", on)
    incompetent = params("incompetent_grade", on)
    basic = params("basic_grade_no_count", on) if _rule_exists("basic_grade_no_count", on) else None
    streak = int(excellent.get("years", 0) or 0)
    dismiss_after = int(incompetent.get("dismiss_after_years", 0) or 0)
    look_back = max(streak, dismiss_after, 1) * 4
    ids = list(people_qs.filter(annual_assessments__year=year).values_list("pk", flat=True).distinct())
    history: dict[int, dict[int, str]] = defaultdict(dict)
    for person_id, row_year, grade in AnnualAssessment.objects.filter(
            person_id__in=ids, year__gt=year - look_back, year__lte=year).values_list("person_id", "year", "grade"):
        history[person_id][row_year] = grade
    people = {person.pk: person for person in Person.objects.filter(pk__in=ids).select_related("unit")}
    award_name = str(excellent.get("award", "记三等功"))
    awarded = set(Award.objects.filter(person_id__in=ids, kind=AwardKind.REWARD, name=award_name)
                  .values_list("person_id", "reason"))
    result: list[Consequence] = []
    for person_id in sorted(people, key=lambda pk: _order_key(people[pk])):
        person, grades = people[person_id], history[person_id]
        grade = grades.get(year, "")
        if grade == AssessmentGrade.EXCELLENT and excellent and streak:
            run = _run_ending(grades, year, AssessmentGrade.EXCELLENT)
            if run and run % streak == 0:
                reason = award_reason(year - streak + 1, year)
                amount = excellent.get("amount")
                money = f"，并给予{figure(amount)}元奖励" if amount else ""
                result.append(Consequence(
                    person=person, kind=AWARD, rule_code="three_excellent", year=year,
                    message=f"{reason}，{award_name}{money}", award_name=award_name,
                    amount=int(amount) if amount else None, reason=reason,
                    applied=(person_id, reason) in awarded,
                ))
        elif grade == AssessmentGrade.INCOMPETENT and incompetent:
            run = _run_ending(grades, year, AssessmentGrade.INCOMPETENT)
            if dismiss_after and run >= dismiss_after:
                result.append(Consequence(
                    person=person, kind=DISMISS, rule_code="incompetent_grade", year=year,
                    message=f"{year - run + 1}—{year}年度连续{run}年年度考核为不称职，予以辞退"))
            else:
                adjust = str(incompetent.get("adjust", "予以调整"))
                result.append(Consequence(
                    person=person, kind=ADJUST, rule_code="incompetent_grade", year=year,
                    message=f"{year}年度年度考核为不称职，{adjust}"))
        if grade == AssessmentGrade.BASICALLY_COMPETENT and basic is not None:
            result.append(Consequence(
                person=person, kind=NOT_COUNTED, rule_code="basic_grade_no_count", year=year,
                message=f"{year}年度年度考核为基本称职，该年度不计算为晋升职务职级的考核年限"))
    return result


def _rule_exists(code: str, on: dt.date) -> bool:
    from cadres.cases.rules import rule

    return rule(code, on) is not None


def _order_key(person: Person) -> tuple[Any, ...]:
    unit = person.unit
    return (unit.sort_key if unit is not None else "", person.unit_id or 0, person.sort_order,
            person.name_strokes, person.pk)


def years_counted_for_promotion(person: Person, since: int, until: int) -> int:
    """The years from `since` to `until` (both included) that count toward promotion: every year
    but those graded 基本称职 or 不称职 (when the basic_grade_no_count rule is in force on the
    year's end; 不称职 never counts). A year without a grade counts."""
    if until < since:
        return 0
    not_counted = 0
    for year, grade in AnnualAssessment.objects.filter(
            person=person, year__gte=since, year__lte=until).values_list("year", "grade"):
        if grade == AssessmentGrade.INCOMPETENT or (
                grade == AssessmentGrade.BASICALLY_COMPETENT and _rule_exists("basic_grade_no_count", year_end(year))):
            not_counted += 1
    return until - since + 1 - not_counted


# --- target-performance scores (目标绩效) -------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    name: str
    top: int
    amount: Decimal | None


def tiers(year: int) -> list[Tier]:
    found = params("performance_tiers", year_end(year)).get("tiers") or []
    result = [Tier(name=str(item["name"]), top=int(item["top"]),
                   amount=Decimal(str(item["amount"])) if item.get("amount") is not None else None)
              for item in found]
    return sorted(result, key=lambda tier: tier.top)


def competition_ranks(scores: Sequence[Decimal]) -> list[int]:
    """The rank of each score in its list (higher is better; equal scores share a rank)."""
    ordered = sorted(scores, reverse=True)
    first: dict[Decimal, int] = {}
    for index, score in enumerate(ordered):
        first.setdefault(score, index + 1)
    return [first[score] for score in scores]


def tier_for(rank: int, year_tiers: Sequence[Tier]) -> Tier | None:
    for tier in year_tiers:
        if rank <= tier.top:
            return tier
    return None


def performance_groups(actor: Any) -> list[str]:
    """The unit types (考核组别) among the units the actor may see."""
    types = units_for(actor).exclude(unit_type="").values_list("unit_type", flat=True).distinct()
    return sorted(set(types))


def performance_rows(*, actor: Any, year: int, group: str) -> list[tuple[Unit, PerformanceScore | None]]:
    """The group's units the actor may see (units of the type), each with its score, ranked."""
    units = list(units_for(actor).filter(unit_type=group).order_by("sort_key", "id"))
    scores = {row.unit_id: row for row in PerformanceScore.objects.filter(year=year, unit__in=units)}
    rows = [(unit, scores.get(unit.pk)) for unit in units]
    return sorted(rows, key=lambda row: (row[1] is None, row[1].rank if row[1] and row[1].rank else 0))


def targets_missed_findings(year: int, units_qs: QuerySet[Unit] | None = None) -> list[Finding]:
    """Units that missed their targets in each of the rule's `years` up to `year`: one finding
    for the unit and one for each of its 主要负责人 (a team member holding a principal title)."""
    years = int(params("targets_missed", year_end(year)).get("years", 0) or 0)
    if years <= 0:
        return []
    rows = PerformanceScore.objects.filter(year__gt=year - years, year__lte=year, targets_met=False)
    if units_qs is not None:
        rows = rows.filter(unit__in=units_qs)
    missed: dict[int, set[int]] = defaultdict(set)
    for unit_id, row_year in rows.values_list("unit_id", "year"):
        missed[unit_id].add(row_year)
    unit_ids = [unit_id for unit_id, found in missed.items() if len(found) == years]
    if not unit_ids:
        return []
    from cadres.plans.selectors import is_principal_title, principal_titles

    titles = principal_titles()
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=unit_ids)}
    span = f"{year - years + 1}—{year}年度" if years > 1 else f"{year}年度"
    findings = []
    members = Person.objects.filter(
        pk__in=team_member_ids_on(as_of=year_end(year), units=unit_ids), unit_id__in=unit_ids)
    heads: dict[int, list[Person]] = defaultdict(list)
    for person in members:
        if is_principal_title(person.post_title, titles, units[person.unit_id].name):
            heads[person.unit_id].append(person)
    for unit_id in sorted(unit_ids):
        unit = units[unit_id]
        text = f"{unit.name}{span}连续{years}年未完成目标任务"
        findings.append(Finding(kind="targets_missed", key=f"targets_missed:unit:{unit_id}:{year}",
                                message=text, rule_code="targets_missed", unit_id=unit_id,
                                url=reverse("assessments:performance", args=[year]) + f"?group={unit.unit_type}"))
        for person in heads[unit_id]:
            findings.append(Finding(
                kind="targets_missed", key=f"targets_missed:{person.pk}:{year}",
                message=f"{text}，{person.name}（{person.post_title}）为领导班子主要负责人，应予调整",
                rule_code="targets_missed", person_id=person.pk, unit_id=unit_id,
                url=person.get_absolute_url()))
    return findings


# --- comprehensive evaluation (综合考核评价) --------------------------------------------------


def rating_score(person: Person, year: int) -> Decimal | None:
    """The 民主测评 score of the year from the ballots: (优秀 + 称职) ÷ valid ballots × 100, from
    the latest released rating of the year (None without one)."""
    try:
        from cadres.ballots.models import PersonRating
    except ImportError:  # pragma: no cover - the ballots app without ratings
        return None
    rating = PersonRating.objects.filter(person=person, year=year).order_by("-vote_id").first()
    if rating is None or not rating.valid_ballots:
        return None
    counts = rating.counts or {}
    good = int(counts.get("优秀", 0) or 0) + int(counts.get("称职", 0) or 0)
    return Decimal(str(percent(good, rating.valid_ballots)))


@dataclass
class YearEvaluation:
    year: int
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    team_average: float | None = None
    unit_average: float | None = None


def _average(values: Iterable[Decimal | None]) -> float | None:
    known = [value for value in values if value is not None]
    if not known:
        return None
    return float((sum(known, Decimal(0)) / len(known)).quantize(Decimal("0.01")))


def evaluation_profile(person: Person) -> list[YearEvaluation]:
    """The person's evaluations year by year (each source's score and text; 民主测评 from the
    ballots when not entered), with the averages of the 综合评价 score of his team (the team
    members of his unit at the year's end) and of his unit (everyone evaluated there)."""
    rows = list(Evaluation.objects.filter(person=person))
    years = sorted({row.period for row in rows}
                   | set(_rating_years(person)))
    result = []
    for year in years:
        entry = YearEvaluation(year=year)
        for row in rows:
            if row.period == year:
                entry.scores[row.source] = row.score
                if row.text:
                    entry.texts[row.source] = row.text
        if entry.scores.get(EvaluationSource.RATING) is None:
            from_ballots = rating_score(person, year)
            if from_ballots is not None:
                entry.scores[EvaluationSource.RATING] = from_ballots
        unit_id = next((row.unit_id for row in rows if row.period == year and row.unit_id), person.unit_id)
        if unit_id is not None:
            overall = Evaluation.objects.filter(period=year, source=EvaluationSource.OVERALL, score__isnull=False)
            entry.unit_average = _average(overall.filter(unit_id=unit_id).values_list("score", flat=True))
            team = team_member_ids_on(as_of=year_end(year), units=[unit_id])
            entry.team_average = _average(overall.filter(person_id__in=team).values_list("score", flat=True))
        result.append(entry)
    return result


def _rating_years(person: Person) -> list[int]:
    try:
        from cadres.ballots.models import PersonRating
    except ImportError:  # pragma: no cover
        return []
    return list(PersonRating.objects.filter(person=person).values_list("year", flat=True))


def _as_float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def profile_chart(person: Person, profile: list[YearEvaluation]) -> dict[str, Any]:
    """The data of the trend chart: a line per source with scores, the team and unit averages."""
    labels = [f"{entry.year}" for entry in profile]
    series = []
    for value, label in EvaluationSource.choices:
        points = [_as_float(entry.scores.get(value)) for entry in profile]
        if any(point is not None for point in points):
            series.append({"name": f"{person.name}·{label}", "data": points, "dashed": False})
    series.append({"name": "班子平均（综合评价）", "data": [entry.team_average for entry in profile], "dashed": True})
    series.append({"name": "单位平均（综合评价）", "data": [entry.unit_average for entry in profile], "dashed": True})
    return {"years": labels, "series": series}


@dataclass(frozen=True)
class RankedEvaluation:
    evaluation: Evaluation
    rank: int
    flagged: bool


def _unit_type(row: Evaluation) -> str | None:
    unit = row.unit or row.person.unit
    return unit.unit_type if unit is not None else None


def evaluation_ranking(*, actor: Any, year: int, unit_type: str) -> list[RankedEvaluation]:
    """The 综合评价 scores of the year for the people of units of the type (the unit recorded on
    the evaluation, else the person's), best first; the last `ranking_review.bottom` places (ties
    included) are flagged for 末位 review."""
    people = Person.objects.restrict(actor, "view")
    rows = list(Evaluation.objects.filter(
        period=year, source=EvaluationSource.OVERALL, score__isnull=False, person__in=people,
    ).select_related("person", "unit", "person__unit").order_by("-score", "person__name_strokes", "id"))
    rows = [row for row in rows if _unit_type(row) == unit_type]
    ranks = competition_ranks([row.score or Decimal(0) for row in rows])
    bottom = int(params("ranking_review", year_end(year)).get("bottom", 0) or 0)
    cut = ranks[len(rows) - bottom] if 0 < bottom <= len(rows) else None
    return [RankedEvaluation(evaluation=row, rank=rank, flagged=cut is not None and rank >= cut)
            for row, rank in zip(rows, ranks)]


def unit_types(actor: Any) -> list[str]:
    return performance_groups(actor)
