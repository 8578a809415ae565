"""The only writer of 公开选拔 and 竞争上岗 (a `Competition` on a case): its posts with their
conditions (data), registration, the eligibility review, scores, ranking, and the conclusion
that appoints through the post services and moves an incumbent who is not reappointed (落选)
off his post.

Every function takes the `actor` first (None is the system), runs in one transaction, checks
its rows with `full_clean()` and records one audit event whose subject is the case (and whose
target is the person where one is concerned). The actor needs `cases.manage` over the case's
unit (`SelectionCase.objects.restrict(actor, "change")`).

Conditions (`CompetitionPost.conditions`, all optional):
  max_age            年龄不超过 N 岁 (at the competition's 公告日期; N itself passes)
  min_education      最高学历 code, this or higher (a smaller code is higher)
  ranks              the current rank codes allowed to apply
  min_years_in_rank  任现职务层次满 N 年
  min_working_years  工作满 N 年
  min_total          综合成绩 below this does not go on to 考察 (the post may stay unfilled)
  team_member        the post is a team post (班子成员); 中层 posts are not by default
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from cadres.audit.services import record
from cadres.cases.actions import CaseAction
from cadres.cases.models import (
    Applicant,
    ApplicantStatus,
    CaseKind,
    CasePost,
    CaseStatus,
    Competition,
    CompetitionKind,
    CompetitionPost,
    Movement,
    Nominee,
    NomineeStage,
    SelectionCase,
)
from cadres.cases.steps import NOT_ACTIVE, check_may_change
from cadres.core import codes
from cadres.core.dates import add_months, age_on
from cadres.org.models import Assignment, PostSource, Unit
from cadres.org.selectors import posts_of_record_on
from cadres.org.services import post_end, post_start
from cadres.people.models import Person

NOT_REAPPOINTED_REASON = "竞争上岗落选"
SCORE_MIN, SCORE_MAX = Decimal("0"), Decimal("100")
TOTAL_PLACES = Decimal("0.001")
CONDITION_KEYS = ("max_age", "min_education", "ranks", "min_years_in_rank", "min_working_years",
                  "min_total", "team_member")
# Before the ranking: the statuses an applicant may be reviewed in; after it, ranked ones.
REVIEWABLE = (ApplicantStatus.REGISTERED, ApplicantStatus.ELIGIBLE, ApplicantStatus.INELIGIBLE)
SCORABLE = (ApplicantStatus.ELIGIBLE, ApplicantStatus.RANKED, ApplicantStatus.INSPECTED)
CONCLUDED = (ApplicantStatus.APPOINTED, ApplicantStatus.NOT_APPOINTED)


# --- helpers --------------------------------------------------------------------------------


def _check_case(actor: Any, case: SelectionCase) -> SelectionCase:
    check_may_change(actor, case)
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise ValidationError(NOT_ACTIVE, params={"status": case.get_status_display()})
    return case


def is_concluded(competition: Competition) -> bool:
    """The competition has ended (competition_conclude): someone is 已任职, or, when nobody
    was, its conclusion is on the audit record."""
    from cadres.audit.models import AuditEvent

    if Applicant.objects.filter(post__competition=competition, status=ApplicantStatus.APPOINTED).exists():
        return True
    return AuditEvent.objects.filter(action=CaseAction.COMPETITION_CONCLUDED, target_type="cases.competition",
                                     target_id=str(competition.pk)).exists()


def _not_concluded(competition: Competition) -> None:
    if is_concluded(competition):
        raise ValidationError("该竞聘已完成任职，不能再修改")


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValidationError("%(label)s“%(value)s”不是有效的数字",
                              params={"label": label, "value": value}) from error
    if not number.is_finite():
        raise ValidationError("%(label)s“%(value)s”不是有效的数字", params={"label": label, "value": value})
    return number


def _score(value: Any, label: str) -> Decimal:
    if value is None or value == "":
        raise ValidationError("请填写%(label)s", params={"label": label})
    number = _decimal(value, label)
    if number < SCORE_MIN or number > SCORE_MAX:
        raise ValidationError("%(label)s%(value)s不在0至100之间", params={"label": label, "value": number})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError("%(label)s%(value)s最多保留两位小数", params={"label": label, "value": number})
    return number


def rank_name(code: str) -> str:
    return codes.name_for("rank", code) or code


def education_name(code: str) -> str:
    return codes.name_for("education", code) or code


def conditions_clean(conditions: dict[str, Any]) -> dict[str, Any]:
    """The conditions as stored: known keys only, numbers as numbers, codes checked."""
    unknown = sorted(set(conditions) - set(CONDITION_KEYS))
    if unknown:
        raise ValidationError("未知的报名条件：%(keys)s", params={"keys": "、".join(unknown)})
    labels = {"max_age": "最高年龄", "min_years_in_rank": "任现职务层次年限", "min_working_years": "工作年限"}
    clean: dict[str, Any] = {}
    for key, label in labels.items():
        value: Any = conditions.get(key)
        if value is None or value == "":
            continue
        try:
            number = int(value)
        except (TypeError, ValueError) as error:
            raise ValidationError("%(label)s“%(value)s”不是整数", params={"label": label, "value": value}) from error
        if number < 0 or number > 100:
            raise ValidationError("%(label)s%(value)s不合理", params={"label": label, "value": number})
        clean[key] = number
    education = conditions.get("min_education") or ""
    if education:
        if education not in codes.EDUCATION:
            raise ValidationError("学历代码“%(code)s”不存在", params={"code": education})
        clean["min_education"] = education
    ranks = [code for code in conditions.get("ranks") or [] if code]
    for code in ranks:
        if code not in codes.RANK:
            raise ValidationError("职务层次代码“%(code)s”不存在", params={"code": code})
    if ranks:
        clean["ranks"] = sorted(set(ranks))
    if conditions.get("min_total") not in (None, ""):
        clean["min_total"] = str(_score(conditions["min_total"], "最低综合成绩"))
    if conditions.get("team_member"):
        clean["team_member"] = True
    return clean


def conditions_text(conditions: dict[str, Any]) -> list[str]:
    """The conditions in words, for pages and the announcement."""
    lines = []
    if "max_age" in conditions:
        lines.append(f"年龄{conditions['max_age']}岁以下")
    if "min_education" in conditions:
        lines.append(f"{education_name(conditions['min_education'])}以上学历")
    if conditions.get("ranks"):
        lines.append("现任" + "、".join(rank_name(code) for code in conditions["ranks"]))
    if "min_years_in_rank" in conditions:
        lines.append(f"任现职务层次满{conditions['min_years_in_rank']}年")
    if "min_working_years" in conditions:
        lines.append(f"工作满{conditions['min_working_years']}年")
    if "min_total" in conditions:
        lines.append(f"综合成绩不低于{conditions['min_total']}分方可列为考察对象")
    if conditions.get("team_member"):
        lines.append("班子成员职位")
    return lines


def highest_education(person: Person) -> str:
    """The highest of the person's educations (a smaller code is higher), '' when none."""
    known = [code for code in (person.highest_education, person.full_time_education,
                               person.in_service_education) if code]
    return min(known) if known else ""


