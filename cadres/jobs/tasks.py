"""The one task on the queue: run a job by its id.

Thin and idempotent (STYLE.md 4.10): it loads the job, does nothing unless the job is still
waiting, and hands the work to the runner its kind names (cadres.jobs.kinds).
"""

import logging
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django_tasks import task

from cadres.audit.context import request_id_as
from cadres.jobs.kinds import KINDS, JobKind
from cadres.jobs.locks import import_slot_try
from cadres.jobs.models import Job
from cadres.jobs.services import JobFailed, JobProgress, job_fail, job_finish, job_start

logger = logging.getLogger(__name__)

# While another import holds the slot, a waiting import looks again this often (seconds).
IMPORT_SLOT_POLL_SECONDS = 0.5


@task()
def job_run(job_id: int) -> str:
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status != Job.Status.WAITING:
        return "skipped"
    kind = KINDS.get(job.kind)
    if kind is None:
        job_fail(job=job, message=f"未知的任务类型“{job.kind}”，任务未执行。")
        return "failed"
    if not kind.is_import:
        return _execute(job, kind)
    # One import at a time per database: wait, still 等待中, while another holds the slot.
    while True:
        with import_slot_try() as taken:
            if taken:
                return _execute(job, kind)
        time.sleep(IMPORT_SLOT_POLL_SECONDS)


def _request_id_of(job: Job) -> AbstractContextManager[Any]:
    """Audit events the job writes carry the id of the request that started it."""
    request_id = str(job.parameters.get("request_id") or "")
    return request_id_as(request_id) if request_id else nullcontext()


def _execute(job: Job, kind: JobKind) -> str:
    if not job_start(job=job):
        return "skipped"
    progress = JobProgress(job)
    try:
        with _request_id_of(job):
            result: dict[str, Any] = kind.run()(job=job, progress=progress)
    except JobFailed as failure:
        job_fail(job=job, message=failure.message, details=failure.details)
        return "failed"
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        written = "名册未导入任何数据。" if kind.is_import else ""
        job_fail(job=job, message=(
            f"任务因系统内部错误中止，{written}请稍后重试；如仍失败，请将任务编号 {job.pk} "
            "告知系统管理员。"
        ))
        return "failed"
    job_finish(job=job, result=result)
    return "done"
