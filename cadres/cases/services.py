"""The writers of a selection case (选拔任用, 一事一记) apart from its steps (`steps.step_move`
is the only writer of `SelectionCase.step`): the case itself, its posts and nominees, the 纪实
notes, pause / resume / withdraw / archive, its documents, the meetings that decide it with their
topics and decisions, and the 凡提四必 checks.

Every function takes the `actor` first (None is the system), runs in one transaction, checks
that the actor may work on the case (`steps.check_may_change`: `cases.manage` and the case's
unit in the actor's 信息维护 scope) and records one audit event whose subject is the case; an
event about a nominee names the person as its target. An archived case (纪实归档) is read-only.
Decisions are judged by the rule checks (`rules.quorum_met`, `rules.decision_passes`), whose
numbers are `SelectionRule` rows.
"""

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadres.accounts.permissions import has_permission
from cadres.audit.services import record
from cadres.cases import rules
from cadres.cases.actions import CaseAction, CasePermission
from cadres.cases.models import (
    CaseDocument,
    CaseKind,
    CasePost,
    CaseStatus,
    DecisionMethod,
    DiligenceCheck,
    DiligenceKind,
    DiligenceResult,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingTopic,
    Nominee,
    NomineeStage,
    SelectionCase,
    Step,
    StepEntryKind,
    StepRecord,
    TopicDecision,
)
from cadres.cases.steps import case_locked, check_may_change, first_step, step_entry, step_move
from cadres.org.models import Unit
from cadres.people.models import Person

ARCHIVED = "该事项已纪实归档，不能再修改"
WITHDRAWN = "该事项已终止，不能再修改人选和职位"
UNIT_OUT_OF_SCOPE = "单位“%(unit)s”不在您的信息维护范围内"
PERSON_OUT_OF_SCOPE = "该干部不在您的查看范围内"
NO_MANAGE = "您没有办理选拔任用程序的权限"
MEETING_OUT_OF_SCOPE = "该会议不在您的办理范围内"
REASON_REQUIRED = "请填写%(what)s理由"

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# The kinds of file a case keeps, recognised by their first bytes (not by the name).
DOCUMENT_TYPES = {"pdf": "PDF 文件", "doc": "Word 文件", "docx": "Word 文件", "xls": "Excel 文件",
                  "xlsx": "Excel 文件", "jpg": "JPG 图片", "jpeg": "JPG 图片", "png": "PNG 图片"}

CASE_FIELDS = ("title", "started_on", "reason", "is_exceptional", "exceptional_reason",
               "exceptional_approval")
NOMINEE_FIELDS = ("post", "movement", "recommendation_votes", "recommendation_ballots", "recommended_on",
                  "recommendation_targeted", "rating_result", "inspection_conclusion")
MEETING_FIELDS = ("kind", "title", "held_on", "location", "chair", "minutes")
# Stages reached only through the completion (任职 via the post services) and the 试用期.
STAGES_BY_COMPLETION = (NomineeStage.APPOINTED, NomineeStage.CONFIRMED)

Member = tuple[str, bool, str]


def _today() -> dt.date:
    return timezone.localdate()


def _audit_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _writable(actor: Any, case: SelectionCase) -> SelectionCase:
    """The case locked and read afresh, once the actor may work on it and it is not archived."""
    check_may_change(actor, case)
    case = case_locked(case)
    if case.status == CaseStatus.ARCHIVED:
        raise ValidationError(ARCHIVED)
    return case


def _people_writable(actor: Any, case: SelectionCase) -> SelectionCase:
    case = _writable(actor, case)
    if case.status == CaseStatus.WITHDRAWN:
        raise ValidationError(WITHDRAWN)
    return case


def _check_unit(actor: Any, unit: Unit) -> None:
    if actor is None:
        return
    if not has_permission(actor, CasePermission.MANAGE):
        raise PermissionDenied(NO_MANAGE)
    if not Unit.objects.restrict(actor, "change").filter(pk=unit.pk).exists():
        raise PermissionDenied(UNIT_OUT_OF_SCOPE % {"unit": unit.name})


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(REASON_REQUIRED, params={"what": what})
    return value


