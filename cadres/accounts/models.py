from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
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

    The defaults come from data migrations: 系统管理员, 干部科, 干部监督科, 单位信息员, 领导,
    委员, 考察组成员. What a role allows is its list of permission codes (`permissions`,
    registered per module in cadres.accounts.codes); `all_units` lifts the unit scope and
    `requires_two_factor` asks for a TOTP code after the password.
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
    # Permission codes (cadres.accounts.codes), e.g. ["people.view", "audit.view"]: a list in
    # a JSON column so a new module's codes need no migration here.
    permissions = models.JSONField("权限", default=list, blank=True)
    all_units = models.BooleanField("不受单位范围限制", default=False)
    requires_two_factor = models.BooleanField("须使用动态口令登录", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from cadres.accounts.codes import is_registered

        codes = self.permissions
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ValidationError({"permissions": "权限须为权限代码的列表。"})
        unknown = [code for code in codes if not is_registered(code)]
        if unknown:
            raise ValidationError({"permissions": f"未知的权限代码：{'、'.join(unknown)}"})
        self.permissions = sorted(set(codes))

    def has_permission(self, code: str) -> bool:
        return code in self.permissions

    @property
    def permission_labels(self) -> list[str]:
        """The role's codes in Chinese, in registration order (unregistered codes last)."""
        from cadres.accounts.codes import permission_choices, permission_label

        order = {code: index for index, (code, _) in enumerate(permission_choices())}
        codes = sorted(self.permissions, key=lambda code: (order.get(code, len(order)), code))
        return [permission_label(code) for code in codes]


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


class LoginThrottle(models.Model):
    """The lockout state of one username at one address; its row is locked while an attempt is
    admitted, so concurrent attempts are counted one after another.

    A password check is admitted only after it is recorded as a failed `LoginAttempt` (and
    turned into a success once the password is right), all under this row's lock: a burst of
    concurrent attempts can never get more than LOGIN_FAILURE_LIMIT passwords checked.
    Failures before `counted_since` (the last success, or an administrator's unlock) do not
    count; `locked_at` is when the current lock began (one audit entry per lock).
    """

    username = models.CharField("用户名", max_length=150)
    ip_address = models.CharField("IP地址", max_length=45)
    counted_since = models.DateTimeField("计数起点", null=True, blank=True)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)

    class Meta:
        verbose_name = "登录锁定状态"
        verbose_name_plural = "登录锁定状态"
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"],
                                    name="login_throttle_username_ip_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address}"
