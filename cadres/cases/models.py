"""Selection and appointment (选拔任用): one case per matter (一事一记), its steps in order, the
meetings that decide it, the checks before a decision (凡提四必), the 任前公示 with the public's
comments, and the completion that appoints through the post services.

Rules live as data: `StepTransition` is the order of the steps per kind of case, `SelectionRule`
holds the numbers of RULES.md §1 (with the dates they apply from), `CalendarDay` the official
holiday calendar beyond what the `chinesecalendar` package knows. A competition (公开选拔,
竞争上岗) hangs off a case: posts with conditions, applicants, scores with weights as data.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cadres.core import codes


class CaseKind(models.TextChoices):
    INDIVIDUAL = "individual", "个别提拔任用"
    GENERAL = "general", "换届"
    OPEN = "open", "公开选拔"
    COMPETITIVE = "competitive", "竞争上岗"


class CaseStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    PAUSED = "paused", "选任暂停"
    SUSPENDED = "suspended", "暂缓任用"
    COMPLETED = "completed", "已完成"
    ARCHIVED = "archived", "纪实归档"
    WITHDRAWN = "withdrawn", "已终止"


class Step(models.TextChoices):
    """The steps of the procedure, in the order of the 2019 条例."""

    PROPOSAL = "proposal", "分析研判和动议"
    RECOMMENDATION = "recommendation", "民主推荐"
    CANDIDATES = "candidates", "确定考察对象"
    INSPECTION = "inspection", "考察"
    DECISION = "decision", "讨论决定"
    PUBLICITY = "publicity", "任前公示"
    APPOINTMENT = "appointment", "任职"
    PROBATION = "probation", "试用期"


class StepTransition(models.Model):
    """One allowed move of a kind of case from a step to the next (the transition table).

    A case moves only along these rows; moving to any other step is a skip (forward) or a
    reopening (backward) and needs a recorded reason. `from_step` empty is the first step.
    """

    case_kind = models.CharField("选任方式", max_length=20, choices=CaseKind.choices)
    from_step = models.CharField("从", max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField("到", max_length=20, choices=Step.choices)

    class Meta:
        verbose_name = "程序步骤顺序"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["case_kind", "from_step", "to_step"],
                                    name="cases_transition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_case_kind_display()}: {self.from_step or '开始'} → {self.to_step}"


class SelectionRule(models.Model):
    """A rule of RULES.md with its numbers, as a deployment sets them.

    `code` names the check that reads it (cadres.cases.rules); `params` holds its numbers
    (e.g. {"working_days": 5}); `text` is the rule's wording shown with every result. A rule
    applies on the dates in [effective_from, effective_to]; several rows of one code cover
    successive periods.
    """

    code = models.CharField("规则代码", max_length=50)
    name = models.CharField("规则名称", max_length=100)
    text = models.TextField("条文")
    source = models.CharField("依据", max_length=200, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    is_active = models.BooleanField("启用", default=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_to = models.DateField("停止日期", null=True, blank=True)

    class Meta:
        verbose_name = "选拔任用规则"
        verbose_name_plural = verbose_name
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="cases_rule_code_from_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """An official day off or make-up working day (调休上班) the calendar package does not know,
    or corrects: a deployment adds next year's calendar as these rows."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日")
    name = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class CaseQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "CaseQuerySet":
        """The cases the user may reach for the action: `cases.view` (or `cases.manage` for
        "change") and the case's unit inside the user's unit scope for that action."""
        from cadres.accounts.permissions import has_permission
        from cadres.org.models import Unit

        code = "cases.manage" if action == "change" else "cases.view"
        if not has_permission(user, code):
            return self.none()
        return self.filter(unit__in=Unit.objects.restrict(user, "change" if action == "change" else "view"))