def _update_fields(row: Any, values: dict[str, Any], fields: Sequence[str]) -> dict[str, list[Any]]:
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"not a field that may be changed: {', '.join(sorted(unknown))}")
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(row, name)
        if isinstance(new, str):
            new = new.strip()
        if old != new:
            changes[name] = [_audit_value(old), _audit_value(new)]
            setattr(row, name, new)
    return changes


# --- the case -----------------------------------------------------------------------------


def _next_number(year: int) -> str:
    prefix = f"{year}-"
    used = [int(number[len(prefix):]) for number in
            SelectionCase.objects.filter(number__startswith=prefix).values_list("number", flat=True)
            if number[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:03d}"


@transaction.atomic
def case_create(
    *, actor: Any, title: str, kind: str = CaseKind.INDIVIDUAL, unit: Unit, started_on: dt.date,
    reason: str = "", posts: Iterable[dict[str, Any]] = (),
) -> SelectionCase:
    """A new case numbered `2026-001` in the year of its 动议, entering the first step of its
    kind; `posts` are the CasePost fields of the posts it fills (unit, title, rank, …)."""
    _check_unit(actor, unit)
    case = SelectionCase(title=title.strip(), kind=kind, unit=unit, started_on=started_on,
                         reason=reason.strip(), step=first_step(kind), number="0",
                         created_by=actor if getattr(actor, "pk", None) else None)
    case.full_clean(exclude=["number"])
    # Two cases started at once may compute one number: the unique constraint refuses the
    # second, which then takes the next free number.
    for _attempt in range(20):
        case.number = _next_number(started_on.year)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            case.pk = None
            continue
        break
    else:
        raise ValidationError("编号分配失败，请重试")
    step_entry(actor=actor, case=case, step=case.step, kind=StepEntryKind.ENTERED, occurred_on=started_on,
               outcome=case.reason)
    record(actor=actor, action=CaseAction.CASE_CREATED, target=case, subject=case, target_label=str(case),
           changes={"number": [None, case.number], "title": [None, case.title], "kind": [None, kind],
                    "unit": [None, unit.name], "started_on": [None, started_on.isoformat()],
                    **({"reason": [None, case.reason]} if case.reason else {})})
    for position, values in enumerate(posts):
        case_post_add(actor=actor, case=case, position=position, **values)
    return case


@transaction.atomic
def case_update(*, actor: Any, case: SelectionCase, **values: Any) -> SelectionCase:
    """Change the case's title, 动议 date and reason, or its 破格 fields (reason, approval)."""
    case = _writable(actor, case)
    changes = _update_fields(case, values, CASE_FIELDS)
    if not changes:
        return case
    if case.is_exceptional and not case.exceptional_reason:
        raise ValidationError({"exceptional_reason": "破格提拔须填写破格理由"})
    case.full_clean()
    case.save(update_fields=[*changes, "updated_at"])
    record(actor=actor, action=CaseAction.CASE_UPDATED, target=case, subject=case, target_label=str(case),
           changes=changes)
    return case


@transaction.atomic
def case_post_add(
    *, actor: Any, case: SelectionCase, unit: Unit, title: str, rank: str, is_team_member: bool = True,
    openings: int = 1, has_probation: bool = False, position: int | None = None,
) -> CasePost:
    """A post the case fills, in a unit of the actor's 信息维护 scope."""
    case = _people_writable(actor, case)
    _check_unit(actor, unit)
    if position is None:
        position = case.posts.count()
    case_post = CasePost(case=case, unit=unit, title=title.strip(), rank=rank, is_team_member=is_team_member,
                         openings=openings, has_probation=has_probation, position=position)
    case_post.full_clean()
    case_post.save()
    record(actor=actor, action=CaseAction.CASE_POST_ADDED, target=case_post, subject=case,
           target_label=f"{unit.name}{case_post.title}",
           changes={"unit": [None, unit.name], "title": [None, case_post.title], "rank": [None, rank],
                    "openings": [None, openings]})
    return case_post


@transaction.atomic
def case_post_remove(*, actor: Any, post: CasePost) -> None:
    case = _people_writable(actor, post.case)
    if post.nominees.exists():
        raise ValidationError("该职位已有人选，请先调整人选的拟任职位")
    record(actor=actor, action=CaseAction.CASE_POST_REMOVED, target=post, subject=case,
           target_label=f"{post.unit.name}{post.title}",
           changes={"unit": post.unit.name, "title": post.title, "rank": post.rank})
    post.delete()


# --- nominees -----------------------------------------------------------------------------


def _check_post(case: SelectionCase, post: CasePost | None) -> None:
    if post is not None and post.case_id != case.pk:
        raise ValidationError({"post": "拟任职位不属于本事项"})


def _check_votes(nominee: Nominee) -> None:
    votes, ballots = nominee.recommendation_votes, nominee.recommendation_ballots
    if votes is not None and ballots is not None and votes > ballots:
        raise ValidationError({"recommendation_votes": f"推荐得票（{votes}）不能超过有效推荐票（{ballots}）"})


@transaction.atomic
def nominee_add(
    *, actor: Any, case: SelectionCase, person: Person, post: CasePost | None = None,
    stage: str = NomineeStage.RECOMMENDED, recommended_on: dt.date | None = None,
    recommendation_votes: int | None = None, recommendation_ballots: int | None = None,
    targeted: bool = False,
) -> Nominee:
    """A person in the case (推荐人选 by default), among the people the actor may see."""
    case = _people_writable(actor, case)
    if actor is not None and not Person.objects.restrict(actor, "view").filter(pk=person.pk).exists():
        raise PermissionDenied(PERSON_OUT_OF_SCOPE)
    if stage in STAGES_BY_COMPLETION:
        raise ValidationError({"stage": "任职须通过任职办理完成"})
    _check_post(case, post)
    if case.nominees.filter(person=person).exists():
        raise ValidationError({"person": f"{person.name}已是本事项的人选"})
    nominee = Nominee(case=case, person=person, post=post, stage=stage, recommended_on=recommended_on,
                      recommendation_votes=recommendation_votes, recommendation_ballots=recommendation_ballots,
                      recommendation_targeted=targeted)
    _check_votes(nominee)
    nominee.full_clean()
    nominee.save()
    changes: dict[str, Any] = {"stage": [None, stage]}
    if post is not None:
        changes["post"] = [None, str(post)]
    for name in ("recommended_on", "recommendation_votes", "recommendation_ballots"):
        if getattr(nominee, name) is not None:
            changes[name] = [None, _audit_value(getattr(nominee, name))]
    if targeted:
        changes["recommendation_targeted"] = [None, True]
    record(actor=actor, action=CaseAction.NOMINEE_ADDED, target=person, subject=case, changes=changes)
    return nominee


def _nominee_locked(actor: Any, nominee: Nominee) -> tuple[SelectionCase, Nominee]:
    case = _people_writable(actor, nominee.case)
    return case, Nominee.objects.select_for_update(of=("self",)).select_related("person", "post").get(pk=nominee.pk)


@transaction.atomic
def nominee_update(*, actor: Any, nominee: Nominee, **values: Any) -> Nominee:
    """Change the nominee's post, 任用类型, recommendation figures, 民主测评 or 考察结论."""
    case, nominee = _nominee_locked(actor, nominee)
    if "post" in values:
        _check_post(case, values["post"])
    changes = _update_fields(nominee, values, NOMINEE_FIELDS)
    if not changes:
        return nominee
    _check_votes(nominee)
    nominee.full_clean()
    nominee.save(update_fields=list(changes))
    record(actor=actor, action=CaseAction.NOMINEE_UPDATED, target=nominee.person, subject=case, changes=changes)
    return nominee


@transaction.atomic
def nominee_stage_set(*, actor: Any, nominee: Nominee, stage: str, reason: str = "") -> Nominee:
    """Move a nominee to a stage (考察对象, 拟任人选, 未任用 with its reason); 任职 and 正式任职
    come only from the completion."""
    case, nominee = _nominee_locked(actor, nominee)
    if stage not in NomineeStage.values:
        raise ValidationError({"stage": "请选择人选阶段"})
    if stage in STAGES_BY_COMPLETION:
        raise ValidationError({"stage": "任职须通过任职办理完成"})
    if nominee.stage in STAGES_BY_COMPLETION:
        raise ValidationError({"stage": f"{nominee.person.name}已任职，不能再变更阶段"})
    reason = reason.strip()
    if stage == NomineeStage.DROPPED and not reason:
        raise ValidationError({"reason": "设为未任用须填写原因"})
    if stage == nominee.stage:
        return nominee
    changes: dict[str, Any] = {"stage": [nominee.stage, stage]}
    nominee.stage = stage
    fields = ["stage"]
    if stage == NomineeStage.DROPPED:
        nominee.dropped_reason = reason
        fields.append("dropped_reason")
    if reason:
        changes["reason"] = reason
    nominee.save(update_fields=fields)
    record(actor=actor, action=CaseAction.NOMINEE_STAGE_CHANGED, target=nominee.person, subject=case,
           changes=changes)
    return nominee


@transaction.atomic
def nominee_explain(*, actor: Any, nominee: Nominee, code: str, reason: str) -> Nominee:
    """The reason a check asked for (`Nominee.check_reasons[code]`): with it the check passes,
    the reason shown beside it."""
    case, nominee = _nominee_locked(actor, nominee)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "请指明要说明的规则"})
    reason = _required(reason, "说明")
    old = nominee.check_reasons.get(code)
    if old == reason:
        return nominee
    nominee.check_reasons = {**nominee.check_reasons, code: reason}
    nominee.save(update_fields=["check_reasons"])
    record(actor=actor, action=CaseAction.NOMINEE_CHECK_EXPLAINED, target=nominee.person, subject=case,
           changes={f"check_reasons.{code}": [old, reason]})
    return nominee


