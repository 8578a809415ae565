"""A first linkage attack (VOTING.md 7): with the sign-in order known, read every ballots
table and the audit record after a vote and try to line ballots up with voters.

Why it must fail: no table maps a voter to a code or to a ballot. The roll (Attendance) has
no time and no link to a code; a code row (VotingCode) has a keyed hash, a group and a used
flag; a ballot row has a random UUID, its vote, its group, its content and a random receipt —
no voter, no code, no time, no address, no sequence; the code → receipt mapping used for
retries (CastReceipt) is erased at close; the audit has no event per cast. On PostgreSQL the
hidden columns give the physical insert order (xmin, ctid); the close rewrites the box in
receipt order in its own transaction, so after close every ballot shares the close's xmin and
ctid follows the random receipts, not the order of casting. The attack here makes voters cast
in sign-in order — the worst case for order leaks — and checks that nothing read correlates
with that order better than chance.
"""

import json
import random

import pytest
from django.db import connection

from cadres.audit.models import AuditEvent
from cadres.ballots import services
from cadres.ballots.models import Attendance, Ballot, CastReceipt, VotingCode
from cadres.ballots.tests.support import keys, sign_in_people

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 60


def spearman(order: list[int]) -> float:
    """Rank correlation of a permutation with 0..n-1."""
    n = len(order)
    return 1 - 6 * sum((rank - index) ** 2 for index, rank in enumerate(order)) / (n * (n * n - 1))


def table_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [column.name for column in connection.introspection.get_table_description(cursor, table)]


def test_ballot_rows_carry_nothing_that_follows_the_sign_in_order():
    # given: a 测评-like vote where voter i signs in i-th and casts i-th, rating 甲 with a
    # grade that is a function of i (so we know which ballot is whose)
    vote = services.vote_create(actor=None, kind="recommendation", title="民主推荐", expected_count=VOTERS,
                                options=[f"候选人{index:02d}" for index in range(VOTERS)], max_choices=1)
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, VOTERS)
    codes = services.codes_issue(actor=None, vote=vote, count=VOTERS)
    services.vote_open(actor=None, vote=vote)
    option_keys = keys(vote)
    # Voter i names candidate i: the content reveals the voter to the test, not to the attacker.
    for index in range(VOTERS):
        services.ballot_cast(vote=vote, code=codes[index], content={"names": [option_keys[index]]})
    signed_in_order = list(Attendance.objects.filter(vote=vote).order_by("pk").values_list("name", flat=True))
    assert signed_in_order == [f"代表{index:03d}" for index in range(1, VOTERS + 1)]
    services.vote_close(actor=None, vote=vote)

    # then: the ballot table has no column that could name a voter, a code or a time
    assert set(table_columns(Ballot._meta.db_table)) == {"id", "vote_id", "group_id", "content", "receipt"}
    assert set(table_columns(VotingCode._meta.db_table)) == {"id", "vote_id", "group_id", "code_hash", "is_used"}
    assert set(table_columns(Attendance._meta.db_table)) == {
        "id", "vote_id", "group_id", "person_id", "name", "unit_label", "roll_key"}
    assert not CastReceipt.objects.exists()

    def voter_of(content) -> int:
        return option_keys.index(content["names"][0])

    # The order of every readable ordering of the box, as the voters' sign-in positions.
    orderings = {
        "id": [voter_of(c) for c in Ballot.objects.filter(vote=vote).order_by("id").values_list("content", flat=True)],
        "receipt": [voter_of(c) for c in
                    Ballot.objects.filter(vote=vote).order_by("receipt").values_list("content", flat=True)],
        "unordered": [voter_of(c) for c in Ballot.objects.filter(vote=vote).values_list("content", flat=True)],
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text, ctid::text, content FROM ballots_ballot WHERE vote_id = %s"
                           " ORDER BY ctid", [vote.pk])
            rows = cursor.fetchall()
        # Every ballot was written by the close's one transaction: xmin tells nothing apart.
        assert len({xmin for xmin, _, _ in rows}) == 1
        orderings["ctid"] = [voter_of(content if isinstance(content, dict) else json.loads(content))
                             for _, _, content in rows]
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT content FROM ballots_ballot WHERE vote_id = %s ORDER BY rowid", [vote.pk])
            orderings["rowid"] = [voter_of(json.loads(content)) for (content,) in cursor.fetchall()]

    # Chance: |rho| of a random permutation of 60 has sd ≈ 0.13; the cast order would give 1.0.
    for name, order in orderings.items():
        assert sorted(order) == list(range(VOTERS)), name
        assert abs(spearman(order)) < 0.5, (name, spearman(order))
    # Receipts are random text, not a counter.
    receipts = list(Ballot.objects.filter(vote=vote).values_list("receipt", flat=True))
    assert len(set(receipts)) == VOTERS and not any(receipt.isdigit() for receipt in receipts)

    # The audit record: the roll and the lifecycle only; nothing between the open and the close.
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "changes"))
    actions = [action for action, _ in events]
    assert actions.index("vote.closed") == actions.index("vote.opened") + 1
    assert not any(receipt in str(changes) for receipt in receipts for _, changes in events)


def test_a_random_casting_order_after_close_is_just_as_unreadable():
    """Sanity of the measure: with voters casting in random order the same statistic stays
    within chance too (so the first test's bound is not loose by construction)."""
    rng = random.Random(3)
    order = list(range(VOTERS))
    rng.shuffle(order)
    assert abs(spearman(order)) < 0.5
    assert spearman(list(range(VOTERS))) == 1.0
