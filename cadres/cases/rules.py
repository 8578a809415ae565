"""The rule checks of the selection procedure (RULES.md §1, §2), with their numbers read from
`SelectionRule` rows (data) effective on the date checked.

Each check gives a `CheckResult`: pass, fail, or needs a reason (a reason recorded on the
nominee, `Nominee.check_reasons[code]`, turns it into a pass with the reason shown; for the
checks of the whole case the reason is read from `SelectionCase.check_reasons` when the model
has it). `transition_blockers(case, to_step, on)` is what `steps.step_move` asks before a case
enters a step: the failed checks and the unexplained ones guarding that step.

A rule applies on `on` when an active row of its code has effective_from <= on <= effective_to
(a missing bound is open); with several, the one starting latest wins. A code without such a
row is not checked (the deployment switched it off).

Conventions of the arithmetic (each is tested at its boundary):
- Years in a post are calendar years: held since 2022-03-01, two years are complete on
  2024-03-01; on 2024-02-29 it is 1年11个月28天, 不满2年.
- 2/3 present is a quorum (present × 3 >= 2 × 应到会); passing needs more than half of 应到会
  (agree × 2 > 应到会: exactly half fails).
- A recommendation of 2025-12-01 valid 12 months is valid through 2026-11-30.
- 暂缓任用 from D for 3 months lasts until D + 3 calendar months (`suspension_until`).
- 试用期 of 12 months from an appointment on 2026-03-15 ends on 2027-03-14, the day before the
  anniversary (`probation_end`): a year counted from the appointment day inclusive.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from cadres.cases.models import (
    CaseKind,
    CaseStatus,
    CommentOutcome,
    DiligenceCheck,
    DiligenceKind,
    DiligenceResult,
    Nominee,
    NomineeStage,
    NoticeComment,
    PublicNotice,
    SelectionCase,
    SelectionRule,
    Step,
    TopicDecision,
)
from cadres.cases.workdays import calendar_known, workdays_between
from cadres.core import codes
from cadres.core.dates import add_months, format_day
from cadres.plans.selectors import is_principal_title, principal_titles

PASS, FAIL, NEEDS_REASON = "pass", "fail", "reason"
OUTCOME_LABELS = {PASS: "通过", FAIL: "不通过", NEEDS_REASON: "须说明理由"}

# The nominees a case's checks concern: 考察对象 and 拟任人选.
ACTIVE_STAGES = (NomineeStage.CANDIDATE, NomineeStage.PROPOSED)
# The checks of one nominee, in the order the page shows them.
NEGATIVE_LIST = ("assessment_record", "sanction_in_effect", "personal_matters")
QUALIFICATIONS = ("years_in_lower_post", "working_years", "education", "training", "age_limit",
                  "exceptional")
NOMINEE_CODES = ("years_in_lower_post", "working_years", "education", "training",
                 "assessment_record", "sanction_in_effect", "personal_matters", "age_limit",
                 "post_quota", "avoidance", "exceptional")
BEFORE_APPOINTMENT = ("post_quota", "age_limit", "avoidance")
RANK_ORDER = list(codes.RANK)
FRACTIONS = {(1, 2): "半数", (2, 3): "三分之二", (1, 3): "三分之一", (3, 4): "四分之三"}


@dataclass(frozen=True)
class CheckResult:
    code: str
    name: str
    outcome: str
    message: str
    rule_text: str = ""
    nominee_id: int | None = None

    def __str__(self) -> str:
        return f"{self.name}：{self.message}"

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def blocks(self) -> bool:
        return self.outcome != PASS


# --- the rules as data ------------------------------------------------------------------


def rule(code: str, on: dt.date) -> SelectionRule | None:
    """The active rule of `code` whose [effective_from, effective_to] covers `on` (None bounds
    open; the latest start wins), or None when no row applies."""
    rows = SelectionRule.objects.filter(code=code, is_active=True).filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=on),
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
    )
    best: SelectionRule | None = None
    for row in rows:
        if best is None or (row.effective_from or dt.date.min) > (best.effective_from or dt.date.min):
            best = row
    return best


def params(code: str, on: dt.date) -> dict[str, Any]:
    """The numbers of the rule of `code` on `on` ({} when no rule applies)."""
    found = rule(code, on)
    return dict(found.params or {}) if found is not None else {}


class _Book:
    """The rules on one date, each read once per set of checks."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        self._rules: dict[str, SelectionRule | None] = {}

    def get(self, code: str) -> SelectionRule | None:
        if code not in self._rules:
            self._rules[code] = rule(code, self.on)
        return self._rules[code]

    def params(self, code: str) -> dict[str, Any]:
        found = self.get(code)
        return dict(found.params or {}) if found is not None else {}

    def name(self, code: str, default: str = "") -> str:
        found = self.get(code)
        return found.name if found is not None else (default or code)

    def result(self, code: str, outcome: str, message: str, *, nominee: Nominee | None = None,
               reasons: dict[str, Any] | None = None, name: str = "") -> CheckResult:
        """A result under the rule's name and text; a reason given for `code` turns a
        须说明理由 into a pass."""
        found = self.get(code)
        if outcome == NEEDS_REASON:
            given = (reasons if reasons is not None
                     else (nominee.check_reasons if nominee is not None else {})) or {}
            reason = str(given.get(code) or "").strip()
            if reason:
                outcome, message = PASS, f"{message}；已说明：{reason}"
        return CheckResult(
            code=code, name=name or (found.name if found else code), outcome=outcome, message=message,
            rule_text=found.text if found else "", nominee_id=nominee.pk if nominee is not None else None,
        )


