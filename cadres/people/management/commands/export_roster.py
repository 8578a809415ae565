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
        parser.add_argument("--user", help="以该用户的可见范围导出，并记入审计（默认：系统，全部）")

    def handle(self, *args, file: Path, user: str | None, **options):
        actor = user_for_command(user)
        people, units = Person.objects.all(), Unit.objects.all()
        if actor is not None:
            people, units = people.visible_to(actor), units.visible_to(actor)
        content = roster_export(actor=actor, people=people, units=units)
        file.write_bytes(content)
        self.stdout.write(f"已导出 {people.count()} 人到 {file}")
