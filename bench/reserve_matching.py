"""Benchmark of the reserve matching page (后备干部人岗匹配): reserves against forecast vacancies.

    .venv/bin/python bench/reserve_matching.py --people 100000
    .venv/bin/python bench/reserve_matching.py --existing sqlite:////tmp/…/bench.sqlite3

It generates people, units and posts as bench/structure.py does (100 teams of about ten
members in 100,000 people), then a county-wide pool of reserves (后备干部: about 3% of the
people, with one 年度考核 grade each and 任现职级时间 left empty for half of them, so the
matching reads their posts for it) and times reserves.matching.matching over the whole
county for the twelve months from today: the openings (each team member reaching his
rank's age limit, from the forecast), and for each the eligible reserves ranked, with the
team after and the avoidance conflicts of the first five. Beside it, in the same process,
the baseline: one plain query reading every active reserve with the fields the ranking
uses, so that the ratio holds on a slower machine. Median of 3 runs each.

--existing reuses a database kept by `bench/structure.py --keep` (the pool is added once).
"""

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = 3
POOL = "县管后备干部（基准）"


def _structure_bench():
    """bench/structure.py as a module: its database helpers and generator."""
    spec = importlib.util.spec_from_file_location("structure_bench", ROOT / "bench" / "structure.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    parser.add_argument("--existing", metavar="DATABASE_URL",
                        help="a database kept by bench/structure.py --keep")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    structure = _structure_bench()
    drop = None
    if args.existing:
        os.environ["DATABASE_URL"] = args.existing
    else:
        drop = structure._create_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        rng = random.Random(args.seed)
        if not args.existing:
            call_command("migrate", verbosity=0)
            structure._generate(args.people, 1000, rng)
        reserves = _pool(rng)
        _run(f"{connection.vendor} people={structure._people_count()} reserves={reserves}",
             structure._system_reader())
    finally:
        connection.close()
        if drop is not None:
            drop()


def _pool(rng: random.Random) -> int:
    """The county-wide pool with its members and their grades (once per database)."""
    from cadres.people.models import Person
    from cadres.records.models import AnnualAssessment
    from cadres.reserves.models import ReserveMember, ReservePool, ReserveSource, ReserveStatus

    pool, created = ReservePool.objects.get_or_create(name=POOL)
    if created:
        ids = list(Person.objects.filter(left_on__isnull=True).values_list("pk", flat=True))
        chosen = rng.sample(ids, len(ids) * 3 // 100)
        ReserveMember.objects.bulk_create([
            ReserveMember(pool=pool, person_id=pk, source=ReserveSource.RECOMMENDATION,
                          nominated_on=dt.date(2020, 1, 1), status=ReserveStatus.ACTIVE)
            for pk in chosen
        ], batch_size=5000)
        grades = ["excellent", "competent", "competent", "competent", "basic"]
        AnnualAssessment.objects.bulk_create([
            AnnualAssessment(person_id=pk, year=2025, grade=rng.choice(grades)) for pk in chosen
        ], batch_size=5000)
        Person.objects.filter(pk__in=chosen[::2]).update(rank_started_on=dt.date(2018, 1, 1))
    return pool.members.count()


def _baseline() -> int:
    from cadres.reserves.models import ReserveMember

    return len(list(ReserveMember.objects.filter(status="active").values_list(
        "person_id", "person__birth_date", "person__sex", "person__rank", "person__rank_started_on",
        "person__highest_education")))


def _time(function) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _run(label: str, reader) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cadres.reserves.matching import matching

    today = timezone.localdate()
    rows = _baseline()
    baseline = _time(_baseline)
    print(f"{label} baseline: the active reserves with their fields ({rows} rows): "
          f"median {baseline:.3f}s", flush=True)
    with CaptureQueriesContext(connection) as queries:
        openings = matching(actor=reader, on=today, months=12)
    shown = sum(len(opening.candidates) for opening in openings)
    median = _time(lambda: matching(actor=reader, on=today, months=12))
    print(f"{label} matching from {today} for 12 months: {len(openings)} openings, {shown} reserves "
          f"shown, {len(queries)} queries: median {median:.3f}s ({median / baseline:.1f}× the "
          f"baseline), load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
