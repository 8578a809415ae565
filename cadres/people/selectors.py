"""Every read of cadre records for pages and exports, starting from what the actor may see."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cadres.core.dates import format_month
from cadres.org.models import PATH_SEPARATOR, Assignment, Unit
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


def person_list(*, actor: Any, filters: Mapping[str, Any]) -> QuerySet[Person]:
    """The roster the actor may see, narrowed by the filter form's cleaned values.

    Filters: q (part of the name), unit (a Unit: it and its sub-units), rank, sex, age_band
    (a key of AGE_BANDS), education (最高学历), political_status. Empty values are ignored.
    """
    people = Person.objects.visible_to(actor).select_related("unit")
    if name := (filters.get("q") or "").strip():
        people = people.filter(name__contains=name)
    if unit := filters.get("unit"):
        people = people.filter(unit__in=Unit.objects.visible_to(actor).subtree_of(unit))
    for field_name, key in (
        ("rank", "rank"),
        ("sex", "sex"),
        ("highest_education", "education"),
        ("political_status", "political_status"),
    ):
        if value := filters.get(key):
            people = people.filter(**{field_name: value})
    if band := filters.get("age_band"):
        low, high = AGE_BANDS[band]
        born_after, born_by = birth_range_for_ages(low, high, today=timezone.localdate())
        if born_after is not None:
            people = people.filter(birth_date__gt=born_after)
        if born_by is not None:
            people = people.filter(birth_date__lte=born_by)
    return people


def person_assignments(*, person: Person) -> list[Assignment]:
    """The posts a person held and holds, oldest first (posts without a start date first)."""
    assignments = list(person.assignments.select_related("unit"))
    assignments.sort(key=lambda a: (a.started_on is not None, a.started_on or dt.date.min, a.pk))
    return assignments


@dataclass(frozen=True)
class ResumeLine:
    period: str
    text: str

    def __str__(self) -> str:
        return f"{self.period}  {self.text}"


def unit_display_name(unit: Unit) -> str:
    """A unit as résumés write it: the path without separators (临江市凤卧镇)."""
    return unit.path.replace(PATH_SEPARATOR, "")


def person_resume(*, assignments: list[Assignment]) -> list[ResumeLine]:
    """简历: one line per post, `1998.07--2003.05  某单位某职务`, the current post open-ended."""
    lines = []
    for assignment in assignments:
        start = format_month(assignment.started_on) or "不详"
        end = format_month(assignment.ended_on)
        post = f"{unit_display_name(assignment.unit)}{assignment.title}"
        lines.append(ResumeLine(f"{start}--{end}", post))
    return lines
