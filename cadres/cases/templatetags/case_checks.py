"""Template tags of the rule checks: `{% case_check_results case as results %}` gives
`rules.checks_for(case, today)` ({"nominees": [{"nominee", "results"}], "case": [...]});
`check|check_badge` the badge class of a result's outcome."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from cadres.cases.rules import FAIL, NEEDS_REASON, PASS, checks_for

register = template.Library()

BADGES = {PASS: "badge-ok", FAIL: "badge-bad", NEEDS_REASON: "badge-warn"}


@register.simple_tag
def case_check_results(case: Any, on: dt.date | None = None) -> dict[str, Any]:
    return checks_for(case, on or timezone.localdate())


@register.filter
def check_badge(outcome: str) -> str:
    return BADGES.get(outcome, "")
