"""Reads for structure analysis (结构分析): counts and percentages over a scope at an as-of date.

A report counts the people in post on the as-of date, with the rank they had then, from the
post history (org.selectors.people_on says who, and how it is read fast). Every figure is
computed with GROUP BY in the database over the short code columns of Person; Python only
combines the few hundred groups that come back, and corrects them for the people whose post
on the date is not their current one. The counting conventions are those of the roster
template (shared/fixtures/ROSTER_TEMPLATE.md), and the measures those of core.measures:

- age (年龄) is whole years at the as-of date; with only a birth month the birthday is the
  1st, which is what Person.birth_date holds in that case;
- 以下 / 以上 include the number: "30岁以下" is age ≤ 30, "56岁以上" is age ≥ 56;
- 少数民族 is every ethnicity but 汉族; 党外 is every political status but 中共党员 and
  中共预备党员;
- highest education (最高学历) is the higher of full-time and in-service education;
  大学以上 is 大学本科 or 研究生; 研究生学历或硕士学位 is highest education 研究生 or a
  硕士/博士 degree in either column; first education (第一学历) is full-time education;
- a percentage is count ÷ total × 100, rounded half up to two decimals (core.measures).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from cadres.core import codes, measures
from cadres.core.dates import age_on
from cadres.core.measures import percent
from cadres.org.models import Unit
from cadres.org.selectors import (
    PeopleOnDate,
    anyone_gone_on,
    nothing_changed_on,
    people_changed_on_sql,
    people_on,
)
from cadres.people.models import Person

AgeBand = tuple[int | None, int | None]

DEFAULT_AGE_BANDS: list[AgeBand] = [
    (None, 30), (31, 35), (36, 40), (41, 45), (46, 50), (51, 55), (56, None),
]
MISSING = "未填"
CPC_MEMBERS = "中共党员（含预备党员）"
SECONDARY_OR_BELOW = "中专及以下"
CLERK_RANKS = "科员及办事员"
# The groupings published tables use: 研究生 / 大学本科 / 大学专科 / 中专及以下, and the
# leading post levels with 科员 and 办事员 together.
COLLEGE_CODES = ("10", "20", "30")
SECONDARY_OR_BELOW_CODES = ("40", "60", "70")
CLERK_RANK_CODES = ("0150", "0160")
MASTER_OR_DOCTOR = codes.MASTER_OR_DOCTOR

# The figures of a report, in display order: key, heading. Each is a dict name → Figure.
DIMENSIONS: list[tuple[str, str]] = [
    ("age_bands", "年龄结构"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("education", "最高学历"),
    ("education_summary", "最高学历（归并）"),
    ("first_education", "第一学历（全日制）"),
    ("rank", "职务层次"),
    ("rank_summary", "职务层次（归并）"),
    ("professional_title", "专业技术职务"),
]
# Single figures (count and percentage) with their labels, in display order.
TOTALS: list[tuple[str, str]] = [
    ("minority", "少数民族"),
    ("cpc_members", CPC_MEMBERS),
    ("non_party", "党外干部"),
    ("bachelor_or_above", "大学以上学历"),
    ("postgraduate_or_master", "研究生学历或硕士学位"),
    ("with_professional_title", "有专业技术职务"),
]


def age_bands_from_cuts(cuts: Iterable[int]) -> list[AgeBand]:
    """Bands from upper limits: 30,35,40 → 30岁以下, 31—35岁, 36—40岁, 41岁以上."""
    limits = sorted(set(cuts))
    if not limits:
        return [(None, None)]
    bands: list[AgeBand] = [(None, limits[0])]
    bands += [(low + 1, high) for low, high in zip(limits, limits[1:])]
    bands.append((limits[-1] + 1, None))
    return bands


def age_band_label(band: AgeBand) -> str:
    low, high = band
    if low is None and high is None:
        return "全部年龄"
    if low is None:
        return f"{high}岁以下"
    if high is None:
        return f"{low}岁以上"
    if low == high:
        return f"{low}岁"
    return f"{low}—{high}岁"


def figure(count: int, total: int) -> dict[str, Any]:
    return {"count": count, "percent": percent(count, total)}


def structure_people(
    *,
    actor: Any,
    as_of: dt.date,
    unit: Unit | None,
    team_members_only: bool,
    include_subunits: bool = True,
) -> PeopleOnDate:
    """The people a structure report counts: those in post on `as_of`, from the post history.

    The scope is `unit` with its subtree (only the unit itself when `include_subunits` is
    false), or every unit the actor may see when `unit` is None. A person counts when he held
    a post on the date (org.selectors: started on or before it — an undated post from his
    参加工作时间, or always when that is missing too — and not ended on or before it) and his
    post of record then (the main post, 主职) is in the scope; his rank is that post's. With
    `team_members_only`, he counts when he held a team post (班子成员) in the scope on the
    date, a concurrent post (兼任) included. A person not yet in post, or gone, is not counted;
    a person is counted once.

    Age is taken at `as_of`. Education, political status, ethnicity and titles are the current
    record's, since only posts keep their history.
    """
    return people_on(
        actor=actor, as_of=as_of, unit=unit, team_members_only=team_members_only,
        include_subunits=include_subunits, fields=_ROW_FIELDS,
    )


def structure_report(
    *,
    actor: Any,
    as_of: dt.date,
    unit: Unit | None,
    team_members_only: bool,
    age_bands: Sequence[AgeBand] | None = None,
    include_subunits: bool = True,
) -> dict[str, Any]:
    """The structure of a scope at an as-of date (see `structure_people` for who is counted).

    Returns a JSON-ready dict: `total`, `average_age` (two decimals), `age_histogram`
    (whole-year age → count), `age_pyramid` (band labels with the count of 男 and 女 in each)
    and, each as name → {"count", "percent"}, the DIMENSIONS; the TOTALS are single
    {"count", "percent"} figures. Names are the national code tables' names; a person with
    the field empty is counted under 未填.
    """
    everyone = Person.objects.visible_to(actor)
    if (
        unit is None and not team_members_only and not everyone.query.where
        and not everyone.query.is_empty() and not Unit.objects.visible_to(actor).query.where
        # (The correction relies on one open main post a person: None without it.)
        and (gone := anyone_gone_on(as_of)) is not None
    ):
        # The whole database: Person counted by its current fields, corrected in SQL.
        groups = _group_counts(everyone, as_of=as_of)
        if not nothing_changed_on(as_of, anyone_gone=gone):
            _correct_in_sql(groups, as_of=as_of, using=everyone.db)
        return _report_from_counts(groups, as_of=as_of, age_bands=age_bands)
    people = structure_people(
        actor=actor, as_of=as_of, unit=unit, team_members_only=team_members_only,
        include_subunits=include_subunits,
    )
    groups = _group_counts(people.base, as_of=as_of)
    taken = [person.values for person in people.changed if person.in_base]
    added = [
        {**person.values, "rank": person.post.rank}
        for person in people.changed if person.post is not None
    ]
    _count_rows(groups, taken, as_of=as_of, sign=-1)
    _count_rows(groups, added, as_of=as_of, sign=1)
    return _report_from_counts(groups, as_of=as_of, age_bands=age_bands)


def _count_rows(
    groups: dict[str, Counter[Any]], rows: list[dict[str, Any]], *, as_of: dt.date, sign: int
) -> None:
    """Add (sign 1) or take away (sign -1) people's rows, as _group_counts counts them."""
    if not rows:
        return
    change = Counter.update if sign > 0 else Counter.subtract
    change(groups["age"], ((row["sex"], age_on(row["birth_date"], as_of)) for row in rows))
    for name, columns in _GROUPINGS.items():
        if name != "age":
            change(groups[name], (row[columns[0]] for row in rows))
    change(groups["master_degree"], (
        row["highest_education"] for row in rows
        if measures.has_master_or_doctor_degree(row["full_time_degree"], row["in_service_degree"])
    ))


