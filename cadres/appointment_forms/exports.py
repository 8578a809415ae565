"""The 干部任免审批表 leaving the system, one or a batch, audited as an export.

The form carries the family, the 身份证号 and the photo: like an unmasked roster export
(people.exports), it is made only for a user holding `people.export_sensitive` who states a
purpose (用途), and each file's audit event names the person as subject and records the
purpose, the format and the file's SHA-256. A batch writes one event for the ZIP and one per
person linked to it.

Rendering is CPU work (WeasyPrint lays out about 0.3 s a form); a batch reads the records in
this process and renders in a pool of worker processes (`batch_workers`), which never touch
the database: they get plain `AppointmentForm`s.
"""

import datetime as dt
import hashlib
import io
import multiprocessing
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction

from cadres.accounts.permissions import can_export_sensitive
from cadres.appointment_forms.data import AppointmentForm
from cadres.appointment_forms.record import form_from_record
from cadres.appointment_forms.render import FAMILY_SHOWS_BIRTH, file_name, form_file
from cadres.audit.actions import register
from cadres.audit.services import record, record_many
from cadres.people.models import Person

# A batch asks for at most this many forms (a department's batch is a meeting's list).
BATCH_MAX_PEOPLE = 2000
# Fewer forms than this render in the job's own process (a pool costs more than it saves).
POOL_FROM = 8
# Forms handed to the pool ahead of the one being written (bounds memory).
POOL_AHEAD = 16


@register
class AppointmentFormAction(models.TextChoices):
    FORM_EXPORTED = "appointment_form.exported", "导出干部任免审批表"
    FORMS_EXPORTED = "appointment_form.batch_exported", "批量导出干部任免审批表"


FORMAT_LABELS = {"pdf": "PDF", "docx": "Word（DOCX）"}


class FormExportRefused(Exception):
    """The form may not leave: no right to export sensitive fields, or no purpose stated."""


@dataclass
class FormOptions:
    """What the clerk gives at generation (the record cannot know it)."""

    age_as_of: dt.date
    proposed_post: str = ""
    proposed_removal: str = ""
    reason: str = ""
    reporting_unit: str = ""
    filled_by: str = ""
    filled_on: dt.date | None = None
    family_shows: str = FAMILY_SHOWS_BIRTH

    def as_json(self) -> dict[str, Any]:
        values = asdict(self)
        for name in ("age_as_of", "filled_on"):
            values[name] = values[name].isoformat() if values[name] else None
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> "FormOptions":
        values = dict(values)
        for name in ("age_as_of", "filled_on"):
            values[name] = dt.date.fromisoformat(values[name]) if values.get(name) else None
        return cls(**values)


def _check_may_export(actor: Any, purpose: str) -> str:
    purpose = purpose.strip()
    if actor is not None and not can_export_sensitive(actor):
        raise FormExportRefused("您没有导出敏感信息的权限，不能生成干部任免审批表（表中含家庭成员、身份证号等信息）。")
    if not purpose:
        raise FormExportRefused("请填写用途：干部任免审批表含家庭成员等敏感信息，用途记入审计。")
    return purpose


def person_form(person: Person, options: FormOptions) -> AppointmentForm:
    return form_from_record(
        person, age_as_of=options.age_as_of, proposed_post=options.proposed_post,
        proposed_removal=options.proposed_removal, reason=options.reason,
        reporting_unit=options.reporting_unit, filled_by=options.filled_by, filled_on=options.filled_on,
    )


def form_export(*, actor: Any, person: Person, options: FormOptions, file_format: str,
                purpose: str) -> tuple[bytes, str]:
    """One person's form as a file (PDF or DOCX) and its Chinese name, audited with the person
    as subject. The person comes from the actor's scope (the view's restrict())."""
    purpose = _check_may_export(actor, purpose)
    form = person_form(person, options)
    content = form_file(form, file_format, family_shows=options.family_shows)
    with transaction.atomic():
        record(actor=actor, action=AppointmentFormAction.FORM_EXPORTED, target=person, subject=person, changes={
            "format": file_format, "purpose": purpose, "sha256": hashlib.sha256(content).hexdigest(),
            "age_as_of": options.age_as_of.isoformat(),
            **{name: value for name, value in (("proposed_post", options.proposed_post),
                                               ("proposed_removal", options.proposed_removal)) if value},
        })
    return content, file_name(form, file_format)


