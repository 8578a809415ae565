"""Load benchmark of the voter pages (VOTING.md test 11): 1,000 voters cast 民主测评 ballots
rating 40 cadres against the production setup, gunicorn (`cadres serve`: persistent database
connections, workers and threads for this 2-core machine) and PostgreSQL.

    .venv/bin/python bench/voting_load.py
    .venv/bin/python bench/voting_load.py --database-url postgres://postgres@127.0.0.1:5432 --voters 1000
    .venv/bin/python bench/voting_load.py --existing postgres://postgres@127.0.0.1:5432/cadres_kept

It creates a fresh PostgreSQL database on the server (or uses --existing, adding a vote to it),
migrates it, and sets up a 民主测评 through the services: 40 cadres, 1,000 people signed in,
1,000 codes, opened. It starts `cadres serve` against it and lets `--voters` simulated phones
(threads, standard library HTTP, `--concurrency` at a time) each fetch the voter page, send
the code, then the ballot (a grade for each of the 40 cadres), retrying a ballot that got no
answer. It prints ballots acknowledged, ballots stored, used codes, errors, p50/p99 of the
cast request and of every request, and the total seconds; beside them two bare baselines in
the same process so the ratios hold on a slower machine: the same number of plain INSERTs of
one ballot's JSON over psycopg by as many threads as the server has (autocommit), and as many GETs
of a static file through the same gunicorn. Then it closes the vote, counts it and runs
`cadres vote verify`. The database is dropped at the end (unless --keep or --existing).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help="a PostgreSQL server URL")
    parser.add_argument("--existing", help="a PostgreSQL database URL to use as it is (migrated)")
    parser.add_argument("--keep", action="store_true", help="keep the database created")
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--cadres", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=50, help="phones sending at the same time")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--spread", type=float, default=0,
                        help="seconds over which the voters arrive, evenly (default 0: all at once, a burst)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    if args.existing:
        os.environ["DATABASE_URL"] = args.existing
        drop = None
    else:
        from structure import _create_database

        drop = _create_database(args.database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("voting_load: PostgreSQL only (--database-url postgres://…)")
    scratch = Path(tempfile.mkdtemp(prefix="cadres-bench-voting-"))
    try:
        if not args.existing:
            call_command("migrate", verbosity=0)
        _run(args, scratch)
    finally:
        connection.close()
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
        if drop is not None:
            if args.keep:
                print("kept:", os.environ["DATABASE_URL"])
            else:
                drop()


def _setup(voters: int, cadres: int):
    from cadres.ballots import services
    from cadres.ballots.tests.support import sign_in_people

    started = time.perf_counter()
    vote = services.vote_create(actor=None, kind="rating", title="年度民主测评（压力测试）", expected_count=voters,
                                options=[f"干部{index:02d}" for index in range(1, cadres + 1)])
    services.vote_freeze(actor=None, vote=vote)
    sign_in_people(vote, voters)
    codes = services.codes_issue(actor=None, vote=vote, count=voters)
    services.vote_open(actor=None, vote=vote)
    vote.refresh_from_db()
    print(f"set up: {cadres} cadres, {voters} signed in, {voters} codes in {time.perf_counter() - started:.1f}s",
          flush=True)
    return vote, codes


def _run(args, scratch: Path) -> None:
    from django.conf import settings
    from django.db import connection

    from cadres.ballots.loadtest import ProductionServer, Unacknowledged, Voter, percentile
    from cadres.ballots.models import Ballot, VotingCode

    rng = random.Random(args.seed)
    vote, codes = _setup(args.voters, args.cadres)
    options = list(vote.options.all())
    scale = list(vote.rating_scale)
    ballots = [[(f"r_{option.pk}", rng.choice(scale)) for option in options] for _ in codes]
    url = os.environ["DATABASE_URL"]
    server = ProductionServer(database_url=url, secret_key=settings.SECRET_KEY, var_dir=scratch,
                              workers=args.workers, threads=args.threads, log_level="WARNING")
    server.start()
    print(f"server: cadres serve, {args.workers} processes × {args.threads} threads, "
          f"DATABASE_CONN_MAX_AGE=600, {os.cpu_count()} cores; {args.concurrency} phones at a time"
          + (f", arriving over {args.spread:.0f}s" if args.spread else ", all at once"), flush=True)
    try:
        # Warm-up: each worker process loads its code and opens its connections.
        for _ in range(args.workers * 2):
            warm = Voter("127.0.0.1", server.port, vote.pk)
            warm.open_page()
            warm.close()

        lock = threading.Lock()
        receipts: list[str] = []
        errors: list[str] = []
        phones: list[Voter] = []

        def one(index: int) -> None:
            if args.spread:
                time.sleep(max(0.0, started + index * args.spread / len(codes) - time.perf_counter()))
            phone = Voter("127.0.0.1", server.port, vote.pk)
            try:
                receipt = phone.vote(codes[index], ballots[index])
                with lock:
                    receipts.append(receipt)
            except (Unacknowledged, RuntimeError) as error:
                with lock:
                    errors.append(str(error))
            finally:
                phone.close()
                with lock:
                    phones.append(phone)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, range(len(codes))))
        total = time.perf_counter() - started

        casts = [seconds for phone in phones for kind, seconds in phone.latencies if kind == "cast"]
        every = [seconds for phone in phones for _, seconds in phone.latencies]
        stored = Ballot.objects.filter(vote=vote).count()
        used = VotingCode.objects.filter(vote=vote, is_used=True).count()
        found = Ballot.objects.filter(vote=vote, receipt__in=receipts).count()
        retried = sum(len(phone.failures) for phone in phones)
        print(f"voters {len(codes)}: acknowledged {len(receipts)}, stored {stored}, used codes {used}, "
              f"receipts found in the box {found}, errors {len(errors)}, retries {retried}")
        print(f"cast request: p50 {percentile(casts, 0.5) * 1000:.0f} ms, p99 {percentile(casts, 0.99) * 1000:.0f} ms, "
              f"max {max(casts) * 1000:.0f} ms; every request ({len(every)}): p50 "
              f"{percentile(every, 0.5) * 1000:.0f} ms, p99 {percentile(every, 0.99) * 1000:.0f} ms; "
              f"total {total:.1f}s ({len(codes) / total:.0f} voters/s)", flush=True)
        for error in errors[:5]:
            print("  error:", error)

        _baseline_static(server, len(every), args.concurrency)
    finally:
        server.stop()
    _baseline_inserts(url, len(codes), args.workers * args.threads, ballots[0])

    from cadres.ballots import services
    from cadres.ballots.verification import vote_verify

    started = time.perf_counter()
    services.vote_close(actor=None, vote=vote)
    services.vote_count(actor=None, vote=vote)
    close_count = time.perf_counter() - started
    report = vote_verify(vote.pk)
    print(f"close + count {close_count:.2f}s; cadres vote verify: {'passed' if report.is_intact else 'FAILED'}"
          f" {'; '.join(report.problems)}")
    connection.close()
    if receipts and (stored != len(receipts) or found != len(receipts) or used != stored):
        sys.exit("voting_load: ballots lost or unaccounted for")


def _baseline_static(server, requests: int, concurrency: int) -> None:
    """As many GETs of a static file through the same gunicorn, same client, same concurrency."""
    import http.client

    from cadres.ballots.loadtest import percentile

    times: list[float] = []
    lock = threading.Lock()

    def one(_: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        started = time.perf_counter()
        connection.request("GET", "/static/ballots/voter.css")
        response = connection.getresponse()
        response.read()
        connection.close()
        with lock:
            times.append(time.perf_counter() - started)
        assert response.status == 200, response.status

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(requests)))
    total = time.perf_counter() - started
    print(f"baseline, {requests} GETs of a static file through the same gunicorn: p50 "
          f"{percentile(times, 0.5) * 1000:.0f} ms, p99 {percentile(times, 0.99) * 1000:.0f} ms, total {total:.1f}s")


def _baseline_inserts(url: str, count: int, concurrency: int, fields) -> None:
    """The same number of plain INSERTs of one ballot's JSON over psycopg, autocommit, one
    connection per thread, as many threads as the server has (its database connections)."""
    import json

    import psycopg

    from cadres.ballots.loadtest import percentile

    content = json.dumps({"ratings": dict(fields)}, ensure_ascii=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("CREATE TABLE IF NOT EXISTS bench_plain_ballot (id uuid PRIMARY KEY, content jsonb)")
    local = threading.local()
    times: list[float] = []
    lock = threading.Lock()
    connections = []

    def one(_: int) -> None:
        import uuid

        if not hasattr(local, "connection"):
            local.connection = psycopg.connect(url, autocommit=True)
            with lock:
                connections.append(local.connection)
        started = time.perf_counter()
        local.connection.execute("INSERT INTO bench_plain_ballot VALUES (%s, %s)", [uuid.uuid4(), content])
        with lock:
            times.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(count)))
    total = time.perf_counter() - started
    for connection in connections:
        connection.close()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP TABLE bench_plain_ballot")
    print(f"baseline, {count} plain INSERTs of the ballot's JSON (psycopg, autocommit, {concurrency} threads): "
          f"p50 {percentile(times, 0.5) * 1000:.1f} ms, p99 {percentile(times, 0.99) * 1000:.1f} ms, "
          f"total {total:.1f}s; median {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
