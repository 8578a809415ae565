"""Taking a released secret ballot's result into a case: 民主推荐 counts onto the nominees, a
民主测评's shares onto one nominee, a 票决's counts onto a topic's decision (cadres.cases.ballot_results
does the work; these views only pick the vote and say what happened)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cadres.accounts.decorators import requires
from cadres.ballots import selectors as ballot_selectors
from cadres.ballots.models import Vote, VoteKind
from cadres.cases import ballot_results, selectors
from cadres.cases.case_views import _flash, _writable_case
from cadres.cases.models import MeetingTopic, SelectionCase
from cadres.core.forms import is_number_text


def _vote(user: Any, value: str | None) -> Vote:
    if value is None or not is_number_text(value):
        raise Http404("没有找到该投票")
    vote = ballot_selectors.votes_visible(user).filter(pk=int(value)).first()
    if vote is None:
        raise Http404("没有找到该投票")
    return vote


@requires("cases.manage")
@require_POST
def case_ballot_import(request: HttpRequest, pk: int) -> HttpResponse:
    """民主推荐 onto every nominee on the vote's list, or 民主测评 onto one nominee."""
    case = _writable_case(request, pk)
    vote = _vote(request.user, request.POST.get("vote"))
    try:
        if vote.kind == VoteKind.RECOMMENDATION:
            updated = ballot_results.recommendation_from_vote(actor=request.user, case=case, vote=vote)
            messages.success(request, f"已引用“{vote.title}”的推荐结果：{len(updated)}名人选")
        elif vote.kind == VoteKind.RATING:
            value = request.POST.get("nominee") or ""
            nominee = selectors.nominee_for(request.user, int(value) if is_number_text(value) else 0, "change")
            if nominee.case_id != case.pk:
                raise Http404("该人选不属于本事项")
            ballot_results.rating_from_vote(actor=request.user, nominee=nominee, vote=vote)
            messages.success(request, f"已引用“{vote.title}”的民主测评结果：{nominee.person.name}")
        else:
            messages.error(request, "票决结果请在会议页的议题中引用")
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    return redirect(reverse("cases:case_detail", args=[case.pk]) + "#nominees")


@requires("cases.manage")
@require_POST
def decision_from_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A 票决's counts onto the decision of topic `pk` on one nominee."""
    topic = (MeetingTopic.objects.select_related("meeting", "case")
             .filter(pk=pk, case__in=SelectionCase.objects.restrict(request.user, "view")).first())
    if topic is None:
        raise Http404("没有找到该议题")
    _writable_case(request, topic.case_id)
    nominee_text = request.POST.get("nominee", "")
    nominee = (topic.case.nominees.select_related("person").filter(pk=int(nominee_text)).first()
               if is_number_text(nominee_text) else None)
    if nominee is None:
        raise Http404("该人选不属于本议题的事项")
    vote = _vote(request.user, request.POST.get("vote"))
    try:
        decision = ballot_results.decision_from_vote(actor=request.user, topic=topic, nominee=nominee, vote=vote)
    except (ValidationError, PermissionDenied) as error:
        _flash(request, error)
    else:
        outcome = "通过" if decision.is_passed else "未通过"
        messages.success(request, f"{nominee.person.name}：已引用“{vote.title}”的票决结果，{outcome}")
    return redirect(reverse("cases:meeting_detail", args=[topic.meeting_id]) + f"#topic-{topic.pk}")
