"""The 干部任免审批表 as plain data: what the form shows, field by field, as LRMX.md describes it.

One `AppointmentForm` is made from a cadre's record (`from_record`, for the DOCX/PDF form and the
LRMX export), read from an LRMX file or a received Word form (the import's preview), and
written back to a record (the import). Values are as the form shows them: names, not codes
(性别 "男", 民族 "汉族", 学历 "大学本科"); months as dates on the 1st.
"""

import datetime as dt
from dataclasses import dataclass, field

LRMX_VERSION = "3.2.1.6"
# The paper form's rows for family members; files may carry more.
FAMILY_ROWS_ON_PAPER = 7


@dataclass
class ResumeLine:
    """One 简历 entry: from `started_on` to `ended_on` (None: still running), the text, and its
    其间 notes (each without the "（其间：…）" wrapper)."""

    started_on: dt.date | None  # None: a post the record gives no start for (printed 不详)
    ended_on: dt.date | None
    text: str
    notes: list[str] = field(default_factory=list)


@dataclass
class FamilyMember:
    """A row of 家庭主要成员及重要社会关系."""

    relation: str
    name: str
    birth_month: dt.date | None = None
    political_status: str = ""
    employer_and_post: str = ""
    is_deceased: bool = False


@dataclass
class AppointmentForm:
    """Every field of the 干部任免审批表 (LRMX element in brackets)."""

    name: str  # XingMing
    sex: str = ""  # XingBie: 男 / 女
    birth_month: dt.date | None = None  # ChuShengNianYue
    ethnicity: str = ""  # MinZu: 汉族 …
    native_place: str = ""  # JiGuan
    birthplace: str = ""  # ChuShengDi
    party_joined_on: dt.date | None = None  # RuDangShiJian (a month) …
    party_note: str = ""  # … or a democratic party's name, or both ("200103；民革")
    work_started_on: dt.date | None = None  # CanJiaGongZuoShiJian
    health: str = ""  # JianKangZhuangKuang
    professional_title: str = ""  # ZhuanYeJiShuZhiWu (may carry "（2012.12）")
    expertise: str = ""  # ShuXiZhuanYeYouHeZhuanChang
    full_time_education: str = ""  # QuanRiZhiJiaoYu_XueLi
    full_time_degree: str = ""  # QuanRiZhiJiaoYu_XueWei
    full_time_education_school: str = ""  # QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi
    full_time_degree_school: str = ""  # QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi
    in_service_education: str = ""  # ZaiZhiJiaoYu_XueLi
    in_service_degree: str = ""  # ZaiZhiJiaoYu_XueWei
    in_service_education_school: str = ""  # ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi
    in_service_degree_school: str = ""  # ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi
    current_post: str = ""  # XianRenZhiWu
    proposed_post: str = ""  # NiRenZhiWu
    proposed_removal: str = ""  # NiMianZhiWu
    resume: list[ResumeLine] = field(default_factory=list)  # JianLi
    awards: str = ""  # JiangChengQingKuang (free text, often "无")
    assessments: str = ""  # NianDuKaoHeJieGuo (free text)
    reason: str = ""  # RenMianLiYou
    family: list[FamilyMember] = field(default_factory=list)  # JiaTingChengYuan/Item
    reporting_unit: str = ""  # ChengBaoDanWei
    age_as_of: dt.date | None = None  # JiSuanNianLingShiJian (yyyyMMdd)
    filled_on: dt.date | None = None  # TianBiaoShiJian
    filled_by: str = ""  # TianBiaoRen
    id_number: str = ""  # ShenFenZheng
    photo: bytes = b""  # ZhaoPian (JPEG)
    version: str = LRMX_VERSION  # Version
    political_status: str = ""  # ZhengZhiMianMao (newer files)
    retirement_month: dt.date | None = None  # DaoLingNianYue (newer files)
    age_limit_before_reform: str = ""  # GaiGeQianRenZhiNianLingJieXian (newer files)
    # Elements the reader did not know, kept (name → text) so nothing is silently lost.
    unknown: dict[str, str] = field(default_factory=dict)
