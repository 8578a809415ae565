"""Every read of the warnings pages: the warnings grouped by kind with their rules, which are
new since the user's previous digest, the rows of the export, and the user's digests."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cadres.alerts.digest import previous_keys
from cadres.alerts.findings import Finding
from cadres.alerts.models import WarningDigest
from cadres.alerts.warnings import KINDS, NOT_KEPT, sources_present, warnings_for
from cadres.cases import rules
from cadres.cases.models import SelectionRule
from cadres.core.dates import format_day
from cadres.org.models import Unit
from cadres.people.models import Person


@dataclass(frozen=True)
class Row:
    finding: Finding
    is_new: bool
    rule: SelectionRule | None
    person_name: str = ""
    unit_path: str = ""


# Rows a kind shows on the page; the rest are counted and exported (100,000 people give
# thousands of 到龄 and tenure warnings).
SHOWN_ROWS = 200


@dataclass
class Group:
    kind: str
    label: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.is_new)

    @property
    def shown(self) -> list[Row]:
        """The rows the page shows: the new ones first, then by due date."""
        return sorted(self.rows, key=lambda row: not row.is_new)[:SHOWN_ROWS]

    @property
    def hidden_count(self) -> int:
        return max(0, self.count - SHOWN_ROWS)


@dataclass
class WarningPage:
    on: dt.date
    groups: list[Group]
    has_previous_digest: bool

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def new_total(self) -> int:
        return sum(group.new_count for group in self.groups)

    @property
    def quiet(self) -> list[str]:
        """The labels of the kinds checked that gave no warning."""
        return [group.label for group in self.groups if not group.rows and not group.note]


def rules_on(codes: Iterable[str], on: dt.date) -> dict[str, SelectionRule | None]:
    return {code: rules.rule(code, on) for code in sorted(set(codes))}


def warning_page(*, actor: Any, on: dt.date, kind: str = "", unit: Unit | None = None) -> WarningPage:
    """The warnings the actor may see on `on` (of one kind, within one unit when given), by
    kind in the order of KINDS, each with its rule and whether it is new since the actor's
    previous digest (with no previous digest, every warning is new)."""
    findings = warnings_for(actor=actor, on=on, kinds=[kind] if kind else None,
                            units=[unit] if unit is not None else None)
    before = previous_keys(user=actor, on=on)
    rule_rows = rules_on((finding.rule_code for finding in findings), on)
    names = dict(Person.objects.filter(pk__in={f.person_id for f in findings if f.person_id})
                 .values_list("pk", "name")) if findings else {}
    paths = dict(Unit.objects.filter(pk__in={f.unit_id for f in findings if f.unit_id})
                 .values_list("pk", "path")) if findings else {}
    groups = {
        code: Group(kind=code, label=label, note=NOT_KEPT.get(code, ""))
        for code, label in KINDS.items() if not kind or code == kind
    }
    present = sources_present()
    for code, group in groups.items():
        if not group.note and present.get(code) is False:
            group.note = "该项检查尚未启用。"
    for finding in findings:
        if finding.kind not in groups:
            continue
        groups[finding.kind].rows.append(Row(
            finding=finding, is_new=before is None or finding.key not in before,
            rule=rule_rows.get(finding.rule_code),
            person_name=names.get(finding.person_id, "") if finding.person_id else "",
            unit_path=paths.get(finding.unit_id, "") if finding.unit_id else "",
        ))
    return WarningPage(on=on, groups=list(groups.values()), has_previous_digest=before is not None)


EXPORT_HEADER = ("预警类别", "干部", "单位", "预警内容", "到期日期", "依据规则", "新增")


def export_rows(page: WarningPage) -> list[Sequence[object]]:
    return [
        (group.label, row.person_name, row.unit_path, row.finding.message, format_day(row.finding.due_on),
         row.rule.name if row.rule is not None else row.finding.rule_code, "是" if row.is_new else "")
        for group in page.groups for row in group.rows
    ]


def digests_of(*, user: Any) -> QuerySet[WarningDigest]:
    """The user's own digests, newest first."""
    return WarningDigest.objects.filter(user=user).order_by("-day")
