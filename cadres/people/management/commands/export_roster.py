from pathlib import Path

from django.core.management.base import BaseCommand

from cadres.accounts.selectors import user_for_command
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.people.services import roster_export


class Command(BaseCommand):
    help = "按导入模板导出干部名册（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="记入审计的操作人用户名")

    def handle(self, *args, file: Path, user: str | None, **options):
        content = roster_export(
            actor=user_for_command(user), people=Person.objects.all(), units=Unit.objects.all()
        )
        file.write_bytes(content)
        self.stdout.write(f"已导出 {Person.objects.count()} 人到 {file}")
