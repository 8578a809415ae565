"""Resident identity numbers (公民身份号码, GB 11643): check digit, birth date and sex."""

import datetime as dt
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """The number is not a valid 18-character identity number; the message says why."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # GB/T 2261.1 code: "1" 男, "2" 女


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def parse_id_number(value: str) -> IdNumber:
    number = value.strip().upper()
    if len(number) != 18:
        raise InvalidIdNumber("应为18位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdNumber("含有非法字符")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise InvalidIdNumber("出生日期部分无效") from error
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("校验码错误")
    sex = "1" if int(number[16]) % 2 == 1 else "2"
    return IdNumber(number=number, birth_date=birth, sex=sex)