# --- arithmetic -------------------------------------------------------------------------


def span(since: dt.date, on: dt.date) -> tuple[int, int, int]:
    """Whole years, months and days from `since` to `on` (calendar arithmetic)."""
    months = (on.year - since.year) * 12 + on.month - since.month
    if add_months(since, months) > on:
        months -= 1
    anchor = add_months(since, months)
    return months // 12, months % 12, (on - anchor).days


def span_text(since: dt.date, on: dt.date) -> str:
    years, months, days = span(since, on)
    parts = [f"{years}年" if years else "", f"{months}个月" if months else "", f"{days}天" if days else ""]
    return "".join(parts) or "0天"


def full_years(since: dt.date, on: dt.date, years: int) -> bool:
    """At least `years` calendar years from `since` to `on`."""
    return add_months(since, years * 12) <= on


def _fraction(numerator: int, denominator: int) -> str:
    return FRACTIONS.get((numerator, denominator), f"{numerator}/{denominator}")


def _rank_index(rank: str) -> int | None:
    return RANK_ORDER.index(rank) if rank in RANK_ORDER else None


def _rank_name(rank: str) -> str:
    return codes.name_for("rank", rank) or rank or "未定职务层次"


def rank_since(person: Any) -> dt.date | None:
    """Since when the person holds the current rank: 任现职级时间, else the earliest start of
    his posts at that rank, else 任现职时间."""
    return ranks_since([person])[person.pk]


def ranks_since(people: Sequence[Any]) -> dict[int, dt.date | None]:
    """rank_since of each of `people` (by id), the posts of those without 任现职级时间 read in
    one query a block of ids."""
    from cadres.org.models import Assignment
    from cadres.org.selectors import in_blocks

    result = {person.pk: person.rank_started_on for person in people if person.rank_started_on}
    unknown = {person.pk: person for person in people if not person.rank_started_on}
    first: dict[int, dt.date] = {}
    for block in in_blocks(list(unknown)):
        posts = (Assignment.objects.filter(person_id__in=block, started_on__isnull=False)
                 .order_by().values_list("person_id", "rank", "started_on"))
        for person_id, rank, started_on in posts:
            earliest = first.get(person_id)
            if (rank == unknown[person_id].rank and started_on is not None
                    and (earliest is None or started_on < earliest)):
                first[person_id] = started_on
    for person_id, person in unknown.items():
        result[person_id] = first.get(person_id) or person.post_started_on
    return result


# --- checks of one nominee ----------------------------------------------------------------


@dataclass
class _Promotion:
    """What the appointment is for the person: from which rank and title to which."""

    current_rank: str
    target_rank: str
    current_principal: bool
    target_principal: bool

    @property
    def steps(self) -> int:
        """Rank steps upward (0: same rank, negative: lower)."""
        current, target = _rank_index(self.current_rank), _rank_index(self.target_rank)
        if current is None or target is None:
            return 0
        return current - target


def _promotion(nominee: Nominee, titles: frozenset[str]) -> _Promotion | None:
    post = nominee.post
    if post is None:
        return None
    person = nominee.person
    return _Promotion(
        current_rank=person.rank, target_rank=post.rank,
        current_principal=is_principal_title(person.post_title, titles, person.unit.name),
        target_principal=is_principal_title(post.title, titles, post.unit.name),
    )


def _years_in_lower_post(book: _Book, nominee: Nominee, move: _Promotion) -> CheckResult:
    code = "years_in_lower_post"
    numbers = book.params(code)
    person, on = nominee.person, book.on
    kind = ""
    if move.steps == 1 and move.current_rank.endswith("2") and move.target_rank.endswith("1"):
        kind, since, label = "deputy_to_principal", rank_since(person), "副职"
    elif move.steps == 1 and move.current_rank.endswith("1") and move.target_rank.endswith("2"):
        kind, since, label = "lower_principal_to_deputy", rank_since(person), "下级正职"
    elif move.steps == 0 and move.target_principal and not move.current_principal:
        kind, since, label = "deputy_to_principal", person.post_started_on, "副职"
    elif move.steps >= 2:
        text = f"由{_rank_name(move.current_rank)}提任{_rank_name(move.target_rank)}，属越级提拔"
        if nominee.case.is_exceptional:
            return book.result(code, PASS, f"{text}，按破格提拔办理（见破格提拔检查）", nominee=nominee)
        return book.result(code, FAIL, f"{text}，须按破格提拔办理", nominee=nominee)
    if not kind:
        return book.result(code, PASS, "非由副职提任正职或由下级正职提任上级副职，本条不适用",
                           nominee=nominee)
    years = int(numbers.get(kind, 0))
    if since is None:
        return book.result(code, NEEDS_REASON, f"未录入任{label}时间，无法计算任职年限", nominee=nominee)
    held = f"任{label}{span_text(since, on)}（自{format_day(since)}）"
    skipped = _years_not_counted(book, person, since)
    if skipped:
        # Each year not counted moves the start a calendar year later.
        counted_since = add_months(since, 12 * len(skipped))
        counted = span_text(counted_since, on) if counted_since <= on else "0天"
        which = "、".join(f"{row.year}年度考核{row.get_grade_display()}" for row in skipped)
        held = f"{held}，其中{which}不计算，实计{counted}"
        since = counted_since
    if full_years(since, on, years):
        return book.result(code, PASS, f"{held}，满{years}年", nominee=nominee)
    return book.result(code, FAIL, f"{held}，不满{years}年", nominee=nominee)


