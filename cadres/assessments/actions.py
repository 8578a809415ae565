"""Audit actions and permission codes of the assessment module."""

from django.db import models

from cadres.accounts.codes import register_permissions
from cadres.audit.actions import register, register_reads


@register
class AssessmentAction(models.TextChoices):
    GRADES_ENTERED = "assessment.grades_entered", "录入年度考核（按单位）"
    GRADES_IMPORTED = "assessment.grades_imported", "导入年度考核"
    TEMPLATE_READ = "assessment.template_read", "下载年度考核导入模板"
    QUOTA_APPROVED = "assessment.quota_approved", "批准优秀比例"
    CONSEQUENCE_APPLIED = "assessment.consequence_applied", "落实考核结果运用"
    SCORES_ENTERED = "assessment.scores_entered", "录入目标绩效得分"
    EVALUATION_RECORDED = "assessment.evaluation_recorded", "记录综合考核评价"


register_reads(AssessmentAction.TEMPLATE_READ)


@register_permissions
class AssessmentPermission(models.TextChoices):
    VIEW = "assessments.view", "查看考核和综合考核评价"
    MANAGE = "assessments.manage", "录入考核结果和综合考核评价"
