"""Age-limit arithmetic: the month a person reaches a limit, and the births that reach it in a period.

Conventions (ROSTER_TEMPLATE.md, RULES §5):
- A person reaches a limit in the month he turns that age (年龄到杠): born 1955.10 with a
  limit of 56 reaches it in 2011.10. Only the birth month matters; the day is ignored.
- The date a person reaches a limit is the 1st of that month (the birthday is the 1st when
  only the month is known). A period (after, until] counts a person when
  after < that date <= until, so with until 2011-10-01 the 2011.10 case counts, with
  2011-09-30 it does not, and someone who reached it during the as-of month has reached it.
- The 2025 statutory reform raises the age with the birth month: from `raise_from`, each
  block of `raise_every_months` birth months adds one month, the first block included, up
  to `raise_cap_months`: extra = min(cap, offset // every + 1) where offset is the number of
  months from `raise_from` to the birth month. This is what the 全国人大常委会决定's 对照表
  shows (men born 1965-01…1965-04: 60 years 1 month; 1965-05: 60 years 2 months; from
  1976-09: 63 years). The 决定 words it by the original retirement month ("每四个月延迟
  一个月" from 2025-01), which is the same thing counted from the birth month.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q

from cadres.core import codes
from cadres.core.dates import add_months


class LimitLike(Protocol):
    """What the rules read of a limit (an AgeLimit row or a SimpleLimit), read-only."""

    @property
    def rank(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def age_years(self) -> int: ...
    @property
    def extra_months(self) -> int: ...
    @property
    def raise_from(self) -> dt.date | None: ...
    @property
    def raise_every_months(self) -> int | None: ...
    @property
    def raise_cap_months(self) -> int | None: ...


@dataclass(frozen=True)
class SimpleLimit:
    """A limit given on the command line or in code, e.g. 正县级=57 (no reform raise)."""

    rank: str
    age_years: int
    sex: str = ""
    group: str = ""
    extra_months: int = 0
    raise_from: dt.date | None = None
    raise_every_months: int | None = None
    raise_cap_months: int | None = None


def month_start(value: dt.date) -> dt.date:
    return dt.date(value.year, value.month, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from start's month to end's month (negative when end is earlier)."""
    return (end.year - start.year) * 12 + end.month - start.month


def raise_months(limit: LimitLike, birth: dt.date) -> int:
    """The months the reform adds for a birth month (0 before `raise_from` or without a reform)."""
    if limit.raise_from is None or not limit.raise_every_months:
        return 0
    offset = months_between(limit.raise_from, birth)
    if offset < 0:
        return 0
    return min(limit.raise_cap_months or 0, offset // limit.raise_every_months + 1)


def limit_months(limit: LimitLike, birth: dt.date) -> int:
    """The age at the limit, in months, for a person born in `birth`'s month."""
    return limit.age_years * 12 + limit.extra_months + raise_months(limit, birth)


def reach_date(limit: LimitLike, birth: dt.date) -> dt.date:
    """The 1st of the month in which a person born in `birth`'s month reaches the limit."""
    return add_months(month_start(birth), limit_months(limit, birth))


def limits_from_ages(ages: Mapping[str, int]) -> list[SimpleLimit]:
    """Limits by rank code for both sexes, as `--limit 正县级=57` gives them."""
    return [SimpleLimit(rank=rank, age_years=age) for rank, age in ages.items()]


def limit_for(limits: Iterable[LimitLike], *, rank: str, sex: str, group: str = "") -> LimitLike | None:
    """The most specific limit for a rank and sex: rank match before sex match before blanks."""
    best: LimitLike | None = None
    best_score = -1
    for limit in limits:
        if limit.group != group:
            continue
        if limit.rank not in ("", rank) or limit.sex not in ("", sex):
            continue
        score = (2 if limit.rank else 0) + (1 if limit.sex else 0)
        if score > best_score:
            best, best_score = limit, score
    return best


def limit_month(person: Any, rule_set: Any, *, group: str = "") -> dt.date | None:
    """The month (its 1st) a person reaches the limit of a rule set, or None when none applies.

    `rule_set` is an AgeLimitRuleSet, or any iterable of limits.
    """
    limits = rule_set.limits.all() if hasattr(rule_set, "limits") else rule_set
    limit = limit_for(limits, rank=person.rank, sex=person.sex, group=group)
    if limit is None:
        return None
    return reach_date(limit, person.birth_date)


def first_birth_reaching_after(limit: LimitLike, after: dt.date) -> dt.date:
    """The earliest birth month whose reach date is later than `after`.

    The reach date rises strictly with the birth month (the reform adds at most one month per
    month of birth), so the births reaching in a period form one run of months.
    """
    guess = add_months(month_start(after), -limit_months(limit, month_start(after)) - 1)
    while reach_date(limit, guess) > after:
        guess = add_months(guess, -1)
    while reach_date(limit, guess) <= after:
        guess = add_months(guess, 1)
    return guess


def birth_q(limit: LimitLike, *, after: dt.date | None, until: dt.date | None,
            field: str = "birth_date") -> Q:
    """A filter on birth dates for people who reach the limit in (after, until]."""
    condition = Q()
    if after is not None:
        condition &= Q(**{f"{field}__gte": first_birth_reaching_after(limit, after)})
    if until is not None:
        condition &= Q(**{f"{field}__lt": first_birth_reaching_after(limit, until)})
    return condition


def reaching_q(limits: Iterable[LimitLike], *, after: dt.date | None, until: dt.date | None,
               group: str = "") -> Q:
    """A filter for people (by their rank, sex and birth) who reach their limit in (after, until].

    Each rank and sex gets the limit that applies to it, so the filter is exact for rule sets
    mixing rank-wide, sex-specific and blank limits. Nobody matches when no limit applies.
    """
    limits = list(limits)
    condition = Q(pk__in=[])
    for rank in codes.RANK:
        for sex in codes.Sex.values:
            limit = limit_for(limits, rank=rank, sex=sex, group=group)
            if limit is None:
                continue
            condition |= Q(rank=rank, sex=sex) & birth_q(limit, after=after, until=until)
    return condition
