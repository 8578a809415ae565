"""Results of secret ballots (cadres.ballots) into the selection case: a 票决's counts onto a
topic's decision on a nominee, a 民主推荐's counts onto the nominees, a 民主测评's shares onto
a nominee's rating.

Only a released vote is read (a counted vote is for the scrutineers until they publish it),
and only by an actor who may see it (its unit in scope, a ballots code) — the vote's published
result, through `cadres.ballots.selectors.vote_result`. The writes go through the case's own
services (decision_record, nominee_update), so each is checked, scoped and audited there with
the case as subject and the person as target. A nominee is matched to a vote's option by the
option's person (the roster link), never by name.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.ballots import selectors as ballot_selectors
from cadres.ballots.models import Vote, VoteKind, VoteStatus
from cadres.cases import services
from cadres.cases.models import DecisionMethod, MeetingTopic, Nominee, SelectionCase, TopicDecision

NOT_RELEASED = "投票结果尚未公布，不能引用"


def _released(actor: Any, vote: Vote, kind: str) -> dict[str, Any]:
    """The published result of a released vote of this kind the actor may see."""
    if actor is not None and not ballot_selectors.votes_visible(actor).filter(pk=vote.pk).exists():
        raise PermissionDenied("该投票不在您的查看范围内")
    vote = Vote.objects.get(pk=vote.pk)
    if vote.kind != kind:
        raise ValidationError(f"“{vote}”是{vote.get_kind_display()}，不是{VoteKind(kind).label}")
    if vote.status != VoteStatus.RELEASED:
        raise ValidationError(NOT_RELEASED)
    if actor is None:
        return dict(vote.result.tally)
    return ballot_selectors.vote_result(actor, vote)


def _entries_by_person(vote: Vote, result: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The result's entry of every option linked to a person, by the person's id."""
    entries = {entry["key"]: entry for entry in result["options"]}
    return {option.person_id: entries[option.key] for option in vote.options.filter(person__isnull=False)
            if option.person_id is not None and option.key in entries}


def _entry_of(vote: Vote, result: dict[str, Any], nominee: Nominee) -> dict[str, Any]:
    entry = _entries_by_person(vote, result).get(nominee.person_id)
    if entry is None:
        raise ValidationError(f"{nominee.person.name}不在“{vote}”的名单上（名单须关联干部信息）")
    return entry


def _closed_on(vote: Vote) -> dt.date:
    vote = Vote.objects.only("closed_at").get(pk=vote.pk)
    return timezone.localdate(vote.closed_at) if vote.closed_at else timezone.localdate()


@transaction.atomic
def decision_from_vote(*, actor: Any, topic: MeetingTopic, nominee: Nominee, vote: Vote) -> TopicDecision:
    """A released 票决's 同意 / 不同意 / 弃权 for the nominee as the topic's decision on him
    (无记名投票, linked to the vote), on the meeting's date; the meeting's rules decide whether
    it passed."""
    result = _released(actor, vote, VoteKind.DECISION)
    entry = _entry_of(vote, result, nominee)
    return services.decision_record(
        actor=actor, topic=topic, nominee=nominee, agree=entry["yes"], disagree=entry["no"],
        abstain=entry["abstain"], method=DecisionMethod.SECRET, vote=vote)


@transaction.atomic
def recommendation_from_vote(*, actor: Any, case: SelectionCase, vote: Vote) -> list[Nominee]:
    """A released 民主推荐's votes onto every nominee of the case on its list (by person), with
    the valid ballots as the base and the close's date as the date of recommendation (when none
    is recorded). Returns the nominees updated; a case with none on the list is refused."""
    result = _released(actor, vote, VoteKind.RECOMMENDATION)
    entries = _entries_by_person(vote, result)
    nominees = [nominee for nominee in Nominee.objects.filter(case=case).select_related("person")
                if nominee.person_id in entries]
    if not nominees:
        raise ValidationError(f"本事项的人选都不在“{vote}”的名单上（名单须关联干部信息）")
    recommended_on = _closed_on(vote)
    updated = []
    for nominee in nominees:
        values: dict[str, Any] = {"recommendation_votes": entries[nominee.person_id]["votes"],
                                  "recommendation_ballots": result["valid"]}
        if nominee.recommended_on is None:
            values["recommended_on"] = recommended_on
        updated.append(services.nominee_update(actor=actor, nominee=nominee, **values))
    return updated


@transaction.atomic
def rating_from_vote(*, actor: Any, nominee: Nominee, vote: Vote) -> Nominee:
    """A released 民主测评's result for the nominee as his rating (考察): the counts and the
    (weighted) shares of each grade, the valid ballots and the vote it came from."""
    result = _released(actor, vote, VoteKind.RATING)
    entry = _entry_of(vote, result, nominee)
    rating = {
        "vote": vote.pk,
        "title": str(vote),
        "date": _closed_on(vote).isoformat(),
        "scale": list(Vote.objects.only("rating_scale").get(pk=vote.pk).rating_scale),
        "valid": sum(entry["counts"].values()),
        "counts": entry["counts"],
        "shares": entry["shares"],
    }
    return services.nominee_update(actor=actor, nominee=nominee, rating_result=rating)
