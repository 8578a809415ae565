"""Pages of the unit tree: the tree, a unit's page (figures, team, 领导职数, history) and the
changes of a unit (设立, 更名, 调整隶属关系, 合并, 撤销, 排序号, 领导职数).

Reads start from `Unit.objects.restrict(user, "view" | "change")`: a unit outside the scope is
a 404. Every change needs org.change and a unit the user maintains (信息维护), and goes through
org.services, which records the unit's history and audits it with the unit as subject. A merge
and an abolition show what they will do and wait for an explicit confirmation.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadres.accounts.decorators import requires
from cadres.accounts.permissions import has_permission
from cadres.core.dates import format_month
from cadres.core.forms import service_errors_on_form
from cadres.org import forms, services
from cadres.org.models import PATH_SEPARATOR, Assignment, Unit
from cadres.org.selectors import team_quota_on, unit_history, unit_team_members, unit_tree

GET_POST = ["GET", "POST"]


def _may_change(user: Any, unit: Unit | None = None) -> bool:
    if not has_permission(user, "org.change"):
        return False
    units = Unit.objects.restrict(user, "change")
    return units.exists() if unit is None else units.filter(pk=unit.pk).exists()


@require_GET
def unit_tree_page(request: HttpRequest) -> HttpResponse:
    rows = unit_tree(actor=request.user)
    return render(request, "org/unit_tree.html", {"rows": rows, "may_change": _may_change(request.user)})


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("merged_into"), pk=pk)
    rows = unit_tree(actor=request.user, root=unit)
    parts = unit.path.split(PATH_SEPARATOR)
    ancestor_paths = [PATH_SEPARATOR.join(parts[:end]) for end in range(1, len(parts))]
    ancestors = list(
        Unit.objects.visible_to(request.user).filter(path__in=ancestor_paths).order_by("depth")
    )
    # An abolished (or merged) unit has no team any more: its 领导职数 as they were the day before.
    quota_as_of = unit.abolished_on - dt.timedelta(days=1) if unit.abolished_on else None
    return render(request, "org/unit_detail.html", {
        "unit": unit,
        "figures": rows[0],
        "rows": rows,
        "ancestors": ancestors,
        "team": unit_team_members(actor=request.user, unit=unit),
        "quota": team_quota_on(actor=request.user, unit=unit, as_of=quota_as_of or timezone.localdate()),
        "quota_as_of": quota_as_of,
        "history": unit_history(unit),
        "may_change": _may_change(request.user, unit),
    })


# --- changes -------------------------------------------------------------------------------


def _unit_to_change(request: HttpRequest, pk: int) -> Unit:
    """A unit the user maintains (信息维护), else 404."""
    return get_object_or_404(Unit.objects.restrict(request.user, "change"), pk=pk)


def _change(
    request: HttpRequest, form: Form, *, unit: Unit | None, title: str, write: Callable[[dict[str, Any]], Unit],
    done: str, submit: str = "保存", intro: str = "",
) -> HttpResponse:
    """A change page: the form; on a valid POST the write, then back to the unit's page."""
    if request.method == "POST" and form.is_valid():
        try:
            changed = write(form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, done)
            return redirect(changed)
    return render(request, "org/unit_form.html", {
        "form": form, "unit": unit, "title": title, "submit": submit, "intro": intro,
    }, status=400 if request.method == "POST" else 200)


@requires("org.change")
@require_http_methods(GET_POST)
def unit_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    parent_pk = request.GET.get("parent", "")
    if parent_pk.isdigit():
        initial["parent"] = parent_pk
    form = forms.UnitCreateForm(request.POST or None, actor=request.user, initial=initial)

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_create(
            actor=request.user, name=data["name"], parent=data["parent"], established_on=data["changed_on"],
            document=data["document"], sort_order=data["sort_order"], unit_type=data["unit_type"],
            authorized_staffing=data["authorized_staffing"],
        )

    return _change(request, form, unit=None, title="新增单位", write=write, done="已新增单位。")


@requires("org.change")
@require_http_methods(GET_POST)
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitRenameForm(request.POST or None, actor=request.user)

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_rename(actor=request.user, unit=unit, name=data["name"],
                                    changed_on=data["changed_on"], document=data["document"])

    return _change(request, form, unit=unit, title="单位更名", write=write, done="单位已更名。",
                   intro="更名后，下级单位的全称随之改变；变更日期之前的统计仍用原名称。")


@requires("org.change")
@require_http_methods(GET_POST)
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitMoveForm(request.POST or None, actor=request.user, unit=unit)

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_move(actor=request.user, unit=unit, parent=data["parent"],
                                  changed_on=data["changed_on"], document=data["document"])

    return _change(request, form, unit=unit, title="调整隶属关系", write=write, done="已调整隶属关系。",
                   intro="本单位连同下级单位一起调整到新上级单位之下，人员的任职不变。")


