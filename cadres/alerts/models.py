"""Early warnings (预警) and exchange plans (交流).

Warnings are computed from the records when asked (`cadres.alerts.selectors`); the numbers
each kind uses (months before an age limit, tenure years, shares) are `cases.SelectionRule`
rows. A `WarningDigest` keeps what the daily job found for one officer on one day, so the
page can show what is new. An `ExchangePlan` is a what-if: moves between teams, previewed with
every team's structure and conflicts, committed through the post services.
"""

from django.conf import settings
from django.db import models

from cadres.core import codes


class WarningDigest(models.Model):
    """The warnings one officer had on one day (the daily digest), as data for the page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    count = models.PositiveIntegerField("预警条数")
    new_count = models.PositiveIntegerField("新增条数", default=0)
    # [{"kind", "key", "person_id", "unit_id", "message", "rule"}], the key identifying a warning
    # from day to day.
    items = models.JSONField("预警", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "每日预警摘要"
        verbose_name_plural = verbose_name
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="alerts_digest_once_per_user_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.count}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草案"
    COMMITTED = "committed", "已实施"
    DISCARDED = "discarded", "已放弃"


class ExchangePlan(models.Model):
    """A what-if of exchanges (交流) between teams, committed as a whole or not at all."""

    title = models.CharField("方案名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    effective_on = models.DateField("实施日期")
    document = models.CharField("文号", max_length=100, blank=True)
    notes = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField("实施时间", null=True, blank=True)

    class Meta:
        verbose_name = "交流方案"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ExchangeMove(models.Model):
    """One person's move in a plan: to a post in another unit (a new main post)."""

    plan = models.ForeignKey(ExchangePlan, on_delete=models.CASCADE, related_name="moves")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+", verbose_name="干部")
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="交流到单位")
    to_title = models.CharField("拟任职务", max_length=100)
    to_rank = models.CharField("职务层次", max_length=4, choices=codes.choices("rank"))
    is_team_member = models.BooleanField("班子成员", default=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "交流人选"
        verbose_name_plural = verbose_name
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="alerts_move_once_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.to_title}"
