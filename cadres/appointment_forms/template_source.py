"""The shipped Word template of the 干部任免审批表, built with python-docx: the layout of
shared/domain/LRMX.md ("The form") with docxtpl's Jinja tags in the cells.

The .docx under templates/appointment_forms/ is what render.form_docx fills; this module is its
source, so the shipped file can be regenerated (`cadres build-form-template`). A deployment with
a provincial variant (a 培训情况 row, split opinion boxes) edits a copy in Word and names it in
settings.APPOINTMENT_FORM_DOCX_TEMPLATE; the tags it may use are the keys of
render.form_context (name, birth, resume, family, …; see docs/deployment.md).
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "appointment_forms" / "appointment_form.docx"

BODY_FONT = "宋体"
TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(10.5)  # 五号
RESUME_SIZE = Pt(11)
TITLE_SIZE = Pt(22)  # 二号
# Page 1: 7 columns (label, value, label, value, label, value, photo); page 2: 6 columns.
PAGE1_WIDTHS_MM = (20, 24, 20, 24, 22, 26, 32)
PAGE2_WIDTHS_MM = (20, 16, 20, 22, 24, 66)
# 简历: the period column; the text and 其间 notes hang from here.
RESUME_HANG_MM = 33


def _east_asian(run_properties: object, font: str) -> None:
    fonts = run_properties.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)  # type: ignore[attr-defined]
    for attribute in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)


def _text(paragraph: Paragraph, text: str, *, bold: bool = False, size: Pt | None = None,
          font: str = BODY_FONT) -> None:
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    _east_asian(run._element.get_or_add_rPr(), font)


def _cell_text(cell: _Cell, *lines: str, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
               vertical: WD_CELL_VERTICAL_ALIGNMENT = WD_CELL_VERTICAL_ALIGNMENT.CENTER) -> _Cell:
    """Fill a cell with one paragraph per line (the first reuses the cell's own paragraph)."""
    cell.vertical_alignment = vertical
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        _text(paragraph, line)
    return cell


def _label(cell: _Cell, *lines: str) -> _Cell:
    return _cell_text(cell, *lines)


def _value(cell: _Cell, *lines: str) -> _Cell:
    return _cell_text(cell, *lines)


def _left(cell: _Cell, *lines: str) -> _Cell:
    return _cell_text(cell, *lines, align=WD_ALIGN_PARAGRAPH.LEFT)


def _table(document: object, rows: int, widths_mm: tuple[int, ...]) -> Table:
    table = document.add_table(rows=rows, cols=len(widths_mm))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _height(table: Table, index: int, mm: float, *, exact: bool = False) -> None:
    row = table.rows[index]
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def _no_split(table: Table, index: int) -> None:
    properties = table.rows[index]._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _hanging(paragraph: Paragraph, *, left_mm: float, first_mm: float) -> None:
    paragraph.paragraph_format.left_indent = Mm(left_mm)
    paragraph.paragraph_format.first_line_indent = Mm(first_mm)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(left_mm))


def _page_one(document: object) -> None:
    title = document.add_paragraph()  # type: ignore[attr-defined]
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(10)
    _text(title, "干部任免审批表", bold=True, size=TITLE_SIZE, font=TITLE_FONT)

    table = _table(document, 10, PAGE1_WIDTHS_MM)
    cells = [row.cells for row in table.rows]
    # 姓名 | 性别 | 出生年月（岁） | photo (three rows)
    _label(cells[0][0], "姓  名")
    _value(cells[0][1], "{{ name }}")
    _label(cells[0][2], "性  别")
    _value(cells[0][3], "{{ sex }}")
    _label(cells[0][4], "出生年月", "（  岁）")
    _value(cells[0][5], "{{ birth_month }}", "{{ age_text }}")
    photo = cells[0][6].merge(cells[2][6])
    _value(photo, "{{ photo }}")
    # 民族 | 籍贯 | 出生地
    _label(cells[1][0], "民  族")
    _value(cells[1][1], "{{ ethnicity }}")
    _label(cells[1][2], "籍  贯")
    _value(cells[1][3], "{{ native_place }}")
    _label(cells[1][4], "出 生 地")
    _value(cells[1][5], "{{ birthplace }}")
    # 入党时间 | 参加工作时间 | 健康状况
    _label(cells[2][0], "入  党", "时  间")
    _value(cells[2][1], "{{ party }}")
    _label(cells[2][2], "参加工作", "时    间")
    _value(cells[2][3], "{{ work_started }}")
    _label(cells[2][4], "健康状况")
    _value(cells[2][5], "{{ health }}")
    # 专业技术职务 | 熟悉专业有何专长
    _label(cells[3][0], "专业技", "术职务")
    _value(cells[3][1].merge(cells[3][3]), "{{ professional_title }}")
    _label(cells[3][4], "熟悉专业", "有何专长")
    _value(cells[3][5].merge(cells[3][6]), "{{ expertise }}")
    # 学历学位: 全日制教育 / 在职教育, each 学历 and 学位 on two lines, the schools beside.
    _label(cells[4][0].merge(cells[5][0]), "学  历", "学  位")
    for row, (label, key) in enumerate((("全日制", "full_time"), ("在  职", "in_service")), start=4):
        _label(cells[row][1], label, "教  育")
        _value(cells[row][2].merge(cells[row][3]), f"{{{{ {key}_education }}}}", f"{{{{ {key}_degree }}}}")
        _label(cells[row][4], "毕业院校", "系及专业")
        _left(cells[row][5].merge(cells[row][6]), f"{{{{ {key}_education_school }}}}",
              f"{{{{ {key}_degree_school }}}}")
    for row, (labels, key) in enumerate(
        ((("现  任", "职  务"), "current_post"), (("拟  任", "职  务"), "proposed_post"),
         (("拟  免", "职  务"), "proposed_removal")), start=6,
    ):
        _label(cells[row][0], *labels)
        _left(cells[row][1].merge(cells[row][6]), f"{{{{ {key} }}}}")
    # 简历: one paragraph per entry (period, tab, text hanging after the period), then one per
    # 其间 note, aligned with the text.
    _label(cells[9][0], "简", "", "", "", "历")
    resume = cells[9][1].merge(cells[9][6])
    resume.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    first = resume.paragraphs[0]
    _text(first, "{%p for line in resume %}")
    entry = resume.add_paragraph()
    _hanging(entry, left_mm=RESUME_HANG_MM, first_mm=-RESUME_HANG_MM)
    _text(entry, "{{ line.period }}", size=RESUME_SIZE)
    entry.add_run().add_tab()
    _text(entry, "{{ line.text }}", size=RESUME_SIZE)
    _text(resume.add_paragraph(), "{%p for note in line.notes %}")
    note = resume.add_paragraph()
    _hanging(note, left_mm=RESUME_HANG_MM, first_mm=0)
    _text(note, "{{ note }}", size=RESUME_SIZE)
    _text(resume.add_paragraph(), "{%p endfor %}")
    _text(resume.add_paragraph(), "{%p endfor %}")

    for index in range(3):
        _height(table, index, 12)
    _height(table, 3, 12)
    _height(table, 4, 14)
    _height(table, 5, 14)
    for index in (6, 7, 8):
        _height(table, index, 11)
    _height(table, 9, 128)