@transaction.atomic
def case_explain(*, actor: Any, case: SelectionCase, code: str, reason: str) -> SelectionCase:
    """The reason a case-wide check asked for (`SelectionCase.check_reasons[code]`, e.g. 等额考察
    in an individual case): with it the check passes, the reason shown beside it."""
    case = _people_writable(actor, case)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": "请指明要说明的规则"})
    reason = _required(reason, "说明")
    old = case.check_reasons.get(code)
    if old == reason:
        return case
    case.check_reasons = {**case.check_reasons, code: reason}
    case.save(update_fields=["check_reasons", "updated_at"])
    record(actor=actor, action=CaseAction.CASE_CHECK_EXPLAINED, target=case, subject=case, target_label=str(case),
           changes={f"check_reasons.{code}": [old, reason]})
    return case


@transaction.atomic
def nominee_remove(*, actor: Any, nominee: Nominee) -> None:
    """Remove a nominee entered by mistake; one already decided on stays (设为未任用 instead)."""
    case, nominee = _nominee_locked(actor, nominee)
    if nominee.decisions.exists() or nominee.stage in STAGES_BY_COMPLETION:
        raise ValidationError("已有表决结果或已任职的人选不能删除，可设为未任用")
    record(actor=actor, action=CaseAction.NOMINEE_REMOVED, target=nominee.person, subject=case,
           changes={"stage": nominee.stage})
    nominee.delete()


