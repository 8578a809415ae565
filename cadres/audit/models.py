from django.conf import settings
from django.db import models

from cadres.audit.actions import register


@register
class AuditAction(models.TextChoices):
    """The actions of the core modules (accounts, people, org, plans, audit).

    New modules declare their own `TextChoices` and `register` them (cadres.audit.actions);
    the `action` column has no choices, so that needs no migration here.
    """

    ROSTER_IMPORTED = "roster.imported", "导入干部名册"
    ROSTER_EXPORTED = "roster.exported", "导出干部名册"
    PERSON_CREATED = "person.created", "新增干部"
    PERSON_UPDATED = "person.updated", "修改干部信息"
    PERSON_VIEWED = "person.viewed", "查阅干部档案"
    UNIT_CREATED = "unit.created", "新增单位"
    UNIT_UPDATED = "unit.updated", "修改单位"
    DEMO_LOADED = "demo.loaded", "载入演示数据"
    USER_LOGGED_IN = "user.logged_in", "登录"
    USER_LOGGED_OUT = "user.logged_out", "退出登录"
    LOGIN_FAILED = "user.login_failed", "登录失败"
    LOGIN_LOCKED = "user.login_locked", "登录失败次数过多，暂时锁定"
    PASSWORD_CHANGED = "user.password_changed", "修改密码"
    TWO_FACTOR_ENROLLED = "user.two_factor_enrolled", "绑定动态口令"
    TWO_FACTOR_FAILED = "user.two_factor_failed", "动态口令错误"
    TWO_FACTOR_RESET = "user.two_factor_reset", "重置动态口令"
    USER_CREATED = "user.created", "新增用户"
    USER_UPDATED = "user.updated", "修改用户"
    PASSWORD_RESET = "user.password_reset", "重置用户密码"
    GRANT_CREATED = "grant.created", "新增授权"
    GRANT_UPDATED = "grant.updated", "修改授权"
    GRANT_REVOKED = "grant.revoked", "撤销授权"
    AUDIT_EXPORTED = "audit.exported", "导出审计记录"
    PLAN_TARGET_CREATED = "plan_target.created", "新增规划目标"
    PLAN_TARGET_UPDATED = "plan_target.updated", "修改规划目标"
    PLAN_TARGET_DELETED = "plan_target.deleted", "删除规划目标"
    AGE_LIMIT_UPDATED = "age_limit.updated", "修改年龄界限"
    PERMISSION_DENIED = "permission.denied", "越权访问被拒绝"


class AuditEvent(models.Model):
    """One append-only entry of the audit record: who did what to which record, and when.

    `target` is the record the action was done to (a file, a grant, a person); `subject` is
    the cadre, unit or case the event is about, so "what happened to this cadre" is one
    indexed query. A bulk change (a roster import) writes one event for the whole change and
    one event per changed subject linked to it by `batch`. `request_id` ties together the
    events of one web request.

    Each entry carries the hash of the one before it (`previous_hash`) and its own
    (`entry_hash`), so any edited, deleted or reordered entry breaks the chain.
    """

    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    # Plain text: each module registers its own action names (cadres.audit.actions).
    action = models.CharField("操作", max_length=60)
    target_type = models.CharField("对象类型", max_length=40, blank=True)
    target_id = models.CharField("对象编号", max_length=40, blank=True)
    target_label = models.CharField("对象", max_length=200, blank=True)
    subject_type = models.CharField("主体类型", max_length=40, blank=True)
    subject_id = models.CharField("主体编号", max_length=40, blank=True)
    subject_label = models.CharField("主体", max_length=200, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    batch = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="items",
        verbose_name="所属批量操作",
    )
    changes = models.JSONField("内容", default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["subject_type", "subject_id", "id"], name="audit_subject_idx"),
            models.Index(fields=["occurred_at"], name="audit_time_idx"),
            # The action filter, and finding the roster imports written before per-person rows.
            models.Index(fields=["action", "id"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action_label}"

    @property
    def action_label(self) -> str:
        from cadres.audit.actions import label_for

        return label_for(self.action)


class AuditChainHead(models.Model):
    """The single row that holds the hash of the newest entry; locking it orders writers."""

    last_hash = models.CharField(max_length=64)
    entry_count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"审计记录链头（{self.entry_count} 条）"
