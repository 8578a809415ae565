"""The pages of the secret-ballot module.

Officers (`ballots.manage`): the list of votes, a vote's rules and options, freeze, the slips of
one-time codes (a PDF, the only time the codes exist in plain text), 签到 and open. Scrutineers
(`ballots.scrutinize`): close, paper tallies (with the organisers), count, release and the
计票结果报告单. The projection page shows only 已投 n / 发出 m.

The voter page is public (voters hold no account) and protected by the one-time code itself: the
code travels in the POST body only, never in an address, and nothing of the cast is logged or
audited. The cast runs outside any request-wide transaction (`non_atomic_requests`): the service
commits the ballot itself and counts failed guesses in a transaction of its own.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadres.accounts.decorators import public, require, requires
from cadres.accounts.permissions import has_permission
from cadres.ballots import documents, selectors, services
from cadres.ballots.actions import BallotPermission
from cadres.ballots.forms import (
    CodeForm,
    CodesForm,
    ConfirmForm,
    OptionForm,
    PaperForm,
    PersonSearchForm,
    SignInForm,
    VoteForm,
    ballot_from_post,
)
from cadres.ballots.models import (
    Attendance,
    PaperBatch,
    PaperBatchStatus,
    Vote,
    VoteKind,
    VoteOption,
    VoteStatus,
    VotingCode,
)
from cadres.core.downloads import download

PERSON_RESULTS = 20


def may_see_votes(user: Any) -> bool:
    return any(has_permission(user, code) for code in BallotPermission.values)


def may_enter_paper(user: Any) -> bool:
    return has_permission(user, BallotPermission.MANAGE) or has_permission(user, BallotPermission.SCRUTINIZE)


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in _errors(error):
        messages.error(request, message)


def _detail(vote: Vote) -> HttpResponse:
    return redirect("ballots:vote_detail", pk=vote.pk)


def _units(user: Any) -> Any:
    from cadres.org.models import Unit

    return Unit.objects.restrict(user, "view").order_by("path")


# ---------------------------------------------------------------- officers


@require(may_see_votes, "查看投票")
@require_GET
def vote_list(request: HttpRequest) -> HttpResponse:
    votes = selectors.votes_visible(request.user).select_related("unit").order_by("-created_at", "-pk")
    return render(request, "ballots/vote_list.html", {
        "votes": votes, "kinds": VoteKind.choices,
        "can_manage": has_permission(request.user, BallotPermission.MANAGE),
    })


@requires(BallotPermission.MANAGE)
@require_http_methods(["GET", "POST"])
def vote_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in VoteKind.values:
        raise Http404("没有这种投票类型")
    form = VoteForm(request.POST if request.method == "POST" else None, kind=kind, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_create(actor=request.user, kind=kind, groups=form.cleaned_data["groups"],
                                        **form.rules())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "投票已建立，请添加投票对象，核对后锁定设置。")
            return _detail(vote)
    return render(request, "ballots/vote_form.html", {"form": form, "kind_label": VoteKind(kind).label})


@requires(BallotPermission.MANAGE)
@require_http_methods(["GET", "POST"])
def vote_update(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(request.user, pk)
    if vote.status != VoteStatus.DRAFT:
        messages.error(request, services.LOCKED)
        return _detail(vote)
    form = VoteForm(request.POST if request.method == "POST" else None, instance=Vote.objects.get(pk=vote.pk),
                    kind=vote.kind, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.vote_update(actor=request.user, vote=vote, **form.rules())
                services.vote_groups_set(actor=request.user, vote=vote, groups=form.cleaned_data["groups"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "投票规则已保存。")
            return _detail(vote)
    return render(request, "ballots/vote_form.html",
                  {"form": form, "vote": vote, "kind_label": vote.get_kind_display()})


def _result_for(user: Any, vote: Vote) -> dict[str, Any] | None:
    try:
        return selectors.vote_result(user, vote)
    except PermissionDenied:
        return None


@require(may_see_votes, "查看投票")
@require_GET
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(request.user, pk)
    user = request.user
    can_manage = has_permission(user, BallotPermission.MANAGE)
    can_scrutinize = has_permission(user, BallotPermission.SCRUTINIZE)
    result = _result_for(user, vote)
    context: dict[str, Any] = {
        "vote": vote,
        "options": list(vote.options.select_related("person")),
        "groups": list(vote.groups.all()),
        "progress": selectors.vote_progress(vote),
        "can_manage": can_manage,
        "can_scrutinize": can_scrutinize,
        "can_paper": may_enter_paper(user),
        "result": result,
        "table": documents.result_table(vote, result) if result else None,
        "rounds": selectors.vote_rounds(vote),
        "voter_url": voter_url(request, vote),
        "S": VoteStatus,
    }
    if vote.status == VoteStatus.DRAFT and can_manage:
        search = PersonSearchForm(request.GET or None)
        context["option_form"] = OptionForm()
        context["search_form"] = search
        context["found"] = _people_found(user, search)
    if vote.status in (VoteStatus.FROZEN, VoteStatus.OPEN) and can_manage:
        context["codes_form"] = CodesForm(vote=vote, initial={"count": _codes_suggested(vote)})
        context["codes_by_group"] = _codes_by_group(vote)
    if vote.status == VoteStatus.CLOSED:
        context["batches"] = list(vote.paper_batches.select_related("group").prefetch_related("tallies"))
    return render(request, "ballots/vote_detail.html", context)


def _codes_suggested(vote: Vote) -> int:
    groups = list(vote.groups.all())
    if len(groups) == 1:
        return max(vote.expected_count - vote.codes_issued, 1)
    return 1


def _codes_by_group(vote: Vote) -> list[dict[str, Any]]:
    from django.db.models import Count

    counts = dict(VotingCode.objects.filter(vote=vote).values("group").annotate(n=Count("pk"))
                  .values_list("group", "n"))
    return [{"group": group, "codes": counts.get(group.pk, 0)} for group in vote.groups.all()]


def _people_found(user: Any, form: PersonSearchForm) -> list[Any]:
    from cadres.people.models import Person

    if not form.is_valid() or not form.cleaned_data.get("q"):
        return []
    query = form.cleaned_data["q"].strip()
    return list(Person.objects.restrict(user, "view").filter(name__contains=query)
                .select_related("unit").order_by("name", "pk")[:PERSON_RESULTS])


def _person_description(person: Any) -> str:
    unit = person.unit.name if person.unit_id else ""
    return f"{unit}{person.post_title}"[:200]


@requires(BallotPermission.MANAGE)
@require_POST
def option_add(request: HttpRequest, pk: int) -> HttpResponse:
    from cadres.people.models import Person

    vote = selectors.vote_get(request.user, pk)
    try:
        if person_id := request.POST.get("person"):
            person = get_object_or_404(Person.objects.restrict(request.user, "view").select_related("unit"),
                                       pk=person_id)
            services.vote_option_add(actor=request.user, vote=vote, name=person.name,
                                     description=_person_description(person), person=person)
            messages.success(request, f"已添加{person.name}。")
        else:
            form = OptionForm(request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    text = "；".join(map(str, errors))
                    messages.error(request, f"{label}：{text}" if label else text)
                return _detail(vote)
            services.vote_option_add(actor=request.user, vote=vote, **form.cleaned_data)
            messages.success(request, f"已添加{form.cleaned_data['name']}。")
    except ValidationError as error:
        _flash_errors(request, error)
    return _detail(vote)


@requires(BallotPermission.MANAGE)
@require_POST
def option_remove(request: HttpRequest, pk: int, option_pk: int) -> HttpResponse:
    vote = selectors.vote_get(request.user, pk)
    option = get_object_or_404(VoteOption, vote=vote, pk=option_pk)
    try:
        services.vote_option_remove(actor=request.user, option=option)
        messages.success(request, f"已删除{option.name}。")
    except ValidationError as error:
        _flash_errors(request, error)
    return _detail(vote)


def _lifecycle_step(request: HttpRequest, pk: int, *, step: Any, done: str, title: str, explain: str,
                    template: str = "ballots/vote_confirm.html") -> HttpResponse:
    """A step of the lifecycle behind a confirmation page: GET asks, POST (ticked) acts."""
    vote = selectors.vote_get(request.user, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            step(actor=request.user, vote=vote)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, done)
            return _detail(vote)
    return render(request, template, {"vote": vote, "form": form, "title": title, "explain": explain,
                                      "errors": errors, "progress": selectors.vote_progress(vote)})


@requires(BallotPermission.MANAGE)
@require_http_methods(["GET", "POST"])
def vote_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_step(request, pk, step=services.vote_freeze, done="投票设置已锁定，可以生成投票码和签到。",
                           title="锁定投票设置",
                           explain="锁定后，投票规则、投票对象和投票人类别都不能再修改；如需修改只能发起新一轮。")


@requires(BallotPermission.MANAGE)
@require_http_methods(["GET", "POST"])
def vote_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_step(request, pk, step=services.vote_open, done="投票已开始。",
                           title="开始投票",
                           explain="开始后，投票人可以用投票码投票。请确认签到已完成、投票码已随机抽取。")


@requires(BallotPermission.SCRUTINIZE)
@require_http_methods(["GET", "POST"])
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_step(request, pk, step=services.vote_close, done="投票已结束，票箱已封存。",
                           title="结束投票（封箱）",
                           explain="结束后不能再投票；系统按回执码排序封存选票并计算封箱摘要。")


@requires(BallotPermission.SCRUTINIZE)
@require_http_methods(["GET", "POST"])
def vote_count(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_step(request, pk, step=services.vote_count, done="计票完成，请核对结果后公布。",
                           title="计票",
                           explain="计票前系统核对选票与封箱摘要一致、纸质票两次录入一致、收回票数不多于实到人数。")


@requires(BallotPermission.SCRUTINIZE)
@require_http_methods(["GET", "POST"])
def vote_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_step(request, pk, step=services.vote_release, done="投票结果已公布。",
                           title="公布结果",
                           explain="公布后，有“查看已公布的投票结果”权限的人员都能看到结果。")


@requires(BallotPermission.MANAGE)
@require_POST
@never_cache
def codes_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The slips of new one-time codes, as a PDF in this response and nowhere else. The codes
    are generated and the PDF rendered in one transaction: if rendering fails, no code exists."""
    vote = selectors.vote_get(request.user, pk)
    form = CodesForm(request.POST, vote=vote)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"生成数量：{'；'.join(map(str, errors))}")
        return _detail(vote)
    address = voter_url(request, vote)
    try:
        with transaction.atomic():
            codes = services.codes_issue(actor=request.user, vote=vote, count=form.cleaned_data["count"],
                                         group=form.cleaned_data["group"])
            pdf = documents.slips_pdf(vote, codes, group=form.cleaned_data["group"], voter_url=address)
    except ValidationError as error:
        _flash_errors(request, error)
        return _detail(vote)
    del codes
    return download(pdf, f"投票码_{vote.title}_{vote.pk}.pdf")


