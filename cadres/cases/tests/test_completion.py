"""Completion: 任职 through the post services once the 公示 is over and no comment is pending
(the structure report at the date follows), the compulsory 任职谈话, the case's completion, the
试用期 ending both ways, and the draft 任职通知."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from cadres.analytics.selectors import structure_report
from cadres.audit.models import AuditEvent
from cadres.cases import completion, publicity
from cadres.cases.actions import CaseAction
from cadres.cases.appointment_notice import appointment_notice_save
from cadres.cases.models import CaseStatus, CommentOutcome, Movement, NomineeStage, Step
from cadres.cases.tests import test_publicity
from cadres.cases.tests.test_publicity import (
    FIVE_DAYS_END,
    case_at_publicity,
    promotable,
    published,
)
from cadres.org.models import Assignment, PostSource

AFTER = FIVE_DAYS_END + dt.timedelta(days=1)   # 2026-10-14, the day after the 公示
DOCUMENT = "青委干〔2026〕31号"

clock = test_publicity.clock   # the pinned-day fixture


def water_team(officer, county, on):
    return structure_report(actor=officer, as_of=on, unit=county["water"], team_members_only=True)["total"]


def test_a_pending_comment_blocks_the_appointment(clock, officer, supervisor, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    notice = published(officer, case)
    comment = publicity.comment_submit(notice=notice, content="反映", nominee=nominee)
    clock.day = AFTER

    with pytest.raises(ValidationError, match="反映尚未办结"):
        completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                                   movement=Movement.EXCHANGE)

    publicity.comment_resolve(actor=supervisor, comment=comment, outcome=CommentOutcome.NO_PROBLEM,
                              resolution="不属实")
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                               movement=Movement.EXCHANGE)
    nominee.refresh_from_db()
    assert nominee.stage == NomineeStage.APPOINTED


def test_no_appointment_before_the_period_ends(clock, officer, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"])
    published(officer, case)
    clock.day = FIVE_DAYS_END
    with pytest.raises(ValidationError, match="公示期满后方可任职"):
        completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=FIVE_DAYS_END, document=DOCUMENT,
                                   movement=Movement.EXCHANGE)
    nominee.refresh_from_db()
    case.refresh_from_db()
    assert nominee.stage == NomineeStage.PROPOSED and case.step == Step.PUBLICITY


def test_the_appointment_goes_through_the_post_services(clock, officer, county, team):
    person = promotable(county)
    case, nominee = case_at_publicity(officer, county, person)
    published(officer, case)
    clock.day = AFTER
    before = water_team(officer, county, AFTER)

    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                               movement=Movement.PROMOTION)

    nominee.refresh_from_db()
    person.refresh_from_db()
    case.refresh_from_db()
    assert case.step == Step.APPOINTMENT
    assert (person.unit, person.post_title, person.rank, person.is_team_member) == (
        county["water"], "副局长", "0142", True)
    post = nominee.assignment
    assert (post.started_on, post.start_document, post.source) == (AFTER, DOCUMENT, PostSource.PROCEDURE)
    old = Assignment.objects.get(person=person, title="经济发展办主任")
    assert (old.ended_on, old.end_document) == (AFTER, DOCUMENT)
    assert nominee.probation_ends_on == dt.date(2027, 10, 13)   # one year, the day before the anniversary
    # The structure report at the date counts him in the bureau's team; the day before it did not.
    assert water_team(officer, county, AFTER) == before + 1
    assert water_team(officer, county, AFTER - dt.timedelta(days=1)) == before
    event = AuditEvent.objects.get(action=CaseAction.NOMINEE_APPOINTED)
    assert str(event.subject_id) == str(case.pk) and event.target_label == person.name


def test_completion_needs_the_talk_and_enters_the_probation(clock, officer, county, team):
    person = promotable(county)
    case, nominee = case_at_publicity(officer, county, person)
    published(officer, case)
    clock.day = AFTER
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                               movement=Movement.PROMOTION)

    with pytest.raises(ValidationError, match="尚未进行任职谈话：钱股长"):
        completion.case_complete(actor=officer, case=case, completed_on=AFTER)
    with pytest.raises(ValidationError, match="谈话人"):
        completion.talk_record(actor=officer, nominee=nominee, talk_on=AFTER, talk_by=" ")
    completion.talk_record(actor=officer, nominee=nominee, talk_on=AFTER, talk_by="县委组织部常务副部长")
    completion.case_complete(actor=officer, case=case, completed_on=AFTER)

    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and case.step == Step.PROBATION


def test_a_case_without_probation_completes_at_the_appointment(clock, officer, county, team):
    case, nominee = case_at_publicity(officer, county, team["candidate"], has_probation=False)
    published(officer, case)
    clock.day = AFTER
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                               movement=Movement.EXCHANGE)
    completion.talk_record(actor=officer, nominee=nominee, talk_on=AFTER, talk_by="县委组织部部长")
    completion.case_complete(actor=officer, case=case, completed_on=AFTER)
    case.refresh_from_db()
    nominee.refresh_from_db()
    assert case.step == Step.APPOINTMENT and case.status == CaseStatus.COMPLETED
    assert nominee.probation_ends_on is None


def _appointed_with_probation(clock, officer, county):
    person = promotable(county)
    case, nominee = case_at_publicity(officer, county, person)
    published(officer, case)
    clock.day = AFTER
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                               movement=Movement.PROMOTION)
    completion.talk_record(actor=officer, nominee=nominee, talk_on=AFTER, talk_by="县委组织部部长")
    completion.case_complete(actor=officer, case=case, completed_on=AFTER)
    nominee.refresh_from_db()
    return person, case, nominee


def test_the_probation_ends_in_confirmation(clock, officer, county, team):
    person, case, nominee = _appointed_with_probation(clock, officer, county)
    clock.day = dt.date(2027, 10, 14)
    completion.probation_end(actor=officer, nominee=nominee, confirmed=True, ended_on=dt.date(2027, 10, 13))
    nominee.refresh_from_db()
    person.refresh_from_db()
    assert nominee.stage == NomineeStage.CONFIRMED and nominee.probation_result == "confirmed"
    assert person.post_title == "副局长"
    with pytest.raises(ValidationError, match="不在试用期内"):
        completion.probation_end(actor=officer, nominee=nominee, confirmed=True, ended_on=dt.date(2027, 10, 13))


def test_the_probation_ends_in_removal_to_the_rank_held_before(clock, officer, county, team):
    person, case, nominee = _appointed_with_probation(clock, officer, county)
    clock.day = dt.date(2027, 10, 14)
    with pytest.raises(ValidationError) as error:
        completion.probation_end(actor=officer, nominee=nominee, confirmed=False, ended_on=dt.date(2027, 10, 14),
                                 document="青委干〔2027〕40号")
    assert "reason" in error.value.message_dict

    completion.probation_end(actor=officer, nominee=nominee, confirmed=False, ended_on=dt.date(2027, 10, 14),
                             document="青委干〔2027〕40号", reason="试用期考核不胜任")

    nominee.refresh_from_db()
    person.refresh_from_db()
    assert nominee.stage == NomineeStage.DROPPED and nominee.probation_result == "removed"
    trial = Assignment.objects.get(pk=nominee.assignment_id)
    assert (trial.ended_on, trial.end_document) == (dt.date(2027, 10, 14), "青委干〔2027〕40号")
    assert person.rank == "0150" and not person.is_team_member   # the 试任前职级
    assert person.post_title == completion.REMOVED_TITLE
    ended = AuditEvent.objects.filter(action="post.ended", target_id=str(trial.pk)).get()
    assert "试用期考核不胜任" in ended.changes["reason"]
    assert water_team(officer, county, dt.date(2027, 10, 14)) == water_team(officer, county, AFTER) - 1


def test_the_draft_appointment_notice_is_kept_with_the_case(clock, officer, county, team):
    person = promotable(county)
    case, nominee = case_at_publicity(officer, county, person)

    document = appointment_notice_save(actor=officer, case=case, document=DOCUMENT)

    assert document.is_generated and document.step == Step.APPOINTMENT
    with document.file.open("rb") as handle:
        text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(handle.read())).paragraphs)
    assert DOCUMENT in text
    assert "关于钱股长同志任职的通知" in text
    assert "钱股长同志任县水利局副局长（试用期一年）。" in text


def test_the_person_card_lists_his_cases_for_those_who_may_see_them(clock, officer, east_clerk, county, team):
    from django.template import Context, Template

    from cadres.accounts.testing import user_with_role

    person = promotable(county)
    case, nominee = case_at_publicity(officer, county, person)
    published(officer, case)
    clock.day = AFTER
    completion.nominee_appoint(actor=officer, nominee=nominee, appointed_on=AFTER, document=DOCUMENT,
                               movement=Movement.PROMOTION)
    card = Template("{% load person_cases %}{% person_cases person %}")

    seen = card.render(Context({"person": person, "user": officer}))
    assert "县水利局副局长人选" in seen and "县水利局副局长" in seen and "已任职（2026.10.14）" in seen
    assert f'href="/cases/{case.pk}/' in seen
    # a leader of another township sees the section without the case; a clerk without the
    # cases code does not see the section at all
    elsewhere = card.render(Context({"person": person, "user": user_with_role("leader", managed=[county["west"]])}))
    assert "没有参与选拔任用事项的记录" in elsewhere and "县水利局副局长人选" not in elsewhere
    assert card.render(Context({"person": person, "user": east_clerk})).strip() == ""


def test_the_officer_downloads_the_draft_notice(clock, client, officer, county, team):
    from django.urls import reverse

    from cadres.accounts.testing import sign_in

    case, _ = case_at_publicity(officer, county, promotable(county))
    sign_in(client, officer)
    response = client.get(reverse("cases:appointment_notice_docx", args=[case.pk]),
                          {"download": "1", "document": DOCUMENT})
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert DOCUMENT in text and "钱股长同志任县水利局副局长（试用期一年）。" in text
