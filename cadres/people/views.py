"""Pages of the roster: the list with its search, and its export. (The person's own pages are
cadres.people.person_views, the roster import cadres.people.import_views.)"""

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from cadres.core.htmx import render_partial_or_page
from cadres.people.exports import may_export_unmasked, roster_export, roster_export_scope
from cadres.people.forms import (
    RosterExportForm,
    RosterFilterForm,
)
from cadres.people.jobs import (
    roster_export_start,
)
from cadres.people.selectors import person_list

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
