"""Results of secret ballots into the case (cadres.cases.ballot_results): only a released vote,
only one the actor may see, matched to nominees by the person on the vote's list, written
through the case's services (scoped, audited with the case as subject)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadres.accounts.testing import user_with_role
from cadres.audit.models import AuditEvent
from cadres.ballots import services as ballots
from cadres.ballots.models import VoteKind
from cadres.cases import ballot_results, services
from cadres.cases.actions import CaseAction
from cadres.cases.models import DecisionMethod, MeetingKind

pytestmark = pytest.mark.django_db

D = dt.date(2026, 5, 12)


def held_vote(kind: str, options: list[Any], contents: list[dict[str, Any]], *, expected: int,
              release: bool = True, **rules: Any) -> Any:
    """A vote run to its release (or its count): options are people or names; ballots cast
    with the given contents, option keys written as 0, 1, … in them."""
    vote = ballots.vote_create(actor=None, kind=kind, title=f"测试{VoteKind(kind).label}", expected_count=expected,
                               options=[option if isinstance(option, str) else {"name": option.name, "person": option}
                                        for option in options], **rules)
    ballots.vote_freeze(actor=None, vote=vote)
    for index in range(expected):
        ballots.attendance_sign_in(actor=None, vote=vote, name=f"代表{index}")
    codes = ballots.codes_issue(actor=None, vote=vote, count=expected)
    ballots.vote_open(actor=None, vote=vote)
    keys = [option.key for option in vote.options.all()]

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            return {keys[int(key)] if str(key).isdigit() else key: resolve(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [keys[item] if isinstance(item, int) else item for item in value]
        return value

    for code, content in zip(codes, contents):
        ballots.ballot_cast(vote=vote, code=code, content=resolve(content))
    ballots.vote_close(actor=None, vote=vote)
    ballots.vote_count(actor=None, vote=vote)
    if release:
        ballots.vote_release(actor=None, vote=vote)
    vote.refresh_from_db()
    return vote


@pytest.fixture
def case(officer: Any, county: dict[str, Any], team: dict[str, Any]) -> Any:
    return services.case_create(actor=officer, title="县水利局副局长选拔", unit=county["water"],
                                started_on=dt.date(2026, 3, 2))


def topic_of(officer: Any, case: Any, present: int) -> Any:
    meeting = services.meeting_create(actor=officer, kind=MeetingKind.STANDING, title="县委常委会第5次会议",
                                      held_on=D, members=[(f"委员{i}", True, "") for i in range(present)],
                                      chair="书记")
    return services.topic_add(actor=officer, meeting=meeting, case=case, title="研究干部任免事项")


def decision_vote(team: dict[str, Any], *, release: bool = True) -> Any:
    # 9 members: 张 (the candidate) 6 同意, 2 不同意, 1 弃权; the deputy 4 / 4 / 1
    marks = [("yes", "yes")] * 4 + [("yes", "no")] * 2 + [("no", "no")] * 2 + [("abstain", "abstain")]
    return held_vote(VoteKind.DECISION, [team["candidate"], team["deputy"]],
                     [{"choices": {"0": a, "1": b}} for a, b in marks], expected=9, release=release)


def test_a_released_decision_vote_becomes_the_topics_secret_decision(officer, case, team):
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    topic = topic_of(officer, case, present=9)
    vote = decision_vote(team)
    decision = ballot_results.decision_from_vote(actor=officer, topic=topic, nominee=nominee, vote=vote)
    assert (decision.agree, decision.disagree, decision.abstain) == (6, 2, 1)
    assert decision.method == DecisionMethod.SECRET and decision.vote_id == vote.pk
    assert decision.is_passed  # 6 of 应到会 9 is more than half
    assert decision.decided_on == D  # the meeting's date
    event = AuditEvent.objects.filter(action=CaseAction.MEETING_DECISION_RECORDED).latest("pk")
    assert event.changes["vote"] == vote.pk
    assert (event.target_id, event.subject_id) == (str(team["candidate"].pk), str(case.pk))


def test_a_vote_not_yet_released_is_refused(officer, case, team):
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    topic = topic_of(officer, case, present=9)
    vote = decision_vote(team, release=False)
    with pytest.raises(ValidationError, match="尚未公布"):
        ballot_results.decision_from_vote(actor=officer, topic=topic, nominee=nominee, vote=vote)
    assert not topic.decisions.exists()


def test_a_nominee_not_on_the_list_or_a_vote_of_another_kind_is_refused(officer, case, team):
    stranger = services.nominee_add(actor=officer, case=case, person=team["deputy_two"])
    topic = topic_of(officer, case, present=9)
    vote = decision_vote(team)
    with pytest.raises(ValidationError, match="陈副局长不在"):
        ballot_results.decision_from_vote(actor=officer, topic=topic, nominee=stranger, vote=vote)
    with pytest.raises(ValidationError, match="不是民主测评"):
        ballot_results.rating_from_vote(actor=officer, nominee=stranger, vote=vote)


def test_an_actor_without_ballots_codes_may_not_read_the_vote(officer, case, team, county):
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    topic = topic_of(officer, case, present=9)
    vote = decision_vote(team)
    clerk = user_with_role("unit_clerk", maintained=[county["east"]])
    with pytest.raises(PermissionDenied):
        ballot_results.decision_from_vote(actor=clerk, topic=topic, nominee=nominee, vote=vote)
    assert not topic.decisions.exists()


def test_a_recommendation_puts_its_votes_on_each_nominee_by_person(officer, case, team):
    candidate = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    deputy = services.nominee_add(actor=officer, case=case, person=team["deputy"],
                                  recommended_on=dt.date(2026, 4, 1))
    # 10 ballots, up to 2 names: candidate 7, deputy 3, 孙某 (not on record) 4, one 弃权
    contents = ([{"names": [0, 2]}] * 4 + [{"names": [0]}] * 3 + [{"names": [1]}] * 2
                + [{"names": [1]}] + [{"abstain": True}])
    vote = held_vote(VoteKind.RECOMMENDATION, [team["candidate"], team["deputy"], "孙某"], contents,
                     expected=10, max_choices=2)
    updated = ballot_results.recommendation_from_vote(actor=officer, case=case, vote=vote)
    assert {nominee.pk for nominee in updated} == {candidate.pk, deputy.pk}
    candidate.refresh_from_db()
    deputy.refresh_from_db()
    assert (candidate.recommendation_votes, candidate.recommendation_ballots) == (7, 10)
    assert (deputy.recommendation_votes, deputy.recommendation_ballots) == (3, 10)
    assert candidate.recommended_on == timezone.localdate(vote.closed_at)
    assert deputy.recommended_on == dt.date(2026, 4, 1)  # a date already recorded is kept
    events = AuditEvent.objects.filter(action=CaseAction.NOMINEE_UPDATED)
    assert events.count() == 2
    assert {(event.target_id, event.subject_id) for event in events} == {
        (str(team["candidate"].pk), str(case.pk)), (str(team["deputy"].pk), str(case.pk))}


def test_a_recommendation_with_no_nominee_on_its_list_is_refused(officer, case, team):
    services.nominee_add(actor=officer, case=case, person=team["deputy_two"])
    vote = held_vote(VoteKind.RECOMMENDATION, [team["candidate"]], [{"names": [0]}], expected=1, max_choices=1)
    with pytest.raises(ValidationError, match="都不在"):
        ballot_results.recommendation_from_vote(actor=officer, case=case, vote=vote)


def test_a_rating_puts_the_grades_and_shares_on_the_nominee(officer, case, team):
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    grades = ["优秀"] * 5 + ["称职"] * 3 + ["基本称职"] + ["不称职"]
    vote = held_vote(VoteKind.RATING, [team["candidate"], team["deputy"]],
                     [{"ratings": {"0": grade, "1": "称职"}} for grade in grades], expected=10)
    nominee = ballot_results.rating_from_vote(actor=officer, nominee=nominee, vote=vote)
    nominee.refresh_from_db()
    rating = nominee.rating_result
    assert rating["vote"] == vote.pk and rating["valid"] == 10
    assert rating["counts"] == {"优秀": 5, "称职": 3, "基本称职": 1, "不称职": 1}
    assert rating["shares"]["优秀"] == "0.5000" and rating["shares"]["不称职"] == "0.1000"
    assert rating["scale"] == ["优秀", "称职", "基本称职", "不称职"]
    assert AuditEvent.objects.filter(action=CaseAction.NOMINEE_UPDATED).count() == 1
