"""The structure page's filter: scope, as-of date, team members only, age bands."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from cadres.analytics.selectors import DEFAULT_AGE_BANDS, AgeBand, age_bands_from_cuts
from cadres.core.forms import DayInput
from cadres.org.models import Unit

DEFAULT_CUTS = ",".join(str(high) for _, high in DEFAULT_AGE_BANDS if high is not None)


class StructureForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="范围", queryset=Unit.objects.none(), required=False, empty_label="全部单位",
    )
    as_of = forms.DateField(label="截止日期", widget=DayInput())
    team_members_only = forms.BooleanField(label="只统计领导班子成员", required=False)
    bands = forms.CharField(
        label="年龄段上限", required=False, max_length=100,
        help_text="逗号分隔，如 30,35,40,45,50,55（以下、以上均含本数）",
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
        unit_field.queryset = Unit.objects.visible_to(actor).order_by("sort_key", "path")
        unit_field.label_from_instance = lambda unit: unit.path  # type: ignore[assignment]

    def clean_bands(self) -> list[AgeBand]:
        text = (self.cleaned_data.get("bands") or "").replace("，", ",").strip()
        if not text:
            return list(DEFAULT_AGE_BANDS)
        try:
            cuts = [int(part) for part in text.split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError("年龄段上限应为逗号分隔的整数，如 30,35,40") from error
        if not cuts or any(cut < 0 or cut > 150 for cut in cuts):
            raise forms.ValidationError("年龄段上限应在 0 到 150 之间")
        return age_bands_from_cuts(cuts)


def structure_form(data: Any, *, actor: Any) -> StructureForm:
    """The form bound to the query string, with today as the default as-of date."""
    values = data.copy()
    if not values.get("as_of"):
        values["as_of"] = timezone.localdate().isoformat()
    if not values.get("bands"):
        values["bands"] = DEFAULT_CUTS
    return StructureForm(values, actor=actor)


def scope_label(unit: Unit | None, team_members_only: bool) -> str:
    where = unit.path if unit is not None else "全部单位"
    return f"{where}（{'领导班子成员' if team_members_only else '全部干部'}）"


def as_of_label(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"
