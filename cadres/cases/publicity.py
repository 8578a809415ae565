"""任前公示: the notice generated from the record, its publication and withdrawal, the public's
comments (received without login) and their resolution (the four outcomes of 中组部《关于推行
党政领导干部任前公示制度的意见》), and the 暂缓任用 a comment that cannot yet be verified puts
the case in (at most the months of the `suspension` rule).

Every write is keyword-only, takes the actor first (None: the public or the system), runs in one
transaction, checks the row with `full_clean()` and records one audit event naming the case as
its subject. A comment's audit event says only that a comment was received: nothing of the
commenter.

The period is counted in working days on the official calendar (`workdays.add_workdays`), the
number of days from the `publicity_days` rule effective on the first day.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cadres.accounts.permissions import has_permission
from cadres.audit.services import record
from cadres.cases.actions import CaseAction
from cadres.cases.models import (
    CaseStatus,
    CommentOutcome,
    Nominee,
    NomineeStage,
    NoticeComment,
    PublicNotice,
    SelectionCase,
    Step,
    StepEntryKind,
)
from cadres.cases.steps import case_locked, check_may_change, step_entry
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.org.models import Unit
from cadres.people.models import Person

COMMENT_MAX_LENGTH = 2000
# The national reporting line of the organization departments; a deployment may set its own
# wording with settings.CASES_REPORT_LINE or the `report_line` param of the publicity_days rule.
DEFAULT_REPORT_LINE = "12380"
NOT_HANDLER = "您不能办理该事项的公示反映"


# --- reading --------------------------------------------------------------------------------


def date_in_words(day: dt.date) -> str:
    """2026年10月9日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_in_words(starts_on: dt.date, ends_on: dt.date) -> str:
    return f"公示时间：{date_in_words(starts_on)}至{date_in_words(ends_on)}"


def notices_current(on: dt.date | None = None) -> QuerySet[PublicNotice]:
    """The notices the public page shows on `on` (today): published, not withdrawn, the day
    inside their period (both ends included)."""
    on = on or timezone.localdate()
    return PublicNotice.objects.filter(
        is_published=True, withdrawn_at__isnull=True, starts_on__lte=on, ends_on__gte=on,
    ).exclude(case__status=CaseStatus.WITHDRAWN).order_by("-starts_on", "-id")


def notice_is_open(notice: PublicNotice, on: dt.date | None = None) -> bool:
    on = on or timezone.localdate()
    return (notice.is_published and notice.withdrawn_at is None
            and notice.starts_on <= on <= notice.ends_on)


def notice_nominees(notice: PublicNotice) -> list[Nominee]:
    """The nominees the notice publishes, in the case's order: the public form offers them as
    反映对象 by their place in this list."""
    return list(notice.nominees.select_related("person").order_by("position", "id"))


def pending_comments(case: SelectionCase) -> QuerySet[NoticeComment]:
    """Comments on the case's notices not yet resolved: they hold the appointment."""
    return NoticeComment.objects.filter(notice__case=case, outcome=CommentOutcome.PENDING)


def may_handle_comments(user: Any) -> bool:
    """受理和核查公示反映: `cases.comments` (干部监督科) or `cases.manage`."""
    return has_permission(user, "cases.comments") or has_permission(user, "cases.manage")


def cases_for_comments(user: Any) -> QuerySet[SelectionCase]:
    """The cases whose comments the user may read and handle: the code, and the case's unit in
    the user's 信息维护 scope (a comment carries the sender's name and phone, and resolving it
    can drop a nominee or suspend the case)."""
    if not may_handle_comments(user):
        return SelectionCase.objects.none()
    return SelectionCase.objects.filter(unit__in=Unit.objects.restrict(user, "change"))


def report_line() -> str:
    """The 12380 line as the notice states it: a deployment's setting, else the rule's param,
    else the national number 12380 itself."""
    from cadres.cases import rules

    configured = settings.CASES_REPORT_LINE
    if configured:
        return str(configured)
    try:
        line = rules.params("publicity_days", timezone.localdate()).get("report_line", "")
    except Exception:  # noqa: BLE001 - the rule's row may be missing: the national line
        line = ""
    return str(line or DEFAULT_REPORT_LINE)