# --- the 纪实 and the case's status -----------------------------------------------------------


@transaction.atomic
def case_note(
    *, actor: Any, case: SelectionCase, occurred_on: dt.date, outcome: str, participants: str = "",
) -> StepRecord:
    """A 纪实 entry of the current step: what happened, when, with whom."""
    case = _writable(actor, case)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写情况和结果"})
    entry = step_entry(actor=actor, case=case, kind=StepEntryKind.NOTE, occurred_on=occurred_on,
                       participants=participants.strip(), outcome=outcome)
    record(actor=actor, action=CaseAction.CASE_NOTE_ADDED, target=case, subject=case, target_label=str(case),
           changes={"step": case.step, "occurred_on": occurred_on.isoformat(), "outcome": outcome,
                    **({"participants": entry.participants} if entry.participants else {})})
    return entry


def _status_change(
    *, actor: Any, case: SelectionCase, allowed: Sequence[str], to_status: str, reason: str, what: str,
    entry_kind: str, action: str, occurred_on: dt.date | None,
) -> SelectionCase:
    case = _writable(actor, case)
    reason = _required(reason, what)
    if case.status not in allowed:
        raise ValidationError("该事项当前为“%(status)s”，不能%(what)s",
                              params={"status": case.get_status_display(), "what": what})
    occurred_on = occurred_on or _today()
    previous = case.status
    case.status = to_status
    case.status_reason = reason
    case.save(update_fields=["status", "status_reason", "updated_at"])
    step_entry(actor=actor, case=case, kind=entry_kind, occurred_on=occurred_on, reason=reason,
               outcome=what)
    record(actor=actor, action=action, target=case, subject=case, target_label=str(case),
           changes={"status": [previous, to_status], "reason": reason, "occurred_on": occurred_on.isoformat()})
    return case


