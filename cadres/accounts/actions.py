"""Audit action names the accounts module records besides the core ones of
cadres.audit.models.AuditAction (registered, so the audit pages show their labels)."""

from django.db import models

from cadres.audit.actions import register


@register
class AccountsAction(models.TextChoices):
    ACCESS_NOT_FOUND = "access.not_found", "访问不存在或无权查看的记录"
    PERSON_CARD_VIEWED = "person.card_viewed", "查阅干部信息卡"
    LOGIN_UNLOCKED = "user.login_unlocked", "解除登录锁定"
    ROLE_UPDATED = "role.updated", "修改角色权限"
