"""`cadres selection-stats --year Y [--json] [--user NAME]`: the yearly figures of selection work
(promoted, exchanged, transferred, by method, by unit type, 竞争上岗), computed from the cases."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cadres.accounts.selectors import user_for_command
from cadres.cases.stats import selection_stats, stats_in_words


class Command(BaseCommand):
    help = "选拔任用工作年度统计：提拔、交流、转任人数，按选任方式、单位类别，竞争上岗情况"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, type=int, help="年度，如 2026")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--user", help="以该用户的可见范围统计（默认：全部）")

    def handle(self, *args: Any, year: int, json: bool, user: str | None, **options: Any) -> None:
        stats = selection_stats(year, user=user_for_command(user))
        if json:
            self.stdout.write(_dumps(stats))
            return
        self.stdout.write(stats_in_words(stats))
        if stats["by_method"]:
            self.stdout.write("按选任方式：" + "，".join(f"{k}{v}名" for k, v in stats["by_method"].items()))
        if stats["by_unit_type"]:
            self.stdout.write("按单位类别：" + "，".join(f"{k}{v}名" for k, v in stats["by_unit_type"].items()))


def _dumps(stats: dict[str, Any]) -> str:
    return json.dumps(stats, ensure_ascii=False, indent=2)
