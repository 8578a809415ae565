"""What the case page's 任前公示 and 任职 sections show, for the viewing user:

    {% load case_publicity %}
    {% publicity_state case user today as pub %}
    {% completion_state case user today as done %}
"""

import datetime as dt
from typing import Any

from django import template

from cadres.accounts.permissions import has_permission
from cadres.cases import completion, publicity
from cadres.cases.models import CaseStatus, CommentOutcome, NomineeStage, SelectionCase, Step
from cadres.cases.steps import STEP_ORDER

register = template.Library()


def _may_manage(user: Any, case: SelectionCase) -> bool:
    return has_permission(user, "cases.manage") and (
        SelectionCase.objects.restrict(user, "change").filter(pk=case.pk).exists())


def _at_or_after(case: SelectionCase, step: str) -> bool:
    return case.step in STEP_ORDER and STEP_ORDER.index(case.step) >= STEP_ORDER.index(step)


@register.simple_tag
def publicity_state(case: SelectionCase, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    may_manage = _may_manage(user, case)
    may_comments = publicity.cases_for_comments(user).filter(pk=case.pk).exists()
    notices = []
    for notice in case.notices.order_by("-starts_on", "-id"):
        if notice.withdrawn_at is not None:
            state = "已撤回"
        elif not notice.is_published:
            state = "未发布"
        elif today < notice.starts_on:
            state = "已发布，待开始"
        elif today <= notice.ends_on:
            state = "公示中"
        else:
            state = "公示期满"
        comments = notice.comments.all()
        notices.append({
            "notice": notice, "state": state,
            "comments": comments.count(),
            "pending": comments.filter(outcome=CommentOutcome.PENDING).count(),
            "may_publish": may_manage and notice.withdrawn_at is None and not notice.is_published
            and notice.ends_on >= today,
            "may_withdraw": may_manage and notice.withdrawn_at is None and notice.ends_on >= today,
        })
    return {
        "notices": notices,
        "pending": sum(row["pending"] for row in notices),
        "may_manage": may_manage,
        "may_comments": may_comments,
        "may_create": may_manage and case.status == CaseStatus.ACTIVE and case.step == Step.PUBLICITY
        and case.nominees.filter(stage=NomineeStage.PROPOSED).exists(),
        "suspended": case.status == CaseStatus.SUSPENDED,
        "may_lift": may_manage and case.status == CaseStatus.SUSPENDED,
        "relevant": bool(notices) or _at_or_after(case, Step.DECISION),
    }


@register.simple_tag
def completion_state(case: SelectionCase, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    may_manage = _may_manage(user, case)
    rows: list[dict[str, Any]] = []
    for nominee in case.nominees.exclude(stage__in=[NomineeStage.RECOMMENDED, NomineeStage.CANDIDATE]) \
            .select_related("person", "post__unit").order_by("position", "id"):
        rows.append({
            "nominee": nominee,
            "may_appoint": may_manage and case.status == CaseStatus.ACTIVE and nominee.stage == NomineeStage.PROPOSED,
            "may_talk": may_manage and nominee.stage in (NomineeStage.PROPOSED, NomineeStage.APPOINTED,
                                                         NomineeStage.CONFIRMED)
            and case.status not in (CaseStatus.ARCHIVED, CaseStatus.WITHDRAWN),
            "may_end_probation": may_manage and nominee.stage == NomineeStage.APPOINTED
            and nominee.probation_ends_on is not None,
        })
    blockers = completion.completion_blockers(case) if case.status == CaseStatus.ACTIVE else []
    return {
        "rows": rows,
        "may_manage": may_manage,
        "blockers": blockers,
        "may_complete": may_manage and case.status == CaseStatus.ACTIVE and not blockers,
        "may_draft": may_manage and case.status in (CaseStatus.ACTIVE, CaseStatus.COMPLETED) and any(
            row["nominee"].stage in (NomineeStage.PROPOSED, NomineeStage.APPOINTED) and row["nominee"].post_id
            for row in rows),
        "relevant": bool(rows) and _at_or_after(case, Step.DECISION),
    }
