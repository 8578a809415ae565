"""The 选拔任用工作全程纪实表 of a case, as PDF (WeasyPrint from the HTML template
`cases/record_sheet.html`, fonts-noto-cjk) and as DOCX (python-docx): the case, its posts, each
step with its dates, participants, outcome and reasons, the nominees with their recommendation
votes, 考察 conclusion and 凡提四必, the meetings with 应到会 / 实到 and the counts per
nominee, the 任前公示 with its comments, the 任职 and the documents kept. Reading it is audited."""

import datetime as dt
import functools
import io
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from cadres.audit.services import record
from cadres.cases import selectors
from cadres.cases.actions import CaseAction
from cadres.cases.models import CommentOutcome, SelectionCase
from cadres.core.dates import format_day

TITLE = "选拔任用工作全程纪实表"
RECORD_SHEET_READ = CaseAction.CASE_RECORD_SHEET_READ


def record_sheet_context(case: SelectionCase) -> dict[str, Any]:
    nominees = selectors.case_nominees(case)
    notices = []
    for notice in case.notices.prefetch_related("comments"):
        comments = list(notice.comments.all())
        outcomes = Counter(comment.get_outcome_display() for comment in comments)
        notices.append({"notice": notice, "comments": len(comments),
                        "outcomes": "；".join(f"{label}{count}件" for label, count in outcomes.items()),
                        "pending": sum(1 for comment in comments if comment.outcome == CommentOutcome.PENDING)})
    return {
        "title": TITLE, "case": case,
        "posts": list(case.posts.select_related("unit")),
        "records": list(case.step_records.select_related("recorded_by")),
        "nominees": nominees,
        "meetings": selectors.case_meetings(case),
        "notices": notices,
        "appointed": [nominee for nominee in nominees if nominee.appointed_on or nominee.appointment_document],
        "documents": list(case.documents.select_related("nominee__person")),
        "generated_on": dt.date.today(),
    }


@functools.cache
def _font_configuration() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def record_sheet_html(case: SelectionCase) -> str:
    return render_to_string("cases/record_sheet.html", record_sheet_context(case))


def record_sheet_pdf(case: SelectionCase) -> bytes:
    from weasyprint import HTML

    html = record_sheet_html(case)
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_configuration()))


def _table(document: Any, heads: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        cell.text = head
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = "" if value is None else str(value)


def record_sheet_docx(case: SelectionCase) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    data = record_sheet_context(case)
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "宋体"
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(18)
    _table(document, ["编号", "事项名称", "选任方式", "单位"],
           [[case.number, case.title, case.get_kind_display(), case.unit.name]])
    document.add_paragraph(f"动议日期：{format_day(case.started_on)}　状态：{case.get_status_display()}　"
                           f"当前步骤：{case.get_step_display()}")
    if case.reason:
        document.add_paragraph(f"动议理由：{case.reason}")
    if case.is_exceptional:
        document.add_paragraph(f"破格提拔：{case.exceptional_reason}（批准：{case.exceptional_approval or '—'}）")

    document.add_heading("一、拟任职位", level=2)
    _table(document, ["单位", "职务", "职务层次", "职数", "试用期"],
           [[post.unit.name, post.title, post.get_rank_display(), post.openings,
             "实行" if post.has_probation else "不实行"] for post in data["posts"]])

    document.add_heading("二、程序纪实", level=2)
    _table(document, ["日期", "步骤", "记录", "参加人员", "情况和结果", "理由"],
           [[format_day(entry.occurred_on), entry.get_step_display(), entry.get_kind_display(), entry.participants,
             entry.outcome, entry.reason] for entry in data["records"]])

    document.add_heading("三、人选", level=2)
    _table(document, ["姓名", "现任职务", "拟任职位", "阶段", "推荐得票", "考察结论"],
           [[nominee.person.name, nominee.person.post_title, str(nominee.post or ""), nominee.get_stage_display(),
             _votes(nominee), nominee.inspection_conclusion] for nominee in data["nominees"]])
    document.add_heading("四、凡提四必", level=2)
    rows = []
    for nominee in data["nominees"]:
        for _kind, label, check in nominee.diligence:
            rows.append([nominee.person.name, label, _diligence(check)])
    _table(document, ["姓名", "核查事项", "结果"], rows)

    document.add_heading("五、会议讨论决定", level=2)
    rows = []
    for row in data["meetings"]:
        base = [f"{format_day(row['meeting'].held_on)} {row['meeting']}", row["topic"].title,
                f"应到会{row['expected']}人，实到{row['present']}人"]
        if not row["decisions"]:
            rows.append([*base, "", "", "", "", ""])
        for decision in row["decisions"]:
            rows.append([*base, decision.nominee.person.name, decision.agree, decision.disagree, decision.abstain,
                         "通过" if decision.is_passed else "未通过"])
    _table(document, ["会议", "议题", "到会", "人选", "同意", "不同意", "弃权", "结果"], rows)

    document.add_heading("六、任前公示", level=2)
    _table(document, ["公示", "公示期", "反映件数", "核查结论"],
           [[item["notice"].title, f"{format_day(item['notice'].starts_on)}至{format_day(item['notice'].ends_on)}",
             item["comments"], item["outcomes"]] for item in data["notices"]])

    document.add_heading("七、任职", level=2)
    _table(document, ["姓名", "任职日期", "任职文号", "任职谈话", "试用期满"],
           [[nominee.person.name, format_day(nominee.appointed_on), nominee.appointment_document,
             f"{format_day(nominee.appointment_talk_on)} {nominee.appointment_talk_by}".strip(),
             format_day(nominee.probation_ends_on)] for nominee in data["appointed"]])

    document.add_heading("八、纪实材料", level=2)
    _table(document, ["材料名称", "步骤", "人选", "上传时间", "来源"],
           [[item.title, item.get_step_display(), item.nominee.person.name if item.nominee else "",
             format_day(item.uploaded_at), "系统生成" if item.is_generated else "上传"] for item in data["documents"]])
    document.add_paragraph(f"生成日期：{format_day(data['generated_on'])}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _votes(nominee: Any) -> str:
    if nominee.recommendation_votes is None:
        return ""
    if nominee.recommendation_ballots:
        return f"{nominee.recommendation_votes}/{nominee.recommendation_ballots}"
    return str(nominee.recommendation_votes)


def _diligence(check: Any) -> str:
    if check is None:
        return "未开展"
    parts = [check.get_result_display(), f"{format_day(check.requested_on)}发函或开始"]
    if check.replied_on:
        parts.append(f"{format_day(check.replied_on)}回复或完成")
    if check.document:
        parts.append(check.document)
    if check.reply:
        parts.append(check.reply)
    return "，".join(parts)


@transaction.atomic
def record_sheet_read(*, actor: Any, case: SelectionCase, kind: str) -> None:
    """The 纪实表 holds the whole record of the case: reading it is audited."""
    record(actor=actor, action=RECORD_SHEET_READ, target=case, subject=case, target_label=str(case),
           changes={"format": kind})