def rank_started_on(person: Person, rank: str, on: dt.date) -> dt.date | None:
    """When the person came to `rank`: the start of the run of main posts at that rank that
    reaches `on` (a transfer at the same rank does not restart it)."""
    posts = (Assignment.objects.filter(person=person, is_main=True, started_on__lte=on)
             .order_by("-started_on", "-id").values_list("rank", "started_on"))
    start = None
    for post_rank, started in posts:
        if post_rank != rank:
            break
        start = started
    return start


def eligibility_reasons(person: Person, conditions: dict[str, Any], on: dt.date) -> list[str]:
    """Why the person does not meet the conditions on `on` (empty: eligible), in Chinese."""
    reasons = []
    max_age = conditions.get("max_age")
    if max_age is not None:
        age = age_on(person.birth_date, on)
        if age > max_age:
            reasons.append(f"年龄{age}岁，超过{max_age}岁")
    required = conditions.get("min_education")
    if required:
        education = highest_education(person)
        if not education:
            reasons.append(f"学历未填，要求{education_name(required)}以上")
        elif education > required:
            reasons.append(f"最高学历为{education_name(education)}，要求{education_name(required)}以上")
    post = posts_of_record_on(as_of=on, people=[person.pk]).get(person.pk)
    current_rank = post.rank if post is not None else ""
    ranks = conditions.get("ranks")
    if ranks and current_rank not in ranks:
        held = rank_name(current_rank) if current_rank else "无任职记录"
        reasons.append(f"现任职务层次为{held}，不在报名范围（{'、'.join(rank_name(code) for code in ranks)}）")
    min_years = conditions.get("min_years_in_rank")
    if min_years is not None:
        since = rank_started_on(person, current_rank, on) if current_rank else None
        if since is None:
            reasons.append(f"任现职务层次时间不详，要求满{min_years}年")
        else:
            years = age_on(since, on)
            if years < min_years:
                reasons.append(f"任现职务层次{years}年（{since:%Y.%m}起），不满{min_years}年")
    min_working = conditions.get("min_working_years")
    if min_working is not None:
        if person.work_started_on is None:
            reasons.append(f"参加工作时间未填，要求工作满{min_working}年")
        else:
            years = age_on(person.work_started_on, on)
            if years < min_working:
                reasons.append(f"工作{years}年，不满{min_working}年")
    return reasons


