"""Forms of the case and meeting pages; every message names its field, in Chinese."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from cadres.cases.models import (
    CaseKind,
    CasePost,
    DecisionMethod,
    DiligenceKind,
    DiligenceResult,
    MeetingKind,
    Nominee,
    NomineeStage,
    SelectionCase,
    Step,
)
from cadres.cases.steps import next_steps, step_label, steps_of
from cadres.core import codes
from cadres.core.forms import DayInput, empty_labels_in_words
from cadres.org.models import Unit
from cadres.people.models import Person

ABSENT_WORDS = ("请假", "缺席")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path)


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name}{obj.title}"


class NomineeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.name)


class CaseFormBase(forms.Form):
    """Required-field messages that name the field (请填写事项名称, 请选择单位)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            verb = "选择" if isinstance(field, forms.ChoiceField) else "填写"
            field.error_messages["required"] = f"请{verb}{field.label}"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{field.label}不是有效的日期"
                field.widget = DayInput()
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = f"{field.label}须为整数"
                field.error_messages["min_value"] = f"{field.label}不能小于 %(limit_value)s"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = f"{field.label}最多 %(limit_value)d 个字"
        empty_labels_in_words(self)


class CaseForm(CaseFormBase):
    title = forms.CharField(label="事项名称", max_length=200)
    kind = forms.ChoiceField(label="选任方式", choices=CaseKind.choices)
    unit = UnitChoiceField(label="单位", queryset=Unit.objects.none())
    started_on = forms.DateField(label="动议日期")
    reason = forms.CharField(label="动议理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        empty_labels_in_words(self)


class CasePostForm(CaseFormBase):
    unit = UnitChoiceField(label="单位", queryset=Unit.objects.none())
    title = forms.CharField(label="职务", max_length=100)
    rank = forms.ChoiceField(label="职务层次", choices=[("", ""), *codes.choices("rank")])
    openings = forms.IntegerField(label="职数", min_value=1, initial=1)
    is_team_member = forms.BooleanField(label="班子成员", required=False, initial=True)
    has_probation = forms.BooleanField(label="实行试用期", required=False)

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        rank = self.fields["rank"]
        assert isinstance(rank, forms.ChoiceField)
        rank.choices = [("", "（请选择）"), *codes.choices("rank")]
        empty_labels_in_words(self)


class StepMoveForm(CaseFormBase):
    to_step = forms.ChoiceField(label="进入步骤")
    occurred_on = forms.DateField(label="日期")
    participants = forms.CharField(label="参加人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label="情况和结果", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="跳过或退回的理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="按顺序进入下一步骤的不用填写；跳过中间步骤或退回到前面的步骤须填写理由。")

    def __init__(self, *args: Any, case: SelectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        following = next_steps(case)
        others = [step for step in steps_of(case.kind) if step not in following and step != case.step]
        choices = [(step, step_label(step)) for step in following]
        choices += [(step, f"{step_label(step)}（须填写理由）") for step in others]
        field = self.fields["to_step"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class ReasonForm(CaseFormBase):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
    occurred_on = forms.DateField(label="日期", required=False)


class NoteForm(CaseFormBase):
    occurred_on = forms.DateField(label="日期")
    participants = forms.CharField(label="参加人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label="情况和结果", widget=forms.Textarea(attrs={"rows": 3}))


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="姓名", required=False, max_length=50)


class NomineeForm(CaseFormBase):
    person = forms.ModelChoiceField(label="干部", queryset=Person.objects.none(), widget=forms.RadioSelect)
    post = PostChoiceField(label="拟任职位", queryset=CasePost.objects.none(), required=False)
    stage = forms.ChoiceField(label="阶段", choices=[
        (NomineeStage.RECOMMENDED, NomineeStage.RECOMMENDED.label),
        (NomineeStage.CANDIDATE, NomineeStage.CANDIDATE.label),
        (NomineeStage.PROPOSED, NomineeStage.PROPOSED.label),
    ])
    recommended_on = forms.DateField(label="推荐日期", required=False)
    recommendation_votes = forms.IntegerField(label="推荐得票", required=False, min_value=0)
    recommendation_ballots = forms.IntegerField(label="有效推荐票", required=False, min_value=0)
    targeted = forms.BooleanField(label="定向推荐", required=False)

    def __init__(self, *args: Any, people: QuerySet, case: SelectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        post = self.fields["post"]
        assert isinstance(person, forms.ModelChoiceField) and isinstance(post, forms.ModelChoiceField)
        person.queryset = people
        person.error_messages["invalid_choice"] = "请从查找结果中选择干部"
        post.queryset = case.posts.select_related("unit")
        empty_labels_in_words(self)


class NomineeStageForm(CaseFormBase):
    stage = forms.ChoiceField(label="阶段", choices=[
        (NomineeStage.RECOMMENDED, NomineeStage.RECOMMENDED.label),
        (NomineeStage.CANDIDATE, NomineeStage.CANDIDATE.label),
        (NomineeStage.PROPOSED, NomineeStage.PROPOSED.label),
        (NomineeStage.DROPPED, NomineeStage.DROPPED.label),
    ])
    reason = forms.CharField(label="原因", required=False, max_length=500)


class ExplainForm(CaseFormBase):
    code = forms.CharField(label="规则", max_length=50)
    reason = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(CaseFormBase):
    step = forms.ChoiceField(label="步骤", choices=Step.choices)
    title = forms.CharField(label="材料名称", max_length=200, required=False)
    file = forms.FileField(label="文件")
    nominee = NomineeChoiceField(label="人选", queryset=Nominee.objects.none(), required=False)

    def __init__(self, *args: Any, case: SelectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nominee = self.fields["nominee"]
        assert isinstance(nominee, forms.ModelChoiceField)
        nominee.queryset = case.nominees.select_related("person")
        nominee.empty_label = "（不针对个人）"
        self.fields["file"].error_messages["required"] = "请选择要上传的文件"
        self.fields["file"].error_messages["empty"] = "文件为空"
        self.initial.setdefault("step", case.step)


class DiligenceForm(CaseFormBase):
    kind = forms.ChoiceField(label="核查事项", choices=DiligenceKind.choices)
    requested_on = forms.DateField(label="发函或开始日期")
    replied_on = forms.DateField(label="回复或完成日期", required=False)
    result = forms.ChoiceField(label="结论", choices=DiligenceResult.choices)
    document = forms.CharField(label="函件文号", required=False, max_length=100)
    reply = forms.CharField(label="回复意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def parse_members(text: str) -> list[tuple[str, bool, str]]:
    """One member a line: "姓名", or "姓名 请假 原因" for one absent."""
    members: list[tuple[str, bool, str]] = []
    for line in text.splitlines():
        parts = line.replace("\u3000", " ").split()
        if not parts:
            continue
        name, rest = parts[0], parts[1:]
        if rest and rest[0] in ABSENT_WORDS:
            members.append((name, False, " ".join(rest[1:]) or rest[0]))
        elif rest:
            raise forms.ValidationError(
                f"会议成员“{line.strip()}”写法不对：每行一人，写“姓名”，缺席的写“姓名 请假 原因”")
        else:
            members.append((name, True, ""))
    return members


def members_text(members: Any) -> str:
    return "\n".join(member.name if member.is_present else f"{member.name} 请假 {member.absence_reason}".strip()
                     for member in members)


class MeetingForm(CaseFormBase):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=200)
    held_on = forms.DateField(label="会议日期")
    location = forms.CharField(label="地点", required=False, max_length=100)
    chair = forms.CharField(label="主持人", required=False, max_length=50)
    members = forms.CharField(label="应到会成员", widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="每行一人：到会的写“姓名”，缺席的写“姓名 请假 原因”。")
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_members(self) -> list[tuple[str, bool, str]]:
        members = parse_members(self.cleaned_data["members"])
        if not members:
            raise forms.ValidationError("请填写应到会成员")
        return members


class TopicForm(CaseFormBase):
    case = forms.ModelChoiceField(label="选拔任用事项", queryset=SelectionCase.objects.none())
    title = forms.CharField(label="议题", max_length=200)

    def __init__(self, *args: Any, cases: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cases
        empty_labels_in_words(self)


class DecisionForm(CaseFormBase):
    nominee = forms.IntegerField(label="人选", widget=forms.HiddenInput)
    agree = forms.IntegerField(label="同意", min_value=0)
    disagree = forms.IntegerField(label="不同意", min_value=0, initial=0)
    abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)
    method = forms.ChoiceField(label="表决方式", choices=DecisionMethod.choices, initial=DecisionMethod.SECRET)
