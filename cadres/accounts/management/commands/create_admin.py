"""`cadres create-admin USERNAME`: the administrator account for a new installation."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadres.accounts.services import admin_create


class Command(BaseCommand):
    help = ("新建系统管理员账号：超级用户，持有“系统管理员”角色（登录须动态口令），"
            "首次登录须修改密码")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--full-name", default="系统管理员")
        parser.add_argument("--password-file",
                            help="从文件读取初始密码（默认交互输入）")

    def handle(self, *args, username: str, full_name: str, password_file: str | None, **options):
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"用户已存在：{username}")
        if password_file:
            with open(password_file, encoding="utf-8") as handle:
                password = handle.read().strip()
        else:
            password = getpass.getpass("初始密码：")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        admin_create(actor=None, username=username, full_name=full_name, password=password)
        self.stdout.write(f"已创建系统管理员 {username}：首次登录须修改密码并绑定动态口令。")
