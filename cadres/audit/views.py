"""Browsing, checking and exporting the audit record (系统管理员 and 干部监督科 only; the
entries each sees are scoped by `selectors.audit_scope_q`)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres.accounts.decorators import require
from cadres.accounts.permissions import can_browse_audit, can_export_audit
from cadres.audit.forms import AuditFilterForm
from cadres.audit.models import AuditAction, AuditEvent
from cadres.audit.presentation import describe_events
from cadres.audit.selectors import (
    EXPORT_HEADER,
    AuditFilters,
    audit_event_list,
    audit_export_rows,
)
from cadres.audit.services import record
from cadres.audit.verification import ChainReport, audit_chain_verify
from cadres.core.downloads import download
from cadres.core.spreadsheets import write_xlsx

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, AuditFilters | None]:
    """The filter form and its filters; None when the form is invalid (nothing is listed
    then, rather than everything)."""
    form = AuditFilterForm(request.GET or None, actor=request.user)
    if not form.is_bound:
        return form, AuditFilters()
    if not form.is_valid():
        return form, None
    return form, AuditFilters(**form.cleaned_data)


def _list_page(request: HttpRequest, verification: ChainReport | None = None) -> HttpResponse:
    form, filters = _filtered(request)
    if filters is None:
        events = AuditEvent.objects.none()
    else:
        events = audit_event_list(actor=request.user, filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    person = filters.person if filters is not None else None
    entries = describe_events(page.object_list, person_id=person.pk if person else None)
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "entries": entries, "person": person,
        "verification": verification,
    })


@require(can_browse_audit, "查阅审计记录")
def event_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@require_POST
@require(can_browse_audit, "校验审计记录")
def event_verify(request: HttpRequest) -> HttpResponse:
    """Run the hash-chain check and show its result above the list.

    A read: it changes nothing, so it writes no audit event (a refusal is still recorded).
    """
    return _list_page(request, verification=audit_chain_verify())


@require(can_export_audit, "导出审计记录")
def event_export(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    if filters is None:
        return _list_page(request)
    events = audit_event_list(actor=request.user, filters=filters)
    count = events.count()
    person_id = filters.person.pk if filters.person is not None else None
    content = write_xlsx([("审计记录", EXPORT_HEADER,
                           audit_export_rows(events, person_id=person_id))])
    record(actor=request.user, action=AuditAction.AUDIT_EXPORTED, changes={
        "count": count, "filters": {k: str(v) for k, v in filters.__dict__.items() if v},
    })
    return download(content, f"审计记录-{timezone.localdate():%Y%m%d}.xlsx")
