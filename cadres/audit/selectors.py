"""Reading the audit record: the scoped, filtered list the browse page and its export show,
and one cadre's change history (档案变更记录).

Who sees which entries (`audit_scope_q`):
- 系统管理员 (a role with `all_units`) and superusers: every entry;
- a role that browses the audit record within a unit scope (干部监督科): the entries about a
  person or unit inside the units the user may view (管理权限 and 信息维护权限, each unit
  with its subtree; a person by the unit the person is in now), and the entries the user
  did; not the entries about other users' accounts or about the whole system (imports as a
  whole, exports, refusals of others), which can name people outside the scope;
- anyone else: nothing (the pages refuse them before this is reached).

An entry is about a person or unit when its subject is; an entry written before events
named their subject is about its target when that is a person or a unit, and a roster import
written before per-person rows is about every person in its `changes`.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from cadres.accounts.permissions import can_browse_audit, can_view_records
from cadres.accounts.scopes import access_for
from cadres.audit.actions import READ_SUFFIX, read_actions
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.presentation import Describer, EventEntry, describe_events

PERSON_TYPE = "people.person"
UNIT_TYPE = "org.unit"
USER_TYPE = "accounts.user"
# Reads of a file are audited but are not changes to it: the history leaves them out.
HISTORY_EXCLUDED_ACTIONS = (AuditAction.PERSON_VIEWED, AuditAction.ROSTER_EXPORTED)
HISTORY_LIMIT = 50


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


def _keys(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The primary keys of a queryset as text, to compare with an event's subject/target id."""
    return queryset.order_by().annotate(audit_key=Cast("pk", CharField())).values("audit_key")


def _old_import_ids(person_id: int) -> list[int]:
    """Roster imports written before per-person rows whose bulk diff names the person.

    Asked apart from the main query so that query stays on its indexes; the action index
    keeps this one to the import events.
    """
    has_items = AuditEvent.objects.filter(batch=OuterRef("pk"))
    return list(
        AuditEvent.objects.filter(action=AuditAction.ROSTER_IMPORTED, subject_type="")
        .filter(**{"changes__changes__has_key": str(person_id)})
        .exclude(Exists(has_items))
        .values_list("pk", flat=True)
    )


def about_person_q(person_id: int) -> Q:
    """Events about one cadre: by subject, by target for entries without a subject, and the
    old-style imports that changed the cadre."""
    key = str(person_id)
    condition = (
        Q(subject_type=PERSON_TYPE, subject_id=key)
        | Q(subject_type="", target_type=PERSON_TYPE, target_id=key)
    )
    if old_imports := _old_import_ids(person_id):
        condition |= Q(pk__in=old_imports)
    return condition


def about_units_q(units: QuerySet[Any], people: QuerySet[Any]) -> Q:
    """Events about any of these units or these people (by subject, else by target)."""
    unit_keys, person_keys = _keys(units), _keys(people)
    return (
        Q(subject_type=UNIT_TYPE, subject_id__in=unit_keys)
        | Q(subject_type=PERSON_TYPE, subject_id__in=person_keys)
        | Q(subject_type="", target_type=UNIT_TYPE, target_id__in=unit_keys)
        | Q(subject_type="", target_type=PERSON_TYPE, target_id__in=person_keys)
    )


def audit_scope_q(user: Any) -> Q | None:
    """The entries a user may browse (see the module docstring); None means all of them."""
    from cadres.org.models import Unit
    from cadres.people.models import Person

    if not can_browse_audit(user):
        return Q(pk__in=[])
    if access_for(user).all_units:
        return None
    units = Unit.objects.visible_to(user)
    if not Unit.objects.exclude(pk__in=units.values("pk")).exists():
        # A scope over every unit (a county's 干部监督科 over the whole county) reaches every
        # person and unit: the same entries, without matching ids one by one.
        return (
            Q(subject_type__in=[PERSON_TYPE, UNIT_TYPE])
            | Q(subject_type="", target_type__in=[PERSON_TYPE, UNIT_TYPE])
            | Q(actor_id=user.pk)
        )
    return about_units_q(units, Person.objects.visible_to(user)) | Q(actor_id=user.pk)


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    scope = audit_scope_q(user)
    events = AuditEvent.objects.all()
    return events if scope is None else events.filter(scope)


