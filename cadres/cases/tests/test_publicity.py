"""任前公示: the period in working days across 国庆 2026 (with its make-up Saturday 2026-10-10),
the text generated from the record, the public's comments within the period only, and the four
outcomes of a comment, the 暂缓任用 included."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadres.accounts.testing import person_in
from cadres.audit.models import AuditEvent
from cadres.cases import publicity, rules
from cadres.cases.actions import CaseAction
from cadres.cases.models import (
    CaseStatus,
    CommentOutcome,
    Nominee,
    NomineeStage,
    SelectionCase,
    SelectionRule,
    Step,
    StepEntryKind,
)
from cadres.cases.services import case_create, nominee_add
from cadres.cases.steps import step_move

NATIONAL_DAY_START = dt.date(2026, 10, 8)   # Thursday, the first working day after 国庆
FIVE_DAYS_END = dt.date(2026, 10, 13)      # 8, 9, 10 (make-up Saturday), 12, 13
FOUR_DAYS_END = dt.date(2026, 10, 12)


class Clock:
    """`timezone.localdate()` pinned to a day the test moves."""

    def __init__(self, day: dt.date) -> None:
        self.day = day


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    clock = Clock(NATIONAL_DAY_START)
    original = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return clock.day if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return clock


def case_at_publicity(actor: Any, county: dict[str, Any], person: Any, *, has_probation: bool = True,
                      exceptional: bool = False) -> tuple[SelectionCase, Nominee]:
    """A case for a 副局长 of the water bureau with `person` as its 拟任人选, at 任前公示 (the
    steps before are the concern of the steps' own tests: the step is set directly)."""
    case = case_create(actor=actor, title="县水利局副局长人选", unit=county["water"], started_on=dt.date(2026, 6, 1),
                       reason="县水利局副局长空缺",
                       posts=[{"unit": county["water"], "title": "副局长", "rank": "0142",
                               "has_probation": has_probation}])
    nominee = nominee_add(actor=actor, case=case, person=person, post=case.posts.get(), stage=NomineeStage.PROPOSED)
    SelectionCase.objects.filter(pk=case.pk).update(
        step=Step.PUBLICITY, is_exceptional=exceptional,
        exceptional_reason="长期在防汛一线，实绩突出" if exceptional else "",
        exceptional_approval="青组函〔2026〕8号" if exceptional else "")
    case.refresh_from_db()
    return case, nominee


def promotable(county: dict[str, Any]) -> Any:
    """A 科员-level 股长 of 东坑镇 with a full record, promoted to 副局长 by the case."""
    return person_in(county["east"], "钱股长", post_title="经济发展办主任", rank="0150", is_team_member=False,
                     post_started_on=dt.date(2018, 3, 1), birth_date=dt.date(1988, 5, 1),
                     work_started_on=dt.date(2010, 8, 1), full_time_education="20")


def published(actor: Any, case: SelectionCase, starts_on: dt.date = NATIONAL_DAY_START) -> Any:
    notice = publicity.notice_create(actor=actor, case=case, starts_on=starts_on, phone="0571-5551234",
                                     address="青岚县委组织部干部监督科")
    return publicity.notice_publish(actor=actor, notice=notice)


# --- the period -----------------------------------------------------------------------------


def test_the_period_counts_the_make_up_saturday_after_national_day(clock, officer, county, team):
    case, _ = case_at_publicity(officer, county, team["candidate"])

    five = publicity.notice_create(actor=officer, case=case, starts_on=NATIONAL_DAY_START, phone="5551234")
    assert five.ends_on == FIVE_DAYS_END
    assert rules.publicity_period(starts_on=five.starts_on, ends_on=five.ends_on).outcome == rules.PASS
    # One day short: 2026-10-08..12 holds four working days, which the rule refuses.
    assert rules.publicity_period(starts_on=NATIONAL_DAY_START, ends_on=FOUR_DAYS_END).outcome == rules.FAIL

    # A notice begun before the holiday skips the seven days off.
    before = publicity.notice_create(actor=officer, case=case, starts_on=dt.date(2026, 9, 30), phone="5551234")
    assert before.ends_on == dt.date(2026, 10, 12)   # 9-30, 10-8, 10-9, 10-10, 10-12

    # The number of days is data: a deployment's rule of 4 days ends it a day earlier.
    SelectionRule.objects.filter(code="publicity_days").update(params={"working_days": 4})
    four = publicity.notice_create(actor=officer, case=case, starts_on=NATIONAL_DAY_START, phone="5551234")
    assert four.ends_on == FOUR_DAYS_END


def test_the_text_is_generated_from_the_record(clock, officer, county, team):
    candidate = team["candidate"]
    type(candidate).objects.filter(pk=candidate.pk).update(
        native_place="浙江青岚", political_status="01", party_joined_on=dt.date(2008, 6, 1), full_time_degree="4")
    case, _ = case_at_publicity(officer, county, team["candidate"], exceptional=True)

    notice = publicity.notice_create(actor=officer, case=case, starts_on=NATIONAL_DAY_START,
                                     phone="0571-5551234", address="青岚县委组织部干部监督科")

    text = notice.text
    assert ("赵副镇长，男，1986.11出生，汉族，浙江青岚人，中共党员（2008.06入党），大学本科学历、学士学位，"
            "现任东坑镇副镇长，拟任县水利局副局长。") in text
    assert "破格提拔理由：长期在防汛一线，实绩突出（已按规定报批：青组函〔2026〕8号）。" in text
    assert "公示时间：2026年10月8日至2026年10月13日。" in text
    assert "联系电话：0571-5551234" in text and "通信地址：青岚县委组织部干部监督科" in text
    assert "12380举报电话（12380）" in text
    event = AuditEvent.objects.get(action=CaseAction.NOTICE_CREATED)
    assert str(event.subject_id) == str(case.pk)


def test_only_the_case_office_generates_and_publishes(clock, officer, supervisor, east_clerk, county, team):
    case, _ = case_at_publicity(officer, county, team["candidate"])
    for user in (supervisor, east_clerk):
        with pytest.raises(PermissionDenied):
            publicity.notice_create(actor=user, case=case, starts_on=NATIONAL_DAY_START, phone="5551234")
    notice = publicity.notice_create(actor=officer, case=case, starts_on=NATIONAL_DAY_START, phone="5551234")
    with pytest.raises(PermissionDenied):
        publicity.notice_publish(actor=supervisor, notice=notice)
    publicity.notice_publish(actor=officer, notice=notice)
    with pytest.raises(ValidationError, match="已发布"):
        publicity.notice_publish(actor=officer, notice=notice)


# --- comments -------------------------------------------------------------------------------


def test_comments_are_taken_within_the_period_only_its_last_day_included(clock, officer, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = publicity.notice_create(actor=officer, case=case, starts_on=NATIONAL_DAY_START, phone="5551234")
    with pytest.raises(ValidationError, match="不在公示期内"):   # not published yet
        publicity.comment_submit(notice=notice, content="反映一个情况")
    publicity.notice_publish(actor=officer, notice=notice)

    clock.day = FIVE_DAYS_END
    comment = publicity.comment_submit(notice=notice, content="  反映一个情况  ", nominee=nominee,
                                       contact_name="李某", contact_phone="13800000000")
    assert comment.content == "反映一个情况" and comment.outcome == CommentOutcome.PENDING
    assert list(publicity.pending_comments(case)) == [comment]
    with pytest.raises(ValidationError) as error:
        publicity.comment_submit(notice=notice, content="   ")
    assert error.value.message_dict == {"content": ["请填写反映内容"]}
    with pytest.raises(ValidationError, match="最多 2000 个字"):
        publicity.comment_submit(notice=notice, content="字" * 2001)
    publicity.comment_submit(notice=notice, content="字" * 2000)

    clock.day = FIVE_DAYS_END + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="不在公示期内"):
        publicity.comment_submit(notice=notice, content="过期的反映")


def test_the_audit_records_a_comment_without_its_sender(clock, officer, county, team):
    case, _ = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)

    publicity.comment_submit(notice=notice, content="有违规收礼问题", contact_name="李某", contact_phone="13800000000")

    event = AuditEvent.objects.get(action=CaseAction.NOTICE_COMMENT_RECEIVED)
    assert event.actor_id is None
    assert str(event.subject_id) == str(case.pk)
    assert event.changes == {"received": True}
    everything = str(event.changes) + event.target_label + event.subject_label
    assert "李某" not in everything and "13800000000" not in everything and "收礼" not in everything


