"""Benchmark of the early warnings (预警): every warning for 100,000 people in one call.

    .venv/bin/python bench/warnings.py --people 100000
    .venv/bin/python bench/warnings.py --people 100000 --database-url postgres://postgres@127.0.0.1:5432 --keep
    .venv/bin/python bench/warnings.py --existing postgres://postgres@127.0.0.1:5432/cadres_bench_warnings

It creates a database of its own (a temporary SQLite file, or `cadres_bench_warnings` on the
given PostgreSQL server, made again) with bench/structure.py's helpers (units, people and
their post history in bulk), and adds in bulk what the warnings read: two family members a
person (1% of them a spouse who is another cadre, by name and birth month, so 任职回避 has
pairs), a sanction for 2% (影响期 ending over the next year), three years of 年度考核 for
everyone (some units over the 优秀 share), 目标绩效 scores with some units missing their targets
two years running, appointed nominees on probation (some ending within 30 days), released
民主测评 results for 1% (some with over a third 不称职) and a reserve pool.

Then, in the same process, it times RUNS calls (median) of
`cadres.alerts.warnings.warnings_for(actor=None, on=today)` beside two bare baselines: a plain
`SELECT COUNT(*)` of the person table, and a plain scan of the person table reading the fields
the warnings need (id, name, sex, birth, rank, unit, post). It prints each, the ratio, the
number of warnings by kind, and the time of each kind alone. The target: under 10 s.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RUNS = 3
BATCH = 20_000
DATABASE_NAME = "cadres_bench_warnings"
TODAY = dt.date.today()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    parser.add_argument("--people-per-unit", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    parser.add_argument("--existing", metavar="DATABASE_URL",
                        help="time on a database kept by --keep: no generation, nothing dropped")
    args = parser.parse_args()

    from structure import _create_database

    if args.existing:
        os.environ["DATABASE_URL"] = args.existing
        drop = None
    else:
        drop = _create_database(args.database_url, name=DATABASE_NAME if args.database_url else None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        if not args.existing:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            _generate(args.people, args.people_per_unit, random.Random(args.seed))
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"{connection.vendor} generated {args.people} people in "
                  f"{time.perf_counter() - started:.1f}s", flush=True)
        _run(connection.vendor)
    finally:
        connection.close()
        if drop is not None:
            if args.keep:
                print("kept:", os.environ["DATABASE_URL"])
            else:
                drop()


def _generate(count: int, per_unit: int, rng: random.Random) -> None:
    """structure.py's people and posts, then everything else the warnings read, in bulk."""
    import structure

    from cadres.ballots import services as ballot_services
    from cadres.ballots.models import PersonRating
    from cadres.cases.models import Nominee, NomineeStage, SelectionCase
    from cadres.org.models import Unit
    from cadres.people.models import Person, Relative
    from cadres.records.models import AnnualAssessment, Award, AwardKind

    structure._generate(count, per_unit, rng)
    people = list(Person.objects.order_by("pk").values_list("pk", "name", "birth_date", "unit_id"))
    units = list(Unit.objects.filter(depth=2).order_by("pk").values_list("pk", flat=True))
    by_unit: dict[int, list[tuple]] = {}
    for row in people:
        by_unit.setdefault(row[3], []).append(row)

    relatives, awards, grades = [], [], []
    for index, (pk, _name, _birth, unit_id) in enumerate(people):
        if rng.random() < 0.01:  # a spouse who is another cadre of the same unit (by name and birth month)
            _, other_name, other_birth, _ = rng.choice(by_unit[unit_id])
            relatives.append(Relative(person_id=pk, relation="配偶", name=other_name, birth_date=other_birth))
        else:
            relatives.append(Relative(person_id=pk, relation="配偶", name=f"亲属{index}",
                                      birth_date=dt.date(rng.randint(1950, 1990), rng.randint(1, 12), 1)))
        relatives.append(Relative(person_id=pk, relation="父亲", name=f"父{index}",
                                  birth_date=dt.date(rng.randint(1925, 1965), rng.randint(1, 12), 1)))
        if rng.random() < 0.02:
            awarded = TODAY - dt.timedelta(days=rng.randint(30, 700))
            awards.append(Award(person_id=pk, kind=AwardKind.SANCTION, name="党内警告", awarded_on=awarded,
                                effect_ends_on=TODAY + dt.timedelta(days=rng.randint(-200, 365))))
        generous = unit_id % 7 == 0  # some units grade too many 优秀
        for year in (TODAY.year - 3, TODAY.year - 2, TODAY.year - 1):
            roll = rng.random()
            grade = ("excellent" if roll < (0.4 if generous else 0.15) else
                     "basic" if roll > 0.98 else "incompetent" if roll > 0.995 else "competent")
            grades.append(AnnualAssessment(person_id=pk, year=year, grade=grade))
        if len(grades) >= BATCH * 3:
            _flush(relatives, awards, grades)
    _flush(relatives, awards, grades)

    # Appointed nominees on probation: one case a unit for 1 in 5 units.
    cases = SelectionCase.objects.bulk_create([
        SelectionCase(number=f"BENCH-{unit}", title="选任", unit_id=unit, started_on=TODAY - dt.timedelta(days=400))
        for unit in units[::5]
    ])
    Nominee.objects.bulk_create([
        Nominee(case=case, person_id=by_unit[case.unit_id][0][0], stage=NomineeStage.APPOINTED,
                appointed_on=TODAY - dt.timedelta(days=330),
                probation_ends_on=TODAY + dt.timedelta(days=rng.randint(-10, 90)))
        for case in cases if by_unit.get(case.unit_id)
    ])

    # Released 民主测评 results for 1%, on one vote.
    rated = [pk for pk, *_ in people if rng.random() < 0.01]
    vote = ballot_services.vote_create(actor=None, kind="rating", title="年度民主测评（基准）", expected_count=30)
    ratings = []
    for pk in rated:
        against = rng.randint(0, 15)
        ratings.append(PersonRating(person_id=pk, vote=vote, year=TODAY.year, shares={}, valid_ballots=30,
                                    counts={"优秀": 5, "称职": 25 - against, "基本称职": 0, "不称职": against}))
    PersonRating.objects.bulk_create(ratings, batch_size=5000)

    _scores(units, rng)
    _reserves(people, rng)


