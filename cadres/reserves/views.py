"""The reserves pages: pools with the reserve table (and its xlsx), a pool's members and
targets, matching, and a cadre's training records. Reading needs `reserves.view`, writing
`reserves.manage`; pools come from the actor's scope (`services.pools_for`) and people from
his 信息维护 scope, so anything outside is a 404."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadres.accounts.decorators import requires
from cadres.accounts.permissions import has_permission
from cadres.core.downloads import download
from cadres.core.forms import service_errors_on_form
from cadres.core.spreadsheets import write_xlsx
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.records.models import Training
from cadres.reserves import forms, matching, selectors, services, training
from cadres.reserves.models import ReserveMember, ReservePool, ReserveStatus

GET_POST = ["GET", "POST"]


def _on(request: HttpRequest) -> dt.date:
    text = request.GET.get("on", "")
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _pool(request: HttpRequest, pk: int, action: str = "view") -> ReservePool:
    return get_object_or_404(services.pools_for(request.user, action), pk=pk)


def _member(request: HttpRequest, pk: int) -> ReserveMember:
    member = get_object_or_404(ReserveMember.objects.select_related("pool", "person", "person__unit"), pk=pk)
    if not services.pools_for(request.user, "change").filter(pk=member.pool_id).exists() or not \
            Person.objects.restrict(request.user, "change").filter(pk=member.person_id).exists():
        raise Http404("outside the scope")
    return member


# --- pools ------------------------------------------------------------------------------------


@requires("reserves.view")
@require_GET
def pool_list(request: HttpRequest) -> HttpResponse:
    on = _on(request)
    pools = selectors.pools_rows(services.pools_for(request.user).filter(is_active=True))
    rows = selectors.reserve_table(pools, on)
    if request.GET.get("format") == "xlsx":
        content = write_xlsx([("后备干部结构", selectors.TABLE_HEADER, selectors.table_sheet_rows(rows))])
        return download(content, f"后备干部结构情况{on:%Y%m%d}.xlsx")
    unused = selectors.unused_members(on, pools, people=Person.objects.visible_to(request.user))
    return render(request, "reserves/pool_list.html", {
        "rows": rows, "on": on, "unused": unused,
        "can_manage": has_permission(request.user, "reserves.manage"),
    })


def _units_for(request: HttpRequest) -> Any:
    return Unit.objects.restrict(request.user, "change").order_by("path")


@requires("reserves.manage")
@require_http_methods(GET_POST)
def pool_create(request: HttpRequest) -> HttpResponse:
    form = forms.PoolForm(request.POST or None, units=_units_for(request))
    if request.method == "POST" and form.is_valid():
        try:
            pool = services.pool_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已新建{pool.name}")
            return redirect("reserves:pool", pool.pk)
    return render(request, "reserves/form.html", {"form": form, "title": "新建后备干部库",
                                                  "back_url": reverse("reserves:pool_list")})


@requires("reserves.manage")
@require_http_methods(GET_POST)
def pool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool(request, pk, "change")
    initial = {name: getattr(pool, name) for name in ("name", "rank", "unit", "posts", "unused_years", "description")}
    form = forms.PoolForm(request.POST or None, units=_units_for(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.pool_update(actor=request.user, pool=pool, **form.cleaned_data)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已保存")
            return redirect("reserves:pool", pool.pk)
    return render(request, "reserves/form.html", {"form": form, "title": f"修改{pool.name}", "pool": pool,
                                                  "back_url": reverse("reserves:pool", args=[pool.pk])})


@requires("reserves.view")
@require_GET
def pool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool(request, pk)
    on = _on(request)
    figures = selectors.pool_structure(pool, on)
    status = request.GET.get("status", ReserveStatus.ACTIVE)
    members = (ReserveMember.objects.filter(pool=pool, person__in=Person.objects.visible_to(request.user))
               .select_related("pool", "person", "person__unit").order_by("nominated_on", "id"))
    if status in ReserveStatus.values:
        members = members.filter(status=status)
    rows = [{"member": member, "unused": selectors.is_unused(member, on)} for member in members]
    return render(request, "reserves/pool_detail.html", {
        "pool": pool, "on": on, "figures": figures, "rows": rows, "status": status,
        "statuses": ReserveStatus.choices, "can_manage": services.may_manage_pool(request.user, pool),
        "rank_name": selectors.rank_label(pool.rank),
    })


@requires("reserves.manage")
@require_http_methods(GET_POST)
def targets_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool(request, pk, "change")
    initial = [{"measure": target.measure, "age": target.age, "threshold": target.threshold}
               for target in pool.targets.all()]
    formset = forms.TargetFormSet(request.POST or None, initial=initial, prefix="targets")
    if request.method == "POST" and formset.is_valid():
        targets = [(form.cleaned_data["measure"], form.cleaned_data.get("age"), form.cleaned_data["threshold"])
                   for form in formset.forms
                   if form.cleaned_data.get("measure") and not form.cleaned_data.get("DELETE")]
        try:
            services.target_set(actor=request.user, pool=pool, targets=targets)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "结构目标已保存")
            return redirect("reserves:pool", pool.pk)
    return render(request, "reserves/targets_form.html", {"pool": pool, "formset": formset})


# --- members ----------------------------------------------------------------------------------


@requires("reserves.manage")
@require_http_methods(GET_POST)
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    pool = _pool(request, pk, "change")
    people = Person.objects.restrict(request.user, "change").select_related("unit")
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        form = forms.MemberAddForm(request.POST, people=people)
    else:
        shown = people.filter(name__contains=query).order_by("name", "id")[:50] if query else people.none()
        form = forms.MemberAddForm(people=shown)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            services.member_add(actor=request.user, pool=pool, **values)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已将{values['person'].name}列入{pool.name}")
            return redirect("reserves:pool", pool.pk)
    return render(request, "reserves/member_add.html", {"pool": pool, "form": form, "query": query})


def _member_form_page(request: HttpRequest, member: ReserveMember, form: Any, title: str) -> HttpResponse:
    return render(request, "reserves/form.html", {
        "form": form, "title": title, "member": member, "pool": member.pool,
        "subtitle": f"{member.person.name} · {member.pool.name}",
        "back_url": reverse("reserves:pool", args=[member.pool_id]),
    })


@requires("reserves.manage")
@require_http_methods(GET_POST)
def member_review(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_review(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已记录考察调整")
            return redirect("reserves:pool", member.pool_id)
    return _member_form_page(request, member, form, "考察调整")


@requires("reserves.manage")
@require_http_methods(GET_POST)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = forms.RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已将{member.person.name}调出{member.pool.name}")
            return redirect("reserves:pool", member.pool_id)
    return _member_form_page(request, member, form, "调出后备干部")


@requires("reserves.manage")
@require_http_methods(GET_POST)
def member_used(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = forms.UsedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_used(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已记录{member.person.name}提拔使用")
            return redirect("reserves:pool", member.pool_id)
    return _member_form_page(request, member, form, "提拔使用")


# --- matching ---------------------------------------------------------------------------------


@requires("reserves.view")
@require_GET
def matching_page(request: HttpRequest) -> HttpResponse:
    form = forms.MatchingForm(request.GET or None)
    on, months = timezone.localdate(), 12
    if form.is_valid():
        on = form.cleaned_data.get("on") or on
        months = form.cleaned_data.get("months") or months
    openings = matching.matching(actor=request.user, on=on, months=months)
    return render(request, "reserves/matching.html", {"form": form, "on": on, "months": months,
                                                      "openings": openings})


# --- training ---------------------------------------------------------------------------------


def _person_to_change(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person.objects.restrict(request.user, "change").select_related("unit"), pk=pk)


def _training(request: HttpRequest, pk: int) -> Training:
    row = get_object_or_404(Training.objects.select_related("person"), pk=pk)
    _person_to_change(request, row.person_id)
    return row


@requires("reserves.view")
@require_GET
def training_list(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.restrict(request.user, "view").select_related("unit"), pk=person_pk)
    rows = list(training.trainings_for(person))
    return render(request, "reserves/training_list.html", {
        "person": person, "rows": rows, "hours": sum(row.hours for row in rows),
        "can_change": has_permission(request.user, "people.change")
        and Person.objects.restrict(request.user, "change").filter(pk=person.pk).exists(),
    })


@requires("people.change")
@require_http_methods(GET_POST)
def training_create(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = _person_to_change(request, person_pk)
    form = forms.TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training.training_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已新增培训")
            return redirect("reserves:training_list", person.pk)
    return render(request, "reserves/form.html", {
        "form": form, "title": "新增培训", "subtitle": person.name,
        "back_url": reverse("reserves:training_list", args=[person.pk])})


@requires("people.change")
@require_http_methods(GET_POST)
def training_update(request: HttpRequest, pk: int) -> HttpResponse:
    row = _training(request, pk)
    initial = {name: getattr(row, name) for name in training.TRAINING_FIELDS}
    form = forms.TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training.training_update(actor=request.user, training=row, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已修改培训")
            return redirect("reserves:training_list", row.person_id)
    return render(request, "reserves/form.html", {
        "form": form, "title": "修改培训", "subtitle": row.person.name,
        "back_url": reverse("reserves:training_list", args=[row.person_id])})


@requires("people.change")
@require_http_methods(GET_POST)
def training_delete(request: HttpRequest, pk: int) -> HttpResponse:
    row = _training(request, pk)
    if request.method == "POST":
        training.training_delete(actor=request.user, training=row)
        messages.success(request, "已删除培训")
        return redirect("reserves:training_list", row.person_id)
    return render(request, "reserves/confirm.html", {
        "title": "删除培训", "text": f"删除{row.person.name}的培训“{row.name}”（{row.started_on:%Y.%m.%d}—"
                                   f"{row.ended_on:%Y.%m.%d}，{row.hours}学时）？",
        "back_url": reverse("reserves:training_list", args=[row.person_id])})
