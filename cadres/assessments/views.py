"""The assessment pages: a unit's yearly grades (entry, import, template, quota approval), the
consequences of a year, target-performance scores, a cadre's comprehensive-evaluation profile
and the evaluation ranking.

Reading needs `assessments.view` and the unit or person in the user's view scope; writing needs
`assessments.manage` and the unit or person in the 信息维护 scope. Anything outside the scope
is a 404. Forms post back to their page, which works without JavaScript.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import requires
from cadres.accounts.permissions import has_permission
from cadres.assessments import imports, selectors, services
from cadres.assessments.actions import AssessmentAction
from cadres.assessments.forms import ApplyForm, EvaluationForm, ImportForm, QuotaApprovalForm
from cadres.assessments.models import EvaluationSource
from cadres.audit.services import record
from cadres.core.downloads import download
from cadres.core.forms import service_errors_on_form
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.records.models import AssessmentGrade

VIEW, MANAGE = "assessments.view", "assessments.manage"


def _year(request: HttpRequest, default: int | None = None) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = default or timezone.localdate().year - 1
    return year if 1950 <= year <= 2100 else timezone.localdate().year - 1


def _may_manage(request: HttpRequest) -> bool:
    return has_permission(request.user, MANAGE)


def _unit(request: HttpRequest, unit_id: int, action: str = "view") -> Unit:
    return get_object_or_404(Unit.objects.restrict(request.user, action), pk=unit_id)


@require_GET
@requires(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    units = Unit.objects.restrict(request.user, "view").order_by("sort_key", "id")
    return render(request, "assessments/index.html", {
        "year": year, "units": units, "years": range(timezone.localdate().year, timezone.localdate().year - 8, -1),
        "groups": selectors.performance_groups(request.user),
    })


# --- a unit's grades ------------------------------------------------------------------------


def _grades_context(request: HttpRequest, unit: Unit, year: int, posted: dict[int, str] | None = None,
                    error: str = "") -> dict[str, Any]:
    people = selectors.unit_people(actor=request.user, unit=unit, year=year)
    stored = selectors.grades_of(people, year)
    current = {person.pk: stored[person.pk].grade if person.pk in stored else "" for person in people}
    may_change = (_may_manage(request) and has_permission(request.user, "people.change")
                  and Unit.objects.restrict(request.user, "change").filter(pk=unit.pk).exists())
    changeable = selectors.changeable_ids(actor=request.user, people=people) if may_change else set()
    # A refused form shows what was entered, in the rows the user may change only.
    current.update({pk: grade for pk, grade in (posted or {}).items() if pk in changeable})
    quota = selectors.quota_check(unit=unit, year=year, grades=[grade for grade in current.values() if grade])
    return {
        "unit": unit, "year": year,
        "rows": [(person, current[person.pk], person.pk in changeable) for person in people],
        "grades": AssessmentGrade.choices, "quota": quota, "may_change": may_change, "error": error,
        "approval_form": QuotaApprovalForm(initial={"percent": selectors.params(
            "excellent_quota", selectors.year_end(year)).get("approved_max_percent", quota.limit)}),
        "import_form": ImportForm(),
    }


@require_http_methods(["GET", "POST"])
@requires(VIEW)
def unit_grades(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    if request.method == "POST":
        if not _may_manage(request):
            raise PermissionDenied("录入考核结果")
        unit = _unit(request, unit_id, "change")
        people = selectors.unit_people(actor=request.user, unit=unit, year=year)
        posted = {person.pk: request.POST.get(f"grade-{person.pk}", "") for person in people
                  if f"grade-{person.pk}" in request.POST}
        try:
            changed = services.grades_enter(actor=request.user, unit=unit, year=year, grades=posted)
        except ValidationError as error:
            context = _grades_context(request, unit, year, posted, error="；".join(error.messages))
            return render(request, "assessments/unit_grades.html", context, status=400)
        messages.success(request, f"已保存{unit.name}{year}年度考核结果（{changed}人有变化）")
        return redirect("assessments:unit_grades", unit.pk, year)
    return render(request, "assessments/unit_grades.html", _grades_context(request, unit, year))


@require_POST
@requires(MANAGE)
def unit_grades_import(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_id, "change")
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            errors = ["文件过大，上限为 10 MB"]
        else:
            try:
                result = imports.grades_import(actor=request.user, unit=unit, content=upload.read(),
                                               filename=upload.name)
            except ValidationError as error:
                errors = list(error.messages)
            else:
                years = "、".join(str(y) for y in result.years)
                messages.success(request, f"已导入{result.rows}行（{years}年度），{result.changed}人有变化")
                return redirect("assessments:unit_grades", unit.pk, year)
    else:
        errors = [str(message) for messages_ in form.errors.values() for message in messages_]
    context = _grades_context(request, unit, year)
    context["import_errors"] = errors
    return render(request, "assessments/unit_grades.html", context, status=400)


@require_GET
@requires(MANAGE)
def unit_grades_template(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_id, "change")
    content = imports.grades_template(actor=request.user, unit=unit, year=year)
    record(actor=request.user, action=AssessmentAction.TEMPLATE_READ, target=unit,
           changes={"year": year})
    return download(content, f"{unit.name}{year}年度考核导入模板.xlsx")


@require_POST
@requires(MANAGE)
def quota_approve(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_id, "change")
    form = QuotaApprovalForm(request.POST)
    if form.is_valid():
        try:
            services.quota_approve(actor=request.user, unit=unit, year=year, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已登记{unit.name}{year}年度优秀比例批准（{form.cleaned_data['document']}）")
            return redirect("assessments:unit_grades", unit.pk, year)
    context = _grades_context(request, unit, year)
    context["approval_form"] = form
    return render(request, "assessments/unit_grades.html", context, status=400)


# --- consequences ---------------------------------------------------------------------------


@require_GET
@requires(VIEW)
def consequence_list(request: HttpRequest, year: int) -> HttpResponse:
    people = Person.objects.restrict(request.user, "view")
    items = selectors.consequences(year, people)
    changeable = set(Person.objects.restrict(request.user, "change").filter(
        pk__in=[item.person.pk for item in items]).values_list("pk", flat=True)) if _may_manage(request) else set()
    return render(request, "assessments/consequences.html", {
        "year": year, "items": items, "changeable": changeable, "apply_form": ApplyForm(
            initial={"awarded_on": timezone.localdate()}),
    })


@require_POST
@requires(MANAGE)
def consequence_apply(request: HttpRequest, person_id: int, year: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=person_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("assessments:consequences", year)
    try:
        award = services.consequence_apply(actor=request.user, person=person, year=year, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已落实：{person.name}{award.name}（{award.reason}）")
    return redirect("assessments:consequences", year)


# --- target-performance scores --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(VIEW)
def performance(request: HttpRequest, year: int) -> HttpResponse:
    groups = selectors.performance_groups(request.user)
    group = request.GET.get("group") or (groups[0] if groups else "")
    errors: list[str] = []
    if request.method == "POST":
        if not _may_manage(request):
            raise PermissionDenied("录入目标绩效得分")
        changeable = {unit.pk: unit for unit in Unit.objects.restrict(request.user, "change").filter(unit_type=group)}
        scores: dict[Unit, tuple[Decimal | None, bool]] = {}
        for unit_id, unit in changeable.items():
            if f"score-{unit_id}" not in request.POST:
                continue
            text = request.POST.get(f"score-{unit_id}", "").strip()
            try:
                score = Decimal(text) if text else None
            except InvalidOperation:
                errors.append(f"{unit.name} 得分 “{text}” 不是有效的数字")
                continue
            scores[unit] = (score, request.POST.get(f"missed-{unit_id}") != "on")
        if not errors:
            try:
                services.scores_enter(actor=request.user, year=year, group=group, scores=scores)
            except ValidationError as error:
                errors = list(error.messages)
            else:
                messages.success(request, f"已保存{year}年度{group}目标绩效得分")
                return redirect(reverse("assessments:performance", args=[year]) + f"?group={group}")
    may_change = _may_manage(request)
    changeable_ids = (set(Unit.objects.restrict(request.user, "change").values_list("pk", flat=True))
                      if may_change else set())
    return render(request, "assessments/performance.html", {
        "year": year, "group": group, "groups": groups, "errors": errors,
        "rows": selectors.performance_rows(actor=request.user, year=year, group=group),
        "tiers": selectors.tiers(year), "changeable": changeable_ids, "may_change": may_change,
    }, status=400 if errors else 200)


# --- comprehensive evaluation ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(VIEW)
def profile(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "view").select_related("unit"), pk=person_id)
    may_change = _may_manage(request) and Person.objects.restrict(request.user, "change").filter(pk=person.pk).exists()
    form = EvaluationForm(initial={"period": timezone.localdate().year - 1})
    if request.method == "POST":
        if not may_change:
            if not _may_manage(request):
                raise PermissionDenied("记录综合考核评价")
            get_object_or_404(Person.objects.restrict(request.user, "change"), pk=person_id)
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                services.evaluation_record(actor=request.user, person=person, **form.cleaned_data)
            except ValidationError as error:
                service_errors_on_form(form, error)
            else:
                messages.success(request, "已记录综合考核评价")
                return redirect("assessments:profile", person.pk)
    entries = selectors.evaluation_profile(person)
    sources = EvaluationSource.choices
    table = [(entry, [(value, label, entry.scores.get(value), entry.texts.get(value)) for value, label in sources])
             for entry in entries]
    return render(request, "assessments/profile.html", {
        "person": person, "entries": entries, "table": table, "sources": sources,
        "chart": selectors.profile_chart(person, entries), "form": form, "may_change": may_change,
    }, status=400 if form.is_bound and form.errors else 200)


@require_GET
@requires(VIEW)
def ranking(request: HttpRequest, year: int) -> HttpResponse:
    types = selectors.unit_types(request.user)
    unit_type = request.GET.get("unit_type") or (types[0] if types else "")
    rows = selectors.evaluation_ranking(actor=request.user, year=year, unit_type=unit_type)
    return render(request, "assessments/ranking.html", {
        "year": year, "unit_type": unit_type, "types": types, "rows": rows,
        "bottom": selectors.params("ranking_review", selectors.year_end(year)).get("bottom", 0),
    })
