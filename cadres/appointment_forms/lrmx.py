"""LRMX, the XML of the national 任免审批表 editor, read and written (see shared/domain/LRMX.md).

`lrmx_read` accepts what real files carry: a BOM or none, CRLF or LF, months as yyyyMM,
yyyyMMdd, yyyy.MM, yyyy.MM.dd or yyyy-MM, 入党时间 holding a democratic party (or
"yyyyMM；党派"), empty elements in any spelling, unknown and post-2025 elements (kept in
`AppointmentForm.unknown`), family members marked 已去世/已故, and a 简历 with any of the
separators real files use, YYYYMM dates, continuation lines and 其间 notes inline or on lines of
their own. The XML is parsed by defusedxml with DTDs forbidden, so no entity is declared,
expanded or fetched. A file that cannot be read is refused with `LrmxRejected`, whose Chinese
message names the file and the element.

`lrmx_write` writes what the common readers expect: UTF-8, the elements in the order of
LRMX.md, `Version` 3.2.1.6, months as yyyyMM, `JiSuanNianLingShiJian` as yyyyMMdd, 简历 entries
as `YYYY.MM--YYYY.MM␣␣text` (a running one `YYYY.MM--` padded to the same width), 其间 notes on
lines of their own under their entry, the photo as base64 JPEG.
"""

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from cadres.appointment_forms.data import LRMX_VERSION, AppointmentForm, FamilyMember, ResumeLine
from cadres.core.idcard import InvalidIdNumber, parse_id_number

# A form is a few hundred KB with its photo; anything far larger is not one.
MAX_BYTES = 20 * 1024 * 1024
# "YYYY.MM--YYYY.MM": a running entry's "YYYY.MM--" is padded to this width, then two spaces.
PERIOD_WIDTH = 16
NOTE_INDENT = " " * (PERIOD_WIDTH + 2)
LINE_BREAK = "\r\n"

# Element → AppointmentForm field, in the order every writer uses (LRMX.md 1–34).
TEXT_ELEMENTS = {
    "XingMing": "name",
    "XingBie": "sex",
    "MinZu": "ethnicity",
    "JiGuan": "native_place",
    "ChuShengDi": "birthplace",
    "JianKangZhuangKuang": "health",
    "ZhuanYeJiShuZhiWu": "professional_title",
    "ShuXiZhuanYeYouHeZhuanChang": "expertise",
    "QuanRiZhiJiaoYu_XueLi": "full_time_education",
    "QuanRiZhiJiaoYu_XueWei": "full_time_degree",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "full_time_education_school",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "full_time_degree_school",
    "ZaiZhiJiaoYu_XueLi": "in_service_education",
    "ZaiZhiJiaoYu_XueWei": "in_service_degree",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "in_service_education_school",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "in_service_degree_school",
    "XianRenZhiWu": "current_post",
    "NiRenZhiWu": "proposed_post",
    "NiMianZhiWu": "proposed_removal",
    "JiangChengQingKuang": "awards",
    "NianDuKaoHeJieGuo": "assessments",
    "RenMianLiYou": "reason",
    "ChengBaoDanWei": "reporting_unit",
    "TianBiaoRen": "filled_by",
    "ShenFenZheng": "id_number",
    "Version": "version",
    "ZhengZhiMianMao": "political_status",
    "GaiGeQianRenZhiNianLingJieXian": "age_limit_before_reform",
}
MONTH_ELEMENTS = {
    "ChuShengNianYue": "birth_month",
    "CanJiaGongZuoShiJian": "work_started_on",
    "DaoLingNianYue": "retirement_month",
}
DAY_ELEMENTS = {"JiSuanNianLingShiJian": "age_as_of", "TianBiaoShiJian": "filled_on"}
OTHER_ELEMENTS = {"RuDangShiJian", "JianLi", "JiaTingChengYuan", "ZhaoPian"}
ELEMENT_ORDER = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu",
    "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou",
    "JiaTingChengYuan", "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen",
    "ShenFenZheng", "ZhaoPian", "Version",
)
# Written after the 34 only when set (files after the 2025 retirement reform).
NEWER_ELEMENTS = ("ZhengZhiMianMao", "DaoLingNianYue", "GaiGeQianRenZhiNianLingJieXian")
FAMILY_ELEMENTS = ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu")
# Element names as the error messages show them.
ELEMENT_LABELS = {
    "ChuShengNianYue": "出生年月", "RuDangShiJian": "入党时间", "CanJiaGongZuoShiJian": "参加工作时间",
    "JiSuanNianLingShiJian": "计算年龄时间", "TianBiaoShiJian": "填表时间", "ShenFenZheng": "身份证号",
    "ZhaoPian": "照片", "JianLi": "简历", "ChuShengRiQi": "家庭成员出生年月", "DaoLingNianYue": "到龄年月",
    "XingMing": "姓名",
}
DECEASED_MARKS = ("已去世", "已故")
DECEASED = "已去世"

