"""`cadres vote verify VOTE_ID` recounts a vote on the separate path and checks the digest
and the result; `cadres vote check` checks that used codes equal stored ballots for every vote.
Both exit non-zero (2) with a Chinese message on any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from cadres.ballots.selectors import votes_integrity
from cadres.ballots.verification import vote_label, vote_verify


class Command(BaseCommand):
    help = "无记名投票：verify 重新计票并核验封箱摘要和计票结果；check 核对已使用投票码与选票数"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, title="subcommands")
        verify = subcommands.add_parser("verify", help="重新计票，核验封箱摘要和公布的结果")
        verify.add_argument("vote_id", type=int)
        subcommands.add_parser("check", help="核对每次投票的已使用投票码数与存储选票数")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            report = vote_verify(options["vote_id"])
            for note in report.notes:
                self.stdout.write(note)
            if not report.is_intact:
                raise CommandError("核验未通过：" + "；".join(report.problems), returncode=2)
            self.stdout.write(f"投票“{vote_label(options['vote_id'])}”核验通过。")
            return
        broken = [item for item in votes_integrity() if not item.is_intact]
        if broken:
            raise CommandError("选票完整性检查未通过：" + "；".join(item.describe() for item in broken), returncode=2)
        self.stdout.write("选票完整性检查通过：每次投票的已使用投票码数等于存储选票数。")
