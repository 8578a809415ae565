"""Pages of cadre records: the roster, the person card, and the roster import."""

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.dossier import dossier_is_open
from cadres.accounts.permissions import can_open_dossier
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.core.htmx import render_partial_or_page
from cadres.org.models import Unit
from cadres.org.services import unit_paths_with_ancestors
from cadres.people.forms import (
    ImportConfirmForm,
    RosterFilterForm,
    RosterUploadForm,
    oversized_message,
)
from cadres.people.models import Person
from cadres.people.selectors import person_assignments, person_list, person_resume
from cadres.people.services import RosterRejected, roster_export, roster_import

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_IMPORTS = "pending_roster_imports"
# Uploads waiting for confirmation: at most this many per session, removed after a day.
PENDING_PER_SESSION = 5
PENDING_MAX_AGE_SECONDS = 24 * 3600


@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    form = RosterFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if form.is_bound else {}
    people = person_list(actor=request.user, filters=filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "elided_pages": page.paginator.get_elided_page_range(
            page.number, on_each_side=2, on_ends=1
        ),
        "filter_query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render_partial_or_page(
        request, "people/roster.html", "people/partials/roster_results.html", context
    )


@require_GET
def roster_export_download(request: HttpRequest) -> HttpResponse:
    form = RosterFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if form.is_bound else {}
    people = person_list(actor=request.user, filters=filters)
    units = Unit.objects.visible_to(request.user)
    if unit := filters.get("unit"):
        # The filtered subtree and its ancestors, so the file imports on its own.
        ancestors = unit_paths_with_ancestors([unit.path])
        units = units.subtree_of(unit) | units.filter(path__in=ancestors)
    content = roster_export(actor=request.user, people=people, units=units)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    file_name = f"干部名册-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    assignments = person_assignments(person=person)
    shows_sensitive = dossier_is_open(request, person)
    return render(request, "people/person_detail.html", {
        "person": person,
        "birth": format_month(person.birth_date, day_known=person.birth_day_known),
        "assignments": assignments,
        "resume": person_resume(assignments=assignments),
        # The full 身份证号 shows only while a registered read (查阅登记) of the file is open.
        "shows_sensitive": shows_sensitive,
        "relatives": list(person.relatives.all()) if shows_sensitive else [],
        "may_open_dossier": can_open_dossier(request.user, person),
    })


def _imports_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _remove_stale_uploads(directory: Path) -> None:
    """Uploads previewed but never confirmed are removed after a day."""
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue


def _sample_rows(rows: list[Any]) -> list[dict[str, Any]]:
    """Parsed roster rows as the preview shows them: codes by name, months as 1975.03."""
    sample = []
    for row in rows:
        values = row.values
        birth, day_known = values["birth"]
        sample.append({
            "row": row.row,
            "name": values["name"],
            "sex": codes.name_for("sex", values["sex"]),
            "ethnicity": codes.name_for("ethnicity", values["ethnicity"]),
            "birth": format_month(birth, day_known=day_known),
            "id_number": values.get("id_number") or "",
            "political_status": codes.name_for("political_status", values["political_status"]),
            "education": codes.name_for("education", codes.highest_education(
                values.get("full_time_education") or "", values.get("in_service_education") or "",
            )),
            "unit_path": values["unit_path"],
            "post_title": values.get("post_title") or "",
            "rank": codes.name_for("rank", values["rank"]),
            "is_team_member": bool(values.get("is_team_member")),
        })
    return sample


def _import_rejected(request: HttpRequest, form: RosterUploadForm, file_name: str,
                     errors: list[Any]) -> HttpResponse:
    return render(request, "people/roster_import.html", {
        "form": form,
        "file_name": file_name,
        "errors": [str(error) for error in errors],
    })


@require_http_methods(["GET", "POST"])
def roster_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a roster: it is kept under a random token and checked by a dry run."""
    if request.method != "POST":
        return render(request, "people/roster_import.html", {"form": RosterUploadForm()})
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "people/roster_import.html", {"form": form})
    upload = form.cleaned_data["file"]
    file_name = Path(upload.name).name
    if upload.size > settings.ROSTER_MAX_BYTES:
        # Refused before it is read into memory or parsed.
        errors = [oversized_message(upload.size)]
        return _import_rejected(request, RosterUploadForm(), file_name, errors)
    directory = _imports_dir()
    _remove_stale_uploads(directory)
    token = secrets.token_hex(16)
    path = directory / token
    with path.open("wb") as destination:
        for chunk in upload.chunks():
            destination.write(chunk)
    content = path.read_bytes()
    try:
        report = roster_import(actor=request.user, content=content, file_name=file_name,
                               dry_run=True)
    except RosterRejected as rejected:
        path.unlink(missing_ok=True)
        return _import_rejected(request, RosterUploadForm(), file_name, rejected.errors)
    pending = request.session.get(PENDING_IMPORTS, {})
    pending[token] = file_name
    for old_token in list(pending)[:-PENDING_PER_SESSION]:
        (directory / old_token).unlink(missing_ok=True)
        del pending[old_token]
    request.session[PENDING_IMPORTS] = pending
    return render(request, "people/roster_import_preview.html", {
        "token": token,
        "file_name": file_name,
        "report": report,
        "sample": _sample_rows(report.sample),
    })


@require_POST
def roster_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import a previewed roster for real, then show the roster."""
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("导入凭据无效")
    token = form.cleaned_data["token"]
    pending = request.session.get(PENDING_IMPORTS, {})
    file_name = pending.pop(token, None)
    request.session[PENDING_IMPORTS] = pending
    path = _imports_dir() / token
    content = None
    if file_name is not None:  # a token of this session only
        try:
            content = path.read_bytes()
            path.unlink()
        except FileNotFoundError:
            content = None
    if content is None:
        messages.error(request, "该导入文件已失效或已导入，请重新上传名册。")
        return redirect("people:roster_import")
    try:
        report = roster_import(actor=request.user, content=content, file_name=file_name)
    except RosterRejected as rejected:
        return _import_rejected(request, RosterUploadForm(), file_name, rejected.errors)
    messages.success(
        request,
        f"已导入名册“{file_name}”：共 {report.rows} 人，新增 {report.created} 人，"
        f"更新 {report.updated} 人，无变化 {report.unchanged} 人，新建单位 {report.units_created} 个。",
    )
    return redirect("people:roster")
