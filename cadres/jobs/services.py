"""Writes of job rows: create (and enqueue), start, report progress, finish, fail.

Job rows are bookkeeping, not records: they carry no audit event of their own. The work a
job does goes through the owning module's services (roster_apply, roster_export), which
record their audit events with the job's owner as the actor.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cadres.audit.context import current_request_id
from cadres.jobs.models import Job

# Live progress is written at most this often (seconds), besides every change of stage.
PROGRESS_INTERVAL_SECONDS = 0.25


class JobFailed(Exception):
    """The job's work was refused or failed; `message` is shown to the user as is (in
    Chinese), `details` lists the particulars (e.g. every row error of a roster)."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


def _user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def job_create(*, actor: Any, kind: str, parameters: dict[str, Any] | None = None,
               file_name: str = "") -> Job:
    """A new job, waiting, and its task on the queue.

    The database queue writes its task row in this same transaction, so no worker can pick
    the task up before the job row is committed. (In tests, the immediate backend runs the
    job right here.)
    """
    from cadres.jobs.tasks import job_run

    # The request that started the job: its audit events carry the same request id.
    parameters = {**(parameters or {}), "request_id": current_request_id()}
    job = Job.objects.create(
        kind=kind, owner=_user_or_none(actor), parameters=parameters, file_name=file_name
    )
    task_result = job_run.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(task_result.id))
    job.refresh_from_db()
    return job


def job_start(*, job: Job) -> bool:
    """Mark the job running; False when it is no longer waiting (run already, or twice)."""
    now = timezone.now()
    started = Job.objects.filter(pk=job.pk, status=Job.Status.WAITING).update(
        status=Job.Status.RUNNING, started_at=now
    )
    if started:
        job.status, job.started_at = Job.Status.RUNNING, now
    return bool(started)


def progress_file(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / f"{job_id}.progress"


class JobProgress:
    """`progress(done, total, stage)`, handed to the work a job runs.

    The figures go to a small file beside the job (var/jobs/<id>.progress), and to the job
    row only when no transaction is open: an import reports progress from inside its
    transaction, where a write to the row would stay invisible to the page until the import
    commits (and, on SQLite, a write from a second connection would wait for the import's
    write lock). The page reads the file while the job runs.
    """

    def __init__(self, job: Job):
        self.job = job
        self.path = progress_file(job.pk)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._written_at = 0.0
        self._stage = ""

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        now = timezone.now().timestamp()
        if (stage == self._stage and done < total
                and now - self._written_at < PROGRESS_INTERVAL_SECONDS):
            return
        self._written_at, self._stage = now, stage
        figures: dict[str, Any] = {"done": int(done), "total": int(total), "stage": stage[:100]}
        self.job.done, self.job.total, self.job.stage = figures["done"], figures["total"], figures["stage"]
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.path)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**figures)


def _finished(job: Job, **fields: Any) -> None:
    fields["finished_at"] = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))
    progress_file(job.pk).unlink(missing_ok=True)


def job_finish(*, job: Job, result: dict[str, Any]) -> None:
    """Mark the job done with its result (and any file the work set on the job)."""
    _finished(job, status=Job.Status.DONE, result=result, done=job.total or job.done,
              total=job.total, stage=job.stage, file_path=job.file_path, file_name=job.file_name)


def job_fail(*, job: Job, message: str, details: list[str] | None = None) -> None:
    """Mark the job failed with the message the user reads, in Chinese."""
    _finished(job, status=Job.Status.FAILED, error=message, done=job.done, total=job.total,
              stage=job.stage, result={"errors": list(details or [])})
