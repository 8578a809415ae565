"""Browsing and exporting the audit record (系统管理员 and 干部监督科 only)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cadres.accounts.decorators import require
from cadres.accounts.permissions import can_browse_audit
from cadres.audit.forms import AuditFilterForm
from cadres.audit.models import AuditAction
from cadres.audit.selectors import (
    EXPORT_HEADER,
    AuditFilters,
    audit_event_list,
    audit_export_rows,
)
from cadres.audit.services import record
from cadres.core.spreadsheets import write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(form: AuditFilterForm) -> AuditFilters:
    if not form.is_valid():
        return AuditFilters()
    return AuditFilters(**form.cleaned_data)


@require(can_browse_audit, "查阅审计记录")
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = audit_event_list(filters=_filters(form)).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "person": form.cleaned_data.get("person")
        if form.is_bound and form.is_valid() else None,
    })


@require(can_browse_audit, "导出审计记录")
def event_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form)
    events = audit_event_list(filters=filters)
    count = events.count()
    content = write_xlsx([("审计记录", EXPORT_HEADER, audit_export_rows(events))])
    record(actor=request.user, action=AuditAction.AUDIT_EXPORTED, changes={
        "count": count, "filters": {k: str(v) for k, v in filters.__dict__.items() if v},
    })
    name = f"audit-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
