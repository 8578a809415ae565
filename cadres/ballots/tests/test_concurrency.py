"""Twenty concurrent submissions of one code against real PostgreSQL: exactly one ballot
(VOTING.md 2). Threads each with their own connection; the test database is shared, so the
test runs with transaction=True."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cadres.ballots import services
from cadres.ballots.models import Ballot, VotingCode
from cadres.ballots.selectors import vote_integrity
from cadres.ballots.tests.support import decision, open_vote

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks under real concurrency: run with DATABASE_URL=postgres://…"),
]


def submit_together(vote, code, contents):
    barrier = threading.Barrier(len(contents))
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def submit(content):
        try:
            barrier.wait()
            receipt = services.ballot_cast(vote=vote.pk, code=code, content=content)
            outcome = ("receipt", receipt)
        except ValidationError as error:
            outcome = ("refused", error.code)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit, args=(content,)) for content in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_twenty_concurrent_submissions_of_one_code_store_exactly_one_ballot():
    vote, codes = open_vote(expected=5)
    # Ten submit one content (a retry storm), ten another (a second voter with the same code).
    contents = [decision(vote, "yes", "no")] * 10 + [decision(vote, "no", "yes")] * 10
    outcomes = submit_together(vote, codes[0], contents)
    assert len(outcomes) == 20
    assert Ballot.objects.filter(vote=vote).count() == 1
    receipts = {value for kind, value in outcomes if kind == "receipt"}
    assert len(receipts) == 1
    refusals = [value for kind, value in outcomes if kind == "refused"]
    assert set(refusals) <= {"code_used"}
    # Those that sent the stored content got its receipt; the others were refused.
    assert len(refusals) == 10
    assert VotingCode.objects.filter(vote=vote, is_used=True).count() == 1
    assert vote_integrity(vote).is_intact


def test_concurrent_casts_with_different_codes_all_land():
    vote, codes = open_vote(expected=20)
    barrier = threading.Barrier(20)
    receipts = []

    def submit(code):
        barrier.wait()
        try:
            receipts.append(services.ballot_cast(vote=vote.pk, code=code, content=decision(vote, "yes", "yes")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(receipts)) == 20
    assert vote_integrity(vote).is_intact
