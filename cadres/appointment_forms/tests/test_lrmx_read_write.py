"""LRMX read and written (cadres.appointment_forms.lrmx): every variant of LRMX.md, bad files
refused with the file and the element named, and the writer's format."""

import base64
import datetime as dt
import re
from pathlib import Path

import pytest

from cadres.appointment_forms.data import AppointmentForm, FamilyMember, ResumeLine
from cadres.appointment_forms.lrmx import (
    ELEMENT_ORDER,
    LrmxRejected,
    format_resume,
    lrmx_read,
    lrmx_write,
    parse_lrmx_month,
    parse_resume,
)

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> AppointmentForm:
    return lrmx_read((FIXTURES / name).read_bytes(), file_name=name)


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


# --- the file ----------------------------------------------------------------------------


def test_full_file_with_bom_and_crlf_is_read_field_by_field():
    raw = (FIXTURES / "full_bom_crlf.lrmx").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    form = read("full_bom_crlf.lrmx")
    assert (form.name, form.sex, form.birth_month, form.ethnicity) == ("张三", "男", month(1975, 3), "汉族")
    assert (form.native_place, form.birthplace, form.health) == ("浙江杭州", "浙江杭州", "健康")
    assert (form.party_joined_on, form.party_note, form.work_started_on) == (month(1997, 6), "", month(1997, 7))
    assert (form.professional_title, form.expertise) == ("高级工程师", "水利工程管理")
    assert (form.full_time_education, form.full_time_degree) == ("大学本科", "学士")
    assert form.full_time_education_school == "河海大学水利工程专业"
    assert form.full_time_degree_school == "河海大学"
    assert (form.in_service_education, form.in_service_degree) == ("研究生", "硕士")
    assert form.in_service_education_school == "浙江大学公共管理专业"
    assert form.in_service_degree_school == "浙江大学"
    assert (form.current_post, form.proposed_post, form.proposed_removal) == (
        "青岚县水利局局长", "青岚县农业农村局局长", "青岚县水利局局长")
    assert form.awards == "2018.06 优秀共产党员（中共青岚县委）"
    assert form.assessments == "2021、2022、2023年年度考核均为称职。"
    assert (form.reason, form.reporting_unit, form.filled_by) == ("工作需要", "中共青岚县委组织部", "王五")
    assert (form.age_as_of, form.filled_on) == (dt.date(2024, 6, 1), month(2024, 6))
    assert form.id_number == "330102197503121231"
    assert form.photo.startswith(b"\xff\xd8")
    assert form.version == "3.2.1.6"
    assert form.resume == [
        ResumeLine(month(1993, 9), month(1997, 7), "河海大学水利工程专业学习"),
        ResumeLine(month(1997, 7), month(2003, 5), "青岚县水利局科员"),
        ResumeLine(month(2003, 5), month(2015, 3), "青岚县水利局副局长",
                   ["2010.09--2012.07在浙江大学公共管理专业在职研究生学习"]),
        ResumeLine(month(2015, 3), None, "青岚县水利局局长"),
    ]
    assert form.family == [
        FamilyMember("妻子", "李四", month(1977, 6), "中共党员", "青岚县第一中学教师", False),
        FamilyMember("父亲", "张大山", month(1948, 2), "群众", "已去世", True),
    ]
    assert form.unknown == {}


def test_without_bom_with_lf_dotted_months_empty_elements_and_newer_elements():
    raw = (FIXTURES / "variants_lf.lrmx").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    form = read("variants_lf.lrmx")
    assert form.name == "王芳"
    assert form.birth_month == month(1980, 5)  # 1980.05.06
    assert form.work_started_on == month(2002, 7)  # 2002-07
    assert (form.native_place, form.birthplace, form.health) == ("", "", "")  # <X/>, <X></X>, blank
    assert (form.party_joined_on, form.party_note) == (None, "民盟")
    assert form.professional_title == "高级工程师（2012.12）"
    assert form.age_as_of == dt.date(2024, 6, 1)  # 2024.06.01
    assert form.filled_on == dt.date(2024, 6, 15)  # 20240615
    assert form.photo == b""
    assert form.version == "3.2.1.16"
    assert form.political_status == "民盟盟员"
    assert form.retirement_month == month(2040, 5)
    assert form.age_limit_before_reform == "55周岁"
    assert form.unknown == {"BeiZhu": "未知元素，应保留"}
    assert form.family[1].is_deceased and form.family[1].employer_and_post == "原青岚县纺织厂职工（已故）"
    assert form.family[1].birth_month == month(1950, 8)
    assert not form.family[0].is_deceased


