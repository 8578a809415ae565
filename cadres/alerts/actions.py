"""Audit actions and permission codes of warnings and exchange plans."""

from django.db import models

from cadres.accounts.codes import register_permissions
from cadres.audit.actions import register, register_reads


@register
class AlertAction(models.TextChoices):
    DIGEST_SENT = "alerts.digest_made", "生成每日预警"
    EXPORTED = "alerts.exported", "导出预警"
    PLAN_CREATED = "exchange_plan.created", "新建交流方案"
    PLAN_UPDATED = "exchange_plan.updated", "修改交流方案"
    PLAN_COMMITTED = "exchange_plan.committed", "实施交流方案"
    PLAN_DISCARDED = "exchange_plan.discarded", "放弃交流方案"


register_reads(AlertAction.EXPORTED)


@register_permissions
class AlertPermission(models.TextChoices):
    VIEW = "alerts.view", "查看预警"
    EXCHANGE = "alerts.exchange", "制定和实施交流方案"
