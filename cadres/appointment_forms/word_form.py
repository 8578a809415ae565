"""A received Word 任免审批表 (.docx) of the standard layout read into an `AppointmentForm`, the
same preview an LRMX file gets (LRMX.md "The form").

The standard layout is a table (or two, one per page) of label cells — 姓名, 性别, 出生年月（岁）,
民族 … — each followed by its value in the next cell of the row; 学历学位 as two rows (全日制教育 /
在职教育) holding 学历 and 学位 on two lines, then 毕业院校系及专业 with the two schools on two
lines; 简历 in the large cell; the family as a header row (称谓 | 姓名 | 出生年月 or 年龄 | 政治面貌 |
工作单位及职务) and one row per member. Labels are recognised whatever spaces and line breaks
space them out. The first picture in the document is the photo. Read with python-docx; a file
that is not a .docx, or has no 姓名, is refused with `LrmxRejected` naming the file.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, Literal

from docx import Document
from docx.table import Table
from PIL import Image

from cadres.appointment_forms.data import AppointmentForm, FamilyMember
from cadres.appointment_forms.lrmx import (
    LrmxRejected,
    deceased_in,
    parse_lrmx_day,
    parse_lrmx_month,
    parse_resume,
)

MAX_BYTES = 20 * 1024 * 1024
# Label (spaces, line breaks and brackets removed) → field; the value is the next cell.
LABELS = {
    "姓名": "name", "性别": "sex", "民族": "ethnicity", "籍贯": "native_place", "出生地": "birthplace",
    "参加工作时间": "work_started_on", "健康状况": "health", "专业技术职务": "professional_title",
    "熟悉专业有何专长": "expertise", "现任职务": "current_post", "拟任职务": "proposed_post",
    "拟免职务": "proposed_removal", "简历": "resume", "奖惩情况": "awards", "年度考核结果": "assessments",
    "任免理由": "reason", "呈报单位": "reporting_unit", "入党时间": "party", "出生年月岁": "birth_month",
    "出生年月": "birth_month", "身份证号": "id_number", "公民身份号码": "id_number", "身份证号码": "id_number",
    "填表人": "filled_by",
}
FAMILY_HEADERS = {"称谓": "relation", "姓名": "name", "出生年月": "birth", "年龄": "birth", "出生日期": "birth",
                  "政治面貌": "political_status", "工作单位及职务": "employer_and_post"}
_SPACES = re.compile(r"[\s\u3000（）()]+")
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[年.．\-]\s*(\d{1,2})(?:\s*[月.．\-]\s*(\d{1,2}))?")


def _key(text: str) -> str:
    return _SPACES.sub("", text)


def _tables(tables: list[Table]) -> Iterator[Table]:
    for table in tables:
        yield table
        for row in table.rows:
            for cell in _unique_cells(row):
                yield from _tables(cell.tables)


def _unique_cells(row: Any) -> list[Any]:
    """A row's cells, a merged cell once."""
    cells: list[Any] = []
    for cell in row.cells:
        if not any(cell._tc is seen._tc for seen in cells):
            cells.append(cell)
    return cells


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def word_form_read(content: bytes, *, file_name: str) -> AppointmentForm:
    """Read a .docx 任免审批表 of the standard layout (see the module docstring)."""
    if len(content) > MAX_BYTES:
        raise LrmxRejected(f"文件“{file_name}”过大，不是任免审批表")
    try:
        document = Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise LrmxRejected(f"文件“{file_name}”不是有效的 Word 文档（.docx），无法读取") from error
    values: dict[str, str] = {}
    schools: list[tuple[str, list[str], list[str]]] = []
    family: list[FamilyMember] = []
    for table in _tables(document.tables):
        rows = [_unique_cells(row) for row in table.rows]
        family_columns: dict[str, int] | None = None
        for cells in rows:
            texts = [cell.text for cell in cells]
            keys = [_key(text) for text in texts]
            if family_columns is not None:
                member = _family_row(texts, family_columns)
                if member is False:
                    family_columns = None
                else:
                    if member is not None:
                        family.append(member)
                    continue
            if "称谓" in keys and "姓名" in keys:
                family_columns = {FAMILY_HEADERS[key]: index for index, key in enumerate(keys) if key in FAMILY_HEADERS}
                continue
            for index, key in enumerate(keys):
                if key in ("全日制教育", "在职教育") and index + 1 < len(cells):
                    school_index = next((i for i in range(index + 2, len(keys)) if keys[i] == "毕业院校系及专业"), None)
                    school_lines = _lines(texts[school_index + 1]) if school_index is not None and \
                        school_index + 1 < len(texts) else []
                    schools.append((key, _lines(texts[index + 1]), school_lines))
                    continue
                field = LABELS.get(key)
                if field is None or field in values or index + 1 >= len(cells):
                    continue
                if _key(texts[index + 1]) in LABELS:
                    continue
                values[field] = texts[index + 1].strip() if field == "resume" else texts[index + 1].strip()
    for paragraph in document.paragraphs:
        text = paragraph.text
        if "填表人" in text and "filled_by" not in values:
            match = re.search(r"填表人[：:]\s*(\S*)", text)
            values["filled_by"] = match.group(1) if match else ""
    name = _key(values.get("name", ""))
    if not name:
        raise LrmxRejected(f"文件“{file_name}”不是标准格式的干部任免审批表：找不到“姓名”栏")
    return _form(values, schools, family, _photo(document), file_name, name)


