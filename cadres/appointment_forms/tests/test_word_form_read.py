"""A received Word 任免审批表 read (word_form.word_form_read): a .docx of the standard layout built
here with python-docx, and the DOCX the product itself generates (render.form_docx)."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.shared import Mm

from cadres.appointment_forms.data import FamilyMember, ResumeLine
from cadres.appointment_forms.lrmx import LrmxRejected, lrmx_read
from cadres.appointment_forms.services import NEW, lrmx_import
from cadres.appointment_forms.tests.lrmx_records import FIXTURES, photo_jpeg
from cadres.appointment_forms.word_form import word_form_read
from cadres.people.models import Person, Relative


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def standard_docx(*, photo: bool = True) -> bytes:
    """A 审批表 as departments type it in Word: label cells spaced out, values beside them."""
    document = Document()
    document.add_paragraph("干部任免审批表")
    first = document.add_table(rows=10, cols=7)
    rows = [
        ["姓    名", "王  芳", "性  别", "女", "出生年月\n（  岁）", "1980.05\n（44岁）", ""],
        ["民  族", "回族", "籍  贯", "浙江温州", "出 生 地", "浙江瑞安", ""],
        ["入  党\n时  间", "2001.03；民盟", "参加工作\n时    间", "2002.07", "健康状况", "健康", ""],
        ["专业技\n术职务", "高级工程师（2012.12）", "熟悉专业\n有何专长", "化工技术", "", "", ""],
        ["学  历\n学  位", "全日制\n教  育", "研究生\n工学硕士", "毕业院校\n系及专业", "浙江大学化学系", "", ""],
        ["学  历\n学  位", "在  职\n教  育", "", "毕业院校\n系及专业", "", "", ""],
        ["现  任\n职  务", "青岚县科技局副局长", "", "", "", "", ""],
        ["拟  任\n职  务", "青岚县经信局局长", "", "", "", "", ""],
        ["拟  免\n职  务", "青岚县科技局副局长", "", "", "", "", ""],
        ["简\n\n历", "", "", "", "", "", ""],
    ]
    for row, values in zip(first.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    first.cell(3, 3).merge(first.cell(3, 5))
    for index in (6, 7, 8):
        first.cell(index, 1).merge(first.cell(index, 6))
    resume = first.cell(9, 1).merge(first.cell(9, 6))
    resume.text = ("1998.09--2002.07  浙江大学化学系学习\n"
                   "2002.07—2005.07  青岚县化工厂技术员\n"
                   "                  （其间：2003.03--2004.03在省化工研究院进修）\n"
                   "2005.07～2019.01  青岚县科技局科员、科长、\n总工程师\n"
                   "2019.01--         青岚县科技局副局长")
    photo_cell = first.cell(0, 6).merge(first.cell(2, 6))
    if photo:
        photo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(photo_jpeg()), width=Mm(26))
    second = document.add_table(rows=8, cols=6)
    page_two = [
        ["奖\n惩\n情\n况", "2015年获县优秀共产党员称号", "", "", "", ""],
        ["年度\n考核\n结果", "2021、2022、2023年年度考核均为称职。", "", "", "", ""],
        ["任\n免\n理\n由", "工作需要", "", "", "", ""],
        ["家庭\n主要\n成员", "称  谓", "姓  名", "出生年月", "政治面貌", "工作单位及职务"],
        ["家庭\n主要\n成员", "丈夫", "赵六", "1978.03", "群众", "青岚县人民医院医生"],
        ["家庭\n主要\n成员", "母亲", "钱七", "1950.08", "群众", "已故"],
        ["家庭\n主要\n成员", "", "", "", "", ""],
        ["呈报\n单位", "中共青岚县委组织部\n2024年06月01日", "", "", "", ""],
    ]
    for row, values in zip(second.rows, page_two):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for index in (0, 1, 2, 7):
        second.cell(index, 1).merge(second.cell(index, 5))
    second.cell(3, 0).merge(second.cell(6, 0))
    document.add_paragraph("填表人：孙八")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def test_a_standard_word_form_is_read_field_by_field():
    form = word_form_read(standard_docx(), file_name="王芳.docx")
    assert (form.name, form.sex, form.birth_month, form.ethnicity) == ("王芳", "女", month(1980, 5), "回族")
    assert (form.native_place, form.birthplace, form.health) == ("浙江温州", "浙江瑞安", "健康")
    assert (form.party_joined_on, form.party_note, form.work_started_on) == (month(2001, 3), "民盟", month(2002, 7))
    assert (form.professional_title, form.expertise) == ("高级工程师（2012.12）", "化工技术")
    assert (form.full_time_education, form.full_time_degree) == ("研究生", "工学硕士")
    assert (form.full_time_education_school, form.full_time_degree_school) == ("浙江大学化学系", "浙江大学化学系")
    assert (form.in_service_education, form.in_service_degree, form.in_service_education_school) == ("", "", "")
    assert (form.current_post, form.proposed_post, form.proposed_removal) == (
        "青岚县科技局副局长", "青岚县经信局局长", "青岚县科技局副局长")
    assert form.resume == [
        ResumeLine(month(1998, 9), month(2002, 7), "浙江大学化学系学习"),
        ResumeLine(month(2002, 7), month(2005, 7), "青岚县化工厂技术员", ["2003.03--2004.03在省化工研究院进修"]),
        ResumeLine(month(2005, 7), month(2019, 1), "青岚县科技局科员、科长、总工程师"),
        ResumeLine(month(2019, 1), None, "青岚县科技局副局长"),
    ]
    assert (form.awards, form.assessments, form.reason) == (
        "2015年获县优秀共产党员称号", "2021、2022、2023年年度考核均为称职。", "工作需要")
    assert form.family == [
        FamilyMember("丈夫", "赵六", month(1978, 3), "群众", "青岚县人民医院医生", False),
        FamilyMember("母亲", "钱七", month(1950, 8), "群众", "已故", True),
    ]
    assert (form.reporting_unit, form.age_as_of, form.filled_by) == ("中共青岚县委组织部", dt.date(2024, 6, 1), "孙八")
    assert form.photo.startswith(b"\xff\xd8")


def test_a_form_without_a_photo_and_files_that_are_not_forms():
    assert word_form_read(standard_docx(photo=False), file_name="a.docx").photo == b""
    with pytest.raises(LrmxRejected, match="不是有效的 Word 文档"):
        word_form_read(b"PK\x03\x04 not really a zip", file_name="a.docx")
    document = Document()
    document.add_paragraph("会议通知")
    output = io.BytesIO()
    document.save(output)
    with pytest.raises(LrmxRejected, match="找不到“姓名”栏"):
        word_form_read(output.getvalue(), file_name="通知.docx")


@pytest.mark.django_db
def test_a_word_form_is_imported_like_an_lrmx_file():
    report = lrmx_import(actor=None, files=[("王芳.docx", standard_docx())], unit_path="青岚县/县科技局",
                         dry_run=False)
    [result] = report.files
    assert result.status == NEW, result.error
    person = Person.objects.get(pk=result.person_id)
    assert (person.name, person.sex, person.political_status, person.full_time_education) == ("王芳", "2", "05", "10")
    assert person.photo
    assert Relative.objects.filter(person=person).count() == 2


def test_the_docx_the_product_generates_reads_back_as_the_same_form():
    from cadres.appointment_forms.render import form_docx

    form = lrmx_read((FIXTURES / "full_bom_crlf.lrmx").read_bytes(), file_name="张三.lrmx")
    back = word_form_read(form_docx(form), file_name="张三.docx")
    # What the paper form shows is what comes back (the form prints no 身份证号 and no version).
    for name in ("name", "sex", "birth_month", "ethnicity", "native_place", "birthplace", "party_joined_on",
                 "party_note", "work_started_on", "health", "professional_title", "expertise",
                 "full_time_education", "full_time_degree", "full_time_education_school", "full_time_degree_school",
                 "in_service_education", "in_service_degree", "in_service_education_school",
                 "in_service_degree_school", "current_post", "proposed_post", "proposed_removal", "resume",
                 "awards", "assessments", "reason", "family", "reporting_unit", "filled_by"):
        assert getattr(back, name) == getattr(form, name), name
    assert back.photo.startswith(b"\xff\xd8")