@transaction.atomic
def case_pause(*, actor: Any, case: SelectionCase, reason: str, occurred_on: dt.date | None = None) -> SelectionCase:
    """选任暂停: the case stops moving until resumed."""
    return _status_change(actor=actor, case=case, allowed=[CaseStatus.ACTIVE], to_status=CaseStatus.PAUSED,
                          reason=reason, what="暂停", entry_kind=StepEntryKind.PAUSED,
                          action=CaseAction.CASE_PAUSED, occurred_on=occurred_on)


@transaction.atomic
def case_resume(*, actor: Any, case: SelectionCase, reason: str, occurred_on: dt.date | None = None) -> SelectionCase:
    return _status_change(actor=actor, case=case, allowed=[CaseStatus.PAUSED], to_status=CaseStatus.ACTIVE,
                          reason=reason, what="恢复", entry_kind=StepEntryKind.RESUMED,
                          action=CaseAction.CASE_RESUMED, occurred_on=occurred_on)


@transaction.atomic
def case_withdraw(*, actor: Any, case: SelectionCase, reason: str,
                  occurred_on: dt.date | None = None) -> SelectionCase:
    """终止: the case ends without completing; it can then be archived."""
    return _status_change(actor=actor, case=case,
                          allowed=[CaseStatus.ACTIVE, CaseStatus.PAUSED, CaseStatus.SUSPENDED],
                          to_status=CaseStatus.WITHDRAWN, reason=reason, what="终止",
                          entry_kind=StepEntryKind.NOTE, action=CaseAction.CASE_WITHDRAWN,
                          occurred_on=occurred_on)


@transaction.atomic
def case_archive(*, actor: Any, case: SelectionCase, archived_on: dt.date | None = None) -> SelectionCase:
    """纪实归档: a completed or withdrawn case becomes read-only."""
    case = _writable(actor, case)
    if case.status not in (CaseStatus.COMPLETED, CaseStatus.WITHDRAWN):
        raise ValidationError("只有已完成或已终止的事项才能归档，该事项当前为“%(status)s”",
                              params={"status": case.get_status_display()})
    archived_on = archived_on or _today()
    previous = case.status
    step_entry(actor=actor, case=case, kind=StepEntryKind.NOTE, occurred_on=archived_on, outcome="纪实归档")
    case.status = CaseStatus.ARCHIVED
    case.archived_on = archived_on
    case.save(update_fields=["status", "archived_on", "updated_at"])
    record(actor=actor, action=CaseAction.CASE_ARCHIVED, target=case, subject=case, target_label=str(case),
           changes={"status": [previous, CaseStatus.ARCHIVED], "archived_on": archived_on.isoformat()})
    return case


def case_step_move(
    *, actor: Any, case: SelectionCase, to_step: str, occurred_on: dt.date, participants: str = "",
    outcome: str = "", reason: str = "",
) -> SelectionCase:
    """`steps.step_move`, refused on an archived case with the same words as every write."""
    if case.status == CaseStatus.ARCHIVED:
        raise ValidationError(ARCHIVED)
    return step_move(actor=actor, case=case, to_step=to_step, occurred_on=occurred_on,
                     participants=participants, outcome=outcome, reason=reason)


# --- documents ----------------------------------------------------------------------------


