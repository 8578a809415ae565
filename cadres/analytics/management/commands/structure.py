"""`cadres structure`: the structure report of a scope at an as-of date, as JSON or a table."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from cadres.accounts.selectors import SYSTEM_READER, user_for_command
from cadres.analytics.selectors import (
    DIMENSIONS,
    TOTALS,
    age_bands_from_cuts,
    structure_report,
    unit_for_reference,
)


def parse_bands(text: str) -> list[tuple[int | None, int | None]]:
    try:
        cuts = [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError as error:
        raise CommandError(f"年龄段应为逗号分隔的整数，如 30,35,40：{text}") from error
    if not cuts:
        raise CommandError("年龄段不能为空")
    return age_bands_from_cuts(cuts)


class Command(BaseCommand):
    help = "结构分析：某一范围在截止日期的年龄、性别、民族、政治面貌、学历、职务层次等结构"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat,
                            help="截止日期，如 2007-11-30")
        parser.add_argument("--unit", help="单位全称（如 临江市/凤卧镇），或唯一的单位名称；含下级单位")
        parser.add_argument("--team-members-only", action="store_true",
                            help="只统计截止日期时的领导班子成员")
        parser.add_argument("--bands", help="年龄段上限，逗号分隔，如 30,35,40,45,50,55")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--user", help="以该用户的可见范围统计（默认：全部）")

    def handle(self, *args, as_of, unit, team_members_only, bands, json: bool, user, **options):
        actor = user_for_command(user) or SYSTEM_READER
        scope = None
        if unit:
            try:
                scope = unit_for_reference(actor=actor, reference=unit)
            except LookupError as error:
                raise CommandError(str(error)) from error
        report = structure_report(
            actor=actor, as_of=as_of, unit=scope, team_members_only=team_members_only,
            age_bands=parse_bands(bands) if bands else None,
        )
        report["scope"] = scope.path if scope else "全部"
        report["team_members_only"] = team_members_only
        if json:
            self.stdout.write(_dumps(report))
        else:
            self.stdout.write(render_text(report))


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def render_text(report: dict) -> str:
    who = "领导班子成员" if report["team_members_only"] else "全部干部"
    lines = [
        f"结构分析  范围：{report['scope']}（{who}）  截止日期：{report['as_of']}",
        f"总人数：{report['total']}    平均年龄：{report['average_age']:.2f} 岁",
        "",
    ]
    for key, heading in DIMENSIONS:
        lines.append(f"【{heading}】")
        if not report[key]:
            lines.append("  （无）")
        for name, item in report[key].items():
            lines.append(f"  {_pad(name, 20)}{item['count']:>8}{item['percent']:>9.2f}%")
        lines.append("")
    lines.append("【合计】")
    for key, label in TOTALS:
        item = report[key]
        lines.append(f"  {_pad(label, 20)}{item['count']:>8}{item['percent']:>9.2f}%")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Pad to a display width, counting a CJK character as two columns."""
    used = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(width - used, 1)
