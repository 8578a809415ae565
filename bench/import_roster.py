"""Benchmark of the roster import: a generated 100,000-row roster into a fresh database.

    .venv/bin/python bench/import_roster.py                      # SQLite, then PostgreSQL
    .venv/bin/python bench/import_roster.py --database-url sqlite
    .venv/bin/python bench/import_roster.py --database-url postgres://postgres@127.0.0.1:5432/cadres_bench
    .venv/bin/python bench/import_roster.py --rows 20000 --profile var/bench/import.prof
    .venv/bin/python bench/import_roster.py --repeat 5                 # five imports each, and the median

The roster (valid, varied: 90% of rows with a 身份证号, months written several ways, some as
date cells, a 单位 sheet of 397 units with 核定编制) is generated once and cached under
var/bench/. By default it is laid out as Excel and WPS save (shared strings, UTF-8);
`--writer openpyxl` uses openpyxl's write-only mode instead, whose inline strings spell each
Chinese character as &#NNNNN; (a sheet four times larger, about a second slower to parse).

Each database is measured in its own process, so its peak memory (VmHWM) is its own: a
temporary SQLite file, or a PostgreSQL database created for the run and dropped after it.
var/cadres.sqlite3 is never touched. Prints one line of figures per database: the three
phases (parse: file to cells; validate: cells to checked rows; write: everything in the
transaction), rows/s, CPU seconds of this process, all its threads (and of the PostgreSQL
server process, on the same machine), the load average (other work on the machine slows
every figure), and peak memory. The roster sheet is parsed in parts on two threads while the
main thread checks the parts already parsed, so "parse" is the opening of the file plus the
time the checking waited for parts, and "validate" the rest of that overlap.

The import writes one audit event for the file and one per changed person (linked to it; new
people are counted by the file's event). Each run first times a bare python-calamine read of
the same file (every cell of both sheets into Python values: the least any import must do) and
prints the import's total as a ratio to it, so the figure carries over to a slower or busier
machine (on a shared machine the two slow down together; the absolute seconds do not hold
there). The read runs with the cyclic garbage collector paused, as the import runs.
"""

import argparse
import datetime as dt
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/cadres_bench"
TARGET_SECONDS = 6.0
TARGET_MEMORY_MB = 1024
RESERVE_POOL = "县管后备干部"  # the pool the generated roster's 后备干部 column names

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玲红梅兰飞鹏斌波宇浩凯健俊"
    "帆帅旭宁龙林欣晨阳雪琳颖佳倩婷慧蕾晶莉燕萍峰亮成志海东"
)
ETHNICITIES = ["汉族"] * 92 + ["畲族", "回族", "苗族", "壮族", "满族", "土家族", "蒙古族", "彝族"]
POLITICAL = ["中共党员"] * 80 + ["中共预备党员", "民盟盟员", "民进会员", "九三学社社员", "无党派人士"] + ["群众"] * 15
EDUCATION = ["研究生", "大学本科", "大学本科", "大学本科", "大学专科", "大学专科", "中专", "高中"]
DEGREE_FOR = {"研究生": "硕士", "大学本科": "学士"}
RANKS = [("正县级", "局长"), ("副县级", "副局长"), ("正科级", "科长"), ("副科级", "副科长"),
         ("科员", "科员"), ("办事员", "办事员")]
