"""The roster's background jobs: check an upload (the preview), import it, export a large
roster. Each is `run(job, progress) -> result` for cadres.jobs (see cadres.jobs.kinds).

An upload is parsed once. The check job reads the file, checks every cell and the actor's
scope (roster_check), keeps the checked roster pickled under var/imports/<token> in place of
the upload, and runs the import as a dry run for the preview's figures; the import job loads
that pickle and writes it (roster_apply), without parsing the file again. The pickle is
written and read only by these jobs, under a random token the user never sees.
"""

import pickle
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from cadres.accounts.templatetags.cadres_security import mask_id_number
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.jobs.kinds import ROSTER_CHECK, ROSTER_EXPORT, ROSTER_IMPORT
from cadres.jobs.models import Job
from cadres.jobs.services import JobFailed, JobProgress, job_create
from cadres.people import roster_preview, services
from cadres.people.exports import SensitiveExportRefused, roster_export, roster_export_scope
from cadres.people.services import RosterRejected

# Uploads checked but never imported are removed after a day.
PENDING_MAX_AGE_SECONDS = 24 * 3600
SAMPLE_ROWS = 20
# How the check job left the upload on disk: the checked roster, pickled.
STORED_CHECKED = "checked"


def imports_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def exports_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def export_file_keep(*, job: Job, content: bytes, suffix: str) -> None:
    """Keep a file a job wrote under var/exports/ (a random name; files older than a day go)
    and point the job at it, for the job page's download link."""
    directory = exports_dir()
    remove_stale_files(directory)
    name = f"{secrets.token_hex(16)}.{suffix}"
    (directory / name).write_bytes(content)
    job.file_path = f"exports/{name}"


def remove_stale_files(directory: Path) -> None:
    """Files older than a day (uploads never imported, exports long downloaded) go."""
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue


def _rejected(file_name: str, rejected: RosterRejected) -> JobFailed:
    errors = [str(error) for error in rejected.errors]
    return JobFailed(f"名册“{file_name}”有 {len(errors)} 处错误，未导入任何数据。"
                     "请在原文件中改正后重新上传。", errors)


# Starting the jobs (from the pages) ------------------------------------------------------------


def roster_check_start(*, actor: Any, chunks: Any, file_name: str) -> Job:
    """Keep an upload under a random token and queue the job that checks it."""
    directory = imports_dir()
    remove_stale_files(directory)
    token = secrets.token_hex(16)
    with (directory / token).open("wb") as destination:
        for chunk in chunks:
            destination.write(chunk)
    return job_create(actor=actor, kind=ROSTER_CHECK, parameters={"token": token},
                      file_name=file_name)


class ImportNotAvailable(Exception):
    """The checked roster cannot be imported (again): not this user's, failed, or done."""


@transaction.atomic
def roster_import_start(*, actor: Any, check_job_id: int) -> Job:
    """Queue the import of a checked roster, once: the check job is locked, and marked with
    the import it started, so a second confirmation starts nothing."""
    check = (Job.objects.select_for_update()
             .filter(pk=check_job_id, kind=ROSTER_CHECK, owner=actor, status=Job.Status.DONE)
             .first())
    if check is None or check.result.get("import_job_id"):
        raise ImportNotAvailable
    token = check.parameters.get("token", "")
    if not token or not (imports_dir() / token).exists():
        raise ImportNotAvailable
    job = job_create(actor=actor, kind=ROSTER_IMPORT, file_name=check.file_name, parameters={
        "token": token, "stored": STORED_CHECKED, "check_job_id": check.pk,
    })
    check.result = {**check.result, "import_job_id": job.pk}
    check.save(update_fields=["result"])
    return job


def roster_export_start(*, actor: Any, query: str, purpose: str, people: int) -> Job:
    """Queue a large export; `query` is the roster page's filter query string."""
    return job_create(actor=actor, kind=ROSTER_EXPORT,
                      parameters={"query": query, "purpose": purpose, "people": people},
                      file_name=f"干部名册-{timezone.localdate():%Y%m%d}.xlsx")


# The jobs ----------------------------------------------------------------------------------------