def _correct_in_sql(groups: dict[str, Counter[Any]], *, as_of: dt.date, using: str) -> None:
    """Correct the counts of everyone by their current fields (_group_counts over the whole
    database) into the counts of the people in post on `as_of`, in one statement.

    The people whose post of record on the date is not their open main post
    (org.selectors.people_changed_on_sql, with `rank_on`, the rank then or NULL) are read once
    into a common table expression, which the database materialises since every grouping
    reads it; each grouping then counts it with GROUP BY: by rank, each is taken away at his
    current rank and added at his rank then; by every other grouping, only those in no post
    then are taken away (the others count there alike now and then). A few hundred groups
    reach Python instead of a row a person (228,000 changed people at 1,000,000 as of 2010 in
    bench/structure.py).
    """
    connection = connections[using]
    fields = ("rank", "birth_date", "sex", "ethnicity", "political_status", "highest_education",
              "full_time_degree", "in_service_degree", "full_time_education",
              "professional_title")
    inner, params = people_changed_on_sql(as_of, columns=fields, connection=connection)
    columns = (*fields, "rank_on")
    quote = connection.ops.quote_name
    year, later, after = _birth_year_sql(connection.vendor, as_of=as_of)
    gone = f"WHERE {quote('rank_on')} IS NULL"

    def grouped(name: str, keys: Sequence[str], sign: str, where: str = "") -> str:
        padded = [*keys, *(["NULL"] * (3 - len(keys)))]
        return (
            f"SELECT '{name}', {', '.join(f'CAST({key} AS TEXT)' for key in padded)}, "
            f"{sign}COUNT(*) FROM changed {where} "
            f"GROUP BY {', '.join(str(place) for place in range(2, len(keys) + 2))}"
        )

    parts = [
        grouped("rank", [quote("rank")], "-"),
        grouped("rank", [quote("rank_on")], "", f"WHERE {quote('rank_on')} IS NOT NULL"),
        grouped("age", [quote("sex"), year, f"CASE WHEN {later} THEN 1 ELSE 0 END"], "-", gone),
        grouped("highest_education", [quote("highest_education"), quote("full_time_degree"),
                                      quote("in_service_degree")], "-", gone),
        *(grouped(name, [quote(name)], "-", gone) for name in (
            "ethnicity", "political_status", "full_time_education", "professional_title"
        )),
    ]
    names = ", ".join(quote(column) for column in columns)
    sql = f"WITH changed ({names}) AS ({inner}) " + " UNION ALL ".join(parts)
    # (On PostgreSQL the settings turn JIT off: the planner's estimate for the lookup a
    # changed person started it, and compiling took 0.63 s of the query's 1.0 s.)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, after))
        rows = cursor.fetchall()
    for name, first, second, third, count in rows:
        if name == "age":
            groups["age"][(first, as_of.year - int(second) - int(third))] += count
        elif name == "highest_education":
            groups[name][first] += count
            if measures.has_master_or_doctor_degree(second, third):
                groups["master_degree"][first] += count
        else:
            groups[name][first] += count


