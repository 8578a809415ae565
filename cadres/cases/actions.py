"""Audit action names and permission codes of the selection procedure (cadres.cases).

Every event of a case names the case as its subject, so the case's 纪实 and the audit agree;
events about a nominee also name the person as target.
"""

from django.db import models

from cadres.accounts.codes import register_permissions
from cadres.audit.actions import register, register_reads


@register
class CaseAction(models.TextChoices):
    CASE_CREATED = "case.created", "新建选拔任用事项"
    CASE_UPDATED = "case.updated", "修改选拔任用事项"
    CASE_STEP_ENTERED = "case.step_entered", "进入程序步骤"
    CASE_STEP_COMPLETED = "case.step_completed", "完成程序步骤"
    CASE_STEP_SKIPPED = "case.step_skipped", "跳过程序步骤"
    CASE_STEP_REOPENED = "case.step_reopened", "退回程序步骤"
    CASE_CHECK_EXPLAINED = "case.check_explained", "说明规则检查结果"
    CASE_NOTE_ADDED = "case.note_added", "记实"
    CASE_PAUSED = "case.paused", "选任暂停"
    CASE_RESUMED = "case.resumed", "恢复选任"
    CASE_SUSPENDED = "case.suspended", "暂缓任用"
    CASE_WITHDRAWN = "case.withdrawn", "终止选拔任用事项"
    CASE_COMPLETED = "case.completed", "完成选拔任用"
    CASE_ARCHIVED = "case.archived", "纪实归档"
    CASE_POST_ADDED = "case.post_added", "新增拟任职位"
    CASE_POST_REMOVED = "case.post_removed", "删除拟任职位"
    CASE_DOCUMENT_ADDED = "case.document_added", "新增纪实材料"
    CASE_DOCUMENT_REMOVED = "case.document_removed", "删除纪实材料"
    CASE_DOCUMENT_READ = "case.document_read", "查阅纪实材料"
    CASE_RECORD_SHEET_READ = "case.record_sheet_read", "导出全程纪实表"
    SCORES_SHEET_READ = "competition.scores_sheet_read", "导出竞聘成绩表"
    APPOINTMENT_NOTICE_READ = "case.appointment_notice_read", "下载任职通知草稿"
    NOMINEE_ADDED = "nominee.added", "新增人选"
    NOMINEE_UPDATED = "nominee.updated", "修改人选"
    NOMINEE_REMOVED = "nominee.removed", "删除人选"
    NOMINEE_STAGE_CHANGED = "nominee.stage_changed", "人选阶段变更"
    NOMINEE_CHECK_EXPLAINED = "nominee.check_explained", "说明规则检查结果"
    DILIGENCE_RECORDED = "diligence.recorded", "记录凡提四必核查"
    MEETING_CREATED = "meeting.created", "新建会议"
    MEETING_UPDATED = "meeting.updated", "修改会议"
    MEETING_TOPIC_ADDED = "meeting.topic_added", "新增议题"
    MEETING_DECISION_RECORDED = "meeting.decision_recorded", "记录表决结果"
    NOTICE_CREATED = "notice.created", "生成任前公示"
    NOTICE_PUBLISHED = "notice.published", "发布任前公示"
    NOTICE_WITHDRAWN = "notice.withdrawn", "撤回任前公示"
    NOTICE_COMMENT_RECEIVED = "notice.comment_received", "收到公示反映"
    NOTICE_COMMENT_RESOLVED = "notice.comment_resolved", "办结公示反映"
    NOMINEE_APPOINTED = "nominee.appointed", "任职"
    NOMINEE_TALK_RECORDED = "nominee.talk_recorded", "记录任职谈话"
    PROBATION_ENDED = "probation.ended", "试用期满"
    RULE_CHANGED = "rule.changed", "修改选拔任用规则"
    CALENDAR_CHANGED = "calendar.changed", "修改节假日安排"
    COMPETITION_CREATED = "competition.created", "新建公开选拔或竞争上岗"
    COMPETITION_POST_ADDED = "competition.post_added", "新增竞聘职位"
    APPLICANT_REGISTERED = "applicant.registered", "报名"
    APPLICANT_REVIEWED = "applicant.reviewed", "资格审查"
    APPLICANT_DROPPED = "applicant.dropped", "不予任用"
    APPLICANT_SCORED = "applicant.scored", "录入成绩"
    COMPETITION_RANKED = "competition.ranked", "综合排名"
    COMPETITION_CONCLUDED = "competition.concluded", "竞聘任职和落选"


register_reads(CaseAction.CASE_DOCUMENT_READ, CaseAction.CASE_RECORD_SHEET_READ, CaseAction.SCORES_SHEET_READ,
               CaseAction.APPOINTMENT_NOTICE_READ)


@register_permissions
class CasePermission(models.TextChoices):
    VIEW = "cases.view", "查看选拔任用事项和纪实"
    MANAGE = "cases.manage", "办理选拔任用程序（动议、推荐、考察、会议、公示、任职）"
    COMMENTS = "cases.comments", "受理和核查任前公示反映"
    RULES = "cases.rules", "修改选拔任用规则和节假日安排"