def _years_not_counted(book: _Book, person: Any, since: dt.date) -> list[Any]:
    """The 年度考核 of the years from `since`'s year to `on`'s graded 基本称职 or 不称职, which
    do not count toward the years for promotion (RULES.md §3) while the basic_grade_no_count
    rule applies on `on`; [] when it does not (the plain count)."""
    from cadres.records.models import AnnualAssessment, AssessmentGrade

    if book.get("basic_grade_no_count") is None:
        return []
    return list(AnnualAssessment.objects.filter(
        person=person, year__gte=since.year, year__lte=book.on.year,
        grade__in=(AssessmentGrade.BASICALLY_COMPETENT, AssessmentGrade.INCOMPETENT)).order_by("year"))


def _grassroots_days(person: Any, on: dt.date, unit_types: Iterable[str]) -> int:
    from cadres.org.models import Assignment

    wanted = tuple(unit_types)
    total = 0
    for started, ended, unit_type in (Assignment.objects.filter(person=person, started_on__isnull=False,
                                                                started_on__lte=on)
                                      .values_list("started_on", "ended_on", "unit__unit_type")):
        if started is not None and unit_type and any(kind in unit_type for kind in wanted):
            total += ((min(ended, on) if ended else on) - started).days
    return total


def _working_years(book: _Book, nominee: Nominee, move: _Promotion) -> CheckResult:
    code = "working_years"
    numbers = book.params(code)
    ranks = numbers.get("ranks") or []
    if ranks and move.target_rank not in ranks:
        return book.result(code, PASS, f"拟任{_rank_name(move.target_rank)}，本条不适用", nominee=nominee)
    person, on = nominee.person, book.on
    years, grassroots = int(numbers.get("years", 0)), int(numbers.get("grassroots_years", 0))
    if person.work_started_on is None:
        return book.result(code, NEEDS_REASON, "未录入参加工作时间，无法计算工龄", nominee=nominee)
    worked = span_text(person.work_started_on, on)
    if not full_years(person.work_started_on, on, years):
        return book.result(code, FAIL, f"工龄{worked}（{format_day(person.work_started_on)}参加工作），"
                                       f"不满{years}年", nominee=nominee)
    text = f"工龄{worked}，满{years}年"
    if not grassroots:
        return book.result(code, PASS, text, nominee=nominee)
    days = _grassroots_days(person, on, numbers.get("grassroots_unit_types") or ("乡镇", "街道"))
    if days and full_years(on - dt.timedelta(days=days), on, grassroots):
        return book.result(code, PASS, f"{text}；在乡镇（街道）任职累计满{grassroots}年", nominee=nominee)
    return book.result(code, NEEDS_REASON, f"{text}；基层工作经历无完整记录，须核实是否满{grassroots}年",
                       nominee=nominee)


def _education(book: _Book, nominee: Nominee, move: _Promotion) -> CheckResult:
    code = "education"
    numbers = book.params(code)
    required = (numbers.get("by_rank") or {}).get(move.target_rank) or numbers.get("minimum", "")
    person = nominee.person
    held = person.highest_education or codes.highest_education(person.full_time_education,
                                                               person.in_service_education)
    if not required:
        return book.result(code, PASS, "未规定学历要求", nominee=nominee)
    need = codes.name_for("education", required)
    if not held:
        return book.result(code, NEEDS_REASON, f"未录入学历，须核实是否达到{need}以上", nominee=nominee)
    have = codes.name_for("education", held)
    if held <= required:
        return book.result(code, PASS, f"最高学历{have}，达到{need}以上", nominee=nominee)
    return book.result(code, FAIL, f"最高学历{have}，未达到拟任{_rank_name(move.target_rank)}要求的{need}以上",
                       nominee=nominee)


TRAINING_COUNTY = ("county_years", "county_hours", "county_days")
TRAINING_TOWNSHIP = ("township_months", "township_hours", "township_days")


def _county_or_above(rank: str) -> bool | None:
    """县处级以上 (正/副县级 and above), False for 乡科级 and below, None for an unknown rank."""
    index = _rank_index(rank)
    return None if index is None else index <= RANK_ORDER.index("0132")


def _training_days(trainings: Iterable[Any]) -> int:
    """The days covered by the trainings (both ends included), a day spent in two counted once."""
    total, last = 0, None
    for started, ended in sorted((row.started_on, row.ended_on) for row in trainings):
        if last is not None and started <= last:
            started = last + dt.timedelta(days=1)
        if ended >= started:
            total += (ended - started).days + 1
            last = ended
    return total


def _month_words(days: int) -> str:
    return f"{days // 30}个月" if days % 30 == 0 else f"{days}天"


