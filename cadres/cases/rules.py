"""The rule checks of the selection procedure (RULES.md §1, §2), with their numbers read from
`SelectionRule` rows (data) effective on the date checked.

Each check gives a `CheckResult`: pass, fail, or needs a reason (a reason recorded on the
nominee, `Nominee.check_reasons[code]`, turns it into a pass with the reason shown).
`transition_blockers(case, to_step, on)` is what `steps.step_move` asks before a case enters a
step: the failed checks and the unexplained ones guarding that step.
"""

import datetime as dt
from dataclasses import dataclass

from cadres.cases.models import SelectionCase

PASS, FAIL, NEEDS_REASON = "pass", "fail", "reason"


@dataclass(frozen=True)
class CheckResult:
    code: str
    name: str
    outcome: str
    message: str
    rule_text: str = ""
    nominee_id: int | None = None

    def __str__(self) -> str:
        return f"{self.name}：{self.message}"


def transition_blockers(case: SelectionCase, to_step: str, on: dt.date) -> list[CheckResult]:
    """The checks that stop `case` entering `to_step` on `on` (none until the checks land)."""
    return []
