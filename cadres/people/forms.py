"""Input of the people pages: the roster filters and the roster upload."""

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings

from cadres.core import codes
from cadres.core.forms import DayInput
from cadres.org.models import Unit
from cadres.people.exports import COLUMNS, columns_chosen
from cadres.people.selectors import AGE_BAND_LABELS, DEFAULT_ORDERING, ORDERINGS

ROSTER_EXTENSIONS = (".xlsx", ".xls", ".csv")


def _with_blank(choices: list[tuple[str, str]], blank: str = "全部") -> list[tuple[str, str]]:
    return [("", blank), *choices]


# The orderings offered, ascending and descending (the default first, by 排序号).
SORT_CHOICES = [("", ORDERINGS[DEFAULT_ORDERING].label), *[
    (f"{prefix}{key}", f"{ordering.label}（{'降序' if prefix else '升序'}）")
    for key, ordering in ORDERINGS.items() for prefix in ("", "-")
    if not (key == DEFAULT_ORDERING and not prefix)
]]
COLUMN_CHOICES = [(key, column.label) for key, column in COLUMNS.items() if key != "name"]


class UnitChoiceField(forms.ModelChoiceField):
    """Units as an indented tree (the queryset is ordered by path)."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class RosterFilterForm(forms.Form):
    """The roster's search: filters, ordering (sort) and the list's columns (cols). Its
    cleaned values are what cadres.people.selectors.person_list takes."""

    q = forms.CharField(label="姓名", required=False, max_length=50)
    post_title = forms.CharField(label="职务", required=False, max_length=50)
    unit = UnitChoiceField(label="单位（含下级）", queryset=Unit.objects.none(), required=False,
                           empty_label="全部单位")
    rank = forms.ChoiceField(label="职务层次", required=False,
                             choices=_with_blank(codes.choices("rank")))
    sex = forms.ChoiceField(label="性别", required=False, choices=_with_blank(codes.choices("sex")))
    age_band = forms.ChoiceField(label="年龄段", required=False,
                                 choices=_with_blank(list(AGE_BAND_LABELS.items())))
    age_min = forms.IntegerField(label="年龄自（岁）", required=False, min_value=0, max_value=120)
    age_max = forms.IntegerField(label="年龄至（岁）", required=False, min_value=0, max_value=120)
    age_on = forms.DateField(label="年龄计算日期", required=False, help_text="不填为今天",
                             widget=DayInput())
    education = forms.ChoiceField(label="最高学历", required=False,
                                  choices=_with_blank(codes.choices("education")))
    full_time_education = forms.ChoiceField(label="全日制学历", required=False,
                                            choices=_with_blank(codes.choices("education")))
    party = forms.ChoiceField(label="党员/党外", required=False,
                              choices=[("", "全部"), ("member", "中共党员（含预备党员）"), ("non_party", "党外")])
    political_status = forms.ChoiceField(label="政治面貌", required=False,
                                         choices=_with_blank(codes.choices("political_status")))
    nationality = forms.ChoiceField(label="民族", required=False,
                                    choices=[("", "全部"), ("han", "汉族"), ("minority", "少数民族")])
    reserve = forms.BooleanField(label="仅后备干部", required=False)
    team_member = forms.ChoiceField(label="班子成员", required=False,
                                    choices=[("", "全部"), ("yes", "是"), ("no", "否")])
    sort = forms.ChoiceField(label="排序", required=False, choices=SORT_CHOICES)
    cols = forms.MultipleChoiceField(label="显示列", required=False, choices=COLUMN_CHOICES,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = Unit.objects.restrict(actor, "view").order_by("path")
        self.fields["q"].widget = forms.TextInput(attrs={
            "type": "search", "placeholder": "姓名、拼音首字母（如 zs）或身份证号", "autocomplete": "off",
        })
        self.fields["post_title"].widget = forms.TextInput(attrs={
            "type": "search", "placeholder": "如 书记、局长", "autocomplete": "off",
        })

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("age_min"), cleaned.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", "“年龄至”不能小于“年龄自”")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The cleaned filters; an invalid field is dropped rather than failing the page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items()
                if value is not None and value is not False and value not in ("", [])}

    @staticmethod
    def default_columns() -> list[str]:
        return columns_chosen([])

    def ordering(self) -> str:
        return str(self.filters().get("sort", ""))

    def columns(self) -> list[str]:
        return columns_chosen(self.filters().get("cols", []))


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
    """What the roster export writes besides the filters: the import template (to import back)
    or the columns chosen; the full 身份证号 only with a purpose."""

    layout = forms.ChoiceField(
        label="导出格式", initial="template", widget=forms.RadioSelect, required=False,
        choices=[("template", "干部名册导入模板（含“单位”工作表，可导回系统）"), ("columns", "所选列")],
    )
    columns = forms.MultipleChoiceField(label="导出列（所选列时）", required=False, widget=forms.CheckboxSelectMultiple,
                                        choices=[(key, column.label) for key, column in COLUMNS.items()])
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
        if cleaned.get("layout") == "columns" and not cleaned.get("columns"):
            self.add_error("columns", "导出列：请至少选择一列")
        return cleaned

    def export_columns(self) -> list[str] | None:
        """The chosen columns, or None for the import template."""
        if self.cleaned_data.get("layout") != "columns":
            return None
        return columns_chosen(self.cleaned_data.get("columns") or [], default=())


class SavedQueryForm(forms.Form):
    """Save the roster's current search (its query string) under a name (常用查询)."""

    name = forms.CharField(label="名称", max_length=50, error_messages={
        "required": "名称：请填写常用查询的名称", "max_length": "名称：不能超过50个字",
    }, widget=forms.TextInput(attrs={"placeholder": "如 乡镇党委书记", "autocomplete": "off"}))
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