def _training(book: _Book, nominee: Nominee, move: _Promotion | None) -> CheckResult:
    """第八条 and 干部教育培训工作条例 (RULES.md §7): 县处级以上 ≥ county_hours 学时 or
    county_days days of 脱产培训 in the county_years years up to `on`; 乡科级 and below
    ≥ township_hours 学时 or township_days days in the township_months months up to `on`.
    A training counts when it ended in [on − period, on] (its 学时 are credited on 结业), with all
    its hours; days are those of 脱产 trainings only. Short: a reason (完成 within months_after
    months of 提任)."""
    from cadres.records.models import Training

    code = "training"
    if move is None:
        return _no_post(book, nominee, code)
    numbers = book.params(code)
    after = numbers.get("months_after")
    later = f"；可在提任后{after}个月内完成培训" if after else "；须在提任后完成培训"
    county = _county_or_above(move.target_rank)
    if county is None:
        return book.result(code, NEEDS_REASON, f"拟任职位未定职务层次，无法确定培训要求{later}", nominee=nominee)
    keys = TRAINING_COUNTY if county else TRAINING_TOWNSHIP
    missing = [key for key in keys if not isinstance(numbers.get(key), int) or numbers[key] < 1]
    if missing:
        level = "县处级以上" if county else "乡科级及以下"
        return book.result(code, NEEDS_REASON, f"培训规则未设定{level}干部的培训期间、学时或天数，"
                                               f"须核实是否达到培训要求{later}", nominee=nominee)
    period, hours_needed, days_needed = (int(numbers[key]) for key in keys)
    if county:
        start, within = add_months(book.on, -12 * period), f"近{period}年"
        days_words = f"累计{_month_words(days_needed)}"
    else:
        start, within, days_words = add_months(book.on, -period), f"近{period}个月", f"{days_needed}天"
    rows = list(Training.objects.filter(person=nominee.person, ended_on__gte=start, ended_on__lte=book.on))
    hours = sum(row.hours for row in rows)
    days = _training_days(row for row in rows if row.is_full_time)
    if hours >= hours_needed:
        return book.result(code, PASS, f"{within}培训{hours}学时，达到{hours_needed}学时", nominee=nominee)
    if days >= days_needed:
        return book.result(code, PASS, f"{within}培训{hours}学时、脱产培训{days}天，达到{days_words}",
                           nominee=nominee)
    held = f"{within}培训{hours}学时" + (f"、脱产培训{days}天" if days else "")
    return book.result(code, NEEDS_REASON, f"{held}，不足{hours_needed}学时（或{days_words}）{later}",
                       nominee=nominee)


def _assessment_record(book: _Book, nominee: Nominee) -> CheckResult:
    from cadres.records.models import AnnualAssessment, AssessmentGrade

    code = "assessment_record"
    numbers = book.params(code)
    years = int(numbers.get("years", 3))
    labels = list(numbers.get("grades") or [])
    grades = {value for value, label in AssessmentGrade.choices if label in labels or value in labels}
    first = book.on.year - years
    bad = list(AnnualAssessment.objects.filter(person=nominee.person, year__gte=first,
                                               year__lte=book.on.year, grade__in=grades).order_by("year"))
    if bad:
        found = "、".join(f"{row.year}年度考核为{row.get_grade_display()}" for row in bad)
        return book.result(code, FAIL, f"{found}（近{years}年：{first}年以来）", nominee=nominee)
    return book.result(code, PASS, f"{first}年以来年度考核无{'、'.join(labels) or '规定'}等次",
                       nominee=nominee)


def _sanction_in_effect(book: _Book, nominee: Nominee) -> CheckResult:
    from cadres.records.models import Award, AwardKind

    code = "sanction_in_effect"
    rows = list(Award.objects.filter(person=nominee.person, kind=AwardKind.SANCTION,
                                     effect_ends_on__gte=book.on).order_by("awarded_on"))
    if rows:
        found = "、".join(f"{row.name}（{format_day(row.awarded_on)}，影响期至{format_day(row.effect_ends_on)}）"
                         for row in rows)
        return book.result(code, FAIL, f"{found}，影响期未满", nominee=nominee)
    return book.result(code, PASS, f"截至{format_day(book.on)}无影响期内的处分", nominee=nominee)


def _personal_matters(book: _Book, nominee: Nominee) -> CheckResult:
    code = "personal_matters"
    issue = DiligenceCheck.objects.filter(nominee=nominee, kind=DiligenceKind.PERSONAL_MATTERS,
                                          result=DiligenceResult.ISSUE).order_by("-requested_on").first()
    if issue is not None:
        detail = f"：{issue.reply}" if issue.reply else ""
        when = format_day(issue.replied_on or issue.requested_on)
        return book.result(code, FAIL, f"个人有关事项报告查核发现问题（{when}）{detail}", nominee=nominee)
    return book.result(code, PASS, "个人有关事项报告查核未发现问题或尚未查核", nominee=nominee)


def _age_limit(book: _Book, nominee: Nominee, move: _Promotion) -> CheckResult:
    from cadres.plans.models import AgeLimitRuleSet
    from cadres.plans.rules import limit_for, reach_date
    from cadres.plans.selectors import rule_set_default

    code = "age_limit"
    person, on = nominee.person, book.on
    checked = []
    for kind, label in ((AgeLimitRuleSet.Kind.POST_AGE_LIMIT, "任职年龄界限"),
                        (AgeLimitRuleSet.Kind.STATUTORY_RETIREMENT, "法定退休年龄")):
        rule_set = rule_set_default(kind)
        if rule_set is None:
            continue
        limit = limit_for(rule_set.limits.all(), rank=move.target_rank, sex=person.sex)
        if limit is None:
            continue
        reached = reach_date(limit, person.birth_date)
        if on >= reached:
            return book.result(code, FAIL, f"出生于{person.birth_date:%Y.%m}，{reached:%Y.%m}已到{label}"
                                           f"（{limit}），不能于{format_day(on)}任职", nominee=nominee)
        checked.append(f"{reached:%Y.%m}到{label}")
    if not checked:
        return book.result(code, PASS, "未设年龄界限规则", nominee=nominee)
    return book.result(code, PASS, f"{format_day(on)}任职时未到龄（{'，'.join(checked)}）", nominee=nominee)


def _quota_kind(post: Any, titles: frozenset[str]) -> bool:
    """True: the post is a 正职 of its unit's team; False: a 副职."""
    return is_principal_title(post.title, titles, post.unit.name)


