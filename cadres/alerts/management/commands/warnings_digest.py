"""`cadres warnings-digest [--date D]`: the daily digest of warnings for every officer holding
alerts.view (a scheduled job, run once a day; running it again the same day is harmless)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cadres.alerts.digest import digest_make_all


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from error


class Command(BaseCommand):
    help = "生成每日预警：为每位有“查看预警”权限的用户生成当日预警摘要"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="预警日期，如 2026-12-01（默认：今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["date"]) if options.get("date") else timezone.localdate()
        run = digest_make_all(on=on)
        for digest in run.digests:
            self.stdout.write(f"{digest.user}：预警{digest.count}条，新增{digest.new_count}条")
        self.stdout.write(f"{on:%Y.%m.%d} 已为{len(run.digests)}位用户生成每日预警，共{run.total}条")
