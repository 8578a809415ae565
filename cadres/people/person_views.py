"""Pages of one cadre's file: the 干部信息卡 and its editing (基本信息, photo, 任免).

Reads start from `Person.objects.restrict(user, "view" | "change")`: a person outside the
scope is a 404. Every write goes through a service (people.services for the person's own
fields and photo, org.services for posts), which audits it with the person as subject.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from cadres.accounts.decorators import refuse, requires
from cadres.accounts.dossier import dossier_is_open
from cadres.accounts.permissions import can_open_dossier, has_permission, is_own_or_relative
from cadres.accounts.services import record_view
from cadres.core.dates import format_month
from cadres.core.forms import service_errors_on_form
from cadres.org import services as org_services
from cadres.org.models import Assignment, PostSource, Unit
from cadres.people import person_forms, services
from cadres.people.models import Person
from cadres.people.selectors import person_assignments

GET_POST = ["GET", "POST"]


def may_change_person(user: Any, person: Person) -> bool:
    """Edit buttons show to users with people.change over the person's unit (信息维护), never
    on their own or a relative's file."""
    return (
        has_permission(user, "people.change")
        and Person.objects.restrict(user, "change").filter(pk=person.pk).exists()
        and not is_own_or_relative(user, person)
    )


def _person_to_change(request: HttpRequest, pk: int) -> Person:
    person = get_object_or_404(Person.objects.restrict(request.user, "change").select_related("unit"), pk=pk)
    if is_own_or_relative(request.user, person):
        refuse(request, "修改本人或亲属的干部档案")
    return person


def _open_post_to_change(request: HttpRequest, person: Person, post_pk: int) -> Assignment:
    """An open post of the person whose unit the user maintains (404 otherwise)."""
    units = Unit.objects.restrict(request.user, "change")
    return get_object_or_404(
        Assignment.objects.select_related("unit").filter(unit__in=units),
        pk=post_pk, person=person, ended_on__isnull=True,
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("unit"), pk=pk
    )
    # Opening a card is recorded (查阅干部信息卡), rate-limited by accounts.services.
    record_view(request, person)
    assignments = person_assignments(person=person)
    shows_sensitive = dossier_is_open(request, person)
    may_edit = may_change_person(request.user, person)
    changeable_units = set(
        Unit.objects.restrict(request.user, "change")
        .filter(pk__in={assignment.unit_id for assignment in assignments}).values_list("pk", flat=True)
    ) if may_edit else set()
    return render(request, "people/person_detail.html", {
        "person": person,
        "birth": format_month(person.birth_date, day_known=person.birth_day_known),
        "assignments": assignments,
        # The full 身份证号 shows only while a registered read (查阅登记) of the file is open.
        "shows_sensitive": shows_sensitive,
        "may_open_dossier": can_open_dossier(request.user, person),
        "may_edit": may_edit,
        # The records sections (records_tags.person_records) take it from here.
        "may_change": may_edit,
        "changeable_unit_ids": changeable_units,
        "open_posts": sum(1 for assignment in assignments if assignment.is_current),
    })


# --- 新增干部, 基本信息 ----------------------------------------------------------------------


@requires("people.change")
@require_http_methods(GET_POST)
def person_create(request: HttpRequest) -> HttpResponse:
    form = person_forms.PersonCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = org_services.person_create(
                actor=request.user, fields=form.person_fields(), unit=data["unit"],
                title=data["post_title"], rank=data["rank"], is_team_member=data["is_team_member"],
                started_on=data["post_started_on"], document=data["document"], source=PostSource.FORM,
            )
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已新增干部 {person.name}。")
            return redirect(person)
    has_units = Unit.objects.restrict(request.user, "change").exists()
    return render(request, "people/person_form.html", {
        "form": form, "person": None, "has_units": has_units,
    })


@requires("people.change")
@require_http_methods(GET_POST)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    shows_sensitive = dossier_is_open(request, person)
    form = person_forms.PersonFieldsForm(request.POST or None, person=person, actor=request.user,
                                         shows_sensitive=shows_sensitive)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, changes=form.person_fields())
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "基本信息已保存。")
            return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": person, "has_units": True})


# --- photo ---------------------------------------------------------------------------------


