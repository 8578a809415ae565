"""The filters of the warnings page."""

from typing import Any

from django import forms

from cadres.alerts.warnings import KINDS
from cadres.org.models import Unit


class UnitPathField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.path


class WarningFilterForm(forms.Form):
    kind = forms.ChoiceField(label="预警类别", required=False,
                             choices=[("", "全部类别"), *KINDS.items()])
    unit = UnitPathField(label="单位（含下属单位）", queryset=Unit.objects.none(), required=False,
                         empty_label="全部单位")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").order_by("sort_key", "path")  # type: ignore[attr-defined]
