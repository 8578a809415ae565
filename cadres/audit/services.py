"""The only writer of the audit record."""

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cadres.audit.models import AuditAction, AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def entry_digest(*, previous_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one entry: its content in canonical JSON, chained to the one before."""
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()


def entry_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "changes": event.changes,
    }


@transaction.atomic
def record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    target_label: str = "",
) -> AuditEvent:
    """Append one event to the audit record, in the caller's transaction."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if is_user else None,
        actor_name=actor.get_username() if is_user else "系统",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        changes=json.loads(json.dumps(changes or {}, ensure_ascii=False, default=str)),
        previous_hash=head.last_hash,
    )
    event.entry_hash = entry_digest(previous_hash=head.last_hash, fields=entry_fields(event))
    event.save()
    head.last_hash = event.entry_hash
    head.entry_count = models.F("entry_count") + 1
    head.save(update_fields=["last_hash", "entry_count"])
    return event
