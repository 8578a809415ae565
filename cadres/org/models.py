from typing import Any

from django.db import models
from django.urls import reverse

from cadres.core import codes

PATH_SEPARATOR = "/"


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "UnitQuerySet":
        """The units a user may see: the units of the user's grants (管理权限 and
        信息维护权限) with their subtrees; every unit for superusers and 系统管理员."""
        from cadres.accounts.scopes import access_for, subtree_q

        access = access_for(user)
        if access.all_units:
            return self
        if not access.visible_paths:
            return self.none()
        return self.filter(subtree_q(access.visible_paths))

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
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
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
    def subtree_prefix(self) -> str:
        return self.path + PATH_SEPARATOR


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
            models.Index(fields=["person", "ended_on"], name="assignment_person_open_idx"),
        ]
        constraints = [
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