RANK_WEIGHTS = [2, 6, 20, 32, 30, 10]
AREAS = ["330326", "330327", "330381", "330382", "330302", "330303", "330304", "330328", "330329", "330305"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def _units(rng: random.Random) -> list[tuple[str, str, str, int | str]]:
    """(path, parent, type, 核定编制): a county, 60 departments, 24 towns, and their offices."""
    county = "平阳县"
    units: list[tuple[str, str, str, int | str]] = [(county, "", "县", "")]
    for index in range(60):
        path = f"{county}/县直部门{index + 1:02d}局"
        units.append((path, county, "县直部门", rng.randint(20, 80)))
        for office in range(4):
            units.append((f"{path}/第{office + 1}科", path, "内设机构", rng.randint(3, 12)))
    for index in range(24):
        path = f"{county}/第{index + 1:02d}镇"
        units.append((path, county, "乡镇", rng.randint(30, 60)))
        for office in ("党政办公室", "经济发展办公室", "社会事务办公室"):
            units.append((f"{path}/{office}", path, "内设机构", rng.randint(4, 15)))
    return units


def _month_cell(rng: random.Random, date: dt.date, with_day: bool) -> object:
    """A month the ways rosters write it: mostly 1975.03, sometimes 1975-03, a date cell, 1975.03.12."""
    pick = rng.random()
    if with_day and pick < 0.05:
        return f"{date.year}.{date.month:02d}.{date.day:02d}"
    if pick < 0.80:
        return f"{date.year}.{date.month:02d}"
    if pick < 0.92:
        return f"{date.year}-{date.month:02d}"
    return dt.date(date.year, date.month, 1)


def generate(path: Path, rows: int, *, writer: str = "excel", seed: int = 2010) -> None:
    """Write a valid, varied roster of `rows` people to `path` (.xlsx)."""
    sys.path.insert(0, str(ROOT))
    from cadres.people.spreadsheets import ROSTER_HEADERS, UNIT_HEADERS

    rng = random.Random(seed)
    units = _units(rng)
    leaf_units = [unit[0] for unit in units if unit[0].count("/") >= 1]
    sheet: list[list[object]] = [list(ROSTER_HEADERS)]
    id_numbers: set[str] = set()
    identities: set[tuple[str, int, int, str]] = set()
    written = 0
    while written < rows:
        sex = "男" if rng.random() < 0.72 else "女"
        birth = dt.date(rng.randint(1962, 2000), rng.randint(1, 12), rng.randint(1, 28))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        unit = rng.choice(leaf_units)
        number = ""
        if rng.random() < 0.9:
            sex_digit = rng.randrange(1, 10, 2) if sex == "男" else rng.randrange(0, 10, 2)
            first17 = f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randint(0, 99):02d}{sex_digit}"
            number = first17 + _check_digit(first17)
            if number in id_numbers:
                continue
            id_numbers.add(number)
        identity = (name, birth.year, birth.month, unit)
        if identity in identities:
            continue
        identities.add(identity)
        work_start = dt.date(birth.year + rng.randint(18, 24), rng.randint(1, 12), 1)
        party = rng.choice(POLITICAL)
        joined = (
            dt.date(min(work_start.year + rng.randint(0, 8), 2025), rng.randint(1, 12), 1)
            if party in ("中共党员", "中共预备党员") else None
        )
        full_time = rng.choice(EDUCATION)
        in_service = rng.choice(["", "", "大学本科", "研究生"])
        rank, title = rng.choices(RANKS, RANK_WEIGHTS)[0]
        post_start = dt.date(rng.randint(max(work_start.year, 2005), 2025), rng.randint(1, 12), 1)
        sheet.append([
            name,
            sex,
            rng.choice(ETHNICITIES),
            _month_cell(rng, birth if number else birth.replace(day=1), with_day=bool(number)),
            number,
            rng.choice(["浙江平阳", "浙江苍南", "浙江瑞安", "福建福鼎", "浙江文成"]),
            party,
            _month_cell(rng, joined, with_day=False) if joined else None,
            _month_cell(rng, work_start, with_day=False),
            full_time,
            DEGREE_FOR.get(full_time, ""),
            in_service,
            DEGREE_FOR.get(in_service, ""),
            rng.choice(["", "", "", "", "工程师", "高级经济师", "讲师"]),
            unit,
            title,
            rank,
            "是" if rank in ("正县级", "副县级", "正科级") else "否",
            _month_cell(rng, post_start, with_day=False),
            _month_cell(rng, post_start, with_day=False),
            RESERVE_POOL if rng.random() < 0.03 else "",
            "",
        ])
        written += 1
    sheets = [("干部名册", sheet), ("单位", [list(UNIT_HEADERS), *(list(unit) for unit in units)])]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    if writer == "openpyxl":
        _save_openpyxl(partial, sheets)
    else:
        _save_like_excel(partial, sheets)
    partial.rename(path)