_MONTH = re.compile(r"(\d{4})(?:[.．\-/年](\d{1,2})(?:[.．\-/月](\d{1,2})日?)?月?|(\d{2})(\d{2})?)")
# 入党时间 "200103；民革", "2001.03 民革", "民革"
_PARTY = re.compile(r"^\s*(\d{4}[.．\-]?\d{1,2}(?:[.．\-]?\d{1,2})?)?\s*[；;，,、\s]*(.*?)\s*$")
# 专业技术职务 with its month: 高级工程师（2012.12）
TITLE_MONTH = re.compile(r"\s*[（(]\s*\d{4}[.．\-]?\d{1,2}\s*[）)]\s*$")
# One 简历 entry: start, separator, end (or nothing: still running; or 至今), text.
_DATE = r"(\d{4})(?:[.．](\d{1,2})|(\d{2}))"
_SEPARATOR = r"(?:——|－－|--|—|–|－|～|~|至|-|―)"
_ENTRY = re.compile(
    rf"^{_DATE}\s*{_SEPARATOR}\s*(?:{_DATE}|(至今|今))?(.*)$"
)
_NOTE_OPEN = re.compile(r"[（(]\s*其间\s*[：:]")
_BLANKS = " \t\u3000\u00a0"


class LrmxRejected(ValueError):
    """A file that is not a readable 任免审批表; the message (Chinese) names the file and the
    element."""


def _label(element: str) -> str:
    label = ELEMENT_LABELS.get(element)
    return f"{element}（{label}）" if label else element


def _refuse(file_name: str, element: str, value: str, reason: str) -> LrmxRejected:
    shown = value if len(value) <= 40 else value[:40] + "…"
    return LrmxRejected(f"文件“{file_name}”的 {element} “{shown}” {reason}")


def parse_lrmx_month(text: str) -> dt.date | None:
    """A month as LRMX files write it (yyyyMM, yyyyMMdd, yyyy.MM, yyyy.MM.dd, yyyy-MM), as its
    1st day; None for an empty value. ValueError for anything else (month 13 included)."""
    day = parse_lrmx_day(text)
    return day.replace(day=1) if day else None


def parse_lrmx_day(text: str) -> dt.date | None:
    """A month or a day (yyyyMMdd, …); a month alone is its 1st. ValueError when invalid."""
    text = text.strip()
    if not text:
        return None
    match = _MONTH.fullmatch(text)
    if match is None:
        raise ValueError(text)
    year = int(match.group(1))
    month = int(match.group(2) or match.group(4))
    day = match.group(3) or match.group(5)
    if not 1900 <= year <= 2200:
        raise ValueError(text)
    return dt.date(year, month, int(day) if day else 1)


