"""Pages of the roster: the list with its search, ordering, columns and keyset paging, its
export, and the saved searches (常用查询). (The person's own pages are
cadres.people.person_views, the roster import cadres.people.import_views.)"""

import hashlib
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import requires
from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.core.htmx import render_partial_or_page
from cadres.people.exports import (
    COLUMNS,
    may_export_unmasked,
    roster_export,
    roster_export_scope,
)
from cadres.people.forms import RosterExportForm, RosterFilterForm, SavedQueryForm
from cadres.people.jobs import roster_export_start
from cadres.people.saved_queries import (
    query_kept,
    query_string,
    saved_query_create,
    saved_query_delete,
    saved_query_get,
    saved_query_list,
)
from cadres.people.selectors import (
    DEFAULT_ORDERING,
    RosterPage,
    cursor_decode,
    ordering_for,
    person_list,
    roster_count,
    roster_page,
)

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Query parameters of a page, not of the search: left out of links that start a new search
# ("number", "previous", "next": the page's number and cursors, which its count request carries).
PAGE_PARAMETERS = ("page", "after", "before", "number", "previous", "next")


@require_GET
@requires("people.view")
def roster(request: HttpRequest) -> HttpResponse:
    """The list. A search finding many people is shown without waiting for its count: the
    page asks roster_count_view for it once shown (htmx), and pages by its 下一页 / 上一页
    cursors meanwhile (and without JavaScript)."""
    form = RosterFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if form.is_bound else {}
    sort = form.ordering() if form.is_bound else ""
    columns = form.columns() if form.is_bound else RosterFilterForm.default_columns()
    people = person_list(actor=request.user, filters=filters, sort=sort)
    page = roster_page(
        people=people, sort=sort, after=request.GET.get("after", ""), before=request.GET.get("before", ""),
        page=_page_number(request.GET.get("page")), page_size=PAGE_SIZE,
    )
    search = _search_query(request.GET)
    count_query = _count_query(search, page)
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "page_numbers": _page_numbers(page.number, page.page_count, last_is_known=page.total_is_exact),
        "headers": _headers(columns, sort),
        "rows": [(person, [(key, _cell(key, person, today)) for key in columns]) for person in page.rows],
        "column_count": len(columns) + 1,
        "filter_query": search.urlencode(),
        "count_query": count_query.urlencode(),
        "navigation_id": _navigation_id(count_query),
        "saved_queries": saved_query_list(actor=request.user),
        "save_form": SavedQueryForm(),
        "today": today,
    }
    return render_partial_or_page(
        request, "people/roster.html", "people/partials/roster_results.html", context
    )


@require_GET
@requires("people.view")
def roster_count_view(request: HttpRequest) -> HttpResponse:
    """The count of a roster search ("共 N 人，第 x / y 页"), which the roster page loads once
    its rows are shown: the same search as the page's (its filters, restrict(user, "view")).
    With it, out of band, the page's navigation with the page numbers up to the last page and
    its 上一页 / 下一页 cursors (`previous`, `next`: the page's) now carrying the count, so that
    the following pages need not count again; `number` is the number of the page shown."""
    form = RosterFilterForm(request.GET or None, actor=request.user)
    filters = form.filters() if form.is_bound else {}
    sort = form.ordering() if form.is_bound else ""
    total, is_exact = roster_count(person_list(actor=request.user, filters=filters))
    ordering = ordering_for(sort)

    def counted(text: str | None) -> str | None:
        cursor = cursor_decode(text, ordering) if text else None
        return replace(cursor, total=total).encode() if cursor is not None else None

    page = RosterPage(rows=[], number=_page_number(request.GET.get("number")), total=total,
                      total_is_exact=is_exact, page_size=PAGE_SIZE, next_cursor=counted(request.GET.get("next")),
                      previous_cursor=counted(request.GET.get("previous")))
    return render(request, "people/partials/roster_count.html", {
        "page": page,
        "page_numbers": _page_numbers(page.number, page.page_count, last_is_known=is_exact),
        "filter_query": _search_query(request.GET).urlencode(),
        "navigation_id": _navigation_id(request.GET),
        "out_of_band": True,
    })


def _count_query(search: QueryDict, page: RosterPage) -> QueryDict:
    """The count request's query: the search, the page's number and its cursors."""
    query = search.copy()
    query["number"] = str(page.number)
    for name, cursor in (("previous", page.previous_cursor), ("next", page.next_cursor)):
        if cursor:
            query[name] = cursor
    return query


def _navigation_id(count_query: QueryDict) -> str:
    """The id of a page's navigation, which its count replaces out of band: one of this page's
    own, so that a count arriving after the user has moved on replaces nothing."""
    return f"roster-pagination-{hashlib.sha256(count_query.urlencode().encode()).hexdigest()[:12]}"


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _search_query(query: QueryDict) -> QueryDict:
    search = query.copy()
    for name in PAGE_PARAMETERS:
        search.pop(name, None)
    return search


def _page_numbers(number: int, count: int, *, last_is_known: bool = True) -> list[int | None]:
    """The page numbers to link: the first, the last (when the count is exact), and two on each
    side of the current one; None stands for a gap (…)."""
    shown = sorted({1, *([count] if last_is_known else []),
                    *range(max(1, number - 2), min(count, number + 2) + 1)})
    numbers: list[int | None] = []
    for page in shown:
        if numbers and page - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(page)
    return numbers


