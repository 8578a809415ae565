"""Every read of the secret-ballot module.

Votes are seen by those holding a ballots code (manage, scrutinize or view), within their
unit scope when the vote belongs to a unit; another vote answers 404. While a vote is not yet
counted nobody — no role, not a superuser — gets a per-option figure: the only live figures are
已投 n / 发出 m (`vote_progress`). The result is for the scrutineers and organisers once
counted, and for `ballots.view` once released.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cadres.accounts.permissions import has_permission
from cadres.ballots.actions import BallotPermission
from cadres.ballots.models import Ballot, Vote, VoteResult, VoteStatus, VotingCode

RESULT_NOT_YET = "投票结束并计票之前，任何人都不能查看计票数字"
RESULT_NOT_RELEASED = "投票结果尚未公布"
# Statuses in which no per-option figure exists for anyone.
SEALED_STATUSES = (VoteStatus.DRAFT, VoteStatus.FROZEN, VoteStatus.OPEN, VoteStatus.CLOSED)


def votes_visible(user: Any) -> QuerySet[Vote]:
    """The votes the user may see: any ballots code, and the vote's unit (if any) in scope."""
    from cadres.org.models import Unit

    if not any(has_permission(user, code) for code in BallotPermission.values):
        return Vote.objects.none()
    return Vote.objects.filter(Q(unit__isnull=True) | Q(unit__in=Unit.objects.restrict(user, "view")))


def votes_released(user: Any, kind: str) -> list[Vote]:
    """The released votes of a kind the user may see, newest first (for pickers elsewhere)."""
    return list(votes_visible(user).filter(kind=kind, status=VoteStatus.RELEASED).order_by("-closed_at", "-pk")[:50])


def vote_get(user: Any, pk: Any) -> Vote:
    """One vote the user may see, or 404."""
    vote = votes_visible(user).filter(pk=pk).first()
    if vote is None:
        raise Http404("没有找到该投票")
    return vote


def vote_rounds(vote: Vote) -> list[Vote]:
    """Every round of the vote, the first first."""
    first = vote
    while first.previous_round_id is not None:
        first = Vote.objects.get(pk=first.previous_round_id)
    rounds = [first]
    while (following := Vote.objects.filter(previous_round=rounds[-1]).order_by("pk").first()) is not None:
        rounds.append(following)
    return rounds


def vote_progress(vote: Vote) -> dict[str, int]:
    """The only live figures (the projection page): 已投 n / 发出 m — ballots stored and codes
    handed out (one to each person signed in, at most the codes issued)."""
    vote = Vote.objects.only("ballots_cast", "present_count", "codes_issued").get(pk=vote.pk)
    return {"cast": vote.ballots_cast, "issued": min(vote.present_count, vote.codes_issued)}


def vote_result(user: Any, vote: Vote) -> dict[str, Any]:
    """The tally of a counted vote; refused (PermissionDenied) before the count for everyone,
    and before release for those who may only see published results."""
    vote = Vote.objects.get(pk=vote.pk)
    if vote.status in SEALED_STATUSES:
        raise PermissionDenied(RESULT_NOT_YET)
    may_see_counted = (has_permission(user, BallotPermission.SCRUTINIZE)
                       or has_permission(user, BallotPermission.MANAGE))
    if vote.status == VoteStatus.COUNTED and not may_see_counted:
        raise PermissionDenied(RESULT_NOT_RELEASED)
    if not (may_see_counted or has_permission(user, BallotPermission.VIEW)):
        raise PermissionDenied(RESULT_NOT_RELEASED)
    result = VoteResult.objects.get(vote=vote)
    return {**result.tally, "ballot_digest": result.ballot_digest, "result_digest": result.result_digest,
            "released": vote.status == VoteStatus.RELEASED}


@dataclass(frozen=True)
class Integrity:
    """Used codes, stored ballots and the vote's counter of one vote: equal when intact."""

    vote_id: int
    used_codes: int
    ballots: int
    counter: int

    @property
    def is_intact(self) -> bool:
        return self.used_codes == self.ballots == self.counter

    def describe(self) -> str:
        return (f"投票 {self.vote_id}：已使用投票码 {self.used_codes} 个，存储选票 {self.ballots} 张，"
                f"计数器 {self.counter}")


def vote_integrity(vote: Vote) -> Integrity:
    """Durability check: every used code has its stored ballot and the counter agrees."""
    return Integrity(
        vote_id=vote.pk,
        used_codes=VotingCode.objects.filter(vote_id=vote.pk, is_used=True).count(),
        ballots=Ballot.objects.filter(vote_id=vote.pk).count(),
        counter=Vote.objects.filter(pk=vote.pk).values_list("ballots_cast", flat=True).get(),
    )


def votes_integrity() -> list[Integrity]:
    """The check of every vote that has ballots (run at start by `cadres vote check`)."""
    ids = Vote.objects.exclude(status__in=[VoteStatus.DRAFT, VoteStatus.FROZEN]).values_list("pk", flat=True)
    return [vote_integrity(Vote(pk=pk)) for pk in ids]


def person_ratings(user: Any, person: Any) -> list[Any]:
    """The released 民主测评 results on a cadre's record, newest first: for those who may see
    published results (`ballots.view`, or manage / scrutinize), of the votes in their scope."""
    from cadres.ballots.models import PersonRating

    if not any(has_permission(user, code) for code in BallotPermission.values):
        return []
    return list(PersonRating.objects.filter(person=person, vote__in=votes_visible(user),
                                            vote__status=VoteStatus.RELEASED).select_related("vote"))
