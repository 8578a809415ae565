from django import forms
from django.contrib.auth import get_user_model

from cadres.audit.actions import action_choices
from cadres.core.forms import DayInput
from cadres.org.models import Unit
from cadres.people.models import Person


def _action_choices() -> list[tuple[str, str]]:
    # A callable, so actions registered by modules loaded later are listed too.
    return [("", "全部操作"), *action_choices()]


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(label="干部", queryset=Person.objects.all(), required=False,
                                    widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.all(), required=False,
                                  empty_label="全部单位")
    user = forms.ModelChoiceField(label="用户", queryset=get_user_model().objects.none(),
                                  required=False, empty_label="全部用户")
    action = forms.ChoiceField(label="操作", required=False,
                               choices=_action_choices)
    date_from = forms.DateField(label="起始日期", required=False,
                                widget=DayInput())
    date_to = forms.DateField(label="截止日期", required=False,
                              widget=DayInput())
    text = forms.CharField(label="关键词", required=False, max_length=100,
                           widget=forms.TextInput(attrs={"type": "search",
                                                         "placeholder": "干部、对象或操作人"}))

    def __init__(self, *args, actor=None, **kwargs):
        """With an actor, the person and unit choices are those the actor may see, so a
        filter cannot name a cadre or unit outside the actor's scope."""
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.order_by("username")
        if actor is not None:
            self.fields["person"].queryset = Person.objects.visible_to(actor)
            self.fields["unit"].queryset = Unit.objects.visible_to(actor)
        self.fields["person"].error_messages["invalid_choice"] = "该干部不存在或不在您的查看范围内。"
        self.fields["unit"].error_messages["invalid_choice"] = "该单位不存在或不在您的查看范围内。"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned
