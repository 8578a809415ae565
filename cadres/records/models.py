"""The parts of a cadre's file kept as rows of their own: 简历 entries not covered by the post
history, 奖惩 and 年度考核. (Family members, `people.Relative`, are edited here too.) Only
cadres.records.services writes them."""

from django.core.exceptions import ValidationError
from django.db import models


class ResumeEntryKind(models.TextChoices):
    ENTRY = "entry", "经历"
    DURING = "during", "其间"


class ResumeEntry(models.Model):
    """A 简历 line the post history does not give (school, army, work before the records
    began): from `started_on` to `ended_on` (months, stored as the 1st; no end: to this day),
    the text, and its 其间 notes (one per line).

    An entry of kind 其间 (study, 挂职 while in post) is no line of its own: it is printed as a
    "（其间：2004.09--2006.12在省委党校学习）" note under the line, generated from the posts
    or entered, that covers its start (see selectors.resume_lines)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="resume_entries", verbose_name="干部"
    )
    started_on = models.DateField("起始年月")
    ended_on = models.DateField("截止年月", null=True, blank=True)
    kind = models.CharField("类型", max_length=10, choices=ResumeEntryKind.choices,
                            default=ResumeEntryKind.ENTRY)
    text = models.CharField("经历", max_length=300)
    notes = models.TextField("其间", blank=True)

    class Meta:
        ordering = ["person", "started_on", "id"]
        verbose_name = "简历"
        verbose_name_plural = "简历"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="resume_entry_ends_after_start",
                violation_error_message="截止年月不能早于起始年月",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class AwardKind(models.TextChoices):
    REWARD = "reward", "奖励"
    SANCTION = "sanction", "处分"


class Award(models.Model):
    """A reward or a sanction (奖惩): when, by which approving body, what; a sanction's
    影响期 ends on `effect_ends_on`."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="awards", verbose_name="干部"
    )
    kind = models.CharField("类别", max_length=10, choices=AwardKind.choices)
    name = models.CharField("名称", max_length=100)
    awarded_on = models.DateField("批准日期")
    approved_by = models.CharField("批准机关", max_length=100, blank=True)
    reason = models.CharField("事由", max_length=300, blank=True)
    effect_ends_on = models.DateField("影响期至", null=True, blank=True)
    document = models.CharField("文号", max_length=100, blank=True)

    class Meta:
        ordering = ["person", "awarded_on", "id"]
        verbose_name = "奖惩"
        verbose_name_plural = "奖惩"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.effect_ends_on is None:
            return
        if self.kind != AwardKind.SANCTION:
            raise ValidationError({"effect_ends_on": "只有处分才有影响期，奖励请不要填写影响期至"})
        if self.awarded_on and self.effect_ends_on < self.awarded_on:
            raise ValidationError({"effect_ends_on": "影响期至不能早于批准日期"})


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASICALLY_COMPETENT = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"
    UNGRADED = "ungraded", "不定等次"


class AnnualAssessment(models.Model):
    """The 年度考核 result of one year."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="annual_assessments", verbose_name="干部"
    )
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核结果", max_length=12, choices=AssessmentGrade.choices)
    remarks = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["person", "year"]
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"], name="annual_assessment_one_a_year",
                violation_error_message="该年度的考核结果已录入，请修改原有记录",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.get_grade_display()}"


class Training(models.Model):
    """A training the cadre attended (干部教育培训): 脱产 or 集中培训, with its hours, which the
    training rules (5年3个月或550学时; 每年12天或90学时) count."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="trainings", verbose_name="干部"
    )
    name = models.CharField("培训班名称", max_length=200)
    organizer = models.CharField("主办单位", max_length=100, blank=True)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期")
    hours = models.PositiveIntegerField("学时")
    is_full_time = models.BooleanField("脱产培训", default=True)

    class Meta:
        ordering = ["person", "started_on"]
        verbose_name = "培训"
        verbose_name_plural = "培训"
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_on__gte=models.F("started_on")),
                                   name="records_training_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name
