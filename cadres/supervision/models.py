"""Cadre supervision (干部监督): the register of 领导干部报告个人有关事项 (RULES.md §6).

`PersonalMattersReport` records that a cadre handed in a report and when: the yearly report
on the previous year (年度集中报告, due by the rule's month and day, by default 1月31日), the
report of a newly appointed cadre (新任报告, within the rule's `new_days`) or of an event
(事项报告). The content of the report is not kept here. Who must report and by when are the
numbers of the `cases.SelectionRule` row `personal_matters_due` (`ranks`, `month`, `day`,
`new_days`, `warn_days`); the warnings read them (`selectors.overdue_findings`).
"""

from django.conf import settings
from django.db import models


class ReportKind(models.TextChoices):
    ANNUAL = "annual", "年度集中报告"
    NEW = "new", "新任报告"
    EVENT = "event", "事项报告"


class PersonalMattersReport(models.Model):
    """One report a cadre handed in: its kind, the year it reports on and the day received."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="personal_matters_reports", verbose_name="干部",
                               db_index=False)
    year = models.PositiveSmallIntegerField("报告年度")
    kind = models.CharField("报告类别", max_length=10, choices=ReportKind.choices)
    submitted_on = models.DateField("报告日期")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name="登记人")
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "个人有关事项报告"
        verbose_name_plural = verbose_name
        ordering = ["person", "-year", "kind", "submitted_on", "id"]
        indexes = [
            # A person's reports of a kind (the warnings' NOT EXISTS), from the index alone.
            models.Index(fields=["person", "kind", "year", "submitted_on"], name="pm_report_person_kind_idx"),
            # A year's round.
            models.Index(fields=["kind", "year"], name="pm_report_kind_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], condition=models.Q(kind="annual"),
                                    name="pm_report_one_annual_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度{self.get_kind_display()}"
