"""Writes to the unit tree."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.org.models import PATH_SEPARATOR, Unit


@dataclass(frozen=True)
class UnitSpec:
    """What an import says of a unit; None in a field means "not said, keep what is there"."""

    path: str
    unit_type: str | None = None
    authorized_staffing: int | None = None
    staffing_given: bool = False


def unit_paths_with_ancestors(paths: Iterable[str]) -> set[str]:
    result: set[str] = set()
    for path in paths:
        parts = path.split(PATH_SEPARATOR)
        for end in range(1, len(parts) + 1):
            result.add(PATH_SEPARATOR.join(parts[:end]))
    return result


@transaction.atomic
def unit_tree_apply(*, actor: Any, specs: Iterable[UnitSpec], audit: bool = True) -> dict[str, Unit]:
    """Create the units named (with any missing ancestors) and update their type and staffing.

    Returns every unit on those paths by path. Units are created level by level in bulk (a
    roster names hundreds); each created or changed unit is audited unless `audit` is False
    (the roster import records one event for the whole file instead).
    """
    specs_by_path = {spec.path: spec for spec in specs}
    paths = unit_paths_with_ancestors(specs_by_path)
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=paths)}
    missing_by_depth: dict[int, list[str]] = {}
    for path in paths - set(units):
        missing_by_depth.setdefault(path.count(PATH_SEPARATOR), []).append(path)
    for depth in sorted(missing_by_depth):
        created = []
        for path in sorted(missing_by_depth[depth]):
            spec = specs_by_path.get(path, UnitSpec(path))
            parent_path, _, name = path.rpartition(PATH_SEPARATOR)
            unit = Unit(
                name=name,
                parent=units[parent_path] if parent_path else None,
                path=path,
                depth=depth,
                unit_type=spec.unit_type or "",
                authorized_staffing=spec.authorized_staffing,
            )
            # The paths were looked up above and the parent is one of these units, so only
            # the field checks are left (the unique and foreign-key checks would each query).
            unit.clean_fields(exclude=["parent"])
            created.append(unit)
        Unit.objects.bulk_create(created, batch_size=500)
        for unit in created:
            units[unit.path] = unit
            if audit:
                record(actor=actor, action=AuditAction.UNIT_CREATED, target=unit, changes={
                    "unit_type": unit.unit_type, "authorized_staffing": unit.authorized_staffing,
                })
    created_paths = {path for paths_at_depth in missing_by_depth.values() for path in paths_at_depth}
    for path in sorted(paths - created_paths, key=lambda p: (p.count(PATH_SEPARATOR), p)):
        spec = specs_by_path.get(path)
        if spec is None:
            continue
        unit = units[path]
        changes: dict[str, list[Any]] = {}
        if spec.unit_type is not None and spec.unit_type != unit.unit_type:
            changes["unit_type"] = [unit.unit_type, spec.unit_type]
            unit.unit_type = spec.unit_type
        if spec.staffing_given and spec.authorized_staffing != unit.authorized_staffing:
            changes["authorized_staffing"] = [unit.authorized_staffing, spec.authorized_staffing]
            unit.authorized_staffing = spec.authorized_staffing
        if changes:
            unit.save(update_fields=list(changes))
            if audit:
                record(actor=actor, action=AuditAction.UNIT_UPDATED, target=unit, changes=changes)
    return units
