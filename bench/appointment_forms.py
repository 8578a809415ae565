"""Benchmark of the 干部任免审批表: one form as PDF and as DOCX, and a batch of 200 as the ZIP job.

    .venv/bin/python bench/appointment_forms.py
    .venv/bin/python bench/appointment_forms.py --database-url postgres://postgres@127.0.0.1:5432

It creates a fresh database (a temporary SQLite file, or a new PostgreSQL database on the given
server), migrates it, and records --people fully filled files (photo, posts with a 兼任, a school
entry and a 其间 note, 奖惩, 年度考核, family) through the services. Then, beside bare baselines
in the same process (WeasyPrint writing a one-line HTML page, python-docx saving an empty
document), it times one form read from the record and rendered (median of 5 after one warm-up;
the cold first one is printed too) and the batch job's runner (appointment_forms.jobs.batch_run:
read, render in the worker pool, ZIP, audit, write under var/) over all the people, once, with
the pool size used. The database and files are removed at the end.
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RUNS = 5
AGE_AS_OF = dt.date(2019, 6, 30)


def _median(action, runs: int = RUNS) -> tuple[float, float]:
    """(cold first run, median of `runs` warm runs) in seconds."""
    started = time.perf_counter()
    action()
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return cold, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    parser.add_argument("--workers", type=int, help="processes rendering the batch (default: the setting)")
    args = parser.parse_args()

    from structure import _create_database

    drop = _create_database(args.database_url)
    scratch = tempfile.mkdtemp(prefix="cadres-bench-forms-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MEDIA_ROOT = str(Path(scratch) / "media")
    settings.VAR_DIR = Path(scratch) / "var"
    if args.workers:
        settings.APPOINTMENT_FORM_WORKERS = args.workers
    try:
        call_command("migrate", verbosity=0)
        _run(args.people, connection.vendor)
    finally:
        connection.close()
        drop()
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def _run(people_count: int, vendor: str) -> None:
    from django.contrib.auth import get_user_model
    from docx import Document
    from weasyprint import HTML

    from cadres.appointment_forms.exports import FormOptions, batch_workers
    from cadres.appointment_forms.jobs import batch_run
    from cadres.appointment_forms.record import form_from_record
    from cadres.appointment_forms.render import form_docx, form_pdf
    from cadres.appointment_forms.tests.full_record import county_units, full_record
    from cadres.jobs.kinds import APPOINTMENT_FORMS_BATCH
    from cadres.jobs.models import Job
    from cadres.jobs.services import JobProgress

    started = time.perf_counter()
    units = county_units()
    people = [full_record(units, name=f"王建{number}", id_number="") for number in range(people_count)]
    print(f"{vendor}: {people_count} full records made in {time.perf_counter() - started:.1f}s", flush=True)

    def bare_pdf() -> None:
        HTML(string="<p>干部任免审批表</p>").write_pdf()

    def bare_docx() -> None:
        Document().save(io.BytesIO())

    person = people[0]

    def one_pdf() -> None:
        form_pdf(form_from_record(person, age_as_of=AGE_AS_OF, reporting_unit="中共青岚县委组织部"))

    def one_docx() -> None:
        form_docx(form_from_record(person, age_as_of=AGE_AS_OF, reporting_unit="中共青岚县委组织部"))

    for label, action in (("baseline WeasyPrint one-line page", bare_pdf),
                          ("one 审批表 PDF (read + render)", one_pdf),
                          ("baseline python-docx empty document", bare_docx),
                          ("one 审批表 DOCX (read + render)", one_docx)):
        cold, warm = _median(action)
        print(f"{vendor}: {label}: median {warm * 1000:.0f} ms (first {cold * 1000:.0f} ms)", flush=True)

    owner = get_user_model().objects.create_superuser(username="bench", password="bench-pass-123")
    options = FormOptions(age_as_of=AGE_AS_OF, reporting_unit="中共青岚县委组织部", filled_by="张干事")
    for formats in (["pdf"], ["docx"]):
        job = Job.objects.create(kind=APPOINTMENT_FORMS_BATCH, owner=owner, parameters={
            "person_ids": [p.pk for p in people], "options": options.as_json(), "formats": formats,
            "purpose": "性能测试",
        }, file_name="干部任免审批表.zip")
        started = time.perf_counter()
        result = batch_run(job=job, progress=JobProgress(job))
        elapsed = time.perf_counter() - started
        size = (Path(settings_var_dir()) / job.file_path).stat().st_size
        print(f"{vendor}: batch job of {result['people']} 审批表 {formats[0].upper()} as a ZIP "
              f"({size / 1e6:.1f} MB, {batch_workers()} worker processes): {elapsed:.1f}s", flush=True)


def settings_var_dir() -> str:
    from django.conf import settings

    return str(settings.VAR_DIR)


if __name__ == "__main__":
    main()
