"""The roster export: the import template's two sheets, with 身份证号 masked unless the
user may export sensitive fields and states why.

Sensitive fields never leave unmasked without a reason: a file that leaves the system is out
of its access control for good, so the full 身份证号 goes into it only for a user holding
the sensitive-export right (`can_export_sensitive`) who states a purpose (用途), and the
export's audit event records that purpose. Everyone else — and every export without a
purpose — gets 330381********6619, as the card shows it. (The roster template carries no
family columns; family members never leave in a roster.)

A masked file cannot be imported back as it is: the masked number fails the 身份证号 check,
so the whole import is refused and no real number is overwritten.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cadres.accounts.permissions import can_export_sensitive
from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.audit.models import AuditAction
from cadres.audit.services import record
from cadres.core.dates import age_on, format_month
from cadres.core.spreadsheets import write_xlsx
from cadres.org.models import Unit
from cadres.org.services import unit_paths_with_ancestors
from cadres.people.models import Person
from cadres.people.selectors import person_list
from cadres.people.spreadsheets import (
    ROSTER_HEADERS,
    ROSTER_SHEET,
    UNIT_HEADERS,
    UNIT_SHEET,
    roster_rows_for_export,
    unit_rows_for_export,
)

ID_NUMBER_COLUMN = ROSTER_HEADERS.index("身份证号")
# Progress is reported every this many people.
PROGRESS_EVERY = 1000




# Columns a user may choose for the roster list and its export ---------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the roster list and of a chosen-column export: its header, its text for a
    person (on a date, for the age) and the roster ordering its header sorts by ("" for none)."""

    label: str
    text: Callable[[Person, dt.date], str]
    sort: str = ""


def _month(name: str) -> Callable[[Person, dt.date], str]:
    return lambda person, _: format_month(getattr(person, name))


def _display(name: str) -> Callable[[Person, dt.date], str]:
    return lambda person, _: str(getattr(person, f"get_{name}_display")())


def _plain(name: str) -> Callable[[Person, dt.date], str]:
    return lambda person, _: str(getattr(person, name))


COLUMNS: dict[str, Column] = {
    "name": Column("姓名", _plain("name"), sort="name"),
    "sex": Column("性别", _display("sex")),
    "birth": Column("出生年月", lambda person, _: format_month(person.birth_date, day_known=person.birth_day_known),
                    sort="birth"),
    "age": Column("年龄", lambda person, today: str(age_on(person.birth_date, today))),
    "ethnicity": Column("民族", _display("ethnicity")),
    "native_place": Column("籍贯", _plain("native_place")),
    "id_number": Column("身份证号", _plain("id_number")),
    "political_status": Column("政治面貌", _display("political_status")),
    "party_joined": Column("入党时间", _month("party_joined_on")),
    "work_started": Column("参加工作时间", _month("work_started_on")),
    "full_time_education": Column("全日制学历", _display("full_time_education")),
    "highest_education": Column("最高学历", _display("highest_education")),
    "professional_title": Column("专业技术职务", _plain("professional_title")),
    "unit": Column("单位", lambda person, _: person.unit.path, sort="unit"),
    "post_title": Column("职务", _plain("post_title")),
    "rank": Column("职务层次", _display("rank"), sort="rank"),
    "team_member": Column("班子成员", lambda person, _: "是" if person.is_team_member else ""),
    "post_started": Column("任现职时间", _month("post_started_on"), sort="post_started"),
    "rank_started": Column("任现职级时间", _month("rank_started_on")),
    "reserve_pool": Column("后备干部", _plain("reserve_pool")),
    "sort_order": Column("排序号", _plain("sort_order")),
}
# The list's columns when the user chose none (姓名 is always the first, as a link).
DEFAULT_COLUMNS = ("sex", "birth", "age", "ethnicity", "political_status", "highest_education", "unit",
                   "post_title", "rank", "team_member")


def columns_chosen(keys: Iterable[str], *, default: Sequence[str] = DEFAULT_COLUMNS) -> list[str]:
    """The known column keys among `keys`, in the order given, once each; `default` if none."""
    chosen = list(dict.fromkeys(key for key in keys if key in COLUMNS))
    return chosen or list(default)


