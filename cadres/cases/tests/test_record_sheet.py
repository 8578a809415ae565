"""The 选拔任用工作全程纪实表: the PDF read back with pypdf, the DOCX with python-docx, both
holding the steps, the nominee's votes, 凡提四必, the meeting's counts, the 公示 and the 任职;
the downloads are audited and scoped."""

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.audit.models import AuditEvent
from cadres.cases import documents, services
from cadres.cases.models import (
    CommentOutcome,
    DecisionMethod,
    DiligenceKind,
    DiligenceResult,
    MeetingKind,
    NomineeStage,
    NoticeComment,
    PublicNotice,
    Step,
)
from cadres.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_case(officer: Any, county: dict[str, Unit], team: dict[str, Any]) -> Any:
    case = services.case_create(actor=officer, title="县水利局副局长选拔", unit=county["water"],
                                started_on=dt.date(2026, 3, 2), reason="副局长职位空缺",
                                posts=[{"unit": county["water"], "title": "副局长", "rank": "0142",
                                        "has_probation": True}])
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"], post=case.posts.get(),
                                   recommendation_votes=31, recommendation_ballots=40,
                                   recommended_on=dt.date(2026, 3, 10))
    services.case_step_move(actor=officer, case=case, to_step=Step.RECOMMENDATION, occurred_on=dt.date(2026, 3, 5),
                            participants="部务会成员7人", outcome="同意启动选拔")
    services.case_step_move(actor=officer, case=case, to_step=Step.CANDIDATES, occurred_on=dt.date(2026, 3, 10),
                            participants="县水利局干部职工40人", outcome="会议推荐")
    services.nominee_update(actor=officer, nominee=nominee, inspection_conclusion="德才兼备，群众公认")
    services.diligence_record(actor=officer, nominee=nominee, kind=DiligenceKind.DISCIPLINE,
                              requested_on=dt.date(2026, 3, 20), replied_on=dt.date(2026, 3, 25),
                              result=DiligenceResult.CLEAR, document="青组函〔2026〕8号", reply="未发现问题")
    meeting = services.meeting_create(actor=officer, kind=MeetingKind.STANDING, title="县委常委会第9次会议",
                                      held_on=dt.date(2026, 4, 8),
                                      members=[(f"委员{i}", i < 8, "" if i < 8 else "出差") for i in range(9)])
    topic = services.topic_add(actor=officer, meeting=meeting, case=case, title="研究干部任免事项")
    services.decision_record(actor=officer, topic=topic, nominee=nominee, agree=7, disagree=1, abstain=0,
                             method=DecisionMethod.SECRET)
    services.nominee_stage_set(actor=officer, nominee=nominee, stage=NomineeStage.PROPOSED)
    notice = PublicNotice.objects.create(case=case, title="干部任前公示", text="赵副镇长拟任县水利局副局长",
                                         starts_on=dt.date(2026, 4, 10), ends_on=dt.date(2026, 4, 16),
                                         is_published=True)
    NoticeComment.objects.create(notice=notice, nominee=nominee, content="反映情况", outcome=CommentOutcome.NO_PROBLEM)
    # the completion's fields (written by the completion services in the product)
    type(nominee).objects.filter(pk=nominee.pk).update(appointed_on=dt.date(2026, 4, 20),
                                                       appointment_document="青委〔2026〕21号")
    return case


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_holds_the_whole_record(full_case: Any) -> None:
    from pypdf import PdfReader

    content = documents.record_sheet_pdf(full_case)
    text = flat("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))
    for expected in ("选拔任用工作全程纪实表", "2026-001", "县水利局副局长选拔", "个别提拔任用",
                     "2026.03.02", "分析研判和动议", "同意启动选拔", "部务会成员7人", "会议推荐",
                     "赵副镇长", "31/40", "德才兼备，群众公认", "纪检监察机关意见必听", "青组函〔2026〕8号",
                     "未发现问题", "县委常委会第9次会议", "应到会9人，实到8人", "通过", "2026.04.10至2026.04.16",
                     "未发现问题，任用", "青委〔2026〕21号", "2026.04.20", "档案必审", "未开展"):
        assert flat(expected) in text, expected


def test_the_docx_holds_the_whole_record(full_case: Any) -> None:
    from docx import Document

    document = Document(io.BytesIO(documents.record_sheet_docx(full_case)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "选拔任用工作全程纪实表"
    assert "2026-001" in cells and "县水利局副局长选拔" in cells
    assert "31/40" in cells and "德才兼备，群众公认" in cells
    decision_row = next(row for table in document.tables for row in table.rows
                        if row.cells[0].text.startswith("2026.04.08"))
    assert [cell.text for cell in decision_row.cells][2:] == ["应到会9人，实到8人", "赵副镇长", "7", "1", "0", "通过"]
    assert any("青组函〔2026〕8号" in cell and "未发现问题" in cell for cell in cells)
    assert "2026.04.10至2026.04.16" in cells and "青委〔2026〕21号" in cells
    assert any(text.startswith("动议日期：2026.03.02") for text in paragraphs)


def test_downloads_are_audited_and_scoped(client: Any, officer: Any, full_case: Any) -> None:
    sign_in(client, officer)
    pdf = client.get(reverse("cases:record_sheet_pdf", args=[full_case.pk]))
    docx = client.get(reverse("cases:record_sheet_docx", args=[full_case.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert "纪实表" in pdf["Content-Disposition"] or "filename*" in pdf["Content-Disposition"]
    reads = AuditEvent.objects.filter(action="case.record_sheet_read", subject_id=str(full_case.pk))
    assert sorted(event.changes["format"] for event in reads) == ["DOCX", "PDF"]
    other = Unit.objects.create(name="邻县", path="邻县", depth=0)
    sign_in(client, user_with_role("cadre_office", maintained=[other]))
    assert client.get(reverse("cases:record_sheet_pdf", args=[full_case.pk])).status_code == 404