def audit_event_list(*, actor: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The entries the actor may browse that match every given filter, newest first.

    - person: events about that cadre;
    - unit: events about the unit, units below it and cadres now in them;
    - user: events the user did, and events about the user's account;
    - text: in the subject, the target or the actor's name.
    """
    from cadres.org.models import Unit
    from cadres.people.models import Person

    if filters.person is not None:
        # Every event about a person the actor may see is within the actor's scope, the
        # imports written before per-person rows included (their pages show only this
        # person's lines).
        visible = can_browse_audit(actor) and (
            Person.objects.visible_to(actor).filter(pk=filters.person.pk).exists())
        events = AuditEvent.objects.filter(about_person_q(filters.person.pk)) if visible \
            else AuditEvent.objects.none()
    else:
        events = audit_events_visible_to(actor)
    if filters.unit is not None:
        units = Unit.objects.subtree_of(filters.unit)
        events = events.filter(about_units_q(units, Person.objects.filter(unit__in=units)))
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
            Q(subject_label__icontains=filters.text)
            | Q(target_label__icontains=filters.text)
            | Q(actor_name__icontains=filters.text)
        )
    return events.order_by("-id")


def may_see_person_history(user: Any, person: Any) -> bool:
    """The card's 档案变更记录 is shown to whoever may see the card (a cadre officer or a
    单位信息员 within their units) and to those who browse the audit record within scope."""
    from cadres.people.models import Person

    if not (can_view_records(user) or can_browse_audit(user)):
        return False
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


@dataclass(frozen=True)
class PersonHistory:
    entries: list[EventEntry]
    total: int

    @property
    def is_truncated(self) -> bool:
        return self.total > len(self.entries)


def person_history(*, person: Any, limit: int = HISTORY_LIMIT,
                   mask_sensitive: bool = True) -> PersonHistory:
    """The changes to one cadre's record, newest first (the last `limit` of them), in words,
    each with who made it and by which import or document.

    Callers check `may_see_person_history` first; the person comes from a scoped queryset.
    """
    reads = Q(action__in=[*HISTORY_EXCLUDED_ACTIONS, *read_actions()])
    reads |= Q(action__endswith=READ_SUFFIX)
    events = AuditEvent.objects.filter(about_person_q(person.pk)).exclude(reads).order_by("-id")
    shown = list(events[:limit])
    total = len(shown) if len(shown) < limit else events.count()
    entries = describe_events(shown, mask_sensitive=mask_sensitive, person_id=person.pk)
    return PersonHistory(entries=entries, total=total)


def model_label(type_label: str) -> str:
    """The Chinese name of a record type (people.person → 干部)."""
    from django.apps import apps

    if not type_label:
        return ""
    try:
        return str(apps.get_model(type_label)._meta.verbose_name)
    except (LookupError, ValueError):
        return type_label


EXPORT_HEADER = ["编号", "时间", "操作人", "操作", "对象类型", "对象", "内容", "依据",
                 "请求编号", "哈希值"]


def audit_export_rows(events: QuerySet[AuditEvent], *, person_id: int | None = None,
                      chunk_size: int = 2000) -> Iterator[list[Any]]:
    """The export's rows: the page's words (labels, names, old → new), 身份证号 masked.

    Written by `core.spreadsheets.write_xlsx`, which writes formula-like text as text.
    """
    describer = Describer(mask_sensitive=True)
    chunk: list[AuditEvent] = []

    def rows(batch: list[AuditEvent]) -> Iterator[list[Any]]:
        for entry in describer.entries(batch, person_id=person_id):
            event = entry.event
            yield [
                event.pk,
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_name,
                entry.action_label,
                model_label(event.subject_type or event.target_type),
                entry.about,
                entry.text,
                entry.source,
                event.request_id,
                event.entry_hash,
            ]

    for event in events.iterator(chunk_size=chunk_size):
        chunk.append(event)
        if len(chunk) >= chunk_size:
            yield from rows(chunk)
            chunk = []
    if chunk:
        yield from rows(chunk)
