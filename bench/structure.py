"""Benchmark of the structure report (结构分析) and the age-limit forecast over generated people.

    .venv/bin/python bench/structure.py --people 100000
    .venv/bin/python bench/structure.py --people 1000000 --database-url postgres://postgres@127.0.0.1:5432

It creates a fresh database (a temporary SQLite file, or a new PostgreSQL database on the
given server), migrates it, generates units, people and posts with bulk_create, then times
a bare GROUP BY over the people table (the baseline, so the ratio holds on a slower machine),
the full report over the whole scope as of AS_OF and as of today, the whole scope's team
members, and each team (the team members of one unit) for every team, all read from the post
history (some people hold 2–4 earlier posts, some have left, some posts carry no start); then
the 10-year age-limit forecast (年龄到杠预测, the default local rule set, from AS_OF to 10
years later) over the whole scope, the whole
scope's team members, each team (age_limit_forecast on one unit's team members) for every
team, and team_forecast (every team in one call, as the forecast page shows them). Each case:
median of 5 runs, plus the peak Python memory of one run (tracemalloc). The database is
dropped at the end. One line of figures per case.

--keep keeps the database and --existing URL times again on a kept one without generating
(1M people take 5 to 12 minutes). The whole-scope report reads the post history through
org.selectors.people_changed_on_sql and corrects the counts in one SQL statement
(analytics.selectors._correct_in_sql); the scoped and team cases through people_on. The
whole-scope figures as of AS_OF are checked against the top unit's, counted through people_on
(the run exits non-zero when they differ).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2010, 6, 30)
FORECAST_UNTIL = dt.date(2020, 6, 30)  # 10 years after AS_OF
BATCH = 20_000
RUNS = 5
TODAY = dt.date.today()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    parser.add_argument("--people-per-unit", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20100630)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    parser.add_argument("--existing", metavar="DATABASE_URL",
                        help="time on a database kept by --keep: no generation, nothing dropped")
    parser.add_argument("--report-only", action="store_true",
                        help="only the baseline and the whole-scope report at both dates")
    args = parser.parse_args()

    if args.existing:
        os.environ["DATABASE_URL"] = args.existing
        drop = None
    else:
        drop = _create_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        if args.existing:
            _run_cases(f"{connection.vendor} people={_people_count()} (existing)", _teams(),
                       report_only=args.report_only)
            return
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        _generate(args.people, args.people_per_unit, random.Random(args.seed))
        teams = _teams()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        label = f"{connection.vendor} people={args.people}"
        print(f"{label} generated in {time.perf_counter() - started:.1f}s, "
              f"teams={len(teams)}", flush=True)
        _run_cases(label, teams, report_only=args.report_only)
    finally:
        connection.close()
        if drop is None:
            pass
        elif args.keep:
            print("kept:", os.environ["DATABASE_URL"])
        else:
            drop()


def _create_database(server_url: str | None, *, name: str | None = None):
    """A throw-away database, named in DATABASE_URL: SQLite in a temporary folder, or on the
    PostgreSQL server `server_url` under `name` (replaced if it exists; default: a random
    name). Returns the function that drops it."""
    if not server_url:
        directory = tempfile.mkdtemp(prefix="cadres-bench-")
        path = Path(directory) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

        def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.rmdir(directory)

        return drop

    import psycopg

    name = name or f"cadres_bench_{uuid.uuid4().hex[:8]}"
    base = server_url.rstrip("/")
    if base.count("/") > 2:
        base = base.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"

    def drop() -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop


def _teams():
    """Every unit with a leadership team: a team assignment, past or present."""
    from cadres.org.models import Unit

    return list(Unit.objects.filter(assignments__is_team_member=True).distinct().order_by("path"))


def _people_count() -> int:
    from cadres.people.models import Person

    return Person.objects.count()


def _generate(count: int, per_unit: int, rng: random.Random) -> None:
    from cadres.org.models import Assignment, Unit
    from cadres.people.models import Person

    leaves = max(1, count // per_unit)
    counties = max(1, round(leaves ** 0.5))
    root = Unit.objects.create(name="全市", path="全市", depth=0)
    parents = Unit.objects.bulk_create([
        Unit(name=f"第{i}县", path=f"全市/第{i}县", parent=root, depth=1) for i in range(counties)
    ])
    teams = Unit.objects.bulk_create([
        Unit(name=f"第{i}单位", path=f"{parents[i % counties].path}/第{i}单位",
             parent=parents[i % counties], depth=2, unit_type="乡镇")
        for i in range(leaves)
    ])

    def pick(weights: dict[str, float]) -> str:
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    ethnicities = {"01": 95, "22": 2, "03": 1, "15": 1, "08": 1}
    statuses = {"01": 90, "02": 2, "05": 1, "10": 1, "12": 2, "13": 4}
    educations = {"10": 5, "20": 35, "30": 35, "40": 15, "60": 8, "70": 2, "": 0.5}
    ranks = {"0131": 1, "0132": 3, "0141": 20, "0142": 45, "0150": 25, "0160": 6}
    titles = {"": 80, "工程师": 6, "高级工程师": 3, "经济师": 4, "讲师": 3, "主治医师": 2, "会计师": 2}
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        people = []
        for index in range(made, made + size):
            unit = teams[index % leaves]
            ft_edu = pick(educations)
            is_edu = pick({"": 60, "20": 25, "30": 10, "10": 5})
            birth_known = rng.random() < 0.2
            birth = dt.date(rng.randint(1950, 1988), rng.randint(1, 12),
                            rng.randint(1, 28) if birth_known else 1)
            people.append(Person(
                name=f"干部{index}", sex="2" if rng.random() < 0.15 else "1",
                ethnicity=pick(ethnicities), birth_date=birth, birth_day_known=birth_known,
                political_status=pick(statuses), full_time_education=ft_edu,
                full_time_degree=rng.choice(["", "4", "3"]) if ft_edu in ("10", "20") else "",
                in_service_education=is_edu,
                in_service_degree=rng.choice(["", "4", "3", "2"]) if is_edu in ("10", "20") else "",
                highest_education=min([c for c in (ft_edu, is_edu) if c], default=""),
                professional_title=pick(titles), unit=unit, rank=pick(ranks),
                # About ten team members a unit.
                is_team_member=(index // leaves) % (per_unit // 10 or 1) == 0,
                post_started_on=dt.date(rng.randint(2000, 2012), rng.randint(1, 12), 1),
                work_started_on=dt.date(birth.year + rng.randint(18, 24), rng.randint(1, 12), 1),
            ))
        Person.objects.bulk_create(people, batch_size=5000)
        posts = []
        for person in people:
            posts.extend(_history(person, teams, rng))
        Assignment.objects.bulk_create(posts, batch_size=5000)
        # As org.services keeps it: the day the last open post ended, for those who left.
        Person.objects.bulk_update([p for p in people if p.left_on or not p.post_started_on],
                                   ["left_on", "post_started_on"], batch_size=5000)
        made += size


def _history(person, units, rng: random.Random) -> list:
    """The posts of one generated person, the last one (the current post) mirrored on Person.

    About 40% held 2–4 earlier posts, one after the other up to the current one, a rank lower
    before the last change; about 5% have left (their last post ended in 2015–2024, and the
    current-post fields still show it, as after org.services ends a main post); some current
    posts carry no start (任现职时间 optional), held from 参加工作时间.
    """
    from cadres.org.models import Assignment

    posts = []
    start = person.post_started_on
    earlier = rng.randint(2, 4) if rng.random() < 0.4 else 0
    end = start
    lower = {"0131": "0132", "0132": "0141", "0141": "0142", "0142": "0150", "0150": "0160"}
    rank = person.rank
    for _ in range(earlier):
        begun = dt.date(end.year - rng.randint(2, 6), rng.randint(1, 12), 1)
        rank = lower.get(rank, rank)
        posts.append(Assignment(
            person=person, unit_id=rng.choice(units).pk, rank=rank, title="科员",
            is_team_member=rng.random() < 0.2, is_main=True, started_on=begun, ended_on=end,
        ))
        end = begun
    left = rng.random() < 0.05
    undated = not earlier and rng.random() < 0.05
    person.left_on = dt.date(rng.randint(2015, 2024), rng.randint(1, 12), 1) if left else None
    if undated:  # (任现职时间 mirrors the open main post's start, as org.services keeps it)
        person.post_started_on = None
    posts.append(Assignment(
        person=person, unit_id=person.unit_id, rank=person.rank, is_main=True,
        is_team_member=person.is_team_member, started_on=None if undated else start,
        ended_on=person.left_on,
    ))
    return posts


def _time(function) -> tuple[float, float, float]:
    """Median wall seconds and median CPU seconds of this process over RUNS calls, and the
    peak MiB of Python memory of one more call. On a shared machine the CPU time of SQLite
    (which runs in this process) says more than the wall time."""
    times, cpu_times = [], []
    for _ in range(RUNS):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), statistics.median(cpu_times), peak / 1048576


def _report(label: str, case: str, function) -> None:
    median, cpu, peak = _time(function)
    print(f"{label} {case}: median {median:.3f}s (cpu {cpu:.3f}s), peak {peak:.1f} MiB, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)


def _baseline() -> int:
    """A bare GROUP BY over the people table, timed beside the report in the same process so
    that the ratio of the two holds on a slower machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute('SELECT "rank", COUNT(*) FROM people_person GROUP BY "rank"')
        return sum(count for _, count in cursor.fetchall())


