"""Forms of the assessment pages; every message names its field, in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from cadres.assessments.models import EvaluationSource
from cadres.core.forms import DayInput, empty_labels_in_words


class QuotaApprovalForm(forms.Form):
    percent = forms.DecimalField(label="优秀比例上限（%）", max_digits=5, decimal_places=2, min_value=0,
                                 error_messages={"required": "请填写优秀比例上限", "invalid": "优秀比例上限应为数字"})
    document = forms.CharField(label="批准文号", max_length=100,
                               error_messages={"required": "请填写批准文号"})
    approved_on = forms.DateField(label="批准日期", widget=DayInput(),
                                  error_messages={"required": "请填写批准日期", "invalid": "批准日期格式不正确"})


class ImportForm(forms.Form):
    file = forms.FileField(label="考核结果文件",
                           help_text="Excel（.xlsx/.xls）或 CSV，列为 姓名、身份证号、年度、考核结果",
                           error_messages={"required": "请选择要导入的文件"})


class ApplyForm(forms.Form):
    awarded_on = forms.DateField(label="批准日期", widget=DayInput(),
                                 error_messages={"required": "请填写批准日期", "invalid": "批准日期格式不正确"})
    approved_by = forms.CharField(label="批准机关", max_length=100, required=False)
    document = forms.CharField(label="文号", max_length=100, required=False)


class EvaluationForm(forms.Form):
    period = forms.IntegerField(label="年度", min_value=1950, max_value=2100,
                                error_messages={"required": "请填写年度", "invalid": "年度应为数字"})
    source = forms.ChoiceField(label="评价来源", choices=[("", ""), *EvaluationSource.choices],
                               error_messages={"required": "请选择评价来源"})
    score = forms.DecimalField(label="得分", max_digits=6, decimal_places=2, required=False,
                               min_value=0, max_value=1000, error_messages={"invalid": "得分应为数字"})
    text = forms.CharField(label="评价意见", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [("", "（请选择）"), *EvaluationSource.choices]
        empty_labels_in_words(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("score") is None and not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError("请填写得分或评价意见")
        return data
