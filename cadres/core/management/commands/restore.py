"""`cadres restore FILE [--verify] [--verify-only]`: a backup into an empty, migrated database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cadres.core.backups import BackupError, restore, verify_archive, verify_database

VERIFY_FAILED = 2


class Command(BaseCommand):
    help = ("把 cadres backup 的备份恢复到新建并运行过 cadres migrate 的空数据库（其他情况拒绝）；"
            "--verify 恢复后逐表核对行数和 SHA-256、上传文件和审计记录的哈希链")

    def add_arguments(self, parser):
        parser.add_argument("file", help="cadres backup 写的备份文件")
        parser.add_argument("--verify", action="store_true",
                            help="恢复后核对数据库与备份完全一致（不一致时退出码 2）")
        parser.add_argument("--verify-only", action="store_true",
                            help="不恢复，只核对备份文件本身和当前数据库是否与备份一致")

    def handle(self, *args: Any, file: str, verify: bool, verify_only: bool,
               **options: Any) -> None:
        path = Path(file)
        try:
            if verify_only:
                differences = verify_archive(path) + verify_database(path)
            else:
                summary = restore(path)
                self.stdout.write(
                    f"已恢复 {summary.tables} 张表共 {summary.rows} 行、"
                    f"{summary.media_files} 个上传文件"
                )
                if not verify:
                    return
                differences = verify_database(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if differences:
            lines = "\n".join(f"- {difference.describe()}" for difference in differences)
            raise CommandError(f"核对不通过：数据库与备份不一致\n{lines}",
                               returncode=VERIFY_FAILED)
        self.stdout.write("核对通过：每张表的行数和 SHA-256、上传文件与备份一致，审计记录完整")