def _check_against_the_per_person_path(label: str, report: dict, reader) -> None:
    """The whole-scope report (counted by Person and corrected in one statement) must equal the
    report of the top unit's subtree, which holds everyone and is counted through the
    per-person path (org.selectors.people_on); exits non-zero when they differ."""
    from cadres.analytics.selectors import structure_report
    from cadres.org.models import Unit

    top = Unit.objects.get(parent__isnull=True)
    started = time.perf_counter()
    same = report == structure_report(actor=reader, as_of=AS_OF, unit=top,
                                      team_members_only=False)
    print(f"{label} whole-scope as of {AS_OF} equals the per-person count of {top.name}: "
          f"{'yes' if same else 'NO'} ({time.perf_counter() - started:.1f}s)", flush=True)
    if not same:
        sys.exit(1)


def _run_cases(label: str, teams, *, report_only: bool = False) -> None:
    import resource

    from cadres.analytics.selectors import structure_report
    from cadres.plans.selectors import age_limit_forecast, rule_set_default, team_forecast

    reader = _system_reader()

    def whole(as_of: dt.date = AS_OF) -> dict:
        return structure_report(actor=reader, as_of=as_of, unit=None, team_members_only=False)

    def whole_teams() -> dict:
        return structure_report(actor=reader, as_of=AS_OF, unit=None, team_members_only=True)

    def every_team() -> list[dict]:
        return [
            structure_report(actor=reader, as_of=AS_OF, unit=team, team_members_only=True,
                             include_subunits=False)
            for team in teams
        ]

    rows = _baseline()
    baseline, baseline_cpu, _ = _time(_baseline)
    print(f"{label} baseline: bare SELECT rank, COUNT(*) GROUP BY rank over {rows} people: "
          f"median {baseline:.3f}s (cpu {baseline_cpu:.3f}s)", flush=True)
    for as_of in (AS_OF, TODAY):
        total = whole(as_of)["total"]
        median, cpu, peak = _time(lambda as_of=as_of: whole(as_of))
        # SQLite runs in this process, so its CPU time is the figure a shared machine keeps.
        print(f"{label} whole-scope as of {as_of} total={total}: median {median:.3f}s "
              f"(cpu {cpu:.3f}s; {median / baseline:.1f}× the baseline's wall time, "
              f"{cpu / max(baseline_cpu, 1e-6):.1f}× its cpu), peak {peak:.1f} MiB, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    _check_against_the_per_person_path(label, whole(), reader)
    if report_only:
        return
    members = whole_teams()["total"]
    _report(label, f"whole-scope team members as of {AS_OF}={members}", whole_teams)
    median, cpu, peak = _time(every_team)
    print(f"{label} per team, {len(teams)} teams: median {median:.3f}s for all "
          f"({median / len(teams) * 1000:.1f} ms a team, cpu {cpu:.3f}s), peak {peak:.1f} MiB, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)

    rule_set = rule_set_default()  # the local 到杠 ages, limits prefetched
    span = f"{AS_OF:%Y-%m}..{FORECAST_UNTIL:%Y-%m}"

    def forecast(unit=None, team_members_only=False) -> dict:
        return age_limit_forecast(
            actor=reader, as_of=AS_OF, until=FORECAST_UNTIL, limits=rule_set, unit=unit,
            team_members_only=team_members_only, include_people=False,
        )

    def forecast_every_team() -> list[dict]:
        # The generated teams are leaf units, so a unit's subtree is the unit itself.
        return [forecast(team, True) for team in teams]

    def forecast_teams() -> dict:
        return team_forecast(actor=reader, as_of=AS_OF, until=FORECAST_UNTIL, limits=rule_set)

    result = forecast()
    _report(label, f"forecast {span} whole-scope reaching={result['reaching']} "
            f"of {result['total']}", forecast)
    result = forecast(None, True)
    _report(label, f"forecast {span} whole-scope team members reaching={result['reaching']} "
            f"of {result['total']}", lambda: forecast(None, True))
    median, cpu, peak = _time(forecast_every_team)
    print(f"{label} forecast {span} per team (age_limit_forecast), {len(teams)} teams: "
          f"median {median:.3f}s for all ({median / len(teams) * 1000:.1f} ms a team, "
          f"cpu {cpu:.3f}s), peak {peak:.1f} MiB, load {os.getloadavg()[0]:.1f}", flush=True)
    result = forecast_teams()
    _report(label, f"forecast {span} team_forecast, {len(result['teams'])} teams, "
            f"losses={len(result['losses'])}", forecast_teams)
    print(f"{label} process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _system_reader():
    from types import SimpleNamespace

    return SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)


if __name__ == "__main__":
    main()