def _headers(columns: list[str], sort: str) -> list[dict[str, Any]]:
    """The table's headers: 姓名 first, then the chosen columns; a sortable one links to its
    ordering, ascending first and descending when already ascending."""
    current = sort or DEFAULT_ORDERING
    headers = []
    for key in ["name", *columns]:
        column = COLUMNS[key]
        header: dict[str, Any] = {"key": key, "label": column.label, "sort": None, "state": ""}
        if column.sort:
            if current == column.sort:
                header["state"], header["sort"] = "asc", f"-{column.sort}"
            elif current == f"-{column.sort}":
                header["state"], header["sort"] = "desc", column.sort
            else:
                header["sort"] = column.sort
            if header["sort"] == DEFAULT_ORDERING:
                header["sort"] = ""
        headers.append(header)
    return headers


def _cell(key: str, person: Any, today: Any) -> str:
    text = COLUMNS[key].text(person, today)
    # The list is a page like the card: the 身份证号 shows masked.
    return mask_id_number(text) if key == "id_number" else text


@require_http_methods(["GET", "POST"])
@requires("people.export")
def roster_export_download(request: HttpRequest) -> HttpResponse:
    """The export page (what will be written: the import template or the chosen columns, and
    the purpose for full 身份证号), then the file: at once for a small roster, else through a
    background job."""
    filter_form = RosterFilterForm(request.GET or None, actor=request.user)
    filters = filter_form.filters() if filter_form.is_bound else {}
    list_columns = filter_form.columns() if filter_form.is_bound else RosterFilterForm.default_columns()
    people, units = roster_export_scope(actor=request.user, filters=filters)
    may_unmask = may_export_unmasked(request.user)
    form = RosterExportForm(request.POST if request.method == "POST" else None,
                            may_export_unmasked=may_unmask, initial={"columns": ["name", *list_columns]})
    count = people.count()
    if request.method == "POST" and form.is_valid():
        purpose = form.cleaned_data.get("purpose", "")
        columns = form.export_columns()
        if count > _export_inline_max():
            query = _search_query(request.GET)
            if columns:
                query.setlist("export_columns", columns)
            job = roster_export_start(actor=request.user, query=query.urlencode(),
                                      purpose=purpose, people=count)
            return redirect(job)
        content = roster_export(actor=request.user, people=people, units=units, purpose=purpose,
                                columns=columns)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        file_name = f"干部名册-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
        return response
    return render(request, "people/roster_export.html", {
        "form": form,
        "count": count,
        "filters": [(filter_form[name].label, _filter_value(filter_form, name, value))
                    for name, value in filters.items() if name != "cols"],
        "filter_query": _search_query(request.GET).urlencode(),
        "may_export_unmasked": may_unmask,
        "runs_as_job": count > _export_inline_max(),
    })


def _export_inline_max() -> int:
    """Up to this many people the file is written in the request; more go to a job."""
    return settings.ROSTER_EXPORT_INLINE_MAX


def _filter_value(form: RosterFilterForm, name: str, value: Any) -> str:
    field = form.fields[name]
    choices = dict(getattr(field, "choices", []) or [])
    if name == "unit":
        return str(value.path)
    if value is True:
        return "是"
    return str(choices.get(value, value))


# 常用查询 ----------------------------------------------------------------------------------------


@require_GET
@requires("people.view")
def saved_queries(request: HttpRequest) -> HttpResponse:
    """The user's own saved searches."""
    return render(request, "people/roster_saved_queries.html", {
        "saved_queries": saved_query_list(actor=request.user),
    })


@require_POST
@requires("people.view")
def saved_query_save(request: HttpRequest) -> HttpResponse:
    """Keep the roster's current search (the `query` field: the page's query string) under a
    name, then show the roster with it."""
    form = SavedQueryForm(request.POST)
    roster_url = reverse("people:roster")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        query = form.data.get("query", "")
        return redirect(f"{roster_url}?{query}" if query else roster_url)
    query = query_kept(QueryDict(form.cleaned_data["query"]), RosterFilterForm.base_fields)
    try:
        saved = saved_query_create(actor=request.user, name=form.cleaned_data["name"], query=query)
    except ValidationError as invalid:
        for error in invalid.messages:
            messages.error(request, error)
    else:
        messages.success(request, f"已保存常用查询“{saved.name}”。")
    search = QueryDict(mutable=True)
    for name, values in query.items():
        search.setlist(name, values)
    return redirect(f"{roster_url}?{search.urlencode()}" if query else roster_url)


@require_GET
@requires("people.view")
def saved_query_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a saved search: the roster with its filters, ordering and columns."""
    saved = saved_query_get(actor=request.user, pk=pk)
    query = query_string(saved)
    roster_url = reverse("people:roster")
    return redirect(f"{roster_url}?{query}" if query else roster_url)


@require_http_methods(["GET", "POST"])
@requires("people.view")
def saved_query_delete_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a saved search after a confirmation page (GET shows it, POST deletes)."""
    saved = saved_query_get(actor=request.user, pk=pk)
    if request.method == "POST":
        name = saved.name
        saved_query_delete(actor=request.user, saved_query=saved)
        messages.success(request, f"已删除常用查询“{name}”。")
        return redirect("people:saved_queries")
    return render(request, "people/roster_saved_query_delete.html", {"saved": saved})
