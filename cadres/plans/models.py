"""Age-limit rule sets and plan targets: the department's rules, kept as data it can edit."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from cadres.core import codes


class AgeLimitRuleSet(models.Model):
    """A named set of age limits: the local 任职年龄界限 ("到杠") or the statutory retirement ages.

    Each kind has at most one default set, which pages use unless another is chosen.
    """

    class Kind(models.TextChoices):
        POST_AGE_LIMIT = "post_age_limit", "任职年龄界限"
        STATUTORY_RETIREMENT = "statutory_retirement", "法定退休年龄"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    is_default = models.BooleanField("默认", default=False)
    description = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "年龄界限规则"
        verbose_name_plural = "年龄界限规则"
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_default=True),
                name="plans_one_default_rule_set_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgeLimit(models.Model):
    """One limit of a rule set: the age (years + months) at which a person of a post level and
    sex reaches it, optionally raised month by month with the birth month.

    A blank rank or sex applies to every rank or both sexes; the most specific limit wins
    (rank before sex). `group` names a population a limit applies to only when asked for
    (e.g. women on the old 50-year retirement age); blank is the cadres' own limit.

    The reform fields describe RULES §5: from the birth month `raise_from`, every
    `raise_every_months` months of birth add one month, at most `raise_cap_months`.
    The first birth month already gets one month (born 1965-01 → 60 years 1 month),
    as the published 对照表 has it; see rules.limit_months.
    """

    rule_set = models.ForeignKey(
        AgeLimitRuleSet, on_delete=models.CASCADE, related_name="limits", verbose_name="规则"
    )
    rank = models.CharField("职务层次", max_length=4, choices=codes.choices("rank"), blank=True)
    sex = models.CharField("性别", max_length=1, choices=codes.Sex.choices, blank=True)
    group = models.CharField("适用人群", max_length=50, blank=True)
    age_years = models.PositiveSmallIntegerField("年龄（周岁）")
    extra_months = models.PositiveSmallIntegerField("另加月数", default=0)
    raise_from = models.DateField("延迟起始出生年月", null=True, blank=True)
    raise_every_months = models.PositiveSmallIntegerField("每几个月出生延迟1个月", null=True, blank=True)
    raise_cap_months = models.PositiveSmallIntegerField("最多延迟月数", null=True, blank=True)

    class Meta:
        ordering = ["rule_set", "group", "rank", "sex"]
        verbose_name = "年龄界限"
        verbose_name_plural = "年龄界限"
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "rank", "sex", "group"], name="plans_age_limit_unique_target"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(raise_from__isnull=True, raise_every_months__isnull=True,
                             raise_cap_months__isnull=True)
                    | models.Q(raise_from__isnull=False, raise_every_months__gt=0,
                               raise_cap_months__isnull=False)
                ),
                name="plans_age_limit_raise_all_or_none",
            ),
        ]

    def __str__(self) -> str:
        who = " ".join(
            part for part in (self.group, codes.name_for("rank", self.rank),
                              codes.name_for("sex", self.sex)) if part
        ) or "全部"
        text = f"{who}：{self.age_years}周岁"
        if self.extra_months:
            text += f"{self.extra_months}个月"
        if self.raise_from:
            text += (f"（{self.raise_from:%Y.%m}起每{self.raise_every_months}个月延迟1个月，"
                     f"最多{self.raise_cap_months}个月）")
        return text

    def clean(self) -> None:
        raise_fields = (self.raise_from, self.raise_every_months, self.raise_cap_months)
        if any(value is not None for value in raise_fields) and None in raise_fields:
            raise ValidationError("延迟起始出生年月、间隔月数和最多延迟月数须同时填写")
        if self.raise_every_months == 0:
            raise ValidationError({"raise_every_months": "间隔月数须大于0"})
        if self.raise_from is not None:
            self.raise_from = dt.date(self.raise_from.year, self.raise_from.month, 1)


class PrincipalTitle(models.Model):
    """A post title that makes its holder a team's principal (正职, 一把手), e.g. 书记, 镇长.

    A team member's title is split at 、，, / and spaces; a part equal to one of these titles
    makes the member a principal, so 党委副书记、镇长 is a principal and 副镇长 is not.
    """

    title = models.CharField("正职职务名称", max_length=30, unique=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "正职职务名称"
        verbose_name_plural = "正职职务名称"

    def __str__(self) -> str:
        return self.title


class PlanTarget(models.Model):
    """A target of a plan (规划目标) over a scope: at least N people, or N percent, of a kind.

    The scope is either one unit with its subtree (pooled), or every team (领导班子) of the
    units of one type, each team on its own. `ranks` (rank codes, empty for all) narrows the
    people counted, e.g. 正县级 and 副县级 for "all county-level leaders".
    """

    class Scope(models.TextChoices):
        SUBTREE = "subtree", "单位及下属单位（合并计算）"
        EACH_TEAM = "each_team", "某类单位的每个领导班子"

    class Measure(models.TextChoices):
        AGE_AT_MOST = "age_at_most", "N岁以下"
        WOMEN = "women", "女干部"
        NON_PARTY = "non_party", "党外干部"
        MINORITY = "minority", "少数民族干部"
        BACHELOR_OR_ABOVE = "bachelor_or_above", "大学以上学历"
        POSTGRADUATE_OR_MASTER = "postgraduate_or_master", "研究生学历或硕士以上学位"

    class ThresholdKind(models.TextChoices):
        COUNT = "count", "至少人数"
        PERCENT = "percent", "至少比例（%）"

    plan_name = models.CharField("规划名称", max_length=100)
    scope = models.CharField("范围", max_length=20, choices=Scope.choices)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="单位",
    )
    unit_type = models.CharField("单位类型", max_length=30, blank=True)
    ranks = models.JSONField("职务层次", default=list, blank=True)
    team_members_only = models.BooleanField("仅班子成员", default=True)
    measure = models.CharField("指标", max_length=30, choices=Measure.choices)
    age = models.PositiveSmallIntegerField("年龄（周岁以下）", null=True, blank=True)
    threshold_kind = models.CharField("要求", max_length=10, choices=ThresholdKind.choices)
    threshold = models.DecimalField("数值", max_digits=6, decimal_places=2)
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_name", "sort_order", "id"]
        verbose_name = "规划目标"
        verbose_name_plural = "规划目标"
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gte=0), name="plans_target_threshold_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_name}：{self.scope_label}{self.requirement_label}"

    def clean(self) -> None:
        errors = {}
        if self.scope == self.Scope.SUBTREE and self.unit_id is None:
            errors["unit"] = "请选择单位"
        if self.scope == self.Scope.EACH_TEAM and not self.unit_type:
            errors["unit_type"] = "请填写单位类型"
        if self.measure == self.Measure.AGE_AT_MOST and self.age is None:
            errors["age"] = "请填写年龄"
        if self.measure != self.Measure.AGE_AT_MOST:
            self.age = None
        if self.threshold_kind == self.ThresholdKind.PERCENT and self.threshold is not None \
                and self.threshold > 100:
            errors["threshold"] = "比例不能超过100%"
        if self.threshold_kind == self.ThresholdKind.COUNT and self.threshold is not None \
                and self.threshold != int(self.threshold):
            errors["threshold"] = "人数须为整数"
        if not isinstance(self.ranks, list) or any(code not in codes.RANK for code in self.ranks):
            errors["ranks"] = "职务层次无效"
        if errors:
            raise ValidationError(errors)

    @property
    def scope_label(self) -> str:
        """Whose figures: 温州市正县级、副县级干部, 每个乡镇领导班子 (a team is its members)."""
        ranks = "、".join(codes.name_for("rank", code) for code in self.ranks)
        if self.scope == self.Scope.EACH_TEAM:
            team = self.unit_type if self.unit_type.endswith("班子") else f"{self.unit_type}领导班子"
            return f"每个{team}{ranks}"
        where = self.unit.path if self.unit is not None else ""
        who = "班子成员" if self.team_members_only else "干部"
        return f"{where}{ranks}{who}"

    @property
    def measure_label(self) -> str:
        if self.measure == self.Measure.AGE_AT_MOST:
            return f"{self.age}岁以下"
        return self.get_measure_display()

    @property
    def requirement_label(self) -> str:
        if self.threshold_kind == self.ThresholdKind.PERCENT:
            return f"{self.measure_label}不少于{self.threshold.normalize():f}%"
        return f"{self.measure_label}至少{int(self.threshold)}名"
