"""`cadres workdays`: working days on the official calendar, for clerks and scripts.

    cadres workdays --from 2026-09-28 --count 5    # → 2026-10-09 (the last day of the period)
    cadres workdays --from 2026-09-28 --to 2026-10-09   # → 5
    cadres workdays --load 2027.csv [--user NAME]  # next year's calendar: 日期,上班|休息,说明

Line one of stdout is the answer alone (ISO date or a number); warnings go to stderr.
"""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadres.accounts.selectors import user_for_command
from cadres.cases import rules_services
from cadres.cases.workdays import add_workdays, workdays_between, years_unknown


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{option} 的日期格式应为 YYYY-MM-DD：{text}") from error


class Command(BaseCommand):
    help = "按国务院节假日安排（含调休上班）计算工作日：期末日期、区间工作日数；导入下一年的节假日安排"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="起始日期，如 2026-09-28（是工作日则计入）")
        parser.add_argument("--count", type=int, help="工作日数：输出含这么多工作日的期间的最后一天")
        parser.add_argument("--to", dest="end", help="截止日期（含）：输出 [起始, 截止] 内的工作日数")
        parser.add_argument("--load", help="导入节假日安排 CSV 文件（日期,上班或休息,说明）")
        parser.add_argument("--user", help="导入时记入审计的用户名（默认：系统）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["load"]:
            self._load(options["load"], options["user"])
            return
        if not options["start"]:
            raise CommandError("请给出 --from 起始日期（或 --load 文件）")
        start = _date(options["start"], "--from")
        if (options["count"] is None) == (options["end"] is None):
            raise CommandError("请给出 --count 工作日数或 --to 截止日期，二者选一")
        if options["count"] is not None:
            if options["count"] < 1:
                raise CommandError("--count 应为正整数")
            end = add_workdays(start, options["count"])
            answer = end.isoformat()
        else:
            end = _date(options["end"], "--to")
            if end < start:
                raise CommandError("--to 不能早于 --from")
            answer = str(workdays_between(start, end))
        self.stdout.write(answer)
        unknown = years_unknown(start, end)
        if unknown:
            self.stderr.write(f"注意：{'、'.join(map(str, unknown))}年的节假日安排未知，已按周一至周五计算；"
                              "请用 cadres workdays --load 导入。")

    def _load(self, name: str, username: str | None) -> None:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"没有该文件：{name}")
        actor = user_for_command(username) if username else None
        try:
            count = rules_services.calendar_load(actor=actor, text=rules_services.decode_upload(path.read_bytes()),
                                                 source=path.name)
        except ValidationError as error:
            raise CommandError("导入失败，未做任何修改：\n" + "\n".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(count))
        self.stderr.write(f"已导入{count}天的节假日安排。")
