"""The officers' pages of the 任前公示 and the completion (under /cases/, namespace "cases"):
generate, publish and withdraw a notice, the comments of a case and their resolution, lifting a
暂缓任用, appointment, 任职谈话, end of 试用期, completion, the draft 任职通知, and the yearly
figures. Views are thin: the services decide and refuse; a case outside the user's scope is a
404. Forms post back to themselves and then return to the case."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import require, requires
from cadres.audit.services import record
from cadres.cases import completion, publicity, stats
from cadres.cases.actions import CaseAction
from cadres.cases.appointment_notice import appointment_notice_docx, appointment_notice_save
from cadres.cases.models import (
    Nominee,
    NomineeStage,
    NoticeComment,
    PublicNotice,
    SelectionCase,
)
from cadres.cases.publicity_forms import (
    AppointForm,
    AppointmentNoticeForm,
    CompleteForm,
    NoticeForm,
    ProbationForm,
    ReasonForm,
    ResolveForm,
    TalkForm,
)
from cadres.core.downloads import download
from cadres.core.forms import service_errors_on_form

HANDLE_COMMENTS = "受理和核查公示反映"


def case_url(case: SelectionCase) -> str:
    """The case's page (the case detail when it exists, else the 公示和任职 page)."""
    try:
        return reverse("cases:case_detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("cases:case_publicity", args=[case.pk])


def back_url(request: HttpRequest, case: SelectionCase, anchor: str = "") -> str:
    """Where a page goes back to: the page it came from (`next`, same site only), else the case."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = case_url(case)
    target = target.split("#", 1)[0]
    return f"{target}#{anchor}" if anchor else target


def _case_to_view(request: HttpRequest, pk: int) -> SelectionCase:
    return get_object_or_404(SelectionCase.objects.restrict(request.user, "view").select_related("unit"), pk=pk)


def _case_to_change(request: HttpRequest, pk: int) -> SelectionCase:
    return get_object_or_404(SelectionCase.objects.restrict(request.user, "change").select_related("unit"), pk=pk)


def _nominee_to_change(request: HttpRequest, pk: int) -> Nominee:
    cases = SelectionCase.objects.restrict(request.user, "change")
    return get_object_or_404(Nominee.objects.filter(case__in=cases).select_related("case", "person", "post__unit"),
                             pk=pk)


def _form_page(
    request: HttpRequest, *, case: SelectionCase, title: str, form: Any, intro: str = "", button: str = "保存",
    nominee: Nominee | None = None, extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(request, "cases/publicity/form.html", {
        "case": case, "title": title, "form": form, "intro": intro, "button": button, "nominee": nominee,
        "back_url": back_url(request, case), "next": request.POST.get("next") or request.GET.get("next") or "",
        **(extra or {}),
    }, status=400 if getattr(form, "errors", None) else 200)


def _today() -> dt.date:
    return timezone.localdate()


# --- the case's 公示 and 任职 page ------------------------------------------------------------


@requires("cases.view")
@require_GET
def case_publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's 任前公示 and 任职 on a page of their own (the case page includes the same)."""
    case = _case_to_view(request, pk)
    return render(request, "cases/publicity/case.html", {"case": case, "today": _today()})


# --- notices --------------------------------------------------------------------------------


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_change(request, pk)
    proposed = case.nominees.filter(stage=NomineeStage.PROPOSED).select_related("person", "post__unit")
    form = NoticeForm(request.POST or None, nominees=proposed, initial={"starts_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = publicity.notice_create(actor=request.user, case=case, starts_on=data["starts_on"],
                                             phone=data["phone"], address=data["address"],
                                             nominees=list(data["nominees"]), title=data["title"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已生成任前公示（{notice.starts_on:%Y.%m.%d}至{notice.ends_on:%Y.%m.%d}），"
                                      "核对内容后请发布")
            return redirect(back_url(request, case, "case-publicity"))
    return _form_page(request, case=case, title="生成任前公示", form=form, button="生成",
                      intro="公示内容按人选的干部信息生成：姓名、性别、出生年月、民族、籍贯、政治面貌、学历学位、"
                            "现任职务和拟任职务；破格提拔的写明理由。")


def _notice_to_change(request: HttpRequest, pk: int) -> PublicNotice:
    cases = SelectionCase.objects.restrict(request.user, "change")
    return get_object_or_404(PublicNotice.objects.filter(case__in=cases).select_related("case"), pk=pk)


@requires("cases.manage")
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_to_change(request, pk)
    try:
        publicity.notice_publish(actor=request.user, notice=notice)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已发布任前公示，公示期内在公开页面显示")
    return redirect(back_url(request, notice.case, "case-publicity"))


@requires("cases.manage")
@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice_to_change(request, pk)
    try:
        publicity.notice_withdraw(actor=request.user, notice=notice, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已撤回任前公示")
    return redirect(back_url(request, notice.case, "case-publicity"))


# --- comments -------------------------------------------------------------------------------


@require(publicity.may_handle_comments, HANDLE_COMMENTS)
@require_GET
def comment_list(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(publicity.cases_for_comments(request.user).select_related("unit"), pk=pk)
    return render(request, "cases/publicity/comment_list.html", {
        "case": case, "comments": publicity.comments_for(request.user, case), "back_url": back_url(request, case),
    })


def _case_nominees(case: SelectionCase) -> QuerySet[Nominee]:
    return case.nominees.exclude(stage__in=[NomineeStage.RECOMMENDED, NomineeStage.CANDIDATE]).select_related("person")


@require(publicity.may_handle_comments, HANDLE_COMMENTS)
@require_http_methods(["GET", "POST"])
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    cases = publicity.cases_for_comments(request.user)
    comment = get_object_or_404(NoticeComment.objects.filter(notice__case__in=cases)
                                .select_related("notice__case", "nominee__person"), pk=pk)
    case = comment.notice.case
    form = ResolveForm(request.POST or None, nominees=_case_nominees(case),
                       initial={"resolved_on": _today(), "nominee": comment.nominee})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publicity.comment_resolve(actor=request.user, comment=comment, outcome=data["outcome"],
                                      resolution=data["resolution"], resolved_on=data["resolved_on"],
                                      nominee=data["nominee"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已办结该公示反映")
            return redirect("cases:comment_list", case.pk)
    return _form_page(request, case=case, title="办结公示反映", form=form, button="办结",
                      extra={"comment": comment, "back_url": reverse("cases:comment_list", args=[case.pk])})


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def suspension_lift(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_change(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publicity.case_suspension_lift(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已恢复任用程序")
            return redirect(back_url(request, case))
    return _form_page(request, case=case, title="恢复任用（解除暂缓任用）", form=form, button="恢复",
                      intro="公示反映的问题已查实的，写明核查结果后恢复任用程序。")


# --- completion -----------------------------------------------------------------------------


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def nominee_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    nominee = _nominee_to_change(request, pk)
    form = AppointForm(request.POST or None, initial={"appointed_on": _today(), "movement": nominee.movement})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            completion.nominee_appoint(actor=request.user, nominee=nominee, appointed_on=data["appointed_on"],
                                       document=data["document"], movement=data["movement"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已办理{nominee.person.name}的任职")
            return redirect(back_url(request, nominee.case, "case-completion"))
    post = f"{nominee.post.unit.name}{nominee.post.title}" if nominee.post else "（未定拟任职位）"
    return _form_page(request, case=nominee.case, title=f"任职：{nominee.person.name}", form=form, nominee=nominee,
                      button="任职", intro=f"拟任{post}。任职通过干部任职记录办理，原职务同时免去。")


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def talk_record(request: HttpRequest, pk: int) -> HttpResponse:
    nominee = _nominee_to_change(request, pk)
    form = TalkForm(request.POST or None, initial={"talk_on": nominee.appointment_talk_on or _today(),
                                                   "talk_by": nominee.appointment_talk_by})
    if request.method == "POST" and form.is_valid():
        try:
            completion.talk_record(actor=request.user, nominee=nominee, talk_on=form.cleaned_data["talk_on"],
                                   talk_by=form.cleaned_data["talk_by"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已记录{nominee.person.name}的任职谈话")
            return redirect(back_url(request, nominee.case, "case-completion"))
    return _form_page(request, case=nominee.case, title=f"任职谈话：{nominee.person.name}", form=form,
                      nominee=nominee)


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def probation_end(request: HttpRequest, pk: int) -> HttpResponse:
    nominee = _nominee_to_change(request, pk)
    form = ProbationForm(request.POST or None, initial={"ended_on": nominee.probation_ends_on or _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            completion.probation_end(actor=request.user, nominee=nominee, confirmed=data["result"] == "confirmed",
                                     ended_on=data["ended_on"], document=data["document"], reason=data["reason"],
                                     title=data["title"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已办理{nominee.person.name}的试用期满")
            return redirect(back_url(request, nominee.case, "case-completion"))
    return _form_page(request, case=nominee.case, title=f"试用期满：{nominee.person.name}", form=form,
                      nominee=nominee, intro="胜任的正式任职；不胜任的免去试任职务，按试任前职级安排。")


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def case_complete(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_to_change(request, pk)
    form = CompleteForm(request.POST or None, initial={"completed_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            completion.case_complete(actor=request.user, case=case, completed_on=form.cleaned_data["completed_on"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "选拔任用工作已完成")
            return redirect(back_url(request, case))
    return _form_page(request, case=case, title="完成选拔任用", form=form, button="完成",
                      extra={"blockers": completion.completion_blockers(case)})


@requires("cases.manage")
@require_http_methods(["GET", "POST"])
def appointment_notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET ?document=: the draft 任职通知 to download; POST: kept with the case's documents."""
    case = _case_to_change(request, pk)
    if request.method == "GET" and "download" in request.GET:
        content = appointment_notice_docx(case, document=request.GET.get("document", "").strip()[:100])
        record(actor=request.user, action=CaseAction.APPOINTMENT_NOTICE_READ, target=case, subject=case,
               target_label=str(case))
        return download(content, f"{case.number}任职通知（草稿）.docx")
    form = AppointmentNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_notice_save(actor=request.user, case=case, document=form.cleaned_data["document"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已起草任职通知，保存在纪实材料中")
            return redirect(back_url(request, case))
    return _form_page(request, case=case, title="起草任职通知", form=form, button="起草并保存到纪实材料",
                      extra={"download_url": reverse("cases:appointment_notice_docx", args=[case.pk]) + "?download=1"})


# --- yearly figures -------------------------------------------------------------------------


@requires("cases.view")
@require_GET
def stats_page(request: HttpRequest) -> HttpResponse:
    today = _today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 1949), today.year + 1)
    figures = stats.selection_stats(year, user=request.user)
    return render(request, "cases/stats.html", {
        "figures": figures, "sentence": stats.stats_in_words(figures), "year": year,
        "years": list(range(today.year, today.year - 10, -1)),
    })
