"""The case services: numbering, the lifecycle (skip and reopen need a reason, a paused case does
not move, only a finished case is archived, an archived one is read-only), scope refusals,
nominees, documents by content, and the 凡提四必 record."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cadres.accounts.testing import person_in, user_with_role
from cadres.audit.models import AuditEvent
from cadres.cases import services
from cadres.cases.actions import CaseAction
from cadres.cases.models import (
    CaseStatus,
    DiligenceKind,
    DiligenceResult,
    NomineeStage,
    SelectionCase,
    Step,
    StepEntryKind,
)
from cadres.org.models import Unit

D = dt.date(2026, 3, 2)


def new_case(actor: Any, county: dict[str, Unit], **fields: Any) -> SelectionCase:
    values: dict[str, Any] = {"title": "县水利局副局长选拔", "unit": county["water"], "started_on": D,
                              "reason": "副局长职位空缺"}
    values.update(fields)
    return services.case_create(actor=actor, **values)


def events(case: SelectionCase, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(subject_type="cases.selectioncase", subject_id=str(case.pk),
                                          action=action))


@pytest.mark.django_db
def test_cases_are_numbered_per_year_and_enter_the_first_step(officer: Any, county: dict[str, Unit]) -> None:
    # when
    first = new_case(officer, county)
    second = new_case(officer, county)
    next_year = new_case(officer, county, started_on=dt.date(2027, 1, 5))
    # then
    assert (first.number, second.number, next_year.number) == ("2026-001", "2026-002", "2027-001")
    assert first.step == Step.PROPOSAL and first.status == CaseStatus.ACTIVE
    entry = first.step_records.get()
    assert (entry.kind, entry.step, entry.occurred_on) == (StepEntryKind.ENTERED, Step.PROPOSAL, D)
    assert len(events(first, CaseAction.CASE_CREATED)) == 1


@pytest.mark.django_db
def test_case_create_with_posts_and_outside_the_scope(officer: Any, east_clerk: Any,
                                                      county: dict[str, Unit]) -> None:
    case = new_case(officer, county, posts=[{"unit": county["water"], "title": "副局长", "rank": "0142"}])
    assert [post.title for post in case.posts.all()] == ["副局长"]
    # a clerk holds no case codes; a 东坑镇 officer may not start a case of the water bureau
    with pytest.raises(PermissionDenied):
        new_case(east_clerk, county, unit=county["east"])
    east_officer = user_with_role("cadre_office", maintained=[county["east"]])
    with pytest.raises(PermissionDenied):
        new_case(east_officer, county)
    with pytest.raises(PermissionDenied):
        services.case_post_add(actor=east_officer, case=case, unit=county["east"], title="副镇长", rank="0142")
    assert SelectionCase.objects.count() == 1


@pytest.mark.django_db
def test_moving_along_the_table_skip_and_reopen_need_a_reason(officer: Any, county: dict[str, Unit]) -> None:
    case = new_case(officer, county)
    # along the table: no reason needed
    case = services.case_step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=D,
                                   participants="部务会成员", outcome="同意启动")
    assert case.step == Step.RECOMMENDATION
    # a skip without a reason is refused, with words naming both steps
    with pytest.raises(ValidationError) as refused:
        services.case_step_move(actor=officer, case=case, to_step=Step.INSPECTION, occurred_on=D)
    assert "须填写理由" in refused.value.messages[0] and "民主推荐" in refused.value.messages[0]
    case = services.case_step_move(actor=officer, case=case, to_step=Step.CANDIDATES, occurred_on=D)
    # a reopening without a reason is refused; with one it is recorded
    with pytest.raises(ValidationError):
        services.case_step_move(actor=officer, case=case, to_step=Step.PROPOSAL, occurred_on=D)
    case = services.case_step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=D,
                                   reason="推荐票分散，重新推荐")
    reopened = case.step_records.get(kind=StepEntryKind.REOPENED)
    assert (reopened.step, reopened.reason) == (Step.RECOMMENDATION, "推荐票分散，重新推荐")
    assert len(events(case, CaseAction.CASE_STEP_REOPENED)) == 1


@pytest.mark.django_db
def test_a_paused_case_does_not_move_and_pause_needs_a_reason(officer: Any, county: dict[str, Unit]) -> None:
    case = new_case(officer, county)
    with pytest.raises(ValidationError, match="请填写暂停理由"):
        services.case_pause(actor=officer, case=case, reason="  ")
    case = services.case_pause(actor=officer, case=case, reason="机构改革", occurred_on=D)
    assert case.status == CaseStatus.PAUSED
    with pytest.raises(ValidationError, match="选任暂停"):
        services.case_step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=D)
    with pytest.raises(ValidationError, match="不能暂停"):
        services.case_pause(actor=officer, case=case, reason="再次")
    with pytest.raises(ValidationError, match="请填写恢复理由"):
        services.case_resume(actor=officer, case=case, reason="")
    case = services.case_resume(actor=officer, case=case, reason="改革完成", occurred_on=D)
    case = services.case_step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=D)
    kinds = list(case.step_records.values_list("kind", flat=True))
    assert kinds == [StepEntryKind.ENTERED, StepEntryKind.PAUSED, StepEntryKind.RESUMED,
                     StepEntryKind.COMPLETED, StepEntryKind.ENTERED]


@pytest.mark.django_db
def test_archive_only_when_finished_then_read_only(officer: Any, county: dict[str, Unit]) -> None:
    case = new_case(officer, county)
    with pytest.raises(ValidationError, match="只有已完成或已终止的事项才能归档"):
        services.case_archive(actor=officer, case=case)
    with pytest.raises(ValidationError, match="请填写终止理由"):
        services.case_withdraw(actor=officer, case=case, reason="")
    case = services.case_withdraw(actor=officer, case=case, reason="职位调整，不再选拔")
    case = services.case_archive(actor=officer, case=case, archived_on=dt.date(2026, 4, 1))
    assert (case.status, case.archived_on) == (CaseStatus.ARCHIVED, dt.date(2026, 4, 1))
    # read-only everywhere
    for write in (
        lambda: services.case_note(actor=officer, case=case, occurred_on=D, outcome="补记"),
        lambda: services.case_update(actor=officer, case=case, title="新名称"),
        lambda: services.case_step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=D),
        lambda: services.case_resume(actor=officer, case=case, reason="x"),
    ):
        with pytest.raises(ValidationError, match="已纪实归档"):
            write()
    assert len(events(case, CaseAction.CASE_ARCHIVED)) == 1


@pytest.mark.django_db
def test_nominees_visible_people_once_with_stage_rules(officer: Any, county: dict[str, Unit],
                                                       team: dict[str, Any]) -> None:
    case = new_case(officer, county)
    post = services.case_post_add(actor=officer, case=case, unit=county["water"], title="副局长", rank="0142")
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"], post=post,
                                   recommendation_votes=30, recommendation_ballots=41, recommended_on=D)
    with pytest.raises(ValidationError, match="已是本事项的人选"):
        services.nominee_add(actor=officer, case=case, person=team["candidate"])
    with pytest.raises(ValidationError, match="不能超过有效推荐票"):
        services.nominee_update(actor=officer, nominee=nominee, recommendation_votes=42)
    # a person outside the actor's view scope
    elsewhere = Unit.objects.create(name="邻县", path="邻县", depth=0)
    stranger = person_in(elsewhere, "外县干部")
    with pytest.raises(PermissionDenied):
        services.nominee_add(actor=officer, case=case, person=stranger)
    # stages: 未任用 needs a reason; 任职 comes only from the completion
    with pytest.raises(ValidationError):
        services.nominee_stage_set(actor=officer, nominee=nominee, stage=NomineeStage.DROPPED)
    with pytest.raises(ValidationError, match="任职须通过任职办理"):
        services.nominee_stage_set(actor=officer, nominee=nominee, stage=NomineeStage.APPOINTED)
    nominee = services.nominee_stage_set(actor=officer, nominee=nominee, stage=NomineeStage.CANDIDATE)
    assert nominee.stage == NomineeStage.CANDIDATE
    event = events(case, CaseAction.NOMINEE_STAGE_CHANGED)[0]
    assert event.target_id == str(team["candidate"].pk)
    # explanations of a check
    nominee = services.nominee_explain(actor=officer, nominee=nominee, code="working_years", reason="援藏经历折算")
    assert nominee.check_reasons == {"working_years": "援藏经历折算"}
    with pytest.raises(ValidationError):
        services.nominee_explain(actor=officer, nominee=nominee, code="working_years", reason=" ")
    assert len(events(case, CaseAction.NOMINEE_CHECK_EXPLAINED)) == 1


@pytest.mark.django_db
def test_notes_and_documents_checked_by_content(officer: Any, county: dict[str, Unit], settings: Any,
                                                tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    case = new_case(officer, county)
    with pytest.raises(ValidationError):
        services.case_note(actor=officer, case=case, occurred_on=D, outcome="")
    services.case_note(actor=officer, case=case, occurred_on=D, outcome="征求纪委意见", participants="干部科")
    pdf = SimpleUploadedFile("考察材料.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    document = services.document_add(actor=officer, case=case, step=Step.PROPOSAL, title="", file=pdf)
    assert document.title == "考察材料" and len(document.sha256) == 64
    fake = SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="内容不是PDF"):
        services.document_add(actor=officer, case=case, step=Step.PROPOSAL, title="x", file=fake)
    script = SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="类型不能上传"):
        services.document_add(actor=officer, case=case, step=Step.PROPOSAL, title="x", file=script)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="超过20MB"):
        services.document_add(actor=officer, case=case, step=Step.PROPOSAL, title="x", file=big)
    assert case.documents.count() == 1
    services.document_remove(actor=officer, document=document)
    assert case.documents.count() == 0
    assert len(events(case, CaseAction.CASE_DOCUMENT_REMOVED)) == 1


@pytest.mark.django_db
def test_diligence_record_and_reply(officer: Any, county: dict[str, Unit], team: dict[str, Any]) -> None:
    case = new_case(officer, county)
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    check = services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                                      requested_on=D, document="青组函〔2026〕3号")
    assert check.result == DiligenceResult.PENDING
    with pytest.raises(ValidationError, match="不能早于"):
        services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                                  requested_on=D, replied_on=D - dt.timedelta(days=1),
                                  result=DiligenceResult.CLEAR)
    with pytest.raises(ValidationError, match="须填写回复或完成日期"):
        services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                                  requested_on=D, result=DiligenceResult.CLEAR)
    replied = services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                                        requested_on=D, replied_on=D + dt.timedelta(days=5),
                                        result=DiligenceResult.CLEAR, document="青组函〔2026〕3号",
                                        reply="未发现问题")
    assert replied.pk == check.pk and nominee.diligence_checks.count() == 1
    assert len(events(case, CaseAction.DILIGENCE_RECORDED)) == 2


@pytest.mark.django_db
def test_another_county_officer_cannot_touch_the_case(officer: Any, county: dict[str, Unit],
                                                       team: dict[str, Any]) -> None:
    case = new_case(officer, county)
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    other = Unit.objects.create(name="邻县", path="邻县", depth=0)
    stranger = user_with_role("cadre_office", maintained=[other])
    before = AuditEvent.objects.count()
    for write in (
        lambda: services.case_note(actor=stranger, case=case, occurred_on=D, outcome="x"),
        lambda: services.case_pause(actor=stranger, case=case, reason="x"),
        lambda: services.nominee_stage_set(actor=stranger, nominee=nominee, stage=NomineeStage.CANDIDATE),
        lambda: services.case_step_move(actor=stranger, case=case, to_step=Step.RECOMMENDATION, occurred_on=D),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_skip_with_its_reason_is_recorded_and_shown_on_the_step_bar(officer: Any, county: dict[str, Unit]) -> None:
    from cadres.cases.selectors import step_bar

    case = new_case(officer, county)
    # when: 民主推荐 skipped (a 定向 recommendation of last year still valid)
    case = services.case_step_move(actor=officer, case=case, to_step=Step.CANDIDATES, occurred_on=D,
                                   reason="沿用一年内定向推荐结果")
    # then
    skipped = case.step_records.get(kind=StepEntryKind.SKIPPED)
    assert (skipped.step, skipped.reason) == (Step.CANDIDATES, "沿用一年内定向推荐结果")
    assert len(events(case, CaseAction.CASE_STEP_SKIPPED)) == 1
    states = {item["step"]: item["state"] for item in step_bar(case)}
    assert states[Step.RECOMMENDATION] == "skipped" and states[Step.CANDIDATES] == "current"
    assert states[Step.INSPECTION] == "todo"
