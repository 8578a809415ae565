"""The yearly 民主测评 of a team onto each rated cadre's record: written when the vote is
released (not before), for the options linked to a person, and shown by `{% person_ratings %}`
only to those who may see published results, of the votes in their scope."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from cadres.accounts.testing import person_in, unit_tree
from cadres.audit.models import AuditEvent
from cadres.ballots import services
from cadres.ballots.actions import BallotPermission
from cadres.ballots.models import PersonRating
from cadres.ballots.tests.support import sign_in_people, user_with_codes

pytestmark = pytest.mark.django_db


def team_rating(people, *, unit=None, grades=("优秀", "优秀", "称职", "基本称职")):
    """A 民主测评 of the people and one cadre not on record, counted (not released)."""
    vote = services.vote_create(actor=None, kind="rating", title="2026年度班子成员民主测评", unit=unit,
                                expected_count=len(grades),
                                options=[*({"name": person.name, "person": person} for person in people), "外聘专家"])
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, len(grades))
    codes = services.codes_issue(actor=None, vote=vote, count=len(grades))
    services.vote_open(actor=None, vote=vote)
    keys = [option.key for option in vote.options.all()]
    for code, grade in zip(codes, grades):
        services.ballot_cast(vote=vote, code=code, content={"ratings": dict.fromkeys(keys, grade)})
    services.vote_close(actor=None, vote=vote)
    services.vote_count(actor=None, vote=vote)
    return vote


def render(person, user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load ballot_tags %}{% person_ratings person %}").render(
        Context({"person": person, "request": request}))


def test_release_writes_the_rating_onto_each_rated_cadres_record():
    units = unit_tree()
    first, second = person_in(units["east"], "张三"), person_in(units["east"], "李四")
    vote = team_rating([first, second])
    assert not PersonRating.objects.exists()  # counted is not published
    services.vote_release(actor=None, vote=vote)
    ratings = PersonRating.objects.order_by("person__name")
    assert {rating.person for rating in ratings} == {first, second}  # 外聘专家 has no record
    rating = PersonRating.objects.get(person=first)
    assert rating.year == timezone.localdate(vote.closed_at).year
    assert rating.counts == {"优秀": 2, "称职": 1, "基本称职": 1, "不称职": 0}
    assert rating.shares["优秀"] == "0.5000" and rating.valid_ballots == 4
    released = AuditEvent.objects.filter(action="vote.released").latest("pk")
    assert sorted(released.changes["person_ratings"]) == sorted(["张三", "李四"])


def test_a_decision_vote_writes_no_rating():
    units = unit_tree()
    person = person_in(units["east"], "张三")
    vote = services.vote_create(actor=None, kind="decision", title="票决", expected_count=1,
                                options=[{"name": "张三", "person": person}])
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, 1)
    codes = services.codes_issue(actor=None, vote=vote, count=1)
    services.vote_open(actor=None, vote=vote)
    services.ballot_cast(vote=vote, code=codes[0], content={"choices": {vote.options.get().key: "yes"}})
    services.vote_close(actor=None, vote=vote)
    services.vote_count(actor=None, vote=vote)
    services.vote_release(actor=None, vote=vote)
    assert not PersonRating.objects.exists()


def test_the_card_shows_ratings_to_those_who_may_see_published_results_in_scope():
    units = unit_tree()
    person = person_in(units["east"], "张三")
    services.vote_release(actor=None, vote=team_rating([person], unit=units["east"]))
    viewer = user_with_codes(BallotPermission.VIEW)
    shown = render(person, viewer)
    assert "民主测评结果" in shown and "2026年度班子成员民主测评" in shown
    assert "优秀 2（50.00%）" in shown and "不称职 0（0.00%）" in shown
    # no ballots code: not even the heading
    assert render(person, user_with_codes("cases.view")).strip() == ""
    # a ballots code but the vote's unit out of scope
    assert render(person, user_with_codes(BallotPermission.VIEW, units=(units["west"],))).strip() == ""
    assert "民主测评结果" in render(person, user_with_codes(BallotPermission.VIEW, units=(units["east"],)))
