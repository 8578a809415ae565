"""The draft 任职通知 (DOCX, python-docx) made from the record: the 文号, the names, the posts
and the 试用期 line of each post that has one; kept with the case as a generated document
(`services.document_add`, is_generated) for the office to finish in Word."""

import datetime as dt
import io
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from cadres.cases.models import CaseDocument, Nominee, NomineeStage, SelectionCase, Step
from cadres.cases.publicity import date_in_words

FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
NUMERALS = "零一二三四五六七八九十"


def _months_in_words(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{NUMERALS[years] if years <= 10 else years}年"
    return f"{months}个月"


def probation_line() -> str:
    """试用期一年 (from the `probation` rule's months)."""
    from cadres.cases import rules

    months = int(rules.params("probation", timezone.localdate()).get("months", 12))
    return f"试用期{_months_in_words(months)}"


def notice_nominees(case: SelectionCase) -> list[Nominee]:
    """The nominees the notice appoints: the 拟任人选 and those already appointed."""
    return list(case.nominees.filter(stage__in=[NomineeStage.PROPOSED, NomineeStage.APPOINTED],
                                     post__isnull=False)
                .select_related("person", "post__unit").order_by("position", "id"))


def notice_lines(case: SelectionCase, nominees: list[Nominee]) -> list[str]:
    trial = probation_line()
    lines = []
    for nominee in nominees:
        post = nominee.post
        assert post is not None
        line = f"{nominee.person.name}同志任{post.unit.name}{post.title}"
        if post.has_probation:
            line += f"（{trial}）"
        lines.append(line)
    return lines


def _run_font(run: Any, name: str, size: int, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc: Any, text: str, *, font: str = FONT, size: int = 16, bold: bool = False,
               align: Any = None, indent: bool = False) -> None:
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _run_font(paragraph.add_run(text), font, size, bold)


def appointment_notice_docx(case: SelectionCase, *, document: str = "", issued_on: dt.date | None = None,
                            nominees: list[Nominee] | None = None) -> bytes:
    """The draft 任职通知 of the case as DOCX bytes."""
    nominees = notice_nominees(case) if nominees is None else nominees
    if not document:
        numbers = {n.appointment_document for n in nominees if n.appointment_document}
        document = numbers.pop() if len(numbers) == 1 else "〔　　〕　号"
    issued_on = issued_on or timezone.localdate()
    names = "、".join(n.person.name for n in nominees)
    doc = Document()
    _paragraph(doc, document, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"关于{names}同志任职的通知", font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, f"{case.unit.name}：", size=16)
    _paragraph(doc, "经研究决定：", size=16, indent=True)
    lines = notice_lines(case, nominees)
    for index, line in enumerate(lines):
        end = "。" if index == len(lines) - 1 else "；"
        _paragraph(doc, line + end, size=16, indent=True)
    _paragraph(doc, "", size=16)
    _paragraph(doc, date_in_words(issued_on), size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, f"（草稿，由选拔任用纪实 {case.number} 生成）", size=10, align=WD_ALIGN_PARAGRAPH.LEFT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def appointment_notice_save(*, actor: Any, case: SelectionCase, document: str = "") -> CaseDocument:
    """Draft the 任职通知 and keep it with the case (步骤 任职, 系统生成)."""
    from cadres.cases.services import document_add

    nominees = notice_nominees(case)
    if not nominees:
        from django.core.exceptions import ValidationError

        raise ValidationError("没有拟任人选或已任职人选，不能起草任职通知")
    content = appointment_notice_docx(case, document=document.strip(), nominees=nominees)
    return document_add(actor=actor, case=case, step=Step.APPOINTMENT, title="任职通知（草稿）",
                        file=ContentFile(content, name="任职通知.docx"), is_generated=True)
