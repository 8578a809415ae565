"""The pages of a case's 公开选拔 or 竞争上岗: the competition (or its creation form), posts with
their conditions, registration with a person search, the eligibility review with the automatic
reasons and the officer's override, scores by a table form or an Excel sheet, the ranking per
post and the conclusion. Reads need `cases.view`, writes `cases.manage`; a case outside the
user's scope is a 404 (in view but not in the change scope, a 403). Views are thin: a form, one
service, back to the page with the service's refusal in Chinese."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import requires
from cadres.audit.services import record
from cadres.cases import competition as services
from cadres.cases import selectors
from cadres.cases.actions import CaseAction, CasePermission
from cadres.cases.case_forms import PersonSearchForm
from cadres.cases.competition_forms import (
    CompetitionForm,
    CompetitionPostForm,
    ConcludeForm,
    DropForm,
    RegisterForm,
    ReviewForm,
    ScoresImportForm,
    score_fields,
)
from cadres.cases.models import Applicant, ApplicantStatus, Competition, SelectionCase
from cadres.core.downloads import download
from cadres.core.forms import is_number_text, service_errors_on_form
from cadres.org.models import Unit
from cadres.people.models import Person

VIEW, MANAGE = CasePermission.VIEW.value, CasePermission.MANAGE.value
PERSON_RESULTS = 20


def _case(request: HttpRequest, pk: int, *, write: bool = False) -> SelectionCase:
    case = selectors.case_for(request.user, pk)
    if write and not SelectionCase.objects.restrict(request.user, "change").filter(pk=case.pk).exists():
        raise PermissionDenied("该选拔任用事项不在您的办理范围内")
    return case


def _competition(case: SelectionCase) -> Competition:
    competition = services.competition_for(case)
    if competition is None:
        raise Http404("该事项还没有竞聘安排")
    return competition


def _applicant(request: HttpRequest, pk: int) -> Applicant:
    applicant = (Applicant.objects.select_related("post__competition__case", "person")
                 .filter(pk=pk, post__competition__case__in=SelectionCase.objects.restrict(request.user, "view"))
                 .first())
    if applicant is None:
        raise Http404("没有找到该报名人员")
    return applicant


def _back(case: SelectionCase, page: str = "competition_detail") -> HttpResponse:
    return redirect(f"cases:{page}", pk=case.pk)


def _flash(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in (error.messages if isinstance(error, ValidationError) else [str(error)]):
        messages.error(request, message)


def _can_manage(request: HttpRequest, case: SelectionCase) -> bool:
    return SelectionCase.objects.restrict(request.user, "change").filter(pk=case.pk).exists()


def _base(request: HttpRequest, case: SelectionCase, competition: Competition | None) -> dict[str, Any]:
    concluded = competition is not None and services.is_concluded(competition)
    return {"case": case, "competition": competition, "can_manage": _can_manage(request, case),
            "concluded": concluded, "S": ApplicantStatus}


def _posts(competition: Competition) -> list[Any]:
    posts = list(competition.posts.select_related("unit").prefetch_related("incumbents"))
    for post in posts:
        post.conditions_text = services.conditions_text(post.conditions)  # type: ignore[attr-defined]
    return posts


# --- the competition ----------------------------------------------------------------------------


@requires(VIEW)
@require_GET
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    competition = services.competition_for(case)
    context = _base(request, case, competition)
    if competition is None:
        context["form"] = CompetitionForm(initial={"announced_on": timezone.localdate(), "kind": case.kind})
        return render(request, "cases/competition/detail.html", context)
    applicants = Applicant.objects.filter(post__competition=competition)
    context.update({
        "posts": _posts(competition),
        "counts": {status: applicants.filter(status=status).count() for status in ApplicantStatus.values},
        "applicant_total": applicants.count(),
        "not_reappointed": services.not_reappointed(competition) if context["concluded"] else [],
    })
    return render(request, "cases/competition/detail.html", context)


@requires(MANAGE)
@require_POST
def competition_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    form = CompetitionForm(request.POST)
    if form.is_valid():
        try:
            services.competition_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已新建竞聘安排")
            return _back(case)
    context = _base(request, case, None)
    context["form"] = form
    return render(request, "cases/competition/detail.html", context, status=400)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def competition_post_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    competition = _competition(case)
    people = Person.objects.restrict(request.user, "view").select_related("unit")
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    found = list(people.filter(name__contains=query).order_by("name", "pk")[:PERSON_RESULTS]) if query else []
    chosen = request.POST.getlist("incumbents") if request.method == "POST" else []
    shown = people.filter(pk__in=[*(person.pk for person in found), *[c for c in chosen if is_number_text(c)]])
    units = Unit.objects.restrict(request.user, "change").order_by("path")
    form = CompetitionPostForm(request.POST or None, units=units, people=shown.order_by("name", "pk"),
                               initial={"unit": case.unit_id})
    if request.method == "POST" and form.is_valid():
        try:
            post = services.competition_post_add(actor=request.user, competition=competition,
                                                 **form.service_arguments())
        except ValidationError as error:
            service_errors_on_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已新增竞聘职位{post.unit.name}{post.title}")
            return _back(case)
    context = _base(request, case, competition)
    context.update({"form": form, "search": search})
    return render(request, "cases/competition/post_form.html", context)


# --- registration and review --------------------------------------------------------------------


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def applicant_register(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    competition = _competition(case)
    people = Person.objects.restrict(request.user, "view").select_related("unit")
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    found = list(people.filter(name__contains=query).order_by("name", "pk")[:PERSON_RESULTS]) if query else []
    posts = competition.posts.select_related("unit")
    form = RegisterForm(request.POST or None, posts=posts, people=people)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            services.applicant_register(actor=request.user, post=form.cleaned_data["post"], person=person)
        except ValidationError as error:
            service_errors_on_form(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{person.name}已报名")
            return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
    if request.method == "POST" and is_number_text(form.data.get("person", "")):
        selected = people.filter(pk=form.data["person"]).first()
        if selected is not None and selected not in found:
            found.insert(0, selected)
    context = _base(request, case, competition)
    context.update({
        "form": form, "search": search, "found": found,
        "applicants": Applicant.objects.filter(post__competition=competition)
        .select_related("person__unit", "post__unit").order_by("post__position", "id"),
    })
    return render(request, "cases/competition/register.html", context)


@requires(VIEW)
@require_GET
def applicant_review_list(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    competition = _competition(case)
    rows = []
    for applicant in (Applicant.objects.filter(post__competition=competition)
                      .select_related("person__unit", "post__unit").order_by("post__position", "id")):
        reasons = (services.eligibility_reasons(applicant.person, applicant.post.conditions, competition.announced_on)
                   if applicant.status == ApplicantStatus.REGISTERED else [])
        rows.append({"applicant": applicant, "reasons": reasons})
    context = _base(request, case, competition)
    context.update({"rows": rows, "form": ReviewForm(auto_id=False)})
    return render(request, "cases/competition/review.html", context)


@requires(MANAGE)
@require_POST
def applicant_review(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    case = _case(request, applicant.post.competition.case_id, write=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(case, "competition_review")
    try:
        services.applicant_review(actor=request.user, applicant=applicant, eligible=form.eligible(),
                                  notes=form.cleaned_data["notes"])
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, f"已审查{applicant.person.name}的报名资格")
    return _back(case, "competition_review")


@requires(MANAGE)
@require_POST
def applicant_review_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Review every applicant not reviewed yet, automatically."""
    case = _case(request, pk, write=True)
    competition = _competition(case)
    done = 0
    try:
        for applicant in Applicant.objects.filter(post__competition=competition, status=ApplicantStatus.REGISTERED):
            services.applicant_review(actor=request.user, applicant=applicant)
            done += 1
    except ValidationError as error:
        _flash(request, error)
    if done:
        messages.success(request, f"已自动审查{done}人")
    return _back(case, "competition_review")


