"""Pages that add, change and delete a cadre's file rows (简历, 奖惩, 年度考核, 家庭成员).

Each kind has the same three pages, made by `_views` from its `Kind`: add, edit, and delete
(a confirmation page, then a POST). Writes need `people.change`; the person and the row come
from the actor's 信息维护 scope (`restrict(user, "change")`), so anything outside it is a 404.
Family members are sensitive: their pages open only while the person's file is open by a
registered read (查阅登记); without one the user is sent to register it, or gets a 404 when he
may not open the file at all. Forms post back to themselves and then go back to the page they
came from (`next`), so they work without JavaScript; links and forms are hx-boosted.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from cadres.accounts.decorators import requires
from cadres.accounts.dossier import dossier_is_open
from cadres.accounts.permissions import can_open_dossier
from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.core.dates import format_month
from cadres.core.forms import service_errors_on_form
from cadres.people.models import Person
from cadres.records import selectors, services
from cadres.records.forms import (
    AssessmentForm,
    AwardForm,
    MonthField,
    RecordForm,
    RelativeForm,
    ResumeEntryForm,
)
from cadres.records.models import AnnualAssessment
from cadres.records.templatetags.records_tags import sections_context


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    form: type[RecordForm]
    rows: Callable[[Any, str], QuerySet[Any]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    # The keyword under which update/delete take the row.
    row_argument: str
    family: bool = False

    @property
    def anchor(self) -> str:
        return f"records-{self.key}"


RESUME = Kind("resume", "简历", ResumeEntryForm, selectors.resume_entries_for,
              services.resume_entry_create, services.resume_entry_update,
              services.resume_entry_delete, "entry")
AWARD = Kind("award", "奖惩", AwardForm, selectors.awards_for, services.award_create,
             services.award_update, services.award_delete, "award")
ASSESSMENT = Kind("assessment", "年度考核", AssessmentForm, selectors.assessments_for,
                  services.assessment_create, services.assessment_update,
                  services.assessment_delete, "assessment")
FAMILY = Kind("family", "家庭成员", RelativeForm, selectors.relatives_for, services.relative_create,
              services.relative_update, services.relative_delete, "relative", family=True)
KINDS = (RESUME, AWARD, ASSESSMENT, FAMILY)


# --- helpers --------------------------------------------------------------------------------


def _back_url(request: HttpRequest, person: Person, kind: Kind | None = None) -> str:
    """Where a form goes back to: the page it came from (`next`, same site only), else the
    person's records page, at the kind's section."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("records:person_records", args=[person.pk])
    target = target.split("#", 1)[0]
    return f"{target}#{kind.anchor}" if kind else target


def _person_to_change(request: HttpRequest, person_pk: int) -> Person:
    return get_object_or_404(selectors.people_for(request.user, "change").select_related("unit"),
                             pk=person_pk)


def _family_gate(request: HttpRequest, person: Person, kind: Kind) -> HttpResponse | None:
    """Family pages open only with the file's registered read open: else to the 查阅登记 page,
    or a 404 for a user who may not open the file."""
    if not kind.family or dossier_is_open(request, person):
        return None
    if can_open_dossier(request.user, person):
        messages.info(request, "家庭成员属敏感信息，请先登记查阅该干部的完整档案。")
        return redirect("accounts:dossier_open", person.pk)
    raise Http404("no registered read of this file")


def _form_page(request: HttpRequest, *, kind: Kind, person: Person, form: RecordForm,
               row: Model | None) -> HttpResponse:
    return render(request, "records/record_form.html", {
        "kind": kind, "person": person, "form": form, "row": row,
        "back_url": _back_url(request, person, kind), "next": _next_value(request),
    })


