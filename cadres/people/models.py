from typing import Any

from django.db import models
from django.urls import reverse

from cadres.core import codes


class PersonQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "PersonQuerySet":
        """The people the user may reach for the action (NetBox's `restrict`): "view" →
        the people in the units of the user's grants (管理权限 ∪ 信息维护权限, each unit with
        its subtree); "change" → the people in the maintained units only (信息维护权限).
        Superusers and `all_units` roles (系统管理员) reach everything; no grant reaches nothing."""
        from cadres.accounts.scopes import access_for, scope_paths, subtree_q

        paths = scope_paths(access_for(user), action)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(subtree_q(paths, prefix="unit__"))

    def visible_to(self, user: Any) -> "PersonQuerySet":
        """`restrict(user, "view")`, the name existing callers use."""
        return self.restrict(user, "view")


class Person(models.Model):
    """A cadre (干部): identity, political status, education and the current post.

    Coded values are stored as the codes of their national standards (see core.codes).
    Months are stored as the 1st of the month; `birth_day_known` says whether the birth
    date's day is real. The current post's unit, title, level and team membership are
    kept here as well as on the open Assignment, so lists, scopes and analysis need no join.
    """

    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=1, choices=codes.Sex.choices)
    ethnicity = models.CharField("民族", max_length=2, choices=codes.choices("ethnicity"))
    birth_date = models.DateField("出生年月")
    birth_day_known = models.BooleanField(default=False)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=2, choices=codes.choices("political_status")
    )
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    full_time_education = models.CharField(
        "全日制学历", max_length=2, choices=codes.choices("education"), blank=True
    )
    full_time_degree = models.CharField(
        "全日制学位", max_length=1, choices=codes.choices("degree"), blank=True
    )
    in_service_education = models.CharField(
        "在职学历", max_length=2, choices=codes.choices("education"), blank=True
    )
    in_service_degree = models.CharField(
        "在职学位", max_length=1, choices=codes.choices("degree"), blank=True
    )
    highest_education = models.CharField(
        "最高学历", max_length=2, choices=codes.choices("education"), blank=True
    )
    # 毕业院校系及专业 of each education row of the 任免审批表 (LRMX keeps the school of the
    # 学历 and of the 学位 apart: …_XueLi_BiYeYuanXiaoXi / …_XueWei_BiYeYuanXiaoXi).
    full_time_education_school = models.CharField("全日制学历毕业院校系及专业", max_length=200, blank=True)
    full_time_degree_school = models.CharField("全日制学位毕业院校系及专业", max_length=200, blank=True)
    in_service_education_school = models.CharField("在职学历毕业院校系及专业", max_length=200, blank=True)
    in_service_degree_school = models.CharField("在职学位毕业院校系及专业", max_length=200, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    health = models.CharField("健康状况", max_length=50, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    # A 4:5 JPEG under MEDIA_ROOT/photos/, served only through the person's page (never as a
    # static file: the card is confidential).
    photo = models.ImageField("照片", upload_to="photos/", blank=True)
    professional_title = models.CharField("专业技术职务", max_length=50, blank=True)
    # Indexed by person_unit_rank_idx, which leads with the unit.
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="people", verbose_name="单位",
        db_index=False,
    )
    post_title = models.CharField("职务", max_length=100, blank=True)
    rank = models.CharField("职务层次", max_length=4, choices=codes.choices("rank"))
    is_team_member = models.BooleanField("班子成员", default=False)
    post_started_on = models.DateField("任现职时间", null=True, blank=True)
    rank_started_on = models.DateField("任现职级时间", null=True, blank=True)
    reserve_pool = models.CharField("后备干部", max_length=50, blank=True)
    # 排序号 within the unit: lists show a unit's people by it (then by 姓氏笔画).
    sort_order = models.PositiveIntegerField("排序号", default=0)
    # Search and ordering keys kept with the name (cadres.people.names): 拼音首字母 ("zs" for
    # 张三) and the GB13000.1 stroke-order key of the name (姓氏笔画).
    name_initials = models.CharField("拼音首字母", max_length=50, blank=True, editable=False)
    name_strokes = models.CharField("笔画序", max_length=200, blank=True, editable=False)
    # The day the person's last open post ended (nobody holds a post any longer: retired,
    # transferred out, deceased); None while any post is open. Kept by org.services.
    left_on = models.DateField("离任时间", null=True, blank=True, editable=False)
    remarks = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        # Lists show people as the department orders them: units by 排序号 (Unit.sort_key),
        # then the person's 排序号 within the unit, then 姓氏笔画 (GB13000.1).
        ordering = ["unit__sort_key", "unit__id", "sort_order", "name_strokes", "id"]
        verbose_name = "干部"
        verbose_name_plural = "干部"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="person_unique_id_number",
            ),
        ]
        # One index per dimension of the structure report, so each GROUP BY is an
        # index-only scan (measured in bench/structure.py: 0.6 s → 0.09 s at 100k on SQLite).
        # No index on name: the roster's name search is a substring match, which no B-tree
        # serves, and the import matches names within a unit (person_unit_rank_idx).
        indexes = [
            models.Index(fields=["unit", "rank"], name="person_unit_rank_idx"),
            models.Index(fields=["birth_date", "sex"], name="person_birth_sex_idx"),
            models.Index(fields=["ethnicity"], name="person_ethnicity_idx"),
            models.Index(fields=["political_status"], name="person_political_idx"),
            models.Index(
                fields=["highest_education", "full_time_degree", "in_service_degree"],
                name="person_education_idx",
            ),
            models.Index(fields=["full_time_education"], name="person_first_education_idx"),
            models.Index(fields=["rank"], name="person_rank_idx"),
            models.Index(fields=["professional_title"], name="person_title_idx"),
            # The roster's orderings, each with keyset paging on (ordering…, id).
            models.Index(fields=["unit", "sort_order", "name_strokes", "id"], name="person_unit_order_idx"),
            models.Index(fields=["name_strokes", "id"], name="person_strokes_idx"),
            models.Index(fields=["birth_date", "name_strokes", "id"], name="person_birth_order_idx"),
            models.Index(fields=["rank", "name_strokes", "id"], name="person_rank_order_idx"),
            models.Index(fields=["post_started_on", "name_strokes", "id"], name="person_post_order_idx"),
            models.Index(fields=["name_initials"], name="person_initials_idx"),
            # Who had left by a date (the as-of analysis: org.selectors.anyone_gone_on).
            models.Index(fields=["left_on"], name="person_left_on_idx"),
            # The roster's rare flags (后备干部, 少数民族: about one in twenty each), with the other
            # flags a search combines them with as keys, so that a combination (后备 + 班子成员 +
            # 少数民族) is read from the small index alone (an index-only scan on PostgreSQL, a
            # covering index on SQLite) instead of the whole table. bench/roster.py measures it.
            models.Index(
                fields=["is_team_member", "ethnicity", "political_status", "sex", "id"],
                condition=~models.Q(reserve_pool=""), name="person_reserve_flags_idx",
            ),
            models.Index(
                fields=["is_team_member", "political_status", "sex", "id"],
                condition=~models.Q(ethnicity=codes.HAN), name="person_minority_flags_idx",
            ),
            # The name's characters (GIN, PostgreSQL only) is made by migration 0008 in SQL: see
            # cadres.people.selectors.NameHasChars.
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    @property
    def is_minority(self) -> bool:
        return self.ethnicity != codes.HAN

    @property
    def is_non_party(self) -> bool:
        return self.political_status not in codes.CPC_MEMBER_CODES


class Relative(models.Model):
    """A family member or important social relation (家庭主要成员及重要社会关系).

    Needed for avoidance (回避): a user may not open the file of a cadre who is recorded as
    their relative, matched by 身份证号. Shown only while a registered read of the file is open.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relatives", verbose_name="干部"
    )
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    birth_date = models.DateField("出生年月", null=True, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=2, choices=codes.choices("political_status"), blank=True
    )
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    # 经商办企业: the business the relative runs (任职回避 第四条, 个人有关事项报告).
    business = models.CharField("经商办企业情况", max_length=200, blank=True)
    business_industry = models.CharField("企业所属行业", max_length=1, choices=codes.choices("industry"),
                                         blank=True)
    is_deceased = models.BooleanField("已去世", default=False)
    id_number = models.CharField("身份证号", max_length=18, blank=True, db_index=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["person", "sort_order", "id"]
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"


class SavedQuery(models.Model):
    """A roster search kept by its owner under a name (常用查询), to be run again: the query
    string of the roster page's filters, sort and columns."""

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="saved_queries", verbose_name="所有人"
    )
    name = models.CharField("名称", max_length=50)
    query = models.JSONField("查询条件", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner", "name"]
        verbose_name = "常用查询"
        verbose_name_plural = "常用查询"
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_query_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
