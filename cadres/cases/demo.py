"""Demo cases for the demo county: one 个别提拔 case in 考察 and one at 任前公示 with its notice
published from today, so the case pages, the meeting page and the public /gongshi/ page have
something to show. Everything goes through the case services and their rule checks; a case that
a check stops stays at the step it reached (its checks panel says why)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from cadres.cases import publicity, rules, services
from cadres.cases.models import (
    DecisionMethod,
    DiligenceKind,
    DiligenceResult,
    MeetingKind,
    NomineeStage,
    SelectionCase,
    Step,
)
from cadres.cases.steps import step_move
from cadres.org.models import Unit
from cadres.people.models import Person

REASON = "已列入年度培训计划，提任后一年内完成；基层工作经历经档案审核确认"


def _explain(actor: Any, nominee: Any, on: dt.date) -> None:
    for result in rules.nominee_checks(nominee, on):
        if result.outcome == rules.NEEDS_REASON:
            services.nominee_explain(actor=actor, nominee=nominee, code=result.code, reason=REASON)


def _deputies(unit: Unit, count: int) -> list[Person]:
    """Team deputies (副职) of other units who could be promoted to a 正职 in `unit`."""
    return list(
        Person.objects.filter(is_team_member=True, rank="0142", left_on__isnull=True)
        .exclude(unit=unit).filter(Q(post_title__startswith="副"))
        .order_by("post_started_on", "pk")[:count]
    )


def _case_to_inspection(actor: Any, *, unit: Unit, title: str, started_on: dt.date,
                        people: list[Person]) -> SelectionCase:
    case = services.case_create(actor=actor, title=f"{unit.name}{title}人选", unit=unit, started_on=started_on,
                                reason=f"{unit.name}{title}职位空缺，经分析研判启动选拔",
                                posts=[{"unit": unit, "title": title, "rank": "0141"}])
    post = case.posts.get()
    step_move(actor=actor, case=case, to_step=Step.RECOMMENDATION, occurred_on=started_on + dt.timedelta(days=7),
              participants=f"{unit.name}干部职工", outcome="会议推荐")
    ballots = 40
    nominees = [
        services.nominee_add(actor=actor, case=case, person=person, post=post,
                             recommended_on=started_on + dt.timedelta(days=7),
                             recommendation_votes=ballots - 10 * index - 5, recommendation_ballots=ballots)
        for index, person in enumerate(people)
    ]
    step_move(actor=actor, case=case, to_step=Step.CANDIDATES, occurred_on=started_on + dt.timedelta(days=14),
              outcome="部务会研究确定考察对象")
    for nominee in nominees:
        services.nominee_stage_set(actor=actor, nominee=nominee, stage=NomineeStage.CANDIDATE)
        _explain(actor, nominee, started_on + dt.timedelta(days=21))
    return step_move(actor=actor, case=case, to_step=Step.INSPECTION, occurred_on=started_on + dt.timedelta(days=21),
                     participants="考察组：干部科 2 人", outcome="发布考察预告，开展民主测评和个别谈话")


def demo_cases_load(*, actor: Any) -> list[SelectionCase]:
    """The two demo cases (see the module's docstring); returns those created."""
    today = timezone.localdate()
    created: list[SelectionCase] = []
    for suffix, title, weeks_ago in (("局", "局长", 4), ("镇", "镇长", 10)):
        unit = (Unit.objects.filter(depth=1, abolished_on__isnull=True, name__endswith=suffix)
                .order_by("sort_key").first())
        if unit is None:
            continue
        people = _deputies(unit, 2 + len(created) * 2)[len(created) * 2:]
        if len(people) < 2:
            continue
        started_on = today - dt.timedelta(weeks=weeks_ago)
        try:
            case = _case_to_inspection(actor, unit=unit, title=title, started_on=started_on, people=people)
        except ValidationError:
            # A check stopped it: the case stays at the step it reached.
            stopped = SelectionCase.objects.filter(unit=unit).order_by("-pk").first()
            created.extend([stopped] if stopped else [])
            continue
        created.append(case)
        if weeks_ago < 10:
            continue
        # The second case goes on: 凡提四必, 常委会 票决, 任前公示 from today.
        nominee, other = case.nominees.order_by("position", "pk")[:2]
        services.nominee_stage_set(actor=actor, nominee=nominee, stage=NomineeStage.PROPOSED)
        services.nominee_stage_set(actor=actor, nominee=other, stage=NomineeStage.DROPPED,
                                   reason="考察后未列为拟任人选")
        for kind in DiligenceKind.values:
            services.diligence_record(actor=actor, nominee=nominee, kind=kind,
                                      requested_on=today - dt.timedelta(days=30),
                                      replied_on=today - dt.timedelta(days=25), result=DiligenceResult.CLEAR,
                                      reply="未发现问题" if kind == DiligenceKind.DISCIPLINE else "")
        try:
            step_move(actor=actor, case=case, to_step=Step.DECISION, occurred_on=today - dt.timedelta(days=20))
            meeting = services.meeting_create(
                actor=actor, kind=MeetingKind.STANDING, title="县委常委会会议", held_on=today - dt.timedelta(days=14),
                members=[(f"常委{number}", number != 11, "" if number != 11 else "出差") for number in range(1, 12)],
            )
            topic = services.topic_add(actor=actor, meeting=meeting, case=case, title=case.title)
            services.decision_record(actor=actor, topic=topic, nominee=nominee, agree=9, disagree=1, abstain=0,
                                     method=DecisionMethod.SECRET, decided_on=meeting.held_on)
            step_move(actor=actor, case=case, to_step=Step.PUBLICITY, occurred_on=today - dt.timedelta(days=1))
            notice = publicity.notice_create(actor=actor, case=case, starts_on=today, phone="0571-5550123",
                                             address="青岚县委组织部干部监督科（县行政中心3号楼）")
            publicity.notice_publish(actor=actor, notice=notice)
        except ValidationError:
            pass
    return created
