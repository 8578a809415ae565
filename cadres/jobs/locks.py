"""The import slot: one roster import (or import check) at a time per database.

Two imports at once deadlocked on PostgreSQL (one dropping constraints while the other
inserted units), collided on new units (IntegrityError on org_unit_path), and on SQLite held
the write lock against each other until one failed. Imports therefore queue: a job takes the
slot before it starts and waits, still shown as 等待中, while another holds it.

The slot is a lock that dies with its holder, so a worker killed mid-import frees it:
PostgreSQL's session advisory lock, and on SQLite an exclusive `flock` on a file under
var/locks/ named after the database (SQLite databases live on the same host as their
workers). Neither lock is tied to a transaction, so the import's own transaction is free to
commit or roll back inside it.
"""

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

# Any fixed 64-bit number: the key of the advisory lock on PostgreSQL.
IMPORT_LOCK_KEY = 0x636164726573_01  # "cadres" + 1


def _lock_file() -> Path:
    name = str(connection.settings_dict["NAME"])
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    directory = Path(settings.VAR_DIR) / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"import-{digest}.lock"


@contextmanager
def import_slot_try() -> Iterator[bool]:
    """Try to take the import slot without waiting; yields whether it was taken (and holds it
    until the block ends)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
            taken = bool(cursor.fetchone()[0])
        try:
            yield taken
        finally:
            if taken:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
        return
    descriptor = os.open(_lock_file(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken = True
        except BlockingIOError:
            taken = False
        yield taken
    finally:
        os.close(descriptor)  # closing the file releases the lock
