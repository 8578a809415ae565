"""The 干部任免审批表 from a fully filled record, as PDF (read back with pypdf) and DOCX (read back
with python-docx): every field in the cells' order, the photo on page 1, a 简历 with a 其间
line, the age at the 计算年龄时间."""

import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from cadres.appointment_forms.data import AppointmentForm, FamilyMember, ResumeLine
from cadres.appointment_forms.record import form_from_record
from cadres.appointment_forms.render import (
    FAMILY_SHOWS_AGE,
    age_text,
    file_name,
    form_context,
    form_docx,
    form_pdf,
)
from cadres.appointment_forms.tests.full_record import AGE_AS_OF, EXPECTED_IN_ORDER, county_units, full_record

pytestmark = pytest.mark.django_db


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _images_drawn(page) -> int:
    return len(re.findall(rb"/[\w.]+ Do\b", page.get_contents().get_data()))


def _assert_in_order(text: str, expected: list[str]) -> None:
    text = _squeezed(text)
    position = 0
    for value in expected:
        found = text.find(_squeezed(value), position)
        assert found >= 0, f"“{value}” not found after position {position}: …{text[position:position + 80]}…"
        position = found + len(_squeezed(value))


@pytest.fixture
def units():
    return county_units()


@pytest.fixture
def form(units) -> AppointmentForm:
    person = full_record(units)
    return form_from_record(person, age_as_of=AGE_AS_OF, proposed_post="青岚县人民政府副县长",
                            proposed_removal="青岚县水利局局长", reason="工作需要。",
                            reporting_unit="中共青岚县委组织部", filled_by="张干事",
                            filled_on=dt.date(2019, 6, 30))


def test_form_from_record_has_every_field(form):
    # then
    assert (form.name, form.sex, form.ethnicity) == ("王建国", "男", "汉族")
    assert form.birth_month == dt.date(1968, 1, 1)
    assert form.full_time_education == "大学本科" and form.full_time_degree == "学士"
    assert form.current_post == "青岚县水利局局长、党组书记"
    assert form.awards == "2018.06 优秀共产党员（中共青岚县委）"
    assert form.assessments == "2016年年度考核为优秀，2017、2018年年度考核均为称职。"
    assert form.id_number == "330326196801150013"
    assert form.photo.startswith(b"\xff\xd8")
    assert [member.name for member in form.family] == ["李秀英", "王大山"]
    father = form.family[1]
    assert father.is_deceased and father.employer_and_post == "已去世"
    school, clerk, head, concurrent = form.resume
    assert school.text == "浙江大学水利系水利水电工程专业学习"
    assert clerk.notes == ["2004.09--2006.12在省委党校在职研究生班学习"]
    assert concurrent.ended_on is None and concurrent.text == "青岚县水利局局长（兼任党组书记）"


def test_a_record_without_awards_says_none(units):
    person = full_record(units, name="李四", id_number="")
    person.awards.all().delete()
    person.annual_assessments.all().delete()
    # when
    bare = form_from_record(person, age_as_of=AGE_AS_OF)
    # then
    assert bare.awards == "无" and bare.assessments == "无"


def test_pdf_has_every_field_in_cell_order_and_the_photo_on_page_one(form):
    # when
    reader = PdfReader(io.BytesIO(form_pdf(form)))
    # then
    assert len(reader.pages) == 2
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)
    text = "\n".join(page.extract_text() for page in reader.pages)
    _assert_in_order(text, EXPECTED_IN_ORDER)
    # The photo is the one image page 1 draws (WeasyPrint shares one resource dictionary between
    # the pages, so the drawing operators tell which page shows it).
    assert len(reader.pages[0].images) == 1
    assert [_images_drawn(page) for page in reader.pages] == [1, 0]
    assert "奖惩情况" in _squeezed(reader.pages[1].extract_text())
    assert "简" in reader.pages[0].extract_text() and "其间" in reader.pages[0].extract_text()


def test_docx_has_every_field_in_cell_order_and_the_photo_on_page_one(form):
    # when
    document = Document(io.BytesIO(form_docx(form)))
    # then
    text = "".join(node.text or "" for node in document.element.body.iter(qn("w:t")))
    _assert_in_order(text, EXPECTED_IN_ORDER)
    first, second = document.tables
    assert len(document.inline_shapes) == 1
    assert first._tbl.xpath(".//pic:pic") and not second._tbl.xpath(".//pic:pic")
    # 简历: one paragraph per entry, its 其间 note a paragraph of its own under it.
    resume_cell = first.rows[9].cells[1]
    paragraphs = [paragraph.text for paragraph in resume_cell.paragraphs if paragraph.text.strip()]
    assert paragraphs[1] == "1990.07--2010.03\t青岚县水利局科员"
    assert paragraphs[2] == "（其间：2004.09--2006.12在省委党校在职研究生班学习）"
    assert paragraphs[-1] == "2012.05--\t青岚县水利局局长（兼任党组书记）"
    # The family table: the paper's 7 rows and a header.
    family_rows = [row for row in second.rows if row.cells[1].text in ("妻子", "父亲", "")]
    assert len(family_rows) == 7


