"""Audit actions and permission codes of the supervision module."""

from django.db import models

from cadres.accounts.codes import register_permissions
from cadres.audit.actions import register


@register
class SupervisionAction(models.TextChoices):
    REPORT_RECORDED = "supervision.report_recorded", "登记个人有关事项报告"
    REPORT_DELETED = "supervision.report_deleted", "删除个人有关事项报告登记"


@register_permissions
class SupervisionPermission(models.TextChoices):
    VIEW = "supervision.view", "查看领导干部个人有关事项报告登记"
    MANAGE = "supervision.manage", "登记领导干部个人有关事项报告"
