"""Pages of the 任免审批表 import (LRMX or Word): upload → preview (a dry run: per file the person
matched or new, old → new per field, refused files with the reason) → confirm → result; and the
LRMX export of one cadre (a purpose stated, audited).

The uploads are kept under var/imports/lrmx-<random token>/ between the preview and the
confirmation, with the user who uploaded them; the confirmed import reads them again and the
directory is deleted afterwards. A few hundred forms import in seconds (bench/lrmx_import.py),
so the import runs in the request.
"""

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cadres.accounts.decorators import require, requires
from cadres.accounts.permissions import can_import_roster, has_permission
from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.appointment_forms.import_forms import ExportPurposeForm, FormUploadForm, ImportConfirmForm
from cadres.appointment_forms.lrmx import MAX_BYTES
from cadres.appointment_forms.services import (
    FieldChange,
    FileResult,
    ImportReport,
    lrmx_export,
    lrmx_file_name,
    lrmx_import,
)
from cadres.core.downloads import download
from cadres.people.jobs import imports_dir, remove_stale_files
from cadres.people.models import Person

MANIFEST = "manifest.json"
PREFIX = "lrmx-"


def _upload_dir(token: str) -> Path:
    return imports_dir() / f"{PREFIX}{token}"


def _shown(request: HttpRequest, result: FileResult) -> dict[str, Any]:
    """A file's result as the page shows it: 身份证号 masked and family rows hidden unless the
    user may see sensitive fields."""
    sensitive = has_permission(request.user, "people.view_sensitive")
    changes: list[FieldChange] = []
    for change in result.changes:
        if not sensitive and change.label == "身份证号":
            change = FieldChange(change.label, mask_id_number(change.old), mask_id_number(change.new))
        elif not sensitive and change.label == "家庭成员":
            change = FieldChange(change.label, "（已隐藏）" if change.old else "", "（已隐藏）")
        changes.append(change)
    return {"result": result, "changes": changes}


def _page(request: HttpRequest, template: str, report: ImportReport, **context: Any) -> HttpResponse:
    return render(request, template, {
        "report": report, "files": [_shown(request, result) for result in report.files], **context,
    })


@require(can_import_roster, "导入任免审批表")
@require_http_methods(["GET", "POST"])
def form_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload forms; they are checked at once (a dry run) and the preview shown."""
    if request.method != "POST":
        return render(request, "appointment_forms/import.html", {"form": FormUploadForm()})
    form = FormUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "appointment_forms/import.html", {"form": form})
    uploads = form.cleaned_data["uploads"]
    too_large = [upload.name for upload in uploads if upload.size > MAX_BYTES]
    if too_large:
        form.add_error("uploads", f"文件“{too_large[0]}”过大，不是任免审批表")
        return render(request, "appointment_forms/import.html", {"form": form})
    directory = imports_dir()
    remove_stale_files(directory)
    for stale in directory.glob(f"{PREFIX}*"):
        if stale.is_dir() and stale.stat().st_mtime < timezone.now().timestamp() - 24 * 3600:
            shutil.rmtree(stale, ignore_errors=True)
    token = secrets.token_hex(16)
    target = _upload_dir(token)
    target.mkdir(parents=True)
    names = []
    for index, upload in enumerate(uploads):
        with (target / str(index)).open("wb") as destination:
            for chunk in upload.chunks():
                destination.write(chunk)
        names.append(Path(upload.name).name)
    unit_path, rank = form.cleaned_data["unit_path"].strip(), form.cleaned_data["rank"]
    (target / MANIFEST).write_text(json.dumps({
        "owner": request.user.pk, "names": names, "unit_path": unit_path, "rank": rank,
    }, ensure_ascii=False))
    report = lrmx_import(actor=request.user, files=_stored_files(target, names), unit_path=unit_path or None,
                         dry_run=True, rank=rank or None)
    return _page(request, "appointment_forms/import_preview.html", report, token=token,
                 unit_path=unit_path, confirmable=any(result.status != "拒绝" for result in report.files))


def _stored_files(target: Path, names: list[str]) -> list[tuple[str, bytes]]:
    return [(name, (target / str(index)).read_bytes()) for index, name in enumerate(names)]


@require(can_import_roster, "导入任免审批表")
@require_POST
def form_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed uploads (read again from disk), once; the upload is then deleted."""
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("导入凭据无效")
    target = _upload_dir(form.cleaned_data["token"])
    try:
        manifest = json.loads((target / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        return render(request, "appointment_forms/import.html", {
            "form": FormUploadForm(), "gone": True,
        })
    if manifest.get("owner") != request.user.pk:
        raise Http404
    try:
        files = _stored_files(target, manifest["names"])
    finally:
        shutil.rmtree(target, ignore_errors=True)
    report = lrmx_import(actor=request.user, files=files, unit_path=manifest.get("unit_path") or None,
                         dry_run=False, rank=manifest.get("rank") or None)
    return _page(request, "appointment_forms/import_result.html", report)


@requires("people.export_sensitive", "导出任免审批表（LRMX）")
@require_http_methods(["GET", "POST"])
def form_lrmx_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One cadre's 任免审批表 as an .lrmx file, after the purpose is stated (audited)."""
    person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=pk)
    form = ExportPurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content = lrmx_export(actor=request.user, person=person, purpose=form.cleaned_data["purpose"])
        return download(content, lrmx_file_name(person), content_type="application/xml")
    return render(request, "appointment_forms/import_export.html", {"person": person, "form": form})


urlpatterns = [
    path("import/", form_import_upload, name="form_import"),
    path("import/confirm/", form_import_confirm, name="form_import_confirm"),
    path("people/<int:pk>/lrmx/", form_lrmx_export, name="lrmx_export"),
]