@requires(BallotPermission.MANAGE)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """签到: tick the people present (the vote's unit's people, or found by name) or type names."""
    from cadres.people.models import Person

    vote = selectors.vote_get(request.user, pk)
    form = SignInForm(request.POST if request.method == "POST" else None, vote=vote)
    search = PersonSearchForm(request.GET or None)
    if request.method == "POST" and form.is_valid():
        people = Person.objects.restrict(request.user, "view").select_related("unit").filter(
            pk__in=[value for value in request.POST.getlist("person") if value.isdigit()])
        done: list[str] = []
        errors: list[str] = []
        group = form.cleaned_data["group"]
        for person in people:
            try:
                services.attendance_sign_in(actor=request.user, vote=vote, person=person, group=group,
                                            unit_label=person.unit.name if person.unit_id else "")
                done.append(person.name)
            except ValidationError as error:
                errors.extend(_errors(error))
        for name, unit_label in form.typed():
            try:
                services.attendance_sign_in(actor=request.user, vote=vote, name=name, unit_label=unit_label,
                                            group=group)
                done.append(name)
            except ValidationError as error:
                errors.extend(f"{name}：{message}" if name not in message else message
                              for message in _errors(error))
        if done:
            messages.success(request, f"已签到{len(done)}人：{'、'.join(done)}")
        for message in errors:
            messages.error(request, message)
        if not done and not errors:
            messages.error(request, "请勾选签到的人员，或在手工签到中填写姓名")
        return redirect(request.get_full_path())
    roll = list(Attendance.objects.filter(vote=vote).select_related("group").order_by("group__position", "pk"))
    signed = {entry.person_id for entry in roll if entry.person_id}
    candidates: list[Any] = []
    if search.is_valid() and search.cleaned_data.get("q"):
        candidates = _people_found(request.user, search)
    elif vote.unit_id:
        candidates = list(Person.objects.restrict(request.user, "view").filter(unit_id=vote.unit_id)
                          .select_related("unit")[:200])
    groups = []
    for group in vote.groups.all():
        groups.append({"group": group, "roll": [entry for entry in roll if entry.group_id == group.pk]})
    return render(request, "ballots/attendance.html", {
        "vote": vote, "form": form, "search": search, "groups": groups, "signed": signed,
        "candidates": [person for person in candidates if person.pk not in signed],
        "can_sign_in": vote.status in (VoteStatus.FROZEN, VoteStatus.OPEN),
        "progress": selectors.vote_progress(vote),
    })


