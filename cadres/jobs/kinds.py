"""The kinds of background job: what each runs, how its result is shown, and whether it is
an import (imports run one at a time per database).

A module adds a kind with one entry here; the job row stores only the name, so that needs
no migration.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    # Dotted path of `run(job, progress) -> dict`: does the work and returns the result JSON.
    # It raises JobFailed (cadres.jobs.services) with a Chinese message when the work is refused.
    runner: str
    # The fragment that shows a finished job's result (context: job, result).
    result_template: str
    # Imports take the database's import slot (cadres.jobs.locks), so they queue.
    is_import: bool = False
    # What the progress figures count ("人"), shown as "120 / 381 人"; empty when the work
    # reports stages only (the page then shows the stage and the percentage).
    progress_unit: str = ""

    def run(self) -> Callable[..., dict[str, Any]]:
        return import_string(self.runner)


ROSTER_CHECK = "roster_check"
ROSTER_IMPORT = "roster_import"
ROSTER_EXPORT = "roster_export"
APPOINTMENT_FORMS_BATCH = "appointment_forms_batch"

KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (
        # A check reads and counts without writing or locking (roster_apply's dry run), so it
        # does not queue behind imports.
        JobKind(ROSTER_CHECK, "检查名册", "cadres.people.jobs.roster_check_run",
                "people/partials/import_preview.html"),
        JobKind(ROSTER_IMPORT, "导入名册", "cadres.people.jobs.roster_import_run",
                "people/partials/import_result.html", is_import=True),
        JobKind(ROSTER_EXPORT, "导出名册", "cadres.people.jobs.roster_export_run",
                "people/partials/export_result.html", progress_unit="人"),
        JobKind(APPOINTMENT_FORMS_BATCH, "生成任免审批表", "cadres.appointment_forms.jobs.batch_run",
                "appointment_forms/partials/batch_result.html", progress_unit="份"),
    )
}
IMPORT_KINDS = tuple(name for name, kind in KINDS.items() if kind.is_import)


def label_for(kind: str) -> str:
    return KINDS[kind].label if kind in KINDS else kind
