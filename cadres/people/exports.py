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

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from cadres.accounts.permissions import can_export_sensitive
from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.audit.models import AuditAction
from cadres.audit.services import record
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


def _masked(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    for row in rows:
        row[ID_NUMBER_COLUMN] = mask_id_number(row[ID_NUMBER_COLUMN])
        yield row


def roster_export(*, actor: Any, people: QuerySet[Person], units: QuerySet[Unit], purpose: str = "",
                  progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """The roster template (sheets 干部名册 and 单位) for the given people and units, audited.

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
    people_rows: Iterable[list[str]] = roster_rows_for_export(
        _counted(people.select_related("unit").iterator(chunk_size=2000), total, progress)
    )
    if not unmasked:
        people_rows = _masked(people_rows)
    # No transaction around the reading: on SQLite an IMMEDIATE transaction would hold the
    # write lock for the whole export. The audit event is written in its own.
    content = write_xlsx([
        (ROSTER_SHEET, ROSTER_HEADERS, people_rows),
        (UNIT_SHEET, UNIT_HEADERS, unit_rows_for_export(units.order_by("path"))),
    ])
    changes: dict[str, Any] = {
        "people": total,
        "sha256": hashlib.sha256(content).hexdigest(),
        "masked": not unmasked,
    }
    if unmasked:
        changes["purpose"] = purpose
    record(actor=actor, action=AuditAction.ROSTER_EXPORTED, changes=changes)
    return content
