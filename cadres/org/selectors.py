"""Reads of the unit tree: staffing figures (核定 / 在编 / 缺编) of each unit and its subtree."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from cadres.org.models import Unit
from cadres.people.models import Person


@dataclass
class UnitFigures:
    """A unit with the staffing of its whole subtree (the unit and every unit below it).

    `authorized` is None when no unit of the subtree has an authorized staffing on record.
    """

    unit: Unit
    level: int = 0
    authorized: int | None = None
    in_post: int = 0
    own_in_post: int = 0
    children: list["UnitFigures"] = field(default_factory=list)

    @property
    def balance(self) -> int | None:
        """核定 − 在编: positive is 缺编 (vacant posts), negative is 超编 (over staffing)."""
        return None if self.authorized is None else self.authorized - self.in_post

    @property
    def vacant(self) -> int:
        return max(self.balance or 0, 0)

    @property
    def over(self) -> int:
        return max(-(self.balance or 0), 0)


def unit_tree(*, actor: Any, root: Unit | None = None) -> list[UnitFigures]:
    """The units the actor may see (or the subtree of `root`) in tree order, with figures.

    Two queries: the units, and the head count per unit; the subtree sums are added up the
    tree in Python. `level` is the depth below the top shown unit, for indenting.
    """
    units: QuerySet[Unit] = Unit.objects.visible_to(actor)
    people = Person.objects.visible_to(actor)
    if root is not None:
        units = units.subtree_of(root)
        people = people.filter(unit__in=units)
    figures = {unit.pk: UnitFigures(unit=unit, authorized=unit.authorized_staffing)
               for unit in units.order_by("path")}
    counts = people.order_by().values_list("unit_id").annotate(count=Count("id"))
    for unit_id, count in counts:
        if unit_id in figures:
            figures[unit_id].own_in_post = count
            figures[unit_id].in_post = count
    # Children before parents, so each subtree is complete when it is added to its parent.
    for item in sorted(figures.values(), key=lambda f: f.unit.depth, reverse=True):
        parent = figures.get(item.unit.parent_id)
        if parent is None:
            continue
        parent.in_post += item.in_post
        if item.authorized is not None:
            parent.authorized = (parent.authorized or 0) + item.authorized
        parent.children.append(item)
    roots = [item for item in figures.values() if item.unit.parent_id not in figures]
    ordered: list[UnitFigures] = []

    def visit(item: UnitFigures, level: int) -> None:
        item.level = level
        ordered.append(item)
        for child in sorted(item.children, key=lambda f: (f.unit.sort_order, f.unit.path)):
            visit(child, level + 1)

    for item in sorted(roots, key=lambda f: (f.unit.sort_order, f.unit.path)):
        visit(item, 0)
    return ordered


def unit_team_members(*, actor: Any, unit: Unit) -> QuerySet[Person]:
    """The current leadership team (班子成员) of a unit."""
    people = Person.objects.visible_to(actor)
    return people.filter(unit=unit, is_team_member=True).order_by("rank", "id")