@requires("people.view")
@require_GET
def person_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, only to users who may see the person (404 otherwise); never cached by a
    shared cache or kept by the browser."""
    person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=pk)
    if not person.photo:
        raise Http404("no photo")
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404("photo file missing") from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = content_disposition_header(False, f"{person.name}.jpg") or "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@requires("people.change")
@require_http_methods(GET_POST)
def person_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    form = person_forms.PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_photo_set(actor=request.user, person=person,
                                      image_file=form.cleaned_data["photo"], crop=form.crop())
        except services.PhotoRejected as error:
            form.add_error("photo", str(error))
        else:
            messages.success(request, "照片已更新。")
            return redirect(person)
    return render(request, "people/person_photo_form.html", {"form": form, "person": person})


@requires("people.change")
@require_http_methods(GET_POST)
def person_photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """删除照片, after a confirmation page (a GET never deletes)."""
    person = _person_to_change(request, pk)
    if not person.photo:
        messages.info(request, "该干部没有照片。")
        return redirect(person)
    if request.method == "POST":
        services.person_photo_remove(actor=request.user, person=person)
        messages.success(request, "照片已删除。")
        return redirect(person)
    return render(request, "people/person_photo_remove.html", {"person": person})


# --- 任免 ----------------------------------------------------------------------------------


def _post_page(request: HttpRequest, person: Person, form: Form, *, title: str, post: Assignment | None = None,
               submit: str = "保存", intro: str = "") -> HttpResponse:
    return render(request, "people/person_post_form.html", {
        "person": person, "form": form, "title": title, "post": post, "submit": submit, "intro": intro,
    })


@requires("people.change")
@require_http_methods(GET_POST)
def person_post_start(request: HttpRequest, pk: int) -> HttpResponse:
    """任职: a new main post (调任) or a concurrent one (兼任), in a unit the user maintains."""
    person = _person_to_change(request, pk)
    form = person_forms.PostStartForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org_services.post_start(
                actor=request.user, person=person, unit=data["unit"], title=data["title"], rank=data["rank"],
                is_team_member=data["is_team_member"], started_on=data["started_on"],
                is_main=data["kind"] == form.MAIN, document=data["document"], source=PostSource.FORM,
            )
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            kind = "任" if data["kind"] == form.MAIN else "兼任"
            messages.success(request, f"已{kind} {data['unit'].path} {data['title']}（{data['document']}）。")
            return redirect(person)
    return _post_page(request, person, form, title="任职", submit="任职",
                      intro="任主职即调任：原主职在新职务的任职时间免去；兼任时其他职务不变。")


@requires("people.change")
@require_http_methods(GET_POST)
def person_post_end(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    """免职 of one open post; when it is the main post, the open post started last becomes main."""
    person = _person_to_change(request, pk)
    post = _open_post_to_change(request, person, post_pk)
    form = person_forms.PostEndForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org_services.post_end(actor=request.user, assignment=post, ended_on=data["ended_on"],
                                  document=data["document"], source=PostSource.FORM, reason=data["reason"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已免去 {post.unit.path} {post.title}（{data['document']}）。")
            return redirect(person)
    return _post_page(request, person, form, title="免职", post=post, submit="免职",
                      intro="免去主职时，其余现任职务中任职最晚的一项成为主职。")


@requires("people.change")
@require_http_methods(GET_POST)
def person_post_rank(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    """职务层次变动 of one open post (the post ends and opens again at the new rank)."""
    person = _person_to_change(request, pk)
    post = _open_post_to_change(request, person, post_pk)
    form = person_forms.PostRankForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org_services.post_rank_change(actor=request.user, assignment=post, rank=data["rank"],
                                          changed_on=data["changed_on"], document=data["document"],
                                          source=PostSource.FORM)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "职务层次已变更。")
            return redirect(person)
    return _post_page(request, person, form, title="变更职务层次", post=post, submit="变更")


@requires("people.change")
@require_http_methods(GET_POST)
def person_post_main(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    """设为主职: the main post held so far stays open as a concurrent post."""
    person = _person_to_change(request, pk)
    post = _open_post_to_change(request, person, post_pk)
    form = person_forms.PostMainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org_services.post_main_set(actor=request.user, assignment=post,
                                       document=form.cleaned_data["document"], source=PostSource.FORM)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"{post.unit.path} {post.title} 已设为主职。")
            return redirect(person)
    return _post_page(request, person, form, title="设为主职", post=post, submit="设为主职",
                      intro="原主职改为兼任，仍为现任职务。")