def _family_row(texts: list[str], columns: dict[str, int]) -> FamilyMember | None | Literal[False]:
    """A family row; None for an empty one; False where the family block has ended."""
    if max(columns.values()) >= len(texts):
        return False

    def at(name: str) -> str:
        return texts[columns[name]].strip() if name in columns else ""

    if any(_key(text) in LABELS and _key(text) != "姓名" for text in texts[:1]) and _key(texts[0]) in (
            "呈报单位", "审批机关意见"):
        return False
    relation, name = at("relation"), at("name")
    if not relation and not name:
        return None
    birth_text = at("birth")
    birth = None
    match = _DATE_IN_TEXT.search(birth_text) or re.fullmatch(r"(\d{4})(\d{2})", birth_text)
    if match:
        birth = parse_lrmx_month(f"{match.group(1)}.{int(match.group(2)):02d}")
    employer = at("employer_and_post")
    return FamilyMember(relation=relation, name=name, birth_month=birth,
                        political_status=at("political_status"), employer_and_post=employer,
                        is_deceased=deceased_in(employer))


def _month(text: str, file_name: str, label: str) -> Any:
    match = _DATE_IN_TEXT.search(text)
    if not text.strip():
        return None
    if match is None:
        raise LrmxRejected(f"文件“{file_name}”的 {label} “{text.strip()}” 不是有效的年月")
    try:
        return parse_lrmx_month(f"{match.group(1)}.{int(match.group(2)):02d}")
    except ValueError as error:
        raise LrmxRejected(f"文件“{file_name}”的 {label} “{text.strip()}” 不是有效的年月") from error


def _form(values: dict[str, str], schools: list[tuple[str, list[str], list[str]]], family: list[FamilyMember],
          photo: bytes, file_name: str, name: str) -> AppointmentForm:
    form = AppointmentForm(name=name)
    for field in ("sex", "ethnicity", "native_place", "birthplace", "health", "professional_title", "expertise",
                  "current_post", "proposed_post", "proposed_removal", "awards", "assessments", "reason",
                  "filled_by"):
        setattr(form, field, " ".join(_lines(values.get(field, ""))) if field not in ("awards",) else
                "\n".join(_lines(values.get(field, ""))))
    form.sex = _key(form.sex)
    form.ethnicity = _key(form.ethnicity)
    form.birth_month = _month(values.get("birth_month", "").split("（")[0].split("(")[0], file_name, "出生年月")
    form.work_started_on = _month(values.get("work_started_on", ""), file_name, "参加工作时间")
    party = values.get("party", "").strip()
    if party:
        match = _DATE_IN_TEXT.search(party)
        if match:
            form.party_joined_on = _month(match.group(0), file_name, "入党时间")
            form.party_note = party[match.end():].strip(" ；;，,、\n")
        else:
            form.party_note = party
    reporting = _lines(values.get("reporting_unit", ""))
    dates = [line for line in reporting if _DATE_IN_TEXT.search(line)]
    form.reporting_unit = " ".join(line for line in reporting if line not in dates)
    if dates:
        match = _DATE_IN_TEXT.search(dates[0])
        assert match is not None
        try:
            form.age_as_of = parse_lrmx_day(f"{match.group(1)}.{int(match.group(2)):02d}."
                                            f"{int(match.group(3) or 1):02d}")
        except ValueError:
            form.age_as_of = None
    form.id_number = _key(values.get("id_number", "")).upper()
    for kind, education_lines, school_lines in schools:
        prefix = "full_time" if kind == "全日制教育" else "in_service"
        education = education_lines + ["", ""]
        school = school_lines + ["", ""]
        setattr(form, f"{prefix}_education", education[0])
        setattr(form, f"{prefix}_degree", education[1])
        setattr(form, f"{prefix}_education_school", school[0])
        # One school line for both: the 学位 was given by the same school.
        setattr(form, f"{prefix}_degree_school", school[1] if len(school_lines) > 1 else (
            school[0] if education[1] else ""))
    form.resume = parse_resume(values.get("resume", ""), file_name=file_name)
    form.family = family
    form.photo = photo
    if form.id_number:
        from cadres.core.idcard import InvalidIdNumber, parse_id_number

        try:
            parse_id_number(form.id_number)
        except InvalidIdNumber as error:
            raise LrmxRejected(
                f"文件“{file_name}”的 身份证号 “{form.id_number}” 不是有效的身份证号：{error}") from error
    return form


def _photo(document: Any) -> bytes:
    """The first picture of the document, as JPEG."""
    for relationship in document.part.rels.values():
        if "image" not in relationship.reltype or relationship.is_external:
            continue
        blob = relationship.target_part.blob
        if blob.startswith(b"\xff\xd8"):
            return bytes(blob)
        try:
            with Image.open(io.BytesIO(blob)) as image:
                output = io.BytesIO()
                image.convert("RGB").save(output, format="JPEG", quality=90)
                return output.getvalue()
        except (OSError, ValueError):
            continue
    return b""
