"""Demo data: a fictional county (青岚县) with its departments, townships and about 600 cadres.

Everything is generated from a seed with its own `random.Random`, as of a fixed date, so the
same seed gives the same county on every machine and every day. The current posts go in
through the real roster import (validated and audited like any roster); the earlier, ended
posts (the résumé) are added afterwards in the same transaction.

The names, identity numbers and careers are made up; the county does not exist.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.core import codes
from cadres.core.dates import add_months, format_month
from cadres.core.idcard import check_digit
from cadres.core.spreadsheets import write_xlsx
from cadres.org.models import PostSource, Unit
from cadres.org.services import posts_history_add_many
from cadres.people.models import Person
from cadres.people.services import roster_import
from cadres.people.spreadsheets import ROSTER_HEADERS, ROSTER_SHEET, UNIT_HEADERS, UNIT_SHEET
from cadres.plans.demo import demo_targets_load

DEFAULT_SEED = 2026
AS_OF = dt.date(2026, 6, 30)
COUNTY = "青岚县"
# Synthetic area codes for the identity numbers: the county and a few places people come from.
HOME_AREA = "361199"
OTHER_AREAS = ("361102", "361121", "360722", "330326", "350921", "341021")

DEMO_PASSWORD = "qinglan-demo-2026"
ADMIN_USERNAME = "admin"
OFFICER_USERNAME = "ganbu"

# Ranks from the lowest up (codes of the post-level list).
CLERK, MEMBER, DEPUTY_SECTION, SECTION, DEPUTY_COUNTY, COUNTY_LEVEL = (
    "0160", "0150", "0142", "0141", "0132", "0131",
)
LADDER = (CLERK, MEMBER, DEPUTY_SECTION, SECTION, DEPUTY_COUNTY, COUNTY_LEVEL)
AGE_RANGE = {
    COUNTY_LEVEL: (46, 57),
    DEPUTY_COUNTY: (39, 57),
    SECTION: (33, 58),
    DEPUTY_SECTION: (28, 56),
    MEMBER: (23, 55),
    CLERK: (21, 32),
}


@dataclass(frozen=True)
class Department:
    """A 县直部门: its name, the head's and deputies' titles, head rank and size."""

    name: str
    head: str
    deputy: str
    head_rank: str = SECTION
    deputies: tuple[int, int] = (2, 3)
    staff: tuple[int, int] = (4, 9)


def _bureau(name: str, staff: tuple[int, int] = (4, 9)) -> Department:
    return Department(name, "局长", "副局长", staff=staff)


DEPARTMENTS: tuple[Department, ...] = (
    Department("县委办公室", "县委常委、县委办主任", "副主任", DEPUTY_COUNTY, (2, 3), (5, 8)),
    Department("县纪委县监委", "县委常委、县纪委书记、县监委主任", "县纪委副书记、县监委副主任",
               DEPUTY_COUNTY, (2, 3), (6, 10)),
    Department("县委组织部", "县委常委、组织部部长", "副部长", DEPUTY_COUNTY, (2, 3), (5, 8)),
    Department("县委宣传部", "县委常委、宣传部部长", "副部长", DEPUTY_COUNTY, (2, 2), (3, 6)),
    Department("县委统战部", "县委常委、统战部部长", "副部长", DEPUTY_COUNTY, (1, 2), (2, 4)),
    Department("县委政法委员会", "县委常委、政法委书记", "副书记", DEPUTY_COUNTY, (1, 2), (2, 5)),
    Department("县委机构编制委员会办公室", "主任", "副主任", SECTION, (1, 2), (2, 4)),
    Department("县委党校", "常务副校长", "副校长", SECTION, (1, 2), (3, 6)),
    Department("县政府办公室", "主任", "副主任", SECTION, (2, 4), (5, 9)),
    Department("县发展和改革局", "局长", "副局长", SECTION, (2, 3), (4, 8)),
    _bureau("县教育局", (6, 11)),
    _bureau("县科学技术局", (2, 4)),
    _bureau("县工业和信息化局"),
    _bureau("县公安局", (7, 12)),
    _bureau("县民政局"),
    _bureau("县司法局"),
    _bureau("县财政局", (5, 10)),
    _bureau("县人力资源和社会保障局"),
    _bureau("县自然资源和规划局", (5, 9)),
    _bureau("县生态环境局", (3, 6)),
    _bureau("县住房和城乡建设局"),
    _bureau("县交通运输局"),
    _bureau("县水利局", (3, 6)),
    _bureau("县农业农村局", (5, 10)),
    _bureau("县商务局", (2, 5)),
    _bureau("县文化和旅游局"),
    _bureau("县卫生健康局", (5, 10)),
    _bureau("县退役军人事务局", (2, 4)),
    _bureau("县应急管理局", (3, 6)),
    _bureau("县审计局", (3, 6)),
    _bureau("县市场监督管理局", (5, 10)),
    _bureau("县统计局", (2, 4)),
    _bureau("县医疗保障局", (2, 4)),
)

TOWNS = (
    "城关镇", "青溪镇", "石门镇", "白沙镇", "龙泉镇", "梅岭镇", "东坑镇", "南塘镇",
    "凤凰镇", "黄岭镇", "桃源乡", "西岙乡", "北山乡", "清水乡", "云峰乡",
)

# The county's leaders (县级领导), members of its leadership team, placed on the county itself.
COUNTY_LEADERS: tuple[tuple[str, str], ...] = (
    ("县委书记", COUNTY_LEVEL),
    ("县委副书记、县长", COUNTY_LEVEL),
    ("县人大常委会主任", COUNTY_LEVEL),
    ("县政协主席", COUNTY_LEVEL),
    ("县委副书记", DEPUTY_COUNTY),
    ("县委常委、常务副县长", DEPUTY_COUNTY),
    ("县委常委、副县长", DEPUTY_COUNTY),
    ("县委常委、人武部政委", DEPUTY_COUNTY),
    ("副县长", DEPUTY_COUNTY),
    ("副县长", DEPUTY_COUNTY),
    ("副县长", DEPUTY_COUNTY),
)

SURNAMES = (
    "王" * 9 + "李" * 9 + "张" * 8 + "刘" * 7 + "陈" * 7 + "杨" * 5 + "黄" * 4 + "赵" * 4
    + "吴" * 4 + "周" * 4 + "徐" * 3 + "孙" * 3 + "胡" * 3 + "朱" * 3 + "高" * 2 + "林" * 3
    + "何" * 2 + "郭" * 2 + "马" * 2 + "罗" * 2 + "梁郑谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜钟谭陆汪范金石廖贾夏付方邹熊邱江雷龚毛万饶涂游揭帅邬"
)
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林峰建国志文海东春晓振兵亮成永庆荣德新光立斌"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪慧琳颖倩洁红梅兰英华萍蓉莉晶月佳欣悦雯琴云璐"
NATIVE_PLACES = ("江西青岚",) * 14 + (
    "江西抚州", "江西南城", "江西上饶", "江西吉安", "浙江丽水", "福建宁德", "湖南衡阳", "安徽黄山",
)
PROFESSIONAL_TITLES = {
    "县教育局": ("高级教师", "一级教师"),
    "县卫生健康局": ("主治医师", "副主任医师", "主管护师"),
    "县财政局": ("会计师", "高级会计师"),
    "县审计局": ("审计师", "会计师"),
    "县住房和城乡建设局": ("工程师", "高级工程师"),
    "县交通运输局": ("工程师",),
    "县水利局": ("工程师", "高级工程师"),
    "县农业农村局": ("农艺师", "高级农艺师"),
    "县自然资源和规划局": ("工程师",),
}
GENERAL_TITLES = ("经济师", "工程师", "助理经济师", "统计师")
TOWN_OFFICES = ("党政办", "经济发展办", "社会事务办", "综治办", "村镇建设办", "财政所")
DEPT_OFFICES = ("办公室", "综合股", "业务股", "法规股", "财务股", "人事股")


@dataclass
class Post:
    unit_path: str
    title: str
    rank: str
    team: bool
    started_on: dt.date
    ended_on: dt.date | None = None


@dataclass
class DemoPerson:
    """One generated cadre: the roster row and the earlier posts."""

    row: dict[str, str]
    history: list[Post] = field(default_factory=list)

    @property
    def id_number(self) -> str:
        return self.row["身份证号"]


@dataclass
class DemoCounty:
    seed: int
    units: list[tuple[str, str, str, int]]  # path, parent path, unit type, authorized staffing
    people: list[DemoPerson]


@dataclass
class DemoReport:
    seed: int
    people: int
    units: int
    history_assignments: int


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.id_numbers: set[str] = set()
        self.dept_paths = [f"{COUNTY}/{dept.name}" for dept in DEPARTMENTS]
        self.town_paths = [f"{COUNTY}/{town}" for town in TOWNS]
        self.departments = {f"{COUNTY}/{dept.name}": dept for dept in DEPARTMENTS}

    # --- people -------------------------------------------------------------------------

    def name(self, sex: str) -> str:
        chars = MALE_CHARS if sex == "男" else FEMALE_CHARS
        given = self.rng.choice(chars)
        if self.rng.random() < 0.7:
            given += self.rng.choice(chars + "文子志立永晓")
        return self.rng.choice(SURNAMES) + given

    def id_number(self, birth: dt.date, sex: str) -> str:
        area = HOME_AREA if self.rng.random() < 0.8 else self.rng.choice(OTHER_AREAS)
        while True:
            serial = self.rng.randrange(0, 100)
            sex_digit = self.rng.choice("13579" if sex == "男" else "02468")
            first17 = f"{area}{birth:%Y%m%d}{serial:02d}{sex_digit}"
            number = first17 + check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def education(self, age: int, leader: bool) -> tuple[str, str, str, str, int]:
        """全日制学历, 学位, 在职学历, 学位, and the age work started at."""
        rng = self.rng
        roll = rng.random()
        young = age < 40
        if roll < (0.08 if young else 0.03):
            full, degree, start = "研究生", "硕士", rng.randint(25, 27)
        elif roll < (0.72 if young else 0.45):
            full, degree, start = "大学本科", ("学士" if rng.random() < 0.9 else ""), rng.randint(22, 24)
        elif roll < (0.92 if young else 0.75):
            full, degree, start = "大学专科", "", rng.randint(20, 22)
        elif roll < 0.97:
            full, degree, start = "中专", "", rng.randint(18, 20)
        else:
            full, degree, start = "高中", "", rng.randint(18, 20)
        in_service, in_degree = "", ""
        if full in ("大学专科", "中专", "高中") and rng.random() < (0.95 if leader else 0.7):
            in_service = "大学本科" if rng.random() < 0.8 else "大学专科"
            in_degree = "学士" if in_service == "大学本科" and rng.random() < 0.3 else ""
        elif full == "大学本科" and age >= 30 and rng.random() < (0.5 if leader else 0.2):
            in_service = "研究生"
            in_degree = "硕士" if rng.random() < 0.4 else ""
        return full, degree, in_service, in_degree, start

    def person(self, unit_path: str, title: str, rank: str, team: bool) -> DemoPerson:
        rng = self.rng
        leader = rank in (COUNTY_LEVEL, DEPUTY_COUNTY, SECTION) and team
        female_share = 0.12 if leader else 0.3 if team else 0.42
        sex = "女" if rng.random() < female_share else "男"
        low, high = AGE_RANGE[rank]
        age = rng.randint(low, high)
        full, degree, in_service, in_degree, start_age = self.education(age, leader)
        if age - start_age < 3:
            age = start_age + 3 + rng.randint(0, 3)
        birth = dt.date(AS_OF.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        if (birth.month, birth.day) <= (AS_OF.month, AS_OF.day) and rng.random() < 0.5:
            birth = birth.replace(year=birth.year + 1)
        work_started = add_months(dt.date(birth.year + start_age, 7, 1), rng.randint(0, 3))
        ethnicity = rng.choices(("汉族", "畲族", "回族", "苗族", "土家族"), (950, 30, 10, 5, 5))[0]

        political = self.political_status(unit_path, title, rank, team)
        party_joined = self.party_joined(political, birth, work_started)
        history, post_started, rank_started = self.career(unit_path, rank, work_started)

        professional = ""
        department = unit_path.rsplit("/", 1)[-1]
        if rng.random() < (0.35 if department in PROFESSIONAL_TITLES else 0.08):
            professional = rng.choice(PROFESSIONAL_TITLES.get(department, GENERAL_TITLES))
        reserve = ""
        if rank in (DEPUTY_SECTION, SECTION) and age <= 42 and rng.random() < 0.25:
            reserve = "县管后备干部" if rank == DEPUTY_SECTION else "市管后备干部"

        row = {
            "姓名": self.name(sex),
            "性别": sex,
            "民族": ethnicity,
            "出生年月": format_month(birth),
            "身份证号": self.id_number(birth, sex),
            "籍贯": (row_native_place := rng.choice(NATIVE_PLACES)),
            "政治面貌": political,
            "入党时间": format_month(party_joined),
            "参加工作时间": format_month(work_started),
            "全日制学历": full,
            "全日制学位": degree,
            "在职学历": in_service,
            "在职学位": in_degree,
            "专业技术职务": professional,
            "单位": unit_path,
            "职务": title,
            "职务层次": codes.name_for("rank", rank),
            "是否班子成员": "是" if team else "否",
            "任现职时间": format_month(post_started),
            "任现职级时间": format_month(rank_started),
            "后备干部": reserve,
            "备注": "",
            # Drawn from the values above, not from rng, so the county's figures stay put.
            "出生地": row_native_place,
            "健康状况": "健康",
            "全日制毕业院校系及专业": _school(full, birth),
            "在职毕业院校系及专业": _school(in_service, birth, in_service=True),
            "熟悉专业有何专长": "",
            "排序号": "",
        }
        return DemoPerson(row=row, history=history)

    def political_status(self, unit_path: str, title: str, rank: str, team: bool) -> str:
        """Party posts and the staff of Party departments are CPC members; a deputy government
        post (副县长, 副局长, 副镇长…) is sometimes held by a non-party cadre."""
        roll = self.rng.random()
        party_post = not title.startswith("副") or "书记" in title or "部长" in title
        party_department = unit_path.rsplit("/", 1)[-1].startswith(("县委", "县纪委"))
        if (team and party_post) or party_department:
            return "中共党员" if rank not in (MEMBER, CLERK) or roll < 0.9 else "中共预备党员"
        if team and roll < 0.85:
            return "中共党员"
        if team:
            return self.rng.choice(("民盟盟员", "民进会员", "九三学社社员", "无党派人士", "农工党党员"))
        if roll < 0.74:
            return "中共党员"
        if roll < 0.78 and rank in (MEMBER, CLERK):
            return "中共预备党员"
        if roll < 0.84:
            return self.rng.choice(("民盟盟员", "民进会员", "九三学社社员", "民建会员", "无党派人士"))
        return "群众"

    def party_joined(self, political: str, birth: dt.date, work_started: dt.date) -> dt.date | None:
        if political == "中共预备党员":
            return add_months(AS_OF.replace(day=1), -self.rng.randint(1, 11))
        if political != "中共党员":
            return None
        earliest = max(dt.date(birth.year + 18, birth.month, 1), add_months(work_started, -36))
        latest = min(add_months(work_started, 96), add_months(AS_OF.replace(day=1), -13))
        if latest <= earliest:
            return earliest
        return add_months(earliest, self.rng.randint(0, _months_between(earliest, latest)))

    # --- careers ------------------------------------------------------------------------

    def career(
        self, unit_path: str, rank: str, work_started: dt.date
    ) -> tuple[list[Post], dt.date, dt.date]:
        """Two to four earlier posts from the first job up to the current one."""
        rng = self.rng
        months = _months_between(work_started, AS_OF.replace(day=1))
        tenure = rng.randint(2, max(3, min(96, months - 24)))
        post_started = add_months(AS_OF.replace(day=1), -tenure)
        span = _months_between(work_started, post_started)
        count = max(2, min(rng.randint(2, 4), span // 8))
        # Roughly even periods, each at least a month long.
        period = span / count
        cuts = sorted({
            min(span - 1, max(1, round(period * (index + rng.uniform(-0.2, 0.2)))))
            for index in range(1, count)
        })
        starts = [work_started] + [add_months(work_started, cut) for cut in cuts]
        count = len(starts)

        # From an entry-level post up to the rank below the current one (or the same rank).
        top = LADDER.index(rank)
        first = 0 if top == 0 else rng.choice((0, 1, 1, 1))
        lateral = rank != COUNTY_LEVEL and rng.random() < 0.25
        last = max(first, top if lateral else top - 1)
        # The first job is entry-level; the later posts climb one level at a time to `last`.
        ranks = [LADDER[first]] + [
            LADDER[max(first, last - (count - 1 - index))] for index in range(1, count)
        ]

        history: list[Post] = []
        for index, (start, post_rank) in enumerate(zip(starts, ranks)):
            end = (starts[index + 1] if index + 1 < count else post_started) - dt.timedelta(days=1)
            county_rank = post_rank in (COUNTY_LEVEL, DEPUTY_COUNTY)
            if rng.random() < 0.3 and (unit_path != COUNTY or county_rank):
                path = unit_path
            else:
                path = self.earlier_unit(post_rank)
            title, team = self.earlier_title(path, post_rank)
            history.append(Post(path, title, post_rank, team, start, end))

        rank_started = post_started
        for post in reversed(history):
            if post.rank != rank:
                break
            rank_started = post.started_on
        return history, post_started, rank_started

    def earlier_unit(self, rank: str) -> str:
        if rank in (COUNTY_LEVEL, DEPUTY_COUNTY) and self.rng.random() < 0.5:
            return COUNTY
        return self.rng.choice(self.town_paths if self.rng.random() < 0.45 else self.dept_paths)

    def earlier_title(self, path: str, rank: str) -> tuple[str, bool]:
        rng = self.rng
        if path == COUNTY:
            if rank == COUNTY_LEVEL:
                return "县委副书记、县长", True
            if rank == DEPUTY_COUNTY:
                return "副县长", True
            return "县委办科员", False
        if path in self.departments:
            dept = self.departments[path]
            if LADDER.index(rank) >= LADDER.index(dept.head_rank):
                return dept.head, True
            if rank in (SECTION, DEPUTY_SECTION):
                return dept.deputy, True
            return f"{rng.choice(DEPT_OFFICES)}{'科员' if rank == MEMBER else '办事员'}", False
        town = path.rsplit("/", 1)[-1]
        head = "乡长" if town.endswith("乡") else "镇长"
        if rank in (COUNTY_LEVEL, DEPUTY_COUNTY, SECTION):
            return rng.choice(("党委书记", f"党委副书记、{head}")), True
        if rank == DEPUTY_SECTION:
            return rng.choice((f"副{head}", "党委委员、组织委员", "党委委员、纪委书记")), True
        return f"{rng.choice(TOWN_OFFICES)}{'科员' if rank == MEMBER else '办事员'}", False

    # --- units --------------------------------------------------------------------------

    def department_people(self, path: str, dept: Department) -> list[DemoPerson]:
        rng = self.rng
        people = [self.person(path, dept.head, dept.head_rank, True)]
        for _ in range(rng.randint(*dept.deputies)):
            people.append(self.person(path, dept.deputy, DEPUTY_SECTION if dept.head_rank == SECTION
                                      else rng.choice((SECTION, DEPUTY_SECTION)), True))
        for _ in range(rng.randint(*dept.staff)):
            roll = rng.random()
            office = rng.choice(DEPT_OFFICES)
            if roll < 0.08:
                people.append(self.person(path, "一级主任科员", SECTION, False))
            elif roll < 0.22:
                people.append(self.person(path, "四级主任科员", DEPUTY_SECTION, False))
            elif roll < 0.42:
                people.append(self.person(path, f"{office}股长", MEMBER, False))
            elif roll < 0.92:
                people.append(self.person(path, f"{office}科员", MEMBER, False))
            else:
                people.append(self.person(path, f"{office}办事员", CLERK, False))
        return people

    def town_people(self, path: str) -> list[DemoPerson]:
        rng = self.rng
        town = path.rsplit("/", 1)[-1]
        head = "乡长" if town.endswith("乡") else "镇长"
        posts = [
            ("党委书记", SECTION, True),
            (f"党委副书记、{head}", SECTION, True),
            ("人大主席", SECTION, True),
            ("党委副书记", DEPUTY_SECTION, True),
            ("党委委员、纪委书记", DEPUTY_SECTION, True),
            ("党委委员、组织委员", DEPUTY_SECTION, True),
            ("党委委员、宣传委员", DEPUTY_SECTION, True),
            ("党委委员、武装部长", DEPUTY_SECTION, True),
        ]
        posts += [(f"副{head}", DEPUTY_SECTION, True)] * rng.randint(2, 3)
        if rng.random() < 0.5:
            posts.append(("人大副主席", DEPUTY_SECTION, False))
        for _ in range(rng.randint(6, 11)):
            office = rng.choice(TOWN_OFFICES)
            if rng.random() < 0.12:
                posts.append((f"{office}办事员", CLERK, False))
            elif rng.random() < 0.15:
                posts.append(("四级主任科员", DEPUTY_SECTION, False))
            else:
                posts.append((f"{office}科员", MEMBER, False))
        return [self.person(path, title, rank, team) for title, rank, team in posts]

    def staffing(self, filled: int) -> int:
        return max(1, filled + self.rng.choice((-1, 0, 1, 1, 2, 2, 3, 4, 5)))

    def county(self, seed: int) -> DemoCounty:
        people = [self.person(COUNTY, title, rank, True) for title, rank in COUNTY_LEADERS]
        units = [(COUNTY, "", "县", self.staffing(len(people)))]
        for path, dept in self.departments.items():
            staff = self.department_people(path, dept)
            units.append((path, COUNTY, "县直部门", self.staffing(len(staff))))
            people += staff
        for path in self.town_paths:
            staff = self.town_people(path)
            units.append((path, COUNTY, "乡镇", self.staffing(len(staff))))
            people += staff
        _drop_clashes(people)
        return DemoCounty(seed=seed, units=units, people=people)


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


# 毕业院校系及专业 of the demo county's cadres, by the level of the education row.
DEMO_SCHOOLS = {
    "研究生": ("南昌大学公共管理学院行政管理专业", "江西财经大学经济学院经济学专业",
               "江西师范大学教育学院教育管理专业"),
    "大学本科": ("南昌大学经济管理学院经济学专业", "江西财经大学法学院法学专业", "江西师范大学文学院汉语言文学专业",
                 "江西农业大学农学院农学专业", "赣南师范大学教育科学学院教育学专业"),
    "大学专科": ("抚州职业技术学院会计专业", "江西广播电视大学行政管理专业", "宜春学院农学专业"),
    "中专": ("江西省抚州农业学校农学专业", "江西省南城师范学校师范专业"),
}


def _school(education: str, birth: dt.date, *, in_service: bool = False) -> str:
    schools = DEMO_SCHOOLS.get(education)
    if not schools:
        return ""
    if in_service:
        return "中共江西省委党校在职研究生班" if education == "研究生" else schools[-1]
    return schools[(birth.year + birth.month) % len(schools)]


def _drop_clashes(people: list[DemoPerson]) -> None:
    """Rename anyone who shares 姓名 + 出生年月 + 单位 with an earlier row (the import refuses it)."""
    seen: set[tuple[str, str, str]] = set()
    for person in people:
        key = (person.row["姓名"], person.row["出生年月"], person.row["单位"])
        while key in seen:
            person.row["姓名"] += "华"
            key = (person.row["姓名"], person.row["出生年月"], person.row["单位"])
        seen.add(key)


def demo_county(*, seed: int = DEFAULT_SEED) -> DemoCounty:
    """The generated county for a seed; pure, no database."""
    county = _Generator(seed).county(seed)
    _number_within_units(county.people)
    return county


def _number_within_units(people: list[DemoPerson]) -> None:
    """排序号 within each unit as a department numbers its lists: the team first (the county's
    leaders in protocol order), its 正职 (a title without 副) before its 副职, then by rank, then
    the elder first; 10, 20, …"""
    by_unit: dict[str, list[DemoPerson]] = {}
    for person in people:
        by_unit.setdefault(person.row["单位"], []).append(person)

    protocol = {title: index for index, (title, _) in enumerate(COUNTY_LEADERS)}

    def place(person: DemoPerson) -> tuple[bool, int, bool, str, str]:
        row = person.row
        return (row["是否班子成员"] != "是", protocol.get(row["职务"], len(protocol)),
                "副" in row["职务"] or "委员" in row["职务"],
                codes.code_for("rank", row["职务层次"]) or "9999", row["出生年月"])

    for members in by_unit.values():
        for number, person in enumerate(sorted(members, key=place), start=1):
            person.row["排序号"] = str(number * 10)


def demo_roster_xlsx(county: DemoCounty) -> bytes:
    """The county as a roster file in the import template (sheets 干部名册 and 单位)."""
    people_rows: list[Sequence[object]] = [
        [person.row[header] for header in ROSTER_HEADERS] for person in county.people
    ]
    unit_rows: list[Sequence[object]] = [
        [path, parent, unit_type, staffing] for path, parent, unit_type, staffing in county.units
    ]
    return write_xlsx([
        (ROSTER_SHEET, ROSTER_HEADERS, people_rows),
        (UNIT_SHEET, UNIT_HEADERS, unit_rows),
    ])


def demo_users_ensure(*, actor: Any) -> list[Any]:
    """The demo accounts, both with DEMO_PASSWORD and obliged to change it at first sign-in:
    `admin`, a superuser holding the 系统管理员 role, and `ganbu`, who holds the 干部科 role
    over the whole county. Both roles enroll in two-factor login at the first sign-in, like
    any administrator and officer. Existing accounts are left alone."""
    from cadres.accounts.models import Role
    from cadres.accounts.services import admin_create, grant_create, user_create

    user_model = get_user_model()
    users = []
    for username, full_name, is_superuser in (
        (ADMIN_USERNAME, "系统管理员", True),
        (OFFICER_USERNAME, "干部科工作人员", False),
    ):
        user = user_model.objects.filter(username=username).first()
        if user is None and is_superuser:
            user = admin_create(actor=actor, username=username, full_name=full_name,
                                password=DEMO_PASSWORD, note="演示账号")
        elif user is None:
            user = user_create(actor=actor, username=username, full_name=full_name,
                               password=DEMO_PASSWORD, must_change_password=True)
            grant_create(
                actor=actor, user=user, role=Role.objects.get(code=Role.Code.CADRE_OFFICE),
                # The department's cadre office keeps the county's files (信息维护) as well.
                managed_units=Unit.objects.filter(path=COUNTY), maintained_units=Unit.objects.filter(path=COUNTY),
                note="演示账号",
            )
        users.append(user)
    return users


# 领导职数 of the demo county's teams, approved by this document on this day.
QUOTA_DOCUMENT = "青岚编发〔2021〕3号"
QUOTA_DATE = dt.date(2021, 3, 1)


def demo_quotas_load(*, actor: Any) -> None:
    """Approve each team's 领导职数 as it is held today, except that every fifth team has one
    副职 more approved than held (缺职) and every seventh one fewer (超职数), so the pages show both."""
    from cadres.org.selectors import team_quotas_on
    from cadres.org.services import unit_quota_set

    # Read as the demo administrator (who sees every unit); written by `actor`.
    reader = get_user_model().objects.get(username=ADMIN_USERNAME)
    for index, team in enumerate(team_quotas_on(actor=reader, as_of=timezone.localdate()), start=1):
        if team.principals + team.deputies == 0:
            continue
        deputies = team.deputies + (1 if index % 5 == 0 else -1 if index % 7 == 0 and team.deputies else 0)
        unit_quota_set(actor=actor, unit=team.unit, principal_posts=max(team.principals, 1),
                       deputy_posts=deputies, changed_on=QUOTA_DATE, document=QUOTA_DOCUMENT)


def demo_pools_ensure(*, actor: Any) -> None:
    from cadres.reserves.models import ReservePool
    from cadres.reserves.services import pool_create

    for name in ("县管后备干部", "市管后备干部"):
        if not ReservePool.objects.filter(name=name).exists():
            pool_create(actor=actor, name=name)


def demo_cases_load(*, actor: Any) -> None:
    from cadres.cases.demo import demo_cases_load as load

    load(actor=actor)


@transaction.atomic
def demo_load(*, actor: Any, seed: int = DEFAULT_SEED) -> DemoReport:
    """Load the demo county into the database: users, units, people, current and earlier posts.

    One transaction: the roster import (audited as a roster import), the demo accounts
    (audited by the account services), the earlier posts, then one DEMO_LOADED audit event.
    """
    county = demo_county(seed=seed)
    # The roster's 后备干部 column names reserve pools, which must exist before the import.
    demo_pools_ensure(actor=actor)
    roster_import(
        actor=actor, content=demo_roster_xlsx(county), file_name=f"演示数据（种子{seed}）.xlsx",
        source=PostSource.DEMO,
    )
    demo_users_ensure(actor=actor)
    people = dict(
        Person.objects.filter(id_number__in=[p.id_number for p in county.people])
        .values_list("id_number", "pk")
    )
    units = dict(Unit.objects.filter(path__startswith=COUNTY).values_list("path", "pk"))
    history = [
        (people[person.id_number], {
            "unit_id": units[post.unit_path],
            "title": post.title,
            "rank": post.rank,
            "is_team_member": post.team,
            "started_on": post.started_on,
            "ended_on": post.ended_on,
        })
        for person in county.people
        for post in person.history
    ]
    posts_history_add_many(actor=actor, posts=history, source=PostSource.DEMO)
    demo_targets_load(actor=actor, county=Unit.objects.get(path=COUNTY))
    demo_quotas_load(actor=actor)
    demo_cases_load(actor=actor)
    report = DemoReport(seed=seed, people=len(county.people), units=len(county.units),
                        history_assignments=len(history))
    record(
        actor=actor,
        action=AuditAction.DEMO_LOADED,
        target_label=f"{COUNTY}演示数据",
        changes={"seed": seed, "people": report.people, "units": report.units,
                 "history_assignments": report.history_assignments},
    )
    return report