def _text(element: Element | None) -> str:
    """An element's text, blank for `<X/>`, `<X></X>` or whitespace only."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(content: bytes, file_name: str) -> Element:
    if len(content) > MAX_BYTES:
        raise LrmxRejected(f"文件“{file_name}”过大（{len(content) / 1048576:.1f} MB），不是任免审批表")
    if not content.strip():
        raise LrmxRejected(f"文件“{file_name}”是空的")
    try:
        return SafeET.fromstring(content, forbid_dtd=True)
    except DefusedXmlException as error:
        raise LrmxRejected(
            f"文件“{file_name}”含有 DOCTYPE 或实体声明，出于安全原因拒绝读取（任免审批表文件不含这些内容）"
        ) from error
    except ParseError as error:
        # Not UTF-8 and no declaration saying what it is: the editors' older files are GBK.
        if "encoding" in str(error) or "not well-formed (invalid token)" in str(error):
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError:
                text = ""
            if text and text != content.decode("utf-8", errors="replace"):
                text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
                try:
                    return SafeET.fromstring(text, forbid_dtd=True)
                except (ParseError, DefusedXmlException):
                    pass
        line, column = getattr(error, "position", (0, 0))
        raise LrmxRejected(
            f"文件“{file_name}”不是完整有效的 XML（第{line}行第{column + 1}列附近出错），可能已损坏或被截断"
        ) from error


def lrmx_read(content: bytes, *, file_name: str) -> AppointmentForm:
    """Read an .lrmx file (see the module docstring). Raises LrmxRejected."""
    root = _parse_xml(content, file_name)
    if _local(root.tag) != "Person":
        raise LrmxRejected(f"文件“{file_name}”不是干部任免审批表（LRMX）：根元素是 {_local(root.tag)}，应为 Person")
    name = _text(root.find("XingMing"))
    if not name:
        raise LrmxRejected(f"文件“{file_name}”不是干部任免审批表（LRMX）：缺少 XingMing（姓名）")
    form = AppointmentForm(name=name)
    form.version = ""
    seen: set[str] = set()
    for child in root:
        tag = _local(child.tag) if isinstance(child.tag, str) else ""
        if not tag or tag in seen:
            continue
        seen.add(tag)
        if tag in TEXT_ELEMENTS:
            setattr(form, TEXT_ELEMENTS[tag], _text(child))
        elif tag in MONTH_ELEMENTS:
            setattr(form, MONTH_ELEMENTS[tag], _month(child, tag, file_name))
        elif tag in DAY_ELEMENTS:
            setattr(form, DAY_ELEMENTS[tag], _day(child, tag, file_name))
        elif tag == "RuDangShiJian":
            form.party_joined_on, form.party_note = _party(_text(child), file_name)
        elif tag == "JianLi":
            form.resume = parse_resume("".join(child.itertext()), file_name=file_name)
        elif tag == "JiaTingChengYuan":
            form.family = [_family_member(item, file_name) for item in child
                           if isinstance(item.tag, str) and _local(item.tag) == "Item"]
        elif tag == "ZhaoPian":
            form.photo = _photo(_text(child), file_name)
        else:
            form.unknown[tag] = _text(child)
    form.id_number = form.id_number.upper().replace(" ", "")
    if form.id_number:
        try:
            parse_id_number(form.id_number)
        except InvalidIdNumber as error:
            raise _refuse(file_name, _label("ShenFenZheng"), form.id_number, f"不是有效的身份证号：{error}") from error
    return form


def _month(element: Element, tag: str, file_name: str) -> dt.date | None:
    value = _text(element)
    try:
        return parse_lrmx_month(value)
    except ValueError as error:
        raise _refuse(file_name, _label(tag), value, "不是有效的年月") from error


def _day(element: Element, tag: str, file_name: str) -> dt.date | None:
    value = _text(element)
    try:
        return parse_lrmx_day(value)
    except ValueError as error:
        raise _refuse(file_name, _label(tag), value, "不是有效的日期") from error


def _party(value: str, file_name: str) -> tuple[dt.date | None, str]:
    """入党时间: a month, a democratic party's name, or both ("200103；民革")."""
    if not value:
        return None, ""
    match = _PARTY.match(value)
    month_text, note = (match.group(1), match.group(2)) if match else (None, value)
    if not month_text:
        if value[0].isdigit():
            raise _refuse(file_name, _label("RuDangShiJian"), value, "不是有效的年月")
        return None, value
    try:
        return parse_lrmx_month(month_text), note
    except ValueError as error:
        raise _refuse(file_name, _label("RuDangShiJian"), value, "不是有效的年月") from error