def _report_from_counts(
    groups: dict[str, Counter[Any]], *, as_of: dt.date, age_bands: Sequence[AgeBand] | None = None
) -> dict[str, Any]:
    """The report's figures from the counts of every grouping (see _group_counts)."""
    bands = list(age_bands or DEFAULT_AGE_BANDS)
    for counts in groups.values():
        for key in [key for key, count in counts.items() if not count]:
            del counts[key]
    by_birth = groups["age"]
    total = sum(by_birth.values())
    histogram = Counter[int]()
    sexes = Counter[str]()
    for (sex, age), count in by_birth.items():
        histogram[age] += count
        sexes[sex] += count
    ethnicities = groups["ethnicity"]
    statuses = groups["political_status"]
    highest = groups["highest_education"]
    first = groups["full_time_education"]
    ranks = groups["rank"]
    titles = groups["professional_title"]
    # 研究生学历或硕士学位: the postgraduates, and the others holding a 硕士/博士 degree.
    postgraduate_or_master = sum(
        count for code, count in highest.items() if measures.is_postgraduate_or_master(code, "", "")
    ) + sum(
        count for code, count in groups["master_degree"].items()
        if not measures.is_postgraduate_or_master(code, "", "")
    )

    def named(counts: Counter[str], table: str) -> dict[str, dict[str, Any]]:
        order = {code: index for index, code in enumerate(codes.TABLES[table])}
        present = sorted((c for c in counts if c), key=lambda c: (order.get(c, len(order)), c))
        result = {codes.name_for(table, c) or c: figure(counts[c], total) for c in present}
        if counts.get(""):
            result[MISSING] = figure(counts[""], total)
        return result

    band_counts = []
    for low, high in bands:
        band_counts.append({
            sex: sum(
                count for (s, age), count in by_birth.items()
                if s == sex and (low is None or age >= low) and (high is None or age <= high)
            )
            for sex in (codes.Sex.MALE, codes.Sex.FEMALE)
        })
    labels = [age_band_label(band) for band in bands]

    cpc = sum(count for code, count in statuses.items() if measures.is_cpc_member(code))
    non_party = sum(count for code, count in statuses.items() if measures.is_non_party(code))
    minority = sum(count for code, count in ethnicities.items() if measures.is_minority(code))
    university = sum(
        count for code, count in highest.items() if measures.is_bachelor_or_above(code)
    )
    with_title = total - titles.get("", 0)
    secondary = sum(highest[code] for code in SECONDARY_OR_BELOW_CODES)
    education_summary = {
        codes.name_for("education", code): figure(highest[code], total) for code in COLLEGE_CODES
    }
    education_summary[SECONDARY_OR_BELOW] = figure(secondary, total)
    if highest.get(""):
        education_summary[MISSING] = figure(highest[""], total)
    rank_summary = {
        name: figure(ranks[code], total)
        for code, name in codes.RANK.items()
        if code not in CLERK_RANK_CODES and ranks[code]
    }
    rank_summary[CLERK_RANKS] = figure(sum(ranks[code] for code in CLERK_RANK_CODES), total)

    ages_total = sum(age * count for age, count in histogram.items())
    average = measures.round_half_up(Decimal(ages_total) / Decimal(total)) if total else 0.0
    return {
        "as_of": as_of.isoformat(),
        "total": total,
        "average_age": average,
        "age_histogram": {str(age): histogram[age] for age in sorted(histogram)},
        "age_bands": {
            label: figure(sum(counts.values()), total) for label, counts in zip(labels, band_counts)
        },
        "age_pyramid": {
            "labels": labels,
            "男": [counts[codes.Sex.MALE] for counts in band_counts],
            "女": [counts[codes.Sex.FEMALE] for counts in band_counts],
        },
        "gender": {name: figure(sexes[code], total) for code, name in codes.Sex.choices},
        "ethnicity": named(ethnicities, "ethnicity"),
        "minority": figure(minority, total),
        "political_status": named(statuses, "political_status"),
        "cpc_members": figure(cpc, total),
        "non_party": figure(non_party, total),
        "education": named(highest, "education"),
        "education_summary": education_summary,
        "bachelor_or_above": figure(university, total),
        "postgraduate_or_master": figure(postgraduate_or_master, total),
        "first_education": named(first, "education"),
        "rank": named(ranks, "rank"),
        "rank_summary": rank_summary,
        "professional_title": {
            title: figure(count, total)
            for title, count in sorted(titles.items(), key=lambda item: (-item[1], item[0]))
            if title
        },
        "with_professional_title": figure(with_title, total),
    }