def test_resume_with_every_separator_continuation_notes_and_leading_spaces():
    form = read("variants_lf.lrmx")
    assert [(line.started_on, line.ended_on, line.text, line.notes) for line in form.resume] == [
        (month(1998, 9), month(2002, 7), "浙江大学化学系学习", []),  # —, leading space
        # ——, YYYYMM, an inline note
        (month(2002, 7), month(2005, 7), "青岚县化工厂技术员", ["2003.03--2004.03在省化工研究院进修"]),
        (month(2005, 7), month(2008, 1), "青岚县科技局科员", []),  # –
        (month(2008, 1), month(2010, 1), "青岚县科技局科长，负责科技项目管理", []),  # －, continuation
        (month(2010, 1), month(2012, 1), "青岚县科技局办公室主任", []),  # ～
        (month(2012, 1), month(2015, 1), "青岚县科技局总工程师", []),  # ~, YYYYMM
        (month(2015, 1), month(2018, 1), "青岚县科技局总工程师", ["2016.03--2016.09挂职锻炼"]),  # 至, own line
        (month(2018, 1), month(2019, 1), "青岚县科技局副局长（试用期）", []),  # -
        (month(2019, 1), None, "青岚县科技局副局长", []),  # running
    ]


@pytest.mark.parametrize("separator", ["--", "—", "——", "–", "－", "～", "~", "至", "-"])
def test_each_separator(separator):
    [line] = parse_resume(f"2001.03{separator}2004.05  某某工作")
    assert (line.started_on, line.ended_on, line.text) == (month(2001, 3), month(2004, 5), "某某工作")


def test_resume_notes_nested_brackets_wrapped_notes_and_running_entry():
    lines = parse_resume(
        "2003.05--2015.03  副局长\r\n"
        "  （其间：2010.09--2012.07在省委党校（中青班）\r\n"
        "学习）\r\n"
        "2015.03--至今  局长（其间：2016.01起兼任县防汛办主任）"
    )
    assert lines == [
        ResumeLine(month(2003, 5), month(2015, 3), "副局长", ["2010.09--2012.07在省委党校（中青班）学习"]),
        ResumeLine(month(2015, 3), None, "局长", ["2016.01起兼任县防汛办主任"]),
    ]


def test_resume_that_does_not_start_with_a_period_is_refused_naming_the_element():
    with pytest.raises(LrmxRejected, match=r"文件“x.lrmx”的 JianLi（简历）.*第1行"):
        parse_resume("在某某大学学习\n2001.03--2004.05  工作", file_name="x.lrmx")


def test_resume_with_a_month_13_is_refused():
    with pytest.raises(LrmxRejected, match="年月无效"):
        parse_resume("2001.13--2004.05  工作", file_name="x.lrmx")


@pytest.mark.parametrize(("text", "expected"), [
    ("197503", month(1975, 3)), ("19750312", month(1975, 3)), ("1975.03", month(1975, 3)),
    ("1975.03.12", month(1975, 3)), ("1975-03", month(1975, 3)), ("1975.3", month(1975, 3)),
    ("", None), ("  ", None),
])
def test_months_in_every_spelling(text, expected):
    assert parse_lrmx_month(text) == expected


@pytest.mark.parametrize("text", ["197513", "1975.13", "19750", "abc", "1975.02.30", "0001.01"])
def test_invalid_months(text):
    with pytest.raises(ValueError):
        parse_lrmx_month(text)


def test_party_month_and_democratic_party():
    form = read("party_month_and_name.lrmx")
    assert (form.party_joined_on, form.party_note) == (month(2001, 3), "民革")
    assert form.resume == [ResumeLine(month(1990, 7), None, "青岚县政协委员")]
    assert form.id_number == "11010119681101003X"
    # Written back as it came.
    assert "<RuDangShiJian>200103；民革</RuDangShiJian>" in lrmx_write(form).decode()


# --- refused files -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("bad_truncated.lrmx", r"文件“bad_truncated.lrmx”不是完整有效的 XML"),
    ("bad_check_digit.lrmx", r"文件“bad_check_digit.lrmx”的 ShenFenZheng（身份证号） “330102197503121232” "
                             r"不是有效的身份证号：校验码错误"),
    ("bad_month_13.lrmx", r"文件“bad_month_13.lrmx”的 ChuShengNianYue（出生年月） “197513” 不是有效的年月"),
    ("bad_not_a_form.lrmx", r"文件“bad_not_a_form.lrmx”不是干部任免审批表（LRMX）：根元素是 Workbook"),
    ("bad_external_entity.lrmx", r"文件“bad_external_entity.lrmx”含有 DOCTYPE 或实体声明"),
    ("bad_entity_expansion.lrmx", r"文件“bad_entity_expansion.lrmx”含有 DOCTYPE 或实体声明"),
])
def test_bad_files_are_refused_naming_file_and_element(name, message):
    with pytest.raises(LrmxRejected, match=message):
        read(name)