# --- the text -------------------------------------------------------------------------------


def _education_in_words(person: Person) -> str:
    education = codes.highest_education(person.full_time_education, person.in_service_education)
    degrees = [code for code in (person.full_time_degree, person.in_service_degree) if code]
    parts = []
    if education:
        parts.append(f"{codes.name_for('education', education)}学历")
    if degrees:
        parts.append(f"{codes.name_for('degree', min(degrees))}学位")
    return "、".join(parts)


def _party_in_words(person: Person) -> str:
    status = person.political_status
    if not status:
        return ""
    name = codes.name_for("political_status", status)
    if status in codes.CPC_MEMBER_CODES and person.party_joined_on:
        return f"{name}（{format_month(person.party_joined_on)}入党）"
    return name


def nominee_in_words(nominee: Nominee) -> str:
    """One line of the notice: 姓名，性别，出生年月，民族，籍贯，政治面貌（入党时间），学历学位，
    现任职务，拟任职务。"""
    person = nominee.person
    parts = [person.name]
    if person.sex:
        parts.append(person.get_sex_display())
    parts.append(f"{format_month(person.birth_date)}出生")
    if person.ethnicity:
        parts.append(person.get_ethnicity_display())
    if person.native_place:
        parts.append(f"{person.native_place}人")
    for text in (_party_in_words(person), _education_in_words(person)):
        if text:
            parts.append(text)
    if person.post_title:
        current_unit = person.unit.name if person.unit_id else ""
        parts.append(f"现任{current_unit}{person.post_title}")
    if nominee.post is not None:
        parts.append(f"拟任{nominee.post.unit.name}{nominee.post.title}")
    return "，".join(parts) + "。"


def notice_text(
    *, case: SelectionCase, nominees: Iterable[Nominee], starts_on: dt.date, ends_on: dt.date,
    phone: str, address: str,
) -> str:
    """The notice generated from the record."""
    numerals = "一二三四五六七八九十"
    lines = ["根据《党政领导干部选拔任用工作条例》有关规定，经研究，现将下列拟任人选予以公示："]
    for index, nominee in enumerate(nominees):
        mark = numerals[index] if index < len(numerals) else str(index + 1)
        lines.append(f"{mark}、{nominee_in_words(nominee)}")
    if case.is_exceptional:
        grounds = f"破格提拔理由：{case.exceptional_reason.strip()}" if case.exceptional_reason.strip() else "破格提拔"
        if case.exceptional_approval.strip():
            grounds += f"（已按规定报批：{case.exceptional_approval.strip()}）"
        lines.append(grounds + ("" if grounds.endswith("。") else "。"))
    lines.append(period_in_words(starts_on, ends_on) + "。")
    how = ["公示期间，如对公示对象有情况反映或意见，可通过来电、来信、来访等方式向组织部门反映"]
    contacts = []
    if phone:
        contacts.append(f"联系电话：{phone}")
    if address:
        contacts.append(f"通信地址：{address}")
    if contacts:
        how.append("（" + "；".join(contacts) + "）")
    line = report_line()
    how.append(f"，也可通过12380举报电话（{line}）、12380举报网站或本页的意见表反映。")
    lines.append("".join(how))
    lines.append("反映问题要实事求是，客观公正，提倡署真实姓名并提供联系方式，以便核实情况、反馈结果。"
                 "对反映的情况和问题，我们将严格保密。")
    return "\n".join(lines)


# --- the notice -----------------------------------------------------------------------------


def _publicity_days(starts_on: dt.date) -> int:
    from cadres.cases import rules

    return int(rules.params("publicity_days", starts_on)["working_days"])


