"""Reading the audit record: the filtered list the browse page and its export show."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cadres.audit.models import AuditEvent

PERSON_TYPE = "people.person"
UNIT_TYPE = "org.unit"
USER_TYPE = "accounts.user"


@dataclass(frozen=True)
class AuditFilters:
    person: Any = None
    unit: Any = None
    user: Any = None
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first.

    - person: events about that cadre;
    - unit: events about the unit, units below it and cadres now in them;
    - user: events the user did, and events about the user's account.
    """
    events = AuditEvent.objects.all()
    if filters.person is not None:
        events = events.filter(target_type=PERSON_TYPE, target_id=str(filters.person.pk))
    if filters.unit is not None:
        from cadres.org.models import Unit
        from cadres.people.models import Person

        unit_ids = Unit.objects.subtree_of(filters.unit).values_list("pk", flat=True)
        person_ids = Person.objects.filter(unit_id__in=unit_ids).values_list("pk", flat=True)
        events = events.filter(
            Q(target_type=UNIT_TYPE, target_id__in=[str(pk) for pk in unit_ids])
            | Q(target_type=PERSON_TYPE, target_id__in=[str(pk) for pk in person_ids])
        )
    if filters.user is not None:
        events = events.filter(
            Q(actor=filters.user)
            | Q(target_type=USER_TYPE, target_id=str(filters.user.pk))
        )
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.text:
        events = events.filter(
            Q(target_label__icontains=filters.text) | Q(actor_name__icontains=filters.text)
        )
    return events.order_by("-id")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


EXPORT_HEADER = ["编号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "内容",
                 "哈希值"]


def audit_export_rows(events: QuerySet[AuditEvent]):
    import json

    for event in events.iterator(chunk_size=2000):
        yield [_cell(value) for value in (
            event.pk,
            timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_name,
            event.action_label,
            event.target_type,
            event.target_id,
            event.target_label,
            json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
            event.entry_hash,
        )]
