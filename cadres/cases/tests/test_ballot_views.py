"""The case and meeting pages take a released vote's result: 民主推荐 onto the nominees, 民主测评
onto one nominee, 票决 onto a topic's decision; an unreleased vote is refused in words, a vote
outside the user's sight is a 404, a user without cases.manage gets 403."""

import pytest
from django.urls import reverse

from cadres.accounts.testing import sign_in
from cadres.ballots.models import VoteKind
from cadres.cases import services
from cadres.cases.models import TopicDecision
from cadres.cases.tests.test_ballot_results import case, decision_vote, held_vote, topic_of  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_case_page_offers_released_votes_and_takes_a_recommendation(client, officer, case, team):  # noqa: F811
    candidate = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    vote = held_vote(VoteKind.RECOMMENDATION, [team["candidate"]], [{"names": [0]}] * 3 + [{"abstain": True}],
                     expected=4, max_choices=1)
    sign_in(client, officer)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'id="ballot-import"' in page and vote.title in page

    response = client.post(reverse("cases:case_ballot_import", args=[case.pk]), {"vote": vote.pk}, follow=True)

    assert "已引用" in response.content.decode()
    candidate.refresh_from_db()
    assert (candidate.recommendation_votes, candidate.recommendation_ballots) == (3, 4)


def test_a_rating_goes_onto_the_chosen_nominee(client, officer, case, team):  # noqa: F811
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    vote = held_vote(VoteKind.RATING, [team["candidate"]], [{"ratings": {"0": "优秀"}}] * 2, expected=2)
    sign_in(client, officer)
    client.post(reverse("cases:case_ballot_import", args=[case.pk]), {"vote": vote.pk, "nominee": nominee.pk})
    nominee.refresh_from_db()
    assert nominee.rating_result["counts"]["优秀"] == 2


def test_an_unreleased_vote_is_refused_in_words(client, officer, case, team):  # noqa: F811
    services.nominee_add(actor=officer, case=case, person=team["candidate"])
    vote = held_vote(VoteKind.RECOMMENDATION, [team["candidate"]], [{"names": [0]}], expected=1, max_choices=1,
                     release=False)
    sign_in(client, officer)
    response = client.post(reverse("cases:case_ballot_import", args=[case.pk]), {"vote": vote.pk}, follow=True)
    assert "尚未公布" in response.content.decode()


def test_a_decision_vote_onto_the_topic_from_the_meeting_page(client, officer, case, team):  # noqa: F811
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    topic = topic_of(officer, case, present=9)
    vote = decision_vote(team)
    sign_in(client, officer)
    page = client.get(reverse("cases:meeting_detail", args=[topic.meeting_id])).content.decode()
    assert "或引用票决" in page

    client.post(reverse("cases:decision_from_vote", args=[topic.pk]), {"vote": vote.pk, "nominee": nominee.pk})

    decision = TopicDecision.objects.get(topic=topic, nominee=nominee)
    assert (decision.agree, decision.disagree, decision.abstain, decision.vote_id) == (6, 2, 1, vote.pk)
    assert decision.is_passed


def test_others_are_refused(client, officer, supervisor, east_clerk, case, team):  # noqa: F811
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    vote = held_vote(VoteKind.RATING, [team["candidate"]], [{"ratings": {"0": "优秀"}}], expected=1)
    url = reverse("cases:case_ballot_import", args=[case.pk])
    sign_in(client, east_clerk)
    assert client.post(url, {"vote": vote.pk, "nominee": nominee.pk}).status_code == 403
    sign_in(client, supervisor)
    assert client.post(url, {"vote": vote.pk, "nominee": nominee.pk}).status_code == 403
    sign_in(client, officer)
    assert client.post(url, {"vote": 999999, "nominee": nominee.pk}).status_code == 404
    nominee.refresh_from_db()
    assert nominee.rating_result == {}


def test_odd_ids_are_not_found_not_errors(client, officer, case, team):  # noqa: F811
    nominee = services.nominee_add(actor=officer, case=case, person=team["candidate"])
    topic = topic_of(officer, case, present=9)
    sign_in(client, officer)
    for vote in ("²", "abc", "", "1" * 40):
        assert client.post(reverse("cases:case_ballot_import", args=[case.pk]), {"vote": vote}).status_code == 404
    for value in ("abc", "²"):
        response = client.post(reverse("cases:decision_from_vote", args=[topic.pk]), {"vote": "1", "nominee": value})
        assert response.status_code == 404
    assert nominee.decisions.count() == 0