# --- scores -------------------------------------------------------------------------------------


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def scores_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The scores of many applicants at once, in a table; all or nothing."""
    case = _case(request, pk, write=True)
    competition = _competition(case)
    applicants = services.scorable_applicants(competition)
    errors: list[str] = []
    if request.method == "POST":
        rows = []
        for applicant in applicants:
            written_name, interview_name, waived_name = score_fields(applicant)
            written = request.POST.get(written_name, "").strip()
            interview = request.POST.get(interview_name, "").strip()
            waived = request.POST.get(waived_name) == "on"
            if not written and not interview and not waived:
                continue
            rows.append(services.ScoreRow(label=f"{applicant.post.title} {applicant.person.name}",
                                          applicant=applicant, written=written or None,
                                          interview=interview or None, written_waived=waived))
        if not rows:
            errors = ["请至少填写一人的成绩"]
        else:
            try:
                done = services.applicant_scores_set_many(actor=request.user, competition=competition, rows=rows)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"已保存{done}人的成绩")
                return _back(case, "competition_scores")
    table = []
    for applicant in applicants:
        written_name, interview_name, waived_name = score_fields(applicant)
        table.append({
            "applicant": applicant, "written_name": written_name, "interview_name": interview_name,
            "waived_name": waived_name,
            "written": request.POST.get(written_name) if request.method == "POST" else (
                "" if applicant.written_waived or applicant.written_score is None else applicant.written_score),
            "interview": request.POST.get(interview_name) if request.method == "POST" else (
                "" if applicant.interview_score is None else applicant.interview_score),
            "waived": (request.POST.get(waived_name) == "on") if request.method == "POST" else applicant.written_waived,
        })
    context = _base(request, case, competition)
    context.update({"table": table, "errors": errors, "import_form": ScoresImportForm()})
    return render(request, "cases/competition/scores.html", context, status=400 if errors else 200)


@requires(VIEW)
@require_GET
def scores_template(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    competition = _competition(case)
    content = services.scores_sheet(competition)
    record(actor=request.user, action=CaseAction.SCORES_SHEET_READ, target=competition, subject=case,
           target_label=f"{case.number}成绩表")
    return download(content, f"{case.number}成绩表.xlsx")


@requires(MANAGE)
@require_POST
def scores_import(request: HttpRequest, pk: int) -> HttpResponse:
    """A filled-in scores sheet: every row checked first, then all written, or none."""
    case = _case(request, pk, write=True)
    competition = _competition(case)
    form = ScoresImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
    else:
        try:
            rows = services.scores_from_sheet(competition, form.cleaned_data["file"].read())
            done = services.applicant_scores_set_many(actor=request.user, competition=competition, rows=rows)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"已导入{done}人的成绩")
            return _back(case, "competition_scores")
    for message in errors:
        messages.error(request, message)
    return _back(case, "competition_scores")


# --- ranking and conclusion ---------------------------------------------------------------------


@requires(VIEW)
@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    competition = _competition(case)
    posts = _posts(competition)
    for post in posts:
        post.ranked = list(
            post.applicants.exclude(status__in=(ApplicantStatus.REGISTERED, ApplicantStatus.INELIGIBLE))
            .select_related("person__unit").order_by("rank_in_post", "id"))
    context = _base(request, case, competition)
    context.update({"posts": posts, "drop_form": DropForm(auto_id=False)})
    return render(request, "cases/competition/ranking.html", context)


@requires(MANAGE)
@require_POST
def competition_rank(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    try:
        services.competition_rank(actor=request.user, competition=_competition(case))
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, "已完成综合排名")
    return _back(case, "competition_ranking")


@requires(MANAGE)
@require_POST
def applicant_drop(request: HttpRequest, pk: int) -> HttpResponse:
    applicant = _applicant(request, pk)
    case = _case(request, applicant.post.competition.case_id, write=True)
    form = DropForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写不予任用理由")
        return _back(case, "competition_ranking")
    try:
        services.applicant_not_appointed(actor=request.user, applicant=applicant, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, f"{applicant.person.name}不予任用")
    return _back(case, "competition_ranking")


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def competition_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    competition = _competition(case)
    form = ConcludeForm(request.POST or None, initial={"appointed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.competition_conclude(actor=request.user, competition=competition, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已任职{len(result.appointed)}人，落选{len(result.not_reappointed)}人")
            return _back(case)
    context = _base(request, case, competition)
    context.update({"form": form, "posts": _posts(competition),
                    "inspected": Applicant.objects.filter(post__competition=competition,
                                                          status=ApplicantStatus.INSPECTED)
                    .select_related("person", "post__unit").order_by("post__position", "rank_in_post")})
    return render(request, "cases/competition/conclude.html", context)