@transaction.atomic
def notice_create(
    *, actor: Any, case: SelectionCase, starts_on: dt.date, phone: str = "", address: str = "",
    nominees: Iterable[Nominee] | None = None, title: str = "",
) -> PublicNotice:
    """Generate the 任前公示 of the case's 拟任人选 (or of `nominees`), running for the working
    days of the `publicity_days` rule from `starts_on` (counted when it is a working day)."""
    from cadres.cases import workdays

    check_may_change(actor, case)
    case = case_locked(case)
    if case.status != CaseStatus.ACTIVE:
        raise ValidationError("该事项当前为“%(status)s”，不能生成任前公示",
                              params={"status": case.get_status_display()})
    if nominees is None:
        chosen = list(case.nominees.filter(stage=NomineeStage.PROPOSED)
                      .select_related("person__unit", "post__unit").order_by("position", "id"))
    else:
        chosen = [nominee for nominee in nominees if nominee.case_id == case.pk]
    if not chosen:
        raise ValidationError({"nominees": "没有可公示的拟任人选（须先确定拟任人选）"})
    ends_on = workdays.add_workdays(starts_on, _publicity_days(starts_on))
    phone, address = phone.strip(), address.strip()
    notice = PublicNotice(
        case=case, title=title.strip() or f"{case.title}拟任人选任前公示",
        text=notice_text(case=case, nominees=chosen, starts_on=starts_on, ends_on=ends_on,
                         phone=phone, address=address),
        starts_on=starts_on, ends_on=ends_on, phone=phone, address=address,
    )
    notice.full_clean()
    notice.save()
    notice.nominees.set(chosen)
    step_entry(actor=actor, case=case, step=Step.PUBLICITY, kind=StepEntryKind.NOTE,
               occurred_on=timezone.localdate(),
               outcome=f"生成任前公示，{period_in_words(starts_on, ends_on)}")
    record(actor=actor, action=CaseAction.NOTICE_CREATED, target=notice, subject=case,
           target_label=notice.title,
           changes={"starts_on": starts_on, "ends_on": ends_on,
                    "nominees": [nominee.person.name for nominee in chosen]})
    return notice


def _notice_locked(notice: PublicNotice) -> PublicNotice:
    return PublicNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)


@transaction.atomic
def notice_publish(*, actor: Any, notice: PublicNotice) -> PublicNotice:
    """Put the notice on the public page (it shows there from its first day to its last)."""
    check_may_change(actor, notice.case)
    notice = _notice_locked(notice)
    if notice.withdrawn_at is not None:
        raise ValidationError("该公示已撤回，请重新生成")
    if notice.is_published:
        raise ValidationError("该公示已发布")
    if notice.ends_on < timezone.localdate():
        raise ValidationError("公示截止日期已过，请重新生成")
    notice.is_published = True
    notice.published_at = timezone.now()
    notice.save(update_fields=["is_published", "published_at"])
    record(actor=actor, action=CaseAction.NOTICE_PUBLISHED, target=notice, subject=notice.case,
           target_label=notice.title, changes={"is_published": [False, True]})
    return notice


@transaction.atomic
def notice_withdraw(*, actor: Any, notice: PublicNotice, reason: str = "") -> PublicNotice:
    """Take the notice off the public page (its comments stay with the case)."""
    check_may_change(actor, notice.case)
    notice = _notice_locked(notice)
    if notice.withdrawn_at is not None:
        raise ValidationError("该公示已撤回")
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at"])
    record(actor=actor, action=CaseAction.NOTICE_WITHDRAWN, target=notice, subject=notice.case,
           target_label=notice.title,
           changes={"withdrawn": [False, True], **({"reason": reason.strip()} if reason.strip() else {})})
    return notice


# --- comments -------------------------------------------------------------------------------


class TooManyComments(ValidationError):
    """The sender has reached the hourly number of comments."""


