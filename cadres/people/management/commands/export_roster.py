from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadres.accounts.selectors import user_for_command
from cadres.org.models import Unit
from cadres.people.exports import SensitiveExportRefused, may_export_unmasked, roster_export
from cadres.people.models import Person


class Command(BaseCommand):
    help = (
        "按导入模板导出干部名册（.xlsx）。身份证号默认遮盖（如 330381********6619）；"
        "给出 --purpose（导出用途，记入审计）才导出完整号码，且 --user 须有导出敏感信息的权限。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="以该用户的可见范围导出，并记入审计（默认：系统，全部）")
        parser.add_argument(
            "--purpose", default="",
            help="导出完整身份证号的用途（记入审计）；不给出时身份证号遮盖",
        )

    def handle(self, *args: Any, file: Path, user: str | None, purpose: str, **options: Any) -> None:
        actor = user_for_command(user)
        purpose = purpose.strip()
        if purpose and not may_export_unmasked(actor):
            # Checked before anything is read, so the refusal costs nothing.
            raise CommandError(
                f"用户 {user} 没有导出敏感信息的权限，不能导出完整身份证号；"
                "去掉 --purpose 可导出身份证号已遮盖的名册。"
            )
        people, units = Person.objects.all(), Unit.objects.all()
        if actor is not None:
            people, units = people.visible_to(actor), units.visible_to(actor)
        try:
            content = roster_export(actor=actor, people=people, units=units, purpose=purpose)
        except SensitiveExportRefused as refused:
            raise CommandError(str(refused)) from refused
        file.write_bytes(content)
        masked = "完整身份证号" if purpose else "身份证号已遮盖"
        self.stdout.write(f"已导出 {people.count()} 人到 {file}（{masked}）")