def earlier_written_score(applicant: Applicant) -> Applicant | None:
    """The person's written score of a 公开选拔 still valid at this competition's 公告日期:
    the latest earlier open selection announced less than `results_valid_years` before it."""
    competition = applicant.post.competition
    on = competition.announced_on
    since = add_months(on, -12 * competition.results_valid_years)
    return (
        Applicant.objects.filter(
            person_id=applicant.person_id, post__competition__kind=CompetitionKind.OPEN,
            post__competition__announced_on__gt=since, post__competition__announced_on__lte=on,
            written_score__isnull=False, written_waived=False,
        )
        .exclude(post__competition=competition)
        .select_related("post__competition__case")
        .order_by("-post__competition__announced_on", "-id")
        .first()
    )


def case_post_for(post: CompetitionPost) -> CasePost:
    """The case's 拟任职位 that mirrors a competition post (made with it)."""
    case = post.competition.case
    found = CasePost.objects.filter(case=case, unit=post.unit, title=post.title, rank=post.rank).first()
    if found is not None:
        return found
    found = CasePost(case=case, unit=post.unit, title=post.title, rank=post.rank,
                     is_team_member=bool(post.conditions.get("team_member")),
                     openings=post.openings, position=post.position)
    found.full_clean()
    found.save()
    return found


# --- services -------------------------------------------------------------------------------


@transaction.atomic
def competition_create(
    *, actor: Any, case: SelectionCase, kind: str, announced_on: dt.date,
    written_weight: Decimal | str, interview_weight: Decimal | str,
    inspection_ratio: Decimal | str | int = 1, results_valid_years: int = 2,
) -> Competition:
    """Start the 公开选拔 or 竞争上岗 of a case, with its weights (summing to 1)."""
    case = _check_case(actor, case)
    if Competition.objects.filter(case=case).exists():
        raise ValidationError("该事项已有竞聘安排")
    if kind not in CompetitionKind.values:
        raise ValidationError({"kind": "请选择公开选拔或竞争上岗"})
    if case.kind not in (CaseKind.OPEN, CaseKind.COMPETITIVE):
        raise ValidationError("只有公开选拔或竞争上岗的事项可以安排竞聘")
    written = _decimal(written_weight, "笔试权重")
    interview = _decimal(interview_weight, "面试权重")
    if written < 0 or interview < 0:
        raise ValidationError("笔试权重和面试权重不能为负数")
    if written + interview != 1:
        raise ValidationError({"interview_weight": f"笔试权重与面试权重之和应为1，现为{written + interview}"})
    ratio = _decimal(inspection_ratio, "考察比例")
    if ratio < 1:
        raise ValidationError({"inspection_ratio": "考察比例不能小于1"})
    competition = Competition(
        case=case, kind=kind, announced_on=announced_on, written_weight=written,
        interview_weight=interview, inspection_ratio=ratio, results_valid_years=results_valid_years,
    )
    competition.full_clean()
    competition.save()
    record(actor=actor, action=CaseAction.COMPETITION_CREATED, target=competition, subject=case,
           target_label=str(case),
           changes={"kind": kind, "announced_on": announced_on, "written_weight": written,
                    "interview_weight": interview, "inspection_ratio": ratio,
                    "results_valid_years": results_valid_years})
    return competition


