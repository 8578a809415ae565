"""The case and meeting pages: a clerk without case codes gets a 403, another county's officer a
404 on every object of this county; an officer creates a case, adds a post and a nominee, moves
it, sees refusals in Chinese, uploads and downloads a document (audited)."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.accounts.testing import sign_in, user_with_role
from cadres.audit.models import AuditEvent
from cadres.cases import services
from cadres.cases.models import DiligenceKind, Meeting, MeetingKind, SelectionCase, Step
from cadres.org.models import Unit

pytestmark = pytest.mark.django_db
D = dt.date(2026, 3, 2)


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def world(officer: Any, county: dict[str, Unit], team: dict[str, Any], settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = str(tmp_path)
    case = services.case_create(actor=officer, title="县水利局副局长选拔", unit=county["water"], started_on=D,
                                posts=[{"unit": county["water"], "title": "副局长", "rank": "0142"}])
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"], recommendation_votes=28,
                                   recommendation_ballots=40)
    pdf = SimpleUploadedFile("考察材料.pdf", b"%PDF-1.7\n%test\n")
    document = services.document_add(actor=officer, case=case, step=Step.PROPOSAL, title="考察材料", file=pdf)
    meeting = services.meeting_create(actor=officer, kind=MeetingKind.STANDING, title="常委会", held_on=D,
                                      members=[("甲", True, ""), ("乙", True, ""), ("丙", True, "")])
    topic = services.topic_add(actor=officer, meeting=meeting, case=case, title="研究干部任免")
    return {"case": case, "nominee": nominee, "document": document, "meeting": meeting, "topic": topic}


def urls(world: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    case, nominee = world["case"].pk, world["nominee"].pk
    return [
        ("get", reverse("cases:case_detail", args=[case]), {}),
        ("get", reverse("cases:record_sheet_pdf", args=[case]), {}),
        ("get", reverse("cases:record_sheet_docx", args=[case]), {}),
        ("get", reverse("cases:document_download", args=[world["document"].pk]), {}),
        ("get", reverse("cases:meeting_detail", args=[world["meeting"].pk]), {}),
        ("post", reverse("cases:case_move", args=[case]), {"to_step": "recommendation", "occurred_on": "2026-03-03"}),
        ("post", reverse("cases:case_pause", args=[case]), {"reason": "x"}),
        ("post", reverse("cases:case_note", args=[case]), {"occurred_on": "2026-03-03", "outcome": "x"}),
        ("post", reverse("cases:nominee_explain", args=[nominee]), {"code": "working_years", "reason": "x"}),
        ("post", reverse("cases:nominee_stage", args=[nominee]), {"stage": "candidate"}),
        ("post", reverse("cases:diligence_add", args=[nominee]),
         {"kind": "dossier", "requested_on": "2026-03-03", "result": "pending"}),
        ("post", reverse("cases:decision_record", args=[world["topic"].pk]),
         {"nominee": nominee, "agree": 3, "disagree": 0, "abstain": 0, "method": "secret"}),
    ]


def test_the_explain_address_is_fixed(world: dict[str, Any]) -> None:
    assert reverse("cases:nominee_explain", args=[7]) == "/cases/nominees/7/explain/"


def test_a_clerk_without_case_codes_gets_403(client: Any, east_clerk: Any, world: dict[str, Any]) -> None:
    sign_in(client, east_clerk)
    for url in (reverse("cases:case_list"), reverse("cases:meeting_list"), reverse("cases:case_create")):
        assert client.get(url).status_code == 403
    for method, url, data in urls(world):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert world["case"].step_records.count() == 1


def test_another_countys_officer_gets_404(client: Any, world: dict[str, Any]) -> None:
    other = Unit.objects.create(name="邻县", path="邻县", depth=0)
    stranger = user_with_role("cadre_office", maintained=[other])
    sign_in(client, stranger)
    assert world["case"].number not in text_of(client.get(reverse("cases:case_list")))
    assert "还没有会议" in text_of(client.get(reverse("cases:meeting_list")))
    for method, url, data in urls(world):
        assert getattr(client, method)(url, data).status_code == 404, url
    case = SelectionCase.objects.get(pk=world["case"].pk)
    assert case.step == Step.PROPOSAL and case.status == "active"
    assert not world["topic"].decisions.exists()


def test_a_reader_sees_but_may_not_write(client: Any, county: dict[str, Unit], world: dict[str, Any]) -> None:
    reader = user_with_role("leader", managed=[county["top"]])
    sign_in(client, reader)
    assert client.get(reverse("cases:case_detail", args=[world["case"].pk])).status_code == 200
    for method, url, data in urls(world):
        if method == "post":
            assert client.post(url, data).status_code == 403, url


def test_officer_creates_moves_and_sees_refusals(client: Any, officer: Any, county: dict[str, Unit],
                                                 team: dict[str, Any]) -> None:
    sign_in(client, officer)
    response = client.post(reverse("cases:case_create"), {
        "title": "县水利局局长选拔", "kind": "individual", "unit": county["water"].pk,
        "started_on": "2026-04-01", "reason": "局长到龄"})
    case = SelectionCase.objects.get(title="县水利局局长选拔")
    assert response.status_code == 302 and case.number == "2026-001"
    # a missing field is named
    response = client.post(reverse("cases:case_create"), {"kind": "individual", "unit": county["water"].pk,
                                                           "started_on": "2026-04-01"})
    assert "请填写事项名称" in text_of(response)
    detail = reverse("cases:case_detail", args=[case.pk])
    page = text_of(client.get(detail))
    assert "分析研判和动议" in page and "2026.04.01" in page and "还没有人选" in page
    client.post(reverse("cases:case_post_add", args=[case.pk]),
                {"unit": county["water"].pk, "title": "局长", "rank": "0141", "openings": 1, "is_team_member": "on"})
    assert case.posts.get().title == "局长"
    # the person search finds visible people by name
    add = reverse("cases:nominee_add", args=[case.pk])
    assert "王副局长" in text_of(client.get(add, {"q": "王副"}))
    client.post(add, {"person": team["deputy"].pk, "post": case.posts.get().pk, "stage": "recommended",
                      "recommendation_votes": 31, "recommendation_ballots": 40})
    assert case.nominees.get().person == team["deputy"]
    # a skip without a reason is refused in Chinese
    response = client.post(reverse("cases:case_move", args=[case.pk]),
                           {"to_step": "inspection", "occurred_on": "2026-04-02"}, follow=True)
    assert "须填写理由" in text_of(response)
    response = client.post(reverse("cases:case_move", args=[case.pk]),
                           {"to_step": "recommendation", "occurred_on": "2026-04-02", "outcome": "启动推荐"},
                           follow=True)
    assert "已进入“民主推荐”" in text_of(response)
    case.refresh_from_db()
    assert case.step == Step.RECOMMENDATION
    # 凡提四必 from the page
    nominee = case.nominees.get()
    client.post(reverse("cases:diligence_add", args=[nominee.pk]),
                {"kind": DiligenceKind.DISCIPLINE, "requested_on": "2026-04-03", "result": "pending",
                 "document": "青组函〔2026〕5号"})
    assert nominee.diligence_checks.get().document == "青组函〔2026〕5号"
    page = text_of(client.get(detail))
    assert "纪检监察机关意见必听： 待回复" in page or "纪检监察机关意见必听：待回复" in page


def test_document_download_is_audited(client: Any, officer: Any, world: dict[str, Any]) -> None:
    sign_in(client, officer)
    response = client.get(reverse("cases:document_download", args=[world["document"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.7")
    assert AuditEvent.objects.filter(action="case.document_read", subject_id=str(world["case"].pk)).count() == 1


def test_upload_refused_by_content(client: Any, officer: Any, world: dict[str, Any]) -> None:
    sign_in(client, officer)
    fake = SimpleUploadedFile("名单.xlsx", b"not a workbook")
    response = client.post(reverse("cases:document_add", args=[world["case"].pk]),
                           {"step": "proposal", "title": "名单", "file": fake}, follow=True)
    assert "内容不是Excel 文件" in text_of(response)
    assert world["case"].documents.count() == 1


def test_meeting_pages_record_a_decision(client: Any, officer: Any, world: dict[str, Any]) -> None:
    sign_in(client, officer)
    response = client.post(reverse("cases:meeting_create"), {
        "kind": "department", "title": "部务会", "held_on": "2026-03-10",
        "members": "张一\n李二\n王三 请假 外出学习\n赵四"})
    meeting = Meeting.objects.get(title="部务会")
    assert response.status_code == 302
    assert [(m.name, m.is_present, m.absence_reason) for m in meeting.members.all()] == [
        ("张一", True, ""), ("李二", True, ""), ("王三", False, "外出学习"), ("赵四", True, "")]
    client.post(reverse("cases:topic_add", args=[meeting.pk]), {"case": world["case"].pk, "title": "研究人选"})
    topic = meeting.topics.get()
    page = text_of(client.post(reverse("cases:decision_record", args=[topic.pk]),
                               {"nominee": world["nominee"].pk, "agree": 2, "disagree": 1, "abstain": 0,
                                "method": "hands"}, follow=True))
    assert "已记录表决结果，未通过" in page and "应到会 4" in page and "实到会 3" in page
    assert "应到会4人，实到会3人，达到三分之二以上" in page and "以应到会成员超过半数同意形成决定" in page
    page = text_of(client.post(reverse("cases:decision_record", args=[topic.pk]),
                               {"nominee": world["nominee"].pk, "agree": 3, "disagree": 0, "abstain": 0,
                                "method": "hands"}, follow=True))
    assert "已记录表决结果，通过" in page
