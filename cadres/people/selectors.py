"""Every read of cadre records for pages and exports, starting from what the actor may see."""

import base64
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import OrderBy
from django.utils import timezone

from cadres.core import measures
from cadres.org.models import Assignment, Unit
from cadres.people.models import Person

# Age bands of the roster filter: key → (lowest age, highest age), both included (以上/以下).
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "-30": (None, 30),
    "31-35": (31, 35),
    "36-40": (36, 40),
    "41-45": (41, 45),
    "46-50": (46, 50),
    "51-55": (51, 55),
    "56-": (56, None),
}
AGE_BAND_LABELS = {
    "-30": "30岁以下",
    "31-35": "31—35岁",
    "36-40": "36—40岁",
    "41-45": "41—45岁",
    "46-50": "46—50岁",
    "51-55": "51—55岁",
    "56-": "56岁以上",
}


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_range_for_ages(
    low: int | None, high: int | None, *, today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """Birth dates (earliest exclusive, latest inclusive) of people aged low..high today.

    A person is at least `n` years old when born on or before the same day n years ago
    (core.dates.age_on), so age ≤ high means born after the day (high + 1) years ago.
    """
    born_after = years_before(today, high + 1) if high is not None else None
    born_by = years_before(today, low) if low is not None else None
    return born_after, born_by


ROSTER_FILTERS = (
    "q", "post_title", "unit", "rank", "sex", "age_band", "age_min", "age_max", "age_on", "education",
    "full_time_education", "political_status", "party", "ethnicity", "nationality", "reserve", "team_member",
)


def person_list(*, actor: Any, filters: Mapping[str, Any], sort: str = "") -> QuerySet[Person]:
    """The roster the actor may see (`restrict(actor, "view")`), narrowed by the filter form's
    cleaned values and ordered by `sort` (else the filters' "sort"): a key of ORDERINGS, "-"
    for descending; the department's order by default.

    Filters (empty values are ignored):
    - q: part of the name, or the start of its 拼音首字母 ("zs" finds 张三), or a whole 身份证号;
    - post_title: part of the 职务 ("书记" finds 党委书记 and 党委副书记);
    - unit (a Unit: it and its sub-units), rank, sex, education (最高学历), full_time_education
      (全日制学历), political_status (one code), party ("member": 中共党员 and 预备党员;
      "non_party": 党外), nationality ("han" / "minority"), ethnicity (one code);
    - age_band (a key of AGE_BANDS), age_min / age_max (whole years, both included) on
      age_on (a date; today when not given);
    - reserve (后备干部: reserve_pool not blank), team_member ("yes" / "no": 班子成员).
    """
    sort = sort or filters.get("sort") or ""
    people = Person.objects.restrict(actor, "view").select_related("unit")
    if text := "".join((filters.get("q") or "").split()):
        people = people.filter(_name_q(text, vendor=connections[people.db].vendor))
    if title := (filters.get("post_title") or "").strip():
        people = people.filter(post_title__contains=title)
    if unit := filters.get("unit"):
        people = people.filter(unit__in=Unit.objects.restrict(actor, "view").subtree_of(unit))
    for field_name, key in (
        ("rank", "rank"),
        ("sex", "sex"),
        ("highest_education", "education"),
        ("full_time_education", "full_time_education"),
        ("political_status", "political_status"),
        ("ethnicity", "ethnicity"),
    ):
        if value := filters.get(key):
            people = people.filter(**{field_name: value})
    if party := filters.get("party"):
        people = people.filter(measures.cpc_member_q() if party == "member" else measures.non_party_q())
    if nationality := filters.get("nationality"):
        people = people.filter(~measures.minority_q() if nationality == "han" else measures.minority_q())
    if filters.get("reserve"):
        people = people.exclude(reserve_pool="")
    if team := filters.get("team_member"):
        people = people.filter(is_team_member=team == "yes")
    on = filters.get("age_on") or timezone.localdate()
    low, high = filters.get("age_min"), filters.get("age_max")
    if band := filters.get("age_band"):
        # A band and a range together: the ages both allow.
        band_low, band_high = AGE_BANDS[band]
        low = max((age for age in (low, band_low) if age is not None), default=None)
        high = min((age for age in (high, band_high) if age is not None), default=None)
    if low is not None or high is not None:
        born_after, born_by = birth_range_for_ages(low, high, today=on)
        if born_after is not None:
            people = people.filter(birth_date__gt=born_after)
        if born_by is not None:
            people = people.filter(birth_date__lte=born_by)
    return people.order_by(*ordering_for(sort).order_by(descending=sort.startswith("-")))


_ID_NUMBER = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
_INITIALS = re.compile(r"^[A-Za-z]+$")


def _name_q(text: str, *, vendor: str = "") -> Q:
    """q: a whole 身份证号 matches the number; Latin letters the start of the 拼音首字母 (as a
    range, so the index on name_initials serves it on both databases: "zs" ≤ initials < "zt");
    else part of the name: on PostgreSQL first by the name's characters (NameHasChars, which
    the GIN index person_name_chars_idx serves), then by the substring itself, so that both
    databases find exactly the same people."""
    if _ID_NUMBER.match(text):
        return Q(id_number=text.upper())
    if _INITIALS.match(text):
        start = text.lower()
        end = start[:-1] + chr(ord(start[-1]) + 1)
        return Q(name_initials__gte=start, name_initials__lt=end)
    if vendor == "postgresql":
        return Q(NameHasChars(text)) & Q(name__contains=text)
    return Q(name__contains=text)


class NameHasChars(Func):
    """Whether the person's name has every character of `text` (PostgreSQL only):
    `string_to_array(name::text, NULL) @> ARRAY[…]`, the expression of the GIN index
    person_name_chars_idx (migration 0008). A name search is a substring of 1–4 Chinese
    characters, which neither a B-tree nor pg_trgm (three characters at least) serves; the
    index finds the names with the characters, and `name LIKE '%text%'` keeps those with the
    substring. SQLite has no such index: there the search is the LIKE alone.

    The LIKE stays for a single character too, though having it is containing it: the planner
    multiplies the two conditions' estimates, so that it reads the matches from the index and
    sorts them; with the index's estimate alone it walks an ordering's index instead, and a
    姓氏笔画 order puts a surname's people together, far from the start (measured at 1M on
    PostgreSQL: 45 ms by the index, 290 ms by the ordering's for 姓名 contains 王)."""

    output_field = BooleanField()

    def __init__(self, text: str) -> None:
        super().__init__(F("name"), Value(sorted(set(text))))

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        name_sql, name_params = compiler.compile(self.source_expressions[0])
        chars_sql, chars_params = compiler.compile(self.source_expressions[1])
        return f"string_to_array({name_sql}::text, NULL) @> {chars_sql}::text[]", [*name_params, *chars_params]


# Orderings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ordering:
    """One order of the roster: its columns (ORM paths, ascending, ending with the person's id
    so that every row has a place of its own) and those that may be NULL. A NULL sorts after
    every value ascending and before them descending (PostgreSQL's default), so descending is
    exactly the reverse of ascending and one index serves both."""

    label: str
    columns: tuple[str, ...]
    nullable: frozenset[str] = frozenset()

    def order_by(self, *, descending: bool = False) -> list[OrderBy]:
        return [
            (F(column).desc(nulls_first=True) if descending else F(column).asc(nulls_last=True))
            if column in self.nullable
            else (F(column).desc() if descending else F(column).asc())
            for column in self.columns
        ]


# The department's order (排序号): units in their place in the tree (Unit.sort_key, then the
# unit's id for units without one), people by 排序号 within the unit, then by 姓氏笔画.
DEFAULT_ORDERING = "unit"
ORDERINGS: dict[str, Ordering] = {
    "unit": Ordering("按单位及排序号", ("unit__sort_key", "unit_id", "sort_order", "name_strokes", "id")),
    "name": Ordering("按姓氏笔画", ("name_strokes", "id")),
    "birth": Ordering("按出生年月", ("birth_date", "name_strokes", "id")),
    "rank": Ordering("按职务层次", ("rank", "name_strokes", "id")),
    "post_started": Ordering("按任现职时间", ("post_started_on", "name_strokes", "id"),
                             nullable=frozenset({"post_started_on"})),
}
_DATE_COLUMNS = frozenset({"birth_date", "post_started_on"})
_INTEGER_COLUMNS = frozenset({"unit_id", "sort_order", "id"})


def ordering_for(sort: str) -> Ordering:
    """The ordering a `sort` value names ("birth", "-birth" …); the default for anything else."""
    return ORDERINGS.get(sort.removeprefix("-"), ORDERINGS[DEFAULT_ORDERING])


def sort_is_valid(sort: str) -> bool:
    return sort.removeprefix("-") in ORDERINGS


# Keyset paging -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the ordering columns' values of the row next to it (`after` for the
    following page, `before` for the previous one), with the page's number and the count of the
    search it belongs to when that is known (so that paging does not count again), else None
    (the page then loads its count separately: roster_count)."""

    values: tuple[Any, ...]
    page: int
    total: int | None

    def encode(self) -> str:
        values = [value.isoformat() if isinstance(value, dt.date) else value for value in self.values]
        data = json.dumps([values, self.page, self.total], ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def cursor_decode(text: str, ordering: Ordering) -> Cursor | None:
    """A cursor of this ordering, or None for anything else (a cursor of another ordering, a
    tampered one): the page then starts at the beginning."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values, page, total = json.loads(raw)
        if not (isinstance(values, list) and len(values) == len(ordering.columns)):
            return None
        if not (isinstance(page, int) and not isinstance(page, bool) and page >= 1):
            return None
        if total is not None and not (isinstance(total, int) and not isinstance(total, bool) and total >= 0):
            return None
        parsed: list[Any] = []
        for column, value in zip(ordering.columns, values, strict=True):
            if value is None:
                if column not in ordering.nullable:
                    return None
                parsed.append(None)
            elif column in _DATE_COLUMNS:
                parsed.append(dt.date.fromisoformat(value))
            elif column in _INTEGER_COLUMNS:
                if not isinstance(value, int) or isinstance(value, bool):
                    return None
                parsed.append(value)
            elif isinstance(value, str):
                parsed.append(value)
            else:
                return None
        return Cursor(tuple(parsed), page, total)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def _row_values(person: Person, ordering: Ordering) -> tuple[Any, ...]:
    values = []
    for column in ordering.columns:
        value: Any = person
        for part in column.split("__"):
            value = getattr(value, part)
        values.append(value)
    return tuple(values)