def _page_two(document: object) -> None:
    table = _table(document, 14, PAGE2_WIDTHS_MM)
    cells = [row.cells for row in table.rows]
    for row, (label, key) in enumerate(
        ((("奖", "惩", "情", "况"), "awards"), (("年度", "考核", "结果"), "assessments"),
         (("任", "免", "理", "由"), "reason")),
    ):
        _label(cells[row][0], *label)
        value = cells[row][1].merge(cells[row][5])
        _left(value, f"{{{{ {key} }}}}")
        value.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    # 家庭主要成员及重要社会关系: a header row, the members (docxtpl repeats the row between
    # the {%tr %} rows; the list is padded to the paper's 7 rows), the label spanning them all.
    _label(cells[3][0].merge(cells[6][0]), "家庭", "主要", "成员", "及重", "要社", "会关", "系")
    for column, header in enumerate(("称  谓", "姓  名", "{{ family_birth_label }}", "政治面貌", "工作单位及职务"),
                                    start=1):
        _label(cells[3][column], header)
    _text(cells[4][1].paragraphs[0], "{%tr for member in family %}")
    for column, key in enumerate(("relation", "name", "birth", "political_status"), start=1):
        _value(cells[5][column], f"{{{{ member.{key} }}}}")
    _left(cells[5][5], "{{ member.employer }}")
    _text(cells[6][1].paragraphs[0], "{%tr endfor %}")
    # 呈报单位 with its date.
    _label(cells[7][0], "呈报", "单位")
    reporting = cells[7][1].merge(cells[7][5])
    _left(reporting, "{{ reporting_unit }}")
    date = reporting.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _text(date, "{{ reported_on }}")
    reporting.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    # 审批机关意见 | 行政机关任免意见, each with seal and date.
    _label(cells[8][0], "审批", "机关", "意见")
    _label(cells[8][4], "行政", "机关", "任免", "意见")
    for box in (cells[8][1].merge(cells[8][3]), cells[8][5]):
        box.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        for index, line in enumerate(("（盖章）", "年    月    日")):
            paragraph = box.paragraphs[0] if index == 0 else box.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _text(paragraph, line)
    # Rows 9–13 are not needed: drop them (the table was made with room to spare).
    for spare in table.rows[9:]:
        spare._tr.getparent().remove(spare._tr)
    _height(table, 0, 42)
    _height(table, 1, 22)
    _height(table, 2, 30)
    _height(table, 3, 10)
    _height(table, 5, 10)
    _height(table, 7, 28)
    _height(table, 8, 56)
    for index in range(len(table.rows)):
        _no_split(table, index)
    foot = document.add_paragraph()  # type: ignore[attr-defined]
    foot.paragraph_format.space_before = Pt(6)
    _text(foot, "填表人：{{ filled_by }}")
    foot.add_run().add_tab()
    _text(foot, "填表时间：{{ filled_on }}")
    foot.paragraph_format.tab_stops.add_tab_stop(Mm(110))


def build_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the Word template to `path` (the shipped one by default)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.left_margin, section.right_margin = Mm(21), Mm(21)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _page_one(document)
    breaker = document.add_paragraph()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    _page_two(document)
    document.core_properties.title = "干部任免审批表"
    document.core_properties.author = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