def document_type(content: bytes) -> str | None:
    """The kind of file by its first bytes: pdf, doc/xls (OLE), docx, xlsx, jpg, png."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _check_document(name: str, content: bytes) -> None:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = "、".join(dict.fromkeys(DOCUMENT_TYPES.values()))
    if suffix not in DOCUMENT_TYPES:
        raise ValidationError({"file": f"文件“{name}”的类型不能上传，只接受{allowed}"})
    found = document_type(content)
    expected = {"jpeg": "jpg", "doc": "ole", "xls": "ole"}.get(suffix, suffix)
    if found != expected:
        raise ValidationError({"file": f"文件“{name}”的内容不是{DOCUMENT_TYPES[suffix]}"})


@transaction.atomic
def document_add(
    *, actor: Any, case: SelectionCase, step: str, title: str, file: File, nominee: Nominee | None = None,
    is_generated: bool = False,
) -> CaseDocument:
    """Keep a document with the case (at most 20 MB; PDF, Word, Excel, JPG or PNG by content)."""
    case = _writable(actor, case)
    if step not in Step.values:
        raise ValidationError({"step": "请选择材料所属的步骤"})
    if nominee is not None and nominee.case_id != case.pk:
        raise ValidationError({"nominee": "该人选不属于本事项"})
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    size = getattr(file, "size", None)
    if size is not None and size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": f"文件“{name}”超过20MB，不能上传"})
    file.seek(0)
    content = file.read()
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": f"文件“{name}”超过20MB，不能上传"})
    if not content:
        raise ValidationError({"file": "文件为空"})
    _check_document(name, content)
    title = (title or "").strip() or name.rsplit(".", 1)[0]
    document = CaseDocument(case=case, step=step, nominee=nominee, title=title, is_generated=is_generated,
                            sha256=hashlib.sha256(content).hexdigest(),
                            uploaded_by=actor if getattr(actor, "pk", None) else None)
    from django.core.files.base import ContentFile

    document.file.save(name, ContentFile(content), save=False)
    document.full_clean()
    document.save()
    changes: dict[str, Any] = {"title": [None, title], "step": [None, step], "file": [None, name],
                               "size": [None, len(content)], "sha256": [None, document.sha256]}
    if nominee is not None:
        changes["nominee"] = [None, nominee.person.name]
    record(actor=actor, action=CaseAction.CASE_DOCUMENT_ADDED, target=document, subject=case,
           target_label=title, changes=changes)
    return document


@transaction.atomic
def document_remove(*, actor: Any, document: CaseDocument) -> None:
    case = _writable(actor, document.case)
    record(actor=actor, action=CaseAction.CASE_DOCUMENT_REMOVED, target=document, subject=case,
           target_label=document.title, changes={"title": document.title, "sha256": document.sha256})
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- meetings -----------------------------------------------------------------------------


def _check_manage(actor: Any) -> None:
    if actor is not None and not has_permission(actor, CasePermission.MANAGE):
        raise PermissionDenied(NO_MANAGE)


def _check_meeting(actor: Any, meeting: Meeting, *, owner: bool = False) -> Meeting:
    """The meeting locked, once the actor may reach it; with `owner`, once he may also change
    the meeting itself (its members, its record, its agenda): he created it, or every case on
    its agenda is one he may work on — a township officer does not add to the county's 常委会
    agenda another unit's officer keeps."""
    _check_manage(actor)
    if actor is not None:
        from cadres.cases.selectors import meetings_for

        if not meetings_for(actor).filter(pk=meeting.pk).exists():
            raise PermissionDenied(MEETING_OUT_OF_SCOPE)
        if owner and meeting.created_by_id != getattr(actor, "pk", None):
            writable = SelectionCase.objects.restrict(actor, "change")
            if meeting.topics.exclude(case__in=writable).exists():
                raise PermissionDenied(MEETING_OUT_OF_SCOPE)
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _members_create(meeting: Meeting, members: Sequence[Member]) -> list[MeetingMember]:
    rows: list[MeetingMember] = []
    seen: set[str] = set()
    for position, (name, is_present, absence_reason) in enumerate(members):
        name = name.strip()
        if not name:
            raise ValidationError({"members": f"第{position + 1}名成员没有姓名"})
        if name in seen:
            raise ValidationError({"members": f"成员“{name}”重复"})
        seen.add(name)
        row = MeetingMember(meeting=meeting, name=name, is_present=is_present,
                            absence_reason="" if is_present else absence_reason.strip(), position=position)
        row.full_clean(exclude=["meeting"])
        rows.append(row)
    return MeetingMember.objects.bulk_create(rows)


def _members_audit(members: Sequence[Member]) -> list[str]:
    return [name if present else f"{name}（缺席{'：' + reason if reason else ''}）"
            for name, present, reason in members]