def unit_for_reference(*, actor: Any, reference: str) -> Unit:
    """A unit the actor may see, by full path (临江市/凤卧镇) or by a name only one unit has."""
    units = Unit.objects.visible_to(actor)
    unit = units.filter(path=reference.strip()).first()
    if unit is not None:
        return unit
    matches = list(units.filter(name=reference.strip())[:2])
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LookupError(f"单位名称不唯一，请写单位全称：{reference}")
    raise LookupError(f"单位不存在：{reference}")


# The columns each GROUP BY of a report groups on. A person's postgraduate or master status
# comes with highest education: "master_degree" counts, by highest education, the people
# holding a 硕士 or 博士 degree in either column. "age" is (sex, age) → count.
_GROUPINGS: dict[str, tuple[str, ...]] = {
    "age": ("birth_date", "sex"),
    "ethnicity": ("ethnicity",),
    "political_status": ("political_status",),
    "highest_education": ("highest_education",),
    "full_time_education": ("full_time_education",),
    "rank": ("rank",),
    "professional_title": ("professional_title",),
}
# The Person fields a changed person's row carries (see org.selectors.PeopleOnDate).
_ROW_FIELDS = (
    "birth_date", "sex", "ethnicity", "political_status", "highest_education",
    "full_time_education", "full_time_degree", "in_service_degree", "rank",
    "professional_title",
)