def _after_q(ordering: Ordering, values: tuple[Any, ...], *, descending: bool) -> Q:
    """Rows strictly after `values` in the ordering (read in `descending` direction): the row
    comparison (c1, c2, …) > (v1, v2, …) written out term by term, with NULLs where the
    ordering puts them, and a leading c1 ≥ v1 so that the database seeks in its index."""

    def beyond(column: str, value: Any) -> Q:
        if value is None:  # NULLs come last ascending: only non-NULLs descending come after
            return Q(**{f"{column}__isnull": False}) if descending else Q(pk__in=[])
        q = Q(**{f"{column}__{'lt' if descending else 'gt'}": value})
        if column in ordering.nullable and not descending:
            q |= Q(**{f"{column}__isnull": True})
        return q

    def equal(column: str, value: Any) -> Q:
        return Q(**{f"{column}__isnull": True}) if value is None else Q(**{column: value})

    condition = Q(pk__in=[])
    for index, (column, value) in enumerate(zip(ordering.columns, values, strict=True)):
        term = beyond(column, value)
        for before_column, before_value in zip(ordering.columns[:index], values[:index], strict=True):
            term &= equal(before_column, before_value)
        condition |= term
    first, first_value = ordering.columns[0], values[0]
    if first_value is not None and first not in ordering.nullable:
        condition &= Q(**{f"{first}__{'lte' if descending else 'gte'}": first_value})
    return condition


