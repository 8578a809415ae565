"""The avoidance and tenure pages and the exchange-plan pages (交流方案).

Reads need `alerts.view` and are scoped: the findings are those of the people the user may see,
a plan is visible when every mover and unit in it is (else a 404). Writes need
`alerts.exchange` and the 信息维护 scope over every mover and unit of the plan (else a 403).
Views are thin: a form, one service, back to the page with the service's refusal in Chinese.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import requires
from cadres.accounts.permissions import has_permission
from cadres.alerts import exchange as services
from cadres.alerts.actions import AlertPermission
from cadres.alerts.avoidance import avoidance_findings, for_reader
from cadres.alerts.exchange_forms import CommitForm, DiscardForm, MoveForm, PersonSearchForm, PlanForm
from cadres.alerts.findings import Finding
from cadres.alerts.models import ExchangeMove, ExchangePlan, PlanStatus
from cadres.alerts.tenure import tenure_findings
from cadres.cases.rules import rule
from cadres.core.forms import is_number_text, service_errors_on_form
from cadres.org.models import Unit
from cadres.people.models import Person

VIEW, EXCHANGE = AlertPermission.VIEW.value, AlertPermission.EXCHANGE.value
PERSON_RESULTS = 20


def _rows(findings: list[Finding], on: Any) -> list[dict[str, Any]]:
    """Each finding with its person, unit and rule (name, text, source)."""
    people = Person.objects.in_bulk({f.person_id for f in findings if f.person_id})
    units = Unit.objects.in_bulk({f.unit_id for f in findings if f.unit_id})
    rules = {code: rule(code, on) for code in {f.rule_code for f in findings}}
    ordered = sorted(findings, key=lambda f: (f.due_on or on, units[f.unit_id].sort_key if f.unit_id in units
                                              else "", f.key))
    return [{"finding": f, "person": people.get(f.person_id or 0), "unit": units.get(f.unit_id or 0),
             "rule": rules.get(f.rule_code)} for f in ordered]


@requires(VIEW)
@require_GET
def avoidance_list(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    findings = for_reader(avoidance_findings(Person.objects.restrict(request.user, "view"), on), request.user)
    return render(request, "alerts/avoidance.html", {
        "on": on, "rows": _rows(findings, on), "page": "avoidance", "title": "任职回避",
    })


@requires(VIEW)
@require_GET
def tenure_list(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    findings = tenure_findings(Person.objects.restrict(request.user, "view"), on)
    return render(request, "alerts/avoidance.html", {
        "on": on, "rows": _rows(findings, on), "page": "tenure", "title": "任职年限和交流",
    })


# --- exchange plans ---------------------------------------------------------------------------------


def _flash(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in (error.messages if isinstance(error, ValidationError) else [str(error)]):
        messages.error(request, message)


def _writable(request: HttpRequest, pk: int) -> ExchangePlan:
    plan = services.plan_for(request.user, pk)
    if not services.plan_changeable(request.user, plan):
        raise PermissionDenied("该交流方案涉及您信息维护范围以外的干部或单位")
    return plan


def _can_write(request: HttpRequest) -> bool:
    return has_permission(request.user, EXCHANGE)


@requires(VIEW)
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = services.plans_visible(request.user).prefetch_related("moves__person")
    return render(request, "alerts/exchange_list.html", {
        "plans": plans, "can_write": _can_write(request),
        "form": PlanForm(initial={"effective_on": timezone.localdate()}),
    })


@requires(EXCHANGE)
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已新建交流方案")
            return redirect("alerts:exchange_detail", pk=plan.pk)
    plans = services.plans_visible(request.user)
    return render(request, "alerts/exchange_list.html", {"plans": plans, "can_write": True, "form": form},
                  status=400)


def _move_form(request: HttpRequest, plan: ExchangePlan, data: Any = None) -> tuple[MoveForm, PersonSearchForm]:
    people = Person.objects.restrict(request.user, "change").select_related("unit")
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    found = list(people.filter(name__contains=query).order_by("name", "pk")[:PERSON_RESULTS]) if query else []
    chosen = [value for value in ([data.get("person")] if data else []) if value and is_number_text(value)]
    shown = people.filter(pk__in=[*(person.pk for person in found), *chosen]).order_by("name", "pk")
    units = Unit.objects.restrict(request.user, "change").order_by("sort_key", "path")
    initial = {"person": found[0].pk} if len(found) == 1 else {}
    return MoveForm(data, people=shown, units=units, initial={**initial, "is_team_member": True}), search


def _detail(request: HttpRequest, plan: ExchangePlan, *, move_form: MoveForm | None = None,
            commit_form: CommitForm | None = None, status: int = 200) -> HttpResponse:
    can_write = _can_write(request) and plan.status == PlanStatus.DRAFT and services.plan_changeable(request.user,
                                                                                                      plan)
    search = None
    if can_write and move_form is None:
        move_form, search = _move_form(request, plan)
    elif can_write:
        search = PersonSearchForm(request.GET or None)
    # A committed or discarded plan has nothing left to preview: the teams are what they are.
    preview = services.plan_preview(plan, actor=request.user) if plan.status == PlanStatus.DRAFT else None
    return render(request, "alerts/exchange_detail.html", {
        "plan": plan, "moves": plan.moves.select_related("person", "person__unit", "to_unit"),
        "preview": preview, "can_write": can_write, "move_form": move_form, "search": search,
        "commit_form": commit_form or CommitForm(initial={"document": plan.document}),
        "discard_form": DiscardForm(), "draft": plan.status == PlanStatus.DRAFT,
    }, status=status)


@requires(VIEW)
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, services.plan_for(request.user, pk))


@requires(EXCHANGE)
@require_http_methods(["POST"])
def move_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable(request, pk)
    form, _ = _move_form(request, plan, request.POST)
    if form.is_valid():
        try:
            services.move_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已加入交流人选{form.cleaned_data['person'].name}")
            return redirect("alerts:exchange_detail", pk=plan.pk)
    return _detail(request, plan, move_form=form, status=400)


@requires(EXCHANGE)
@require_POST
def move_remove(request: HttpRequest, pk: int) -> HttpResponse:
    move = get_object_or_404(ExchangeMove.objects.select_related("plan", "person", "to_unit"), pk=pk)
    plan = _writable(request, move.plan_id)
    try:
        services.move_remove(actor=request.user, move=move)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, f"已移出交流人选{move.person.name}")
    return redirect("alerts:exchange_detail", pk=plan.pk)


@requires(EXCHANGE)
@require_POST
def plan_commit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable(request, pk)
    form = CommitForm(request.POST)
    if form.is_valid():
        try:
            services.plan_commit(actor=request.user, plan=plan, force_reason=form.cleaned_data["force_reason"],
                                 document=form.cleaned_data["document"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "交流方案已实施")
            return redirect("alerts:exchange_detail", pk=plan.pk)
    return _detail(request, plan, commit_form=form, status=400)


@requires(EXCHANGE)
@require_POST
def plan_discard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable(request, pk)
    form = DiscardForm(request.POST)
    try:
        services.plan_discard(actor=request.user, plan=plan,
                              reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, "交流方案已放弃")
    return redirect("alerts:exchange_detail", pk=plan.pk)
