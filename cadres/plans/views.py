import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cadres.accounts.decorators import require
from cadres.accounts.permissions import can_edit_plans, can_view_plans
from cadres.org.selectors import IN_POST_RULE
from cadres.plans import selectors, services
from cadres.plans.forms import AgeLimitForm, ForecastForm, GapsForm, PlanTargetForm
from cadres.plans.models import AgeLimit

DEFAULT_FORECAST_YEARS = 5


@require(can_view_plans, "查看规划目标")
def gaps(request: HttpRequest) -> HttpResponse:
    form = GapsForm(request.GET or None, plan_names=selectors.plan_names(actor=request.user))
    as_of = form.as_of_or_today()
    plan_name = form.cleaned_data.get("plan") if form.is_valid() else None
    results = selectors.plan_gaps(actor=request.user, as_of=as_of, plan_name=plan_name or None)
    chart = {
        "labels": [f"{r.target.plan_name}｜{r.target.scope_label}{r.target.requirement_label}"
                   for r in results],
        "short_labels": [r.target.requirement_label for r in results],
        "met": [r.met for r in results],
        "missed": [r.missed for r in results],
    }
    return render(request, "plans/gaps.html", {
        "form": form,
        "as_of": as_of,
        "results": results,
        "chart": chart,
        "groups_met": sum(r.met for r in results),
        "groups_missed": sum(r.missed for r in results),
        "missing_total": sum(r.missing for r in results),
        "can_edit": can_edit_plans(request.user),
        "in_post_rule": IN_POST_RULE,
    })


@require(can_view_plans, "查看年龄到杠预测")
def forecast(request: HttpRequest) -> HttpResponse:
    form = ForecastForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    as_of = data.get("as_of") or timezone.localdate()
    years = data.get("years") or DEFAULT_FORECAST_YEARS
    until = dt.date(as_of.year + years, 12, 31)
    rule_set = data.get("rule_set") or selectors.rule_set_default()
    unit = data.get("unit")
    context = {"form": form, "as_of": as_of, "until": until, "years": years,
               "rule_set": rule_set, "unit": unit, "in_post_rule": IN_POST_RULE}
    if rule_set is not None:
        summary = selectors.age_limit_forecast(
            actor=request.user, as_of=as_of, until=until, limits=rule_set, unit=unit
        )
        teams = selectors.team_forecast(
            actor=request.user, as_of=as_of, until=until, limits=rule_set, unit=unit
        )
        context.update({
            "summary": summary,
            "teams": teams,
            "chart": {
                "years": list(summary["by_year"]),
                "counts": list(summary["by_year"].values()),
            },
        })
    return render(request, "plans/forecast.html", context)


@require(can_view_plans, "查看规划目标")
def target_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/target_list.html", {
        "targets": selectors.target_list(actor=request.user),
        "can_edit": can_edit_plans(request.user),
    })


@require(can_edit_plans, "修改规划目标")
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest) -> HttpResponse:
    form = PlanTargetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = services.target_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"已新增规划目标：{target.requirement_label}")
        return redirect("plans:target_list")
    return render(request, "plans/target_form.html", {"form": form, "target": None})


@require(can_edit_plans, "修改规划目标")
@require_http_methods(["GET", "POST"])
def target_update(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(selectors.target_list(actor=request.user), pk=pk)
    form = PlanTargetForm(request.POST or None, instance=target, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.target_update(actor=request.user, target=target, **form.cleaned_data)
        messages.success(request, "已保存规划目标")
        return redirect("plans:target_list")
    return render(request, "plans/target_form.html", {"form": form, "target": target})


@require(can_edit_plans, "删除规划目标")
@require_http_methods(["GET", "POST"])
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    target = get_object_or_404(selectors.target_list(actor=request.user), pk=pk)
    if request.method != "POST":
        return render(request, "plans/target_delete.html", {"target": target})
    services.target_delete(actor=request.user, target=target)
    messages.success(request, "已删除规划目标")
    return redirect("plans:target_list")


@require(can_view_plans, "查看年龄界限规则")
def rule_set_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/rule_sets.html", {
        "rule_sets": selectors.rule_set_list(),
        "principal_titles": sorted(selectors.principal_titles()),
        "can_edit": can_edit_plans(request.user),
    })


@require(can_edit_plans, "修改年龄界限")
@require_http_methods(["GET", "POST"])
def age_limit_update(request: HttpRequest, pk: int) -> HttpResponse:
    limit = get_object_or_404(AgeLimit.objects.select_related("rule_set"), pk=pk)
    form = AgeLimitForm(request.POST or None, instance=limit)
    if request.method == "POST" and form.is_valid():
        services.age_limit_update(actor=request.user, limit=limit, **form.cleaned_data)
        messages.success(request, "已保存年龄界限")
        return redirect("plans:rule_sets")
    return render(request, "plans/age_limit_form.html", {"form": form, "limit": limit})
