from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A person who signs in: officer, unit clerk, committee member or leader."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    # The cadre this user is, if any: nobody may open their own file or a relative's.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="本人干部档案",
    )

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.Model):
    """A role (角色) users are granted; what it allows is data, so an administrator can adjust it.

    The defaults come from a data migration: 系统管理员, 干部科, 干部监督科, 单位信息员, 领导,
    委员, 考察组成员.
    """

    class Code:
        ADMIN = "admin"
        CADRE_OFFICE = "cadre_office"
        SUPERVISION = "supervision"
        UNIT_CLERK = "unit_clerk"
        LEADER = "leader"
        COMMITTEE = "committee"
        INSPECTION = "inspection"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    all_units = models.BooleanField("不受单位范围限制", default=False)
    sees_records = models.BooleanField("查看干部名册和信息", default=False)
    sees_analysis = models.BooleanField("查看分析和规划", default=False)
    sees_sensitive = models.BooleanField("查看敏感信息（身份证号、家庭、考核、举报）", default=False)
    sees_reports = models.BooleanField("查看12380举报", default=False)
    browses_audit = models.BooleanField("查阅审计记录", default=False)
    manages_users = models.BooleanField("管理用户和授权", default=False)
    requires_two_factor = models.BooleanField("须使用动态口令登录", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """A role given to a user over two unit scopes; each named unit includes its whole subtree.

    `managed_units` are the units whose cadres the user manages (管理权限: may see them);
    `maintained_units` are the units whose records the user maintains (信息维护权限: may edit
    and import them, and see them).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants",
        verbose_name="用户",
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants",
                             verbose_name="角色")
    managed_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="+", verbose_name="管理权限范围"
    )
    maintained_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="+", verbose_name="信息维护权限范围"
    )
    expires_on = models.DateField("有效期至", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role__sort_order", "id"]
        verbose_name = "授权"
        verbose_name_plural = "授权"

    def __str__(self) -> str:
        return f"{self.user} · {self.role}"

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is None or self.expires_on >= today


class LoginAttempt(models.Model):
    """One password attempt at the login form, kept to lock out repeated failures."""

    username = models.CharField("用户名", max_length=150)
    ip_address = models.CharField("IP地址", max_length=45)
    attempted_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-attempted_at"]
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        indexes = [
            models.Index(fields=["username", "ip_address", "attempted_at"],
                         name="login_attempt_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address} {self.attempted_at:%Y-%m-%d %H:%M}"