# A search is counted up to this many people; a larger one shows as "more than" (counting a
# million rows costs more than the page itself, and no department reads that far).
COUNT_LIMIT = 100_000


@dataclass
class RosterPage:
    """One page of the roster: its rows, its number, the count of the search when it is known
    (at most COUNT_LIMIT; `total_is_exact` says whether there are no more), else None: the page
    was read without counting and the count comes separately (roster_count); and the cursors of
    the pages before and after it (None at either end)."""

    rows: list[Person]
    number: int
    total: int | None
    total_is_exact: bool
    page_size: int
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def total_is_known(self) -> bool:
        return self.total is not None

    @property
    def page_count(self) -> int:
        """The number of pages (of the counted people when the count is not exact; when it is not
        known, the pages known to exist: this one and the next when there is one)."""
        if self.total is None:
            return self.number + (1 if self.next_cursor else 0)
        return max(1, -(-self.total // self.page_size), self.number)

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.rows else 0


# A search finding at most this many people reads them by id (see roster_page).
FEW = 2000


def _few_found(people: QuerySet[Person]) -> list[int] | None:
    """The ids of the people the search finds when they are at most FEW, else None.

    A bounded look without ordering (`SELECT id … LIMIT FEW + 1`): it stops as soon as it has
    found more than FEW, so it is cheap for a search that finds many; for one that finds few it
    reads what the filter reads once, and tells the exact count with it."""
    ids = list(people.order_by().values_list("pk", flat=True)[: FEW + 1])
    return ids if len(ids) <= FEW else None


def roster_count(people: QuerySet[Person]) -> tuple[int, bool]:
    """How many people the search finds, up to COUNT_LIMIT, and whether that is all of them."""
    total = people.order_by()[: COUNT_LIMIT + 1].count()
    return min(total, COUNT_LIMIT), total <= COUNT_LIMIT


def roster_page(
    *, people: QuerySet[Person], sort: str = "", after: str = "", before: str = "", page: int = 1,
    page_size: int = 50,
) -> RosterPage:
    """A page of `people` (ordered by person_list with the same `sort`).

    The first page is read without counting the search: a bounded look (_few_found) tells
    whether the search finds at most FEW people; then they are read by id and counted with it,
    so that the database does not walk the ordering's index past a million rows that do not
    match to fill a page; else the page is read in the ordering's index, which soon finds 51
    of so many, and the count is left unknown (None: the roster page loads it separately).

    With a cursor (`after` / `before`, from a previous page's links) the page is read by keyset:
    a seek in the ordering's index to the row next to the cursor, as fast at page 1,000 as at
    page 1, and the count is the cursor's. A jump to page `page` > 1 is read by offset (the last
    page read backwards from the end) and counts the search (unless the look did), to know where
    the last page is.
    """
    ordering = ordering_for(sort)
    descending = sort.startswith("-")
    cursor = cursor_decode(after or before, ordering) if (after or before) else None
    total: int | None = None
    if cursor is None or (cursor.total is not None and cursor.total <= FEW):
        if (found := _few_found(people)) is not None:
            # A search that finds few people: read them by id (see above); the look counted them.
            people = Person.objects.filter(pk__in=found).select_related("unit").order_by(
                *ordering.order_by(descending=descending))
            total = len(found)
    if cursor is not None:
        forward = bool(after)
        total = cursor.total
        number = cursor.page + 1 if forward else max(1, cursor.page - 1)
        reading_descending = descending if forward else not descending
        seek = people.filter(_after_q(ordering, cursor.values, descending=reading_descending))
        if not forward:
            seek = seek.order_by(*ordering.order_by(descending=reading_descending))
        rows = list(seek[: page_size + 1])
        more = len(rows) > page_size
        rows = rows[:page_size]
        if not forward:
            rows.reverse()
        has_next = more if forward else True
        has_previous = number > 1 if forward else more
        is_exact = total is not None and total < COUNT_LIMIT
    elif page <= 1:
        number, has_previous = 1, False
        rows = list(people[: page_size + 1])
        has_next = len(rows) > page_size
        rows = rows[:page_size]
        is_exact = total is not None
    else:
        if total is None:
            total, is_exact = roster_count(people)
        else:
            is_exact = True
        page_count = max(1, -(-total // page_size))
        number = min(page, page_count)
        if is_exact and number == page_count and number > 1:
            # The last page, read backwards from the end instead of past every row before it.
            rows = list(people.order_by(*ordering.order_by(descending=not descending))[
                : total - (number - 1) * page_size])
            rows.reverse()
            has_next = False
        else:
            offset = (number - 1) * page_size
            rows = list(people[offset: offset + page_size + 1])
            has_next = len(rows) > page_size
            rows = rows[:page_size]
        has_previous = number > 1
    next_cursor = (Cursor(_row_values(rows[-1], ordering), number, total).encode()
                   if rows and has_next else None)
    previous_cursor = (Cursor(_row_values(rows[0], ordering), number, total).encode()
                       if rows and has_previous else None)
    return RosterPage(rows, number, total, is_exact, page_size, next_cursor, previous_cursor)


def person_assignments(*, person: Person) -> list[Assignment]:
    """The posts a person held and holds, oldest first (posts without a start date first)."""
    assignments = list(person.assignments.select_related("unit"))
    assignments.sort(key=lambda a: (a.started_on is not None, a.started_on or dt.date.min, a.pk))
    return assignments
