"""The pages of the selection rules (规则) and the holiday calendar (节假日安排).

Reading needs `cases.view`; changing needs `cases.rules`, and goes through rules_services (each
change audited). Rules are the deployment's, not a unit's: there is no unit scope to apply.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cadres.accounts.decorators import refuse, requires
from cadres.accounts.permissions import has_permission
from cadres.cases import rules_services
from cadres.cases.models import CalendarDay, SelectionRule
from cadres.cases.rules_forms import CalendarDayForm, CalendarUploadForm, RuleForm, RulePeriodForm
from cadres.cases.workdays import PACKAGE_YEARS, calendar_known
from cadres.core.forms import is_number_text, service_errors_on_form


def _can_edit(request: HttpRequest) -> bool:
    return has_permission(request.user, "cases.rules")


@requires("cases.view")
@require_http_methods(["GET"])
def rule_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for row in SelectionRule.objects.all():
        current = ((row.effective_from is None or row.effective_from <= today)
                   and (row.effective_to is None or row.effective_to >= today))
        rows.append({"rule": row, "params": rules_services.params_in_words(row.code, row.params),
                     "current": current and row.is_active})
    return render(request, "cases/rules/rule_list.html", {"rows": rows, "can_edit": _can_edit(request)})


@requires("cases.rules")
@require_http_methods(["GET", "POST"])
def rule_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a rule's numbers for its period (`action=update`), or start a new period of it
    from a date (`action=period`)."""
    row = get_object_or_404(SelectionRule, pk=pk)
    form = RuleForm(rule=row, prefix="rule")
    period = RulePeriodForm(rule=row, prefix="period")
    if request.method == "POST":
        if request.POST.get("action") == "period":
            period = RulePeriodForm(request.POST, rule=row, prefix="period")
            if period.is_valid():
                try:
                    new = rules_services.rule_period_start(
                        actor=request.user, rule=row, effective_from=period.cleaned_data["effective_from"],
                        params=period.cleaned_data["params"], text=period.cleaned_data["text"])
                except ValidationError as error:
                    service_errors_on_form(period, error)
                else:
                    messages.success(request, f"已新增“{new.name}”自{new.effective_from:%Y.%m.%d}起施行的期间。")
                    return redirect("cases:rule_list")
        else:
            form = RuleForm(request.POST, rule=row, prefix="rule")
            if form.is_valid():
                try:
                    rules_services.rule_update(actor=request.user, rule=row, params=form.cleaned_data["params"],
                                               text=form.cleaned_data["text"])
                except ValidationError as error:
                    service_errors_on_form(form, error)
                else:
                    messages.success(request, f"已保存“{row.name}”。")
                    return redirect("cases:rule_list")
    return render(request, "cases/rules/rule_form.html", {
        "rule": row, "form": form, "period": period,
        "params_words": rules_services.params_in_words(row.code, row.params),
        "params_json": json.dumps(row.params, ensure_ascii=False),
    })


def _calendar_page(request: HttpRequest, *, form: CalendarDayForm | None = None,
                   upload: CalendarUploadForm | None = None, status: int = 200) -> HttpResponse:
    year_text = request.GET.get("year", "")
    days = CalendarDay.objects.all()
    if is_number_text(year_text, max_length=4):
        days = days.filter(date__year=int(year_text))
    this_year = timezone.localdate().year
    years = [{"year": year, "known": calendar_known(year), "package": year in PACKAGE_YEARS,
              "entered": CalendarDay.objects.filter(date__year=year).count()}
             for year in (this_year, this_year + 1)]
    return render(request, "cases/rules/calendar.html", {
        "days": days, "year": year_text, "years": years, "can_edit": _can_edit(request),
        "package_from": PACKAGE_YEARS.start if PACKAGE_YEARS else None,
        "package_to": PACKAGE_YEARS.stop - 1 if PACKAGE_YEARS else None,
        "form": form or CalendarDayForm(), "upload": upload or CalendarUploadForm(),
    }, status=status)


@requires("cases.view")
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The entered days; a POST adds or changes a day (`action=delete` with `pk` removes one)."""
    if request.method == "GET":
        return _calendar_page(request)
    if not _can_edit(request):
        refuse(request, "修改节假日安排")
    if request.POST.get("action") == "delete":
        pk_text = request.POST.get("pk", "")
        entry = get_object_or_404(CalendarDay, pk=int(pk_text) if is_number_text(pk_text) else 0)
        rules_services.calendar_day_delete(actor=request.user, entry=entry)
        messages.success(request, f"已删除{entry.date:%Y.%m.%d}的节假日安排。")
        return redirect("cases:calendar")
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            entry = rules_services.calendar_day_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已保存{entry.date:%Y.%m.%d}（{'上班' if entry.is_workday else '休息'}）。")
            return redirect("cases:calendar")
    return _calendar_page(request, form=form, status=400)


@requires("cases.rules")
@require_http_methods(["POST"])
def calendar_load(request: HttpRequest) -> HttpResponse:
    """Load a calendar CSV, all or nothing; the page shows every bad row."""
    upload = CalendarUploadForm(request.POST, request.FILES)
    if upload.is_valid():
        file: Any = upload.cleaned_data["file"]
        try:
            count = rules_services.calendar_load(actor=request.user, text=rules_services.decode_upload(file.read()),
                                                 source=file.name)
        except ValidationError as error:
            upload.add_error("file", ["导入失败，未做任何修改。", *error.messages])
        else:
            messages.success(request, f"已导入{count}天的节假日安排。")
            return redirect("cases:calendar")
    return _calendar_page(request, upload=upload, status=400)
