"""Reads of jobs: a user's own jobs, live progress, and the place in the import queue."""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cadres.jobs.kinds import IMPORT_KINDS
from cadres.jobs.models import Job
from cadres.jobs.services import progress_file


def jobs_of(*, actor: Any) -> QuerySet[Job]:
    """The jobs a user started: nobody sees another's jobs (their results name cadres)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner=actor)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    stage: str

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def job_progress(*, job: Job) -> Progress:
    """How far the job got: the live file while it runs, else the row."""
    if job.status == Job.Status.RUNNING:
        try:
            figures = json.loads(progress_file(job.pk).read_text(encoding="utf-8"))
            return Progress(int(figures["done"]), int(figures["total"]), str(figures["stage"]))
        except (FileNotFoundError, ValueError, KeyError):
            pass
    return Progress(job.done, job.total, job.stage)


def imports_ahead(*, job: Job) -> int:
    """How many imports (anyone's) were queued before this waiting one and are not done."""
    if job.kind not in IMPORT_KINDS or job.status != Job.Status.WAITING:
        return 0
    return Job.objects.filter(
        kind__in=IMPORT_KINDS,
        status__in=(Job.Status.WAITING, Job.Status.RUNNING),
        pk__lt=job.pk,
    ).count()
