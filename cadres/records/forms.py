"""Forms of the file rows. Months are typed as rosters write them (2003.07); every message
names its field, in Chinese."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cadres.core import codes
from cadres.core.dates import InvalidDate, format_month, parse_month
from cadres.core.forms import DayInput
from cadres.core.idcard import InvalidIdNumber, parse_id_number
from cadres.records.models import AssessmentGrade, AwardKind, ResumeEntryKind

EMPTY_CHOICE = ("", "（请选择）")
# 称谓 a family table usually holds, offered as suggestions (any other may be typed).
RELATIONS = ("妻子", "丈夫", "儿子", "女儿", "父亲", "母亲", "岳父", "岳母", "公公", "婆婆",
             "哥哥", "姐姐", "弟弟", "妹妹", "儿媳", "女婿")


class MonthField(forms.CharField):
    """A month typed as 2003.07 (also 2003-07, 200307, 2003年7月); cleaned to its 1st day."""

    widget = forms.TextInput(attrs={"placeholder": "如 2003.07", "inputmode": "numeric",
                                    "size": 10})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return format_month(value)
        return value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            month, _ = parse_month(text)
        except InvalidDate:
            raise forms.ValidationError(
                f"{self.label}“{text}”不是有效的年月，请写成如 2003.07", code="invalid"
            ) from None
        return month.replace(day=1)


class RecordForm(forms.Form):
    """Required-field messages that name the field (请填写起始年月, 请选择类别)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            verb = "选择" if isinstance(bound, forms.ChoiceField) else "填写"
            bound.error_messages["required"] = f"请{verb}{bound.label}"
            if isinstance(bound, forms.CharField) and bound.max_length:
                bound.error_messages["max_length"] = (
                    f"{bound.label}最多 %(limit_value)d 个字（现有 %(show_value)d 个）")
            if isinstance(bound, forms.DateField):
                bound.error_messages["invalid"] = f"{bound.label}不是有效的日期"

    @classmethod
    def initial_from(cls, row: Any) -> dict[str, Any]:
        return {name: getattr(row, name) for name in cls.base_fields}


class ResumeEntryForm(RecordForm):
    kind = forms.ChoiceField(
        label="类型", choices=ResumeEntryKind.choices, initial=ResumeEntryKind.ENTRY,
        widget=forms.RadioSelect,
        help_text="经历：任职记录没有的时段（学习、参军、入职前的工作）；其间：在某段经历中"
                  "同时进行的学习、挂职等，印在该段经历下。",
    )
    started_on = MonthField(label="起始年月")
    ended_on = MonthField(label="截止年月", required=False, help_text="空着表示至今")
    text = forms.CharField(label="经历内容", max_length=300,
                           widget=forms.TextInput(attrs={"size": 60,
                                                         "placeholder": "如 浙江大学水利工程专业学习"}))
    notes = forms.CharField(
        label="其间情况", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3,
                                     "placeholder": "每行一条，如 2001.09--2003.07在职攻读硕士学位"}),
        help_text="只有“经历”使用；每行一条，印成“（其间：…）”。",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "截止年月不能早于起始年月")
        return cleaned


class AwardForm(RecordForm):
    kind = forms.ChoiceField(label="类别", choices=[EMPTY_CHOICE, *AwardKind.choices])
    name = forms.CharField(label="名称", max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": "如 优秀共产党员、警告处分"}))
    awarded_on = forms.DateField(label="批准日期", widget=DayInput())
    approved_by = forms.CharField(label="批准机关", max_length=100, required=False)
    reason = forms.CharField(label="事由", max_length=300, required=False)
    effect_ends_on = forms.DateField(
        label="影响期至", required=False, widget=DayInput(),
        help_text="只有处分填写：处分影响期的最后一天。",
    )
    document = forms.CharField(label="文号", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        kind, ends = cleaned.get("kind"), cleaned.get("effect_ends_on")
        awarded = cleaned.get("awarded_on")
        if ends and kind == AwardKind.REWARD:
            self.add_error("effect_ends_on", "只有处分才有影响期，奖励请不要填写影响期至")
        elif ends and awarded and ends < awarded:
            self.add_error("effect_ends_on", "影响期至不能早于批准日期")
        return cleaned


class AssessmentForm(RecordForm):
    year = forms.IntegerField(label="年度")
    grade = forms.ChoiceField(label="考核结果", choices=[EMPTY_CHOICE, *AssessmentGrade.choices])
    remarks = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, taken_years: set[int] = frozenset(), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.taken_years = set(taken_years)
        year_field = self.fields["year"]
        year_field.error_messages["invalid"] = "年度请填写四位数字的年份，如 2023"
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year - 1

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        latest = timezone.localdate().year
        if not 1950 <= year <= latest:
            raise forms.ValidationError(f"年度应在 1950 至 {latest} 之间")
        if year in self.taken_years:
            raise forms.ValidationError(f"{year}年度的考核结果已录入，请修改原有记录")
        return year


class RelativeForm(RecordForm):
    relation = forms.CharField(label="称谓", max_length=20,
                               widget=forms.TextInput(attrs={"list": "relations"}))
    name = forms.CharField(label="姓名", max_length=50)
    birth_date = MonthField(label="出生年月", required=False)
    political_status = forms.ChoiceField(
        label="政治面貌", choices=[EMPTY_CHOICE, *codes.choices("political_status")], required=False,
    )
    work_unit_and_post = forms.CharField(label="工作单位及职务", max_length=200, required=False)
    business = forms.CharField(label="经商办企业情况", max_length=200, required=False,
                               help_text="本人经营或任职、持股的企业名称；用于任职回避（第四条）。")
    business_industry = forms.ChoiceField(label="企业所属行业", choices=[EMPTY_CHOICE, *codes.choices("industry")],
                                          required=False, help_text="国民经济行业分类门类。")
    is_deceased = forms.BooleanField(label="已去世", required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False,
                                help_text="用于回避：干部不能查阅其亲属的档案。")
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=999, required=False,
                                    help_text="小的在前；空着排在最后。")

    relations = RELATIONS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("business_industry") and not (data.get("business") or "").strip():
            self.add_error("business", "选择了企业所属行业，请填写经商办企业情况")
        return data

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"].strip().upper()
        if not number:
            return ""
        try:
            parse_id_number(number)
        except InvalidIdNumber as error:
            raise forms.ValidationError(f"身份证号“{number}”无效：{error}") from None
        return number
