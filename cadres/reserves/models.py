"""Reserve cadres (后备干部): pools with their targets as data, members with where they came from,
their yearly reviews and their removal or use.

`Person.reserve_pool` (the roster's 后备干部 column) mirrors the name of the pool a person is an
active member of; only `cadres.reserves.services` writes it once pools exist.
"""

from django.conf import settings
from django.db import models

from cadres.core import codes


class ReservePool(models.Model):
    """A pool of reserves for posts of one rank (e.g. 正科级后备干部) over a unit and its subtree."""

    name = models.CharField("名称", max_length=50, unique=True)
    rank = models.CharField("拟任职务层次", max_length=4, choices=codes.choices("rank"), blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="范围单位")
    # Posts the pool serves; empty: the 领导职数 of that rank in the unit's subtree.
    posts = models.PositiveIntegerField("对应职位数", null=True, blank=True)
    # Reserves unused for this many years are flagged (备而不用).
    unused_years = models.PositiveSmallIntegerField("备而不用提示年限", default=3)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "后备干部库"
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReserveTarget(models.Model):
    """A structure target of a pool: a share of its members (35岁以下 ≥ 30%, 女 ≥ 20% …) or the
    pool's size against its posts (≥ 2 ×). `measure` uses the plan targets' measures."""

    class Measure(models.TextChoices):
        AGE_AT_MOST = "age_at_most", "N岁以下"
        WOMEN = "women", "女干部"
        NON_PARTY = "non_party", "党外干部"
        MINORITY = "minority", "少数民族干部"
        BACHELOR_OR_ABOVE = "bachelor_or_above", "大学以上学历"
        POSTS_RATIO = "posts_ratio", "后备人数与职位数之比"

    pool = models.ForeignKey(ReservePool, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField("指标", max_length=30, choices=Measure.choices)
    age = models.PositiveSmallIntegerField("年龄（周岁以下）", null=True, blank=True)
    # Percent of the pool's members, or for POSTS_RATIO the multiple of the posts.
    threshold = models.DecimalField("不少于", max_digits=6, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "后备干部结构目标"
        verbose_name_plural = verbose_name
        ordering = ["pool", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} ≥ {self.threshold}"


class ReserveSource(models.TextChoices):
    RECOMMENDATION = "recommendation", "民主推荐"
    OPEN_SELECTION = "open_selection", "公开选拔"
    ORGANIZATION = "organization", "组织推荐"
    ROSTER = "roster", "名册导入"


class ReserveStatus(models.TextChoices):
    ACTIVE = "active", "在库"
    USED = "used", "已提拔使用"
    REMOVED = "removed", "已调出"


class ReserveMember(models.Model):
    """A person in a pool: nominated on a date from a source, reviewed yearly, then used
    (提拔使用) or removed with a reason."""

    pool = models.ForeignKey(ReservePool, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="reserve_memberships",
                               verbose_name="干部")
    source = models.CharField("来源", max_length=20, choices=ReserveSource.choices)
    nominated_on = models.DateField("入库日期")
    document = models.CharField("文号", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=ReserveStatus.choices, default=ReserveStatus.ACTIVE)
    last_reviewed_on = models.DateField("最近考察调整日期", null=True, blank=True)
    left_on = models.DateField("出库日期", null=True, blank=True)
    left_reason = models.TextField("出库原因", blank=True)
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "后备干部"
        verbose_name_plural = verbose_name
        ordering = ["pool", "nominated_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "person"], condition=models.Q(status="active"),
                                    name="reserves_one_active_membership_per_pool"),
        ]
        indexes = [models.Index(fields=["status", "pool"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_status_display()}"


class ReserveReview(models.Model):
    """A yearly review (动态调整) of a member: kept, or a note on what changed."""

    member = models.ForeignKey(ReserveMember, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("考察日期")
    outcome = models.CharField("结论", max_length=100)
    notes = models.TextField("情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = "后备干部考察调整"
        verbose_name_plural = verbose_name
        ordering = ["member", "-reviewed_on"]

    def __str__(self) -> str:
        return f"{self.reviewed_on} {self.outcome}"