class SensitiveExportRefused(Exception):
    """An unmasked export asked for by someone without the right to it; nothing was written."""


def may_export_unmasked(actor: Any) -> bool:
    """The system (a command without --user) or a user holding the sensitive-export right."""
    return actor is None or can_export_sensitive(actor)


def roster_export_scope(*, actor: Any, filters: dict[str, Any]) -> tuple[QuerySet[Person], QuerySet[Unit]]:
    """The people a roster export writes (the roster page's filters) and the units with them:
    the filtered unit's subtree and its ancestors, so the file imports on its own."""
    people = person_list(actor=actor, filters=filters)
    units = Unit.objects.visible_to(actor)
    if unit := filters.get("unit"):
        ancestors = unit_paths_with_ancestors([unit.path])
        units = units.subtree_of(unit) | units.filter(path__in=ancestors)
    return people, units


def _counted(people: Iterable[Person], total: int,
             progress: Callable[[int, int, str], None] | None) -> Iterator[Person]:
    if progress is None:
        yield from people
        return
    progress(0, total, "写出干部名册")
    done = 0
    for done, person in enumerate(people, start=1):
        yield person
        if done % PROGRESS_EVERY == 0:
            progress(done, total, "写出干部名册")
    progress(done, total, "写出干部名册")


def _column_rows(people: Iterable[Person], keys: list[str], *, masked: bool) -> Iterator[list[str]]:
    today = timezone.localdate()
    for person in people:
        row = [COLUMNS[key].text(person, today) for key in keys]
        if masked and "id_number" in keys:
            index = keys.index("id_number")
            row[index] = mask_id_number(row[index])
        yield row


def _masked(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    for row in rows:
        row[ID_NUMBER_COLUMN] = mask_id_number(row[ID_NUMBER_COLUMN])
        yield row


def roster_export(*, actor: Any, people: QuerySet[Person], units: QuerySet[Unit], purpose: str = "",
                  progress: Callable[[int, int, str], None] | None = None,
                  columns: Sequence[str] | None = None) -> bytes:
    """The roster template (sheets 干部名册 and 单位) for the given people and units, audited;
    with `columns` (keys of COLUMNS), one sheet 干部名册 of those columns instead, in the
    people's order (a list to read or print, not to import back).

    身份证号 are masked unless `purpose` is given, and a purpose from an actor who may not
    export sensitive fields is refused (SensitiveExportRefused) before anything is read.
    The audit event has no subject (it is about many people): it records how many people,
    the file's SHA-256, whether it was masked and the purpose.
    """
    purpose = purpose.strip()
    unmasked = bool(purpose)
    if unmasked and not may_export_unmasked(actor):
        raise SensitiveExportRefused("您没有导出敏感信息的权限，不能导出含完整身份证号的名册。")
    total = people.count()
    counted = _counted(people.select_related("unit").iterator(chunk_size=2000), total, progress)
    # No transaction around the reading: on SQLite an IMMEDIATE transaction would hold the
    # write lock for the whole export. The audit event is written in its own.
    if columns:
        keys = columns_chosen(columns)
        content = write_xlsx([(ROSTER_SHEET, [COLUMNS[key].label for key in keys],
                               _column_rows(counted, keys, masked=not unmasked))])
    else:
        people_rows: Iterable[list[str]] = roster_rows_for_export(counted)
        if not unmasked:
            people_rows = _masked(people_rows)
        content = write_xlsx([
            (ROSTER_SHEET, ROSTER_HEADERS, people_rows),
            (UNIT_SHEET, UNIT_HEADERS, unit_rows_for_export(units.order_by("path"))),
        ])
    changes: dict[str, Any] = {
        "people": total,
        "sha256": hashlib.sha256(content).hexdigest(),
        "masked": not unmasked,
    }
    if columns:
        changes["columns"] = [COLUMNS[key].label for key in columns_chosen(columns)]
    if unmasked:
        changes["purpose"] = purpose
    record(actor=actor, action=AuditAction.ROSTER_EXPORTED, changes=changes)
    return content
