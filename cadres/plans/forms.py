import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone

from cadres.core import codes
from cadres.core.forms import DayInput, empty_labels_in_words
from cadres.org.models import Unit
from cadres.plans.models import AgeLimit, AgeLimitRuleSet, PlanTarget


class UnitPathField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.path


class GapsForm(forms.Form):
    as_of = forms.DateField(label="截止日期", required=False, widget=DayInput())
    plan = forms.ChoiceField(label="规划", required=False)

    def __init__(self, *args, plan_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        plan_field = cast(forms.ChoiceField, self.fields["plan"])
        plan_field.choices = [("", "全部规划")] + [(name, name) for name in plan_names]

    def as_of_or_today(self) -> dt.date:
        return (self.cleaned_data.get("as_of") if self.is_valid() else None) or timezone.localdate()


class ForecastForm(forms.Form):
    as_of = forms.DateField(label="截止日期", required=False, widget=DayInput())
    years = forms.IntegerField(label="预测年数", min_value=1, max_value=20, required=False,
                               initial=5)
    rule_set = forms.ModelChoiceField(label="年龄界限规则", queryset=AgeLimitRuleSet.objects.none(),
                                      required=False, empty_label="默认任职年龄界限")
    unit = UnitPathField(label="单位（含下属单位）", queryset=Unit.objects.none(), required=False,
                         empty_label="全部单位")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].queryset = AgeLimitRuleSet.objects.all()
        self.fields["unit"].queryset = Unit.objects.visible_to(user)


class PlanTargetForm(forms.ModelForm):
    ranks = forms.MultipleChoiceField(
        label="职务层次（不选为全部）", choices=codes.choices("rank"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = UnitPathField(label="单位（含下属单位）", queryset=Unit.objects.none(), required=False)

    class Meta:
        model = PlanTarget
        fields = ["plan_name", "scope", "unit", "unit_type", "ranks", "team_members_only",
                  "measure", "age", "threshold_kind", "threshold", "sort_order"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        types = Unit.objects.exclude(unit_type="").order_by("unit_type").values_list(
            "unit_type", flat=True).distinct()
        self.fields["unit_type"].widget = forms.TextInput(attrs={"list": "unit-types"})
        self.unit_types = list(types)
        self.fields["unit_type"].help_text = "范围为“某类单位的每个领导班子”时填写，如 乡镇"
        self.fields["unit"].help_text = "范围为“单位及下属单位”时选择"
        empty_labels_in_words(self)
        self.fields["team_members_only"].help_text = (
            "范围为“单位及下属单位”时有效；“每个领导班子”只计截止日期时的班子成员"
        )
        self.fields["age"].help_text = "指标为“N岁以下”时填写；35岁以下含35岁"
        self.fields["threshold"].help_text = "至少人数填整数；比例按人数向上取整，如15%×21人→4人"


class AgeLimitForm(forms.ModelForm):
    raise_from = forms.DateField(label="延迟起始出生年月", required=False, widget=DayInput())

    class Meta:
        model = AgeLimit
        fields = ["age_years", "extra_months", "raise_from", "raise_every_months",
                  "raise_cap_months"]
