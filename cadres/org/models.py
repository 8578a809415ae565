from typing import Any

from django.db import models
from django.urls import reverse

from cadres.core import codes

PATH_SEPARATOR = "/"


class UnitQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "UnitQuerySet":
        """The units the user may reach for the action (NetBox's `restrict`): "view" →
        the units of the user's grants (管理权限 ∪ 信息维护权限, each unit with its
        subtree); "change" → the maintained units only (信息维护权限). Superusers and
        `all_units` roles (系统管理员) reach everything; no grant reaches nothing."""
        from cadres.accounts.scopes import access_for, scope_paths, subtree_q

        paths = scope_paths(access_for(user), action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(subtree_q(paths))

    def visible_to(self, user: Any) -> "UnitQuerySet":
        """`restrict(user, "view")`, the name existing callers use."""
        return self.restrict(user, "view")

    def subtree_of(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and every unit below it."""
        return self.filter(models.Q(pk=unit.pk) | models.Q(path__startswith=unit.subtree_prefix))


class Unit(models.Model):
    """A unit (单位) in the tree: the county, its departments, townships and their offices.

    `path` is the full name from the top unit, `/`-separated, as rosters write it; the subtree
    of a unit is every unit whose path starts with its path and a separator.
    """

    name = models.CharField("单位名称", max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name="上级单位",
    )
    path = models.CharField("单位全称", max_length=500, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    unit_type = models.CharField("单位类型", max_length=30, blank=True)
    authorized_staffing = models.PositiveIntegerField("核定编制", null=True, blank=True)
    # The industries (GB/T 4754 门类 codes, comma-separated) the unit regulates or is in charge
    # of: its leaders' spouses and children may not run a business there (任职回避 第四条).
    regulated_industries = models.CharField("主管或监管的行业", max_length=60, blank=True)
    sort_order = models.PositiveIntegerField("排序号", default=0)
    # The unit's place in the tree in list order: the 排序号 of each unit from the top, as
    # fixed-width digits, then the name ("0001 县委/0003 组织部" …), kept by org.services so
    # that ORDER BY sort_key lists the tree as the department orders it.
    sort_key = models.CharField(max_length=1000, blank=True, db_index=True, editable=False)
    # The unit's life (机构改革): from `established_on` (None: before any record) until
    # `abolished_on` (None: still exists); a merged unit names the unit it went into.
    established_on = models.DateField("成立时间", null=True, blank=True)
    abolished_on = models.DateField("撤销时间", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_units",
        verbose_name="并入单位",
    )
    # 领导职数 of the unit's leadership team (班子): approved 正职 and 副职 posts; None when
    # no number is approved.
    principal_posts = models.PositiveSmallIntegerField("正职职数", null=True, blank=True)
    deputy_posts = models.PositiveSmallIntegerField("副职职数", null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        # 排序号 order through the tree (sort_key); the path only breaks ties between units
        # whose key is not set (created outside org.services).
        ordering = ["sort_key", "path"]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.path

    def get_absolute_url(self) -> str:
        return reverse("org:unit_detail", args=[self.pk])

    @property
    def parent_path(self) -> str:
        return self.path.rpartition(PATH_SEPARATOR)[0]

    @property
    def industries(self) -> list[str]:
        """The codes of the industries the unit regulates or is in charge of."""
        return [code for code in self.regulated_industries.split(",") if code]

    @property
    def industry_names(self) -> str:
        return codes.industry_names(self.regulated_industries)

    @property
    def subtree_prefix(self) -> str:
        return self.path + PATH_SEPARATOR


class UnitChangeKind(models.TextChoices):
    CREATED = "created", "设立"
    RENAMED = "renamed", "更名"
    MOVED = "moved", "调整隶属关系"
    MERGED = "merged", "合并"
    ABOLISHED = "abolished", "撤销"
    QUOTA = "quota", "核定领导职数"
    REORDERED = "reordered", "调整排序号"
    INDUSTRIES = "industries", "调整主管或监管的行业"


class UnitChange(models.Model):
    """One change of a unit on a date (机构改革 and the like), with its document (文号): the
    name and parent before and after, and for a merge the unit it went into. Reports at a past
    date read the unit's name and place from these rows; only org.services writes them."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="changes", verbose_name="单位")
    kind = models.CharField("变更类型", max_length=20, choices=UnitChangeKind.choices)
    changed_on = models.DateField("变更日期")
    document = models.CharField("文号", max_length=100, blank=True)
    old_name = models.CharField("原名称", max_length=100, blank=True)
    new_name = models.CharField("新名称", max_length=100, blank=True)
    old_path = models.CharField("原全称", max_length=500, blank=True)
    new_path = models.CharField("新全称", max_length=500, blank=True)
    old_parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="原上级单位"
    )
    new_parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="新上级单位"
    )
    other_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="并入单位"
    )
    details = models.JSONField("其他", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit", "changed_on", "id"]
        verbose_name = "单位变更"
        verbose_name_plural = "单位变更"
        indexes = [models.Index(fields=["unit", "changed_on"], name="unit_change_unit_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.changed_on}"


class PostSource(models.TextChoices):
    """Where a change of post came from, recorded with the post."""

    ROSTER = "roster", "名册导入"
    FORM = "form", "信息维护"
    PROCEDURE = "procedure", "选拔任用"
    LRMX = "lrmx", "任免审批表"
    DEMO = "demo", "演示数据"


class Assignment(models.Model):
    """A post a person holds or held (任职); open posts (no end) are held now.

    A person may hold several posts at once (兼任); exactly one open post is the main post
    (主职), which the roster, the person's current-post fields and the reports use. Ended
    assignments are the career history (简历) and decide who held which post, at which rank,
    and who was a team member (班子成员) at any past date. Only `org.services` writes them.
    """

    # Both keys are indexed by the composite indexes below, which lead with them.
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="assignments", verbose_name="干部",
        db_index=False,
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name="单位", db_index=False)
    title = models.CharField("职务", max_length=100, blank=True)
    rank = models.CharField("职务层次", max_length=4, choices=codes.choices("rank"), blank=True)
    is_team_member = models.BooleanField("班子成员", default=False)
    is_main = models.BooleanField("主职", default=True)
    started_on = models.DateField("任职时间", null=True, blank=True)
    ended_on = models.DateField("免职时间", null=True, blank=True)
    start_document = models.CharField("任职文号", max_length=100, blank=True)
    end_document = models.CharField("免职文号", max_length=100, blank=True)
    source = models.CharField("来源", max_length=20, choices=PostSource.choices, blank=True)

    class Meta:
        ordering = ["person", "started_on", "id"]
        verbose_name = "任职"
        verbose_name_plural = "任职"
        indexes = [
            # Team membership at a date, answered from the index alone.
            models.Index(
                fields=["unit", "is_team_member", "started_on", "ended_on", "person"],
                name="assignment_team_dates_idx",
            ),
            # A person's open posts, and the as-of checks per person, from the index alone.
            models.Index(fields=["person", "ended_on", "is_main", "started_on"],
                         name="assignment_person_open_idx"),
            # Posts held at a date, with their rank and what orders them (the as-of analysis,
            # org.selectors.people_changed_on_sql), from the index alone.
            models.Index(fields=["is_main", "ended_on", "started_on", "rank", "person", "id"],
                         name="assignment_main_dates_idx"),
        ]
        constraints = [
            # At most one open main post (主职) per person; org.selectors relies on it.
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(is_main=True, ended_on__isnull=True),
                name="assignment_one_open_main_post",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


def unit_sort_key(parent_key: str, sort_order: int, name: str) -> str:
    """A unit's `sort_key`: its parent's key, then its own 排序号 (fixed width) and name."""
    own = f"{min(sort_order, 999999):06d} {name}"
    return f"{parent_key}{PATH_SEPARATOR}{own}" if parent_key else own