def _next_value(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _values(kind: Kind, form: RecordForm) -> dict[str, Any]:
    values = dict(form.cleaned_data)
    if kind is FAMILY and values.get("sort_order") is None:
        values.pop("sort_order", None)  # keep the place it has (a new one goes last)
    return values


def _facts(kind: Kind, row: Model) -> list[tuple[str, str]]:
    """The row's values in words, as its form labels them (for the confirmation page)."""
    facts = []
    for name, form_field in kind.form.base_fields.items():
        value = getattr(row, name)
        if value in (None, ""):
            continue
        if isinstance(form_field, MonthField):
            text = format_month(value)
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, dt.date):
            text = value.strftime("%Y.%m.%d")
        elif hasattr(row, f"get_{name}_display"):
            text = getattr(row, f"get_{name}_display")()
        else:
            text = str(value)
        if name == "id_number":
            text = mask_id_number(text)
        facts.append((str(form_field.label), text))
    return facts


def _form_kwargs(kind: Kind, person: Person, row: Model | None) -> dict[str, Any]:
    if kind is ASSESSMENT:
        others = AnnualAssessment.objects.filter(person=person)
        if row is not None:
            others = others.exclude(pk=row.pk)
        years = set(others.values_list("year", flat=True))
        return {"taken_years": years}
    return {}


# --- pages ----------------------------------------------------------------------------------


@requires("people.view")
@require_GET
def person_records(request: HttpRequest, person_pk: int) -> HttpResponse:
    """简历, 奖惩, 年度考核 and family of one person on a page of their own (the card shows the
    same sections)."""
    person = get_object_or_404(selectors.people_for(request.user, "view").select_related("unit"),
                               pk=person_pk)
    return render(request, "records/person_records.html", {
        "person": person, **sections_context(request, person),
    })


def _views(kind: Kind) -> tuple[Callable[..., HttpResponse], ...]:
    @requires("people.change")
    @require_http_methods(["GET", "POST"])
    def create(request: HttpRequest, person_pk: int) -> HttpResponse:
        person = _person_to_change(request, person_pk)
        if (gate := _family_gate(request, person, kind)) is not None:
            return gate
        form = kind.form(request.POST or None, **_form_kwargs(kind, person, None))
        if request.method == "POST" and form.is_valid():
            try:
                kind.create(actor=request.user, person=person, **_values(kind, form))
            except ValidationError as error:
                service_errors_on_form(form, error)
            else:
                messages.success(request, f"已新增{kind.label}")
                return redirect(_back_url(request, person, kind))
        return _form_page(request, kind=kind, person=person, form=form, row=None)

    @requires("people.change")
    @require_http_methods(["GET", "POST"])
    def update(request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(kind.rows(request.user, "change"), pk=pk)
        person = row.person
        if (gate := _family_gate(request, person, kind)) is not None:
            return gate
        form = kind.form(request.POST or None, initial=kind.form.initial_from(row),
                         **_form_kwargs(kind, person, row))
        if request.method == "POST" and form.is_valid():
            try:
                kind.update(actor=request.user, **{kind.row_argument: row}, **_values(kind, form))
            except ValidationError as error:
                service_errors_on_form(form, error)
            else:
                messages.success(request, f"已保存{kind.label}")
                return redirect(_back_url(request, person, kind))
        return _form_page(request, kind=kind, person=person, form=form, row=row)

    @requires("people.change")
    @require_http_methods(["GET", "POST"])
    def delete(request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(kind.rows(request.user, "change"), pk=pk)
        person = row.person
        if (gate := _family_gate(request, person, kind)) is not None:
            return gate
        if request.method == "POST" and request.POST.get("confirm") == "1":
            kind.delete(actor=request.user, **{kind.row_argument: row})
            messages.success(request, f"已删除{kind.label}")
            return redirect(_back_url(request, person, kind))
        return render(request, "records/record_confirm_delete.html", {
            "kind": kind, "person": person, "row": row, "facts": _facts(kind, row),
            "back_url": _back_url(request, person, kind), "next": _next_value(request),
        })

    for view, action in ((create, "create"), (update, "update"), (delete, "delete")):
        view.__name__ = view.__qualname__ = f"{kind.key}_{action}"
    return create, update, delete


resume_create, resume_update, resume_delete = _views(RESUME)
award_create, award_update, award_delete = _views(AWARD)
assessment_create, assessment_update, assessment_delete = _views(ASSESSMENT)
family_create, family_update, family_delete = _views(FAMILY)
