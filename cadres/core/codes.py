"""National code tables the records are stored in, shown by name.

Sex GB/T 2261.1, ethnicity GB/T 3304, political status GB/T 4762, education GB/T 4658,
degree GB/T 6864 and the post-level list (职务层次, after the 中组部 ZB09 table).
These are standards, not deployment rules, so they live in code; each table maps
code → name, and `code_for` also accepts the aliases people write in rosters.
"""

from django.db import models


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


_ETHNIC_NAMES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
ETHNICITY = {f"{i:02d}": name for i, name in enumerate(_ETHNIC_NAMES, start=1)}
ETHNICITY.update({"97": "其他", "98": "外国血统中国籍人士"})
HAN = "01"

POLITICAL_STATUS = {
    "01": "中共党员",
    "02": "中共预备党员",
    "03": "共青团员",
    "04": "民革党员",
    "05": "民盟盟员",
    "06": "民建会员",
    "07": "民进会员",
    "08": "农工党党员",
    "09": "致公党党员",
    "10": "九三学社社员",
    "11": "台盟盟员",
    "12": "无党派人士",
    "13": "群众",
}
# 党外干部 are those whose status is neither of these.
CPC_MEMBER_CODES = frozenset({"01", "02"})

# Ordered from highest to lowest: a smaller code is a higher education.
EDUCATION = {
    "10": "研究生",
    "20": "大学本科",
    "30": "大学专科",
    "40": "中专",
    "60": "高中",
    "70": "初中",
}
UNIVERSITY_OR_ABOVE = frozenset({"10", "20"})
POSTGRADUATE = "10"

DEGREE = {"2": "博士", "3": "硕士", "4": "学士"}
MASTER_OR_DOCTOR = frozenset({"2", "3"})

# Ordered from highest to lowest.
RANK = {
    "0111": "省部级正职",
    "0112": "省部级副职",
    "0121": "正厅级",
    "0122": "副厅级",
    "0131": "正县级",
    "0132": "副县级",
    "0141": "正科级",
    "0142": "副科级",
    "0150": "科员",
    "0160": "办事员",
}

# 国民经济行业分类 (GB/T 4754-2017) 门类: the industry of a relative's business and the
# industries a unit regulates or is in charge of (任职回避 第四条).
INDUSTRY = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

_ALIASES = {
    "ethnicity": {"汉": "01", "其它": "97"},
    "education": {
        "中等专科": "40",
        "中专及以下": "40",
        "普通高中": "60",
        "初中及以下": "70",
        "本科": "20",
        "大专": "30",
        "硕士研究生": "10",
        "博士研究生": "10",
    },
    "degree": {"博士学位": "2", "硕士学位": "3", "学士学位": "4"},
    "rank": {"正处级": "0131", "副处级": "0132", "正厅局级": "0121", "副厅局级": "0122"},
    "political_status": {
        "中国共产党党员": "01", "党员": "01", "预备党员": "02", "团员": "03", "无党派": "12",
    },
    "sex": {"男性": "1", "女性": "2"},
}

TABLES = {
    "sex": dict(Sex.choices),
    "ethnicity": ETHNICITY,
    "political_status": POLITICAL_STATUS,
    "education": EDUCATION,
    "degree": DEGREE,
    "rank": RANK,
    "industry": INDUSTRY,
}

_BY_NAME = {
    table: {**{name: code for code, name in codes.items()}, **_ALIASES.get(table, {})}
    for table, codes in TABLES.items()
}


def code_for(table: str, name: str) -> str | None:
    """The code of a name (or alias) in a table, or None when the name is unknown."""
    return _BY_NAME[table].get(name)


def name_for(table: str, code: str) -> str:
    """The display name of a code; empty for an empty code."""
    return TABLES[table].get(code, "") if code else ""


def industry_names(value: str) -> str:
    """Comma-separated 行业门类 codes ("E,K") as their names, joined by 、."""
    return "、".join(name_for("industry", code) or code for code in (value or "").split(",") if code)


def choices(table: str) -> list[tuple[str, str]]:
    return list(TABLES[table].items())


def highest_education(full_time: str, in_service: str) -> str:
    """最高学历: the higher of the full-time and in-service education (smaller code is higher)."""
    present = [code for code in (full_time, in_service) if code]
    return min(present) if present else ""
