"""Reading the register of 领导干部报告个人有关事项: who must report, who has, and the warnings.

The numbers are the `cases.SelectionRule` row `personal_matters_due`:
- `ranks`: the 职务层次 codes that report (县处级副职以上 by default);
- `month`, `day`: the yearly report on the previous year is due on or before that day;
- `warn_days`: a report not yet in is "due soon" this many days before the deadline;
- `new_days`: a newly appointed cadre reports within this many days.

Who must report on year Y (the 年度集中报告 due in Y+1): the people at one of the ranks now,
not left (`Person.left_on` empty or later than the day asked), who were at one of the ranks by
the end of Y (their current stint started by then, or an earlier post in the post history at
one of the ranks did); a cadre who became one after Y reports as 新任 instead. A newly appointed
cadre is one whose current stint at the ranks (the later of 任现职时间 and 任现职级时间) began
less than `new_days` ago without an earlier post at one of the ranks. Everything is read in
bulk: a query for the yearly round, two for new appointees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from cadres.alerts.findings import Finding
from cadres.cases import rules
from cadres.core import codes
from cadres.core.dates import format_day
from cadres.org.models import Assignment
from cadres.people.models import Person
from cadres.supervision.models import PersonalMattersReport, ReportKind

RULE = "personal_matters_due"
KIND = "personal_matters"


@dataclasses.dataclass(frozen=True)
class Numbers:
    """The rule's numbers on a day (empty ranks: nobody reports)."""

    ranks: tuple[str, ...]
    month: int
    day: int
    warn_days: int | None
    new_days: int | None

    def deadline(self, year: int) -> dt.date:
        """The day the yearly report on `year` is due (in the next year)."""
        return _safe_date(year + 1, self.month, self.day)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1  # 2月30日 and the like: the month's last day
            if day < 28:
                raise


def numbers(on: dt.date) -> Numbers:
    found = rules.params(RULE, on)
    ranks = tuple(str(rank) for rank in found.get("ranks") or ())

    def whole(name: str) -> int | None:
        value = found.get(name)
        return int(value) if value is not None else None

    return Numbers(ranks=ranks, month=whole("month") or 1, day=whole("day") or 31,
                   warn_days=whole("warn_days"), new_days=whole("new_days"))


def current_round(on: dt.date) -> int:
    """The year whose yearly report is asked for on `on`: the previous year."""
    return on.year - 1


def _reporting_q(ranks: tuple[str, ...], on: dt.date) -> Q:
    return Q(rank__in=ranks) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def _earlier_post_at_ranks(ranks: tuple[str, ...], by: dt.date) -> Exists:
    return Exists(Assignment.objects.filter(person=OuterRef("pk"), rank__in=ranks)
                  .filter(Q(started_on__isnull=True) | Q(started_on__lte=by)))


def required_people(on: dt.date, *, year: int | None = None, people: QuerySet[Person] | None = None,
                    rule: Numbers | None = None) -> QuerySet[Person]:
    """The people who must make the yearly report on `year` (default: the round of `on`),
    among `people` (default: everyone): at the rule's ranks, not left on `on`, and at the
    ranks by the end of the year. One query, whatever the number of people."""
    found = rule or numbers(on)
    base = people if people is not None else Person.objects.all()
    if not found.ranks:
        return base.none()
    year = current_round(on) if year is None else year
    year_end = dt.date(year, 12, 1).replace(day=31)
    started_by_year_end = ((Q(post_started_on__isnull=True) | Q(post_started_on__lte=year_end))
                           & (Q(rank_started_on__isnull=True) | Q(rank_started_on__lte=year_end)))
    return base.filter(_reporting_q(found.ranks, on)).filter(
        started_by_year_end | _earlier_post_at_ranks(found.ranks, year_end))


@dataclasses.dataclass(frozen=True)
class NewAppointee:
    person_id: int
    name: str
    unit_id: int
    rank: str
    started_on: dt.date
    due_on: dt.date


