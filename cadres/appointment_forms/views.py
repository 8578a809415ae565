"""The 生成任免审批表 pages: one person's form (from the card) as PDF or DOCX, and a batch (people
posted from the roster, or a unit's cadres) as a background job giving a ZIP.

The form carries the family and the 身份证号, so both pages require `people.export_sensitive`
and a stated purpose, audited as an export with the person as subject (exports.py). A person
outside the user's view scope is a 404; the user's own file or a relative's is refused.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cadres.accounts.decorators import refuse, requires
from cadres.accounts.permissions import is_own_or_relative
from cadres.appointment_forms import jobs
from cadres.appointment_forms.exports import BATCH_MAX_PEOPLE, FormExportRefused, form_export
from cadres.appointment_forms.options_forms import BatchOptionsForm, PersonFormOptionsForm, selected_ids
from cadres.core.downloads import download
from cadres.org.models import Unit
from cadres.people.models import Person

GET_POST = ["GET", "POST"]
# The batch page names this many of the chosen people, then says how many more.
NAMES_SHOWN = 30


@requires("people.export_sensitive")
@require_http_methods(GET_POST)
def person_form(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "view").select_related("unit"), pk=pk)
    if is_own_or_relative(request.user, person):
        refuse(request, "导出本人或亲属的干部任免审批表")
    form = PersonFormOptionsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            content, name = form_export(actor=request.user, person=person, options=form.form_options(),
                                        file_format=form.cleaned_data["file_format"],
                                        purpose=form.cleaned_data["purpose"])
        except FormExportRefused as refused:
            form.add_error("purpose", str(refused))
        else:
            response = download(content, name)
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "appointment_forms/form_generate.html", {"person": person, "form": form})


def _selection(request: HttpRequest) -> tuple[list[Person], Unit | None]:
    """The people chosen: ids posted from the roster (`person`), or a unit's cadres in post
    (`unit`, with its subtree). An id outside the view scope makes the whole page a 404."""
    data = request.POST if request.method == "POST" else request.GET
    visible = Person.objects.restrict(request.user, "view").select_related("unit")
    unit = None
    if data.get("unit"):
        if not str(data["unit"]).isdigit():
            raise Http404
        unit = get_object_or_404(Unit.objects.restrict(request.user, "view"), pk=int(data["unit"]))
        units = Unit.objects.subtree_of(unit)
        return list(visible.filter(unit__in=units, left_on__isnull=True)[: BATCH_MAX_PEOPLE + 1]), unit
    ids = selected_ids(data.getlist("person"))
    found = visible.in_bulk(ids)
    if len(found) < len(ids):
        raise Http404
    return [found[pk] for pk in ids], None


@requires("people.export_sensitive")
@require_http_methods(GET_POST)
def batch(request: HttpRequest) -> HttpResponse:
    people, unit = _selection(request)
    # The roster's post carries only the selection: the options form shows first.
    submitted = request.method == "POST" and "generate" in request.POST
    form = BatchOptionsForm(request.POST if submitted else None, user=request.user)
    if submitted and not people:
        form.add_error(None, "请先选择要生成任免审批表的干部。")
    if submitted and len(people) > BATCH_MAX_PEOPLE:
        form.add_error(None, f"一次最多生成 {BATCH_MAX_PEOPLE} 份任免审批表，请缩小范围后分批生成。")
    if submitted and form.is_valid():
        job = jobs.batch_start(actor=request.user, person_ids=[person.pk for person in people],
                               options=form.options(), formats=form.formats(),
                               purpose=form.cleaned_data["purpose"])
        return redirect("jobs:job_detail", job.pk)
    return render(request, "appointment_forms/form_batch.html", {
        "form": form, "people": people[:NAMES_SHOWN], "count": len(people),
        "more": max(0, len(people) - NAMES_SHOWN), "unit": unit,
        "person_ids": [person.pk for person in people] if unit is None else [],
        "too_many": len(people) > BATCH_MAX_PEOPLE, "max_people": BATCH_MAX_PEOPLE,
    })


urlpatterns: list[URLPattern] = [
    path("people/<int:pk>/", person_form, name="person_form"),
    path("batch/", batch, name="batch"),
]
