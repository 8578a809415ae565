"""Moving a case through its steps, by the transition table (`StepTransition`, data).

`step_move` is the only writer of `SelectionCase.step`: along a row of the table it completes
the current step and enters the next; to a later step off the table it is a skip, to an earlier
one a reopening, and both need a reason, kept in the 纪实. Before entering a step the rule
checks that guard it (`cadres.cases.rules.transition_blockers`) must pass: a failed check, or
one that needs a reason not yet given, refuses the move with the rule's text.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadres.audit.services import record
from cadres.cases.actions import CaseAction
from cadres.cases.models import (
    CaseStatus,
    SelectionCase,
    Step,
    StepEntryKind,
    StepRecord,
    StepTransition,
)

STEP_ORDER: list[str] = list(Step.values)
NOT_ACTIVE = "该事项当前为“%(status)s”，不能推进程序"


def transitions_for(kind: str) -> dict[str, set[str]]:
    """from step ('' = the start) → the steps the table allows next, for a kind of case."""
    table: dict[str, set[str]] = {}
    for from_step, to_step in StepTransition.objects.filter(case_kind=kind).values_list("from_step", "to_step"):
        table.setdefault(from_step, set()).add(to_step)
    return table


def steps_of(kind: str) -> list[str]:
    """The steps a kind of case goes through, in order (every step the table names)."""
    named = {step for pair in StepTransition.objects.filter(case_kind=kind).values_list("from_step", "to_step")
             for step in pair if step}
    return [step for step in STEP_ORDER if step in named]


def next_steps(case: SelectionCase) -> list[str]:
    """The steps the table allows after the case's current step, in order."""
    allowed = transitions_for(case.kind).get(case.step, set())
    return [step for step in STEP_ORDER if step in allowed]


def first_step(kind: str) -> str:
    starts = transitions_for(kind).get("", set())
    return next((step for step in STEP_ORDER if step in starts), Step.PROPOSAL)


def step_label(step: str) -> str:
    return str(Step(step).label) if step in Step.values else step


def case_locked(case: SelectionCase) -> SelectionCase:
    """The case's row, locked for the rest of the transaction and read afresh."""
    return SelectionCase.objects.select_for_update().get(pk=case.pk)


def check_may_change(actor: Any, case: SelectionCase) -> None:
    """The actor may work on the case (`cases.manage` and the case's unit in his 信息维护
    scope); None, the system, may."""
    if actor is not None and not SelectionCase.objects.restrict(actor, "change").filter(pk=case.pk).exists():
        raise PermissionDenied("该选拔任用事项不在您的办理范围内")


def step_entry(
    *, actor: Any, case: SelectionCase, kind: str, occurred_on: dt.date, step: str | None = None,
    participants: str = "", outcome: str = "", reason: str = "",
) -> StepRecord:
    """Add one entry to the case's 纪实 (no audit event: the caller records its own)."""
    return StepRecord.objects.create(
        case=case, step=step or case.step, kind=kind, occurred_on=occurred_on,
        participants=participants, outcome=outcome, reason=reason,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def step_move(
    *, actor: Any, case: SelectionCase, to_step: str, occurred_on: dt.date,
    participants: str = "", outcome: str = "", reason: str = "",
) -> SelectionCase:
    """Complete the current step (with its participants and outcome) and enter `to_step`.

    Off the transition table a move needs `reason`: forward it is a skip (跳过), backward a
    reopening (退回). The rule checks guarding `to_step` must pass first (not for a reopening).
    """
    from cadres.cases.rules import transition_blockers

    check_may_change(actor, case)
    case = case_locked(case)
    if case.status != CaseStatus.ACTIVE:
        raise ValidationError(NOT_ACTIVE, params={"status": case.get_status_display()})
    if to_step not in STEP_ORDER or to_step == case.step:
        raise ValidationError("请选择要进入的下一步骤")
    if to_step not in steps_of(case.kind):
        raise ValidationError("“%(step)s”不是%(kind)s的程序步骤",
                              params={"step": step_label(to_step), "kind": case.get_kind_display()})
    reason = reason.strip()
    on_table = to_step in next_steps(case)
    backward = STEP_ORDER.index(to_step) < STEP_ORDER.index(case.step)
    if not on_table and not reason:
        raise ValidationError(
            "从“%(from)s”%(verb)s“%(to)s”须填写理由",
            params={"from": step_label(case.step), "to": step_label(to_step),
                    "verb": "退回到" if backward else "跳过中间步骤进入"},
        )
    if not backward:
        blockers = transition_blockers(case, to_step, occurred_on)
        if blockers:
            raise ValidationError([str(blocker) for blocker in blockers])
    previous = case.step
    if on_table:
        step_entry(actor=actor, case=case, step=previous, kind=StepEntryKind.COMPLETED,
                   occurred_on=occurred_on, participants=participants, outcome=outcome)
        kind, action = StepEntryKind.ENTERED, CaseAction.CASE_STEP_ENTERED
    elif backward:
        kind, action = StepEntryKind.REOPENED, CaseAction.CASE_STEP_REOPENED
    else:
        kind, action = StepEntryKind.SKIPPED, CaseAction.CASE_STEP_SKIPPED
    step_entry(actor=actor, case=case, step=to_step, kind=kind, occurred_on=occurred_on,
               participants="" if on_table else participants, outcome="" if on_table else outcome,
               reason=reason)
    case.step = to_step
    case.save(update_fields=["step", "updated_at"])
    record(actor=actor, action=action, target=case, subject=case, target_label=str(case),
           changes={"step": [previous, to_step], "occurred_on": occurred_on,
                    **({"reason": reason} if reason else {})})
    return case
