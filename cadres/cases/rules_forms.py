"""Forms of the rule and calendar pages: a rule's numbers typed as JSON (checked per code by
rules_services.params_validate), a new period of a rule, a calendar day, a calendar CSV."""

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cadres.cases.models import SelectionRule
from cadres.cases.rules_services import params_validate
from cadres.core.forms import DayInput, empty_labels_in_words

WORKDAY_CHOICES = [("", "（请选择）"), ("1", "上班（调休工作日）"), ("0", "休息（节假日）")]


class _Form(forms.Form):
    """Required-field messages that name the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            verb = "选择" if isinstance(bound, forms.ChoiceField | forms.FileField) else "填写"
            bound.error_messages["required"] = f"请{verb}{bound.label}"
            if isinstance(bound, forms.DateField):
                bound.error_messages["invalid"] = f"{bound.label}不是有效的日期"
        empty_labels_in_words(self)


class RuleForm(_Form):
    params = forms.CharField(label="参数（JSON）", widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
                             help_text="如 {\"working_days\": 5}；天数、年数、月数须为正整数。")
    text = forms.CharField(label="条文", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, rule: SelectionRule, **kwargs: Any) -> None:
        self.rule = rule
        kwargs.setdefault("initial", {"params": json.dumps(rule.params, ensure_ascii=False, indent=2),
                                      "text": rule.text})
        super().__init__(*args, **kwargs)

    def clean_params(self) -> dict[str, Any]:
        text = self.cleaned_data["params"]
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(f"参数不是有效的 JSON（第{error.lineno}行第{error.colno}列）") from None
        try:
            return params_validate(self.rule.code, values)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class RulePeriodForm(RuleForm):
    """A new period of the rule from `effective_from`, with its numbers."""

    effective_from = forms.DateField(label="新期间施行日期", widget=DayInput())
    field_order = ["effective_from", "params", "text"]


class CalendarDayForm(_Form):
    date = forms.DateField(label="日期", widget=DayInput())
    is_workday = forms.ChoiceField(label="类别", choices=WORKDAY_CHOICES)
    name = forms.CharField(label="说明", max_length=50, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如 春节、国庆节调休上班"}))

    def clean_is_workday(self) -> bool:
        return self.cleaned_data["is_workday"] == "1"


class CalendarUploadForm(_Form):
    file = forms.FileField(label="节假日安排文件（CSV）",
                           help_text="每行：日期,上班或休息,说明，如 2027-02-07,上班,春节调休上班。"
                                     "有一行出错则整份不导入。")
