"""The 干部任免审批表 as files: DOCX from a Word template filled by docxtpl (editable: clerks
adjust wording before printing) and PDF from an HTML template rendered by WeasyPrint.

Both read the same cell texts (`form_context`), so the two files say the same thing:
出生年月 as 1968.01 with the age at the 计算年龄时间 (51岁), 入党时间 with a democratic party,
学历 and 学位 on two lines with their schools beside them (none for 高中 and below), 简历 one
entry per line with its 其间 notes under it, the family padded to the paper's rows, a deceased
relative marked 已去世 and given no age.

The layouts are templates a deployment can replace: the Word template by
settings.APPOINTMENT_FORM_DOCX_TEMPLATE (default: the shipped one, built by template_source.py),
the HTML one the Django way (a project template `appointment_forms/form_pdf.html` earlier on
the template path). WeasyPrint needs the fonts named in that template's CSS (Debian's
fonts-noto-cjk; see docs/deployment.md).
"""

import base64
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from cadres.appointment_forms.data import FAMILY_ROWS_ON_PAPER, AppointmentForm, FamilyMember, ResumeLine
from cadres.appointment_forms.template_source import TEMPLATE_PATH
from cadres.core.dates import age_on, format_month

PDF_TEMPLATE = "appointment_forms/form_pdf.html"
# What the family's third column shows: the birth month (the national form) or the age at the
# 计算年龄时间 (some departments' choice).
FAMILY_SHOWS_BIRTH = "birth"
FAMILY_SHOWS_AGE = "age"
FAMILY_SHOWS = {FAMILY_SHOWS_BIRTH: "出生年月", FAMILY_SHOWS_AGE: "年龄"}
# 高中 and below: the form shows no school beside the education.
NO_SCHOOL_WORDS = ("高中", "初中", "小学", "中专及以下")
DECEASED_MARKS = ("已去世", "已故", "去世")
DECEASED = "已去世"
# Characters XML 1.0 cannot carry (a pasted control character would break the .docx).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The photo on page 1 (4:5).
PHOTO_WIDTH_MM = 26
PHOTO_HEIGHT_MM = 32.5


def _clean(value: str) -> str:
    return _NOT_IN_XML.sub("", value or "")


def birth_text(birth: dt.date | None) -> str:
    return format_month(birth)


def age_text(birth: dt.date | None, as_of: dt.date | None) -> str:
    """（51岁）: whole years from the 1st of the birth month to the 计算年龄时间."""
    if birth is None or as_of is None:
        return ""
    return f"（{age_on(birth.replace(day=1), as_of)}岁）"


def party_text(form: AppointmentForm) -> str:
    """入党时间: the month, a democratic party's name, or both ("2001.03；民革")."""
    return "；".join(part for part in (format_month(form.party_joined_on), form.party_note.strip()) if part)


def school_text(education: str, school: str) -> str:
    """The school beside an education; none for 高中 and below."""
    if any(word in education for word in NO_SCHOOL_WORDS):
        return ""
    return school


@dataclass
class Schools:
    """毕业院校系及专业 beside one education row: the 学历's school, and the 学位's when it
    is another (a school said twice is said once)."""

    education: str
    degree: str


def schools(education: str, education_school: str, degree_school: str) -> Schools:
    first = school_text(education, education_school)
    second = degree_school.strip()
    if second == first.strip():
        second = ""
    return Schools(_clean(first), _clean(second))


def resume_rows(lines: list[ResumeLine]) -> list[dict[str, Any]]:
    """简历 entries as the form prints them: the period (YYYY.MM--YYYY.MM, or YYYY.MM-- while it
    runs), the text, and the 其间 notes as "（其间：…）"."""
    rows = []
    for line in lines:
        start = format_month(line.started_on) or "不详"
        rows.append({
            "period": f"{start}--{format_month(line.ended_on)}",
            "text": _clean(line.text),
            "notes": [_clean(f"（其间：{note.strip()}）") for note in line.notes if note.strip()],
        })
    return rows


def family_row(member: FamilyMember, *, shows: str, as_of: dt.date | None) -> dict[str, str]:
    employer = member.employer_and_post.strip()
    if member.is_deceased and not any(mark in employer for mark in DECEASED_MARKS):
        employer = f"{employer}（{DECEASED}）" if employer else DECEASED
    deceased = member.is_deceased or any(mark in employer for mark in DECEASED_MARKS)
    if shows == FAMILY_SHOWS_AGE:
        # A deceased relative has no age on the form.
        born = "" if deceased or member.birth_month is None or as_of is None else str(
            age_on(member.birth_month.replace(day=1), as_of))
    else:
        born = format_month(member.birth_month)
    return {
        "relation": _clean(member.relation), "name": _clean(member.name), "birth": born,
        "political_status": _clean(member.political_status), "employer": _clean(employer),
    }


def date_text(value: dt.date | None) -> str:
    """2024年05月20日 (呈报单位's date, 填表时间)."""
    return f"{value.year}年{value.month:02d}月{value.day:02d}日" if value else ""