def _group_counts(people: QuerySet[Person], *, as_of: dt.date) -> dict[str, Counter[Any]]:
    """The counts of every grouping of a report, keyed like _GROUPINGS.

    Over everyone (no WHERE clause), one GROUP BY a grouping: with an index on the grouped
    columns each is an index-only scan without sorting (SQLite) or a parallel index-only scan
    (PostgreSQL). Measured at 1,000,000 people on PostgreSQL, these seven queries take 0.7 s
    and one GROUPING SETS scan 1.9 s, as it hashes every row seven times on one core.
    Over part of the people (a unit, the team members, a user's units), PostgreSQL reads the
    rows in scope once and groups them with GROUPING SETS (5 ms a team instead of 15 ms);
    SQLite, which has no GROUPING SETS, runs the separate queries.
    Birth dates are grouped as they are, then regrouped in SQL by birth year and whether the
    birthday falls after the as-of day, which is all the age at the as-of date depends on:
    a few hundred rows reach Python, not one per birth date.
    """
    has_master_degree = measures.master_or_doctor_degree_q()
    people = people.order_by()
    counts: dict[str, Counter[Any]] = {name: Counter() for name in _GROUPINGS}
    counts["master_degree"] = Counter()
    if people.query.is_empty():
        return counts
    connection = connections[people.db]
    if people.query.where and connection.vendor == "postgresql":
        return _group_counts_in_one_scan(people, has_master_degree, counts, as_of=as_of)
    if people.query.where:
        # Part of the people on SQLite: one read of their rows, counted here, costs less
        # than seven GROUP BYs each evaluating the scope's subqueries again.
        person_rows = [dict(zip(_ROW_FIELDS, row)) for row in people.values_list(*_ROW_FIELDS)]
        _count_rows(counts, person_rows, as_of=as_of, sign=1)
        return counts
    for name, columns in _GROUPINGS.items():
        if name == "highest_education":
            # Counting a column of the index (never NULL) keeps the scan index-only.
            rows = people.values_list("highest_education").annotate(
                n=Count("*"), masters=Count("highest_education", filter=has_master_degree)
            )
            for code, count, masters in rows:
                counts[name][code] = count
                counts["master_degree"][code] = masters
            continue
        sql, params = people.values_list(*columns).annotate(n=Count("*")).query.sql_with_params()
        if name == "age":
            sql, params = _births_by_year_sql(connection.vendor, sql, params, as_of=as_of)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if name == "age":
            for sex, year, born_later, count in rows:
                counts[name][(sex, as_of.year - int(year) - bool(born_later))] += int(count)
            continue
        for code, count in rows:
            counts[name][code] = count
    return counts


