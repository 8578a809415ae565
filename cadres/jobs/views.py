"""The job page: status, a progress bar the page polls (htmx), then the result.

Every signed-in user may open these pages, and sees only the jobs they started."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from cadres.accounts.decorators import signed_in_only
from cadres.core.htmx import render_partial_or_page, wants_partial
from cadres.jobs.kinds import KINDS
from cadres.jobs.models import Job
from cadres.jobs.selectors import imports_ahead, job_progress, jobs_of

# How often the page asks for the job's progress while it is not finished.
POLL_SECONDS = 1


def _session_left_alone(request: HttpRequest) -> None:
    """A poll does not save the session (SESSION_SAVE_EVERY_REQUEST would).

    On SQLite a running import holds the database's one write lock; a poll that saved the
    session would wait for it up to the busy timeout and then fail, so the page would stop
    showing progress exactly while the import writes. A poll is also no sign of the user's
    presence: it must not keep an idle session alive (cadres.core.middleware).
    """
    setattr(request.session, "save", lambda must_create=False: None)  # noqa: B010


@signed_in_only
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if wants_partial(request):
        _session_left_alone(request)
    job = get_object_or_404(jobs_of(actor=request.user), pk=pk)
    kind = KINDS.get(job.kind)
    context = {
        "job": job,
        "progress": job_progress(job=job),
        "imports_ahead": imports_ahead(job=job),
        "is_import": bool(kind and kind.is_import),
        "progress_unit": kind.progress_unit if kind else "",
        "result_template": kind.result_template if kind else "",
        "result": job.result,
        "poll_seconds": POLL_SECONDS,
    }
    return render_partial_or_page(request, "jobs/job_detail.html", "jobs/partials/job_body.html",
                                  context)


@signed_in_only
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(jobs_of(actor=request.user)[:50])
    return render_partial_or_page(request, "jobs/job_list.html", "jobs/job_list.html",
                                  {"jobs": jobs})


@signed_in_only
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file a finished job wrote (a large export), for its owner only."""
    job = get_object_or_404(jobs_of(actor=request.user), pk=pk, status=Job.Status.DONE)
    if not job.file_path:
        raise Http404
    directory = Path(settings.VAR_DIR).resolve()
    path = (directory / job.file_path).resolve()
    if directory not in path.parents or not path.is_file():
        raise Http404("文件已过期或不存在")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name or path.name)
