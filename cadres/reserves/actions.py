"""Audit actions and permission codes of the reserve-cadre module."""

from django.db import models

from cadres.accounts.codes import register_permissions
from cadres.audit.actions import register


@register
class ReserveAction(models.TextChoices):
    POOL_CREATED = "reserve_pool.created", "新建后备干部库"
    POOL_UPDATED = "reserve_pool.updated", "修改后备干部库"
    TARGET_SET = "reserve_pool.target_set", "设置后备干部结构目标"
    MEMBER_ADDED = "reserve.added", "列入后备干部"
    MEMBER_REVIEWED = "reserve.reviewed", "后备干部考察调整"
    MEMBER_REMOVED = "reserve.removed", "调出后备干部"
    MEMBER_USED = "reserve.used", "后备干部提拔使用"


@register_permissions
class ReservePermission(models.TextChoices):
    VIEW = "reserves.view", "查看后备干部"
    MANAGE = "reserves.manage", "管理后备干部"
