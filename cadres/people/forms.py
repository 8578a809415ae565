"""Input of the people pages: the roster filters and the roster upload."""

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings

from cadres.core import codes
from cadres.org.models import Unit
from cadres.people.selectors import AGE_BAND_LABELS

ROSTER_EXTENSIONS = (".xlsx", ".xls", ".csv")


def _with_blank(choices: list[tuple[str, str]], blank: str = "全部") -> list[tuple[str, str]]:
    return [("", blank), *choices]


class UnitChoiceField(forms.ModelChoiceField):
    """Units as an indented tree (the queryset is ordered by path)."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class RosterFilterForm(forms.Form):
    q = forms.CharField(label="姓名", required=False, max_length=50)
    unit = UnitChoiceField(label="单位（含下级）", queryset=Unit.objects.none(), required=False,
                           empty_label="全部单位")
    rank = forms.ChoiceField(label="职务层次", required=False,
                             choices=_with_blank(codes.choices("rank")))
    sex = forms.ChoiceField(label="性别", required=False, choices=_with_blank(codes.choices("sex")))
    age_band = forms.ChoiceField(label="年龄段", required=False,
                                 choices=_with_blank(list(AGE_BAND_LABELS.items())))
    education = forms.ChoiceField(label="最高学历", required=False,
                                  choices=_with_blank(codes.choices("education")))
    political_status = forms.ChoiceField(label="政治面貌", required=False,
                                         choices=_with_blank(codes.choices("political_status")))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = Unit.objects.visible_to(actor).order_by("path")
        self.fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": "输入姓名查找",
                                                         "autocomplete": "off"})

    def filters(self) -> dict[str, Any]:
        """The cleaned filters; an invalid field is dropped rather than failing the page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册文件", help_text="支持 .xlsx、.xls、.csv（UTF-8 或 GB18030 编码）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in ROSTER_EXTENSIONS:
            raise forms.ValidationError("文件类型不支持，请上传 .xlsx、.xls 或 .csv 文件")
        return upload


def oversized_message(size: int) -> str:
    """The import engine's message for a file over the limit (core.spreadsheets.read_workbook)."""
    limit = settings.ROSTER_MAX_BYTES
    return f"文件过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB"


class ImportConfirmForm(forms.Form):
    """The confirmation of a previewed roster: the id of the job that checked it."""

    job = forms.IntegerField(min_value=1)


class RosterExportForm(forms.Form):
    """What the roster export writes besides the filters: the full 身份证号 only with a purpose."""

    full_id_numbers = forms.BooleanField(label="导出完整身份证号", required=False)
    purpose = forms.CharField(
        label="用途", required=False, max_length=200,
        help_text="导出完整身份证号时必填，如“2026年度干部考察材料报送”；用途记入审计。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, may_export_unmasked: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_export_unmasked:
            # Not offered at all: the export is always masked for this user.
            del self.fields["full_id_numbers"]
            del self.fields["purpose"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        purpose = (cleaned.get("purpose") or "").strip()
        if cleaned.get("full_id_numbers") and not purpose:
            self.add_error("purpose", "导出完整身份证号须填写用途")
        cleaned["purpose"] = purpose if cleaned.get("full_id_numbers") else ""
        return cleaned
