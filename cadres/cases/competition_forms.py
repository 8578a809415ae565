"""Forms of the 公开选拔 and 竞争上岗 pages: every message names its field, in Chinese. The
post's conditions are form fields, stored as the conditions data by the service."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from cadres.cases.case_forms import CaseFormBase
from cadres.cases.models import Applicant, CompetitionKind, CompetitionPost
from cadres.core import codes
from cadres.core.forms import empty_labels_in_words
from cadres.org.models import Unit
from cadres.people.models import Person

XLSX_MAX_BYTES = 5 * 1024 * 1024


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path)


class PostField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} {obj.title}"


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.unit.name}{obj.post_title}"


class CompetitionForm(CaseFormBase):
    kind = forms.ChoiceField(label="类型", choices=CompetitionKind.choices)
    announced_on = forms.DateField(label="公告日期")
    written_weight = forms.DecimalField(label="笔试权重", max_digits=4, decimal_places=2, initial=Decimal("0.40"),
                                        min_value=0, max_value=1)
    interview_weight = forms.DecimalField(label="面试权重", max_digits=4, decimal_places=2,
                                          initial=Decimal("0.60"), min_value=0, max_value=1)
    inspection_ratio = forms.DecimalField(label="考察比例（考察人数与职数之比）", max_digits=4, decimal_places=1,
                                          initial=Decimal("1"), min_value=1)
    results_valid_years = forms.IntegerField(label="公开选拔结果有效期（年）", initial=2, min_value=0, max_value=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("written_weight", "interview_weight", "inspection_ratio"):
            field = self.fields[name]
            label = field.label
            field.error_messages.update({
                "invalid": f"{label}须为数字", "min_value": f"{label}不能小于 %(limit_value)s",
                "max_value": f"{label}不能大于 %(limit_value)s",
                "max_decimal_places": f"{label}最多 %(max)s 位小数",
                "max_digits": f"{label}数字过长", "max_whole_digits": f"{label}数字过长",
            })
        self.fields["results_valid_years"].error_messages["max_value"] = "公开选拔结果有效期不能超过 %(limit_value)s 年"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        written, interview = data.get("written_weight"), data.get("interview_weight")
        if written is not None and interview is not None and written + interview != 1:
            self.add_error("interview_weight", f"笔试权重与面试权重之和应为1，现为{written + interview}")
        return data


class CompetitionPostForm(CaseFormBase):
    unit = UnitField(label="单位", queryset=Unit.objects.none())
    title = forms.CharField(label="职位", max_length=100)
    rank = forms.ChoiceField(label="职务层次", choices=[("", ""), *codes.RANK.items()])
    openings = forms.IntegerField(label="职数", min_value=1, initial=1)
    max_age = forms.IntegerField(label="年龄上限（周岁，含）", required=False, min_value=18, max_value=70)
    min_education = forms.ChoiceField(label="学历要求（及以上）", required=False,
                                      choices=[("", "不限"), *codes.EDUCATION.items()])
    ranks = forms.MultipleChoiceField(label="可报名的现任职务层次", required=False, choices=list(codes.RANK.items()),
                                      widget=forms.CheckboxSelectMultiple, help_text="不选为不限")
    min_years_in_rank = forms.IntegerField(label="任现职务层次年限（满N年）", required=False, min_value=0, max_value=40)
    min_working_years = forms.IntegerField(label="工作年限（满N年）", required=False, min_value=0, max_value=50)
    min_total = forms.DecimalField(label="列为考察对象的最低综合成绩", required=False, min_value=0, max_value=100,
                                   max_digits=5, decimal_places=2)
    team_member = forms.BooleanField(label="班子成员职位", required=False)
    incumbents = PeopleField(label="现任人员（须重新竞聘）", required=False, queryset=Person.objects.none(),
                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, units: QuerySet, people: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["incumbents"].queryset = people  # type: ignore[attr-defined]
        for name in ("max_age", "min_years_in_rank", "min_working_years", "min_total"):
            field = self.fields[name]
            field.error_messages["max_value"] = f"{field.label}不能大于 %(limit_value)s"
            field.error_messages["invalid"] = f"{field.label}须为数字"
        self.fields["ranks"].error_messages["invalid_choice"] = "职务层次“%(value)s”不存在"
        empty_labels_in_words(self)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        conditions = {
            key: data[key] for key in ("max_age", "min_education", "min_years_in_rank", "min_working_years")
            if data.get(key) not in (None, "")
        }
        if data.get("ranks"):
            conditions["ranks"] = list(data["ranks"])
        if data.get("min_total") is not None:
            conditions["min_total"] = str(data["min_total"])
        if data.get("team_member"):
            conditions["team_member"] = True
        return {"unit": data["unit"], "title": data["title"], "rank": data["rank"], "openings": data["openings"],
                "conditions": conditions, "incumbents": list(data.get("incumbents") or [])}


class RegisterForm(CaseFormBase):
    post = PostField(label="报名职位", queryset=CompetitionPost.objects.none())
    person = forms.ModelChoiceField(label="干部", queryset=Person.objects.none(), widget=forms.RadioSelect)

    def __init__(self, *args: Any, posts: QuerySet, people: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        empty_labels_in_words(self)


class ReviewForm(CaseFormBase):
    decision = forms.ChoiceField(label="审查结论", choices=[
        ("auto", "按报名条件自动审查"), ("yes", "认定符合（须填写理由）"), ("no", "认定不符合（须填写理由）"),
    ], initial="auto")
    notes = forms.CharField(label="审查意见", required=False, max_length=500,
                            widget=forms.TextInput(attrs={"placeholder": "人工认定的理由"}))

    def eligible(self) -> bool | None:
        return {"auto": None, "yes": True, "no": False}[self.cleaned_data["decision"]]


class ScoresImportForm(CaseFormBase):
    file = forms.FileField(label="成绩表（.xlsx）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("成绩表须为 .xlsx 文件（可先下载模板）")
        if upload.size > XLSX_MAX_BYTES:
            raise forms.ValidationError("成绩表不能超过5MB")
        return upload


class DropForm(CaseFormBase):
    reason = forms.CharField(label="不予任用理由", max_length=500)


class ConcludeForm(CaseFormBase):
    appointed_on = forms.DateField(label="任职日期")
    document = forms.CharField(label="任职文号", max_length=100)


def score_fields(applicant: Applicant) -> tuple[str, str, str]:
    """The names of an applicant's inputs in the scores table."""
    return f"written_{applicant.pk}", f"interview_{applicant.pk}", f"waived_{applicant.pk}"