@transaction.atomic
def comment_submit(
    *, notice: PublicNotice, content: str, nominee: Nominee | None = None,
    contact_name: str = "", contact_phone: str = "", client_key: str = "", per_hour: int | None = None,
) -> NoticeComment:
    """A comment from the public page (no actor): only on a published notice within its period
    (the last day included). The audit says a comment was received, nothing of who sent it.

    `client_key` (a keyed hash of the sender's address, never the address) with `per_hour`
    limits how many comments one sender leaves in an hour: counted in the database under the
    notice's row lock, so every server process and a burst of parallel posts see the same count.
    """
    notice = PublicNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    if client_key and per_hour is not None:
        since = timezone.now() - dt.timedelta(hours=1)
        if NoticeComment.objects.filter(client_key=client_key, received_at__gte=since).count() >= per_hour:
            raise TooManyComments("提交过于频繁，请一小时后再试，或通过公示中的电话、信函或12380反映")
    if not notice_is_open(notice):
        raise ValidationError("该公示不在公示期内，不能提交反映")
    content = content.strip()
    if not content:
        raise ValidationError({"content": "请填写反映内容"})
    if len(content) > COMMENT_MAX_LENGTH:
        raise ValidationError({"content": f"反映内容最多 {COMMENT_MAX_LENGTH} 个字（现有 {len(content)} 个）"})
    if nominee is not None and nominee.case_id != notice.case_id:
        raise ValidationError({"nominee": "反映对象不是该公示的拟任人选"})
    comment = NoticeComment(notice=notice, nominee=nominee, content=content, client_key=client_key,
                            contact_name=contact_name.strip(), contact_phone=contact_phone.strip())
    comment.full_clean()
    comment.save()
    record(actor=None, action=CaseAction.NOTICE_COMMENT_RECEIVED, target=comment, subject=notice.case,
           target_label="公示反映", changes={"received": True})
    return comment


