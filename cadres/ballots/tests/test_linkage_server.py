"""VOTING.md test 7 in full, against PostgreSQL and the production server: a scripted linkage
attack after a realistic session through gunicorn.

The attacker knows the sign-in order (it is public in the room) and — the worst case — the
order in which the voters pressed the button (voter i casts i-th, watched by a camera). After
the close he holds the whole database: every ballots table, the audit record, PostgreSQL's
hidden columns (xmin, ctid), and the server's access log, error log and application log. He
lines the ballots up with the voters by every order he can read and counts the voters he gets
right. Chance is one right on average (the fixed points of a random permutation; P(≥ 8) ≈
1e-5); the order of casting would give all of them. Each voter names a different candidate,
so the test (not the attacker) knows whose ballot is whose.
"""

import json
import re
from pathlib import Path

import pytest
from django.db import connection

from cadres.audit.models import AuditEvent
from cadres.ballots import services
from cadres.ballots.loadtest import Voter
from cadres.ballots.models import Attendance, Ballot, CastReceipt, Vote, VoteOption, VoterGroup, VotingCode
from cadres.ballots.tests.support import sign_in_people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="PostgreSQL's hidden columns and a real server: run with DATABASE_URL=postgres://…"),
]

VOTERS = 60
CHANCE_MARGIN = 7  # right guesses allowed: chance gives 1 on average, P(≥ 8) ≈ 1e-5 per order


def rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def right_guesses(order: list[int]) -> int:
    """The attacker pairs the i-th ballot of the order with the i-th voter to cast."""
    return sum(1 for position, voter in enumerate(order) if position == voter)


def test_nothing_read_after_close_links_a_voter_to_a_ballot(production_server):
    # given: a 民主推荐 of 60 candidates, one name each; voter i signs in i-th
    vote = services.vote_create(actor=None, kind="recommendation", title="民主推荐", expected_count=VOTERS,
                                options=[f"候选人{index:02d}" for index in range(VOTERS)], max_choices=1)
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, VOTERS)
    codes = services.codes_issue(actor=None, vote=vote, count=VOTERS)
    services.vote_open(actor=None, vote=vote)
    option_ids = list(vote.options.values_list("pk", flat=True))
    production_server.start()

    # when: through gunicorn, voter i opens the page, sends his code, names candidate i and
    # gets his receipt, one after the other; the first mistypes his code once
    receipts = []
    phone = Voter("127.0.0.1", production_server.port, vote.pk)
    phone.open_page()
    assert "投票码无效" in phone._request("code", "POST", f"/ballots/v/{vote.pk}/",
                                         [("csrfmiddlewaretoken", phone.csrf), ("code", "ZZZZ-ZZZZ")])[1]
    for index in range(VOTERS):
        phone = Voter("127.0.0.1", production_server.port, vote.pk)
        receipts.append(phone.vote(codes[index], [("names", str(option_ids[index]))]))
        phone.close()
    services.vote_close(actor=None, vote=vote)
    services.vote_count(actor=None, vote=vote)
    production_server.stop()

    def voter_of(content) -> int:
        if isinstance(content, str):
            content = json.loads(content)
        return option_ids.index(int(content["names"][0]))

    # then: the tables hold no column naming a voter, a code, a time or an address
    def columns(model) -> set[str]:
        with connection.cursor() as cursor:
            return {column.name for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table)}

    assert columns(Ballot) == {"id", "vote_id", "group_id", "content", "receipt"}
    assert columns(VotingCode) == {"id", "vote_id", "group_id", "code_hash", "is_used"}
    assert columns(Attendance) == {"id", "vote_id", "group_id", "person_id", "name", "unit_label", "roll_key"}
    assert not CastReceipt.objects.exists()
    table = Ballot._meta.db_table

    # every order of the box the attacker can read, as the voters' positions
    orders = {
        name: [voter_of(content) for (content,) in rows(
            f"SELECT content FROM {table} WHERE vote_id = %s {order}", [vote.pk])]
        for name, order in {
            "unordered": "", "id": "ORDER BY id", "receipt": "ORDER BY receipt",
            "ctid": "ORDER BY ctid", "xmin": "ORDER BY xmin::text::bigint, ctid",
            "group": "ORDER BY group_id, ctid",
        }.items()
    }
    for name, order in orders.items():
        assert sorted(order) == list(range(VOTERS)), name
        assert right_guesses(order) <= CHANCE_MARGIN, (name, right_guesses(order))
    # the close rewrote the box in one transaction: xmin tells no ballot from another
    assert len(rows(f"SELECT DISTINCT xmin::text FROM {table} WHERE vote_id = %s", [vote.pk])) == 1
    # receipts are random text, not a counter; ids are random UUIDs (version 4)
    assert len(set(receipts)) == VOTERS and not any(receipt.isdigit() for receipt in receipts)
    assert {version for (version,) in rows(f"SELECT DISTINCT substr(id::text, 15, 1) FROM {table}", [])} == {"4"}

    # the codes' rows: their order (id, ctid, xmin of the use) is the order of *codes* used,
    # and no table maps a code to a ballot or a person — nothing lines them up with ballots
    code_rows = rows(f"SELECT code_hash FROM {VotingCode._meta.db_table} WHERE vote_id = %s"
                     " ORDER BY xmin::text::bigint", [vote.pk])
    assert len(code_rows) == VOTERS
    box_text = str(rows(f"SELECT * FROM {table}", []))
    assert not any(code_hash in box_text for (code_hash,) in code_rows)

    # the counters and groups carry totals only
    assert Vote.objects.get(pk=vote.pk).ballots_cast == VOTERS
    assert VoterGroup.objects.get(vote=vote).ballots_cast == VOTERS

    # the audit record: the roll and the lifecycle; nothing between the open and the close,
    # no receipt, no code, no ballot content anywhere in it
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "changes", "target_label"))
    actions = [action for action, _, _ in events]
    assert actions.index("vote.closed") == actions.index("vote.opened") + 1
    audit_text = str(events)
    for receipt in receipts:
        assert receipt not in audit_text
    for code in codes:
        assert code not in audit_text and code.replace("-", "") not in audit_text

    # the logs: not one line about a voter's page, no code, no receipt, no candidate chosen
    logs = production_server.logs()
    assert "Booting worker" in logs  # the logs were written (gunicorn's error log)
    lines = logs.splitlines()
    assert not [line for line in lines if "/ballots/v/" in line or "/ballot/" in line]
    for secret in [*codes, *(code.replace("-", "") for code in codes), "ZZZZ-ZZZZ", "ZZZZZZZZ", *receipts]:
        assert secret not in logs
    assert not [line for line in lines if re.search(r"names=|csrfmiddlewaretoken|c_\d+=|r_\d+=", line)]
    assert Path(production_server.access_log).exists() and Path(production_server.error_log).exists()
    assert VoteOption.objects.filter(vote=vote).count() == VOTERS
