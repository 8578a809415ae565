"""The officers' pages of a selection case and its meetings: reads need `cases.view`, writes
`cases.manage`; a case outside the user's scope is a 404. Views are thin: a form, one service,
back to the page with the service's refusal in Chinese."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import requires
from cadres.accounts.permissions import has_permission
from cadres.audit.services import record
from cadres.ballots.models import VoteKind
from cadres.ballots.selectors import votes_released
from cadres.cases import documents, rules, selectors, services
from cadres.cases.actions import CaseAction, CasePermission
from cadres.cases.case_forms import (
    CaseForm,
    CasePostForm,
    DecisionForm,
    DiligenceForm,
    DocumentForm,
    ExplainForm,
    MeetingForm,
    NomineeForm,
    NomineeStageForm,
    NoteForm,
    PersonSearchForm,
    ReasonForm,
    StepMoveForm,
    TopicForm,
)
from cadres.cases.models import CaseStatus, NomineeStage, SelectionCase, Step, StepEntryKind
from cadres.cases.steps import next_steps
from cadres.core.downloads import download
from cadres.core.forms import service_errors_on_form
from cadres.org.models import Unit
from cadres.people.models import Person

VIEW, MANAGE = CasePermission.VIEW.value, CasePermission.MANAGE.value
PERSON_RESULTS = 20
DOCUMENT_READ = CaseAction.CASE_DOCUMENT_READ


def _today() -> dt.date:
    return timezone.localdate()


def _detail(case: SelectionCase, anchor: str = "") -> HttpResponse:
    response = redirect("cases:case_detail", pk=case.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _flash(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in (error.messages if isinstance(error, ValidationError) else [str(error)]):
        messages.error(request, message)


def _flash_form(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, error if field == "__all__" else error)


# --- cases --------------------------------------------------------------------------------


@requires(VIEW)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    step = request.GET.get("step") or None
    q = request.GET.get("q", "")
    cases = selectors.cases_for(request.user, status=status if status in CaseStatus.values else None,
                                step=step if step in Step.values else None, q=q)
    return render(request, "cases/case_list.html", {
        "cases": cases, "statuses": CaseStatus.choices, "steps": Step.choices,
        "status": status or "", "step": step or "", "q": q,
        "can_manage": has_permission(request.user, MANAGE),
    })


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.restrict(request.user, "change").order_by("path")
    form = CaseForm(request.POST or None, units=units, initial={"started_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已新建选拔任用事项 {case.number}")
            return _detail(case)
    return render(request, "cases/case_form.html", {"form": form})


@requires(VIEW)
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    user = request.user
    can_manage = SelectionCase.objects.restrict(user, "change").filter(pk=case.pk).exists()
    writable = can_manage and case.status != CaseStatus.ARCHIVED
    context: dict[str, Any] = {
        "case": case, "user": user, "today": _today(),
        "step_bar": selectors.step_bar(case),
        "posts": list(case.posts.select_related("unit")),
        "nominees": selectors.case_nominees(case),
        "records": list(case.step_records.select_related("recorded_by")),
        "documents": list(case.documents.select_related("nominee__person", "uploaded_by")),
        "meetings": selectors.case_meetings(case),
        "can_manage": can_manage, "writable": writable, "S": CaseStatus, "E": StepEntryKind,
        "next_steps": next_steps(case),
    }
    if writable:
        context.update({
            "move_form": StepMoveForm(case=case, initial={"occurred_on": _today()}),
            "note_form": NoteForm(initial={"occurred_on": _today()}, auto_id="note_%s"),
            "pause_form": ReasonForm(initial={"occurred_on": _today()}, auto_id="pause_%s"),
            "resume_form": ReasonForm(initial={"occurred_on": _today()}, auto_id="resume_%s"),
            "withdraw_form": ReasonForm(initial={"occurred_on": _today()}, auto_id="withdraw_%s"),
            "post_form": CasePostForm(units=Unit.objects.restrict(user, "change").order_by("path"),
                                      initial={"unit": case.unit_id}, auto_id="post_%s"),
            "document_form": DocumentForm(case=case, auto_id="document_%s"),
            "stage_form": NomineeStageForm(),
            "diligence_form": DiligenceForm(initial={"requested_on": _today()}),
            "ballot_votes": [*votes_released(user, VoteKind.RECOMMENDATION), *votes_released(user, VoteKind.RATING)],
        })
    return render(request, "cases/case_detail.html", context)


def _writable_case(request: HttpRequest, pk: int) -> SelectionCase:
    """A case the user may work on: outside the view scope a 404, in view but not change a 403."""
    case = selectors.case_for(request.user, pk)
    if not SelectionCase.objects.restrict(request.user, "change").filter(pk=case.pk).exists():
        raise PermissionDenied("该选拔任用事项不在您的办理范围内")
    return case


@requires(MANAGE)
@require_POST
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    form = StepMoveForm(request.POST, case=case)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "move")
    try:
        services.case_step_move(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, f"已进入“{Step(form.cleaned_data['to_step']).label}”")
    return _detail(case, "move")


def _status_view(service: Any, done: str) -> Any:
    @requires(MANAGE)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        case = _writable_case(request, pk)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            _flash_form(request, form)
            return _detail(case)
        try:
            service(actor=request.user, case=case, reason=form.cleaned_data["reason"],
                    occurred_on=form.cleaned_data.get("occurred_on"))
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, done)
        return _detail(case)

    return view


case_pause = _status_view(services.case_pause, "已暂停选任")
case_resume = _status_view(services.case_resume, "已恢复选任")
case_withdraw = _status_view(services.case_withdraw, "已终止该事项")


@requires(MANAGE)
@require_POST
def case_archive(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    try:
        services.case_archive(actor=request.user, case=case)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, "已纪实归档")
    return _detail(case)


@requires(MANAGE)
@require_POST
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "record")
    try:
        services.case_note(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, "已记实")
    return _detail(case, "record")


@requires(MANAGE)
@require_POST
def case_post_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    form = CasePostForm(request.POST, units=Unit.objects.restrict(request.user, "change"))
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "posts")
    try:
        services.case_post_add(actor=request.user, case=case, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        messages.success(request, "已新增拟任职位")
    return _detail(case, "posts")


# --- nominees -----------------------------------------------------------------------------


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def nominee_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    people = Person.objects.restrict(request.user, "view")
    search = PersonSearchForm(request.GET or None)
    found: list[Any] = []
    if search.is_valid() and search.cleaned_data.get("q", "").strip():
        found = list(people.filter(name__contains=search.cleaned_data["q"].strip())
                     .select_related("unit").order_by("name", "pk")[:PERSON_RESULTS])
    form = NomineeForm(request.POST or None, people=people, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nominee_add(actor=request.user, case=case, person=data["person"], post=data["post"],
                                 stage=data["stage"], recommended_on=data["recommended_on"],
                                 recommendation_votes=data["recommendation_votes"],
                                 recommendation_ballots=data["recommendation_ballots"], targeted=data["targeted"])
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, f"已新增人选{data['person'].name}")
            return _detail(case, "nominees")
    if request.method == "POST" and form.is_bound and form.data.get("person"):
        chosen = people.filter(pk=form.data.get("person")).select_related("unit").first()
        if chosen is not None and chosen not in found:
            found.insert(0, chosen)
    return render(request, "cases/case_nominee_form.html",
                  {"case": case, "form": form, "search": search, "found": found})


@requires(MANAGE)
@require_POST
def nominee_stage(request: HttpRequest, pk: int) -> HttpResponse:
    nominee = selectors.nominee_for(request.user, pk)
    case = _writable_case(request, nominee.case_id)
    form = NomineeStageForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "nominees")
    try:
        services.nominee_stage_set(actor=request.user, nominee=nominee, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        stage = NomineeStage(form.cleaned_data["stage"]).label
        messages.success(request, f"{nominee.person.name}：已设为{stage}")
    return _detail(case, "nominees")


@requires(MANAGE)
@require_POST
def nominee_explain(request: HttpRequest, pk: int) -> HttpResponse:
    nominee = selectors.nominee_for(request.user, pk)
    case = _writable_case(request, nominee.case_id)
    form = ExplainForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "checks")
    try:
        services.nominee_explain(actor=request.user, nominee=nominee, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, f"{nominee.person.name}：已记录说明")
    return _detail(case, f"checks-nominee-{nominee.pk}")


@requires(MANAGE)
@require_POST
def case_explain(request: HttpRequest, pk: int) -> HttpResponse:
    """The reason for a case-wide check (等额考察 and the like)."""
    case = _writable_case(request, pk)
    form = ExplainForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "checks")
    try:
        services.case_explain(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, "已记录说明")
    return _detail(case, "checks")


@requires(MANAGE)
@require_POST
def diligence_add(request: HttpRequest, pk: int) -> HttpResponse:
    nominee = selectors.nominee_for(request.user, pk)
    case = _writable_case(request, nominee.case_id)
    form = DiligenceForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "nominees")
    try:
        services.diligence_record(actor=request.user, nominee=nominee, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, f"{nominee.person.name}：已记录凡提四必核查")
    return _detail(case, "nominees")


# --- documents ----------------------------------------------------------------------------


@requires(MANAGE)
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    form = DocumentForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        _flash_form(request, form)
        return _detail(case, "documents")
    try:
        services.document_add(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, "已上传材料")
    return _detail(case, "documents")


@requires(VIEW)
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.document_for(request.user, pk)
    record(actor=request.user, action=DOCUMENT_READ, target=document, subject=document.case,
           target_label=document.title, changes={"sha256": document.sha256})
    name = document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


@requires(VIEW)
@require_GET
def record_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    content = documents.record_sheet_pdf(case)
    documents.record_sheet_read(actor=request.user, case=case, kind="PDF")
    return download(content, f"选拔任用工作全程纪实表_{case.number}.pdf")


@requires(VIEW)
@require_GET
def record_sheet_docx(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    content = documents.record_sheet_docx(case)
    documents.record_sheet_read(actor=request.user, case=case, kind="DOCX")
    return download(content, f"选拔任用工作全程纪实表_{case.number}.docx")


# --- meetings -----------------------------------------------------------------------------


@requires(VIEW)
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    visible = SelectionCase.objects.restrict(request.user, "view")
    meetings = list(selectors.meetings_for(request.user).prefetch_related("members").annotate(
        visible_topics=Count("topics", filter=Q(topics__case__in=visible))))
    for meeting in meetings:
        meeting.expected, meeting.present = services.attendance(meeting)
    return render(request, "cases/meeting_list.html", {
        "meetings": meetings, "can_manage": has_permission(request.user, MANAGE)})


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, initial={"held_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_on_form(form, error)
        else:
            messages.success(request, "已新建会议")
            return redirect("cases:meeting_detail", pk=meeting.pk)
    return render(request, "cases/meeting_form.html", {"form": form})


def _writable_cases(user: Any) -> Any:
    return (SelectionCase.objects.restrict(user, "change")
            .exclude(status__in=[CaseStatus.ARCHIVED, CaseStatus.WITHDRAWN]).order_by("-started_on", "-id"))


@requires(VIEW)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    expected, present = services.attendance(meeting)
    can_manage = has_permission(request.user, MANAGE)
    quorum = rules.quorum_met(expected=expected, present=present, on=meeting.held_on) if expected else None
    passing = rules.decision_passes(expected=expected, agree=0, on=meeting.held_on)
    return render(request, "cases/meeting_detail.html", {
        "meeting": meeting, "members": list(meeting.members.all()), "expected": expected, "present": present,
        "quorum": quorum, "quorum_met": quorum is not None and quorum.outcome == rules.PASS,
        "pass_rule": passing.rule_text,
        "topics": selectors.meeting_topics(request.user, meeting), "can_manage": can_manage,
        "topic_form": TopicForm(cases=_writable_cases(request.user)) if can_manage else None,
        "decision_form": DecisionForm() if can_manage else None,
        "decision_votes": votes_released(request.user, VoteKind.DECISION) if can_manage else [],
    })


@requires(MANAGE)
@require_POST
def topic_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    form = TopicForm(request.POST, cases=_writable_cases(request.user))
    if not form.is_valid():
        _flash_form(request, form)
    else:
        try:
            services.topic_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _flash(request, error)
        else:
            messages.success(request, "已新增议题")
    return redirect("cases:meeting_detail", pk=meeting.pk)


@requires(MANAGE)
@require_POST
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision of one topic (pk) on one nominee."""
    from cadres.cases.models import MeetingTopic

    topic = (MeetingTopic.objects.select_related("meeting", "case")
             .filter(pk=pk, case__in=SelectionCase.objects.restrict(request.user, "view")).first())
    if topic is None:
        from django.http import Http404

        raise Http404("没有找到该议题")
    _writable_case(request, topic.case_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect("cases:meeting_detail", pk=topic.meeting_id)
    data = form.cleaned_data
    nominee = topic.case.nominees.select_related("person").filter(pk=data["nominee"]).first()
    if nominee is None:
        messages.error(request, "该人选不属于本议题的事项")
        return redirect("cases:meeting_detail", pk=topic.meeting_id)
    try:
        decision = services.decision_record(actor=request.user, topic=topic, nominee=nominee, agree=data["agree"],
                                            disagree=data["disagree"], abstain=data["abstain"],
                                            method=data["method"])
    except ValidationError as error:
        _flash(request, error)
    else:
        outcome = "通过" if decision.is_passed else "未通过"
        messages.success(request, f"{nominee.person.name}：已记录表决结果，{outcome}")
    response = redirect("cases:meeting_detail", pk=topic.meeting_id)
    response["Location"] += f"#topic-{topic.pk}"
    return response
