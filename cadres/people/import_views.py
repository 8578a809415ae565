"""Pages of the roster import: the upload, then the background jobs of cadres.people.jobs
check the file and work out the preview (shown on the job page), and the confirmation queues
the import."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import require
from cadres.accounts.permissions import can_import_roster
from cadres.core.downloads import download
from cadres.jobs.kinds import ROSTER_CHECK
from cadres.jobs.models import Job
from cadres.people.forms import ImportConfirmForm, RosterUploadForm, oversized_message
from cadres.people.jobs import ImportNotAvailable, imports_dir, roster_check_start, roster_import_start
from cadres.people.roster_preview import changes_page
from cadres.people.spreadsheets import blank_template_xlsx


def _import_rejected(request: HttpRequest, form: RosterUploadForm, file_name: str,
                     errors: list[str]) -> HttpResponse:
    return render(request, "people/roster_import.html", {
        "form": form,
        "file_name": file_name,
        "errors": errors,
    })


@require_http_methods(["GET", "POST"])
def roster_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a roster: it is kept under a random token and a background job checks it and
    works out the preview (the job page shows both)."""
    if request.method != "POST":
        return render(request, "people/roster_import.html", {"form": RosterUploadForm()})
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "people/roster_import.html", {"form": form})
    upload = form.cleaned_data["file"]
    file_name = Path(upload.name).name
    if upload.size > settings.ROSTER_MAX_BYTES:
        # Refused before it is stored or parsed.
        return _import_rejected(request, RosterUploadForm(), file_name,
                                [oversized_message(upload.size)])
    job = roster_check_start(actor=request.user, chunks=upload.chunks(), file_name=file_name)
    return redirect(job)


@require_POST
def roster_import_confirm(request: HttpRequest) -> HttpResponse:
    """Queue the import of a previewed roster (once), then show its job."""
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("导入凭据无效")
    try:
        job = roster_import_start(actor=request.user, check_job_id=form.cleaned_data["job"])
    except ImportNotAvailable:
        messages.error(request, "该导入文件已失效或已导入，请重新上传名册。")
        return redirect("people:roster_import")
    return redirect(job)


@require(can_import_roster, "导入干部名册")
@require_GET
def roster_import_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Every person a checked roster would change, old → new, a page at a time (the user's own
    check job only, until it is imported)."""
    job = get_object_or_404(Job, pk=pk, kind=ROSTER_CHECK, owner=request.user, status=Job.Status.DONE)
    try:
        changes, pages = changes_page(imports_dir() / job.parameters.get("token", ""),
                                      _page_number(request.GET.get("page")))
    except FileNotFoundError:
        messages.error(request, "该名册已导入或已失效，变化明细不再保留。")
        return redirect(job)
    page = min(max(_page_number(request.GET.get("page")), 1), pages)
    return render(request, "people/roster_import_changes.html", {
        "job": job, "changes": changes, "page": page, "pages": pages,
        "total": job.result.get("changes_total", 0),
    })


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


@require(can_import_roster, "导入干部名册")
@require_GET
def roster_template_download(request: HttpRequest) -> HttpResponse:
    """The blank roster template: the 干部名册 and 单位 sheets with their headers, and a sheet
    that explains each column."""
    return download(blank_template_xlsx(), "干部名册导入模板.xlsx")