def test_age_is_whole_years_from_the_first_of_the_birth_month():
    birth = dt.date(1968, 1, 1)
    assert age_text(birth, dt.date(2019, 6, 30)) == "（51岁）"
    assert age_text(birth, dt.date(2018, 12, 31)) == "（50岁）"
    assert age_text(birth, dt.date(2019, 1, 1)) == "（51岁）"
    # the day of birth is not counted: the birthday is the 1st of the month
    assert age_text(dt.date(1968, 1, 20), dt.date(2019, 1, 1)) == "（51岁）"
    assert age_text(birth, None) == ""


def test_age_shows_at_the_age_date_in_both_files(form):
    form.age_as_of = dt.date(2017, 12, 31)
    pdf_text = _squeezed(PdfReader(io.BytesIO(form_pdf(form))).pages[0].extract_text())
    docx_text = "".join(node.text or "" for node in Document(io.BytesIO(form_docx(form))).element.body.iter(qn("w:t")))
    assert "1968.01（49岁）" in pdf_text
    assert "1968.01（49岁）" in _squeezed(docx_text)


def _bare_form(**fields):
    values = {"name": "赵六", "birth_month": dt.date(1980, 5, 1), "age_as_of": dt.date(2020, 5, 1)}
    values.update(fields)
    return AppointmentForm(**values)


def test_relatives_show_age_by_choice_and_a_deceased_one_none():
    form = _bare_form(family=[
        FamilyMember("母亲", "钱七", dt.date(1950, 6, 1), "群众", "", is_deceased=True),
        FamilyMember("女儿", "赵小", dt.date(2008, 5, 1), "", "青岚中学学生"),
    ])
    # when
    by_age = form_context(form, family_shows=FAMILY_SHOWS_AGE)
    by_birth = form_context(form)
    # then
    assert by_age["family_birth_label"] == "年龄" and by_birth["family_birth_label"] == "出生年月"
    mother, daughter = by_age["family"][:2]
    assert (mother["birth"], mother["employer"]) == ("", "已去世")
    assert daughter["birth"] == "12"
    assert by_birth["family"][1]["birth"] == "2008.05"
    assert len(by_age["family"]) == 7


def test_high_school_and_below_show_no_school():
    form = _bare_form(full_time_education="高中", full_time_education_school="青岚中学",
                      in_service_education="大学本科", in_service_education_school="中央党校函授学院经济管理专业",
                      in_service_degree_school="中央党校函授学院经济管理专业")
    context = form_context(form)
    assert context["full_time_education_school"] == ""
    assert context["in_service_education_school"] == "中央党校函授学院经济管理专业"
    # the same school for the 学位 is written once
    assert context["in_service_degree_school"] == ""


def test_a_democratic_party_shows_in_party_time():
    assert form_context(_bare_form(party_joined_on=dt.date(2001, 3, 1), party_note="民革"))["party"] == "2001.03；民革"
    assert form_context(_bare_form(party_note="九三学社"))["party"] == "九三学社"


def test_text_with_markup_and_control_characters_stays_text():
    form = _bare_form(name="A&B<王>", reason="第一行\n第二行\x0b", resume=[
        ResumeLine(dt.date(2000, 1, 1), None, "<b>某局</b> & 科员", notes=[])])
    document = Document(io.BytesIO(form_docx(form)))
    text = "".join(node.text or "" for node in document.element.body.iter(qn("w:t")))
    assert "A&B<王>" in text and "<b>某局</b> & 科员" in text
    assert "A&B<王>" in PdfReader(io.BytesIO(form_pdf(form))).pages[0].extract_text()


def test_a_deployment_replaces_the_word_template(settings, tmp_path, form):
    from docx import Document as NewDocument

    replacement = NewDocument()
    replacement.add_paragraph("培训情况：{{ name }} 的省级培训")
    path = tmp_path / "province.docx"
    replacement.save(str(path))
    settings.APPOINTMENT_FORM_DOCX_TEMPLATE = str(path)
    # when
    document = Document(io.BytesIO(form_docx(form)))
    # then
    assert document.paragraphs[0].text == "培训情况：王建国 的省级培训"


def test_file_names_are_chinese(form):
    assert file_name(form, "pdf") == "干部任免审批表-王建国.pdf"
    assert file_name(form, "docx") == "干部任免审批表-王建国.docx"