@transaction.atomic
def competition_post_add(
    *, actor: Any, competition: Competition, unit: Unit, title: str, rank: str, openings: int,
    conditions: dict[str, Any], incumbents: Iterable[Person] = (),
) -> CompetitionPost:
    """Offer a post with its conditions; `incumbents` hold it now and must reapply (竞争上岗).
    The case gets the matching 拟任职位."""
    case = _check_case(actor, competition.case)
    _not_concluded(competition)
    if actor is not None and not Unit.objects.restrict(actor, "change").filter(pk=unit.pk).exists():
        raise PermissionDenied("该单位不在您的办理范围内")
    clean = conditions_clean(conditions)
    position = (competition.posts.aggregate(last=Max("position"))["last"] or 0) + 1
    offered = CompetitionPost(competition=competition, unit=unit, title=title.strip(), rank=rank,
                              openings=openings, conditions=clean, position=position)
    offered.full_clean()
    if openings < 1:
        raise ValidationError({"openings": "职数至少为1"})
    offered.save()
    people = list(incumbents)
    if people:
        offered.incumbents.set(people)
    case_post_for(offered)
    record(actor=actor, action=CaseAction.COMPETITION_POST_ADDED, target=offered, subject=case,
           target_label=f"{unit.name} {offered.title}",
           changes={"unit": unit.path, "title": offered.title, "rank": rank, "openings": openings,
                    "conditions": clean, "incumbents": [person.name for person in people]})
    return offered


@transaction.atomic
def applicant_register(*, actor: Any, post: CompetitionPost, person: Person) -> Applicant:
    """Register a person for a post (报名)."""
    case = _check_case(actor, post.competition.case)
    _not_concluded(post.competition)
    if actor is not None and not Person.objects.restrict(actor, "view").filter(pk=person.pk).exists():
        raise PermissionDenied("该干部不在您的管理范围内")
    if Applicant.objects.filter(post=post, person=person).exists():
        raise ValidationError("%(name)s已报名该职位", params={"name": person.name})
    applicant = Applicant(post=post, person=person)
    applicant.full_clean(validate_unique=False)
    applicant.save()
    record(actor=actor, action=CaseAction.APPLICANT_REGISTERED, target=person, subject=case,
           target_label=person.name, changes={"post": f"{post.unit.name} {post.title}"})
    return applicant


@transaction.atomic
def applicant_review(*, actor: Any, applicant: Applicant, eligible: bool | None = None,
                     notes: str = "") -> Applicant:
    """资格审查: the conditions checked at the 公告日期; `eligible` given against the automatic
    result is the officer's decision and needs `notes`."""
    applicant = Applicant.objects.select_related("post__competition__case", "person").get(pk=applicant.pk)
    post = applicant.post
    case = _check_case(actor, post.competition.case)
    if applicant.status not in REVIEWABLE:
        raise ValidationError("%(name)s已%(status)s，不能再审查资格",
                              params={"name": applicant.person.name, "status": applicant.get_status_display()})
    reasons = eligibility_reasons(applicant.person, post.conditions, post.competition.announced_on)
    automatic = not reasons
    notes = notes.strip()
    decided = automatic if eligible is None else eligible
    if decided != automatic and not notes:
        raise ValidationError({"notes": "与自动审查结果不同的认定须填写理由"})
    parts = reasons or ["符合报名条件"]
    if decided != automatic:
        parts = [*parts, f"经审查认定{'符合' if decided else '不符合'}：{notes}"]
    elif notes:
        parts = [*parts, notes]
    previous = applicant.status
    applicant.status = ApplicantStatus.ELIGIBLE if decided else ApplicantStatus.INELIGIBLE
    applicant.eligibility_notes = "；".join(parts)
    applicant.full_clean(validate_unique=False)
    applicant.save(update_fields=["status", "eligibility_notes"])
    record(actor=actor, action=CaseAction.APPLICANT_REVIEWED, target=applicant.person, subject=case,
           target_label=applicant.person.name,
           changes={"post": f"{post.unit.name} {post.title}", "status": [previous, applicant.status],
                    "automatic": automatic, "reasons": reasons, **({"notes": notes} if notes else {})})
    return applicant


