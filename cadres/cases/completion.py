"""Completion of a case (任职): the appointment through the core's post services with the
document's 文号 (so the person's post history, the structure report at any date and the team's
领导职数 follow by themselves), the compulsory 任职谈话, the 试用期 and its end, and the case's
completion.

The end of a 试用期 that is not passed (不胜任) ends the trial post and places the person at the
rank he held before it (试任前职级: the rank of his main post before the trial post, read from his
post history), in the trial post's unit unless another is given, under the title
“试用期满未正式任职，按试任前职级安排” unless a title is given: the 条例 says only "按试任前职级
安排工作", so the system records the rank and leaves the concrete post to a later appointment.

Every write is keyword-only, takes the actor first, runs in one transaction and records one audit
event with the case as subject and the person as target.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.audit.services import record
from cadres.cases.actions import CaseAction
from cadres.cases.models import (
    CaseStatus,
    Movement,
    Nominee,
    NomineeStage,
    PublicNotice,
    SelectionCase,
    Step,
    StepEntryKind,
)
from cadres.cases.publicity import pending_comments
from cadres.cases.steps import STEP_ORDER, case_locked, check_may_change, step_entry, step_move, steps_of
from cadres.org.models import Assignment, PostSource, Unit

REMOVED_TITLE = "试用期满未正式任职，按试任前职级安排"
APPOINTED_STAGES = (NomineeStage.APPOINTED, NomineeStage.CONFIRMED)


def _nominee_locked(nominee: Nominee) -> Nominee:
    return (Nominee.objects.select_for_update(of=("self",))
            .select_related("person", "post__unit", "case", "assignment").get(pk=nominee.pk))


def _step_index(step: str) -> int:
    return STEP_ORDER.index(step) if step in STEP_ORDER else -1


def publicity_blockers(case: SelectionCase, nominee: Nominee, on: dt.date) -> list[str]:
    """What of the 任前公示 stops appointing `nominee` on `on`: a comment not yet resolved, or a
    published notice whose period has not ended."""
    problems = []
    pending = pending_comments(case)
    if pending.filter(nominee__isnull=True).exists() or pending.filter(nominee=nominee).exists():
        problems.append("任前公示期间收到的反映尚未办结，不能任职")
    notice = (PublicNotice.objects.filter(case=case, is_published=True, withdrawn_at__isnull=True)
              .order_by("-ends_on").first())
    if notice is not None and on <= notice.ends_on:
        problems.append(f"任前公示期至{notice.ends_on:%Y.%m.%d}，公示期满后方可任职")
    return problems


@transaction.atomic
def nominee_appoint(
    *, actor: Any, nominee: Nominee, appointed_on: dt.date, document: str, movement: str,
) -> Nominee:
    """任职: the 拟任人选 takes the case's post from `appointed_on` under `document` (文号).

    The case enters the 任职 step first when it is not there yet (the rule checks guarding
    that step apply), the post starts through `cadres.org.services.post_start` (source 选拔任用),
    and a post with 试用期 sets its end by the `probation` rule.
    """
    from cadres.cases import rules
    from cadres.org.services import post_start

    check_may_change(actor, nominee.case)
    case = case_locked(nominee.case)
    nominee = _nominee_locked(nominee)
    if case.status != CaseStatus.ACTIVE:
        raise ValidationError("该事项当前为“%(status)s”，不能办理任职", params={"status": case.get_status_display()})
    if nominee.stage != NomineeStage.PROPOSED:
        raise ValidationError("%(name)s不是拟任人选（当前为“%(stage)s”），不能任职",
                              params={"name": nominee.person.name, "stage": nominee.get_stage_display()})
    if nominee.post is None:
        raise ValidationError({"post": f"{nominee.person.name}没有拟任职位，不能任职"})
    document = document.strip()
    if not document:
        raise ValidationError({"document": "请填写任职文号"})
    if movement not in Movement.values:
        raise ValidationError({"movement": "请选择任用类型（提拔、交流、转任或其他）"})
    problems = publicity_blockers(case, nominee, appointed_on)
    if problems:
        raise ValidationError(problems)
    if _step_index(case.step) < _step_index(Step.APPOINTMENT):
        case = step_move(actor=actor, case=case, to_step=Step.APPOINTMENT, occurred_on=appointed_on)
    post = nominee.post
    assignment = post_start(
        actor=actor, person=nominee.person, unit=post.unit, title=post.title, rank=post.rank,
        is_team_member=post.is_team_member, started_on=appointed_on, document=document,
        source=PostSource.PROCEDURE,
    )
    nominee.assignment = assignment
    nominee.appointed_on = appointed_on
    nominee.appointment_document = document
    nominee.movement = movement
    nominee.stage = NomineeStage.APPOINTED
    nominee.probation_ends_on = rules.probation_end(appointed_on) if post.has_probation else None
    nominee.full_clean()
    nominee.save(update_fields=["assignment", "appointed_on", "appointment_document", "movement", "stage",
                                "probation_ends_on"])
    outcome = f"{nominee.person.name}任{post.unit.name}{post.title}（{document}）"
    if nominee.probation_ends_on:
        outcome += f"，试用期至{nominee.probation_ends_on:%Y.%m.%d}"
    step_entry(actor=actor, case=case, step=Step.APPOINTMENT, kind=StepEntryKind.NOTE, occurred_on=appointed_on,
               outcome=outcome)
    changes: dict[str, Any] = {
        "stage": [NomineeStage.PROPOSED.value, NomineeStage.APPOINTED.value],
        "appointed_on": appointed_on, "document": document, "movement": movement,
        "post": f"{post.unit.name}{post.title}",
    }
    if nominee.probation_ends_on:
        changes["probation_ends_on"] = nominee.probation_ends_on
    record(actor=actor, action=CaseAction.NOMINEE_APPOINTED, target=nominee.person, subject=case, changes=changes)
    return nominee


@transaction.atomic
def talk_record(*, actor: Any, nominee: Nominee, talk_on: dt.date, talk_by: str) -> Nominee:
    """The 任职谈话 (compulsory): who talked with the nominee and when."""
    check_may_change(actor, nominee.case)
    case = case_locked(nominee.case)
    nominee = _nominee_locked(nominee)
    if case.status in (CaseStatus.ARCHIVED, CaseStatus.WITHDRAWN):
        raise ValidationError("该事项当前为“%(status)s”，不能记录任职谈话",
                              params={"status": case.get_status_display()})
    if nominee.stage not in (NomineeStage.PROPOSED, *APPOINTED_STAGES):
        raise ValidationError("%(name)s不是拟任人选或已任职人员，不能记录任职谈话",
                              params={"name": nominee.person.name})
    talk_by = talk_by.strip()
    if not talk_by:
        raise ValidationError({"talk_by": "请填写谈话人"})
    if talk_on > timezone.localdate():
        raise ValidationError({"talk_on": "谈话日期不能晚于今天"})
    changes = {"appointment_talk_on": [nominee.appointment_talk_on, talk_on],
               "appointment_talk_by": [nominee.appointment_talk_by, talk_by]}
    nominee.appointment_talk_on = talk_on
    nominee.appointment_talk_by = talk_by
    nominee.full_clean()
    nominee.save(update_fields=["appointment_talk_on", "appointment_talk_by"])
    step_entry(actor=actor, case=case, step=Step.APPOINTMENT, kind=StepEntryKind.NOTE, occurred_on=talk_on,
               participants=talk_by, outcome=f"对{nominee.person.name}进行任职谈话")
    record(actor=actor, action=CaseAction.NOMINEE_TALK_RECORDED, target=nominee.person, subject=case,
           changes=changes)
    return nominee


def rank_before(assignment: Assignment) -> str:
    """The rank the person held before `assignment` (试任前职级): that of his main post started
    last before it."""
    earlier = (Assignment.objects.filter(person_id=assignment.person_id, is_main=True)
               .exclude(pk=assignment.pk).exclude(rank=""))
    if assignment.started_on is not None:
        earlier = earlier.filter(started_on__lt=assignment.started_on)
    previous = earlier.order_by("-started_on", "-id").first()
    return previous.rank if previous is not None else ""


@transaction.atomic
def probation_end(
    *, actor: Any, nominee: Nominee, confirmed: bool, ended_on: dt.date, document: str = "",
    reason: str = "", unit: Unit | None = None, title: str = "",
) -> Nominee:
    """The end of the 试用期: 胜任 → 正式任职 (stage CONFIRMED); 不胜任 → the trial post ends
    (post_end, with the reason) and the person is placed at his 试任前职级 (post_start in `unit`,
    by default the trial post's, titled `title`, by default REMOVED_TITLE)."""
    from cadres.org.services import post_end, post_start

    check_may_change(actor, nominee.case)
    case = case_locked(nominee.case)
    nominee = _nominee_locked(nominee)
    if nominee.stage != NomineeStage.APPOINTED or nominee.probation_ends_on is None:
        raise ValidationError("%(name)s不在试用期内", params={"name": nominee.person.name})
    if nominee.appointed_on and ended_on < nominee.appointed_on:
        raise ValidationError({"ended_on": "试用期满日期不能早于任职日期"})
    reason, document = reason.strip(), document.strip()
    changes: dict[str, Any] = {"ended_on": ended_on}
    if confirmed:
        nominee.stage = NomineeStage.CONFIRMED
        nominee.probation_result = "confirmed"
        outcome = f"{nominee.person.name}试用期满，胜任，正式任职"
    else:
        if not reason:
            raise ValidationError({"reason": "试用期满不胜任的，请填写理由"})
        if not document:
            raise ValidationError({"document": "请填写免去试任职务的文号"})
        trial = nominee.assignment
        if trial is None or trial.ended_on is not None:
            raise ValidationError("%(name)s的试任职务已不在任，请在任职信息中处理",
                                  params={"name": nominee.person.name})
        rank = rank_before(trial)
        if not rank:
            raise ValidationError("任职记录中没有%(name)s试任前的职级，请先补充任职经历",
                                  params={"name": nominee.person.name})
        post_end(actor=actor, assignment=trial, ended_on=ended_on, document=document,
                 source=PostSource.PROCEDURE, reason=f"试用期满不胜任：{reason}")
        placed = post_start(actor=actor, person=nominee.person, unit=unit or trial.unit,
                            title=title.strip() or REMOVED_TITLE, rank=rank, is_team_member=False,
                            started_on=ended_on, document=document, source=PostSource.PROCEDURE)
        nominee.stage = NomineeStage.DROPPED
        nominee.probation_result = "removed"
        nominee.dropped_reason = f"试用期满不胜任，免去试任职务：{reason}"
        changes.update({"rank_before": rank, "placed": placed.title, "document": document, "reason": reason})
        outcome = f"{nominee.person.name}试用期满，不胜任，免去试任职务，按试任前职级安排"
    changes["stage"] = [NomineeStage.APPOINTED.value, nominee.stage]
    nominee.full_clean()
    nominee.save(update_fields=["stage", "probation_result", "dropped_reason"])
    step_entry(actor=actor, case=case, step=Step.PROBATION, kind=StepEntryKind.NOTE, occurred_on=ended_on,
               outcome=outcome, reason=reason)
    record(actor=actor, action=CaseAction.PROBATION_ENDED, target=nominee.person, subject=case, changes=changes)
    return nominee


def completion_blockers(case: SelectionCase) -> list[str]:
    """What stops the case being completed, in words (empty: it may be completed)."""
    problems = []
    if case.status != CaseStatus.ACTIVE:
        problems.append(f"该事项当前为“{case.get_status_display()}”")
    if pending_comments(case).exists():
        problems.append("尚有未办结的公示反映")
    nominees = list(case.nominees.select_related("person"))
    waiting = [n.person.name for n in nominees if n.stage == NomineeStage.PROPOSED]
    if waiting:
        problems.append("拟任人选尚未任职或作出不予任用决定：" + "、".join(waiting))
    appointed = [n for n in nominees if n.stage in APPOINTED_STAGES]
    if not appointed:
        problems.append("没有已任职的人选")
    no_talk = [n.person.name for n in appointed if n.appointment_talk_on is None]
    if no_talk:
        problems.append("尚未进行任职谈话：" + "、".join(no_talk))
    return problems


@transaction.atomic
def case_complete(*, actor: Any, case: SelectionCase, completed_on: dt.date) -> SelectionCase:
    """Complete the case once every 拟任人选 is appointed (with the 任职谈话) or not appointed;
    when any appointed post has a 试用期 the case enters the 试用期 step first."""
    check_may_change(actor, case)
    case = case_locked(case)
    problems = completion_blockers(case)
    if problems:
        raise ValidationError(problems)
    on_probation = case.nominees.filter(stage=NomineeStage.APPOINTED, probation_ends_on__isnull=False).exists()
    if on_probation and case.step != Step.PROBATION and Step.PROBATION in steps_of(case.kind):
        case = step_move(actor=actor, case=case, to_step=Step.PROBATION, occurred_on=completed_on)
    step_entry(actor=actor, case=case, kind=StepEntryKind.COMPLETED, occurred_on=completed_on,
               outcome="选拔任用工作完成")
    previous = case.status
    case.status = CaseStatus.COMPLETED
    case.full_clean()
    case.save(update_fields=["status", "updated_at"])
    record(actor=actor, action=CaseAction.CASE_COMPLETED, target=case, subject=case, target_label=str(case),
           changes={"status": [previous, CaseStatus.COMPLETED.value], "completed_on": completed_on,
                    "step": case.step})
    return case
