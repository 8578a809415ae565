"""`cadres backup FILE`: the database and the uploaded files in one portable zip file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cadres.core.backups import BackupError, backup


class Command(BaseCommand):
    help = ("备份数据库（每张表的行和校验和）和上传文件到一个 zip 文件（权限 0600）；"
            "服务器运行时也可备份。用 cadres restore FILE --verify 恢复并核对")

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.zip），不能已存在")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            summary = backup(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"已备份 {summary.tables} 张表共 {summary.rows} 行、"
            f"{summary.media_files} 个上传文件到 {file}"
        )
        if summary.skipped_tables:
            self.stderr.write("以下表不属于任何模型，未备份：" + "、".join(summary.skipped_tables))