@transaction.atomic
def applicant_scores_set(*, actor: Any, applicant: Applicant, written: Any, interview: Any,
                         written_waived: bool = False) -> Applicant:
    """Record the written (笔试) and interview (面试) scores, 0 to 100. With `written_waived` the
    written score is that of the person's 公开选拔 still valid (see earlier_written_score)."""
    applicant = Applicant.objects.select_related("post__competition__case", "person").get(pk=applicant.pk)
    competition = applicant.post.competition
    case = _check_case(actor, competition.case)
    _not_concluded(competition)
    if applicant.status not in SCORABLE:
        raise ValidationError("%(name)s%(status)s，不能录入成绩",
                              params={"name": applicant.person.name, "status": applicant.get_status_display()})
    source = None
    if written_waived:
        source = earlier_written_score(applicant)
        if source is None:
            years = competition.results_valid_years
            raise ValidationError(
                {"written_waived": f"{applicant.person.name}近{years}年内没有公开选拔笔试成绩，不能免笔试"})
        written_score = source.written_score
    else:
        written_score = _score(written, "笔试成绩")
    interview_score = _score(interview, "面试成绩")
    old = [applicant.written_score, applicant.interview_score]
    applicant.written_score = written_score
    applicant.written_waived = written_waived
    applicant.interview_score = interview_score
    if applicant.status != ApplicantStatus.ELIGIBLE:
        # Scores changed after the ranking: rank again.
        applicant.status = ApplicantStatus.ELIGIBLE
    applicant.total_score = None
    applicant.rank_in_post = None
    applicant.full_clean(validate_unique=False)
    applicant.save()
    changes: dict[str, Any] = {"written_score": [old[0], written_score], "interview_score": [old[1], interview_score]}
    if source is not None:
        changes["written_waived"] = f"沿用{source.post.competition.case.title}笔试成绩"
    record(actor=actor, action=CaseAction.APPLICANT_SCORED, target=applicant.person, subject=case,
           target_label=applicant.person.name, changes=changes)
    return applicant


@dataclass(frozen=True)
class ScoreRow:
    """One line of a scores table or sheet: who, and the scores as typed."""

    label: str
    applicant: Applicant
    written: Any
    interview: Any
    written_waived: bool = False


@transaction.atomic
def applicant_scores_set_many(*, actor: Any, competition: Competition, rows: Sequence[ScoreRow]) -> int:
    """Several applicants' scores at once, all or nothing: every row's error is collected
    (prefixed by its label, e.g. 第3行) and nothing is written when any row fails."""
    errors: list[str] = []
    done = 0
    for row in rows:
        if row.applicant.post.competition_id != competition.pk:
            errors.append(f"{row.label}：不是本次竞聘的报名人员")
            continue
        try:
            with transaction.atomic():
                applicant_scores_set(actor=actor, applicant=row.applicant, written=row.written,
                                     interview=row.interview, written_waived=row.written_waived)
            done += 1
        except ValidationError as error:
            errors += [f"{row.label}：{message}" for message in error.messages]
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    return done


def _total(applicant: Applicant, competition: Competition) -> Decimal:
    assert applicant.written_score is not None and applicant.interview_score is not None
    total = (applicant.written_score * competition.written_weight
             + applicant.interview_score * competition.interview_weight)
    return total.quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)


def ranking_key(applicant: Applicant) -> tuple[Any, ...]:
    """Higher total first; on a tie the higher interview, then the higher written score, then
    the earlier registration."""
    return (-(applicant.total_score or 0), -(applicant.interview_score or 0),
            -(applicant.written_score or 0), applicant.registered_at, applicant.pk)