@transaction.atomic
def meeting_create(
    *, actor: Any, kind: str, title: str, held_on: dt.date, members: Sequence[Member] = (),
    location: str = "", chair: str = "", minutes: str = "",
) -> Meeting:
    """A meeting with its members who should attend (应到会): (name, is_present, absence_reason)."""
    _check_manage(actor)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": "请选择会议类型"})
    meeting = Meeting(kind=kind, title=title.strip(), held_on=held_on, location=location.strip(),
                      chair=chair.strip(), minutes=minutes.strip(),
                      created_by=actor if getattr(actor, "pk", None) else None)
    meeting.full_clean()
    meeting.save()
    _members_create(meeting, members)
    record(actor=actor, action=CaseAction.MEETING_CREATED, target=meeting, target_label=str(meeting),
           changes={"kind": [None, kind], "title": [None, meeting.title], "held_on": [None, held_on.isoformat()],
                    "members": [None, _members_audit(members)]})
    return meeting


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, **values: Any) -> Meeting:
    meeting = _check_meeting(actor, meeting, owner=True)
    changes = _update_fields(meeting, values, MEETING_FIELDS)
    if not changes:
        return meeting
    meeting.full_clean()
    meeting.save(update_fields=list(changes))
    record(actor=actor, action=CaseAction.MEETING_UPDATED, target=meeting, target_label=str(meeting),
           changes=changes)
    return meeting


@transaction.atomic
def meeting_member_set(*, actor: Any, meeting: Meeting, members: Sequence[Member]) -> Meeting:
    """Replace the members (应到会) and who attended; refused once a decision is recorded, since
    the decision was judged on them."""
    meeting = _check_meeting(actor, meeting, owner=True)
    if TopicDecision.objects.filter(topic__meeting=meeting).exists():
        raise ValidationError({"members": "该会议已记录表决结果，不能再修改应到会和实到会人员"})
    old = [(member.name, member.is_present, member.absence_reason) for member in meeting.members.all()]
    meeting.members.all().delete()
    _members_create(meeting, members)
    record(actor=actor, action=CaseAction.MEETING_UPDATED, target=meeting, target_label=str(meeting),
           changes={"members": [_members_audit(old), _members_audit(members)]})
    return meeting


@transaction.atomic
def topic_add(*, actor: Any, meeting: Meeting, case: SelectionCase, title: str) -> MeetingTopic:
    """A topic (议题) of the meeting about a case."""
    meeting = _check_meeting(actor, meeting, owner=True)
    case = _writable(actor, case)
    topic = MeetingTopic(meeting=meeting, case=case, title=title.strip(), position=meeting.topics.count())
    topic.full_clean()
    topic.save()
    record(actor=actor, action=CaseAction.MEETING_TOPIC_ADDED, target=topic, subject=case,
           target_label=topic.title,
           changes={"meeting": [None, str(meeting)], "held_on": [None, meeting.held_on.isoformat()],
                    "title": [None, topic.title]})
    return topic


def attendance(meeting: Meeting) -> tuple[int, int]:
    """(应到会, 实到会) of a meeting: its members and those present."""
    members = list(meeting.members.all())
    return len(members), sum(1 for member in members if member.is_present)


