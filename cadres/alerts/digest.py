"""The daily digest of warnings (每日预警): what each officer holding `alerts.view` had on a day.

`digest_make(user=, on=)` keeps one `WarningDigest` per user and day: made again the same day
it is brought up to date (and written only when something changed), so running the job twice
is harmless. `new_count` counts the warnings whose key the user's previous digest (the latest
of an earlier day) did not have; with no earlier digest every warning is new.
`digest_make_all(on=)` does it for every active user holding `alerts.view`, computing the
warnings once for everybody and giving each user those in his scope (`cadres warnings-digest`,
a daily scheduled job).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cadres.accounts.scopes import access_for
from cadres.alerts.actions import AlertAction, AlertPermission
from cadres.alerts.avoidance import for_reader
from cadres.alerts.findings import Finding
from cadres.alerts.models import WarningDigest
from cadres.alerts.warnings import scope_for, warnings_for
from cadres.audit.services import record


def finding_item(finding: Finding) -> dict[str, Any]:
    """A finding as the digest keeps it (JSON)."""
    return {
        "kind": finding.kind, "key": finding.key, "person_id": finding.person_id,
        "unit_id": finding.unit_id, "message": finding.message, "rule": finding.rule_code,
        "due_on": finding.due_on.isoformat() if finding.due_on else None, "url": finding.url,
    }


def previous_digest(*, user: Any, on: dt.date) -> WarningDigest | None:
    """The user's latest digest of a day before `on`."""
    return WarningDigest.objects.filter(user=user, day__lt=on).order_by("-day").first()


def previous_keys(*, user: Any, on: dt.date) -> set[str] | None:
    """The warning keys of the user's previous digest; None when there is none."""
    previous = previous_digest(user=user, on=on)
    if previous is None:
        return None
    return {item["key"] for item in previous.items}


@transaction.atomic
def digest_make(*, user: Any, on: dt.date, findings: Sequence[Finding] | None = None,
                actor: Any = None) -> WarningDigest:
    """The user's digest of `on`: his warnings (`findings`, computed for him when not given),
    how many, and how many are not in his previous digest. One audit event when it is made or
    changes (by `actor`: None for the scheduled job, the user for the page's button); none when
    it is made again unchanged."""
    if findings is None:
        findings = warnings_for(actor=user, on=on)
    items = [finding_item(finding) for finding in findings]
    before = previous_keys(user=user, on=on)
    new_count = len(items) if before is None else sum(1 for item in items if item["key"] not in before)
    digest = WarningDigest.objects.select_for_update().filter(user=user, day=on).first()
    if digest is not None and digest.items == items and digest.new_count == new_count:
        return digest
    created = digest is None
    if digest is None:
        digest = WarningDigest(user=user, day=on)
    digest.count, digest.new_count, digest.items = len(items), new_count, items
    digest.full_clean()
    digest.save()
    record(actor=actor, action=AlertAction.DIGEST_SENT, target=digest,
           target_label=f"{user}的{on:%Y.%m.%d}预警", changes={
               "user": str(user), "day": on.isoformat(), "count": digest.count,
               "new_count": digest.new_count, "made_again": not created})
    return digest


def digest_users() -> list[Any]:
    """Every active user holding alerts.view (superusers included)."""
    return [user for user in get_user_model().objects.filter(is_active=True).order_by("pk")
            if access_for(user).has(AlertPermission.VIEW)]


@dataclass(frozen=True)
class DigestRun:
    day: dt.date
    digests: list[WarningDigest]

    @property
    def total(self) -> int:
        return sum(digest.count for digest in self.digests)


def digest_make_all(*, on: dt.date, users: Iterable[Any] | None = None) -> DigestRun:
    """A digest for every user holding alerts.view: the warnings are computed once for
    everyone, then each user gets those in his scope."""
    users = list(users) if users is not None else digest_users()
    everything = warnings_for(actor=None, on=on) if users else []
    digests = []
    for user in users:
        scope = scope_for(user)
        mine = for_reader([finding for finding in everything if scope.admits(finding)], user)
        digests.append(digest_make(user=user, on=on, findings=mine))
    return DigestRun(day=on, digests=digests)


def digest_job_run(*, job: Any, progress: Any) -> dict[str, Any]:
    """The job kind "alerts_digest" (生成今日预警 in the background): the owner's digest of
    today. (A JobKind entry in cadres/jobs/kinds.py names this runner.)"""
    from django.utils import timezone

    digest = digest_make(user=job.owner, on=timezone.localdate(), actor=job.owner)
    return {"digest_id": digest.pk, "count": digest.count, "new_count": digest.new_count}