@transaction.atomic
def competition_rank(*, actor: Any, competition: Competition) -> Competition:
    """综合排名: total = written × weight + interview × weight (three decimals), ranked per post;
    the first openings × 考察比例 at or above the post's 最低综合成绩 become 考察对象."""
    case = _check_case(actor, competition.case)
    _not_concluded(competition)
    competition = Competition.objects.get(pk=competition.pk)
    ranked_statuses = (*SCORABLE, ApplicantStatus.NOT_APPOINTED)
    missing = list(
        Applicant.objects.filter(post__competition=competition, status__in=ranked_statuses)
        .filter(interview_score__isnull=True).select_related("person", "post")
    )
    if missing:
        raise ValidationError("以下人员尚未录入成绩：%(names)s",
                              params={"names": "、".join(f"{a.person.name}（{a.post.title}）" for a in missing)})
    summary: dict[str, Any] = {}
    for post in competition.posts.all():
        applicants = list(post.applicants.filter(status__in=ranked_statuses))
        for applicant in applicants:
            applicant.total_score = _total(applicant, competition)
        applicants.sort(key=ranking_key)
        places = math.ceil(post.openings * competition.inspection_ratio)
        minimum = Decimal(post.conditions["min_total"]) if "min_total" in post.conditions else None
        inspected = 0
        for place, applicant in enumerate(applicants, start=1):
            applicant.rank_in_post = place
            if applicant.status == ApplicantStatus.NOT_APPOINTED:
                continue
            qualifies = minimum is None or (applicant.total_score or 0) >= minimum
            if qualifies and inspected < places:
                applicant.status = ApplicantStatus.INSPECTED
                inspected += 1
            else:
                applicant.status = ApplicantStatus.RANKED
        Applicant.objects.bulk_update(applicants, ["total_score", "rank_in_post", "status"])
        summary[f"{post.unit.name} {post.title}"] = {"applicants": len(applicants), "inspected": inspected}
    record(actor=actor, action=CaseAction.COMPETITION_RANKED, target=competition, subject=case,
           target_label=str(case), changes={"posts": summary})
    return competition


@transaction.atomic
def applicant_not_appointed(*, actor: Any, applicant: Applicant, reason: str) -> Applicant:
    """Mark a 考察对象 as not to be appointed (考察未通过 and the like), with the reason."""
    applicant = Applicant.objects.select_related("post__competition__case", "person").get(pk=applicant.pk)
    case = _check_case(actor, applicant.post.competition.case)
    _not_concluded(applicant.post.competition)
    if not reason.strip():
        raise ValidationError({"reason": "请填写不予任用的理由"})
    if applicant.status not in (ApplicantStatus.INSPECTED, ApplicantStatus.RANKED):
        raise ValidationError("只有已排名的人员可以标记为不予任用")
    previous = applicant.status
    applicant.status = ApplicantStatus.NOT_APPOINTED
    applicant.eligibility_notes = "；".join(filter(None, [applicant.eligibility_notes, f"不予任用：{reason.strip()}"]))
    applicant.save(update_fields=["status", "eligibility_notes"])
    record(actor=actor, action=CaseAction.APPLICANT_DROPPED, target=applicant.person, subject=case,
           target_label=applicant.person.name,
           changes={"status": [previous, applicant.status], "reason": reason.strip()})
    return applicant


def movement_for(person: Person, post: CompetitionPost) -> str:
    """提拔 when the post's rank is higher than the person's; 转任 at the same rank in another
    post; 其他 when he is reappointed to the post he holds (or moves down)."""
    if not person.rank or post.rank < person.rank:
        return Movement.PROMOTION
    if post.rank == person.rank:
        if person.unit_id == post.unit_id and person.post_title == post.title:
            return Movement.OTHER
        return Movement.TRANSFER
    return Movement.OTHER


@dataclass
class Conclusion:
    appointed: list[Nominee]
    not_reappointed: list[Person]


