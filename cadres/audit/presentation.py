"""The audit record in words: Chinese labels for fields, values by name, old → new.

An event's `changes` is what its service wrote, in one of a few shapes:

- a diff, `{field: [old, new]}` (person, unit, plan and age-limit updates, per-person rows of
  an import);
- `{field: {"old": …, "new": …}}` (user updates) or `{"old": {…}, "new": {…}}` (grants);
- a snapshot or a set of facts, `{field: value}` (creations, logins, exports);
- the roster import's event written before per-person rows existed, which carries every
  changed person's diff under `changes` keyed by the person's id.

Field names are labelled by the `verbose_name` of the model the event is about (its target,
then its subject, then the usual models), other keys by `KEY_LABELS`; coded values by their
code table's name, month fields as 1975.03, booleans as 是/否, unit and person ids as names.
No raw key or Python literal reaches the page: an unknown key shows as it is written, an
unknown value as text.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from cadres.audit.actions import label_for
from cadres.audit.models import AuditAction, AuditEvent
from cadres.core.dates import format_month

EMPTY = "（空）"
# Fields whose values are masked wherever the record is shown (the 身份证号 of a cadre, a
# relative or a user); the fact that they changed stays visible.
SENSITIVE_KEYS = frozenset({"id_number"})
# Dates of the personnel file are months (stored as the 1st); other dates are days.
MONTH_MODELS = frozenset({"people.person", "people.relative", "org.assignment", "records.resumeentry"})
# Events about these records show their content only unmasked (see Describer.entry).
SENSITIVE_MODELS = frozenset({"people.relative"})
# Models whose field names label a change when the event's own models do not have the field.
FALLBACK_MODELS = ("people.person", "org.assignment", "org.unit", "accounts.grant",
                   "accounts.user", "plans.plantarget")
# By convention an action whose name ends so created its record (person.created).
CREATED_SUFFIX = "created"
# Keys that name the appointing document (文号) of a change of post.
DOCUMENT_KEYS = ("document", "document_number", "start_document", "end_document")

KEY_LABELS = {
    "file_name": "文件名",
    "sha256": "文件SHA-256",
    "rows": "行数",
    "created": "新增人数",
    "updated": "更新人数",
    "unchanged": "未变人数",
    "units_created": "新建单位",
    "changes": "人员变更",
    "people": "人数",
    "units": "单位数",
    "count": "条数",
    "filters": "筛选条件",
    "path": "访问地址",
    "purpose": "用途",
    "detail": "说明",
    "devices": "动态口令设备数",
    "grant_id": "授权编号",
    "ip": "IP地址",
    "username": "用户名",
    "failures": "失败次数",
    "minutes": "锁定分钟数",
    "seed": "随机种子",
    "history_assignments": "历史任职条数",
    "is_superuser": "超级用户",
    "document": "文号",
    "document_number": "文号",
    "source": "来源",
    "person": "干部",
    "person_id": "干部",
    "unit": "单位",
    "unit_id": "单位",
    "user": "用户",
    "date_from": "起始日期",
    "date_to": "截止日期",
    "units_below": "下级单位数",
    "posts_moved": "转入职务数",
    "units_moved": "转入下级单位数",
    "merged_in": "并入本单位的单位",
    "text": "关键词",
    "action": "操作",
    "masked": "身份证号已遮蔽",
    "row": "名册行号",
    "reason": "原因",
    "history_posts": "履历职务数",
    "view": "页面",
    "ids": "编号",
    "limit_reached": "已达每小时记录上限",
    "addresses": "IP地址",
    "file_format": "文件格式",
    "main_post": "主职",
    "changed_on": "变动日期",
    "date": "日期",
    "new_unit_paths": "新建单位",
    "import_job_id": "导入任务编号",
    "check_job_id": "检查任务编号",
    "two_factor_reset": "重置动态口令",
    "query": "筛选条件",
    "unit_path": "单位",
}


def _permission_label(code: str) -> str:
    try:
        from cadres.accounts.codes import permission_label
    except ImportError:
        return code
    return permission_label(code)


# Keys whose values are names kept in a registry rather than a model field's choices.
VALUE_NAMES = {"action": label_for, "permissions": _permission_label}


@dataclass(frozen=True)
class ChangeLine:
    """One line of an event's content: a field changed from `old` to `new`, or a fact
    (`old` is None)."""

    label: str
    new: str
    old: str | None = None

    @property
    def is_change(self) -> bool:
        return self.old is not None

    def __str__(self) -> str:
        if self.is_change:
            return f"{self.label}：{self.old} → {self.new}"
        return f"{self.label}：{self.new}"


@dataclass
class EventEntry:
    """An event as a page shows it."""

    event: AuditEvent
    action_label: str
    about: str
    lines: list[ChangeLine] = field(default_factory=list)
    source: str = ""

    @property
    def person_id(self) -> str:
        """The cadre the event is about (by subject, else by an old entry's target), or ""."""
        event = self.event
        if event.subject_type == "people.person":
            return event.subject_id
        if not event.subject_type and event.target_type == "people.person":
            return event.target_id
        return ""

    @property
    def text(self) -> str:
        """The content as one line of text (the export's 内容 column)."""
        return "；".join(str(line) for line in self.lines)


def _model(label: str) -> type[models.Model] | None:
    if not label or "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _is_diff_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


def _is_old_new(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"old", "new"}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class Describer:
    """Turns events into `EventEntry`s, looking up the names their changes refer to (units,
    people, roles, import files) in a few queries per page rather than one per value."""

    def __init__(self, *, mask_sensitive: bool = True):
        self.mask_sensitive = mask_sensitive
        self.names: dict[str, dict[Any, str]] = {}
        self.batches: dict[int, tuple[str, str, str]] = {}
        self._fields: dict[tuple[str, tuple[str, ...]], models.Field | None] = {}

    # -- lookups ---------------------------------------------------------------------------

    def _field(self, key: str, model_labels: Iterable[str]) -> models.Field | None:
        """The model field a key names: of the event's own models first, then the usual ones
        (remembered, as an export asks the same few questions for every row)."""
        model_labels = tuple(model_labels)
        cache_key = (key, model_labels)
        if cache_key not in self._fields:
            self._fields[cache_key] = self._find_field(key, model_labels)
        return self._fields[cache_key]

    def _find_field(self, key: str, model_labels: tuple[str, ...]) -> models.Field | None:
        for label in (*model_labels, *FALLBACK_MODELS):
            model = _model(label)
            if model is None:
                continue
            try:
                found = model._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            # A reverse relation (Unit.people, Person.assignments) is no stored value: a count
            # such as {"people": 600} is not person 600.
            if found.auto_created and not found.concrete:
                continue
            return found  # type: ignore[return-value]
        return None

    def label(self, key: str, model_labels: Iterable[str] = ()) -> str:
        model_labels = tuple(model_labels)
        for label in model_labels:
            model = _model(label)
            if model is not None:
                try:
                    return str(model._meta.get_field(key).verbose_name)  # type: ignore[union-attr]
                except (FieldDoesNotExist, AttributeError):
                    pass
        if key in KEY_LABELS:
            return KEY_LABELS[key]
        found = self._field(key, ())
        if found is not None and getattr(found, "verbose_name", None):
            return str(found.verbose_name)
        return key

    def prefetch(self, events: Iterable[AuditEvent]) -> None:
        """Look up, in one query per kind, the units, people and roles the events' changes
        name by id, and the import events they belong to."""
        wanted: dict[str, set[Any]] = {"org.unit": set(), "people.person": set(),
                                       "accounts.role": set()}
        batch_ids = set()
        for event in events:
            if event.batch_id:
                batch_ids.add(event.batch_id)
            models_of_event = (event.target_type, event.subject_type)
            self._collect(event.changes, models_of_event, wanted)
        for label, keys in wanted.items():
            keys -= set(self.names.get(label, {}))
            if not keys:
                continue
            model = _model(label)
            if model is None:
                continue
            table = self.names.setdefault(label, {})
            if label == "accounts.role":
                rows = model._default_manager.filter(code__in=keys).values_list("code", "name")
                for code, name in rows:
                    table[code] = name
                continue
            ids = [key for key in keys if isinstance(key, int)]
            text = "path" if label == "org.unit" else "name"
            for pk, name in model._default_manager.filter(pk__in=ids).values_list("pk", text):
                table[pk] = name
        missing = batch_ids - set(self.batches)
        if missing:
            from django.db.models.fields.json import KT

            rows = (AuditEvent.objects.filter(pk__in=missing)
                    .annotate(file_name=KT("changes__file_name"))
                    .values_list("pk", "action", "target_label", "file_name"))
            for pk, action, target_label, file_name in rows:
                self.batches[pk] = (action, target_label, file_name or "")

    def _collect(self, value: Any, model_labels: tuple[str, ...], wanted: dict[str, set[Any]],
                 key: str = "") -> None:
        if isinstance(value, dict):
            for child_key, child in value.items():
                if child_key in ("old", "new") or (key == "changes" and child_key.isdigit()):
                    child_key = key if child_key in ("old", "new") else ""
                    labels = ("people.person",) if key == "changes" else model_labels
                    self._collect(child, labels, wanted, child_key)
                else:
                    self._collect(child, model_labels, wanted, child_key)
            return
        if isinstance(value, list):
            for item in value:
                self._collect(item, model_labels, wanted, key)
            return
        if not key:
            return
        related = self._related_label(key, model_labels)
        if related is None:
            return
        if related == "accounts.role":
            if isinstance(value, str) and value:
                wanted[related].add(value)
            return
        number = _int_or_none(value)
        if number is not None:
            wanted[related].add(number)

    def _related_label(self, key: str, model_labels: Iterable[str]) -> str | None:
        found = self._field(key, model_labels)
        if found is None or not getattr(found, "is_relation", False) or not found.related_model:
            return None
        label = str(found.related_model._meta.label_lower)  # type: ignore[union-attr]
        return label if label in ("org.unit", "people.person", "accounts.role") else None

    # -- values ----------------------------------------------------------------------------

    def value(self, key: str, value: Any, model_labels: Iterable[str] = ()) -> str:
        """A stored value in words."""
        model_labels = tuple(model_labels)
        if value is None or value == "":
            return EMPTY
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            if not value:
                return "（无）"
            return "、".join(self.value(key, item, model_labels) for item in value)
        if isinstance(value, dict):
            return "；".join(
                f"{self.label(k, model_labels)}：{self.value(k, v, model_labels)}"
                for k, v in value.items()
            ) or "（无）"
        if key == "photo":
            # A stored file's name says nothing to a clerk.
            return "已上传照片"
        if key in SENSITIVE_KEYS and self.mask_sensitive:
            from cadres.accounts.templatetags.cadres_security import mask_id_number

            return mask_id_number(value)
        if key in VALUE_NAMES and isinstance(value, str):
            return VALUE_NAMES[key](value)
        found = self._field(key, model_labels) if key else None
        if found is not None:
            return self._field_value(found, value)
        return str(value)

    def _field_value(self, found: Any, value: Any) -> str:
        if getattr(found, "is_relation", False) and found.related_model is not None:
            label = found.related_model._meta.label_lower
            table = self.names.get(label, {})
            key = value if label == "accounts.role" else _int_or_none(value)
            if key in table:
                return table[key]
            return str(value)
        choices = getattr(found, "flatchoices", None)
        if choices:
            names = {str(code): str(name) for code, name in choices}
            if str(value) in names:
                return names[str(value)]
        if isinstance(found, models.BooleanField):
            return "是" if value in (True, "True", "true", 1) else "否"
        if isinstance(found, models.DateField) and not isinstance(found, models.DateTimeField):
            try:
                day = dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                return str(value)
            # Months as 1975.03, days as 2023.01.20, as the rest of the product writes them.
            return format_month(day, day_known=found.model._meta.label_lower not in MONTH_MODELS)
        return str(value)

    # -- events ----------------------------------------------------------------------------

    def lines(self, changes: Any, model_labels: Iterable[str] = (),
              person_id: int | None = None, is_creation: bool = False) -> list[ChangeLine]:
        """The content of an event, one line per field or fact. `is_creation`: the event
        created the record, so "empty → value" pairs read as the values."""
        model_labels = tuple(model_labels)
        if not isinstance(changes, dict):
            return [ChangeLine("内容", self.value("", changes))] if changes not in (None, "") else []
        # {"old": {...}, "new": {...}} (grants): compare the two snapshots key by key.
        if set(changes) & {"old", "new"} and all(
            isinstance(changes.get(side), dict) for side in ("old", "new") if side in changes
        ):
            return self._snapshot_pair(changes, model_labels)
        bulk = changes.get("changes")
        is_bulk = isinstance(bulk, dict) and all(str(k).isdigit() for k in bulk)
        if isinstance(bulk, dict) and is_bulk and person_id is not None:
            # About one person: that person's lines only (the file shows as the source).
            return self._bulk_changes(bulk, person_id)
        # A creation writes every field as "empty → value": it reads better as the values.
        creation = is_creation and self._is_creation(changes)
        result = []
        for key in self._ordered(changes, model_labels):
            value = changes[key]
            if key == "changes" and isinstance(value, dict) and is_bulk:
                result += self._bulk_changes(value, person_id)
                continue
            if _is_old_new(value):
                result.append(ChangeLine(self.label(key, model_labels),
                                         self.value(key, value.get("new"), model_labels),
                                         self.value(key, value.get("old"), model_labels)))
            elif creation and _is_diff_pair(value) and self._is_scalar_field(key, model_labels):
                if not _is_empty(value[1]):
                    result.append(ChangeLine(self.label(key, model_labels),
                                             self.value(key, value[1], model_labels)))
            elif _is_diff_pair(value) and (
                self._is_diff(changes) or self._is_scalar_field(key, model_labels)
            ):
                before = self.value(key, value[0], model_labels)
                after = self.value(key, value[1], model_labels)
                if before != after:  # None → "" reads the same, so it is no change
                    result.append(ChangeLine(self.label(key, model_labels), after, before))
            elif not _is_empty(value):
                # An empty fact (no 文号, no note) says nothing; a changed field to empty does.
                result.append(ChangeLine(self.label(key, model_labels),
                                         self.value(key, value, model_labels)))
        return result

    def _ordered(self, keys: Iterable[str], model_labels: tuple[str, ...]) -> list[str]:
        """Keys in the order of the model's fields, then of KEY_LABELS, then as written: the
        same on every database (PostgreSQL's jsonb reorders keys)."""
        key_order = list(KEY_LABELS)
        model_order = [*model_labels, *FALLBACK_MODELS]

        def rank(item: tuple[int, str]) -> tuple[int, int, int, int]:
            position, key = item
            found = self._field(key, model_labels)
            if found is not None and getattr(found, "model", None) is not None:
                label = found.model._meta.label_lower
                model_index = model_order.index(label) if label in model_order else 99
                fields = found.model._meta.concrete_fields
                index = next((i for i, f in enumerate(fields) if f.name == found.name), 999)
                return (0, model_index, index, position)
            if key in KEY_LABELS:
                return (1, 0, key_order.index(key), position)
            return (2, 0, 0, position)

        return [key for _, key in sorted(enumerate(keys), key=rank)]

    def _is_creation(self, changes: dict[str, Any]) -> bool:
        pairs = [value for value in changes.values() if _is_diff_pair(value)]
        return bool(pairs) and all(_is_empty(old) for old, _ in pairs)

    @staticmethod
    def _is_diff(changes: dict[str, Any]) -> bool:
        return all(_is_diff_pair(value) for value in changes.values())

    def _is_scalar_field(self, key: str, model_labels: tuple[str, ...]) -> bool:
        """A model field holding one value, so a two-item list under its name is old → new
        (beside facts such as 文号 in the same event); a list field's value is not."""
        found = self._field(key, model_labels)
        return found is not None and not getattr(found, "many_to_many", False) and not (
            isinstance(found, models.JSONField))

    def _snapshot_pair(self, changes: dict[str, Any], model_labels: tuple[str, ...]
                       ) -> list[ChangeLine]:
        old, new = changes.get("old"), changes.get("new")
        result = [ChangeLine(self.label(key, model_labels), self.value(key, value, model_labels))
                  for key, value in changes.items() if key not in ("old", "new")]
        grant_labels = ("accounts.grant", *model_labels)
        if old is None or new is None:
            snapshot = new if old is None else old
            for key, value in (snapshot or {}).items():
                result.append(ChangeLine(self.label(key, grant_labels),
                                         self.value(key, value, grant_labels)))
            return result
        for key in self._ordered(dict.fromkeys([*old, *new]), grant_labels):
            before, after = old.get(key), new.get(key)
            if before != after:
                result.append(ChangeLine(self.label(key, grant_labels),
                                         self.value(key, after, grant_labels),
                                         self.value(key, before, grant_labels)))
        return result

    def _bulk_changes(self, by_person: dict[str, Any], person_id: int | None) -> list[ChangeLine]:
        """The per-person diffs inside an import event written before per-person rows: the
        one person's lines when the page is about a person, else how many people changed."""
        if person_id is not None:
            diff = by_person.get(str(person_id))
            return self.lines(diff, ("people.person",)) if isinstance(diff, dict) else []
        return [ChangeLine(KEY_LABELS["changes"], f"{len(by_person)} 人")]

    def source(self, event: AuditEvent) -> str:
        """Which import (file name) or document (文号) the change came by."""
        changes = event.changes if isinstance(event.changes, dict) else {}
        if event.action == AuditAction.ROSTER_IMPORTED:
            name = changes.get("file_name") or event.target_label
            return f"名册导入：{name}" if name else "名册导入"
        if event.batch_id and event.batch_id in self.batches:
            action, target_label, file_name = self.batches[event.batch_id]
            if action == AuditAction.ROSTER_IMPORTED:
                name = file_name or target_label
                return f"名册导入：{name}" if name else "名册导入"
            return f"{label_for(action)}：{target_label}" if target_label else label_for(action)
        for key in DOCUMENT_KEYS:
            value: Any = changes.get(key)
            if isinstance(value, list) and len(value) == 2:
                value = value[1] or value[0]
            elif isinstance(value, dict):
                value = value.get("new") or value.get("old")
            if value:
                return f"文号：{value}"
        return ""

    def entry(self, event: AuditEvent, *, person_id: int | None = None) -> EventEntry:
        model_labels = tuple(label for label in (event.target_type, event.subject_type) if label)
        lines = self.lines(event.changes, model_labels, person_id=person_id,
                           is_creation=event.action.endswith(CREATED_SUFFIX))
        if self.mask_sensitive and event.target_type in SENSITIVE_MODELS:
            # A family member's name, employer and post are as sensitive as the 身份证号: they
            # show only while the file is open by a registered read (查阅登记).
            lines = [ChangeLine("内容", "（家庭成员信息，查阅登记后可见）")]
        source = self.source(event)
        if source.startswith("文号："):
            # The document shows once, as the source.
            lines = [line for line in lines if f"文号：{line.new}" != source]
        return EventEntry(
            event=event,
            action_label=label_for(event.action),
            about=event.subject_label or event.target_label,
            lines=lines,
            source=source,
        )

    def entries(self, events: Iterable[AuditEvent], *, person_id: int | None = None
                ) -> list[EventEntry]:
        events = list(events)
        self.prefetch(events)
        return [self.entry(event, person_id=person_id) for event in events]


def describe_events(events: Iterable[AuditEvent], *, mask_sensitive: bool = True,
                    person_id: int | None = None) -> list[EventEntry]:
    """The events in words (see the module docstring), with one query per kind of name."""
    return Describer(mask_sensitive=mask_sensitive).entries(events, person_id=person_id)
