"""Benchmark of the LRMX import: 1,000 received 任免审批表 files, every person new.

    .venv/bin/python bench/lrmx_import.py
    .venv/bin/python bench/lrmx_import.py --database-url postgres://postgres@127.0.0.1:5432

It creates a fresh database (a temporary SQLite file, or a new PostgreSQL database on the given
server) and migrates it, then writes --files LRMX files in memory, each a fully filled form (a
376×460 JPEG photo, four 简历 lines with a 其间 note, 年度考核 for three years, 奖惩, two family
members, one deceased) with its own 姓名 and 身份证号. Printed beside each other, in the same
process: the bare baseline (parsing every file with defusedxml and nothing else), reading every
file into an AppointmentForm (lrmx_read), and the import itself (services.lrmx_import, not a dry
run: per file a transaction that matches, creates the person with the post in the unit, writes
简历 entries, family, 考核 and the photo through their services, each audited, and the file's
own audit event). --bulk measures the bulk path lrmx_import takes for many files (the new people
planned first, then written in one transaction, the photos processed on a pool of processes),
--per-file the path a single file takes, file after file; by default lrmx_import chooses
(services.bulk_by_default). The database and files are removed at the end.
"""

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国华明伟芳军平丽强磊洋艳勇杰娟涛超秀英"


def _files(count: int) -> list[tuple[str, bytes]]:
    from PIL import Image, ImageDraw

    from cadres.appointment_forms.lrmx import lrmx_read, lrmx_write
    from cadres.core.idcard import check_digit

    template = lrmx_read((ROOT / "cadres/appointment_forms/tests/fixtures/full_bom_crlf.lrmx").read_bytes(),
                         file_name="template")
    image = Image.new("RGB", (376, 460), (200, 210, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 80, 256, 240), fill=(240, 200, 170))
    draw.rectangle((70, 280, 306, 460), fill=(40, 50, 90))
    photo = io.BytesIO()
    image.save(photo, format="JPEG", quality=85)
    template.photo = photo.getvalue()
    files = []
    for number in range(count):
        name = SURNAMES[number % 20] + GIVEN[(number // 20) % 20] + GIVEN[(number // 400) % 20]
        first17 = f"330{number // 10000 + 1}{(number // 100) % 100:02d}19750312{number % 100:02d}1"
        template.name = name
        template.id_number = first17 + check_digit(first17)
        files.append((f"{name}-{number}.lrmx", lrmx_write(template)))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL; default: SQLite")
    path = parser.add_mutually_exclusive_group()
    path.add_argument("--bulk", action="store_true", help="import in bulk")
    path.add_argument("--per-file", action="store_true", help="import file after file (no bulk path)")
    args = parser.parse_args()

    from structure import _create_database

    drop = _create_database(args.database_url)
    scratch = tempfile.mkdtemp(prefix="cadres-bench-lrmx-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MEDIA_ROOT = str(Path(scratch) / "media")
    settings.VAR_DIR = Path(scratch) / "var"
    try:
        call_command("migrate", verbosity=0)
        _run(args.files, connection.vendor, bulk=True if args.bulk else False if args.per_file else None)
    finally:
        connection.close()
        drop()
        shutil.rmtree(scratch, ignore_errors=True)


def _run(count: int, vendor: str, *, bulk: bool | None) -> None:
    import defusedxml.ElementTree as SafeET

    from cadres.appointment_forms.lrmx import lrmx_read
    from cadres.appointment_forms.services import NEW, bulk_by_default, lrmx_import
    from cadres.people.models import Person

    files = _files(count)
    size = sum(len(content) for _, content in files)
    print(f"{vendor}: {count} LRMX files, {size / 1e6:.1f} MB", flush=True)

    started = time.perf_counter()
    for _, content in files:
        SafeET.fromstring(content, forbid_dtd=True)
    print(f"{vendor}: baseline, defusedxml parse only: {time.perf_counter() - started:.2f}s", flush=True)

    started = time.perf_counter()
    for name, content in files:
        lrmx_read(content, file_name=name)
    print(f"{vendor}: lrmx_read into AppointmentForm: {time.perf_counter() - started:.2f}s", flush=True)

    started = time.perf_counter()
    report = lrmx_import(actor=None, files=files, unit_path="青岚县/县水利局", dry_run=False, rank="正科级", bulk=bulk)
    elapsed = time.perf_counter() - started
    created = report.count(NEW)
    errors = [result.error for result in report.files if result.error][:3]
    assert created == count and Person.objects.count() == count, errors
    path = "bulk path" if (bulk_by_default(count) if bulk is None else bulk) else "file after file"
    print(f"{vendor}: lrmx_import of {count} files, {path} (all new people, every part written and audited): "
          f"{elapsed:.2f}s ({elapsed / count * 1000:.1f} ms a file)", flush=True)


if __name__ == "__main__":
    main()