@transaction.atomic
def competition_conclude(*, actor: Any, competition: Competition, appointed_on: dt.date,
                         document: str) -> Conclusion:
    """Appoint the first `openings` 考察对象 of each post (任职 through the post services, with
    the document's 文号) and record each as a nominee of the case; move each incumbent who is
    not appointed to any post of the competition off his post (落选); the other applicants are
    未任用."""
    case = _check_case(actor, competition.case)
    _not_concluded(competition)
    document = document.strip()
    if not document:
        raise ValidationError({"document": "请填写任职文号"})
    if appointed_on < competition.announced_on:
        raise ValidationError({"appointed_on": "任职日期不能早于公告日期"})
    applicants = Applicant.objects.filter(post__competition=competition)
    if applicants.filter(status=ApplicantStatus.ELIGIBLE).exists() or not applicants.filter(
        status__in=(ApplicantStatus.INSPECTED, ApplicantStatus.RANKED, ApplicantStatus.NOT_APPOINTED)
    ).exists():
        raise ValidationError("请先完成综合排名")
    appointed: list[Nominee] = []
    appointed_people: set[int] = set()
    winners: set[int] = set()
    position = (case.nominees.aggregate(last=Max("position"))["last"] or 0)
    posts = list(competition.posts.select_related("unit").prefetch_related("incumbents"))
    for post in posts:
        chosen = [
            applicant for applicant in post.applicants.filter(status=ApplicantStatus.INSPECTED)
            .select_related("person").order_by("rank_in_post", "id")
            if applicant.person_id not in appointed_people
        ][:post.openings]
        case_post = case_post_for(post)
        for applicant in chosen:
            person = Person.objects.get(pk=applicant.person_id)
            movement = movement_for(person, post)
            assignment = post_start(
                actor=actor, person=person, unit=post.unit, title=post.title, rank=post.rank,
                is_team_member=bool(post.conditions.get("team_member")), started_on=appointed_on,
                document=document, source=PostSource.PROCEDURE,
            )
            position += 1
            nominee, _ = Nominee.objects.update_or_create(
                case=case, person=person,
                defaults={"post": case_post, "stage": NomineeStage.APPOINTED, "movement": movement,
                          "appointed_on": appointed_on, "appointment_document": document,
                          "assignment": assignment, "position": position},
            )
            appointed.append(nominee)
            appointed_people.add(person.pk)
            winners.add(applicant.pk)
    Applicant.objects.filter(pk__in=winners).update(status=ApplicantStatus.APPOINTED)
    applicants.exclude(pk__in=winners).exclude(status=ApplicantStatus.INELIGIBLE).update(
        status=ApplicantStatus.NOT_APPOINTED)
    dropped: list[Person] = []
    for post in posts:
        for incumbent in post.incumbents.all():
            if incumbent.pk in appointed_people or incumbent.pk in {p.pk for p in dropped}:
                continue
            held = (Assignment.objects.filter(person=incumbent, ended_on__isnull=True, unit=post.unit)
                    .order_by("-is_main", "-started_on", "-id"))
            ended = held.filter(title=post.title).first() or held.first()
            if ended is None:
                continue
            post_end(actor=actor, assignment=ended, ended_on=appointed_on, document=document,
                     source=PostSource.PROCEDURE, reason=NOT_REAPPOINTED_REASON)
            dropped.append(incumbent)
    record(actor=actor, action=CaseAction.COMPETITION_CONCLUDED, target=competition, subject=case,
           target_label=str(case),
           changes={"appointed_on": appointed_on, "document": document,
                    "appointed": [nominee.person.name for nominee in appointed],
                    "not_reappointed": [person.name for person in dropped]})
    return Conclusion(appointed=appointed, not_reappointed=dropped)


# --- reads ------------------------------------------------------------------------------------


def competition_for(case: SelectionCase) -> Competition | None:
    return Competition.objects.filter(case=case).first()


def not_reappointed(competition: Competition) -> list[Person]:
    """The incumbents of the competition's posts not appointed to any of its posts (落选), once
    it has concluded (competition_conclude moved each off his post)."""
    if not is_concluded(competition):
        return []
    appointed = set(Applicant.objects.filter(post__competition=competition, status=ApplicantStatus.APPOINTED)
                    .values_list("person_id", flat=True))
    people: dict[int, Person] = {}
    for post in competition.posts.prefetch_related("incumbents"):
        for person in post.incumbents.all():
            if person.pk not in appointed:
                people.setdefault(person.pk, person)
    return list(people.values())


# --- the scores sheet ---------------------------------------------------------------------------

SHEET_HEADER = ("报名编号", "单位", "职位", "姓名", "笔试成绩", "面试成绩", "免笔试")
YES_WORDS = ("是", "免", "Y", "y", "1", "TRUE", "True", "true")
NO_WORDS = ("", "否", "N", "n", "0", "FALSE", "False", "false")


