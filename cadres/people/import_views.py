"""Pages of the roster import: the upload, then the background jobs of cadres.people.jobs
check the file and work out the preview (shown on the job page), and the confirmation queues
the import."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cadres.people.forms import ImportConfirmForm, RosterUploadForm, oversized_message
from cadres.people.jobs import ImportNotAvailable, roster_check_start, roster_import_start


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
