"""The warnings page (预警, /alerts/), its export, and the officer's daily digests.

Everything needs `alerts.view`; each user sees the warnings about the people and units in his
view scope, and only his own digests (another's is a 404).
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadres.accounts.decorators import requires
from cadres.alerts import selectors
from cadres.alerts.actions import AlertAction
from cadres.alerts.digest import digest_make
from cadres.alerts.forms import WarningFilterForm
from cadres.alerts.warnings import KINDS
from cadres.audit.services import record
from cadres.core.dates import format_day
from cadres.core.downloads import download
from cadres.core.spreadsheets import write_xlsx

# The export is a read of many cadres' data, audited under its own name.
EXPORTED = AlertAction.EXPORTED


def _page(request: HttpRequest) -> tuple[WarningFilterForm, selectors.WarningPage | None]:
    form = WarningFilterForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    data: dict[str, Any] = form.cleaned_data if request.GET else {}
    page = selectors.warning_page(actor=request.user, on=timezone.localdate(),
                                  kind=data.get("kind") or "", unit=data.get("unit"))
    return form, page


@require_GET
@requires("alerts.view")
def warning_list(request: HttpRequest) -> HttpResponse:
    form, page = _page(request)
    latest = selectors.digests_of(user=request.user).first()
    return render(request, "alerts/warning_list.html", {
        "form": form, "page": page, "kinds": KINDS, "latest_digest": latest,
        "query": request.GET.urlencode(),
    })


@require_GET
@requires("alerts.view")
def warning_export(request: HttpRequest) -> HttpResponse:
    form, page = _page(request)
    if page is None:
        return render(request, "alerts/warning_list.html", {"form": form, "page": None, "kinds": KINDS},
                      status=400)
    rows = selectors.export_rows(page)
    content = write_xlsx([("预警", list(selectors.EXPORT_HEADER), rows)])
    record(actor=request.user, action=EXPORTED, changes={
        "count": len(rows), "day": page.on.isoformat(),
        "filters": {key: value for key, value in request.GET.items() if value},
    })
    return download(content, f"预警-{page.on:%Y%m%d}.xlsx")


@require_POST
@requires("alerts.view")
def digest_create(request: HttpRequest) -> HttpResponse:
    """The page's 生成今日预警: the user's digest of today, made (or brought up to date) now."""
    digest = digest_make(user=request.user, on=timezone.localdate(), actor=request.user)
    messages.success(request, f"已生成今日预警：{digest.count}条，新增{digest.new_count}条")
    return redirect("alerts:digest_detail", pk=digest.pk)


@require_GET
@requires("alerts.view")
def digest_list(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/digest_list.html", {"digests": selectors.digests_of(user=request.user)[:60]})


@require_GET
@requires("alerts.view")
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    digest = get_object_or_404(selectors.digests_of(user=request.user), pk=pk)
    items = [{**item, "label": KINDS.get(item["kind"], item["kind"]),
              "due": format_day(dt.date.fromisoformat(item["due_on"])) if item.get("due_on") else ""}
             for item in digest.items]
    return render(request, "alerts/digest_detail.html", {"digest": digest, "items": items})