def _check_may_handle(actor: Any, case: SelectionCase) -> None:
    if actor is not None and not cases_for_comments(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(NOT_HANDLER)


@transaction.atomic
def comment_resolve(
    *, actor: Any, comment: NoticeComment, outcome: str, resolution: str,
    resolved_on: dt.date | None = None, nominee: Nominee | None = None,
) -> NoticeComment:
    """Close a comment with one of the four outcomes (`cases.comments` or `cases.manage`):

    - 未发现问题 / 问题轻微 (任用并提醒): nothing else changes;
    - 问题严重: the nominee concerned (the comment's, or `nominee`) is not appointed (未任用);
    - 一时难以查实: the case is suspended (暂缓任用) from the day resolved until the end of the
      `suspension` rule's months, and the 纪实 records it.
    """
    from cadres.cases import rules

    comment = NoticeComment.objects.select_for_update().select_related("notice__case").get(pk=comment.pk)
    case = comment.notice.case
    _check_may_handle(actor, case)
    if comment.outcome != CommentOutcome.PENDING:
        raise ValidationError("该反映已办结（%(outcome)s）", params={"outcome": comment.get_outcome_display()})
    if outcome not in CommentOutcome.values or outcome == CommentOutcome.PENDING:
        raise ValidationError({"outcome": "请选择核查结论"})
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写核查情况"})
    today = resolved_on or timezone.localdate()
    concerned = nominee or comment.nominee
    if concerned is not None and concerned.case_id != case.pk:
        raise ValidationError({"nominee": "反映对象不是该事项的人选"})
    if outcome == CommentOutcome.SERIOUS and concerned is None:
        proposed = list(case.nominees.filter(stage=NomineeStage.PROPOSED)[:2])
        if len(proposed) != 1:
            raise ValidationError({"nominee": "问题严重、不予任用的，请选择反映对象"})
        concerned = proposed[0]
    comment.outcome = outcome
    comment.resolution = resolution
    comment.resolved_on = today
    if concerned is not None and comment.nominee_id is None:
        comment.nominee = concerned
    comment.full_clean()
    comment.save(update_fields=["outcome", "resolution", "resolved_on", "nominee"])
    changes: dict[str, Any] = {"outcome": [CommentOutcome.PENDING.value, outcome], "resolved_on": today}
    if outcome == CommentOutcome.SERIOUS and concerned is not None:
        concerned = Nominee.objects.select_for_update().select_related("person").get(pk=concerned.pk)
        if concerned.stage in (NomineeStage.APPOINTED, NomineeStage.CONFIRMED):
            raise ValidationError("%(name)s已任职，不能再作不予任用处理", params={"name": concerned.person.name})
        changes["nominee_stage"] = [concerned.stage, NomineeStage.DROPPED.value]
        concerned.stage = NomineeStage.DROPPED
        concerned.dropped_reason = f"任前公示反映问题严重，不予任用：{resolution}"
        concerned.full_clean()
        concerned.save(update_fields=["stage", "dropped_reason"])
        step_entry(actor=actor, case=case, step=Step.PUBLICITY, kind=StepEntryKind.NOTE,
                   occurred_on=today, outcome=f"{concerned.person.name}：{CommentOutcome.SERIOUS.label}")
    elif outcome == CommentOutcome.UNVERIFIED:
        locked = case_locked(case)
        if locked.status not in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
            raise ValidationError("该事项当前为“%(status)s”，不能暂缓任用",
                                  params={"status": locked.get_status_display()})
        until = rules.suspension_until(today)
        changes["status"] = [locked.status, CaseStatus.SUSPENDED.value]
        changes["suspended_until"] = until
        locked.status = CaseStatus.SUSPENDED
        locked.suspended_on = today
        locked.suspended_until = until
        locked.status_reason = f"任前公示反映的问题一时难以查实：{resolution}"
        locked.full_clean()
        locked.save(update_fields=["status", "suspended_on", "suspended_until", "status_reason", "updated_at"])
        step_entry(actor=actor, case=locked, kind=StepEntryKind.SUSPENDED, occurred_on=today,
                   outcome=f"暂缓任用至{until:%Y.%m.%d}", reason=resolution)
    elif outcome == CommentOutcome.MINOR:
        who = concerned.person.name if concerned is not None else "拟任人选"
        step_entry(actor=actor, case=case, step=Step.PUBLICITY, kind=StepEntryKind.NOTE,
                   occurred_on=today, outcome=f"{who}：{CommentOutcome.MINOR.label}（提醒）")
    record(actor=actor, action=CaseAction.NOTICE_COMMENT_RESOLVED, target=comment, subject=case,
           target_label="公示反映" + (f"（{concerned.person.name}）" if concerned is not None else ""),
           changes=changes)
    return comment


@transaction.atomic
def case_suspension_lift(*, actor: Any, case: SelectionCase, reason: str,
                         lifted_on: dt.date | None = None) -> SelectionCase:
    """End the 暂缓任用 once the matter is verified: the case is active again."""
    check_may_change(actor, case)
    case = case_locked(case)
    if case.status != CaseStatus.SUSPENDED:
        raise ValidationError("该事项不在暂缓任用状态")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写恢复任用的理由（核查结果）"})
    today = lifted_on or timezone.localdate()
    if pending_comments(case).exists():
        raise ValidationError("尚有未办结的公示反映，不能恢复")
    case.status = CaseStatus.ACTIVE
    case.status_reason = ""
    case.full_clean()
    case.save(update_fields=["status", "status_reason", "updated_at"])
    step_entry(actor=actor, case=case, kind=StepEntryKind.RESUMED, occurred_on=today, reason=reason)
    record(actor=actor, action=CaseAction.CASE_RESUMED, target=case, subject=case, target_label=str(case),
           changes={"status": [CaseStatus.SUSPENDED.value, CaseStatus.ACTIVE.value], "reason": reason})
    return case


def comments_for(user: Any, case: SelectionCase) -> QuerySet[NoticeComment]:
    """The comments on the case's notices, for a user who may handle them."""
    if not cases_for_comments(user).filter(pk=case.pk).exists():
        return NoticeComment.objects.none()
    return (NoticeComment.objects.filter(notice__case=case).select_related("notice", "nominee__person")
            .order_by("-received_at", "-id"))