@requires("org.change")
@require_http_methods(GET_POST)
def unit_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitReorderForm(request.POST or None, actor=request.user,
                                 initial={"sort_order": unit.sort_order})

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_reorder(actor=request.user, unit=unit, sort_order=data["sort_order"],
                                     changed_on=data["changed_on"], document=data["document"])

    return _change(request, form, unit=unit, title="设置排序号", write=write, done="排序号已保存。")


@requires("org.change")
@require_http_methods(GET_POST)
def unit_quota(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitQuotaForm(request.POST or None, actor=request.user, initial={
        "principal_posts": unit.principal_posts, "deputy_posts": unit.deputy_posts})

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_quota_set(
            actor=request.user, unit=unit, principal_posts=data["principal_posts"],
            deputy_posts=data["deputy_posts"], changed_on=data["changed_on"], document=data["document"],
        )

    return _change(request, form, unit=unit, title="核定领导职数", write=write, done="领导职数已保存。")


@requires("org.change")
@require_http_methods(GET_POST)
def unit_industries(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitIndustriesForm(request.POST or None, actor=request.user,
                                    initial={"industries": unit.industries})

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_industries_set(
            actor=request.user, unit=unit, industries=data["industries"], changed_on=data["changed_on"],
            document=data["document"],
        )

    return _change(request, form, unit=unit, title="主管或监管的行业", write=write,
                   done="主管或监管的行业已保存。")


def _day(value: Any) -> str:
    return format_month(value, day_known=True)


def _open_posts(unit: Unit) -> list[Assignment]:
    return list(Assignment.objects.select_related("person").filter(unit=unit, ended_on__isnull=True)
                .order_by("-is_team_member", "person__name_strokes", "id"))


def _confirmed_change(
    request: HttpRequest, form: Form, *, unit: Unit, title: str, confirm: str, summary: list[str],
    write: Callable[[dict[str, Any]], Unit], done: str, people: list[Assignment] | None = None,
) -> HttpResponse:
    """A change that shows what it will do before it does it: a valid POST without `confirm`
    renders the confirmation page; the confirmation page posts the same data with `confirm`."""
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "1":
            try:
                write(form.cleaned_data)
            except ValidationError as error:
                service_errors_on_form(form, error)
            else:
                messages.success(request, done)
                return redirect(unit)
        else:
            return render(request, "org/unit_confirm.html", {
                "form": form, "unit": unit, "title": title, "confirm": confirm,
                "summary": summary, "people": people or [], "data": form.cleaned_data,
            })
    return render(request, "org/unit_form.html", {
        "form": form, "unit": unit, "title": title, "submit": "下一步",
        "intro": "提交后先显示将要进行的变动，确认后才执行。",
    }, status=400 if request.method == "POST" else 200)


@requires("org.change")
@require_http_methods(GET_POST)
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitMergeForm(request.POST or None, actor=request.user, unit=unit)
    posts = _open_posts(unit)
    children = list(unit.children.filter(abolished_on__isnull=True))
    summary: list[str] = []
    if request.method == "POST" and form.is_valid():
        into, day = form.cleaned_data["into"], form.cleaned_data["changed_on"]
        summary = [
            f"“{unit.path}”自{_day(day)}起并入“{into.path}”，原单位同日撤销。",
            f"在本单位任职的{len(posts)}个职务（见下表）自合并日期起改为在“{into.name}”任同一职务，原职务同日免去。",
        ]
        if children:
            names = "、".join(child.name for child in children)
            summary.append(f"下级单位{names}调整到“{into.name}”之下，人员任职不变。")

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_merge(actor=request.user, unit=unit, into=data["into"], merged_on=data["changed_on"],
                                   document=data["document"]).into

    return _confirmed_change(request, form, unit=unit, title="单位合并", confirm="确认合并", summary=summary,
                             write=write, done="单位已合并。", people=posts)


@requires("org.change")
@require_http_methods(GET_POST)
def unit_abolish(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_to_change(request, pk)
    form = forms.UnitAbolishForm(request.POST or None, actor=request.user)
    posts = _open_posts(unit)
    summary: list[str] = []
    if request.method == "POST" and form.is_valid():
        summary = [f"“{unit.path}”自{_day(form.cleaned_data['changed_on'])}起撤销，此后的统计不再列出该单位。"]
        if posts:
            summary.append(f"该单位还有{len(posts)}人在任职，须先办理免职或调动才能撤销。")

    def write(data: dict[str, Any]) -> Unit:
        return services.unit_abolish(actor=request.user, unit=unit, changed_on=data["changed_on"],
                                     document=data["document"])

    return _confirmed_change(request, form, unit=unit, title="撤销单位", confirm="确认撤销", summary=summary,
                             write=write, done="单位已撤销。", people=posts)
