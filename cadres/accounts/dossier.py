"""Registered reads of a full file (查阅登记): after the user states a purpose, the file stays
open in that session for DOSSIER_OPEN_SECONDS; sensitive fields show only while it is open."""

import time
from typing import Any

from django.conf import settings

SESSION_KEY = "dossier_reads"


def _lifetime() -> int:
    return getattr(settings, "DOSSIER_OPEN_SECONDS", 30 * 60)


def dossier_open_mark(request: Any, person: Any) -> None:
    reads = dict(request.session.get(SESSION_KEY, {}))
    now = time.time()
    reads = {key: value for key, value in reads.items() if now - value < _lifetime()}
    reads[str(person.pk)] = now
    request.session[SESSION_KEY] = reads


def dossier_is_open(request: Any, person: Any) -> bool:
    """The user registered a read of this file in this session recently and may still see it."""
    from cadres.accounts.permissions import can_open_dossier

    if request is None or not hasattr(request, "session"):
        return False
    opened = request.session.get(SESSION_KEY, {}).get(str(person.pk))
    if opened is None or time.time() - opened >= _lifetime():
        return False
    return can_open_dossier(request.user, person)
