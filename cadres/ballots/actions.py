"""Audit action names and permission codes of the secret-ballot module.

The audit notes the roll (签到) and the lifecycle of a vote, never anything per ballot: there
is no action for a cast, and no event is written while ballots come in except late sign-ins.
"""

from django.db import models

from cadres.accounts.codes import register_permissions
from cadres.audit.actions import register


@register
class BallotAction(models.TextChoices):
    VOTE_CREATED = "vote.created", "新建投票"
    VOTE_UPDATED = "vote.updated", "修改投票规则"
    VOTE_OPTION_ADDED = "vote.option_added", "新增投票对象"
    VOTE_OPTION_REMOVED = "vote.option_removed", "删除投票对象"
    VOTE_FROZEN = "vote.frozen", "锁定投票设置"
    VOTE_CODES_ISSUED = "vote.codes_issued", "生成投票码"
    VOTE_SIGNED_IN = "vote.signed_in", "签到"
    VOTE_OPENED = "vote.opened", "开始投票"
    VOTE_CLOSED = "vote.closed", "结束投票（封箱）"
    VOTE_PAPER_ENTERED = "vote.paper_entered", "录入纸质票统计"
    VOTE_PAPER_RESET = "vote.paper_reset", "作废纸质票录入"
    VOTE_COUNTED = "vote.counted", "计票"
    VOTE_RELEASED = "vote.released", "公布投票结果"
    VOTE_ROUND_CREATED = "vote.round_created", "发起新一轮投票"


@register_permissions
class BallotPermission(models.TextChoices):
    MANAGE = "ballots.manage", "设置和组织投票（签到、投票码、开始投票）"
    SCRUTINIZE = "ballots.scrutinize", "监票（结束投票、计票、公布结果）"
    VIEW = "ballots.view", "查看已公布的投票结果"