def _photo(value: str, file_name: str) -> bytes:
    if not value:
        return b""
    try:
        data = base64.b64decode(re.sub(r"\s+", "", value), validate=True)
    except (binascii.Error, ValueError) as error:
        raise _refuse(file_name, _label("ZhaoPian"), value[:20], "不是有效的 base64 编码图片") from error
    if not data.startswith(b"\xff\xd8") and not data.startswith(b"\x89PNG"):
        raise _refuse(file_name, _label("ZhaoPian"), value[:20], "不是 JPEG 图片")
    return data


def deceased_in(text: str) -> bool:
    return any(mark in text for mark in DECEASED_MARKS)


def _family_member(item: Element, file_name: str) -> FamilyMember:
    values = {_local(child.tag): _text(child) for child in item if isinstance(child.tag, str)}
    birth_text = values.get("ChuShengRiQi", "")
    try:
        birth = parse_lrmx_month(birth_text)
    except ValueError as error:
        raise _refuse(
            file_name, f"JiaTingChengYuan/Item（{values.get('XingMing', '')}）的 ChuShengRiQi（出生年月）",
            birth_text, "不是有效的年月",
        ) from error
    employer = values.get("GongZuoDanWeiJiZhiWu", "")
    return FamilyMember(
        relation=values.get("ChengWei", ""), name=values.get("XingMing", ""), birth_month=birth,
        political_status=values.get("ZhengZhiMianMao", ""), employer_and_post=employer,
        is_deceased=deceased_in(employer),
    )


# --- 简历 -----------------------------------------------------------------------------------


def _month_of(year: str, dotted: str | None, compact: str | None) -> dt.date:
    return dt.date(int(year), int(dotted or compact or "0"), 1)


def split_notes(text: str) -> tuple[str, list[str]]:
    """An entry's text without its "（其间：…）" notes, and the notes' words (brackets nested
    inside a note, as in "（其间：…在省委党校（中青班）学习）", stay in it)."""
    notes: list[str] = []
    rest: list[str] = []
    position = 0
    while (match := _NOTE_OPEN.search(text, position)) is not None:
        rest.append(text[position:match.start()])
        depth, index = 1, match.end()
        while index < len(text) and depth:
            if text[index] in "（(":
                depth += 1
            elif text[index] in "）)":
                depth -= 1
            index += 1
        body = text[match.end():index - 1 if depth == 0 else index]
        notes.append(body.strip().rstrip("。"))
        position = index
    rest.append(text[position:])
    return "".join(rest).strip(_BLANKS), [note for note in notes if note]


def parse_resume(text: str, *, file_name: str = "") -> list[ResumeLine]:
    """The 简历 cell as entries (see LRMX.md): one per line starting with a period; a line that
    does not start with a digit continues the entry above; 其间 notes, inline or on lines of
    their own, belong to the entry above them; leading spaces are noise."""
    entries: list[tuple[dt.date, dt.date | None, list[str]]] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip(_BLANKS)
        if not line:
            continue
        match = _ENTRY.match(line) if line[0].isdigit() else None
        if match is None:
            if not entries:
                raise _refuse(file_name, "JianLi（简历）", line, f"（第{number}行）不是以“年月--年月”开头的简历条目")
            entries[-1][2].append(line)
            continue
        try:
            started = _month_of(match.group(1), match.group(2), match.group(3))
            ended = _month_of(match.group(4), match.group(5), match.group(6)) if match.group(4) else None
        except ValueError as error:
            raise _refuse(file_name, "JianLi（简历）", line, f"（第{number}行）的年月无效") from error
        if ended is not None and ended < started:
            raise _refuse(file_name, "JianLi（简历）", line, f"（第{number}行）的截止年月早于起始年月")
        entries.append((started, ended, [match.group(8).strip(_BLANKS)]))
    lines = []
    for started, ended, parts in entries:
        body, notes = split_notes("".join(parts))
        lines.append(ResumeLine(started_on=started, ended_on=ended, text=body, notes=notes))
    return lines


def resume_period(line: ResumeLine) -> str:
    end = _yyyy_mm(line.ended_on) if line.ended_on else ""
    return f"{_yyyy_mm(line.started_on)}--{end}"