def _flush(relatives: list, awards: list, grades: list) -> None:
    from cadres.people.models import Relative
    from cadres.records.models import AnnualAssessment, Award

    Relative.objects.bulk_create(relatives, batch_size=5000)
    Award.objects.bulk_create(awards, batch_size=5000)
    AnnualAssessment.objects.bulk_create(grades, batch_size=5000)
    relatives.clear()
    awards.clear()
    grades.clear()


def _scores(units: list[int], rng: random.Random) -> None:
    """目标绩效 scores of the last two years; 1 unit in 25 missed both years."""
    try:
        from cadres.assessments.models import PerformanceScore
    except ImportError:
        return
    rows = []
    for unit in units:
        missing = unit % 25 == 0
        for year in (TODAY.year - 2, TODAY.year - 1):
            rows.append(PerformanceScore(unit_id=unit, year=year, group="乡镇",
                                         score=rng.randint(60, 100), targets_met=not missing))
    PerformanceScore.objects.bulk_create(rows, batch_size=5000)


def _reserves(people: list, rng: random.Random) -> None:
    """A reserve pool of 2,000 members, nominated over the last six years."""
    try:
        from cadres.reserves.models import ReserveMember, ReservePool
    except ImportError:
        return
    pool = ReservePool.objects.create(name="科级后备干部（基准）", rank="0142", posts=500)
    chosen = rng.sample(people, min(2000, len(people)))
    ReserveMember.objects.bulk_create([
        ReserveMember(pool=pool, person_id=pk, source="organization",
                      nominated_on=TODAY - dt.timedelta(days=rng.randint(30, 2200)))
        for pk, *_ in chosen
    ], batch_size=5000)


def _median(function) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _run(vendor: str) -> None:
    from django.db import connection

    from cadres.alerts import warnings

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM people_person")
            return cursor.fetchone()[0]

    def scan() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name, sex, birth_date, rank, unit_id, post_title, post_started_on, "
                           "is_team_member, left_on FROM people_person")
            return len(cursor.fetchall())

    people = count()
    label = f"{vendor} people={people} on={TODAY}"
    count_time, _ = _median(count)
    scan_time, _ = _median(scan)
    print(f"{label} baseline SELECT COUNT(*): median {count_time:.3f}s; "
          f"plain scan of the person table: median {scan_time:.3f}s", flush=True)
    total_time, found = _median(lambda: warnings.warnings_for(actor=None, on=TODAY))
    assert isinstance(found, list)
    kinds = Counter(finding.kind for finding in found)
    print(f"{label} warnings_for(actor=None): median {total_time:.3f}s of {RUNS} "
          f"({total_time / max(scan_time, 1e-6):.1f}× the plain scan), {len(found)} warnings: "
          + ", ".join(f"{warnings.KINDS.get(kind, kind)} {n}" for kind, n in kinds.most_common()),
          flush=True)
    for kind, name in warnings.KINDS.items():
        if kind in warnings.NOT_KEPT:
            continue
        seconds, _ = _median(lambda kind=kind: warnings.warnings_for(actor=None, on=TODAY, kinds=[kind]))
        print(f"{label}   {name}: median {seconds:.3f}s", flush=True)
    verdict = "under" if total_time < 10 else "OVER"
    print(f"{label} RESULT: {total_time:.2f}s for all warnings, {verdict} the 10 s target", flush=True)


if __name__ == "__main__":
    main()
