"""Secret ballots: votes with their rules as data, the roll, one-time codes and the ballot box.

What links a voter to a ballot is never stored (see README.md): the roll (`Attendance`) knows
who is present, the codes (`VotingCode`) know only a keyed hash and whether they were used, and
a ballot (`Ballot`) knows its vote, its voter group, its content and its receipt — no voter, no
code, no time, no address, no sequence. The only code → receipt mapping (`CastReceipt`, for
idempotent retries) lives while the vote is open and is erased at close.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

RATING_SCALE_DEFAULT = ["优秀", "称职", "基本称职", "不称职"]


def default_rating_scale() -> list[str]:
    return list(RATING_SCALE_DEFAULT)


class VoteKind(models.TextChoices):
    DECISION = "decision", "票决"
    RECOMMENDATION = "recommendation", "民主推荐"
    RATING = "rating", "民主测评"


class VoteStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FROZEN = "frozen", "已锁定"
    OPEN = "open", "投票中"
    CLOSED = "closed", "已封箱"
    COUNTED = "counted", "已计票"
    RELEASED = "released", "已公布"


class CountBase(models.TextChoices):
    """What a quorum or a threshold is a share of."""

    EXPECTED = "expected", "应到会人数"
    PRESENT = "present", "实到人数"
    VALID = "valid", "有效票数"


class Vote(models.Model):
    """One round of a secret vote: its kind, its rules as data, its state and its counters.

    Quorum: `quorum_base` EXPECTED — people present ≥ quorum × 应到会; PRESENT — ballots
    returned ≥ quorum × people present. Threshold: an option passes with strictly more than
    threshold × base (票决: more than 1/2 of 应到会). Fractions are kept as two integers so a
    boundary (exactly 2/3, exactly one half) is decided exactly.
    """

    kind = models.CharField("投票类型", max_length=20, choices=VoteKind.choices)
    title = models.CharField("投票名称", max_length=200)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    expected_count = models.PositiveIntegerField("应到会人数")
    quorum_numerator = models.PositiveSmallIntegerField("法定人数比例（分子）", default=2)
    quorum_denominator = models.PositiveSmallIntegerField("法定人数比例（分母）", default=3)
    quorum_base = models.CharField("法定人数基数", max_length=10, choices=[
        (CountBase.EXPECTED, CountBase.EXPECTED.label), (CountBase.PRESENT, "实到人数（以收回票数计）"),
    ], default=CountBase.EXPECTED)
    threshold_numerator = models.PositiveSmallIntegerField("通过比例（分子）", default=1)
    threshold_denominator = models.PositiveSmallIntegerField("通过比例（分母）", default=2)
    threshold_base = models.CharField("通过比例基数", max_length=10, choices=CountBase.choices,
                                      default=CountBase.EXPECTED)
    max_choices = models.PositiveSmallIntegerField("每票最多推荐人数", null=True, blank=True)
    write_ins_allowed = models.BooleanField("允许另选他人", default=False)
    # 民主推荐: below this share of valid ballots for the top name, a second round is needed
    # (the local rule: 30%). Per mille, so 300 = 30%.
    second_round_below_per_mille = models.PositiveSmallIntegerField(
        "低于此得票率须二轮推荐（‰）", null=True, blank=True)
    rating_scale = models.JSONField("测评等次", default=default_rating_scale, blank=True)
    status = models.CharField("状态", max_length=10, choices=VoteStatus.choices,
                              default=VoteStatus.DRAFT)
    round_number = models.PositiveSmallIntegerField("轮次", default=1)
    previous_round = models.ForeignKey(
        "self", verbose_name="上一轮", null=True, blank=True, on_delete=models.PROTECT,
        related_name="next_rounds",
    )
    # Counters kept by the services: people signed in (实到), ballots stored.
    present_count = models.PositiveIntegerField("实到人数", default=0)
    ballots_cast = models.PositiveIntegerField("已投票数", default=0)
    codes_issued = models.PositiveIntegerField("已生成投票码", default=0)
    # Lifecycle times, none finer than the close (nothing is timed per ballot).
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    opened_at = models.DateTimeField("开始投票时间", null=True, blank=True)
    closed_at = models.DateTimeField("封箱时间", null=True, blank=True)
    # SHA-256 over the ballots sorted by receipt, computed at close (printed on the report).
    digest = models.CharField("封箱摘要", max_length=64, blank=True)
    # Failed code attempts (guessing): counted per client key in CodeAttemptThrottle.

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票"
        constraints = [
            models.CheckConstraint(name="ballots_vote_cast_within_present",
                                   condition=Q(ballots_cast__lte=F("present_count"))),
            models.CheckConstraint(name="ballots_vote_present_within_expected",
                                   condition=Q(present_count__lte=F("expected_count"))),
            models.CheckConstraint(name="ballots_vote_fractions_positive",
                                   condition=Q(quorum_denominator__gt=0, threshold_denominator__gt=0)),
        ]

    def __str__(self) -> str:
        suffix = f"（第{self.round_number}轮）" if self.round_number > 1 else ""
        return f"{self.title}{suffix}"


class VoterGroup(models.Model):
    """A group of voters (班子成员, 中层干部, 职工代表) with its weight in a 测评; a vote without
    groups has one group named "" (全体). Codes are issued per group; ballots of a group never
    exceed the group's people signed in (a constraint, backed by the conditional update)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("投票人类别", max_length=40, blank=True)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=4, default=Decimal(1))
    position = models.PositiveSmallIntegerField("排序", default=0)
    present_count = models.PositiveIntegerField("实到人数", default=0)
    ballots_cast = models.PositiveIntegerField("已投票数", default=0)

    class Meta:
        verbose_name = "投票人类别"
        verbose_name_plural = "投票人类别"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "name"], name="ballots_group_unique_name"),
            models.CheckConstraint(name="ballots_group_cast_within_present",
                                   condition=Q(ballots_cast__lte=F("present_count"))),
            models.CheckConstraint(name="ballots_group_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name or "全体"


class VoteOption(models.Model):
    """A nominee (票决), a candidate on the list (民主推荐) or a cadre rated (民主测评)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField("排序", default=0)
    name = models.CharField("姓名", max_length=50)
    description = models.CharField("职务或说明", max_length=200, blank=True)
    person = models.ForeignKey("people.Person", verbose_name="干部", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "投票对象"
        verbose_name_plural = "投票对象"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """How a ballot names this option."""
        return str(self.pk)


class Attendance(models.Model):
    """签到: one person present at the vote. Nothing here points into the box or to a code,
    and no time is kept (the audit notes the roll)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="attendance")
    group = models.ForeignKey(VoterGroup, verbose_name="投票人类别", on_delete=models.PROTECT,
                              related_name="+")
    person = models.ForeignKey("people.Person", verbose_name="干部", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    unit_label = models.CharField("工作单位", max_length=200, blank=True)
    # The person's pk, or the name with the unit: one sign-in per person.
    roll_key = models.CharField(max_length=260, editable=False)

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"
        constraints = [
            models.UniqueConstraint(fields=["vote", "roll_key"], name="ballots_attendance_once"),
        ]

    def __str__(self) -> str:
        return self.name


class VotingCode(models.Model):
    """A one-time code as stored: the keyed hash (HMAC, key derived from SECRET_KEY and the
    vote) and whether it was used. No voter; the printed code is never stored."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(VoterGroup, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64)
    is_used = models.BooleanField(default=False)

    class Meta:
        verbose_name = "投票码"
        verbose_name_plural = "投票码"
        constraints = [
            models.UniqueConstraint(fields=["vote", "code_hash"], name="ballots_code_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"投票码 {self.code_hash[:8]}…"



class CastReceipt(models.Model):
    """While the vote is open: the receipt given for a used code and the digest of the content,
    so a retry of the same submission gets the same receipt. One per code (a unique
    constraint: a second ballot for one code cannot commit its receipt). Erased at close."""

    code = models.OneToOneField(VotingCode, on_delete=models.CASCADE, related_name="+")
    receipt = models.CharField(max_length=16)
    content_digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.receipt



class Ballot(models.Model):
    """A ballot in the box: a random id, its vote, its voter group (for weights), its content
    and its receipt. No voter, no code, no time, no address, no sequence, no default order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    group = models.ForeignKey(VoterGroup, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField()
    receipt = models.CharField(max_length=16)

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        constraints = [
            models.UniqueConstraint(fields=["vote", "receipt"], name="ballots_ballot_unique_receipt"),
        ]

    def __str__(self) -> str:
        return f"选票 {self.receipt}"



class CodeAttemptThrottle(models.Model):
    """Failed code attempts per vote and client (a keyed hash of the client's address, or ""),
    in a window; too many lock the client out for a while. Successful casts write nothing here."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    client_key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "client_key"], name="ballots_throttle_unique_client"),
        ]

    def __str__(self) -> str:
        return f"投票码尝试 {self.failures} 次"



class PaperBatchStatus(models.TextChoices):
    PENDING = "pending", "待第二人录入"
    CONFIRMED = "confirmed", "两次录入一致"
    MISMATCH = "mismatch", "两次录入不一致"


class PaperBatch(models.Model):
    """A batch of paper ballots (纸质票) of one voter group: issued, and its tallies entered by
    two operators independently (PaperTally). Counted only when both entries agree."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="paper_batches")
    group = models.ForeignKey(VoterGroup, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("批次")
    issued = models.PositiveIntegerField("发出票数")
    status = models.CharField("状态", max_length=10, choices=PaperBatchStatus.choices,
                              default=PaperBatchStatus.PENDING)

    class Meta:
        verbose_name = "纸质票批次"
        verbose_name_plural = "纸质票批次"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "number"], name="ballots_paper_batch_unique"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}批"


class PaperTally(models.Model):
    """One operator's entry of a paper batch: ballots collected, invalid, and the counts."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.CASCADE, related_name="tallies")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    collected = models.PositiveIntegerField("收回票数")
    invalid = models.PositiveIntegerField("废票数", default=0)
    counts = models.JSONField("票数")

    class Meta:
        verbose_name = "纸质票录入"
        verbose_name_plural = "纸质票录入"
        constraints = [
            models.UniqueConstraint(fields=["batch", "operator"], name="ballots_paper_tally_once"),
            models.CheckConstraint(name="ballots_paper_invalid_within_collected",
                                   condition=Q(invalid__lte=F("collected"))),
        ]

    def __str__(self) -> str:
        return f"{self.batch}（{self.operator}录入）"



class VoteResult(models.Model):
    """The result computed at count (the tally), with the box digest it was computed from and
    a digest of the result itself; published at release."""

    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="result")
    tally = models.JSONField("计票结果")
    ballot_digest = models.CharField("封箱摘要", max_length=64)
    result_digest = models.CharField("结果摘要", max_length=64)
    counted_at = models.DateTimeField("计票时间")
    released_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "投票结果"
        verbose_name_plural = "投票结果"

    def __str__(self) -> str:
        return f"{self.vote}的计票结果"



class PersonRating(models.Model):
    """A released 民主测评 of a cadre on record, for his record (the yearly 测评 of a team feeds
    the assessment): the counts of each grade, the (weighted) shares and the valid ballots.
    Written by `vote_release` for every option of a 测评 linked to a person; never edited."""

    person = models.ForeignKey("people.Person", verbose_name="干部", on_delete=models.PROTECT,
                               related_name="ballot_ratings")
    vote = models.ForeignKey(Vote, verbose_name="民主测评", on_delete=models.PROTECT, related_name="person_ratings")
    year = models.PositiveSmallIntegerField("年度")
    counts = models.JSONField("各等次票数")
    shares = models.JSONField("各等次占比")
    valid_ballots = models.PositiveIntegerField("有效票")

    class Meta:
        verbose_name = "民主测评结果"
        verbose_name_plural = "民主测评结果"
        ordering = ["-year", "-vote_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "vote"], name="ballots_person_rating_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.vote}"