def _post_quota(book: _Book, nominee: Nominee, titles: frozenset[str]) -> CheckResult:
    from cadres.accounts.selectors import SYSTEM_READER
    from cadres.org.selectors import posts_held_on, team_quota_on

    code = "post_quota"
    post, on = nominee.post, book.on
    assert post is not None
    if not post.is_team_member:
        return book.result(code, PASS, "拟任职务非班子职务，不占领导职数", nominee=nominee)
    principal = _quota_kind(post, titles)
    label = "正职" if principal else "副职"
    quota = team_quota_on(actor=SYSTEM_READER, unit=post.unit, as_of=on)
    approved = quota.principal_posts if principal else quota.deputy_posts
    if approved is None:
        return book.result(code, PASS, f"{post.unit.name}未核定{label}职数", nominee=nominee)
    held = quota.principals if principal else quota.deputies
    holders = {person_id for person_id, title in posts_held_on(on, units=[post.unit.pk])
               .filter(is_team_member=True).values_list("person_id", "title")
               if is_principal_title(title, titles, post.unit.name) == principal}
    proposed = {other.person_id for other in nominee.case.nominees.select_related("post__unit")
                .filter(stage=NomineeStage.PROPOSED, post__unit=post.unit, post__is_team_member=True)
                if other.post is not None and _quota_kind(other.post, titles) == principal}
    proposed.add(nominee.person_id)
    adding = len(proposed - holders)
    text = f"{post.unit.name}核定{label}职数{approved}名，现有{held}名，拟新任{adding}名"
    if held + adding > approved:
        return book.result(code, FAIL, f"{text}，超职数{held + adding - approved}名", nominee=nominee)
    return book.result(code, PASS, f"{text}，未超职数", nominee=nominee)


def _exceptional(book: _Book, nominee: Nominee, move: _Promotion) -> CheckResult:
    code = "exceptional"
    case = nominee.case
    if not case.is_exceptional:
        return book.result(code, PASS, "非破格提拔，本条不适用", nominee=nominee)
    numbers = book.params(code)
    missing = [label for label, value in (("破格理由", case.exceptional_reason),
                                          ("破格批准文号", case.exceptional_approval)) if not value.strip()]
    if missing:
        return book.result(code, FAIL, f"破格提拔未填写{'和'.join(missing)}", nominee=nominee)
    if move.steps >= 3:
        return book.result(code, FAIL, f"由{_rank_name(move.current_rank)}提任{_rank_name(move.target_rank)}，"
                                       "越两级提拔", nominee=nominee)
    months = int(numbers.get("min_months_since_promotion", 12))
    since = rank_since(nominee.person)
    if since is not None and add_months(since, months) > book.on:
        held = span_text(since, book.on)
        return book.result(code, FAIL, f"{format_day(since)}提拔任现职级，至{format_day(book.on)}为{held}，"
                                       f"不满{months}个月，不得破格提拔", nominee=nominee)
    return book.result(code, PASS, f"破格理由和批准（{case.exceptional_approval}）已记录", nominee=nominee)


def _avoidance(book: _Book, nominee: Nominee) -> list[CheckResult]:
    post = nominee.post
    assert post is not None
    conflicts = _avoidance_conflicts(book, nominee.person, post.unit, title=post.title)
    if not conflicts:
        return [book.result("avoidance", PASS, "未发现须回避的亲属关系", nominee=nominee)]
    return [dataclasses.replace(conflict, nominee_id=nominee.pk) for conflict in conflicts]


def _no_post(book: _Book, nominee: Nominee, code: str) -> CheckResult:
    return book.result(code, NEEDS_REASON, "未确定拟任职位，无法检查", nominee=nominee)


def _nominee_checks(book: _Book, nominee: Nominee, wanted: Iterable[str] = NOMINEE_CODES,
                    titles: frozenset[str] | None = None) -> list[CheckResult]:
    titles = principal_titles() if titles is None else titles
    move = _promotion(nominee, titles)
    results: list[CheckResult] = []
    for code in wanted:
        if book.get(code) is None:
            continue
        if code == "assessment_record":
            results.append(_assessment_record(book, nominee))
        elif code == "sanction_in_effect":
            results.append(_sanction_in_effect(book, nominee))
        elif code == "personal_matters":
            results.append(_personal_matters(book, nominee))
        elif code == "training":
            results.append(_training(book, nominee, move))
        elif move is None:
            results.append(_no_post(book, nominee, code))
        elif code == "years_in_lower_post":
            results.append(_years_in_lower_post(book, nominee, move))
        elif code == "working_years":
            results.append(_working_years(book, nominee, move))
        elif code == "education":
            results.append(_education(book, nominee, move))
        elif code == "age_limit":
            results.append(_age_limit(book, nominee, move))
        elif code == "post_quota":
            results.append(_post_quota(book, nominee, titles))
        elif code == "avoidance":
            results.extend(_avoidance(book, nominee))
        elif code == "exceptional":
            results.append(_exceptional(book, nominee, move))
    return results


def nominee_checks(nominee: Nominee, on: dt.date) -> list[CheckResult]:
    """Every check of one nominee on the promotion to his CasePost, on the date `on`."""
    return _nominee_checks(_Book(on), nominee)


# --- avoidance ------------------------------------------------------------------------------


