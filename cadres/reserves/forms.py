"""The reserves' forms: a pool, its targets, a member's nomination, review, removal and use,
and a training record."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cadres.core import codes
from cadres.core.forms import DayInput, empty_labels_in_words
from cadres.org.models import Unit
from cadres.people.models import Person
from cadres.reserves.models import ReserveSource, ReserveTarget


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DayInput(), **kwargs)


class PoolForm(forms.Form):
    name = forms.CharField(label="名称", max_length=50, help_text="如 正科级后备干部")
    rank = forms.ChoiceField(label="拟任职务层次", choices=[("", "（不限）"), *codes.choices("rank")], required=False)
    unit = forms.ModelChoiceField(label="范围单位", queryset=Unit.objects.none(), required=False,
                                  empty_label="（全县）")
    posts = forms.IntegerField(label="对应职位数", min_value=0, required=False,
                               help_text="不填则按范围单位下该层次的核定领导职数计算")
    unused_years = forms.IntegerField(label="备而不用提示年限", min_value=1, max_value=20, initial=3)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        empty_labels_in_words(self)


class TargetForm(forms.Form):
    measure = forms.ChoiceField(label="指标", choices=ReserveTarget.Measure.choices)
    age = forms.IntegerField(label="年龄（周岁以下）", min_value=18, max_value=70, required=False)
    threshold = forms.DecimalField(label="不少于（%或倍数）", min_value=0, max_digits=6, decimal_places=2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("measure") == ReserveTarget.Measure.AGE_AT_MOST and not cleaned.get("age"):
            self.add_error("age", "年龄目标须填写年龄")
        return cleaned


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True)


class MemberAddForm(forms.Form):
    person = forms.ModelChoiceField(label="干部", queryset=Person.objects.none(), empty_label="（请选择）")
    source = forms.ChoiceField(label="来源", choices=[(value, label) for value, label in ReserveSource.choices
                                                     if value != ReserveSource.ROSTER])
    nominated_on = _date("入库日期", initial=dt.date.today)
    document = forms.CharField(label="文号", max_length=100, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = people
        person_field.label_from_instance = lambda obj: (  # type: ignore[method-assign]
            f"{obj.name}（{obj.unit.name if obj.unit else ''}{obj.post_title}）")


class ReviewForm(forms.Form):
    reviewed_on = _date("考察日期", initial=dt.date.today)
    outcome = forms.CharField(label="结论", max_length=100, help_text="如 继续保留、调整培养方向")
    notes = forms.CharField(label="情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RemoveForm(forms.Form):
    left_on = _date("出库日期", initial=dt.date.today)
    reason = forms.CharField(label="出库原因", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data.get("reason", "").strip()
        if not reason:
            raise ValidationError("请填写出库原因")
        return reason


class UsedForm(forms.Form):
    used_on = _date("提拔使用日期", initial=dt.date.today)
    notes = forms.CharField(label="任用情况", required=False, max_length=200, help_text="如 任东坑镇党委副书记")


class TrainingForm(forms.Form):
    name = forms.CharField(label="培训班名称", max_length=200)
    organizer = forms.CharField(label="主办单位", max_length=100, required=False)
    started_on = _date("开始日期")
    ended_on = _date("结束日期")
    hours = forms.IntegerField(label="学时", min_value=0, max_value=10000)
    is_full_time = forms.BooleanField(label="脱产培训", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "结束日期不能早于开始日期")
        return cleaned


class MatchingForm(forms.Form):
    on = _date("日期", required=False)
    months = forms.IntegerField(label="预测月数", min_value=1, max_value=120, initial=12, required=False)