def _birth_year_sql(vendor: str, *, as_of: dt.date) -> tuple[str, str, int | str]:
    """SQL for the birth year of "birth_date", SQL for "the birthday falls after the as-of day"
    (one %s placeholder) and that placeholder's value: all the age at the as-of date
    depends on."""
    if vendor == "postgresql":
        return (
            'EXTRACT(YEAR FROM "birth_date")::integer',
            '(EXTRACT(MONTH FROM "birth_date") * 100 + EXTRACT(DAY FROM "birth_date")) > %s',
            as_of.month * 100 + as_of.day,
        )
    # SQLite keeps dates as ISO text, 'YYYY-MM-DD'.
    return ('CAST(substr("birth_date", 1, 4) AS INTEGER)', 'substr("birth_date", 6, 5) > %s',
            f"{as_of:%m-%d}")


def _births_by_year_sql(
    vendor: str, sql: str, params: Sequence[Any], *, as_of: dt.date
) -> tuple[str, tuple[Any, ...]]:
    """Regroup (birth_date, sex, n) rows by sex, birth year and birthday after the as-of day."""
    year, later, after = _birth_year_sql(vendor, as_of=as_of)
    return (
        f'SELECT "sex", {year}, {later}, SUM("n") FROM ({sql}) AS births GROUP BY 1, 2, 3',
        (after, *params),
    )


# The grouping sets of the one-scan query: highest education comes with the degree flag.
_GROUPING_SETS: dict[str, tuple[str, ...]] = {
    **_GROUPINGS, "highest_education": ("highest_education", "has_master_degree"),
}


def _group_counts_in_one_scan(
    people: QuerySet[Person], has_master_degree: Q, counts: dict[str, Counter[Any]], *,
    as_of: dt.date,
) -> dict[str, Counter[Any]]:
    """The counts of _group_counts from one PostgreSQL query with GROUPING SETS."""
    columns = sorted({column for group in _GROUPING_SETS.values() for column in group})
    scope = people.annotate(
        has_master_degree=ExpressionWrapper(has_master_degree, output_field=BooleanField())
    ).values(*columns)
    inner, params = scope.query.sql_with_params()
    connection = connections[people.db]
    quote = connection.ops.quote_name
    names = list(_GROUPING_SETS)
    # GROUPING(first columns) has a 0 bit for the set a row belongs to (first set = top bit).
    firsts = ", ".join(quote(_GROUPING_SETS[name][0]) for name in names)
    sets = ", ".join(
        "(" + ", ".join(quote(c) for c in _GROUPING_SETS[name]) + ")" for name in names
    )
    others = [column for column in columns if column != "birth_date"]
    kept = ", ".join(quote(c) for c in others)
    sql = (
        f"SELECT {kept}, EXTRACT(YEAR FROM birth_date)::integer AS birth_year, "
        "(EXTRACT(MONTH FROM birth_date) * 100 + EXTRACT(DAY FROM birth_date)) > %s "
        "AS born_later, grouping_mask, SUM(n)::bigint FROM ("
        f"SELECT {', '.join(quote(c) for c in columns)}, GROUPING({firsts}) AS grouping_mask, "
        f"COUNT(*) AS n FROM ({inner}) AS scope GROUP BY GROUPING SETS ({sets})"
        f") AS grouped GROUP BY {kept}, birth_year, born_later, grouping_mask"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (as_of.month * 100 + as_of.day, *params))
        rows = cursor.fetchall()
    position = {column: index for index, column in enumerate(others)}
    every = (1 << len(names)) - 1
    for row in rows:
        year, born_later, mask, count = row[-4:]
        name = names[len(names) - (every ^ mask).bit_length()]
        if name == "age":
            counts[name][(row[position["sex"]], as_of.year - year - born_later)] += count
        elif name == "highest_education":
            code = row[position["highest_education"]]
            counts[name][code] += count
            if row[position["has_master_degree"]]:
                counts["master_degree"][code] += count
        else:
            counts[name][row[position[_GROUPING_SETS[name][0]]]] += count
    return counts
