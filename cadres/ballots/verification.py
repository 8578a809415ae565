"""`cadres vote verify`: the recount, the digest and the published result held to each other."""

from dataclasses import dataclass, field

from cadres.ballots.models import Vote, VoteResult, VoteStatus
from cadres.ballots.recount import box_read, digest_recompute, first_difference, recount
from cadres.ballots.tally import result_digest


@dataclass
class VerifyReport:
    vote_id: int
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_intact(self) -> bool:
        return not self.problems


def vote_verify(vote_id: int) -> VerifyReport:
    """Recount on the separate path and compare with the stored digest and the stored result."""
    report = VerifyReport(vote_id)
    try:
        box = box_read(vote_id)
    except LookupError:
        report.problems.append(f"没有编号为 {vote_id} 的投票")
        return report
    status = box.vote["status"]
    if status in (VoteStatus.DRAFT, VoteStatus.FROZEN, VoteStatus.OPEN):
        report.problems.append("投票尚未结束（封箱），不能核验")
        return report
    stored = box.vote["digest"]
    digest = digest_recompute(vote_id, box.ballots)
    if digest != stored:
        report.problems.append(f"选票与封箱摘要不一致：选票被修改、删除或增加（封箱摘要 {stored}，重新计算 {digest}）")
    else:
        report.notes.append(f"封箱摘要一致：{digest}（{len(box.ballots)} 张电子选票）")
    if not box.used_codes == len(box.ballots) == box.vote["ballots_cast"]:
        report.problems.append(f"已使用投票码 {box.used_codes} 个，存储选票 {len(box.ballots)} 张，"
                               f"计数器 {box.vote['ballots_cast']}，三者不相等")
    if status == VoteStatus.CLOSED:
        return report
    result = VoteResult.objects.filter(vote_id=vote_id).first()
    if result is None:
        report.problems.append("已计票的投票没有计票结果")
        return report
    if result.ballot_digest != stored:
        report.problems.append(f"计票结果所依据的封箱摘要（{result.ballot_digest}）与投票的封箱摘要（{stored}）不一致")
    if result_digest(result.tally) != result.result_digest:
        report.problems.append("存储的计票结果与其结果摘要不一致：结果被修改")
    recounted = recount(box)
    difference = first_difference(result.tally, recounted)
    if difference:
        which = "公布" if status == VoteStatus.RELEASED else "存储"
        report.problems.append(f"重新计票与{which}的结果不一致：{difference}")
    else:
        report.notes.append(f"重新计票与计票结果一致（有效票 {recounted['valid']}，废票 {recounted['invalid']}）")
    return report


def vote_label(vote_id: int) -> str:
    vote = Vote.objects.filter(pk=vote_id).first()
    return str(vote) if vote else str(vote_id)


def require_ballots_intact() -> None:
    """At start (`cadres serve`): refuse to serve while any vote's used codes, stored ballots
    and counter differ (VOTING.md 9) — CommandError, exit status 2, a Chinese message."""
    from django.core.management.base import CommandError

    from cadres.ballots.selectors import votes_integrity

    broken = [item for item in votes_integrity() if not item.is_intact]
    if broken:
        raise CommandError(
            "选票完整性检查未通过，生产服务器拒绝启动：" + "；".join(item.describe() for item in broken)
            + "。请监票人运行 cadres vote check 和 cadres vote verify 核查。"
            " / Ballot integrity check failed: the server refuses to start.", returncode=2)
