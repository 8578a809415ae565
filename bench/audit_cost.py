"""The audit record's share of the roster-import benchmark (bench/import_roster.py).

    .venv/bin/python bench/audit_cost.py --rows 100000 --database-url sqlite
    .venv/bin/python bench/audit_cost.py --database-url postgres://postgres@127.0.0.1:5432/cadres_bench

Runs the benchmark's `measure` twice per database, each in its own process: once as is, once
with `audit.record` and `audit.record_many` (the import's one event per new or changed
person) replaced by no-ops in the services the import calls. Prints both lines; compare their
`total` figures. `--record-many-from FILE` takes `record_many` from another copy of
cadres/audit/services.py (to measure a proposed change to it before it is made).
"""

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDITED_MODULES = ("cadres.people.services", "cadres.org.services")
AUDIT_WRITERS = ("record", "record_many")


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_import_roster",
                                                  ROOT / "bench" / "import_roster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _disable_audit_after_setup() -> None:
    """Make django.setup() also replace `record` in the import's services with a no-op."""
    import django

    original_setup = django.setup

    def setup(*args, **kwargs):
        original_setup(*args, **kwargs)
        for name in AUDITED_MODULES:
            module = importlib.import_module(name)
            for writer in AUDIT_WRITERS:
                if hasattr(module, writer):
                    setattr(module, writer, lambda **_kwargs: None)

    django.setup = setup


def _record_many_from_after_setup(path: Path) -> None:
    """Make django.setup() also take `record_many` from another copy of the audit services."""
    import django

    original_setup = django.setup

    def setup(*args, **kwargs):
        original_setup(*args, **kwargs)
        spec = importlib.util.spec_from_file_location("proposed_audit_services", path)
        proposed = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(proposed)
        for name in AUDITED_MODULES:
            module = importlib.import_module(name)
            if hasattr(module, "record_many"):
                module.record_many = proposed.record_many

    django.setup = setup


def _time_audit_after_setup() -> None:
    """Make django.setup() also wrap `record` in the import's services with a timer, printed at
    exit: the audit record's own share, unaffected by the machine's load on the rest."""
    import atexit
    import time

    import django

    original_setup = django.setup
    spent = {"seconds": 0.0, "events": 0}

    def setup(*args, **kwargs):
        original_setup(*args, **kwargs)
        for name in AUDITED_MODULES:
            module = importlib.import_module(name)
            for writer in AUDIT_WRITERS:
                if not hasattr(module, writer):
                    continue
                original = getattr(module, writer)

                def timed(_original=original, **kwargs):
                    started = time.perf_counter()
                    try:
                        return _original(**kwargs)
                    finally:
                        spent["seconds"] += time.perf_counter() - started
                        spent["events"] += 1

                setattr(module, writer, timed)

    django.setup = setup
    atexit.register(lambda: print(
        f"    audit record: {spent['events']} call(s), {spent['seconds'] * 1000:.1f} ms",
        flush=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite")
    parser.add_argument("--without-audit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--record-many-from", type=Path,
                        help="take record_many from this copy of cadres/audit/services.py")
    args = parser.parse_args()
    bench = _bench_module()
    roster = bench.BENCH_DIR / f"roster-{args.rows}.xlsx"
    if args.child:
        if args.record_many_from:
            _record_many_from_after_setup(args.record_many_from.resolve())
        if args.without_audit:
            _disable_audit_after_setup()
        else:
            _time_audit_after_setup()
        url = "" if args.database_url == "sqlite" else args.database_url
        return bench.measure(roster, url, None)
    if not roster.exists():
        bench.generate(roster, args.rows)
    status = 0
    for _ in range(args.repeat):
        for without in (False, True):
            print("without audit:" if without else "with audit:   ", end=" ", flush=True)
            command = [sys.executable, str(Path(__file__).resolve()), "--child",
                       "--rows", str(args.rows), "--database-url", args.database_url]
            if without:
                command.append("--without-audit")
            if args.record_many_from:
                command += ["--record-many-from", str(args.record_many_from.resolve())]
            status |= subprocess.call(command, cwd=ROOT)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