def _same_month(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _relatives_of(person: Any, relations: set[str]) -> list[tuple[str, Any]]:
    """(relation as recorded, the relative's Person) for the person's recorded relatives and
    for the people who record him as theirs; matched by 身份证号, else name and birth month."""
    from cadres.people.models import Person, Relative

    found: list[tuple[str, Any]] = []
    seen: set[int] = set()

    def add(relation: str, other: Any) -> None:
        if other.pk != person.pk and other.pk not in seen:
            seen.add(other.pk)
            found.append((relation, other))

    for row in Relative.objects.filter(person=person, relation__in=relations, is_deceased=False):
        if row.id_number:
            match = Person.objects.filter(id_number=row.id_number).first()
            if match is not None:
                add(row.relation, match)
                continue
        if row.birth_date is not None:
            for candidate in Person.objects.filter(name=row.name, birth_date__year=row.birth_date.year,
                                                   birth_date__month=row.birth_date.month):
                add(row.relation, candidate)
    naming = Q(id_number=person.id_number) if person.id_number else Q(pk__in=[])
    naming |= Q(id_number="", name=person.name, birth_date__year=person.birth_date.year,
                birth_date__month=person.birth_date.month)
    for row in Relative.objects.filter(naming, relation__in=relations, is_deceased=False).select_related("person"):
        if row.id_number or _same_month(row.birth_date, person.birth_date):
            add(f"{row.person.name}称其为{row.relation}", row.person)
    return found


def _avoidance_conflicts(book: _Book, person: Any, unit: Any, *, title: str = "") -> list[CheckResult]:
    from cadres.alerts.avoidance import business_conflicts, businesses

    results: list[CheckResult] = []
    found = book.get("business_avoidance")
    if found is not None:
        own = businesses((found.params or {}).get("relations") or [], people=[person.pk])
        results += [book.result(
            "business_avoidance", FAIL,
            f"{person.name}拟任{unit.name}{title}，{business.text()}，属{unit.name}主管或监管的行业",
        ) for business in business_conflicts(own, unit)]
    return results + _kin_conflicts(book, person, unit, title=title)


def _kin_conflicts(book: _Book, person: Any, unit: Any, *, title: str = "") -> list[CheckResult]:
    from cadres.org.selectors import posts_held_on

    found = book.get("avoidance")
    if found is None:
        return []
    numbers = found.params or {}
    relations = set(numbers.get("relations") or [])
    sensitive = list(numbers.get("sensitive_offices") or [])
    results: list[CheckResult] = []
    for relation, other in _relatives_of(person, relations):
        for post in posts_held_on(book.on).filter(person=other).select_related("unit"):
            where = post.unit
            held = f"{other.name}（{relation}，{where.name}{post.title}）"
            office = next((word for word in sensitive if word in where.name or word in post.title), "")
            own_office = next((word for word in sensitive if word in unit.name or word in title), "")
            if where.pk == unit.pk:
                why = (f"在同一单位，且一方从事{office}工作" if office or own_office
                       else "在同一单位任职")
            elif where.path.startswith(unit.subtree_prefix):
                why = (f"在其下属单位从事{office}工作" if office else "在其下属单位任职，有直接上下级领导关系")
            elif unit.path.startswith(where.subtree_prefix) and post.is_team_member:
                why = "任其上级单位领导职务，有直接上下级领导关系"
            else:
                continue
            results.append(book.result(
                "avoidance", FAIL, f"{person.name}拟任{unit.name}{title}，与{held}{why}",
            ))
    return results


def avoidance_conflicts(person: Any, unit: Any, on: dt.date, *, title: str = "") -> list[CheckResult]:
    """The avoidance conflicts (任职回避) of `person` taking a post `title` in `unit` on `on`: a
    relative of a relation the rule lists (his own Relative rows, or others' naming him) holding
    a post then in the same unit, in a unit below it, or a leading post in a unit above it; an
    office in the rule's sensitive list (组织人事、纪检监察、审计、财务) is named; and (第四条)
    a business run by his spouse or child in an industry `unit` regulates. One FAIL each,
    naming both people; [] when none."""
    return _avoidance_conflicts(_Book(on), person, unit, title=title)


# --- checks of the whole case ---------------------------------------------------------------


def _case_reasons(case: SelectionCase) -> dict[str, Any]:
    return getattr(case, "check_reasons", None) or {}


def _active(case: SelectionCase, stages: Iterable[str] = ACTIVE_STAGES) -> list[Nominee]:
    return list(case.nominees.filter(stage__in=list(stages))
                .select_related("person__unit", "post__unit", "case"))


def _competitive_candidates(book: _Book, case: SelectionCase) -> CheckResult:
    code = "competitive_candidates"
    found = book.get(code)
    required = set((found.params or {}).get("required_for") or []) if found else set()
    openings = sum(post.openings for post in case.posts.all())
    candidates = case.nominees.filter(stage__in=list(ACTIVE_STAGES)).count()
    text = f"考察对象{candidates}名，拟任职数{openings}名"
    reasons = _case_reasons(case)
    if openings == 0:
        return book.result(code, FAIL, "未设拟任职位", reasons=reasons)
    if candidates > openings:
        return book.result(code, PASS, f"{text}，差额考察", reasons=reasons)
    if candidates < openings:
        return book.result(code, FAIL, f"{text}，考察对象少于拟任职数", reasons=reasons)
    if case.kind in required:
        return book.result(code, FAIL, f"{text}，{CaseKind(case.kind).label}必须差额考察", reasons=reasons)
    return book.result(code, NEEDS_REASON, f"{text}，等额考察须说明理由", reasons=reasons)


def _recommendation_valid(book: _Book, case: SelectionCase, nominees: list[Nominee]) -> list[CheckResult]:
    code = "recommendation_valid"
    found = book.get(code)
    if found is None or case.kind in (CaseKind.OPEN, CaseKind.COMPETITIVE):
        return []
    months = int((found.params or {}).get("months", 12))
    results = []
    for nominee in nominees:
        name = nominee.person.name
        if nominee.recommended_on is None:
            results.append(book.result(code, NEEDS_REASON, f"{name}未录入推荐日期", nominee=nominee))
            continue
        until = add_months(nominee.recommended_on, months) - dt.timedelta(days=1)
        if nominee.recommendation_targeted and nominee.post is None:
            results.append(book.result(code, FAIL, f"{name}为定向推荐，须对应推荐时的拟任职位", nominee=nominee))
        elif book.on > until:
            results.append(book.result(code, FAIL, f"{name}{format_day(nominee.recommended_on)}推荐，有效期至"
                                                   f"{format_day(until)}，已过期", nominee=nominee))
        else:
            scope = f"，仅对{nominee.post}有效" if nominee.recommendation_targeted else ""
            results.append(book.result(code, PASS, f"{name}{format_day(nominee.recommended_on)}推荐，有效期至"
                                                   f"{format_day(until)}{scope}", nominee=nominee))
    return results


def _four_musts(book: _Book, nominees: list[Nominee]) -> list[CheckResult]:
    code = "four_musts"
    found = book.get(code)
    if found is None:
        return []
    kinds = list((found.params or {}).get("kinds") or [])
    results = []
    for nominee in nominees:
        latest: dict[str, DiligenceCheck] = {}
        for check in DiligenceCheck.objects.filter(nominee=nominee).order_by("requested_on", "id"):
            latest[check.kind] = check
        issues, missing = [], []
        for kind in kinds:
            label = DiligenceKind(kind).label if kind in DiligenceKind.values else kind
            current = latest.get(kind)
            if current is None:
                missing.append(f"{label}（未开展）")
            elif current.result == DiligenceResult.ISSUE:
                issues.append(label)
            elif current.result == DiligenceResult.PENDING:
                missing.append(f"{label}（待回复）")
        name = nominee.person.name
        if issues:
            results.append(book.result(code, FAIL, f"{name}：{'、'.join(issues)}发现问题", nominee=nominee))
        elif missing:
            results.append(book.result(code, FAIL, f"{name}尚未完成：{'、'.join(missing)}", nominee=nominee))
        else:
            results.append(book.result(code, PASS, f"{name}：四项均已完成，未发现问题", nominee=nominee))
    return results


def case_checks(case: SelectionCase, on: dt.date) -> list[CheckResult]:
    """The checks of the whole case: 差额考察, the recommendations' validity and 凡提四必 of its
    考察对象 and 拟任人选."""
    book = _Book(on)
    nominees = _active(case)
    results = []
    if book.get("competitive_candidates") is not None:
        results.append(_competitive_candidates(book, case))
    results += _recommendation_valid(book, case, nominees)
    results += _four_musts(book, nominees)
    return results


# --- meetings, 公示, periods ---------------------------------------------------------------


def _numbers(code: str, on: dt.date) -> tuple[SelectionRule | None, dict[str, Any]]:
    found = rule(code, on)
    return found, dict(found.params or {}) if found else {}


def quorum_met(*, expected: int, present: int, on: dt.date) -> CheckResult:
    """At least numerator/denominator of 应到会 present (2/3 exactly is a quorum)."""
    book = _Book(on)
    numbers = book.params("decision_quorum")
    num, den = int(numbers.get("numerator", 2)), int(numbers.get("denominator", 3))
    text = f"应到会{expected}人，实到会{present}人"
    if expected > 0 and present * den >= num * expected:
        return book.result("decision_quorum", PASS, f"{text}，达到{_fraction(num, den)}以上")
    return book.result("decision_quorum", FAIL, f"{text}，不足{_fraction(num, den)}，不能讨论决定")


def decision_passes(*, expected: int, agree: int, on: dt.date) -> CheckResult:
    """More than numerator/denominator of 应到会 (not of those present) agree: half fails."""
    book = _Book(on)
    numbers = book.params("decision_pass")
    num, den = int(numbers.get("numerator", 1)), int(numbers.get("denominator", 2))
    text = f"应到会{expected}人，同意{agree}票"
    if expected > 0 and agree * den > num * expected:
        return book.result("decision_pass", PASS, f"{text}，超过应到会成员{_fraction(num, den)}，通过")
    return book.result("decision_pass", FAIL, f"{text}，未超过应到会成员{_fraction(num, den)}，未通过")


def publicity_period(*, starts_on: dt.date, ends_on: dt.date) -> CheckResult:
    """The 公示 [starts_on, ends_on] holds at least the rule's working days (official calendar;
    a year whose calendar is unknown is counted Monday–Friday and said so)."""
    book = _Book(starts_on)
    numbers = book.params("publicity_days")
    needed = int(numbers.get("working_days", 5))
    count = workdays_between(starts_on, ends_on)
    unknown = [year for year in range(starts_on.year, ends_on.year + 1) if not calendar_known(year)]
    note = f"（{'、'.join(map(str, unknown))}年节假日安排未录入，按周一至周五计算）" if unknown else ""
    text = f"公示期{format_day(starts_on)}至{format_day(ends_on)}，共{count}个工作日{note}"
    if count >= needed:
        return book.result("publicity_days", PASS, f"{text}，不少于{needed}个工作日")
    return book.result("publicity_days", FAIL, f"{text}，少于{needed}个工作日")


def suspension_until(start: dt.date) -> dt.date:
    """The last day of a 暂缓任用 from `start`: start + the rule's months (calendar months)."""
    months = int(params("suspension", start).get("months", 3))
    return add_months(start, months)


def probation_end(appointed_on: dt.date) -> dt.date:
    """The last day of the 试用期 of an appointment on `appointed_on`: the rule's months from the
    appointment day inclusive, so 2026-03-15 with 12 months ends on 2027-03-14."""
    months = int(params("probation", appointed_on).get("months", 12))
    return add_months(appointed_on, months) - dt.timedelta(days=1)


# --- the guards of the steps ----------------------------------------------------------------


def _decisions_passed(book: _Book, nominees: list[Nominee]) -> list[CheckResult]:
    results = []
    for nominee in nominees:
        # The latest decision counts: a later vote that fails (复议) undoes an earlier pass.
        passed = TopicDecision.objects.filter(nominee=nominee).order_by("-decided_on", "-id").first()
        name = nominee.person.name
        if passed is None:
            results.append(book.result("decision_pass", FAIL, f"{name}尚无通过的讨论决定", nominee=nominee))
        elif not passed.is_passed:
            results.append(book.result(
                "decision_pass", FAIL, f"{name}最近一次讨论决定（{format_day(passed.decided_on)}）未通过",
                nominee=nominee))
        else:
            results.append(book.result("decision_pass", PASS, f"{name}于{format_day(passed.decided_on)}讨论决定通过",
                                       nominee=nominee))
    return results


def _notice_checks(book: _Book, case: SelectionCase) -> list[CheckResult]:
    notices = list(PublicNotice.objects.filter(case=case, is_published=True, withdrawn_at__isnull=True)
                   .order_by("-ends_on"))
    results: list[CheckResult] = []
    if not notices:
        results.append(book.result("publicity_days", FAIL, "尚未发布任前公示"))
    else:
        periods = [(notice, publicity_period(starts_on=notice.starts_on, ends_on=notice.ends_on))
                   for notice in notices]
        done = [(notice, result) for notice, result in periods if result.outcome == PASS]
        if not done:
            results.append(periods[0][1])
        else:
            notice, result = done[0]
            if notice.ends_on >= book.on:
                results.append(book.result("publicity_days", FAIL,
                                           f"公示期至{format_day(notice.ends_on)}，{format_day(book.on)}尚未期满"))
            else:
                results.append(result)
    pending = NoticeComment.objects.filter(notice__case=case, outcome=CommentOutcome.PENDING).count()
    name = book.name("suspension", "公示反映")
    if pending:
        results.append(book.result("suspension", FAIL, f"有{pending}件公示反映尚待核查", name=name))
    if case.status == CaseStatus.SUSPENDED:
        until = f"至{format_day(case.suspended_until)}" if case.suspended_until else ""
        results.append(book.result("suspension", FAIL, f"该事项暂缓任用{until}", name=name))
    return results


def _blocking(results: Iterable[CheckResult]) -> list[CheckResult]:
    return [result for result in results if result.outcome != PASS]


def transition_blockers(case: SelectionCase, to_step: str, on: dt.date) -> list[CheckResult]:
    """The checks that stop `case` entering `to_step` on `on` (failed, or needing a reason not
    given):
    - 考察: every 考察对象's negative list and qualifications, 差额, the recommendations' validity;
    - 讨论决定: 凡提四必 of every 考察对象 and 拟任人选;
    - 任前公示: every 拟任人选 has a passed decision;
    - 任职: a published 公示 long enough and ended before `on`, no comment pending, the case not
      suspended, and every 拟任人选's 职数, age and avoidance checks."""
    book = _Book(on)
    results: list[CheckResult] = []
    if to_step == Step.INSPECTION:
        titles = principal_titles()
        candidates = _active(case, (NomineeStage.CANDIDATE,))
        for nominee in candidates:
            results += _nominee_checks(book, nominee, (*NEGATIVE_LIST, *QUALIFICATIONS), titles)
        if book.get("competitive_candidates") is not None:
            results.append(_competitive_candidates(book, case))
        results += _recommendation_valid(book, case, candidates)
    elif to_step == Step.DECISION:
        results += _four_musts(book, _active(case))
    elif to_step == Step.PUBLICITY:
        proposed = _active(case, (NomineeStage.PROPOSED,))
        if not proposed:
            results.append(book.result("decision_pass", FAIL, "尚无拟任人选"))
        results += _decisions_passed(book, proposed)
    elif to_step == Step.APPOINTMENT:
        titles = principal_titles()
        results += _notice_checks(book, case)
        for nominee in _active(case, (NomineeStage.PROPOSED,)):
            results += _nominee_checks(book, nominee, BEFORE_APPOINTMENT, titles)
    return _blocking(results)


# --- the page -------------------------------------------------------------------------------


def checks_for(case: SelectionCase, on: dt.date) -> dict[str, Any]:
    """Every check of the case on `on`, for the page: {"nominees": [{"nominee", "results"}],
    "case": [results]} — nominees in the case's order, dropped ones left out."""
    book = _Book(on)
    titles = principal_titles()
    rows = []
    for nominee in (case.nominees.exclude(stage=NomineeStage.DROPPED)
                    .select_related("person__unit", "post__unit", "case")):
        rows.append({"nominee": nominee, "results": _nominee_checks(book, nominee, NOMINEE_CODES, titles)})
    nominees = _active(case)
    case_results: list[CheckResult] = []
    if book.get("competitive_candidates") is not None:
        case_results.append(_competitive_candidates(book, case))
    case_results += _recommendation_valid(book, case, nominees)
    case_results += _four_musts(book, nominees)
    return {"nominees": rows, "case": case_results}
