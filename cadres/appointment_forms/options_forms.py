"""The Django forms of the 生成任免审批表 pages: what the clerk gives at generation."""

from typing import Any

from django import forms
from django.utils import timezone

from cadres.appointment_forms.exports import BATCH_MAX_PEOPLE, FormOptions
from cadres.appointment_forms.render import FAMILY_SHOWS, FAMILY_SHOWS_BIRTH
from cadres.core.forms import DayInput

PURPOSE_HELP = "审批表含家庭成员、身份证号等敏感信息，须说明用途，如“2026年5月县委常委会干部任免”；用途记入审计。"
PURPOSE_REQUIRED = "请填写用途：审批表含家庭成员等敏感信息，用途记入审计。"


def _text(label: str, *, rows: int = 0, help_text: str = "", max_length: int = 300) -> forms.CharField:
    widget: forms.Widget = (forms.Textarea(attrs={"rows": rows}) if rows
                            else forms.TextInput(attrs={"autocomplete": "off"}))
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget, help_text=help_text)


class CommonOptionsForm(forms.Form):
    reporting_unit = _text("呈报单位", help_text="如“中共青岚县委组织部”。")
    age_as_of = forms.DateField(
        label="计算年龄时间", widget=DayInput(),
        help_text="出生年月后的（岁）按此日期计算，整岁。",
        error_messages={"required": "请填写计算年龄时间",
                        "invalid": "计算年龄时间不是有效的日期，请按“2026-05-20”填写"},
    )
    filled_by = _text("填表人", max_length=50)
    family_shows = forms.ChoiceField(label="家庭成员一栏显示", choices=list(FAMILY_SHOWS.items()),
                                     initial=FAMILY_SHOWS_BIRTH, widget=forms.RadioSelect)
    purpose = forms.CharField(label="用途", max_length=200, help_text=PURPOSE_HELP,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}),
                              error_messages={"required": PURPOSE_REQUIRED})

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["age_as_of"].initial = timezone.localdate()
        if user is not None:
            self.fields["filled_by"].initial = getattr(user, "full_name", "") or user.get_username()

    def clean_purpose(self) -> str:
        purpose = (self.cleaned_data.get("purpose") or "").strip()
        if not purpose:
            raise forms.ValidationError(PURPOSE_REQUIRED)
        return purpose

    def options(self, **fields: Any) -> FormOptions:
        data = self.cleaned_data
        return FormOptions(
            age_as_of=data["age_as_of"], reporting_unit=data.get("reporting_unit", ""),
            filled_by=data.get("filled_by", ""), family_shows=data.get("family_shows") or FAMILY_SHOWS_BIRTH,
            filled_on=timezone.localdate(), **fields,
        )


class PersonFormOptionsForm(CommonOptionsForm):
    """One person's form: 拟任, 拟免, 任免理由 besides the common fields, and PDF or DOCX."""

    proposed_post = _text("拟任职务", rows=2)
    proposed_removal = _text("拟免职务", rows=2)
    reason = _text("任免理由", rows=3, max_length=1000)
    file_format = forms.ChoiceField(label="格式", initial="pdf", widget=forms.RadioSelect, choices=[
        ("pdf", "PDF（打印用）"), ("docx", "Word（DOCX，可修改后打印）"),
    ])

    field_order = ["proposed_post", "proposed_removal", "reason", "reporting_unit", "age_as_of", "filled_by",
                   "family_shows", "file_format", "purpose"]

    def form_options(self) -> FormOptions:
        data = self.cleaned_data
        return self.options(proposed_post=data.get("proposed_post", ""),
                            proposed_removal=data.get("proposed_removal", ""), reason=data.get("reason", ""))


BATCH_FORMATS = {"pdf": ("pdf",), "docx": ("docx",), "both": ("pdf", "docx")}


class BatchOptionsForm(CommonOptionsForm):
    """A batch: the common fields and the formats (拟任, 拟免 and 理由 differ per person: the
    clerk writes them in the Word files, or generates those forms one by one)."""

    file_formats = forms.ChoiceField(label="格式", initial="pdf", widget=forms.RadioSelect, choices=[
        ("pdf", "PDF"), ("docx", "Word（DOCX）"), ("both", "PDF 和 Word 各一份"),
    ])

    field_order = ["reporting_unit", "age_as_of", "filled_by", "family_shows", "file_formats", "purpose"]

    def formats(self) -> tuple[str, ...]:
        return BATCH_FORMATS[self.cleaned_data["file_formats"]]


def selected_ids(values: list[str]) -> list[int]:
    """Person ids as posted (the roster's check boxes), in order, once each; others ignored."""
    ids = [int(value) for value in values if str(value).strip().isdigit()]
    return list(dict.fromkeys(ids))[: BATCH_MAX_PEOPLE + 1]
