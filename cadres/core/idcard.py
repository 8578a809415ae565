"""Resident identity numbers (公民身份号码, GB 11643): check digit, birth date and sex."""

import datetime as dt
import functools
import re
from typing import NamedTuple

_CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """The number is not a valid 18-character identity number; the message says why."""


class IdNumber(NamedTuple):
    """A checked number with what it says of its holder (a tuple: a roster makes 100,000)."""

    number: str
    birth_date: dt.date
    sex: str  # GB/T 2261.1 code: "1" 男, "2" 女


_WELL_FORMED = re.compile(r"[0-9]{17}[0-9X]").fullmatch
_new_id_number = functools.partial(tuple.__new__, IdNumber)


def check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits (17 ASCII digits).

    The weights are 2^17 … 2^1 modulo 11, and 13 ≡ 2 (mod 11): twice the digits read as a
    base-13 number leaves the weighted sum's remainder, and int() reads it in C.
    """
    return _CHECK[2 * int(first17, 13) % 11]


@functools.lru_cache(maxsize=65536)
def _birth_date(digits: str) -> dt.date | None:
    """The date of YYYYMMDD, or None; remembered, since a roster's people share birthdays."""
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def parse_id_number(value: str) -> IdNumber:
    number = value.strip().upper()
    if _WELL_FORMED(number) is None:
        raise InvalidIdNumber("应为18位" if len(number) != 18 else "含有非法字符")
    birth = _birth_date(number[6:14])
    if birth is None:
        raise InvalidIdNumber("出生日期部分无效")
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("校验码错误")
    return _new_id_number((number, birth, "1" if number[16] in "13579" else "2"))
