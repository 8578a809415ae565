"""VOTING.md test 5: kill the web server and the database's connections during a burst of 1,000
ballots; every receipt handed out has its ballot, and used codes equal ballots.

A real `cadres serve` (gunicorn, 3 processes × 4 threads, persistent connections) runs against
the PostgreSQL test database. 40 phones (threads) cast 1,000 ballots over HTTP. Mid-burst:
one worker is killed with SIGKILL (the master starts another), the server's database backends
are terminated (pg_terminate_backend: the PostgreSQL server itself is shared with other test
runs, so it is not stopped), the master and every worker are killed with SIGKILL at once and
the server is started again, then the backends and a worker once more. A phone that gets no
answer sends the same ballot again, as the page tells the voter to. The PostgreSQL server's
own crash safety (a committed transaction survives it) is PostgreSQL's: what is tested here is
that nothing is acknowledged before it is committed and nothing committed is lost or doubled
by a retry.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection

from cadres.ballots import services
from cadres.ballots.loadtest import APPLICATION_NAME, Voter
from cadres.ballots.models import Ballot, VotingCode
from cadres.ballots.selectors import vote_integrity
from cadres.ballots.tests.support import sign_in_people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="a real server and database under crashes: run with DATABASE_URL=postgres://…"),
]

VOTERS = 1000
PHONES = 40


def terminate_server_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                       " WHERE application_name = %s AND datname = current_database()", [APPLICATION_NAME])
        return int(cursor.fetchone()[0])


def test_a_burst_of_1000_ballots_survives_killed_servers_and_connections(production_server):
    # given: a 票决 of three nominees, 1,000 people signed in, 1,000 codes, open
    vote = services.vote_create(actor=None, kind="decision", title="全委会票决", expected_count=VOTERS,
                                options=["张三", "李四", "王五"])
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, VOTERS)
    codes = services.codes_issue(actor=None, vote=vote, count=VOTERS)
    services.vote_open(actor=None, vote=vote)
    options = list(vote.options.all())
    marks = ["yes", "no", "abstain"]
    ballots = [[(f"c_{option.pk}", marks[(index + position) % 3]) for position, option in enumerate(options)]
               for index in range(VOTERS)]
    production_server.start()

    lock = threading.Lock()
    acknowledged: dict[int, str] = {}
    phones: list[Voter] = []
    done = threading.Event()
    events: list[tuple[str, int, int]] = []

    def cast(index: int) -> None:
        phone = Voter("127.0.0.1", production_server.port, vote.pk, timeout=20)
        try:
            receipt = phone.vote(codes[index], ballots[index], full=False, give_up_after=45, pause=0.1)
        finally:
            phone.close()
            with lock:
                phones.append(phone)
        with lock:
            acknowledged[index] = receipt

    def chaos() -> None:
        """The disruptions, each when so many ballots have been acknowledged."""
        plan = [(150, "kill one worker"), (300, "terminate the database backends"),
                (500, "kill master and workers, restart"), (750, "terminate the backends, kill a worker")]
        for threshold, action in plan:
            while len(acknowledged) < threshold:
                if done.wait(0.01):
                    return
            if action == "kill one worker":
                hit = 1 if production_server.kill_worker() else 0
            elif action == "terminate the database backends":
                hit = terminate_server_backends()
            elif action.startswith("kill master"):
                production_server.kill()
                hit = 1
                time.sleep(0.5)  # phones find the server down meanwhile
                production_server.start()
            else:
                hit = terminate_server_backends() + (1 if production_server.kill_worker() else 0)
            events.append((action, len(acknowledged), hit))

    controller = threading.Thread(target=chaos)
    controller.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(PHONES) as pool:
            outcomes = list(pool.map(lambda index: cast(index) or "ok", range(VOTERS)))
    finally:
        done.set()
        controller.join()
    elapsed = time.monotonic() - started

    # then: every disruption happened, mid-burst, and hit something
    assert [action for action, _, _ in events] == [
        "kill one worker", "terminate the database backends", "kill master and workers, restart",
        "terminate the backends, kill a worker"]
    assert all(hit > 0 for _, _, hit in events), events
    assert all(at < VOTERS for _, at, _ in events), events
    assert production_server.starts == 2
    # some phones got no answer and sent their ballot again
    assert sum(len(phone.failures) for phone in phones) > 0
    assert outcomes == ["ok"] * VOTERS

    # every receipt handed out has its ballot, with what that voter sent; nothing doubled
    receipts = list(acknowledged.values())
    assert len(receipts) == len(set(receipts)) == VOTERS
    stored = dict(Ballot.objects.filter(vote=vote).values_list("receipt", "content"))
    assert set(stored) == set(receipts)
    for index, receipt in acknowledged.items():
        sent = {option.key: value for option, (_, value) in zip(options, ballots[index])}
        assert stored[receipt] == {"choices": sent}
    integrity = vote_integrity(vote)
    assert integrity.used_codes == integrity.ballots == integrity.counter == VOTERS
    assert VotingCode.objects.filter(vote=vote, is_used=False).count() == 0
    print("disruptions:", events, "phones' failures:", sum(len(phone.failures) for phone in phones),
          f"{elapsed:.1f}s")
    call_command("vote", "check")  # raises CommandError (exit 2) on a mismatch
    assert elapsed < 60, elapsed
