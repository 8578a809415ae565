from django.core.management.base import BaseCommand, CommandError

from cadres.accounts.selectors import user_for_command
from cadres.people.demo import (
    ADMIN_USERNAME,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    OFFICER_USERNAME,
    demo_load,
)
from cadres.people.models import Person


class Command(BaseCommand):
    help = "载入演示数据：虚构的青岚县，县直部门、乡镇和约600名干部（含任职经历），由固定种子生成"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有干部时什么也不做（不报错）"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）"
        )
        parser.add_argument("--user", help="记入审计的操作人用户名（默认：系统）")

    def handle(self, *args, if_empty: bool, seed: int, user: str | None, **options):
        existing = Person.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(f"数据库中已有 {existing} 名干部，未载入演示数据。")
                self._print_login()
                return
            raise CommandError(f"数据库中已有 {existing} 名干部；演示数据只能载入空数据库。")
        report = demo_load(actor=user_for_command(user), seed=seed)
        self.stdout.write(
            f"已载入演示数据（种子 {report.seed}）：{report.units} 个单位，{report.people} 名干部，"
            f"{report.history_assignments} 条历史任职。"
        )
        self._print_login()

    def _print_login(self) -> None:
        self.stdout.write(
            f"演示账号：{ADMIN_USERNAME}（管理员）、{OFFICER_USERNAME}（干部科），"
            f"初始密码 {DEMO_PASSWORD}，首次登录须修改密码。"
        )
