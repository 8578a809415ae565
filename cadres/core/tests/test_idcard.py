import datetime as dt
import random

import pytest

from cadres.core.idcard import InvalidIdNumber, check_digit, parse_id_number


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "2"),
        ("110105194912310029"[:17] + "X", dt.date(1949, 12, 31), "2"),
        ("330381195110088810", dt.date(1951, 10, 8), "1"),
        ("33038119730810781X", dt.date(1973, 8, 10), "1"),
    ],
)
def test_valid_numbers_give_birth_date_and_sex(number, birth, sex):
    # when
    parsed = parse_id_number(number)

    # then
    assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth, sex)


def test_lower_case_x_and_spaces_are_normalised():
    # when
    parsed = parse_id_number(" 11010519491231002x ")

    # then
    assert parsed.number == "11010519491231002X"


def test_check_digit_follows_gb_11643():
    # when / then: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 → 1 0 X 9 8 7 6 5 4 3 2
    assert check_digit("11010519491231002") == "X"
    assert check_digit("33038119511008881") == "0"
    assert {check_digit(f"3303811975030112{d}") for d in range(10)} <= set("10X98765432")


def test_check_digit_is_the_weighted_sum_of_the_standard_for_any_digits():
    # given: the standard's definition, spelled out
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

    def by_the_standard(first17: str) -> str:
        return "10X98765432"[sum(int(digit) * weight for digit, weight in zip(first17, weights)) % 11]

    digits = random.Random(11643)
    numbers = [f"{digits.randrange(10**17):017d}" for _ in range(20_000)] + ["0" * 17, "9" * 17]

    # when / then
    assert [check_digit(number) for number in numbers] == [by_the_standard(number) for number in numbers]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验码错误"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100211", "应为18位"),
        ("11010519491231002Y", "含有非法字符"),
        ("1101051949A231002X", "含有非法字符"),
        ("11010519491231００2X", "含有非法字符"),
        ("1101051949_231002X", "含有非法字符"),
        ("110105194913310028", "出生日期部分无效"),
    ],
)
def test_invalid_numbers_say_why(number, reason):
    # when
    with pytest.raises(InvalidIdNumber) as raised:
        parse_id_number(number)

    # then
    assert str(raised.value) == reason
