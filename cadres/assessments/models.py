"""Assessment between appointments (考核): the yearly grades are kept on the file
(`records.AnnualAssessment`); this app keeps what is decided about them and around them.

- `ExcellentQuotaApproval`: a unit's 优秀 share raised above the rule's default for a year (e.g.
  25% with the 主管部门's approval), with its document.
- `PerformanceScore`: a township's (or department's) yearly target-performance (目标绩效) score,
  with the rank and award tier computed from the rule's tiers (data).
- `Evaluation`: one source of a cadre's comprehensive evaluation (综合考核评价) for a period:
  民主推荐, 民主测评, 民意调查, 实绩分析, 个别谈话, 综合评价, as a score or a text.

The rules (优秀 share, consequences, award tiers) are `cases.SelectionRule` rows, the
deployment's one table of rules with their numbers.
"""

from django.conf import settings
from django.db import models


class ExcellentQuotaApproval(models.Model):
    """A unit's 优秀 share for a year above the default, approved by a document."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    percent = models.DecimalField("优秀比例上限（%）", max_digits=5, decimal_places=2)
    document = models.CharField("批准文号", max_length=100)
    approved_on = models.DateField("批准日期")

    class Meta:
        verbose_name = "优秀比例批准"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="assessments_quota_once_per_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.percent}%"


class PerformanceScore(models.Model):
    """A unit's yearly target-performance score (目标绩效考核), ranked within its group."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    group = models.CharField("考核组别", max_length=50, blank=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    targets_met = models.BooleanField("完成目标任务", default=True)
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    tier = models.CharField("奖励等次", max_length=20, blank=True)
    award_per_person = models.DecimalField("人均奖励（元）", max_digits=9, decimal_places=2, null=True,
                                           blank=True)

    class Meta:
        verbose_name = "目标绩效考核"
        verbose_name_plural = verbose_name
        ordering = ["year", "group", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="assessments_score_once_per_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.score}"


class EvaluationSource(models.TextChoices):
    RECOMMENDATION = "recommendation", "民主推荐"
    RATING = "rating", "民主测评"
    SURVEY = "survey", "民意调查"
    PERFORMANCE = "performance", "实绩分析"
    INTERVIEW = "interview", "个别谈话"
    OVERALL = "overall", "综合评价"


class Evaluation(models.Model):
    """One source of a cadre's comprehensive evaluation for a period (a year, or a term)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="evaluations",
                               verbose_name="干部")
    period = models.PositiveSmallIntegerField("年度")
    source = models.CharField("评价来源", max_length=20, choices=EvaluationSource.choices)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    text = models.TextField("评价意见", blank=True)
    # The unit and team the person belonged to when evaluated (averages compare within them).
    unit = models.ForeignKey("org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="单位")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "综合考核评价"
        verbose_name_plural = verbose_name
        ordering = ["person", "period", "source"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "source"], name="assessments_evaluation_unique"),
        ]
        indexes = [models.Index(fields=["period", "source"])]

    def __str__(self) -> str:
        return f"{self.period} {self.get_source_display()}"