@transaction.atomic
def decision_record(
    *, actor: Any, topic: MeetingTopic, nominee: Nominee, agree: int, disagree: int, abstain: int,
    method: str = DecisionMethod.SECRET, vote: Any = None, decided_on: dt.date | None = None,
) -> TopicDecision:
    """The 同意 / 不同意 / 弃权 counts of a topic on one nominee, judged by the rules: the
    meeting must have its quorum of 应到会, and the decision passes with more than the rule's
    share of 应到会 (not of those present). Recording it again replaces the counts."""
    case = _people_writable(actor, topic.case)
    meeting = _check_meeting(actor, topic.meeting)
    if nominee.case_id != case.pk:
        raise ValidationError({"nominee": "该人选不属于本议题的事项"})
    if method not in DecisionMethod.values:
        raise ValidationError({"method": "请选择表决方式"})
    for label, count in (("同意", agree), ("不同意", disagree), ("弃权", abstain)):
        if count is None or count < 0:
            raise ValidationError({"agree": f"{label}票数须为0或正整数"})
    decided_on = decided_on or meeting.held_on
    expected, present = attendance(meeting)
    if expected == 0:
        raise ValidationError("请先填写会议的应到会成员")
    quorum = rules.quorum_met(expected=expected, present=present, on=decided_on)
    if quorum.outcome != rules.PASS:
        raise ValidationError(f"不能表决：{quorum}" + (f"（{quorum.rule_text}）" if quorum.rule_text else ""))
    if agree + disagree + abstain > present:
        raise ValidationError(f"同意、不同意、弃权合计{agree + disagree + abstain}，超过实到会人数{present}")
    passes = rules.decision_passes(expected=expected, agree=agree, on=decided_on)
    is_passed = passes.outcome == rules.PASS
    decision = TopicDecision.objects.select_for_update().filter(topic=topic, nominee=nominee).first()
    old = ({"agree": decision.agree, "disagree": decision.disagree, "abstain": decision.abstain,
            "method": decision.method, "is_passed": decision.is_passed} if decision else {})
    if decision is None:
        decision = TopicDecision(topic=topic, nominee=nominee)
    decision.agree, decision.disagree, decision.abstain = agree, disagree, abstain
    decision.method, decision.vote, decision.is_passed, decision.decided_on = method, vote, is_passed, decided_on
    decision.full_clean()
    decision.save()
    new = {"agree": agree, "disagree": disagree, "abstain": abstain, "method": method, "is_passed": is_passed}
    changes: dict[str, Any] = {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}
    changes.update({"meeting": str(meeting), "topic": topic.title, "expected": expected, "present": present,
                    "decided_on": decided_on.isoformat()})
    if vote is not None:
        changes["vote"] = getattr(vote, "pk", vote)
    record(actor=actor, action=CaseAction.MEETING_DECISION_RECORDED, target=nominee.person, subject=case,
           changes=changes)
    return decision


# --- 凡提四必 -------------------------------------------------------------------------------


@transaction.atomic
def diligence_record(
    *, actor: Any, nominee: Nominee, kind: str, requested_on: dt.date, replied_on: dt.date | None = None,
    result: str = DiligenceResult.PENDING, document: str = "", reply: str = "",
) -> DiligenceCheck:
    """One of the four checks (凡提四必) for a nominee: the 纪委 函询 with its 文号 and reply, the
    档案 审核, the 个人事项 核查, the 信访举报 核查. Recording the same check (kind and start
    date) again completes it with the reply."""
    case, nominee = _nominee_locked(actor, nominee)
    if kind not in DiligenceKind.values:
        raise ValidationError({"kind": "请选择核查事项"})
    if result not in DiligenceResult.values:
        raise ValidationError({"result": "请选择核查结论"})
    if replied_on is not None and replied_on < requested_on:
        raise ValidationError({"replied_on": "回复或完成日期不能早于发函或开始日期"})
    if result in (DiligenceResult.CLEAR, DiligenceResult.ISSUE) and replied_on is None:
        raise ValidationError({"replied_on": "已有结论的核查须填写回复或完成日期"})
    check = DiligenceCheck.objects.select_for_update().filter(nominee=nominee, kind=kind,
                                                              requested_on=requested_on).first()
    old: dict[str, Any] = {}
    if check is None:
        check = DiligenceCheck(nominee=nominee, kind=kind, requested_on=requested_on)
    else:
        old = {"replied_on": _audit_value(check.replied_on), "result": check.result, "document": check.document,
               "reply": check.reply}
    check.replied_on, check.result = replied_on, result
    check.document, check.reply = document.strip(), reply.strip()
    check.full_clean()
    check.save()
    new = {"replied_on": _audit_value(replied_on), "result": result, "document": check.document,
           "reply": check.reply}
    changes: dict[str, Any] = {name: [old.get(name), value] for name, value in new.items()
                               if old.get(name) != value and not (value in ("", None) and name not in old)}
    changes.update({"kind": kind, "requested_on": requested_on.isoformat()})
    record(actor=actor, action=CaseAction.DILIGENCE_RECORDED, target=nominee.person, subject=case,
           changes=changes)
    return check
