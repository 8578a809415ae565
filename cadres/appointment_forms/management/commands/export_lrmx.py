from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadres.accounts.permissions import has_permission
from cadres.accounts.selectors import user_for_command
from cadres.appointment_forms.services import lrmx_export, lrmx_file_name
from cadres.org.models import Unit
from cadres.people.models import Person

PURPOSE = "命令行导出"


class Command(BaseCommand):
    help = (
        "导出干部任免审批表（LRMX）：--id-number 身份证号 文件，或 --unit 单位路径 目录（该单位及下级单位的"
        "在职干部，每人一个文件，文件名为 姓名.lrmx，重名时为 姓名-身份证后4位.lrmx）。文件含身份证号、"
        "家庭成员和照片，每个文件记入审计。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--id-number", help="导出该身份证号的干部")
        which.add_argument("--unit", help="导出该单位（完整路径）及下级单位的干部")
        parser.add_argument("target", type=Path, metavar="FILE_OR_DIR")
        parser.add_argument("--purpose", default=PURPOSE, help=f"导出用途（记入审计，默认“{PURPOSE}”）")
        parser.add_argument("--user", help="以该用户的可见范围导出，并记入审计（默认：系统，全部）")

    def handle(self, *args: Any, id_number: str | None, unit: str | None, target: Path, purpose: str,
               user: str | None, **options: Any) -> None:
        actor = user_for_command(user)
        if actor is not None and not has_permission(actor, "people.export_sensitive"):
            raise CommandError(f"用户 {user} 没有导出敏感信息的权限；任免审批表含身份证号和家庭成员，不能导出")
        if not purpose.strip():
            raise CommandError("请用 --purpose 说明导出用途")
        people = Person.objects.all() if actor is None else Person.objects.restrict(actor, "view")
        if id_number:
            person = people.filter(id_number=id_number.strip().upper()).first()
            if person is None:
                raise CommandError(f"没有身份证号为 {id_number} 的干部（或不在您的查看范围内）")
            target.write_bytes(lrmx_export(actor=actor, person=person, purpose=purpose))
            self.stdout.write(f"已导出 {person.name} 到 {target}")
            return
        found = Unit.objects.filter(path=(unit or "").strip().strip("/")).first()
        if found is None:
            raise CommandError(f"单位不存在：{unit}")
        chosen = list(people.filter(unit__in=Unit.objects.subtree_of(found), left_on__isnull=True))
        if not chosen:
            raise CommandError(f"单位“{found.path}”没有可导出的干部")
        target.mkdir(parents=True, exist_ok=True)
        names = Counter(person.name for person in chosen)
        for person in chosen:
            file_name = lrmx_file_name(person, with_id_suffix=names[person.name] > 1)
            (target / file_name).write_bytes(lrmx_export(actor=actor, person=person, purpose=purpose))
            self.stdout.write(f"已导出 {person.name}：{file_name}")
        self.stdout.write(f"共导出 {len(chosen)} 人到 {target}")
