"""The measures every analysis counts, each defined once: the structure report, plan targets and
forecasts import them from here, so a figure reads the same on every page.

- a percentage is count ÷ total × 100, rounded half up to two decimals (1/32 → 3.13), and 0 for
  an empty total;
- 党外 is every political status but 中共党员 and 中共预备党员;
- 少数民族 is every ethnicity but 汉族;
- 大学以上 is highest education (最高学历) 大学本科 or 研究生;
- 研究生学历或硕士学位 is highest education 研究生, or a 硕士/博士 degree in either column.

Each measure comes as a predicate on values (for people already in Python) and as a `Q` on
Person's columns (for counting in the database); a test holds the two to each other.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from cadres.core import codes

TWO_DECIMALS = Decimal("0.01")


def percent(count: int, total: int) -> float:
    """count ÷ total × 100, rounded half up to two decimals (0 for an empty total).

    Half up, as published tables and Excel's ROUND do: 1 of 32 is 3.125 → 3.13, not the
    banker's 3.12 that Decimal's default would give.
    """
    if not total:
        return 0.0
    value = Decimal(count * 100) / Decimal(total)
    return float(value.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP))


def round_half_up(value: Decimal) -> float:
    """A figure such as an average age to two decimals, half up like `percent`."""
    return float(value.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP))


def is_cpc_member(political_status: str) -> bool:
    return political_status in codes.CPC_MEMBER_CODES


def is_non_party(political_status: str) -> bool:
    """党外: not 中共党员 nor 中共预备党员 (an empty status counts as 党外, as it is not 党员)."""
    return political_status not in codes.CPC_MEMBER_CODES


def is_minority(ethnicity: str) -> bool:
    """少数民族: any ethnicity but 汉族 (an empty one too, as the report has always counted it)."""
    return ethnicity != codes.HAN


def is_woman(sex: str) -> bool:
    return sex == codes.Sex.FEMALE


def is_bachelor_or_above(highest_education: str) -> bool:
    """大学以上: highest education 大学本科 or 研究生."""
    return highest_education in codes.UNIVERSITY_OR_ABOVE


def has_master_or_doctor_degree(full_time_degree: str, in_service_degree: str) -> bool:
    return (
        full_time_degree in codes.MASTER_OR_DOCTOR or in_service_degree in codes.MASTER_OR_DOCTOR
    )


def is_postgraduate_or_master(
    highest_education: str, full_time_degree: str, in_service_degree: str
) -> bool:
    """研究生学历或硕士学位: highest education 研究生, or a 硕士/博士 degree in either column."""
    return highest_education == codes.POSTGRADUATE or has_master_or_doctor_degree(
        full_time_degree, in_service_degree
    )


def cpc_member_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}political_status__in": codes.CPC_MEMBER_CODES})


def non_party_q(prefix: str = "") -> Q:
    return ~cpc_member_q(prefix)


def minority_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}ethnicity": codes.HAN})


def master_or_doctor_degree_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}full_time_degree__in": codes.MASTER_OR_DOCTOR}) | Q(
        **{f"{prefix}in_service_degree__in": codes.MASTER_OR_DOCTOR}
    )