def scorable_applicants(competition: Competition) -> list[Applicant]:
    return list(Applicant.objects.filter(post__competition=competition, status__in=SCORABLE)
                .select_related("person", "post__unit", "post__competition").order_by("post__position", "id"))


def scores_sheet(competition: Competition) -> bytes:
    """The scores template: one row per applicant who may be scored, with his current scores."""
    from cadres.core.spreadsheets import write_xlsx

    rows = [
        (applicant.pk, applicant.post.unit.name, applicant.post.title, applicant.person.name,
         None if applicant.written_waived or applicant.written_score is None else float(applicant.written_score),
         None if applicant.interview_score is None else float(applicant.interview_score),
         "是" if applicant.written_waived else "")
        for applicant in scorable_applicants(competition)
    ]
    return write_xlsx([("成绩", list(SHEET_HEADER), rows)])


def scores_from_sheet(competition: Competition, content: bytes) -> list[ScoreRow]:
    """The rows of a filled-in scores template, checked: every error names its row and column
    (第3行“面试成绩”…); a row with no score at all is skipped. Raises ValidationError with all
    the errors, so that nothing is written when any row is wrong."""
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError("无法读取成绩表，请使用下载的模板（.xlsx）") from error
    try:
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_col=len(SHEET_HEADER) + 5, max_row=5000))
    finally:
        book.close()
    if not rows:
        raise ValidationError("成绩表是空的")
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    columns: dict[str, int] = {}
    for name in SHEET_HEADER:
        if name in header:
            columns[name] = header.index(name)
    missing = [name for name in ("报名编号", "笔试成绩", "面试成绩") if name not in columns]
    if missing:
        raise ValidationError("第1行缺少列：%(columns)s", params={"columns": "、".join(missing)})
    applicants = {applicant.pk: applicant for applicant in scorable_applicants(competition)}
    errors: list[str] = []
    result: list[ScoreRow] = []
    seen: set[int] = set()

    def cell(row: tuple[Any, ...], name: str) -> Any:
        index = columns.get(name)
        if index is None or index >= len(row):
            return None
        value = row[index]
        return value.strip() if isinstance(value, str) else value

    for number, row in enumerate(rows[1:], start=2):
        written, interview, waived_text = cell(row, "笔试成绩"), cell(row, "面试成绩"), cell(row, "免笔试")
        key = cell(row, "报名编号")
        if all(value in (None, "") for value in (key, written, interview)):
            continue
        label = f"第{number}行"
        try:
            applicant_id = int(key)
        except (TypeError, ValueError):
            errors.append(f"{label}“报名编号”{key or '为空'}不是本次竞聘的报名编号")
            continue
        applicant = applicants.get(applicant_id)
        if applicant is None:
            errors.append(f"{label}“报名编号”{applicant_id}不是本次竞聘可录入成绩的报名人员")
            continue
        if applicant_id in seen:
            errors.append(f"{label}“报名编号”{applicant_id}重复")
            continue
        seen.add(applicant_id)
        name = cell(row, "姓名")
        if name not in (None, "") and str(name) != applicant.person.name:
            errors.append(f"{label}“姓名”{name}与报名编号{applicant_id}（{applicant.person.name}）不符")
            continue
        text = "" if waived_text is None else str(waived_text)
        if text not in YES_WORDS and text not in NO_WORDS:
            errors.append(f"{label}“免笔试”应填“是”或留空，现为“{text}”")
            continue
        waived = text in YES_WORDS
        problems = []
        if not waived:
            try:
                _score(written, "笔试成绩")
            except ValidationError as error:
                problems.append(f"{label}“笔试成绩”：{error.messages[0]}")
        try:
            _score(interview, "面试成绩")
        except ValidationError as error:
            problems.append(f"{label}“面试成绩”：{error.messages[0]}")
        if problems:
            errors += problems
            continue
        result.append(ScoreRow(label=f"{label}（{applicant.person.name}）", applicant=applicant,
                               written=written, interview=interview, written_waived=waived))
    if errors:
        raise ValidationError(errors)
    if not result:
        raise ValidationError("成绩表中没有成绩")
    return result
