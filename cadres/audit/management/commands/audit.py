"""`cadres audit verify`: check the audit record's hash chain."""

from django.core.management.base import BaseCommand, CommandError

from cadres.audit.verification import audit_chain_verify


class Command(BaseCommand):
    help = "审计记录：verify 校验哈希链是否完整（被修改、删除或调换的记录）"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True,
                                            title="subcommands")
        subcommands.add_parser("verify", help="校验审计记录的哈希链，报告第一条异常记录")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            report = audit_chain_verify()
            if not report.is_intact:
                raise CommandError(report.first_break.describe(), returncode=2)
            self.stdout.write(f"审计记录完整：共 {report.entry_count} 条，哈希链校验通过。")