# --- a batch ---------------------------------------------------------------------------------


def batch_workers() -> int:
    """Processes rendering a batch: settings.APPOINTMENT_FORM_WORKERS, else the CPUs (at most 4)."""
    configured = getattr(settings, "APPOINTMENT_FORM_WORKERS", None)
    if configured:
        return max(1, int(configured))
    return max(1, min(4, os.cpu_count() or 1))


def _render(form: AppointmentForm, formats: tuple[str, ...], family_shows: str) -> list[tuple[str, bytes]]:
    """Runs in a pool process: no database, only the form."""
    return [(file_name(form, file_format), form_file(form, file_format, family_shows=family_shows))
            for file_format in formats]


def _rendered(forms: Iterable[AppointmentForm], formats: tuple[str, ...], family_shows: str,
              workers: int) -> Iterator[list[tuple[str, bytes]]]:
    """The files of each form, in the forms' order; rendered in `workers` processes."""
    if workers <= 1:
        for form in forms:
            yield _render(form, formats, family_shows)
        return
    # fork: the children have Django set up already and never use the parent's database
    # connection (they leave through os._exit, which closes nothing).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[Future[list[tuple[str, bytes]]]] = []
        for form in forms:
            pending.append(pool.submit(_render, form, formats, family_shows))
            if len(pending) >= POOL_AHEAD:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def _unique(name: str, taken: set[str]) -> str:
    """Two people of one name in a batch: 干部任免审批表-张伟.pdf, 干部任免审批表-张伟-2.pdf."""
    if name not in taken:
        taken.add(name)
        return name
    stem, dot, suffix = name.rpartition(".")
    number = 2
    while f"{stem}-{number}{dot}{suffix}" in taken:
        number += 1
    unique = f"{stem}-{number}{dot}{suffix}"
    taken.add(unique)
    return unique


def forms_batch_export(
    *, actor: Any, people: list[Person], options: FormOptions, formats: tuple[str, ...], purpose: str,
    progress: Callable[[int, int, str], None] | None = None, workers: int | None = None,
) -> tuple[bytes, int]:
    """A ZIP of the people's forms (one file per person and format), in the order given, and
    how many files it holds; audited as one event for the ZIP and one per person."""
    purpose = _check_may_export(actor, purpose)
    total = len(people)
    tell = progress or (lambda done, total, stage: None)
    tell(0, total, "生成任免审批表")
    workers = batch_workers() if workers is None else workers
    forms = (person_form(person, options) for person in people)
    output = io.BytesIO()
    taken: set[str] = set()
    hashes: list[dict[str, str]] = []
    # Stored, not deflated: PDF streams and .docx files are compressed already (deflating 200
    # PDFs again cost seconds of the job's own process and saved under 5 %).
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, files in enumerate(
            _rendered(forms, formats, options.family_shows, 1 if total < POOL_FROM else workers), start=1,
        ):
            digests = {}
            for name, content in files:
                archive.writestr(_unique(name, taken), content)
                digests[name.rpartition(".")[2]] = hashlib.sha256(content).hexdigest()
            hashes.append(digests)
            tell(done, total, "生成任免审批表")
    content = output.getvalue()
    with transaction.atomic():
        batch = record(actor=actor, action=AppointmentFormAction.FORMS_EXPORTED, changes={
            "people": total, "files": len(taken), "formats": list(formats), "purpose": purpose,
            "sha256": hashlib.sha256(content).hexdigest(), "age_as_of": options.age_as_of.isoformat(),
        })
        record_many(actor=actor, action=AppointmentFormAction.FORM_EXPORTED, batch=batch, items=[
            (person, {"format": "、".join(formats), "purpose": purpose, "sha256": digests})
            for person, digests in zip(people, hashes, strict=True)
        ])
    return content, len(taken)
