"""Pages of cadre records: the roster, its export, the person card, and the roster import
(checked and written by background jobs, cadres.people.jobs)."""

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
from cadres.accounts.services import record_view
from cadres.core.dates import format_month
from cadres.core.htmx import render_partial_or_page
from cadres.people.exports import may_export_unmasked, roster_export, roster_export_scope
from cadres.people.forms import (
    ImportConfirmForm,
    RosterExportForm,
    RosterFilterForm,
    RosterUploadForm,
    oversized_message,
)
from cadres.people.jobs import (
    ImportNotAvailable,
    roster_check_start,
    roster_export_start,
    roster_import_start,
)
from cadres.people.models import Person
from cadres.people.selectors import person_assignments, person_list, person_resume

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@require_http_methods(["GET", "POST"])
def roster_export_download(request: HttpRequest) -> HttpResponse:
    """The export page (what will be written, and the purpose for full 身份证号), then the
    file: at once for a small roster, else through a background job."""
    filter_form = RosterFilterForm(request.GET or None, actor=request.user)
    filters = filter_form.filters() if filter_form.is_bound else {}
    people, units = roster_export_scope(actor=request.user, filters=filters)
    may_unmask = may_export_unmasked(request.user)
    form = RosterExportForm(request.POST if request.method == "POST" else None,
                            may_export_unmasked=may_unmask)
    count = people.count()
    if request.method == "POST" and form.is_valid():
        purpose = form.cleaned_data.get("purpose", "")
        if count > _export_inline_max():
            job = roster_export_start(actor=request.user, query=request.GET.urlencode(),
                                      purpose=purpose, people=count)
            return redirect(job)
        content = roster_export(actor=request.user, people=people, units=units, purpose=purpose)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        file_name = f"干部名册-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
        return response
    return render(request, "people/roster_export.html", {
        "form": form,
        "count": count,
        "filters": [(filter_form[name].label, _filter_value(filter_form, name, value))
                    for name, value in filters.items()],
        "filter_query": request.GET.urlencode(),
        "may_export_unmasked": may_unmask,
        "runs_as_job": count > _export_inline_max(),
    })


def _export_inline_max() -> int:
    """Up to this many people the file is written in the request; more go to a job."""
    return settings.ROSTER_EXPORT_INLINE_MAX


def _filter_value(form: RosterFilterForm, name: str, value: Any) -> str:
    field = form.fields[name]
    choices = dict(getattr(field, "choices", []) or [])
    if name == "unit":
        return str(value.path)
    return str(choices.get(value, value))


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    # Opening a card is recorded (查阅干部信息卡), rate-limited by accounts.services.
    record_view(request, person)
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
