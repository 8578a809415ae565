"""A whole case from 动议 to 任职 through the services, each rule check firing at its boundary:
one day short of two years in the lower post fails; 凡提四必 incomplete stops the decision;
2/3 present exactly is a quorum (one fewer is not); exactly half of 应到会 in favour fails; a
公示 of 4 working days across 国庆 with its make-up Saturday fails where 5 pass; a complaint
during 公示 suspends the case; 任职 goes through the post services and the structure report
follows; the 纪实 and the audit name the case."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from cadres.accounts.testing import person_in
from cadres.analytics.selectors import structure_report
from cadres.audit.models import AuditEvent
from cadres.cases import completion, publicity, rules, services
from cadres.cases.documents import record_sheet_pdf
from cadres.cases.models import (
    CaseStatus,
    CommentOutcome,
    DecisionMethod,
    DiligenceKind,
    DiligenceResult,
    MeetingKind,
    Movement,
    NomineeStage,
    Step,
    StepEntryKind,
)
from cadres.cases.steps import step_move
from cadres.cases.tests.test_publicity import clock  # noqa: F401  (the pinned-day fixture)
from cadres.org.models import PostSource
from cadres.org.services import post_end

DEPUTY_SINCE = dt.date(2024, 9, 15)
TWO_YEARS_SHORT_BY_A_DAY = dt.date(2026, 9, 14)
TWO_YEARS = dt.date(2026, 9, 15)
NOTICE_FROM = dt.date(2026, 9, 30)  # Wednesday before 国庆 (10-01..10-07 off, Saturday 10-10 worked)
FOUR_WORKING_DAYS_END = dt.date(2026, 10, 10)  # 9-30, 10-08, 10-09, 10-10
FIVE_WORKING_DAYS_END = dt.date(2026, 10, 12)  # … and 10-12
APPOINTED_ON = dt.date(2026, 10, 13)


def _explain_open_reasons(officer, nominee, on):
    """The officer states a reason for every check that asks for one (培训 and the like)."""
    for result in rules.nominee_checks(nominee, on):
        if result.outcome == rules.NEEDS_REASON:
            services.nominee_explain(actor=officer, nominee=nominee, code=result.code,
                                     reason="已列入年度培训计划，提任后一年内完成")


def _water_team(officer, county, on):
    return structure_report(actor=officer, as_of=on, unit=county["water"], team_members_only=True)["total"]


@pytest.mark.django_db
def test_a_case_from_proposal_to_appointment_with_every_check_at_its_boundary(clock, officer, supervisor,  # noqa: F811
                                                                             county, team):
    water = county["water"]
    # given: the bureau's director has left, so the 局长 post is vacant (领导职数 1 正职)
    post_end(actor=None, assignment=team["director"].assignments.get(ended_on__isnull=True),
             ended_on=dt.date(2026, 7, 31), source=PostSource.FORM, reason="退休")
    rising = person_in(county["east"], "孙副镇长", post_title="副镇长", rank="0142", is_team_member=True,
                       post_started_on=DEPUTY_SINCE, birth_date=dt.date(1984, 3, 1),
                       work_started_on=dt.date(2006, 8, 1), full_time_education="20")
    rival = team["deputy"]

    # 动议
    case = services.case_create(actor=officer, title="县水利局局长人选", unit=water,
                                started_on=dt.date(2026, 8, 3), reason="县水利局局长退休，职位空缺",
                                posts=[{"unit": water, "title": "局长", "rank": "0141"}])
    post = case.posts.get()
    assert case.step == Step.PROPOSAL and case.number.startswith("2026-")

    # 民主推荐 → 确定考察对象 (差额: two for one post)
    step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=dt.date(2026, 8, 10),
              participants="县水利局干部职工42人", outcome="会议推荐")
    nominees = [
        services.nominee_add(actor=officer, case=case, person=person, post=post, recommended_on=dt.date(2026, 8, 10),
                             recommendation_votes=votes, recommendation_ballots=42)
        for person, votes in ((rising, 27), (rival, 12))
    ]
    step_move(actor=officer, case=case, to_step=Step.CANDIDATES, occurred_on=dt.date(2026, 8, 20))
    for nominee in nominees:
        services.nominee_stage_set(actor=officer, nominee=nominee, stage=NomineeStage.CANDIDATE)
        _explain_open_reasons(officer, nominee, TWO_YEARS)
    nominee = nominees[0]

    # 考察: one day short of two years as a 副职 fails, the day after passes
    with pytest.raises(ValidationError) as refused:
        step_move(actor=officer, case=case, to_step=Step.INSPECTION, occurred_on=TWO_YEARS_SHORT_BY_A_DAY)
    assert any("不满2年" in message for message in refused.value.messages)
    case = step_move(actor=officer, case=case, to_step=Step.INSPECTION, occurred_on=TWO_YEARS,
                     participants="考察组：王某、李某", outcome="发布考察预告，民主测评，个别谈话")
    services.nominee_update(actor=officer, nominee=nominee, inspection_conclusion="政治坚定，实绩突出")
    services.nominee_stage_set(actor=officer, nominee=nominee, stage=NomineeStage.PROPOSED)
    services.nominee_stage_set(actor=officer, nominee=nominees[1], stage=NomineeStage.DROPPED,
                               reason="考察后未列为拟任人选")

    # 凡提四必: without the discipline commission's reply the case cannot go to 讨论决定
    for kind in (DiligenceKind.DOSSIER, DiligenceKind.PERSONAL_MATTERS, DiligenceKind.PETITIONS):
        services.diligence_record(actor=officer, nominee=nominee, kind=kind, requested_on=dt.date(2026, 9, 16),
                                  replied_on=dt.date(2026, 9, 18), result=DiligenceResult.CLEAR)
    letter = services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                                       requested_on=dt.date(2026, 9, 16), document="青组函〔2026〕41号")
    with pytest.raises(ValidationError, match="凡提四必"):
        step_move(actor=officer, case=case, to_step=Step.DECISION, occurred_on=dt.date(2026, 9, 21))
    services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                              requested_on=letter.requested_on, replied_on=dt.date(2026, 9, 21),
                              result=DiligenceResult.CLEAR, reply="未发现违纪违法问题")
    case = step_move(actor=officer, case=case, to_step=Step.DECISION, occurred_on=dt.date(2026, 9, 22))

    # 讨论决定: 12 应到会; 7 present is short of 2/3, 8 is exactly 2/3
    members = [(f"委员{number}", True, "") for number in range(1, 13)]
    short = services.meeting_create(actor=officer, kind=MeetingKind.STANDING, title="县委常委会第21次会议",
                                    held_on=dt.date(2026, 9, 23),
                                    members=[(name, number < 7, "" if number < 7 else "请假")
                                             for number, (name, _, _) in enumerate(members)])
    topic = services.topic_add(actor=officer, meeting=short, case=case, title="县水利局局长人选")
    with pytest.raises(ValidationError, match="不能表决"):
        services.decision_record(actor=officer, topic=topic, nominee=nominee, agree=7, disagree=0, abstain=0,
                                 method=DecisionMethod.SECRET)
    meeting = services.meeting_create(actor=officer, kind=MeetingKind.STANDING, title="县委常委会第22次会议",
                                      held_on=dt.date(2026, 9, 24),
                                      members=[(name, number < 8, "" if number < 8 else "请假")
                                               for number, (name, _, _) in enumerate(members)])
    topic = services.topic_add(actor=officer, meeting=meeting, case=case, title="县水利局局长人选")
    # exactly half of 应到会 (6 of 12) in favour does not pass, though it is 6 of 8 present
    decision = services.decision_record(actor=officer, topic=topic, nominee=nominee, agree=6, disagree=1,
                                        abstain=1, method=DecisionMethod.SECRET)
    assert not decision.is_passed
    with pytest.raises(ValidationError):
        step_move(actor=officer, case=case, to_step=Step.PUBLICITY, occurred_on=dt.date(2026, 9, 25))
    decision = services.decision_record(actor=officer, topic=topic, nominee=nominee, agree=7, disagree=1,
                                        abstain=0, method=DecisionMethod.SECRET)
    assert decision.is_passed
    case = step_move(actor=officer, case=case, to_step=Step.PUBLICITY, occurred_on=dt.date(2026, 9, 28))

    # 任前公示 across 国庆: five working days end on 10-12 (the make-up Saturday counts); four fail
    clock.day = NOTICE_FROM
    notice = publicity.notice_create(actor=officer, case=case, starts_on=NOTICE_FROM, phone="0571-5551234",
                                     address="青岚县委组织部干部监督科")
    assert notice.ends_on == FIVE_WORKING_DAYS_END
    assert rules.publicity_period(starts_on=NOTICE_FROM, ends_on=FIVE_WORKING_DAYS_END).outcome == rules.PASS
    assert rules.publicity_period(starts_on=NOTICE_FROM, ends_on=FOUR_WORKING_DAYS_END).outcome == rules.FAIL
    assert "孙副镇长" in notice.text and "县水利局局长" in notice.text and "12380" in notice.text
    publicity.notice_publish(actor=officer, notice=notice)

    # a complaint during 公示 that cannot be verified at once suspends the case (≤ 3 months)
    clock.day = dt.date(2026, 10, 9)
    comment = publicity.comment_submit(notice=notice, content="反映该同志在某项目中有违规问题", nominee=nominee)
    clock.day = APPOINTED_ON
    with pytest.raises(ValidationError):
        completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=APPOINTED_ON,
                                   document="青委干〔2026〕35号", movement=Movement.PROMOTION)
    publicity.comment_resolve(actor=supervisor, comment=comment, outcome=CommentOutcome.UNVERIFIED,
                              resolution="一时难以查实，暂缓任用")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    assert case.suspended_until is not None and case.suspended_until <= dt.date(2027, 1, 13)
    with pytest.raises(ValidationError):
        completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=APPOINTED_ON,
                                   document="青委干〔2026〕35号", movement=Movement.PROMOTION)
    publicity.case_suspension_lift(actor=officer, case=case, reason="经核查，反映问题不属实")

    # 任职 through the post services; the structure report of the team follows
    before = _water_team(officer, county, APPOINTED_ON)
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=APPOINTED_ON,
                               document="青委干〔2026〕35号", movement=Movement.PROMOTION)
    rising.refresh_from_db()
    assert (rising.unit_id, rising.post_title, rising.rank) == (water.pk, "局长", "0141")
    assert _water_team(officer, county, APPOINTED_ON) == before + 1
    assert _water_team(officer, county, APPOINTED_ON - dt.timedelta(days=1)) == before
    with pytest.raises(ValidationError):
        completion.case_complete(actor=officer, case=case, completed_on=APPOINTED_ON)  # no 任职谈话 yet
    completion.talk_record(actor=officer, nominee=nominee, talk_on=APPOINTED_ON, talk_by="县委常委、组织部部长")
    case = completion.case_complete(actor=officer, case=case, completed_on=APPOINTED_ON)
    assert case.status == CaseStatus.COMPLETED
    case = services.case_archive(actor=officer, case=case)
    assert case.status == CaseStatus.ARCHIVED

    # the 纪实 holds every step in order, the suspension and the reasons; the audit names the case
    entered = list(case.step_records.filter(kind=StepEntryKind.ENTERED).values_list("step", flat=True))
    assert entered[:7] == [Step.PROPOSAL, Step.RECOMMENDATION, Step.CANDIDATES, Step.INSPECTION,
                           Step.DECISION, Step.PUBLICITY, Step.APPOINTMENT]
    assert case.step_records.filter(kind=StepEntryKind.SUSPENDED).exists()
    events = AuditEvent.objects.filter(subject_type="cases.selectioncase", subject_id=str(case.pk))
    assert events.filter(action="nominee.appointed").count() == 1
    assert events.filter(action="case.archived").count() == 1
    # and the 纪实表 tells the story
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(record_sheet_pdf(case))).pages)
    for expected in ("县水利局局长人选", "孙副镇长", "青委干〔2026〕35号", "同意"):
        assert expected in text.replace(" ", "").replace("\n", ""), expected
