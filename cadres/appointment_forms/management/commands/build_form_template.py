"""`cadres build-form-template [PATH]`: write the Word template of the 干部任免审批表 (the shipped
one by default) from its source, cadres/appointment_forms/template_source.py."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cadres.appointment_forms.template_source import TEMPLATE_PATH, build_template


class Command(BaseCommand):
    help = "生成干部任免审批表的 Word 模板（默认覆盖随系统提供的模板）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(TEMPLATE_PATH), help="输出的 .docx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = build_template(Path(options["path"]))
        self.stdout.write(f"已生成模板：{path}")
