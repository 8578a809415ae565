from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cadres.accounts.selectors import user_for_command
from cadres.core.spreadsheets import UnreadableFile, check_size
from cadres.people.services import RosterRejected, roster_apply, roster_check


class Command(BaseCommand):
    help = "导入干部名册（.xlsx / .xls / .csv）：全部成功或全部不导入"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="记入审计的操作人用户名")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        self.verbosity = options.get("verbosity", 1)
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        actor = user_for_command(user)
        try:
            # An oversized file is refused by its size, before it is read.
            check_size(file.stat().st_size, max_bytes=settings.ROSTER_MAX_BYTES)
        except UnreadableFile as error:
            self.stderr.write(str(error))
            raise CommandError(f"{file.name}：{error}，未导入任何数据") from error
        try:
            checked = roster_check(actor=actor, content=file.read_bytes(), file_name=file.name)
            report = roster_apply(actor=actor, checked=checked, dry_run=dry_run, progress=self._progress)
        except RosterRejected as rejected:
            for row_error in rejected.errors:
                self.stderr.write(str(row_error))
            raise CommandError(str(rejected)) from rejected
        verb = "检查通过，将" if dry_run else "已"
        self.stdout.write(
            f"{verb}导入 {report.rows} 行：新增 {report.created} 人，更新 {report.updated} 人，"
            f"未变 {report.unchanged} 人，新增单位 {report.units_created} 个"
        )

    def _progress(self, done: int, total: int, stage: str) -> None:
        if self.verbosity >= 2:
            self.stderr.write(f"[{done}/{total}] {stage}")
