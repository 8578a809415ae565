"""Benchmark of the roster page's query (干部名册: search, sort, keyset paging) over generated people.

    .venv/bin/python bench/roster.py --people 100000
    .venv/bin/python bench/roster.py --people 1000000 --database-url postgres://postgres@127.0.0.1:5432 --keep
    .venv/bin/python bench/roster.py --existing postgres://postgres@127.0.0.1:5432/bench_roster

It creates a database of its own (a temporary SQLite file, or `bench_roster` on the given
PostgreSQL server, dropped and made again), migrates it, and loads units (a tree of 排序号,
Unit.sort_key as org.services keeps it) and people with Chinese names (拼音首字母 and 姓氏笔画
keys from cadres.people.names), 排序号 within the unit and 职务 such as 党委书记, through
cadres.people.bulk_load (the roster import's fast path). Then, per case, it times what the
roster page reads (cadres.people.selectors.person_list + roster_page, rows with their units)
RUNS times and prints the median and the p99: the first page as the page reads it (the
bounded look `SELECT id … LIMIT FEW + 1`, then 51 rows; no count: the page loads it
afterwards), the count endpoint's query separately (roster_count, up to COUNT_LIMIT), and
page 1,000 reached by the keyset cursor of page 999 (no count: the cursor carries it), and for
comparison page 1,000 by OFFSET. Beside them, in the same process, a bare baseline: plain SQL
`SELECT … FROM people_person ORDER BY name_strokes, id LIMIT 50` (first page and OFFSET 49,950),
and a full scan of the table (the floor of a search no index serves).

--keep keeps the database; --existing URL times again on a kept one without generating.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BATCH = 250_000
RUNS = 100
PAGE_SIZE = 50
DEEP_PAGE = 1000
DATABASE_NAME = "bench_roster"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
            "戴莫孔向汤井七")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红飞建国文斌海波宁一五二三志新春晓东林"
TITLES = {"党委书记": 1, "党委副书记": 2, "镇长": 1, "副镇长": 4, "局长": 1, "副局长": 4, "纪委书记": 1,
          "主任": 2, "副主任": 4, "科员": 40, "一级主任科员": 20, "四级主任科员": 20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    parser.add_argument("--people-per-unit", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    parser.add_argument("--existing", metavar="DATABASE_URL",
                        help="time on a database kept by --keep: no generation, nothing dropped")
    args = parser.parse_args()

    from structure import _create_database, _people_count

    if args.existing:
        os.environ["DATABASE_URL"] = args.existing
        drop = None
    else:
        drop = _create_database(args.database_url, name=DATABASE_NAME)
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
            print(f"{connection.vendor} people={args.people} generated in "
                  f"{time.perf_counter() - started:.1f}s", flush=True)
        _run_cases(f"{connection.vendor} people={_people_count()}", args.runs)
    finally:
        connection.close()
        if drop is None:
            pass
        elif args.keep:
            print("kept:", os.environ["DATABASE_URL"])
        else:
            drop()


def _generate(count: int, per_unit: int, rng: random.Random) -> None:
    """Units (全市 › 县 › 单位, each with a 排序号 and its sort_key) and `count` people."""
    from django.db import transaction

    from cadres.org.models import Unit, unit_sort_key
    from cadres.org.services import ASSIGNMENT_FROM_PERSON
    from cadres.people import bulk_load
    from cadres.people.names import name_keys

    leaves = max(1, count // per_unit)
    counties = max(1, round(leaves ** 0.5))
    root_key = unit_sort_key("", 1, "全市")
    root = Unit.objects.create(name="全市", path="全市", depth=0, sort_order=1, sort_key=root_key)
    parents = []
    for i in range(counties):
        order = rng.randint(1, 999)
        parents.append(Unit(name=f"第{i}县", path=f"全市/第{i}县", parent=root, depth=1, sort_order=order,
                            sort_key=unit_sort_key(root_key, order, f"第{i}县")))
    parents = Unit.objects.bulk_create(parents)
    leaf_units = []
    for i in range(leaves):
        parent = parents[i % counties]
        order = rng.randint(1, 999)
        leaf_units.append(Unit(name=f"第{i}单位", path=f"{parent.path}/第{i}单位", parent=parent, depth=2,
                               unit_type="乡镇", sort_order=order,
                               sort_key=unit_sort_key(parent.sort_key, order, f"第{i}单位")))
    leaf_units = Unit.objects.bulk_create(leaf_units)

    def pick(weights: dict[str, float]) -> str:
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    ethnicities = {"01": 95, "22": 2, "03": 1, "15": 1, "08": 1}
    statuses = {"01": 90, "02": 2, "05": 1, "10": 1, "12": 2, "13": 4}
    educations = {"10": 5, "20": 35, "30": 35, "40": 15, "60": 8, "70": 2}
    ranks = {"0131": 1, "0132": 3, "0141": 20, "0142": 45, "0150": 25, "0160": 6}
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        rows: dict[str, list] = {name: [] for name in (
            "name", "name_initials", "name_strokes", "sex", "ethnicity", "birth_date", "birth_day_known",
            "political_status", "full_time_education", "highest_education", "unit_id", "post_title",
            "rank", "is_team_member", "post_started_on", "reserve_pool", "sort_order", "work_started_on",
        )}
        for index in range(made, made + size):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            keys = name_keys(name)
            birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), 1)
            title = pick(TITLES)
            education = pick(educations)
            values = {
                "name": name, "name_initials": keys["name_initials"], "name_strokes": keys["name_strokes"],
                "sex": "2" if rng.random() < 0.3 else "1", "ethnicity": pick(ethnicities),
                "birth_date": birth, "birth_day_known": False, "political_status": pick(statuses),
                "full_time_education": education, "highest_education": education,
                "unit_id": leaf_units[index % leaves].pk, "post_title": title, "rank": pick(ranks),
                "is_team_member": "书记" in title or "长" in title,
                "post_started_on": None if rng.random() < 0.05 else dt.date(rng.randint(2005, 2025),
                                                                             rng.randint(1, 12), 1),
                "reserve_pool": "正科级后备" if rng.random() < 0.05 else "",
                "sort_order": index // leaves + 1,
                "work_started_on": dt.date(birth.year + 22, 8, 1),
            }
            for key, value in values.items():
                rows[key].append(value)
        with transaction.atomic():
            bulk_load.people_with_posts_insert(
                columns=rows, count=size, assignment_from_person=ASSIGNMENT_FROM_PERSON,
                assignment_values={"is_main": True, "source": "import"},
            )
        made += size
        print(f"  {made} people", flush=True)


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"


def _timed(runs: int, function) -> list[float]:
    function()  # warm the caches once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def _run_cases(label: str, runs: int) -> None:
    from django.db import connection

    from cadres.people.selectors import person_list, roster_count, roster_page

    reader = _system_reader()
    today = dt.date.today()

    def baseline(offset: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name, sex, birth_date, unit_id, post_title, rank FROM people_person "
                f"ORDER BY name_strokes, id LIMIT {PAGE_SIZE} OFFSET {offset}"
            )
            return len(cursor.fetchall())

    print(f"{label} baseline (bare SQL, ORDER BY name_strokes, id LIMIT 50) first page: "
          f"{_percentiles(_timed(runs, lambda: baseline(0)))}", flush=True)
    print(f"{label} baseline (bare SQL) OFFSET {(DEEP_PAGE - 1) * PAGE_SIZE}: "
          f"{_percentiles(_timed(max(5, runs // 10), lambda: baseline((DEEP_PAGE - 1) * PAGE_SIZE)))}",
          flush=True)

    def full_scan() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people_person WHERE post_title LIKE '%%书记%%'")
            return cursor.fetchone()[0]

    # The floor of any search that no index serves (a substring, a rare combination of
    # dimensions): reading every row once.
    print(f"{label} baseline (bare SQL) full scan, count(*) WHERE post_title LIKE '%书记%': "
          f"{_percentiles(_timed(max(5, runs // 5), full_scan))}", flush=True)

    cases = [
        ("no search, 排序号 order", {}, ""),
        ("no search, 姓氏笔画", {}, "name"),
        ("职务层次 四级主任科员/科员 (0142) + 中共党员, 姓氏笔画", {"rank": "0142", "party": "member"}, "name"),
        ("age 35-50 + 男, 出生年月 desc", {"age_min": 35, "age_max": 50, "sex": "1", "age_on": today}, "-birth"),
        ("职务 contains 书记, 排序号 order", {"post_title": "书记"}, ""),
        ("姓名 contains 王, 任现职时间 desc", {"q": "王"}, "-post_started"),
        ("拼音首字母 zw, 排序号 order", {"q": "zw"}, ""),
        ("后备 + 班子成员 + 少数民族, 职务层次", {"reserve": True, "team_member": "yes", "nationality": "minority"},
         "rank"),
    ]
    for name, filters, sort in cases:
        def first(filters=filters, sort=sort):
            people = person_list(actor=reader, filters=filters, sort=sort)
            return roster_page(people=people, sort=sort, page_size=PAGE_SIZE)

        def count(filters=filters):
            return roster_count(person_list(actor=reader, filters=filters))

        page = first()
        total, exact = count()
        shown = "counted by the look" if page.total is not None else "count deferred"
        print(f"{label} [{name}] total={'' if exact else '>'}{total} first page ({shown}): "
              f"{_percentiles(_timed(runs, first))}", flush=True)
        if page.total is None:
            print(f"{label} [{name}] count endpoint (separate request): "
                  f"{_percentiles(_timed(max(5, runs // 5), count))}", flush=True)
        deep = min(DEEP_PAGE, -(-total // PAGE_SIZE))
        if deep < 3:
            continue
        # The cursor of page deep-1, as the 下一页 link of that page carries it.
        people = person_list(actor=reader, filters=filters, sort=sort)
        before = roster_page(people=people, sort=sort, page=deep - 1, page_size=PAGE_SIZE)
        cursor = before.next_cursor

        def by_cursor(filters=filters, sort=sort, cursor=cursor):
            people = person_list(actor=reader, filters=filters, sort=sort)
            return roster_page(people=people, sort=sort, after=cursor, page_size=PAGE_SIZE)

        def by_offset(filters=filters, sort=sort, deep=deep):
            people = person_list(actor=reader, filters=filters, sort=sort)
            return list(people[(deep - 1) * PAGE_SIZE: deep * PAGE_SIZE])

        keyset_rows = [person.pk for person in by_cursor().rows]
        offset_rows = [person.pk for person in by_offset()]
        assert keyset_rows == offset_rows, f"{name}: keyset and offset pages differ"
        print(f"{label} [{name}] page {deep} by keyset cursor: {_percentiles(_timed(runs, by_cursor))}; "
              f"by OFFSET: {_percentiles(_timed(max(5, runs // 10), by_offset))}", flush=True)


def _system_reader():
    from types import SimpleNamespace

    return SimpleNamespace(pk=None, is_authenticated=True, is_active=True, is_superuser=True)


if __name__ == "__main__":
    main()