def form_context(form: AppointmentForm, *, family_shows: str = FAMILY_SHOWS_BIRTH) -> dict[str, Any]:
    """The text of every cell of the form, shared by the Word and the HTML template."""
    full_time = schools(form.full_time_education, form.full_time_education_school, form.full_time_degree_school)
    in_service = schools(form.in_service_education, form.in_service_education_school,
                         form.in_service_degree_school)
    family = [family_row(member, shows=family_shows, as_of=form.age_as_of) for member in form.family]
    blank = {"relation": "", "name": "", "birth": "", "political_status": "", "employer": ""}
    family += [dict(blank) for _ in range(FAMILY_ROWS_ON_PAPER - len(family))]
    plain = {
        "name": form.name, "sex": form.sex, "ethnicity": form.ethnicity, "native_place": form.native_place,
        "birthplace": form.birthplace, "health": form.health, "professional_title": form.professional_title,
        "expertise": form.expertise,
        "full_time_education": form.full_time_education, "full_time_degree": form.full_time_degree,
        "in_service_education": form.in_service_education, "in_service_degree": form.in_service_degree,
        "current_post": form.current_post, "proposed_post": form.proposed_post,
        "proposed_removal": form.proposed_removal, "awards": form.awards, "assessments": form.assessments,
        "reason": form.reason, "reporting_unit": form.reporting_unit, "filled_by": form.filled_by,
        "id_number": form.id_number,
    }
    return {
        **{key: _clean(value) for key, value in plain.items()},
        "birth_month": birth_text(form.birth_month),
        "age_text": age_text(form.birth_month, form.age_as_of),
        "party": party_text(form),
        "work_started": format_month(form.work_started_on),
        "full_time_education_school": full_time.education, "full_time_degree_school": full_time.degree,
        "in_service_education_school": in_service.education, "in_service_degree_school": in_service.degree,
        "resume": resume_rows(form.resume),
        "family": family,
        "family_birth_label": FAMILY_SHOWS.get(family_shows, FAMILY_SHOWS[FAMILY_SHOWS_BIRTH]),
        "age_as_of": date_text(form.age_as_of),
        "reported_on": date_text(form.filled_on),
        "filled_on": date_text(form.filled_on),
    }


# --- DOCX ------------------------------------------------------------------------------------


def docx_template_path() -> Path:
    return Path(getattr(settings, "APPOINTMENT_FORM_DOCX_TEMPLATE", "") or TEMPLATE_PATH)


@lru_cache(maxsize=4)
def _template_bytes(path: Path, modified: float) -> bytes:
    return path.read_bytes()


def _photo_size(photo: bytes) -> tuple[float, float] | None:
    """The photo's size on the page (mm), fitted into the photo box; None for no usable picture."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(photo)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    if not width or not height:
        return None
    scale = min(PHOTO_WIDTH_MM / width, PHOTO_HEIGHT_MM / height)
    return width * scale, height * scale


def _multiline(context: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Free-text cells keep their line breaks in Word (docxtpl's Listing: \\n → a line break)."""
    from docxtpl import Listing

    for key in keys:
        context[key] = Listing(context[key])


def form_docx(form: AppointmentForm, *, family_shows: str = FAMILY_SHOWS_BIRTH) -> bytes:
    """The form as a Word document, from the Word template (see the module docstring)."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    path = docx_template_path()
    template = DocxTemplate(io.BytesIO(_template_bytes(path, path.stat().st_mtime)))
    context = form_context(form, family_shows=family_shows)
    _multiline(context, ("awards", "assessments", "reason", "current_post", "proposed_post",
                         "proposed_removal", "reporting_unit", "expertise"))
    size = _photo_size(form.photo) if form.photo else None
    context["photo"] = (InlineImage(template, io.BytesIO(form.photo), width=Mm(size[0]), height=Mm(size[1]))
                        if size else "")
    template.render(context, autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def photo_data_uri(photo: bytes) -> str:
    if not photo or _photo_size(photo) is None:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii")


@lru_cache(maxsize=1)
def _font_configuration() -> Any:
    # One font configuration per process: fontconfig reads the fonts once, not per form.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def form_html(form: AppointmentForm, *, family_shows: str = FAMILY_SHOWS_BIRTH) -> str:
    context = form_context(form, family_shows=family_shows)
    context["photo_uri"] = photo_data_uri(form.photo)
    return render_to_string(PDF_TEMPLATE, context)


def form_pdf(form: AppointmentForm, *, family_shows: str = FAMILY_SHOWS_BIRTH) -> bytes:
    """The form as an A4 PDF of two pages, from the HTML template (see the module docstring)."""
    from weasyprint import HTML

    document = HTML(string=form_html(form, family_shows=family_shows), base_url=str(settings.BASE_DIR))
    return bytes(document.write_pdf(font_config=_font_configuration()))


FORMATS = {"pdf": (".pdf", form_pdf), "docx": (".docx", form_docx)}


def form_file(form: AppointmentForm, file_format: str, *, family_shows: str = FAMILY_SHOWS_BIRTH) -> bytes:
    """The form as a PDF ("pdf") or a Word document ("docx")."""
    _, writer = FORMATS[file_format]
    return writer(form, family_shows=family_shows)


def file_name(form: AppointmentForm, file_format: str) -> str:
    """干部任免审批表-姓名.pdf"""
    suffix, _ = FORMATS[file_format]
    safe = re.sub(r'[\\/:*?"<>|\s]+', "", form.name) or "干部"
    return f"干部任免审批表-{safe}{suffix}"
