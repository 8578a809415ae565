"""Audit action names of the cadre's file rows (简历, 奖惩, 年度考核, 家庭成员), registered so
the audit page and the person's 档案变更记录 show them in words."""

from django.db import models

from cadres.audit.actions import register


@register
class RecordsAction(models.TextChoices):
    RESUME_ENTRY_CREATED = "resume_entry.created", "新增简历"
    RESUME_ENTRY_UPDATED = "resume_entry.updated", "修改简历"
    RESUME_ENTRY_DELETED = "resume_entry.deleted", "删除简历"
    AWARD_CREATED = "award.created", "新增奖惩"
    AWARD_UPDATED = "award.updated", "修改奖惩"
    AWARD_DELETED = "award.deleted", "删除奖惩"
    ASSESSMENT_CREATED = "assessment.created", "新增年度考核"
    ASSESSMENT_UPDATED = "assessment.updated", "修改年度考核"
    ASSESSMENT_DELETED = "assessment.deleted", "删除年度考核"
    TRAINING_CREATED = "training.created", "新增培训"
    TRAINING_UPDATED = "training.updated", "修改培训"
    TRAINING_DELETED = "training.deleted", "删除培训"
    RELATIVE_CREATED = "relative.created", "新增家庭成员"
    RELATIVE_UPDATED = "relative.updated", "修改家庭成员"
    RELATIVE_DELETED = "relative.deleted", "删除家庭成员"