def test_a_person_without_a_name_is_not_a_form():
    with pytest.raises(LrmxRejected, match="缺少 XingMing"):
        lrmx_read(b"<Person><XingMing> </XingMing></Person>", file_name="a.lrmx")


def test_empty_file_and_bad_family_month_and_bad_photo():
    with pytest.raises(LrmxRejected, match="是空的"):
        lrmx_read(b"  ", file_name="a.lrmx")
    with pytest.raises(LrmxRejected, match=r"Item（李四）的 ChuShengRiQi（出生年月） “19771” 不是有效的年月"):
        lrmx_read("<Person><XingMing>张三</XingMing><JiaTingChengYuan><Item><XingMing>李四</XingMing>"
                  "<ChuShengRiQi>19771</ChuShengRiQi></Item></JiaTingChengYuan></Person>".encode(),
                  file_name="a.lrmx")
    with pytest.raises(LrmxRejected, match="ZhaoPian（照片）"):
        lrmx_read("<Person><XingMing>张三</XingMing><ZhaoPian>%%%</ZhaoPian></Person>".encode(), file_name="a.lrmx")


def test_gbk_file_without_declared_encoding_is_read():
    content = "<Person><XingMing>张三</XingMing><MinZu>汉族</MinZu></Person>".encode("gbk")
    form = lrmx_read(content, file_name="old.lrmx")
    assert (form.name, form.ethnicity) == ("张三", "汉族")


# --- writing ---------------------------------------------------------------------------------


def test_written_file_has_the_order_version_months_and_resume_format():
    form = read("full_bom_crlf.lrmx")
    written = lrmx_write(form)
    assert not written.startswith(b"\xef\xbb\xbf")
    text = written.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Person>')
    tags = re.findall(r"^  <(\w+)>", text, flags=re.MULTILINE)
    assert tuple(tags) == ELEMENT_ORDER
    assert "<ChuShengNianYue>197503</ChuShengNianYue>" in text
    assert "<JiSuanNianLingShiJian>20240601</JiSuanNianLingShiJian>" in text
    assert "<TianBiaoShiJian>202406</TianBiaoShiJian>" in text
    assert "<Version>3.2.1.6</Version>" in text
    assert base64.b64decode(re.search(r"<ZhaoPian>(.*)</ZhaoPian>", text).group(1)) == form.photo
    resume = re.search(r"<JianLi>(.*?)</JianLi>", text, flags=re.DOTALL).group(1).split("&#xD;\n")
    assert resume == [
        "1993.09--1997.07  河海大学水利工程专业学习",
        "1997.07--2003.05  青岚县水利局科员",
        "2003.05--2015.03  青岚县水利局副局长",
        "                  （其间：2010.09--2012.07在浙江大学公共管理专业在职研究生学习）",
        "2015.03--         青岚县水利局局长",
    ]
    assert "<GongZuoDanWeiJiZhiWu>已去世</GongZuoDanWeiJiZhiWu>" in text


def test_running_entry_is_padded_to_the_width_of_a_closed_one():
    text = format_resume([ResumeLine(month(2001, 3), month(2004, 5), "甲"), ResumeLine(month(2004, 5), None, "乙")])
    first, second = text.split("\r\n")
    assert first.index("甲") == second.index("乙") == 18
    assert second == "2004.05--" + " " * 9 + "乙"


def test_a_deceased_member_without_the_word_gets_it_written():
    form = AppointmentForm(name="张三", family=[FamilyMember("父亲", "张大山", is_deceased=True),
                                                FamilyMember("母亲", "钱七", employer_and_post="原纺织厂职工",
                                                             is_deceased=True)])
    back = lrmx_read(lrmx_write(form), file_name="a.lrmx")
    assert [(m.employer_and_post, m.is_deceased) for m in back.family] == [
        ("已去世", True), ("原纺织厂职工（已去世）", True)]


@pytest.mark.parametrize("name", ["full_bom_crlf.lrmx", "variants_lf.lrmx", "party_month_and_name.lrmx"])
def test_write_read_write_is_stable(name):
    first = lrmx_write(read(name))
    again = lrmx_read(first, file_name=name)
    assert lrmx_write(again) == first


def test_read_of_written_form_gives_the_same_form():
    form = read("variants_lf.lrmx")
    back = lrmx_read(lrmx_write(form), file_name="x.lrmx")
    form.version = back.version = ""
    # 填表时间 is written as a month (yyyyMM).
    assert back.filled_on == dt.date(2024, 6, 1)
    back.filled_on = form.filled_on
    assert back == form


def test_special_characters_are_escaped():
    form = AppointmentForm(name="张<三>&", reason='a "b" <c>')
    back = lrmx_read(lrmx_write(form), file_name="x.lrmx")
    assert (back.name, back.reason) == ("张<三>&", 'a "b" <c>')