def format_resume(lines: list[ResumeLine]) -> str:
    """The 简历 as LRMX writes it: `YYYY.MM--YYYY.MM␣␣text`, a running entry `YYYY.MM--`
    padded to the same width, each 其间 note on a line of its own indented to the text."""
    out = []
    for line in lines:
        out.append(f"{resume_period(line).ljust(PERIOD_WIDTH)}  {line.text}")
        out.extend(f"{NOTE_INDENT}（其间：{note}）" for note in line.notes)
    return LINE_BREAK.join(out)


# --- writing --------------------------------------------------------------------------------


def _yyyy_mm(value: dt.date | None) -> str:
    return f"{value.year}.{value.month:02d}" if value else ""


def _compact_month(value: dt.date | None) -> str:
    return f"{value.year:04d}{value.month:02d}" if value else ""


def _compact_day(value: dt.date | None) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}" if value else ""


def party_text(form: AppointmentForm) -> str:
    """入党时间 as written: yyyyMM, the party's name, or "yyyyMM；党派"."""
    month = _compact_month(form.party_joined_on)
    if month and form.party_note:
        return f"{month}；{form.party_note}"
    return month or form.party_note


def _element_values(form: AppointmentForm) -> Iterator[tuple[str, str]]:
    fields = dict(TEXT_ELEMENTS)
    for tag in ELEMENT_ORDER:
        if tag == "Version":
            yield tag, LRMX_VERSION
        elif tag in MONTH_ELEMENTS:
            yield tag, _compact_month(getattr(form, MONTH_ELEMENTS[tag]))
        elif tag == "JiSuanNianLingShiJian":
            yield tag, _compact_day(form.age_as_of)
        elif tag == "TianBiaoShiJian":
            yield tag, _compact_month(form.filled_on)
        elif tag == "RuDangShiJian":
            yield tag, party_text(form)
        elif tag == "JianLi":
            yield tag, format_resume(form.resume)
        elif tag == "ZhaoPian":
            yield tag, base64.b64encode(form.photo).decode("ascii") if form.photo else ""
        elif tag == "JiaTingChengYuan":
            yield tag, ""
        else:
            yield tag, getattr(form, fields[tag])


def _family_xml(members: list[FamilyMember]) -> str:
    items = []
    for member in members:
        employer = member.employer_and_post
        if member.is_deceased and not deceased_in(employer):
            employer = f"{employer}（{DECEASED}）" if employer else DECEASED
        values = (member.relation, member.name, _compact_month(member.birth_month),
                  member.political_status, employer)
        inner = "".join(f"<{tag}>{_escape(value)}</{tag}>" for tag, value in zip(FAMILY_ELEMENTS, values))
        items.append(f"    <Item>{inner}</Item>")
    return "\n" + "\n".join(items) + "\n  " if items else ""


def _escape(value: str) -> str:
    # A CR would be folded into LF by every XML reader; written as a reference it survives.
    return escape(value).replace("\r", "&#xD;")


def lrmx_write(form: AppointmentForm) -> bytes:
    """The form as an .lrmx file (see the module docstring)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<Person>"]
    for tag, value in _element_values(form):
        if tag == "JiaTingChengYuan":
            lines.append(f"  <JiaTingChengYuan>{_family_xml(form.family)}</JiaTingChengYuan>")
        else:
            lines.append(f"  <{tag}>{_escape(value)}</{tag}>")
    newer = {
        "ZhengZhiMianMao": form.political_status,
        "DaoLingNianYue": _compact_month(form.retirement_month),
        "GaiGeQianRenZhiNianLingJieXian": form.age_limit_before_reform,
    }
    lines += [f"  <{tag}>{_escape(value)}</{tag}>" for tag, value in newer.items() if value]
    known = {*ELEMENT_ORDER, *NEWER_ELEMENTS}
    lines += [f"  <{tag}>{_escape(value)}</{tag}>" for tag, value in form.unknown.items()
              if tag not in known and re.fullmatch(r"[A-Za-z_][\w.\-]*", tag)]
    lines.append("</Person>")
    return ("\n".join(lines) + "\n").encode("utf-8")