@require(may_enter_paper, "录入纸质票")
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One operator's entry of a paper batch; a second operator enters it again. The figures of
    an entry are never shown (the second entry is independent); a mismatch names the fields."""
    vote = selectors.vote_get(request.user, pk)
    form = PaperForm(request.POST if request.method == "POST" else None, vote=vote)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.paper_batch_enter(
                actor=request.user, vote=vote, number=data["number"], issued=data["issued"],
                collected=data["collected"], invalid=data["invalid"], counts=form.counts(), group=data["group"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"第{batch.number}批已录入：{batch.get_status_display()}。")
            return redirect("ballots:paper_entry", pk=vote.pk)
    batches = list(vote.paper_batches.select_related("group").prefetch_related("tallies__operator"))
    return render(request, "ballots/paper.html", {
        "vote": vote, "form": form, "columns": form.columns,
        "batches": [{"batch": batch, "operators": [entry.operator for entry in batch.tallies.all()],
                     "differences": _paper_differences(vote, batch)} for batch in batches],
        "can_scrutinize": has_permission(request.user, BallotPermission.SCRUTINIZE),
        "S": PaperBatchStatus,
    })


def _paper_differences(vote: Vote, batch: PaperBatch) -> list[str]:
    """The fields on which the two entries of a batch differ (names only, never the figures)."""
    if batch.status != PaperBatchStatus.MISMATCH:
        return []
    first, second = list(batch.tallies.all())[:2]
    names = {option.key: option.name for option in vote.options.all()}
    labels = {"yes": "同意", "no": "不同意", "abstain": "弃权"}
    differences = [label for field, label in (("collected", "收回票数"), ("invalid", "废票数"))
                   if getattr(first, field) != getattr(second, field)]
    if first.counts.get("issued") != second.counts.get("issued"):
        differences.insert(0, "发出票数")
    a, b = first.counts.get("counts", {}), second.counts.get("counts", {})
    if vote.kind == VoteKind.RECOMMENDATION:
        for key in sorted(set(a.get("names", {})) | set(b.get("names", {}))):
            if a.get("names", {}).get(key, 0) != b.get("names", {}).get(key, 0):
                differences.append(f"{names.get(key, key)}的得票")
        if a.get("write_ins") != b.get("write_ins"):
            differences.append("另选他人")
        if a.get("abstain") != b.get("abstain"):
            differences.append("弃权票数")
    else:
        for key in names:
            for value in sorted(set(a.get(key, {})) | set(b.get(key, {}))):
                if a.get(key, {}).get(value) != b.get(key, {}).get(value):
                    differences.append(f"{names[key]}的{labels.get(value, value)}票数")
    return differences


@requires(BallotPermission.SCRUTINIZE)
@require_POST
def paper_reset(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    vote = selectors.vote_get(request.user, pk)
    batch = get_object_or_404(PaperBatch, vote=vote, pk=batch_pk)
    try:
        services.paper_batch_reset(actor=request.user, batch=batch)
        messages.success(request, f"{batch}的两次录入已作废，请重新录入。")
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("ballots:paper_entry", pk=vote.pk)


@require(may_see_votes, "查看投票结果")
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 计票结果报告单 (PDF) of a counted vote, for the scrutineers to sign."""
    vote = selectors.vote_get(request.user, pk)
    result = _result_for(request.user, vote)
    if result is None:
        raise PermissionDenied(selectors.RESULT_NOT_YET if vote.status in selectors.SEALED_STATUSES
                               else selectors.RESULT_NOT_RELEASED)
    paper_issued = sum(batch.issued for batch in vote.paper_batches.all())
    electronic = selectors.vote_progress(vote)["issued"]
    pdf = documents.report_pdf(vote, result, {
        "table": documents.result_table(vote, result),
        "paper_issued": paper_issued,
        "issued_electronic": electronic,
        "issued": electronic + paper_issued,
    })
    return download(pdf, f"计票结果报告单_{vote.title}_{vote.pk}.pdf")


