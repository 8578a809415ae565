"""Forms of the 任前公示 and the completion pages, and the public comment form. Every message
names its field, in Chinese."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from cadres.cases.models import CommentOutcome, Movement, Nominee
from cadres.cases.publicity import COMMENT_MAX_LENGTH
from cadres.core.forms import DayInput, empty_labels_in_words


class CaseForm(forms.Form):
    """Required-field, length and date messages that name the field; selects in words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            verb = "选择" if isinstance(field, forms.ChoiceField) else "填写"
            field.error_messages["required"] = f"请{verb}{field.label}"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"{field.label}最多 %(limit_value)d 个字（现有 %(show_value)d 个）")
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{field.label}不是有效的日期"
                field.widget = DayInput()
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = f"{field.label}应为整数"
        empty_labels_in_words(self)


class NomineeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        post = f"，拟任{obj.post.unit.name}{obj.post.title}" if obj.post_id else ""
        return f"{obj.person.name}{post}"


class NoticeForm(CaseForm):
    starts_on = forms.DateField(label="公示开始日期",
                                help_text="公示截止日期按公示期限规则和法定节假日（含调休上班日）自动计算")
    phone = forms.CharField(label="联系电话", max_length=50)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    title = forms.CharField(label="标题", max_length=200, required=False, help_text="空着则按事项名称生成")
    nominees = NomineeChoiceField(label="公示人选", queryset=Nominee.objects.none(),
                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, nominees: QuerySet[Nominee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nominees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = nominees
        if not self.is_bound:
            self.initial.setdefault("nominees", list(nominees))


class CommentForm(CaseForm):
    """The public form: the person concerned by his place in the notice (no internal ids), the
    content, an optional name and contact, and a field people never see (a trap for robots)."""

    nominee = forms.ChoiceField(label="反映对象", required=False)
    content = forms.CharField(label="反映内容", max_length=COMMENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 8}))
    contact_name = forms.CharField(label="姓名（可不填）", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系方式（可不填）", max_length=50, required=False)
    website = forms.CharField(label="网址", required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nominee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（不指定）"), *((str(index), name) for index, name in enumerate(names, start=1))]

    def visible_fields(self) -> list[Any]:
        return [bound for bound in super().visible_fields() if bound.name != "website"]


class ResolveForm(CaseForm):
    outcome = forms.ChoiceField(
        label="核查结论",
        choices=[("", "（请选择）"), *((value, label) for value, label in CommentOutcome.choices
                                      if value != CommentOutcome.PENDING)],
    )
    resolution = forms.CharField(label="核查情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    resolved_on = forms.DateField(label="办结日期")
    nominee = forms.ModelChoiceField(label="反映对象", queryset=Nominee.objects.none(), required=False)

    def __init__(self, *args: Any, nominees: QuerySet[Nominee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nominee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = nominees
        field.label_from_instance = lambda obj: obj.person.name  # type: ignore[method-assign]
        field.empty_label = "（反映未指明对象）"


class ReasonForm(CaseForm):
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class AppointForm(CaseForm):
    appointed_on = forms.DateField(label="任职日期")
    document = forms.CharField(label="任职文号", max_length=100)
    movement = forms.ChoiceField(label="任用类型", choices=[("", "（请选择）"), *Movement.choices])


class TalkForm(CaseForm):
    talk_on = forms.DateField(label="谈话日期")
    talk_by = forms.CharField(label="谈话人", max_length=100)


class ProbationForm(CaseForm):
    result = forms.ChoiceField(label="试用期满结论", widget=forms.RadioSelect,
                               choices=[("confirmed", "胜任，正式任职"), ("removed", "不胜任，免去试任职务")])
    ended_on = forms.DateField(label="办理日期")
    document = forms.CharField(label="文号", max_length=100, required=False,
                               help_text="不胜任的，填写免去试任职务的文号")
    reason = forms.CharField(label="理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label="按试任前职级安排的职务", max_length=100, required=False,
                            help_text="不胜任的可填写；空着则记为“试用期满未正式任职，按试任前职级安排”")


class CompleteForm(CaseForm):
    completed_on = forms.DateField(label="完成日期")


class AppointmentNoticeForm(CaseForm):
    document = forms.CharField(label="文号", max_length=100, required=False,
                               help_text="空着则使用已登记的任职文号，或留出文号位置")