def sample_rows(rows: list[Any]) -> list[dict[str, Any]]:
    """Checked roster rows as the preview shows them: codes by name, months as 1975.03, and
    身份证号 masked (the preview is a page like the card, not a registered read)."""
    sample = []
    for row in rows:
        values = row.values
        birth, day_known = values["birth"]
        sample.append({
            "row": row.row,
            "name": values["name"],
            "sex": codes.name_for("sex", values["sex"]),
            "ethnicity": codes.name_for("ethnicity", values["ethnicity"]),
            "birth": format_month(birth, day_known=day_known),
            "id_number": mask_id_number(values.get("id_number") or ""),
            "political_status": codes.name_for("political_status", values["political_status"]),
            "education": codes.name_for("education", codes.highest_education(
                values.get("full_time_education") or "", values.get("in_service_education") or "",
            )),
            "unit_path": values["unit_path"],
            "post_title": values.get("post_title") or "",
            "rank": codes.name_for("rank", values["rank"]),
            "is_team_member": bool(values.get("is_team_member")),
        })
    return sample


# The stages roster_apply reports, as the job page names them.
STAGE_LABELS = {
    "单位": "建立单位", "匹配": "匹配已有干部", "写入": "写入干部信息", "审计": "写入审计记录",
    "完成": "完成",
}


def _staged(progress: JobProgress, prefix: str) -> Any:
    def tell(done: int, total: int, stage: str) -> None:
        progress(done, total, f"{prefix}：{STAGE_LABELS.get(stage, stage)}")

    return tell


def _counts(report: Any) -> dict[str, Any]:
    units = report.units_created
    return {
        "file_format": report.file_format,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "units_created": len(units) if isinstance(units, list | tuple) else units,
    }


def roster_check_run(*, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Check an upload and work out the preview (a dry run); nothing is written."""
    path = imports_dir() / job.parameters["token"]
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise JobFailed("上传的名册文件已失效，请重新上传。") from None
    progress(0, 0, "读取并检查名册")
    try:
        checked = services.roster_check(actor=job.owner, content=content, file_name=job.file_name)
        path.write_bytes(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL))
        report = services.roster_apply(actor=job.owner, checked=checked, dry_run=True,
                                       progress=_staged(progress, "计算导入后的变化"))
    except RosterRejected as rejected:
        path.unlink(missing_ok=True)
        raise _rejected(job.file_name, rejected) from None
    return {
        **_counts(report),
        "stored": STORED_CHECKED,
        "sample": sample_rows(list(report.sample)[:SAMPLE_ROWS]),
        **roster_preview.preview(parsed=checked.parsed, changed=report.changed,
                                 new_unit_paths=report.new_unit_paths, token_path=path),
    }


def roster_import_run(*, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Write a checked roster: every row or none (the import is one transaction)."""
    path = imports_dir() / job.parameters["token"]
    try:
        stored_content = path.read_bytes()
    except FileNotFoundError:
        raise JobFailed("该导入文件已失效或已导入，请重新上传名册。") from None
    # Used once, whatever happens: a failed import is uploaded again.
    path.unlink(missing_ok=True)
    roster_preview.changes_path(path).unlink(missing_ok=True)
    progress(0, 0, "写入名册")
    checked = pickle.loads(stored_content)  # noqa: S301 - written by roster_check_run
    try:
        report = services.roster_apply(actor=job.owner, checked=checked, progress=_staged(progress, "导入名册"))
    except RosterRejected as rejected:
        raise _rejected(job.file_name, rejected) from None
    return _counts(report)


def roster_export_run(*, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Write a large roster export to var/exports/, for the job page's download link."""
    from cadres.people.forms import RosterFilterForm

    query = QueryDict(job.parameters.get("query", ""))
    form = RosterFilterForm(query, actor=job.owner)
    people, units = roster_export_scope(actor=job.owner, filters=form.filters() if form.is_bound else {})
    purpose = job.parameters.get("purpose", "")
    try:
        content = roster_export(actor=job.owner, people=people, units=units, purpose=purpose,
                                progress=progress, columns=query.getlist("export_columns") or None)
    except SensitiveExportRefused as refused:
        raise JobFailed(str(refused)) from None
    export_file_keep(job=job, content=content, suffix="xlsx")
    return {"people": job.total, "masked": not purpose.strip()}
