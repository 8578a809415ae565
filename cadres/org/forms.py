"""Forms of the unit pages: 设立, 更名, 调整隶属关系, 合并, 撤销, 排序号, 领导职数.

Each change of a unit carries its date (变更日期, a day: 机构改革 take effect on a day) and its
document (文号). Unit pickers list the units the user maintains (信息维护) in 排序号 order,
indented as a tree, and never offer an abolished unit.
"""

from typing import Any

from django import forms
from django.utils import timezone

from cadres.core import codes
from cadres.core.forms import DayInput
from cadres.org.models import Unit


class UnitChoiceField(forms.ModelChoiceField):
    """Units as an indented tree, in list order (Unit's ordering is the 排序号 order)."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


def changeable_units(actor: Any) -> Any:
    """The live units the actor maintains, in 排序号 order."""
    return Unit.objects.restrict(actor, "change").filter(abolished_on__isnull=True).order_by("sort_key", "path")


class UnitChangeForm(forms.Form):
    """The date and document every change of a unit carries."""

    changed_on = forms.DateField(label="变更日期", widget=DayInput(),
                                 error_messages={"required": "请填写变更日期", "invalid": "变更日期不是有效的日期"})
    document = forms.CharField(label="文号", max_length=100, required=False,
                               help_text="批准文件的文号，如 某编〔2024〕12号",
                               error_messages={"max_length": "文号不能超过100个字"})

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("changed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.actor = actor


NAME_ERRORS = {"required": "请填写单位名称", "max_length": "单位名称不能超过100个字"}


def _name_clean(value: str) -> str:
    name = value.strip()
    if "/" in name:
        raise forms.ValidationError("单位名称不能含“/”")
    if any(character.isspace() for character in name):
        raise forms.ValidationError("单位名称不能含空格")
    return name


class UnitCreateForm(UnitChangeForm):
    name = forms.CharField(label="单位名称", max_length=100, error_messages=NAME_ERRORS)
    parent = UnitChoiceField(label="上级单位", queryset=Unit.objects.none(), empty_label="（请选择）",
                             error_messages={"required": "请选择上级单位",
                                             "invalid_choice": "上级单位不在您的信息维护范围内"})
    unit_type = forms.CharField(label="单位类型", max_length=30, required=False,
                                help_text="如 县直部门、乡镇")
    sort_order = forms.IntegerField(label="排序号", required=False, min_value=0, max_value=999999,
                                    help_text="不填则排在同级单位之后",
                                    error_messages={"invalid": "排序号应为整数", "min_value": "排序号不能为负数",
                                                    "max_value": "排序号不能超过999999"})
    authorized_staffing = forms.IntegerField(label="核定编制", required=False, min_value=0,
                                             error_messages={"invalid": "核定编制应为整数",
                                                             "min_value": "核定编制不能为负数"})
    field_order = ["name", "parent", "unit_type", "sort_order", "authorized_staffing", "changed_on", "document"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["changed_on"].label = "成立日期"
        self.fields["parent"].queryset = changeable_units(actor)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _name_clean(self.cleaned_data["name"])


class UnitRenameForm(UnitChangeForm):
    name = forms.CharField(label="新名称", max_length=100, error_messages={
        **NAME_ERRORS, "required": "请填写新名称"})
    field_order = ["name", "changed_on", "document"]

    def clean_name(self) -> str:
        return _name_clean(self.cleaned_data["name"])


class UnitMoveForm(UnitChangeForm):
    parent = UnitChoiceField(label="新上级单位", queryset=Unit.objects.none(), empty_label="（请选择）",
                             error_messages={"required": "请选择新上级单位",
                                             "invalid_choice": "新上级单位不在您的信息维护范围内"})
    field_order = ["parent", "changed_on", "document"]

    def __init__(self, *args: Any, actor: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["parent"].queryset = changeable_units(actor).exclude(  # type: ignore[attr-defined]
            pk=unit.pk).exclude(path__startswith=unit.subtree_prefix)


class UnitMergeForm(UnitChangeForm):
    into = UnitChoiceField(label="并入单位", queryset=Unit.objects.none(), empty_label="（请选择）",
                           error_messages={"required": "请选择并入单位",
                                           "invalid_choice": "并入单位不在您的信息维护范围内"})
    field_order = ["into", "changed_on", "document"]

    def __init__(self, *args: Any, actor: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["changed_on"].label = "合并日期"
        self.fields["into"].queryset = changeable_units(actor).exclude(  # type: ignore[attr-defined]
            pk=unit.pk).exclude(path__startswith=unit.subtree_prefix)


class UnitAbolishForm(UnitChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].label = "撤销日期"


class UnitReorderForm(UnitChangeForm):
    sort_order = forms.IntegerField(label="排序号", min_value=0, max_value=999999,
                                    help_text="同级单位按排序号从小到大排列，排序号相同的按名称",
                                    error_messages={"required": "请填写排序号", "invalid": "排序号应为整数",
                                                    "min_value": "排序号不能为负数",
                                                    "max_value": "排序号不能超过999999"})
    field_order = ["sort_order", "changed_on", "document"]


class UnitIndustriesForm(UnitChangeForm):
    industries = forms.MultipleChoiceField(
        label="主管或监管的行业", required=False, choices=codes.choices("industry"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s”不是国民经济行业分类的门类"},
        help_text="按国民经济行业分类门类选择本单位主管或监管的行业。本单位领导成员的配偶、子女及其配偶"
                  "在这些行业经商办企业的，列入任职回避预警（《党政领导干部任职回避暂行规定》第四条）。",
    )
    field_order = ["industries", "changed_on", "document"]


class UnitQuotaForm(UnitChangeForm):
    principal_posts = forms.IntegerField(label="正职职数", required=False, min_value=0, max_value=99,
                                         help_text="不填表示未核定",
                                         error_messages={"invalid": "正职职数应为整数",
                                                         "min_value": "正职职数不能为负数",
                                                         "max_value": "正职职数不能超过99"})
    deputy_posts = forms.IntegerField(label="副职职数", required=False, min_value=0, max_value=99,
                                      help_text="不填表示未核定",
                                      error_messages={"invalid": "副职职数应为整数",
                                                      "min_value": "副职职数不能为负数",
                                                      "max_value": "副职职数不能超过99"})
    field_order = ["principal_posts", "deputy_posts", "changed_on", "document"]
