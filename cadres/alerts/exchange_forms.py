"""Forms of the exchange-plan pages: a plan, a move (person from a name search, unit, title,
rank), the commit (文号, reason when the plan has conflicts) and discarding."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from cadres.cases.case_forms import CaseFormBase, PersonSearchForm
from cadres.core import codes
from cadres.org.models import Unit
from cadres.people.models import Person

__all__ = ["CommitForm", "DiscardForm", "MoveForm", "PersonSearchForm", "PlanForm"]


class PlanForm(CaseFormBase):
    title = forms.CharField(label="方案名称", max_length=200)
    effective_on = forms.DateField(label="实施日期")
    document = forms.CharField(label="文号", max_length=100, required=False)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.unit.name}{obj.post_title}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path)


class MoveForm(CaseFormBase):
    person = PersonChoiceField(label="干部", queryset=Person.objects.none())
    to_unit = UnitChoiceField(label="交流到单位", queryset=Unit.objects.none())
    to_title = forms.CharField(label="拟任职务", max_length=100)
    to_rank = forms.ChoiceField(label="职务层次", choices=[("", ""), *codes.choices("rank")])
    is_team_member = forms.BooleanField(label="班子成员", required=False, initial=True)

    def __init__(self, *args: Any, people: QuerySet[Person], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["to_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["person"].error_messages["invalid_choice"] = "请先按姓名查找并选择干部"
        self.fields["to_rank"].choices = [("", "请选择职务层次"), *codes.choices("rank")]  # type: ignore[attr-defined]


class CommitForm(CaseFormBase):
    document = forms.CharField(label="文号", max_length=100, required=False)
    force_reason = forms.CharField(label="存在问题仍实施的理由", required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class DiscardForm(CaseFormBase):
    reason = forms.CharField(label="放弃理由", required=False, max_length=200)