@require(may_see_votes, "投票进度投屏")
@require_GET
def projection(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(request.user, pk)
    return render(request, "ballots/projection.html", {
        "vote": vote, "progress": selectors.vote_progress(vote),
        "voter_url": voter_url(request, vote),
    })


@require(may_see_votes, "投票进度投屏")
@require_GET
def projection_progress(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(request.user, pk)
    vote.refresh_from_db(fields=["status"])
    return render(request, "ballots/partials/progress.html", {"vote": vote, "progress": selectors.vote_progress(vote)})


# ---------------------------------------------------------------- the voter


def voter_url(request: HttpRequest, vote: Vote) -> str:
    """The voters' address printed on the slips and shown on the projection: under
    BALLOT_VOTER_URL (the room network's address, e.g. http://10.0.0.2) when set, else the
    address the officer's browser used."""
    path = reverse("ballots:voter", args=[vote.pk])
    base = str(settings.BALLOT_VOTER_URL or "").strip().rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _voter_vote(pk: int) -> Vote:
    """The vote a voter page is about (any state; the page says whether it is open)."""
    vote = Vote.objects.filter(pk=pk).only("pk", "title", "kind", "status", "round_number", "max_choices",
                                           "write_ins_allowed", "rating_scale", "opened_at").first()
    if vote is None:
        raise Http404("没有这个投票")
    return vote


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _voter_render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _ballot_context(vote: Vote, code: str, data: Any = None) -> dict[str, Any]:
    options = list(vote.options.all())
    chosen = data if data is not None else {}
    rows = []
    for option in options:
        if vote.kind == VoteKind.DECISION:
            field, current = f"c_{option.pk}", chosen.get(f"c_{option.pk}", "")
            values = [("yes", "同意"), ("no", "不同意"), ("abstain", "弃权")]
        elif vote.kind == VoteKind.RATING:
            field, current = f"r_{option.pk}", chosen.get(f"r_{option.pk}", "")
            values = [(grade, grade) for grade in vote.rating_scale]
        else:
            field = "names"
            current = str(option.pk) if str(option.pk) in (data.getlist("names") if data is not None else []) else ""
            values = [(str(option.pk), "推荐")]
        rows.append({"option": option, "field": field, "current": current, "values": values})
    write_ins = data.getlist("write_in") if data is not None else []
    slots = (vote.max_choices or 1) if vote.write_ins_allowed else 0
    write_ins = (write_ins + [""] * slots)[:slots]
    context = {"vote": vote, "code": code, "rows": rows, "write_ins": write_ins,
               "abstain": data is not None and data.get("abstain") == "1"}
    if data is None:
        context["rows_html"] = _fresh_rows(vote, context)
    return context


# The rows of a fresh ballot (nothing chosen), rendered once per process and vote opening: the
# options and the scale cannot change after freeze, and every voter gets the same rows (40
# cadres × 4 grades take most of the page's rendering time).
_FRESH_ROWS: dict[tuple[int, Any], str] = {}


def _fresh_rows(vote: Vote, context: dict[str, Any]) -> str:
    key = (vote.pk, vote.opened_at)
    rows = _FRESH_ROWS.get(key)
    if rows is None:
        rows = mark_safe(render_to_string("ballots/voter/ballot_rows.html", context))  # noqa: S308 - our template
        if len(_FRESH_ROWS) > 100:
            _FRESH_ROWS.clear()
        _FRESH_ROWS[key] = rows
    return rows


@public
@require_http_methods(["GET", "POST"])
def voter(request: HttpRequest, pk: int) -> HttpResponse:
    """The voter's first step: the one-time code (POST body), checked without being used."""
    vote = _voter_vote(pk)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            services.code_check(vote=vote.pk, code=code, client=_client(request))
        except ValidationError as error:
            form.add_error("code", error.messages[0])
        else:
            return _voter_render(request, "ballots/voter/ballot.html",
                                 _ballot_context(vote, services.code_format(services.code_normalize(code))))
    return _voter_render(request, "ballots/voter/code.html", {"vote": vote, "form": form},
                         status=400 if form.errors else 200)


@public
@transaction.non_atomic_requests
@require_POST
def voter_cast(request: HttpRequest, pk: int) -> HttpResponse:
    """The voter's second step: the ballot. The receipt is shown in this response only (never in
    an address); the page is the same whatever was chosen. A retry gets the same receipt."""
    vote = _voter_vote(pk)
    code = str(request.POST.get("code", ""))[:20]
    if not code:
        return _voter_render(request, "ballots/voter/code.html",
                             {"vote": vote, "form": CodeForm(), "error": "请先输入投票码"}, status=400)
    content = ballot_from_post(vote, list(vote.options.all()), request.POST)
    try:
        receipt = services.ballot_cast(vote=vote.pk, code=code, content=content, client=_client(request))
    except ValidationError as error:
        message = error.messages[0]
        if getattr(error, "code", None) == "invalid":
            context = _ballot_context(vote, code, request.POST)
            context["error"] = message
            return _voter_render(request, "ballots/voter/ballot.html", context, status=400)
        return _voter_render(request, "ballots/voter/code.html",
                             {"vote": vote, "form": CodeForm(), "error": message}, status=400)
    return _voter_render(request, "ballots/voter/receipt.html", {"vote": vote, "receipt": receipt})
