"""Forms of the personal-matters page; every message names its field, in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from cadres.core.forms import DayInput, is_number_text
from cadres.org.models import Unit


class UnitPathField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.path


class RoundFilterForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=1950, max_value=2100, required=False,
                              error_messages={"invalid": "报告年度应为数字", "min_value": "报告年度不在有效范围内",
                                              "max_value": "报告年度不在有效范围内"})
    unit = UnitPathField(label="单位（含下属单位）", queryset=Unit.objects.none(), required=False,
                         empty_label="全部单位")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").order_by("sort_key", "path")  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    """One report of one person (the row's form)."""

    year = forms.IntegerField(label="报告年度", min_value=1950, max_value=2100,
                              error_messages={"required": "请填写报告年度", "invalid": "报告年度应为数字"})
    kind = forms.ChoiceField(label="报告类别", choices=[("annual", "年度集中报告"), ("new", "新任报告"),
                                                        ("event", "事项报告")],
                             error_messages={"required": "请选择报告类别", "invalid_choice": "报告类别无效"})
    submitted_on = forms.DateField(label="报告日期", widget=DayInput(),
                                   error_messages={"required": "请填写报告日期", "invalid": "报告日期格式不正确"})
    notes = forms.CharField(label="备注", max_length=500, required=False)


class MarkForm(forms.Form):
    """The checked rows marked 已报告 on one day."""

    year = forms.IntegerField(label="报告年度", min_value=1950, max_value=2100,
                              error_messages={"required": "请填写报告年度", "invalid": "报告年度应为数字"})
    submitted_on = forms.DateField(label="报告日期", widget=DayInput(),
                                   error_messages={"required": "请填写报告日期", "invalid": "报告日期格式不正确"})
    people = forms.TypedMultipleChoiceField(label="干部", coerce=int, choices=[],
                                            error_messages={"required": "请勾选要标记的干部"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The ids are checked against the actor's scope by the service; any integer is offered.
        self.fields["people"].valid_value = lambda value: is_number_text(value)  # type: ignore[attr-defined]
