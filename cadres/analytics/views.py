"""Structure analysis pages: the report with charts, and its .xlsx and .docx exports."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadres.analytics.exports import report_tables, structure_docx, structure_xlsx
from cadres.analytics.forms import as_of_label, scope_label, structure_form
from cadres.analytics.selectors import structure_report
from cadres.core.downloads import download
from cadres.org.selectors import IN_POST_RULE, quota_totals, team_quotas_on, units_on


def _report(request: HttpRequest) -> tuple[Any, dict[str, Any] | None]:
    form = structure_form(request.GET, actor=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    report = structure_report(
        actor=request.user, as_of=data["as_of"], unit=data["unit"],
        team_members_only=data["team_members_only"], age_bands=data["bands"],
    )
    report["scope"] = scope_label(data["unit"], data["team_members_only"])
    if data["unit"] is not None:
        # The unit under the name and place it had on the date (机构改革), when it existed then.
        then = units_on(data["as_of"], root=data["unit"])
        if then and then[0].path != data["unit"].path:
            report["scope"] = report["scope"].replace(data["unit"].path, then[0].path, 1)
    report["as_of_label"] = as_of_label(data["as_of"])
    return form, report


def structure(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    context: dict[str, Any] = {"form": form, "report": report, "in_post_rule": IN_POST_RULE}
    if report is not None:
        context["tables"] = report_tables(report)
        # 领导职数 of each team on the date, under the names the units had then.
        data = form.cleaned_data
        quotas = team_quotas_on(actor=request.user, as_of=data["as_of"], unit=data["unit"])
        context["quotas"] = quotas
        context["quota_totals"] = quota_totals(quotas)
        context["query"] = request.GET.urlencode()
        context["chart_data"] = {
            "pyramid": report["age_pyramid"],
            "education": _series(report["education"]),
            "rank": _series(report["rank"]),
        }
    return render(request, "analytics/structure.html", context)


def structure_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, structure_xlsx, "xlsx")


def structure_export_docx(request: HttpRequest) -> HttpResponse:
    return _export(request, structure_docx, "docx")


def _export(request: HttpRequest, build: Any, suffix: str) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return render(request, "analytics/structure.html",
                      {"form": form, "in_post_rule": IN_POST_RULE}, status=400)
    # The 领导职数 table the page shows: the same rows and totals.
    data = form.cleaned_data
    quotas = team_quotas_on(actor=request.user, as_of=data["as_of"], unit=data["unit"])
    content = build(report, scope=report["scope"], as_of=report["as_of_label"], quotas=quotas,
                    quota_totals=quota_totals(quotas))
    scope = report["scope"].replace("/", "-")
    return download(content, f"干部队伍结构分析-{scope}-截至{str(report['as_of']).replace('-', '')}.{suffix}")


def _series(figures: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    return {
        "names": list(figures),
        "counts": [item["count"] for item in figures.values()],
        "percents": [item["percent"] for item in figures.values()],
    }
