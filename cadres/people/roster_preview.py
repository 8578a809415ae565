"""What a checked roster would do, as the import preview shows it before anything is written:
the units it would create (each with the existing unit it probably meant, when one is a
character away), the rows that look like typos, and old → new of every person it would change.

The changes of every person are kept beside the checked roster (var/imports/<token>.changes.json)
and paged on their own page; the job's result holds the figures and the first page.
"""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.org.models import PATH_SEPARATOR, Unit
from cadres.people.models import Person

# Changes shown in the job's result; the rest are on the changes page.
CHANGES_SHOWN = 50
CHANGES_PAGE_SIZE = 100
# Typo warnings listed in full up to this many (the count is always given).
WARNINGS_SHOWN = 200

# Coded Person fields and the code table each uses.
_CODE_TABLES = {
    "sex": "sex", "ethnicity": "ethnicity", "political_status": "political_status",
    "full_time_education": "education", "in_service_education": "education", "highest_education": "education",
    "full_time_degree": "degree", "in_service_degree": "degree", "rank": "rank",
}
_SENSITIVE = {"id_number"}


def one_character_apart(first: str, second: str) -> bool:
    """Whether two different names differ by one character: one replaced, added or left out."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second)) == 1
    shorter, longer = sorted((first, second), key=len)
    for index in range(len(longer)):
        if longer[:index] + longer[index + 1:] == shorter:
            return True
    return False


def new_units(paths: Iterable[str]) -> list[dict[str, str]]:
    """Each unit the import would create, with the existing unit it was probably meant to be
    (same parent, name one character away; else anywhere) or ""."""
    paths = sorted(paths)
    if not paths:
        return []
    existing = list(Unit.objects.values_list("path", "name"))
    by_parent: dict[str, list[tuple[str, str]]] = {}
    for path, name in existing:
        by_parent.setdefault(path.rpartition(PATH_SEPARATOR)[0], []).append((path, name))
    units = []
    for path in paths:
        parent, _, name = path.rpartition(PATH_SEPARATOR)
        similar = next((other for other, other_name in by_parent.get(parent, [])
                        if one_character_apart(name, other_name)), "")
        if not similar:
            similar = next((other for other, other_name in existing if one_character_apart(name, other_name)), "")
        units.append({"path": path, "similar": similar})
    return units


def _has_inner_space(text: str) -> bool:
    return any(char.isspace() for char in text.strip())


def row_warnings(parsed: Any) -> list[str]:
    """Rows that pass the checks but look wrong: a space inside a name or a unit's name, a
    team member (班子成员) without a 职务."""
    warnings = []
    rows = parsed.row_numbers
    names = parsed.columns.get("name", [])
    units = parsed.columns.get("unit_path", [])
    titles = parsed.columns.get("post_title")
    team = parsed.columns.get("is_team_member")
    warned_units: set[str] = set()
    for index, row in enumerate(rows):
        if _has_inner_space(names[index]):
            warnings.append(f"第{row}行 姓名“{names[index]}”中间有空格，请核对")
        unit = units[index]
        if unit not in warned_units and any(_has_inner_space(part) for part in unit.split(PATH_SEPARATOR)):
            warned_units.add(unit)
            warnings.append(f"第{row}行 单位“{unit}”的名称中间有空格，将按原样新建或匹配单位，请核对")
        if team is not None and team[index] and not (titles[index] if titles else ""):
            warnings.append(f"第{row}行 “{names[index]}”是班子成员，但职务为空")
    return warnings


def _label(field: str) -> str:
    if field == "unit":
        return "单位"
    try:
        return str(getattr(Person._meta.get_field(field), "verbose_name", field))
    except FieldDoesNotExist:
        return field


def _word(field: str, value: Any, unit_paths: dict[int, str]) -> str:
    if field == "unit_id":
        return unit_paths.get(value, "（新建单位）") if value else "（新建单位）"
    if value is None or value == "":
        return "（空）"
    if field in _SENSITIVE:
        return mask_id_number(value)
    if field in _CODE_TABLES:
        return codes.name_for(_CODE_TABLES[field], value) or str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return format_month(value)
    return str(value)


def changes_in_words(changed: Sequence[tuple[Any, dict[str, list[Any]]]]) -> list[dict[str, Any]]:
    """old → new of every changed person, in words (units by path, codes by name, months as
    1975.03, 身份证号 masked), in the roster's order."""
    unit_ids = {value for _, diff in changed for value in diff.get("unit_id", []) if value}
    unit_paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    people = []
    for person, diff in changed:
        people.append({
            "id": person.pk,
            "name": person.name,
            "fields": [
                [_label("unit" if field == "unit_id" else field),
                 _word(field, old, unit_paths), _word(field, new, unit_paths)]
                for field, (old, new) in diff.items()
            ],
        })
    return people


def changes_path(token_path: Path) -> Path:
    return token_path.with_name(token_path.name + ".changes.json")


def preview(*, parsed: Any, changed: Sequence[tuple[Any, dict[str, list[Any]]]], new_unit_paths: Iterable[str],
            token_path: Path) -> dict[str, Any]:
    """The preview's part of the check job's result; every change is written beside the
    checked roster for the changes page."""
    changes = changes_in_words(changed)
    if changes:
        changes_path(token_path).write_text(json.dumps(changes, ensure_ascii=False), encoding="utf-8")
    warnings = row_warnings(parsed)
    units = new_units(new_unit_paths)
    return {
        "new_units": units,
        "similar_units": sum(1 for unit in units if unit["similar"]),
        "warnings": warnings[:WARNINGS_SHOWN],
        "warnings_total": len(warnings),
        "changes": changes[:CHANGES_SHOWN],
        "changes_total": len(changes),
    }


def changes_page(token_path: Path, page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the changes (CHANGES_PAGE_SIZE people) and the number of pages; FileNotFoundError
    once the roster is imported or expired."""
    changes = json.loads(changes_path(token_path).read_text(encoding="utf-8"))
    pages = max(1, -(-len(changes) // CHANGES_PAGE_SIZE))
    page = min(max(page, 1), pages)
    return changes[(page - 1) * CHANGES_PAGE_SIZE:page * CHANGES_PAGE_SIZE], pages
