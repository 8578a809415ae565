from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadres.accounts.selectors import user_for_command
from cadres.appointment_forms.lrmx import MAX_BYTES
from cadres.appointment_forms.services import REFUSED, ImportReport, lrmx_import


class Command(BaseCommand):
    help = (
        "导入干部任免审批表（.lrmx，或标准格式的 Word 审批表 .docx）：按身份证号、否则按姓名+出生年月"
        "对应到系统中的干部并更新；系统中没有的干部新增到 --unit 指定的单位（不存在时新建）。"
        "每个文件全部导入或全部不导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将做的修改，不写入")
        parser.add_argument("--unit", help="新增干部所在的单位（完整路径，如 青岚县/县水利局）")
        parser.add_argument("--rank", help="新增干部的职务层次（如 正科级；默认科员，审批表不含职务层次）")
        parser.add_argument("--user", help="记入审计的操作人用户名（默认：系统）")

    def handle(self, *args: Any, files: list[Path], dry_run: bool, unit: str | None, rank: str | None,
               user: str | None, **options: Any) -> None:
        actor = user_for_command(user)
        loaded: list[tuple[str, bytes]] = []
        for path in files:
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"文件“{path.name}”过大，不是任免审批表，未导入任何文件")
            loaded.append((path.name, path.read_bytes()))
        report = lrmx_import(actor=actor, files=loaded, unit_path=unit, dry_run=dry_run, rank=rank)
        self._print(report)
        if report.count(REFUSED):
            raise CommandError(f"{report.count(REFUSED)} 个文件被拒绝（见上），其余文件" +
                               ("检查通过" if dry_run else "已导入"))

    def _print(self, report: ImportReport) -> None:
        for result in report.files:
            who = f"  {result.person_name}" if result.person_name else ""
            self.stdout.write(f"{result.status}  {result.file_name}{who}")
            for change in result.changes:
                self.stdout.write(f"    {change}")
            for note in result.notes:
                self.stdout.write(f"    注意：{note}")
            if result.error:
                self.stdout.write(f"    原因：{result.error}")
        self.stdout.write(report.summary + ("（未写入）" if report.dry_run else ""))