def new_appointees(people: QuerySet[Person], on: dt.date, *, rule: Numbers | None = None) -> list[NewAppointee]:
    """The people of `people` whose stint at the rule's ranks began less than `new_days` ago
    (on or before `on`), who held no earlier post at the ranks, and whose 新任报告 is not in
    (none submitted on or after the start)."""
    found = rule or numbers(on)
    if not found.ranks or not found.new_days:
        return []
    since = on - dt.timedelta(days=found.new_days)
    rows = (people.filter(_reporting_q(found.ranks, on))
            .filter(Q(post_started_on__gt=since, post_started_on__lte=on)
                    | Q(rank_started_on__gt=since, rank_started_on__lte=on))
            .values_list("pk", "name", "unit_id", "rank", "post_started_on", "rank_started_on"))
    candidates: dict[int, tuple[str, int, str, dt.date]] = {}
    for pk, name, unit_id, rank, post_started, rank_started in rows:
        started = max(day for day in (post_started, rank_started) if day is not None)
        if since < started <= on:
            candidates[pk] = (name, unit_id, rank, started)
    if not candidates:
        return []
    # An earlier post at the ranks (a transfer or a promotion between the ranks) is no new start.
    earlier: set[int] = set()
    for person_id, started_on in (Assignment.objects.filter(person_id__in=list(candidates), rank__in=found.ranks)
                                  .values_list("person_id", "started_on")):
        if started_on is None or started_on < candidates[person_id][3]:
            earlier.add(person_id)
    reported: set[int] = set()
    for person_id, submitted_on in (PersonalMattersReport.objects
                                    .filter(person_id__in=list(candidates), kind=ReportKind.NEW)
                                    .values_list("person_id", "submitted_on")):
        if submitted_on >= candidates[person_id][3]:
            reported.add(person_id)
    return sorted(
        (NewAppointee(person_id=pk, name=name, unit_id=unit_id, rank=rank, started_on=started,
                      due_on=started + dt.timedelta(days=found.new_days))
         for pk, (name, unit_id, rank, started) in candidates.items() if pk not in earlier | reported),
        key=lambda item: (item.due_on, item.name, item.person_id))


def _page_url(year: int) -> str:
    return f"{reverse('supervision:personal_matters')}?year={year}"


def overdue_findings(people_qs: QuerySet[Person], on: dt.date) -> list[Finding]:
    """The warnings about the yearly report on the previous year and the 新任报告, for the
    people of `people_qs`:
    - after the deadline (the rule's month and day of on.year) with no yearly report: overdue;
    - from `warn_days` days before the deadline to the deadline itself with none: due soon;
    - a newly appointed cadre without a 新任报告, due `new_days` after the start.
    """
    found = numbers(on)
    if not found.ranks:
        return []
    year = current_round(on)
    deadline = found.deadline(year)
    url = _page_url(year)
    findings: list[Finding] = []
    if on > deadline or (found.warn_days is not None and on >= deadline - dt.timedelta(days=found.warn_days)):
        overdue = on > deadline
        missing = (required_people(on, year=year, people=people_qs, rule=found)
                   .filter(~Exists(PersonalMattersReport.objects.filter(
                       person=OuterRef("pk"), kind=ReportKind.ANNUAL, year=year)))
                   .values_list("pk", "name", "unit_id"))
        for pk, name, unit_id in missing:
            if overdue:
                key = f"{KIND}:overdue:{pk}:{year}"
                message = f"{name}未在{format_day(deadline)}前报告{year}年度个人有关事项，已逾期"
            else:
                key = f"{KIND}:due:{pk}:{year}"
                message = f"{name}应于{format_day(deadline)}前报告{year}年度个人有关事项，尚未报告"
            findings.append(Finding(kind=KIND, key=key, message=message, rule_code=RULE, person_id=pk,
                                    unit_id=unit_id, due_on=deadline, url=url))
    new_url = _page_url(on.year)
    for item in new_appointees(people_qs, on, rule=found):
        findings.append(Finding(
            kind=KIND, key=f"{KIND}:new:{item.person_id}:{item.started_on.isoformat()}",
            message=f"{item.name}{format_day(item.started_on)}任{codes.RANK.get(item.rank, item.rank)}，"
                    f"应于{format_day(item.due_on)}前提交新任报告，尚未报告",
            rule_code=RULE, person_id=item.person_id, unit_id=item.unit_id, due_on=item.due_on,
            url=new_url))
    return findings


# --- the page ---------------------------------------------------------------------------------


@dataclasses.dataclass
class RoundRow:
    person: Person
    report: PersonalMattersReport | None
    overdue: bool


@dataclasses.dataclass
class RoundCounts:
    required: int
    reported: int
    missing: int
    overdue: int


def round_people(*, actor: Any, on: dt.date, year: int, unit: Any = None) -> QuerySet[Person]:
    """The people the actor may see who must make the yearly report on `year` (within `unit`
    and its subtree when given), in roster order."""
    people = Person.objects.restrict(actor, "view")
    if unit is not None:
        from cadres.org.models import Unit

        people = people.filter(unit__in=Unit.objects.subtree_of(unit))
    return required_people(on, year=year, people=people).select_related("unit")


def round_counts(people: QuerySet[Person], *, on: dt.date, year: int) -> RoundCounts:
    required = people.count()
    reported = PersonalMattersReport.objects.filter(kind=ReportKind.ANNUAL, year=year,
                                                    person__in=people.values("pk")).count()
    missing = required - reported
    overdue = missing if on > numbers(on).deadline(year) else 0
    return RoundCounts(required=required, reported=reported, missing=missing, overdue=overdue)


def round_rows(people: list[Person], *, on: dt.date, year: int) -> list[RoundRow]:
    reports = {report.person_id: report for report in PersonalMattersReport.objects.filter(
        kind=ReportKind.ANNUAL, year=year, person__in=[person.pk for person in people])}
    past = on > numbers(on).deadline(year)
    return [RoundRow(person=person, report=reports.get(person.pk), overdue=past and person.pk not in reports)
            for person in people]