class SelectionCase(models.Model):
    """One selection-and-appointment matter for one or more posts (一事一记)."""

    number = models.CharField("编号", max_length=30, unique=True)
    title = models.CharField("事项名称", max_length=200)
    kind = models.CharField("选任方式", max_length=20, choices=CaseKind.choices,
                            default=CaseKind.INDIVIDUAL)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="selection_cases",
                             verbose_name="单位")
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.ACTIVE)
    step = models.CharField("当前步骤", max_length=20, choices=Step.choices, default=Step.PROPOSAL)
    started_on = models.DateField("动议日期")
    reason = models.TextField("动议理由", blank=True)
    # 破格提拔: a recorded reason and the approval it needs; shown on the 公示.
    is_exceptional = models.BooleanField("破格提拔", default=False)
    exceptional_reason = models.TextField("破格理由", blank=True)
    exceptional_approval = models.CharField("破格批准（文号）", max_length=200, blank=True)
    # 暂缓任用 after a complaint during 公示: at most three months (SelectionRule "suspension").
    suspended_on = models.DateField("暂缓任用日期", null=True, blank=True)
    suspended_until = models.DateField("暂缓至", null=True, blank=True)
    status_reason = models.TextField("暂停、暂缓或终止理由", blank=True)
    # Reasons given where a case-wide check asked for one (check code → reason), e.g. 等额考察.
    check_reasons = models.JSONField("规则说明", default=dict, blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="经办人")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "选拔任用事项"
        verbose_name_plural = verbose_name
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["status", "step"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CasePost(models.Model):
    """A post the case fills (拟任职位)."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    title = models.CharField("职务", max_length=100)
    rank = models.CharField("职务层次", max_length=4, choices=codes.choices("rank"))
    is_team_member = models.BooleanField("班子成员", default=True)
    openings = models.PositiveSmallIntegerField("职数", default=1)
    # 试用期 (one year for non-elected 提拔 posts at 厅局级以下); the case decides per post.
    has_probation = models.BooleanField("实行试用期", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "拟任职位"
        verbose_name_plural = verbose_name
        ordering = ["case", "position", "id"]

    def __str__(self) -> str:
        return self.title


class NomineeStage(models.TextChoices):
    RECOMMENDED = "recommended", "推荐人选"
    CANDIDATE = "candidate", "考察对象"
    PROPOSED = "proposed", "拟任人选"
    APPOINTED = "appointed", "已任职"
    CONFIRMED = "confirmed", "正式任职"
    DROPPED = "dropped", "未任用"


class Movement(models.TextChoices):
    """What an appointment is for the person, as the yearly figures count it."""

    PROMOTION = "promotion", "提拔任用"
    EXCHANGE = "exchange", "交流任职"
    TRANSFER = "transfer", "同级转任重要岗位"
    OTHER = "other", "其他任职"


class Nominee(models.Model):
    """A person in the case: recommended, then perhaps 考察对象, 拟任人选, appointed."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="nominees")
    post = models.ForeignKey(CasePost, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="nominees", verbose_name="拟任职位")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="nominations",
                               verbose_name="干部")
    stage = models.CharField("阶段", max_length=20, choices=NomineeStage.choices,
                             default=NomineeStage.RECOMMENDED)
    movement = models.CharField("任用类型", max_length=20, choices=Movement.choices, blank=True)
    # 民主推荐: the votes received and the number of valid ballots, by hand or from a vote.
    recommendation_votes = models.PositiveIntegerField("推荐得票", null=True, blank=True)
    recommendation_ballots = models.PositiveIntegerField("有效推荐票", null=True, blank=True)
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    # A 定向 recommendation is valid for this post only.
    recommendation_targeted = models.BooleanField("定向推荐", default=False)
    # 考察: the 民主测评 shares (from a vote or by hand), the inspection's conclusion.
    rating_result = models.JSONField("民主测评结果", default=dict, blank=True)
    inspection_conclusion = models.TextField("考察结论", blank=True)
    # Reasons given where a check asked for one (check code → reason).
    check_reasons = models.JSONField("规则说明", default=dict, blank=True)
    appointed_on = models.DateField("任职日期", null=True, blank=True)
    appointment_document = models.CharField("任职文号", max_length=100, blank=True)
    appointment_talk_on = models.DateField("任职谈话日期", null=True, blank=True)
    appointment_talk_by = models.CharField("谈话人", max_length=100, blank=True)
    assignment = models.ForeignKey("org.Assignment", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="任职记录")
    probation_ends_on = models.DateField("试用期满", null=True, blank=True)
    probation_result = models.CharField("试用期满结论", max_length=20, blank=True, choices=[
        ("confirmed", "胜任，正式任职"), ("removed", "不胜任，免去试任职务"),
    ])
    dropped_reason = models.TextField("未任用原因", blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "人选"
        verbose_name_plural = verbose_name
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="cases_nominee_once_per_case"),
        ]

    def __str__(self) -> str:
        return self.person.name


class StepEntryKind(models.TextChoices):
    ENTERED = "entered", "进入"
    COMPLETED = "completed", "完成"
    SKIPPED = "skipped", "跳过"
    REOPENED = "reopened", "退回"
    PAUSED = "paused", "暂停"
    RESUMED = "resumed", "恢复"
    SUSPENDED = "suspended", "暂缓任用"
    NOTE = "note", "记实"