def _save_openpyxl(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> None:
    """openpyxl's write-only mode: inline strings, every Chinese character as &#NNNNN; (a
    sheet XML four times the size Excel writes, and slower to read)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, remainder = divmod(number - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


def _save_like_excel(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> None:
    """An .xlsx laid out as Excel and WPS save it: a shared-string table in UTF-8, empty cells
    left out, dates as serial numbers in the built-in date format (numFmtId 14)."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    strings: dict[str, int] = {}
    epoch = dt.date(1899, 12, 30)
    sheet_xml = []
    for _, rows in sheets:
        letters = _column_letters(max(len(row) for row in rows))
        parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<dimension ref="A1:{letters[-1]}{len(rows)}"/><sheetData>']
        for number, row in enumerate(rows, start=1):
            cells = []
            for letter, value in zip(letters, row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    index = strings.setdefault(value, len(strings))
                    cells.append(f'<c r="{letter}{number}" t="s"><v>{index}</v></c>')
                elif isinstance(value, dt.date):
                    cells.append(f'<c r="{letter}{number}" s="1"><v>{(value - epoch).days}</v></c>')
                else:
                    cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            parts.append(f'<row r="{number}">{"".join(cells)}</row>')
        parts.append("</sheetData></worksheet>")
        sheet_xml.append("".join(parts))
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kinds}.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1))
            + f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kinds}.styles+xml"/></Types>'
        ))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{relationships}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" '
            f'xmlns:r="{relationships}"><sheets>'
            + "".join(f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
                      for i, (title, _) in enumerate(sheets, start=1))
            + "</sheets></workbook>"
        ))
        count = len(sheets)
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{package}/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{relationships}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{relationships}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId{count + 2}" Type="{relationships}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ))
        archive.writestr("xl/styles.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}">'
            '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"
        ))
        archive.writestr("xl/sharedStrings.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{main}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ))
        for i, xml in enumerate(sheet_xml, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec (ru_maxrss may carry
    the parent's over), so the figure is the import's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _process_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a process on this machine (the PostgreSQL backend)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def calamine_read_seconds(content: bytes) -> float:
    """A bare python-calamine read of the roster: both sheets, every cell to a Python value."""
    import gc
    import io

    from python_calamine import CalamineWorkbook

    gc.disable()
    try:
        started = time.perf_counter()
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        rows = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
        seconds = time.perf_counter() - started
    finally:
        gc.enable()
    assert rows
    del rows
    return seconds


def measure(roster: Path, database_url: str, profile: Path | None) -> int:
    """Migrate a fresh database, import the roster into it and print one line of figures."""
    is_postgres = database_url.startswith(("postgres://", "postgresql://"))
    temporary_dir = None
    if is_postgres:
        import psycopg

        database = urlsplit(database_url).path.lstrip("/") or "cadres_bench"
        admin_url = _with_database(database_url, "postgres")
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = _with_database(database_url, database)
        label = f"PostgreSQL ({database})"
    else:
        temporary_dir = tempfile.TemporaryDirectory(prefix="cadres-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary_dir.name}/bench.sqlite3"
        label = "SQLite"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("ROSTER_MAX_BYTES", str(256 * 1024 * 1024))
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from cadres.audit.models import AuditEvent
        from cadres.people.models import Person
        from cadres.people.services import roster_import

        call_command("migrate", verbosity=0)
        # The roster's 后备干部 column names a pool, which the department sets up first.
        from cadres.reserves.services import pool_create

        pool_create(actor=None, name=RESERVE_POOL)
        connection.close()
        content = roster.read_bytes()
        # The baseline, best of three (the first also warms the file and the library).
        baseline = min(calamine_read_seconds(content) for _ in range(3))
        server_pid = None
        if is_postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                server_pid = cursor.fetchone()[0]
        server_cpu_started = _process_cpu(server_pid)
        baseline_mb = _peak_memory_mb()
        profiler = None
        if profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = roster_import(actor=None, content=content, file_name=roster.name)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        server_cpu = _process_cpu(server_pid) - server_cpu_started
        load = os.getloadavg()[0]
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile))
        peak_mb = _peak_memory_mb()
        people = Person.objects.count()
        audit_events = AuditEvent.objects.count()
        connection.close()
    finally:
        if is_postgres:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        elif temporary_dir is not None:
            temporary_dir.cleanup()
    seconds = report.seconds
    verdict = "OK" if total < TARGET_SECONDS and peak_mb < TARGET_MEMORY_MB else "OVER TARGET"
    print(
        f"{label:<24} rows {report.rows:,}  parse {seconds['parse']:.2f} s  "
        f"validate {seconds['validate']:.2f} s  write {seconds['write']:.2f} s  "
        f"total {total:.2f} s  {report.rows / total:,.0f} rows/s  "
        f"calamine read {baseline:.2f} s  ratio {total / baseline:.1f}x  "
        f"audit events {audit_events:,}  (CPU: this process {cpu:.2f} s"
        + (f", PostgreSQL server {server_cpu:.2f} s" if is_postgres else "")
        + f"; load average {load:.1f})  "
        f"peak memory {peak_mb:,.0f} MB (before import {baseline_mb:,.0f} MB)  "
        f"people in database {people:,}  [{verdict}: < {TARGET_SECONDS:.0f} s, < {TARGET_MEMORY_MB} MB]",
        flush=True,
    )
    return 0 if report.rows == people else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        help="'sqlite' (a temporary file) or a postgres:// URL whose database is created and "
             "dropped; default: SQLite, then PostgreSQL at " + DEFAULT_POSTGRES,
    )
    parser.add_argument("--regenerate", action="store_true", help="write the roster again")
    parser.add_argument(
        "--writer", choices=("excel", "openpyxl"), default="excel",
        help="excel (default): shared strings, as Excel and WPS save; openpyxl: its write-only "
             "mode (inline strings as character references, a 4x larger sheet)",
    )
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import here")
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="import this many times into each database (each time afresh) and print the "
             "median: on a shared machine single runs swing by a second or more",
    )
    args = parser.parse_args()
    if args.profile and args.repeat != 1:
        parser.error("--profile profiles one import: leave out --repeat")

    suffix = "" if args.writer == "excel" else f"-{args.writer}"
    roster = BENCH_DIR / f"roster-{args.rows}{suffix}.xlsx"
    if args.regenerate or not roster.exists():
        started = time.perf_counter()
        generate(roster, args.rows, writer=args.writer)
        print(f"generated {roster} ({roster.stat().st_size / 1048576:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
    if args.database_url and args.repeat == 1:
        url = "" if args.database_url == "sqlite" else args.database_url
        return measure(roster, url, args.profile)
    # Each import in its own process, so each peak memory figure is that import's own.
    status = 0
    for url in [args.database_url] if args.database_url else ["sqlite", DEFAULT_POSTGRES]:
        command = [sys.executable, __file__, "--rows", str(args.rows), "--writer", args.writer,
                   "--database-url", url]
        totals: list[float] = []
        ratios: list[float] = []
        for _ in range(args.repeat):
            run = subprocess.run(command, stdout=subprocess.PIPE, text=True)
            print(run.stdout, end="", flush=True)
            status |= run.returncode
            totals += [float(found) for found in re.findall(r"total (\d+\.\d+) s", run.stdout)]
            ratios += [float(found) for found in re.findall(r"ratio (\d+\.\d+)x", run.stdout)]
        if len(totals) > 1:
            print(f"{'SQLite' if url == 'sqlite' else 'PostgreSQL':<24} {len(totals)} runs: "
                  f"median {statistics.median(totals):.2f} s, best {min(totals):.2f} s, "
                  f"worst {max(totals):.2f} s; ratio to the calamine read: median "
                  f"{statistics.median(ratios):.1f}x, best {min(ratios):.1f}x", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
