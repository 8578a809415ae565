"""Every read of the reserves app: a pool's structure against its targets on a date, the
documents' reserve table, reserves unused for too long (备而不用), the warnings they give, and
the ranked reserves for each forecast vacancy and team gap (matching).

A member counts on a date D when he joined on or before D and had not left by then (used or
removed on a later day). Ages are whole years on D (core.dates.age_on); the measures (女, 党外,
少数民族, 大学以上) and the percentage are core.measures'. A share target is met when
count × 100 ≥ threshold × members (exactly 30% meets 30%); the posts ratio when members ≥
threshold × posts (exactly 2 × meets 2 ×), and is unknown (None) when the pool has no posts.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from cadres.core import codes, measures
from cadres.core.dates import add_months, age_on
from cadres.org.selectors import team_quotas_on
from cadres.people.models import Person
from cadres.plans.selectors import MEMBER_FIELDS, Member, member_counts
from cadres.reserves.models import ReserveMember, ReservePool, ReserveStatus, ReserveTarget

Measure = ReserveTarget.Measure
# The columns of the documents' reserve table (后备干部结构情况表), in order: key, header,
# the target they are read against (measure, age).
TABLE_SHARES: tuple[tuple[str, str, str, int | None], ...] = (
    ("age_35", "35岁以下", Measure.AGE_AT_MOST, 35),
    ("age_30", "其中30岁以下", Measure.AGE_AT_MOST, 30),
    ("women", "女干部", Measure.WOMEN, None),
    ("non_party", "党外干部", Measure.NON_PARTY, None),
)
TABLE_HEADER = ["后备干部库", "总数", "35岁以下人数", "35岁以下占比", "其中30岁以下人数", "其中30岁以下占比",
                "女干部人数", "女干部占比", "党外干部人数", "党外干部占比", "职位数", "后备与职位比例"]
TARGET_RULE = "reserve_targets"
UNUSED_RULE = "reserve_unused"


def target_label(target: ReserveTarget) -> str:
    if target.measure == Measure.AGE_AT_MOST:
        return f"{target.age}岁以下"
    if target.measure == Measure.POSTS_RATIO:
        return "后备人数与职位数之比"
    return target.get_measure_display()


def threshold_text(target: ReserveTarget) -> str:
    value = target.threshold.normalize()
    number = f"{value:f}"
    return f"≥ {number} 倍" if target.measure == Measure.POSTS_RATIO else f"≥ {number}%"


# --- members on a date ----------------------------------------------------------------------


def active_on_q(on: dt.date, prefix: str = "") -> Q:
    """Members of their pool on `on`: joined by then and not left before or on it."""
    return Q(**{f"{prefix}nominated_on__lte": on}) & (
        Q(**{f"{prefix}status": ReserveStatus.ACTIVE}) | Q(**{f"{prefix}left_on__gt": on}))


def members_on(pool: ReservePool, on: dt.date) -> list[Member]:
    rows = (Person.objects.filter(reserve_memberships__in=ReserveMember.objects.filter(active_on_q(on), pool=pool))
            .distinct().values("id", *MEMBER_FIELDS))
    return [Member(person_id=row.pop("id"), **row, age=age_on(row["birth_date"], on)) for row in rows]


# --- posts ------------------------------------------------------------------------------------


def pool_posts(pool: ReservePool, on: dt.date) -> int | None:
    """The posts a pool serves: its own number, else the 领导职数 of its rank (正职 ranks: the
    principal posts, 副职 ranks: the deputy posts) approved on `on` over the units below its
    unit (the unit's own when it has none below); None when neither is known."""
    if pool.posts is not None:
        return pool.posts
    if pool.unit is None or not pool.rank:
        return None
    quotas = team_quotas_on(actor=None, as_of=on, unit=pool.unit, all_units=True)
    below = [row for row in quotas if row.unit.pk != pool.unit.pk] or quotas
    name = "principal_posts" if pool.rank.endswith("1") else "deputy_posts"
    values = [getattr(row, name) for row in below if getattr(row, name) is not None]
    return sum(values) if values else None


# --- structure ------------------------------------------------------------------------------


@dataclass
class TargetFigure:
    target: ReserveTarget | None
    label: str
    count: int
    total: int
    percent: float
    met: bool | None
    threshold: str = ""


@dataclass
class PoolStructure:
    pool: ReservePool
    on: dt.date
    total: int
    posts: int | None
    ratio: float | None
    targets: list[TargetFigure] = field(default_factory=list)
    figures: dict[str, TargetFigure] = field(default_factory=dict)

    @property
    def unmet(self) -> list[TargetFigure]:
        return [figure for figure in self.targets if figure.met is False]


def _ratio(total: int, posts: int | None) -> float | None:
    if not posts:
        return None
    return measures.round_half_up(Decimal(total) / Decimal(posts))


def _share(members: list[Member], measure: str, age: int | None) -> tuple[int, float]:
    count = sum(1 for member in members if member_counts(measure, member, age_limit=age))
    return count, measures.percent(count, len(members))


def _met(target: ReserveTarget, count: int, total: int, posts: int | None) -> bool | None:
    if target.measure == Measure.POSTS_RATIO:
        if not posts:
            return None
        return Decimal(total) >= target.threshold * posts
    return Decimal(count * 100) >= target.threshold * total


def pool_structure(pool: ReservePool, on: dt.date) -> PoolStructure:
    """The pool's members on `on` against each of its targets (count, share, met), and the
    table's four fixed shares (`figures`: age_35, age_30, women, non_party) whatever targets
    the pool has."""
    members = members_on(pool, on)
    total = len(members)
    posts = pool_posts(pool, on)
    result = PoolStructure(pool=pool, on=on, total=total, posts=posts, ratio=_ratio(total, posts))
    targets = list(pool.targets.all())
    for target in targets:
        if target.measure == Measure.POSTS_RATIO:
            count, percent = total, float(result.ratio or 0)
        else:
            count, percent = _share(members, target.measure, target.age)
        result.targets.append(TargetFigure(target, target_label(target), count, total, percent,
                                           _met(target, count, total, posts), threshold_text(target)))
    for key, label, measure, age in TABLE_SHARES:
        own = next((target for target in targets if target.measure == measure and target.age == age), None)
        count, percent = _share(members, measure, age)
        result.figures[key] = TargetFigure(own, label, count, total, percent,
                                           _met(own, count, total, posts) if own else None,
                                           threshold_text(own) if own else "")
    ratio_target = next((target for target in targets if target.measure == Measure.POSTS_RATIO), None)
    result.figures["posts_ratio"] = TargetFigure(
        ratio_target, "后备与职位比例", total, total, float(result.ratio or 0),
        _met(ratio_target, total, total, posts) if ratio_target else None,
        threshold_text(ratio_target) if ratio_target else "")
    return result


def reserve_table(pools: Any, on: dt.date) -> list[dict[str, Any]]:
    """The documents' reserve table: a row per pool (总数; 35岁以下, 其中30岁以下, 女, 党外 as
    count and share, each met or not against the pool's target; 职位数; 比例), then 合计 when
    there are several pools (the shares over all members, no targets)."""
    rows = []
    totals = {"total": 0, "posts": 0, "posts_known": True}
    counts = {key: 0 for key, *_ in TABLE_SHARES}
    for pool in pools:
        figures = pool_structure(pool, on)
        rows.append({"pool": pool, "label": pool.name, "structure": figures, "total": figures.total,
                     "shares": [figures.figures[key] for key, *_ in TABLE_SHARES],
                     "posts": figures.posts, "ratio": figures.ratio,
                     "ratio_figure": figures.figures["posts_ratio"]})
        totals["total"] += figures.total
        if figures.posts is None:
            totals["posts_known"] = False
        else:
            totals["posts"] += figures.posts
        for key, *_ in TABLE_SHARES:
            counts[key] += figures.figures[key].count
    if len(rows) > 1:
        total = int(totals["total"])
        posts = int(totals["posts"]) if totals["posts_known"] else None
        rows.append({"pool": None, "label": "合计", "structure": None, "total": total,
                     "shares": [TargetFigure(None, label, counts[key], total,
                                             measures.percent(counts[key], total), None)
                                for key, label, *_ in TABLE_SHARES],
                     "posts": posts, "ratio": _ratio(total, posts),
                     "ratio_figure": TargetFigure(None, "后备与职位比例", total, total,
                                                  float(_ratio(total, posts) or 0), None)})
    return rows


def table_sheet_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The reserve table as spreadsheet rows (TABLE_HEADER's columns)."""
    out = []
    for row in rows:
        cells: list[Any] = [row["label"], row["total"]]
        for share in row["shares"]:
            cells += [share.count, f"{share.percent:.2f}%"]
        cells.append(row["posts"] if row["posts"] is not None else "")
        cells.append(f"{row['ratio']:.2f}" if row["ratio"] is not None else "")
        out.append(cells)
    return out


# --- 备而不用 ---------------------------------------------------------------------------------


def unused_since(member: ReserveMember) -> dt.date:
    """The day from which an active member counts as unused: N full years after joining."""
    return add_months(member.nominated_on, member.pool.unused_years * 12)


def is_unused(member: ReserveMember, on: dt.date) -> bool:
    return member.status == ReserveStatus.ACTIVE and unused_since(member) <= on


def unused_members(on: dt.date, pools: Any = None, *, people: Any = None) -> list[ReserveMember]:
    """Active members unused for their pool's years; `people` (a Person queryset) limits them to
    those a user may see — a county-wide pool holds people of every unit."""
    members = ReserveMember.objects.filter(status=ReserveStatus.ACTIVE, nominated_on__lte=on) \
        .select_related("pool", "person", "person__unit")
    if pools is not None:
        members = members.filter(pool__in=pools)
    if people is not None:
        members = members.filter(person__in=people)
    return [member for member in members if is_unused(member, on)]


# --- warnings -----------------------------------------------------------------------------------


def reserve_findings(on: dt.date) -> list[Any]:
    """The reserves' warnings on `on` (cadres.alerts.findings.Finding): each active pool's
    targets missed (rule `reserve_targets`) and each member unused for the pool's years
    (rule `reserve_unused`)."""
    from cadres.alerts.findings import Finding

    found: list[Finding] = []
    for pool in ReservePool.objects.filter(is_active=True).select_related("unit").prefetch_related("targets"):
        url = reverse("reserves:pool", args=[pool.pk])
        figures = pool_structure(pool, on)
        for figure in figures.unmet:
            assert figure.target is not None
            if figure.target.measure == Measure.POSTS_RATIO:
                what = (f"后备干部{figure.total}人，职位数{figures.posts}个，比例{figures.ratio}，"
                        f"未达到{figure.threshold}")
            else:
                what = f"{figure.label}{figure.count}人，占{figure.percent:.2f}%，未达到{figure.threshold}"
            found.append(Finding(
                kind="reserve_target",
                key=f"reserve_target:{pool.pk}:{figure.target.measure}:{figure.target.age or ''}",
                message=f"{pool.name}：{what}", rule_code=TARGET_RULE,
                unit_id=pool.unit_id, url=url,
            ))
    for member in unused_members(on):
        found.append(Finding(
            kind="reserve_unused", key=f"reserve_unused:{member.pk}",
            message=(f"{member.person.name}于{member.nominated_on:%Y.%m.%d}列入{member.pool.name}，"
                     f"已满{member.pool.unused_years}年未使用"),
            rule_code=UNUSED_RULE, person_id=member.person_id, unit_id=member.person.unit_id,
            due_on=unused_since(member), url=reverse("reserves:pool", args=[member.pool_id]),
        ))
    return found


def pools_rows(pools: QuerySet[ReservePool]) -> QuerySet[ReservePool]:
    return pools.prefetch_related("targets").order_by("name")


def rank_label(rank: str) -> str:
    return codes.name_for("rank", rank) or ""


def pool_names_of(person: Person) -> list[str]:
    """The pools the person is an active member of, joined first first."""
    return list(ReserveMember.objects.filter(person=person, status=ReserveStatus.ACTIVE)
                .order_by("nominated_on", "id").values_list("pool__name", flat=True))
