"""The batch of 干部任免审批表 as a background job (kind APPOINTMENT_FORMS_BATCH): the forms of
the chosen people as a ZIP under var/exports/, for the job page's download link, with progress
counted in 份."""

from typing import Any

from django.utils import timezone

from cadres.accounts.permissions import is_own_or_relative
from cadres.appointment_forms.exports import FormExportRefused, FormOptions, forms_batch_export
from cadres.jobs.kinds import APPOINTMENT_FORMS_BATCH
from cadres.jobs.models import Job
from cadres.jobs.services import JobFailed, JobProgress, job_create
from cadres.people.jobs import export_file_keep
from cadres.people.models import Person


def batch_start(*, actor: Any, person_ids: list[int], options: FormOptions, formats: tuple[str, ...],
                purpose: str) -> Job:
    """Queue the batch; the people are read again (and scoped again) when it runs."""
    return job_create(actor=actor, kind=APPOINTMENT_FORMS_BATCH, parameters={
        "person_ids": list(person_ids), "options": options.as_json(), "formats": list(formats),
        "purpose": purpose,
    }, file_name=f"干部任免审批表-{timezone.localdate():%Y%m%d}.zip")


def batch_people(*, actor: Any, person_ids: list[int]) -> list[Person]:
    """The people of the batch the actor may still reach, in the order chosen; never the
    actor's own file or a relative's."""
    found = Person.objects.restrict(actor, "view").select_related("unit").in_bulk(person_ids)
    people = [found[pk] for pk in dict.fromkeys(person_ids) if pk in found]
    return [person for person in people if not is_own_or_relative(actor, person)]


def batch_run(*, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Write the ZIP of the forms to var/exports/ and point the job at it."""
    people = batch_people(actor=job.owner, person_ids=[int(pk) for pk in job.parameters.get("person_ids", [])])
    if not people:
        raise JobFailed("所选干部均不在您的管理范围内（或已不在库），未生成任免审批表。")
    formats = tuple(job.parameters.get("formats") or ["pdf"])
    try:
        content, files = forms_batch_export(
            actor=job.owner, people=people, options=FormOptions.from_json(job.parameters["options"]),
            formats=formats, purpose=job.parameters.get("purpose", ""), progress=progress,
        )
    except FormExportRefused as refused:
        raise JobFailed(str(refused)) from None
    export_file_keep(job=job, content=content, suffix="zip")
    asked = len(job.parameters.get("person_ids", []))
    return {"people": len(people), "files": files, "formats": list(formats), "skipped": max(0, asked - len(people))}
