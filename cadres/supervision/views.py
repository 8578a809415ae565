"""The personal-matters page (领导干部报告个人有关事项): the people who must make the yearly
report on a year within the user's view scope, each with the day the report came in or a
未报告/逾期 badge, the counts on top, and the 新任 reports due; recording a report per row and
marking checked rows 已报告 at once.

Reading needs `supervision.view`; writing needs `supervision.manage` and the person in the
信息维护 scope. A person or report outside the scope is a 404. Forms post back and redirect to
the page, which works without JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadres.accounts.decorators import requires
from cadres.accounts.permissions import has_permission
from cadres.core.forms import is_number_text
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.supervision import selectors, services
from cadres.supervision.forms import MarkForm, ReportForm, RoundFilterForm
from cadres.supervision.models import PersonalMattersReport, ReportKind

VIEW, MANAGE = "supervision.view", "supervision.manage"
PAGE_SIZE = 100


def _back(request: HttpRequest, year: int | str | None = None) -> HttpResponseRedirect:
    """To the page of the year (and unit) the form came from."""
    query = {"year": year or request.POST.get("year", "")}
    unit = request.POST.get("unit", "")
    if is_number_text(unit):
        query["unit"] = unit
    page = request.POST.get("page", "")
    if page.isdigit():
        query["page"] = page
    return HttpResponseRedirect(f"{reverse('supervision:personal_matters')}?{urlencode(query)}")


def _errors(request: HttpRequest, form: ReportForm | MarkForm) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))


@require_GET
@requires(VIEW)
def personal_matters(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = RoundFilterForm(request.GET or None, user=request.user)
    year, unit = selectors.current_round(today), None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        unit = form.cleaned_data["unit"]
    people = selectors.round_people(actor=request.user, on=today, year=year, unit=unit)
    counts = selectors.round_counts(people, on=today, year=year)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.round_rows(list(page.object_list), on=today, year=year)
    may_manage = has_permission(request.user, MANAGE)
    changeable = set(Person.objects.restrict(request.user, "change").filter(
        pk__in=[row.person.pk for row in rows]).values_list("pk", flat=True)) if may_manage else set()
    scope = Person.objects.restrict(request.user, "view")
    if unit is not None:
        scope = scope.filter(unit__in=Unit.objects.subtree_of(unit))
    appointees = selectors.new_appointees(scope, today)
    names = dict(Unit.objects.filter(pk__in={item.unit_id for item in appointees}).values_list("pk", "name"))
    new_changeable = set(Person.objects.restrict(request.user, "change").filter(
        pk__in=[item.person_id for item in appointees]).values_list("pk", flat=True)) if may_manage else set()
    query = {key: value for key, value in (("year", year), ("unit", unit.pk if unit else "")) if value}
    return render(request, "supervision/personal_matters.html", {
        "form": form, "year": year, "unit": unit, "deadline": selectors.numbers(today).deadline(year),
        "counts": counts, "page": page, "rows": rows, "may_manage": may_manage, "changeable": changeable,
        "appointees": [(item, names.get(item.unit_id, ""), item.person_id in new_changeable)
                       for item in appointees],
        "today": today, "query": urlencode(query),
    })


@require_POST
@requires(MANAGE)
def report_record(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=person_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(request)
    data = form.cleaned_data
    try:
        report = services.report_record(actor=request.user, person=person, year=data["year"], kind=data["kind"],
                                        submitted_on=data["submitted_on"], notes=data["notes"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已登记：{person.name}{report.year}年度{report.get_kind_display()}"
                                  f"（{selectors.format_day(report.submitted_on)}）")
    year = data["year"] if data["kind"] == ReportKind.ANNUAL else request.POST.get("round", "")
    return _back(request, year)


@require_POST
@requires(MANAGE)
def reports_mark(request: HttpRequest) -> HttpResponse:
    form = MarkForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(request)
    data = form.cleaned_data
    wanted = set(data["people"])
    people = list(Person.objects.restrict(request.user, "change").filter(pk__in=wanted))
    if len(people) != len(wanted):
        raise Http404("有干部不在您的信息维护范围内")
    try:
        written = services.annual_reports_record(actor=request.user, people=people, year=data["year"],
                                                 submitted_on=data["submitted_on"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        already = len(people) - len(written)
        messages.success(request, f"已标记{len(written)}人已报告{data['year']}年度个人有关事项"
                                  + (f"（{already}人此前已登记，未改动）" if already else ""))
    return _back(request, data["year"])


@require_POST
@requires(MANAGE)
def report_delete(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(PersonalMattersReport.objects.select_related("person").filter(
        person__in=Person.objects.restrict(request.user, "change")), pk=report_id)
    year, name, label = report.year, report.person.name, report.get_kind_display()
    services.report_delete(actor=request.user, report=report)
    messages.success(request, f"已删除{name}{year}年度{label}的登记")
    return _back(request, year)