class StepRecord(models.Model):
    """One entry of the full-process record (全程纪实): a step entered or completed, with its
    date, participants and outcome; a skip or a reopening with its reason."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="step_records")
    step = models.CharField("步骤", max_length=20, choices=Step.choices)
    kind = models.CharField("记录类型", max_length=20, choices=StepEntryKind.choices)
    occurred_on = models.DateField("日期")
    participants = models.TextField("参加人员", blank=True)
    outcome = models.TextField("情况和结果", blank=True)
    reason = models.TextField("理由", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "纪实记录"
        verbose_name_plural = verbose_name
        ordering = ["case", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.get_kind_display()} {self.occurred_on}"


class CaseDocument(models.Model):
    """A document kept with the case: uploaded (考察材料, 会议纪要) or generated (任前公示, 任职通知)."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="documents")
    step = models.CharField("步骤", max_length=20, choices=Step.choices)
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="documents", verbose_name="人选")
    title = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to="cases/%Y/")
    is_generated = models.BooleanField("系统生成", default=False)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "纪实材料"
        verbose_name_plural = verbose_name
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingKind(models.TextChoices):
    WORKING_GROUP = "working_group", "干部工作小组会"
    DEPARTMENT = "department", "部务会"
    STANDING = "standing", "常委会"
    PLENARY = "plenary", "全委会"


class Meeting(models.Model):
    """A meeting that discusses cases (议题), with its members and minutes."""

    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("会议日期")
    location = models.CharField("地点", max_length=100, blank=True)
    chair = models.CharField("主持人", max_length=50, blank=True)
    minutes = models.TextField("会议记录", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = verbose_name
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class MeetingMember(models.Model):
    """A member who should attend (应到会); `is_present` False with a reason is 请假."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    is_present = models.BooleanField("到会", default=True)
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "会议成员"
        verbose_name_plural = verbose_name
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.name


class MeetingTopic(models.Model):
    """A topic (议题) of a meeting, about a case."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    case = models.ForeignKey(SelectionCase, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField("议题", max_length=200)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = verbose_name
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class DecisionMethod(models.TextChoices):
    VOICE = "voice", "口头表决"
    HANDS = "hands", "举手表决"
    SECRET = "secret", "无记名投票"


class TopicDecision(models.Model):
    """The decision of a topic on one nominee: 同意 / 不同意 / 弃权 counts (by hand, or from a
    secret ballot) and whether it passed (more than half of 应到会)."""

    topic = models.ForeignKey(MeetingTopic, on_delete=models.CASCADE, related_name="decisions")
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="decisions")
    method = models.CharField("表决方式", max_length=10, choices=DecisionMethod.choices,
                              default=DecisionMethod.SECRET)
    agree = models.PositiveIntegerField("同意", default=0)
    disagree = models.PositiveIntegerField("不同意", default=0)
    abstain = models.PositiveIntegerField("弃权", default=0)
    vote = models.ForeignKey("ballots.Vote", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="票决")
    is_passed = models.BooleanField("通过", default=False)
    decided_on = models.DateField("决定日期")

    class Meta:
        verbose_name = "表决结果"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["topic", "nominee"], name="cases_decision_once_per_topic"),
        ]

    def __str__(self) -> str:
        return f"同意{self.agree} 不同意{self.disagree} 弃权{self.abstain}"


class DiligenceKind(models.TextChoices):
    """凡提四必 (2019 条例 第三十一条)."""

    DOSSIER = "dossier", "档案必审"
    PERSONAL_MATTERS = "personal_matters", "个人有关事项报告必核"
    DISCIPLINE = "discipline", "纪检监察机关意见必听"
    PETITIONS = "petitions", "线索具体的信访举报必查"


class DiligenceResult(models.TextChoices):
    PENDING = "pending", "待回复"
    CLEAR = "clear", "无问题"
    ISSUE = "issue", "有问题"
    NOT_APPLICABLE = "not_applicable", "无需核查"


class DiligenceCheck(models.Model):
    """One of the four checks for a nominee: the 纪委 函询 with its reply, the 档案 审核, the
    个人事项 核查, the 信访举报 核查."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="diligence_checks")
    kind = models.CharField("核查事项", max_length=20, choices=DiligenceKind.choices)
    requested_on = models.DateField("发函或开始日期")
    replied_on = models.DateField("回复或完成日期", null=True, blank=True)
    result = models.CharField("结论", max_length=20, choices=DiligenceResult.choices,
                              default=DiligenceResult.PENDING)
    document = models.CharField("函件文号", max_length=100, blank=True)
    reply = models.TextField("回复意见", blank=True)

    class Meta:
        verbose_name = "凡提四必"
        verbose_name_plural = verbose_name
        ordering = ["nominee", "kind", "-requested_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.get_result_display()}"


class PublicNotice(models.Model):
    """A 任前公示 notice: the text generated from the record, the period in working days, and
    how to comment. Only published notices within their period appear on the public page."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("公示内容")
    # The nominees the notice publishes: the public form offers only these (by their place).
    nominees = models.ManyToManyField(Nominee, blank=True, related_name="notices", verbose_name="公示对象")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    phone = models.CharField("联系电话", max_length=50, blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = "任前公示"
        verbose_name_plural = verbose_name
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["is_published", "ends_on"])]

    def __str__(self) -> str:
        return self.title