def test_a_withdrawn_notice_takes_no_comment(clock, officer, county, team):
    case, _ = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    publicity.notice_withdraw(actor=officer, notice=notice, reason="人选信息有误")
    with pytest.raises(ValidationError, match="不在公示期内"):
        publicity.comment_submit(notice=notice, content="反映")
    assert not publicity.notices_current().exists()


# --- the four outcomes ----------------------------------------------------------------------


def test_no_problem_and_minor_change_nothing_but_the_record(clock, officer, supervisor, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    first = publicity.comment_submit(notice=notice, content="反映一", nominee=nominee)
    second = publicity.comment_submit(notice=notice, content="反映二", nominee=nominee)

    publicity.comment_resolve(actor=supervisor, comment=first, outcome=CommentOutcome.NO_PROBLEM,
                              resolution="经核查，反映不属实")
    publicity.comment_resolve(actor=supervisor, comment=second, outcome=CommentOutcome.MINOR,
                              resolution="存在迟报个人事项情况，已提醒")

    nominee.refresh_from_db()
    case.refresh_from_db()
    assert nominee.stage == NomineeStage.PROPOSED and case.status == CaseStatus.ACTIVE
    assert not publicity.pending_comments(case).exists()
    assert case.step_records.filter(outcome__contains="提醒").exists()
    with pytest.raises(ValidationError, match="已办结"):
        publicity.comment_resolve(actor=supervisor, comment=first, outcome=CommentOutcome.MINOR, resolution="再办")


def test_a_serious_problem_drops_the_nominee(clock, officer, supervisor, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    comment = publicity.comment_submit(notice=notice, content="反映")   # names no one: the only 拟任人选

    publicity.comment_resolve(actor=supervisor, comment=comment, outcome=CommentOutcome.SERIOUS,
                              resolution="查实违反中央八项规定精神")

    nominee.refresh_from_db()
    assert nominee.stage == NomineeStage.DROPPED
    assert nominee.dropped_reason == "任前公示反映问题严重，不予任用：查实违反中央八项规定精神"
    comment.refresh_from_db()
    assert comment.nominee == nominee and comment.resolved_on == NATIONAL_DAY_START


def test_an_unverified_problem_suspends_the_case_at_most_three_months(clock, officer, supervisor, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    comment = publicity.comment_submit(notice=notice, content="反映", nominee=nominee)
    clock.day = dt.date(2026, 10, 12)

    publicity.comment_resolve(actor=supervisor, comment=comment, outcome=CommentOutcome.UNVERIFIED,
                              resolution="涉及外地事项，一时难以查实")

    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    assert case.suspended_on == dt.date(2026, 10, 12)
    assert case.suspended_until == dt.date(2027, 1, 12)   # three months, no more
    assert case.step_records.filter(kind=StepEntryKind.SUSPENDED, occurred_on=dt.date(2026, 10, 12)).exists()
    with pytest.raises(ValidationError, match="暂缓任用"):
        step_move(actor=officer, case=case, to_step=Step.APPOINTMENT, occurred_on=dt.date(2026, 10, 14))
    with pytest.raises(PermissionDenied):
        publicity.case_suspension_lift(actor=supervisor, case=case, reason="已查实")
    with pytest.raises(ValidationError) as error:
        publicity.case_suspension_lift(actor=officer, case=case, reason=" ")
    assert "reason" in error.value.message_dict

    publicity.case_suspension_lift(actor=officer, case=case, reason="经核查，反映问题不属实")

    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.step_records.filter(kind=StepEntryKind.RESUMED).exists()


def test_only_handlers_of_comments_resolve_them(clock, officer, supervisor, east_clerk, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    comment = publicity.comment_submit(notice=notice, content="反映", nominee=nominee)
    with pytest.raises(PermissionDenied):
        publicity.comment_resolve(actor=east_clerk, comment=comment, outcome=CommentOutcome.NO_PROBLEM,
                                  resolution="无")
    assert list(publicity.comments_for(east_clerk, case)) == []
    assert list(publicity.comments_for(supervisor, case)) == [comment]
    with pytest.raises(ValidationError) as error:
        publicity.comment_resolve(actor=officer, comment=comment, outcome=CommentOutcome.PENDING, resolution="x")
    assert "outcome" in error.value.message_dict
    publicity.comment_resolve(actor=officer, comment=comment, outcome=CommentOutcome.NO_PROBLEM, resolution="不属实")
    event = AuditEvent.objects.get(action=CaseAction.NOTICE_COMMENT_RESOLVED)
    assert str(event.subject_id) == str(case.pk)


def test_only_the_change_scope_reads_and_resolves_comments(clock, officer, county, team):
    from cadres.accounts.testing import user_with_role

    case, nominee = case_at_publicity(officer, county, team["candidate"])
    comment = publicity.comment_submit(notice=published(officer, case), content="反映", nominee=nominee,
                                       contact_name="某某", contact_phone="13800000000")
    viewer = user_with_role("cadre_office", managed=[county["water"]])
    assert not publicity.comments_for(viewer, case).exists()
    with pytest.raises(PermissionDenied):
        publicity.comment_resolve(actor=viewer, comment=comment, outcome=CommentOutcome.UNVERIFIED,
                                  resolution="x")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
