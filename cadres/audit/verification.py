"""Checking the audit record's hash chain: every entry's hash, every link, and the chain head."""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone

from cadres.audit.models import AuditChainHead, AuditEvent
from cadres.audit.services import GENESIS_HASH, entry_digest, entry_fields

# What entry_fields() reads of an entry, and the two hashes.
CHECKED_COLUMNS = (
    "id", "occurred_at", "actor_id", "actor_name", "action", "target_type", "target_id",
    "target_label", "changes", "subject_type", "subject_id", "subject_label", "request_id",
    "batch_id", "previous_hash", "entry_hash",
)


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the record is not what was written."""

    event_id: int | None
    occurred_at: dt.datetime | None
    reason: str

    def describe(self) -> str:
        if self.event_id is None:
            return f"审计记录被篡改：{self.reason}"
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
        return f"审计记录被篡改：第一条异常记录 编号 {self.event_id}（{when}）：{self.reason}"


@dataclass(frozen=True)
class ChainReport:
    entry_count: int
    first_break: ChainBreak | None

    @property
    def is_intact(self) -> bool:
        return self.first_break is None


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the record in id order and recompute it; stop at the first broken entry.

    - content changed: the recomputed hash differs from the stored one;
    - an entry deleted, inserted or two swapped: an entry's `previous_hash` is not the hash of
      the entry before it;
    - entries deleted at the end: the chain head's count or last hash does not match.
    """
    expected_previous = GENESIS_HASH
    count = 0
    last_event = None
    # Plain rows rather than model instances: the check reads every entry, and building an
    # instance per row would be most of its time.
    rows = AuditEvent.objects.order_by("id").values_list(*CHECKED_COLUMNS)
    for row in rows.iterator(chunk_size=chunk_size):
        event = SimpleNamespace(**dict(zip(CHECKED_COLUMNS, row)))
        if event.previous_hash != expected_previous:
            reason = ("与前一条记录的链接不符：前面的记录被删除、插入或调换了顺序"
                      if count else "第一条记录的链接不符：前面的记录被删除")
            return ChainReport(count, ChainBreak(event.id, event.occurred_at, reason))
        digest = entry_digest(previous_hash=event.previous_hash,
                              fields=entry_fields(event))  # type: ignore[arg-type]
        if digest != event.entry_hash:
            return ChainReport(count, ChainBreak(
                event.id, event.occurred_at, "内容与记录时的哈希值不符：该条记录被修改"))
        expected_previous = event.entry_hash
        count += 1
        last_event = event
    head = AuditChainHead.objects.filter(pk=1).first()
    head_count = head.entry_count if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_count != count or head_hash != expected_previous:
        if head_count > count:
            reason = (f"链头记载 {head_count} 条，实有 {count} 条：最后 {head_count - count} 条记录被删除"
                      + (f"（编号 {last_event.id} 之后）" if last_event else ""))
        else:
            reason = f"链头记载 {head_count} 条、实有 {count} 条，链头与最后一条记录不符"
        return ChainReport(count, ChainBreak(None, None, reason))
    return ChainReport(count, None)