class CommentOutcome(models.TextChoices):
    """The four outcomes of a complaint during 公示 (中组部《关于推行…任前公示制度的意见》)."""

    PENDING = "pending", "待核查"
    NO_PROBLEM = "no_problem", "未发现问题，任用"
    MINOR = "minor", "问题轻微，任用并提醒"
    SERIOUS = "serious", "问题严重，不予任用"
    UNVERIFIED = "unverified", "一时难以查实，暂缓任用"


class NoticeComment(models.Model):
    """A comment on a notice from the public page; it reaches the case and, while pending,
    holds the completion."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="comments")
    nominee = models.ForeignKey(Nominee, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="comments", verbose_name="反映对象")
    content = models.TextField("反映内容")
    contact_name = models.CharField("反映人", max_length=50, blank=True)
    contact_phone = models.CharField("联系方式", max_length=50, blank=True)
    received_at = models.DateTimeField("收到时间", auto_now_add=True)
    outcome = models.CharField("核查结论", max_length=20, choices=CommentOutcome.choices,
                               default=CommentOutcome.PENDING)
    resolution = models.TextField("核查情况", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    # A keyed hash of the sender's address and the day (never the address), to limit the rate.
    client_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = "公示反映"
        verbose_name_plural = verbose_name
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y.%m.%d} {self.get_outcome_display()}"


class CompetitionKind(models.TextChoices):
    OPEN = "open", "公开选拔"
    COMPETITIVE = "competitive", "竞争上岗"


class Competition(models.Model):
    """A 公开选拔 or 竞争上岗 round: its posts, applicants and the weights of the scores."""

    case = models.OneToOneField(SelectionCase, on_delete=models.CASCADE, related_name="competition")
    kind = models.CharField("类型", max_length=20, choices=CompetitionKind.choices)
    announced_on = models.DateField("公告日期")
    written_weight = models.DecimalField("笔试权重", max_digits=4, decimal_places=2, default=Decimal("0.40"))
    interview_weight = models.DecimalField("面试权重", max_digits=4, decimal_places=2, default=Decimal("0.60"))
    # How many applicants per opening go on to 考察 (e.g. 1 = 等额, 2 = 1:2).
    inspection_ratio = models.DecimalField("考察比例", max_digits=4, decimal_places=1, default=Decimal("1"))
    # A 公开选拔's results stay usable for this many years (written test may be waived).
    results_valid_years = models.PositiveSmallIntegerField("结果有效期（年）", default=2)

    class Meta:
        verbose_name = "公开选拔、竞争上岗"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=Q(written_weight__gte=0, interview_weight__gte=0),
                                   name="cases_competition_weights_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case.title}"


class CompetitionPost(models.Model):
    """A post offered, with the conditions an applicant must meet (as data) and the incumbent
    who must reapply (竞争上岗: an incumbent not reappointed is 落选)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    title = models.CharField("职位", max_length=100)
    rank = models.CharField("职务层次", max_length=4, choices=codes.choices("rank"))
    openings = models.PositiveSmallIntegerField("职数", default=1)
    # e.g. {"max_age": 40, "min_education": "21", "min_years_in_rank": 2, "ranks": ["0122"]}
    conditions = models.JSONField("报名条件", default=dict, blank=True)
    incumbents = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                        verbose_name="现任人员")
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "竞聘职位"
        verbose_name_plural = verbose_name
        ordering = ["competition", "position", "id"]

    def __str__(self) -> str:
        return self.title


class ApplicantStatus(models.TextChoices):
    REGISTERED = "registered", "已报名"
    ELIGIBLE = "eligible", "资格审查通过"
    INELIGIBLE = "ineligible", "资格审查未通过"
    RANKED = "ranked", "已排名"
    INSPECTED = "inspected", "考察对象"
    APPOINTED = "appointed", "已任职"
    NOT_APPOINTED = "not_appointed", "未任用"


class Applicant(models.Model):
    """An applicant for a competition post, with the scores that rank him."""

    post = models.ForeignKey(CompetitionPost, on_delete=models.CASCADE, related_name="applicants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="applications",
                               verbose_name="干部")
    status = models.CharField("状态", max_length=20, choices=ApplicantStatus.choices,
                              default=ApplicantStatus.REGISTERED)
    eligibility_notes = models.TextField("资格审查意见", blank=True)
    written_score = models.DecimalField("笔试成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    written_waived = models.BooleanField("免笔试（沿用公开选拔成绩）", default=False)
    interview_score = models.DecimalField("面试成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField("综合成绩", max_digits=6, decimal_places=3, null=True, blank=True)
    rank_in_post = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "报名人员"
        verbose_name_plural = verbose_name
        ordering = ["post", "rank_in_post", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="cases_applicant_once_per_post"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_status_display()}"
