"""The only writer of the audit record."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cadres.audit.context import current_request_id
from cadres.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Fields added after the first entries were written enter the hash only when set, so the
# entries written before them still verify.
OPTIONAL_HASHED_FIELDS = ("subject_type", "subject_id", "subject_label", "request_id", "batch_id")


def entry_digest(*, previous_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one entry: its content in canonical JSON, chained to the one before."""
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()


def entry_fields(event: AuditEvent) -> dict[str, Any]:
    fields = {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "changes": event.changes,
    }
    for name in OPTIONAL_HASHED_FIELDS:
        value = getattr(event, name)
        if value not in (None, ""):
            fields[name] = value
    return fields


def _actor_fields(actor: Any) -> dict[str, Any]:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if is_user else None,
        "actor_name": actor.get_username() if is_user else "系统",
    }


def _reference(instance: models.Model | None, label: str = "") -> tuple[str, str, str]:
    """(type, id, label) naming a record in an event."""
    if instance is None:
        return "", "", label[:200]
    return instance._meta.label_lower, str(instance.pk), (label or str(instance))[:200]


def _json_ready(changes: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(changes or {}, ensure_ascii=False, default=str))


def _chain(head: AuditChainHead, events: list[AuditEvent]) -> None:
    """Hash the events in order after the head, and move the head past them."""
    previous = head.last_hash
    for event in events:
        event.previous_hash = previous
        event.entry_hash = entry_digest(previous_hash=previous, fields=entry_fields(event))
        previous = event.entry_hash
    head.last_hash = previous
    head.entry_count = models.F("entry_count") + len(events)


def _locked_head() -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
    return head


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    target_label: str = "",
    subject: models.Model | None = None,
    subject_label: str = "",
    batch: AuditEvent | None = None,
) -> AuditEvent:
    """Append one event to the audit record, in the caller's transaction.

    `subject` is the cadre, unit or case the event is about; when not given, a target that
    is a person or a unit is its own subject.
    """
    head = _locked_head()
    if subject is None and target is not None and target._meta.label_lower in SUBJECT_TYPES:
        subject = target
    target_type, target_id, target_label = _reference(target, target_label)
    subject_type, subject_id, subject_label = _reference(subject, subject_label)
    event = AuditEvent(
        occurred_at=timezone.now(),
        **_actor_fields(actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        request_id=current_request_id(),
        batch=batch,
        changes=_json_ready(changes),
    )
    _chain(head, [event])
    event.save()
    head.save(update_fields=["last_hash", "entry_count"])
    return event


@transaction.atomic
def record_many(
    *,
    actor: Any,
    action: str,
    items: Iterable[tuple[models.Model, dict[str, Any]]],
    batch: AuditEvent | None = None,
    targets: Sequence[tuple[models.Model, str]] | None = None,
) -> int:
    """Append one event per (subject, changes) pair, written in bulk: each names its subject
    (a person, a unit) and links to `batch`, the event of the whole change (an import).
    `targets`, when given, holds each event's target and target label in the same order (a
    row of the person's file, say); otherwise the subject is the target.

    Returns how many events were written.
    """
    from cadres.audit.bulk_write import events_insert

    head = _locked_head()
    now = timezone.now()
    occurred_at = now.isoformat()
    actor_fields = _actor_fields(actor)
    actor_id = actor_fields["actor"].pk if actor_fields["actor"] is not None else None
    actor_name = actor_fields["actor_name"]
    action = str(action)
    request_id = current_request_id()
    batch_id = batch.pk if batch is not None else None
    previous = head.last_hash
    rows = []
    # The hashed fields as entry_fields() gives them for the stored row (the target is the
    # subject; optional fields only when set), without building model instances.
    for position, (subject, changes) in enumerate(items):
        subject_type, subject_id, subject_label = _reference(subject)
        if targets is None:
            target_type, target_id, target_label = subject_type, subject_id, subject_label
        else:
            target_type, target_id, target_label = _reference(*targets[position])
        changes = changes or {}
        fields: dict[str, Any] = {
            "occurred_at": occurred_at, "actor_id": actor_id, "actor_name": actor_name,
            "action": action, "target_type": target_type, "target_id": target_id,
            "target_label": target_label, "changes": changes,
        }
        optional = {"subject_type": subject_type, "subject_id": subject_id,
                    "subject_label": subject_label, "request_id": request_id,
                    "batch_id": batch_id}
        fields.update((name, value) for name, value in optional.items()
                      if value not in (None, ""))
        try:
            # The changes as stored: the same text JSON gives them in the hash (default=str
            # for dates), so the row read back hashes alike; two encodings per row instead of
            # the four of a round trip through _json_ready.
            entry_hash = entry_digest(previous_hash=previous, fields=fields)
            stored = json.dumps(changes, ensure_ascii=False, default=str)
        except TypeError:
            # Keys JSON cannot sort (an int beside a str): made JSON-ready first, as record().
            fields["changes"] = _json_ready(changes)
            entry_hash = entry_digest(previous_hash=previous, fields=fields)
            stored = json.dumps(fields["changes"], ensure_ascii=False)
        rows.append((now, actor_id, actor_name, action, target_type, target_id, target_label,
                     subject_type, subject_id, subject_label, request_id, batch_id, stored,
                     previous, entry_hash))
        previous = entry_hash
    if not rows:
        return 0
    events_insert(rows)
    head.last_hash = previous
    head.entry_count = models.F("entry_count") + len(rows)
    head.save(update_fields=["last_hash", "entry_count"])
    return len(rows)


# The kinds of record an event can be about (its subject).
SUBJECT_TYPES = ("people.person", "org.unit")
