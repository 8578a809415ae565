"""Every read of the cases' pages, starting from the user's scope
(`SelectionCase.objects.restrict(user, action)`): an object outside it is a 404."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cadres.cases.models import (
    CaseDocument,
    DiligenceKind,
    Meeting,
    MeetingTopic,
    Nominee,
    SelectionCase,
    Step,
    StepRecord,
    TopicDecision,
)
from cadres.cases.steps import STEP_ORDER, steps_of

NOT_FOUND = "没有找到该选拔任用事项"


def cases_for(user: Any, *, status: str | None = None, step: str | None = None, q: str = "") -> QuerySet:
    """The cases the user may see, newest first, filtered by status, step, and a number, title
    or nominee's name."""
    cases = SelectionCase.objects.restrict(user, "view").select_related("unit")
    if status:
        cases = cases.filter(status=status)
    if step:
        cases = cases.filter(step=step)
    q = (q or "").strip()
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(title__icontains=q)
                             | Q(nominees__person__name__contains=q)).distinct()
    return cases.annotate(nominee_count=Count("nominees", distinct=True)).prefetch_related(
        Prefetch("nominees", queryset=Nominee.objects.select_related("person").order_by("id")))


def case_for(user: Any, pk: int, action: str = "view") -> SelectionCase:
    """One case the user may reach for the action; outside the scope it does not exist."""
    case = SelectionCase.objects.restrict(user, action).select_related("unit", "created_by").filter(pk=pk).first()
    if case is None:
        raise Http404(NOT_FOUND)
    return case


def nominee_for(user: Any, pk: int, action: str = "view") -> Nominee:
    nominee = (Nominee.objects.select_related("case", "person", "post")
               .filter(pk=pk, case__in=SelectionCase.objects.restrict(user, action)).first())
    if nominee is None:
        raise Http404("没有找到该人选")
    return nominee


def document_for(user: Any, pk: int, action: str = "view") -> CaseDocument:
    document = (CaseDocument.objects.select_related("case", "nominee__person")
                .filter(pk=pk, case__in=SelectionCase.objects.restrict(user, action)).first())
    if document is None:
        raise Http404("没有找到该材料")
    return document


def meetings_for(user: Any) -> QuerySet:
    """The meetings whose topics concern cases the user may see, and those the user created."""
    visible = SelectionCase.objects.restrict(user, "view")
    query = Q(topics__case__in=visible)
    if getattr(user, "pk", None):
        query |= Q(created_by=user)
    return Meeting.objects.filter(pk__in=Meeting.objects.filter(query).values("pk")).order_by("-held_on", "-id")


def meeting_for(user: Any, pk: int) -> Meeting:
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("没有找到该会议")
    return meeting


def meeting_topics(user: Any, meeting: Meeting) -> list[MeetingTopic]:
    """The topics of a meeting about cases the user may see, each with its nominees and their
    decisions (`topic.rows`: [(nominee, decision or None)])."""
    visible = SelectionCase.objects.restrict(user, "view")
    topics = list(meeting.topics.filter(case__in=visible).select_related("case"))
    decisions = {(decision.topic_id, decision.nominee_id): decision
                 for decision in TopicDecision.objects.filter(topic__in=topics)}
    for topic in topics:
        nominees = topic.case.nominees.select_related("person", "post").order_by("id")
        topic.rows = [(nominee, decisions.get((topic.pk, nominee.pk))) for nominee in nominees]  # type: ignore[attr-defined]
    return topics


def step_bar(case: SelectionCase) -> list[dict[str, Any]]:
    """The steps of the case's kind with their state: done, current or to come (a step left
    behind by a skip counts as skipped)."""
    steps = steps_of(case.kind)
    entered = set(StepRecord.objects.filter(case=case, kind__in=["entered", "skipped", "reopened"])
                  .values_list("step", flat=True))
    current = STEP_ORDER.index(case.step) if case.step in STEP_ORDER else -1
    bar = []
    for step in steps:
        position = STEP_ORDER.index(step)
        if step == case.step:
            state = "current"
        elif position < current:
            state = "done" if step in entered else "skipped"
        else:
            state = "todo"
        bar.append({"step": step, "label": Step(step).label, "state": state})
    return bar


def case_nominees(case: SelectionCase) -> list[Nominee]:
    """The case's nominees with their decisions and 凡提四必 checks (`nominee.diligence`: the
    latest check of each kind, or None)."""
    nominees = list(case.nominees.select_related("person", "person__unit", "post").prefetch_related(
        Prefetch("decisions", queryset=TopicDecision.objects.select_related("topic__meeting")),
        "diligence_checks").order_by("id"))
    for nominee in nominees:
        latest: dict[str, Any] = {}
        for check in sorted(nominee.diligence_checks.all(), key=lambda row: row.requested_on, reverse=True):
            latest.setdefault(check.kind, check)
        nominee.diligence = [(kind, label, latest.get(kind)) for kind, label in DiligenceKind.choices]  # type: ignore[attr-defined]
    return nominees


def case_meetings(case: SelectionCase) -> list[dict[str, Any]]:
    """The meetings that had the case on their agenda, with 应到会 / 实到 and the decisions."""
    topics = (MeetingTopic.objects.filter(case=case).select_related("meeting")
              .prefetch_related("meeting__members", Prefetch(
                  "decisions", queryset=TopicDecision.objects.select_related("nominee__person")))
              .order_by("meeting__held_on", "meeting_id", "position", "id"))
    rows = []
    for topic in topics:
        members = list(topic.meeting.members.all())
        rows.append({"meeting": topic.meeting, "topic": topic, "expected": len(members),
                     "present": sum(1 for member in members if member.is_present),
                     "absent": [member for member in members if not member.is_present],
                     "decisions": list(topic.decisions.all())})
    return rows
