"""Input of one cadre's file: 基本信息, a new cadre with the first post, the photo, and 任免."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.core import codes
from cadres.core.dates import InvalidDate, format_month, parse_month
from cadres.org.models import Assignment, Unit
from cadres.people.forms import UnitChoiceField
from cadres.people.models import Person
from cadres.people.services import PHOTO_MAX_BYTES, PhotoCrop, person_identity_errors

CHOOSE = "（请选择）"
NONE = "（无）"


def _choices(table: str, blank: str = CHOOSE) -> list[tuple[str, str]]:
    return [("", blank), *codes.choices(table)]


class MonthField(forms.CharField):
    """A month as rosters write it (1975.03, 1975-03, 197503, 1975年3月), or a day (1975.03.12).

    Cleans to a date (the 1st when only the month is given)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"placeholder": "如 1998.07", "autocomplete": "off", "maxlength": "20"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return format_month(value, day_known=value.day != 1)
        return value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)[0]
        except InvalidDate as error:
            raise ValidationError(f"“{text}”不是有效的年月，请写成 1998.07 或 1998.07.15") from error


def _not_after_today(value: dt.date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天")


def _text(label: str, max_length: int, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=kwargs.pop("required", False), **kwargs)


class PersonFieldsForm(forms.Form):
    """基本信息: the cadre's own fields (the roster's and the rest of the 任免审批表's), not the post.

    `shows_sensitive` is False while no registered read (查阅登记) of the file is open: the
    身份证号 is then not shown, and an empty box keeps the number on record."""

    name = _text("姓名", 50, required=True)
    sex = forms.ChoiceField(label="性别", choices=_choices("sex"))
    ethnicity = forms.ChoiceField(label="民族", choices=_choices("ethnicity"))
    birth_date = MonthField(label="出生年月", help_text="如 1975.03；知道日期的可写 1975.03.12")
    id_number = _text("身份证号", 18)
    native_place = _text("籍贯", 50)
    birthplace = _text("出生地", 50)
    political_status = forms.ChoiceField(label="政治面貌", choices=_choices("political_status"))
    party_joined_on = MonthField(label="入党时间", required=False)
    work_started_on = MonthField(label="参加工作时间", required=False)
    health = _text("健康状况", 50)
    full_time_education = forms.ChoiceField(label="全日制学历", choices=_choices("education", NONE), required=False)
    full_time_degree = forms.ChoiceField(label="全日制学位", choices=_choices("degree", NONE), required=False)
    full_time_education_school = _text("全日制学历毕业院校系及专业", 200)
    full_time_degree_school = _text("全日制学位毕业院校系及专业", 200)
    in_service_education = forms.ChoiceField(label="在职学历", choices=_choices("education", NONE), required=False)
    in_service_degree = forms.ChoiceField(label="在职学位", choices=_choices("degree", NONE), required=False)
    in_service_education_school = _text("在职学历毕业院校系及专业", 200)
    in_service_degree_school = _text("在职学位毕业院校系及专业", 200)
    professional_title = _text("专业技术职务", 50)
    expertise = _text("熟悉专业有何专长", 200)
    rank_started_on = MonthField(label="任现职级时间", required=False)
    # Read-only: the pools he is an active member of (cadres.reserves writes them).
    reserve_pool = _text("后备干部", 200, disabled=True)
    sort_order = forms.IntegerField(label="排序号", min_value=0, max_value=999999, initial=0,
                                    help_text="同一单位内按排序号从小到大排列")
    remarks = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    # The fields of each part of the page (the template lays them out like the 任免审批表).
    BASIC = ("name", "sex", "ethnicity", "birth_date", "id_number", "native_place", "birthplace",
             "political_status", "party_joined_on", "work_started_on", "health")
    EDUCATION_ROWS = (
        ("全日制教育", ("full_time_education", "full_time_degree", "full_time_education_school",
                        "full_time_degree_school")),
        ("在职教育", ("in_service_education", "in_service_degree", "in_service_education_school",
                      "in_service_degree_school")),
    )
    OTHER = ("professional_title", "expertise", "rank_started_on", "reserve_pool", "sort_order", "remarks")

    def __init__(self, *args: Any, person: Person | None = None, actor: Any = None,
                 shows_sensitive: bool = True, **kwargs: Any) -> None:
        self.person = person
        self.actor = actor
        self.keeps_id_number = person is not None and bool(person.id_number) and not shows_sensitive
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(person, name) for name in self.base_fields if hasattr(person, name)}
            if self.keeps_id_number:
                kwargs["initial"]["id_number"] = ""
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self._reserve_pools_shown(person)
        if self.keeps_id_number and person is not None:
            from cadres.accounts.templatetags.cadres_security import mask_id_number

            self.fields["id_number"].help_text = (
                f"已登记 {mask_id_number(person.id_number)}；不修改请留空（查阅完整档案后可查看和修改）")
            self.fields["id_number"].widget.attrs["placeholder"] = mask_id_number(person.id_number)

    def _reserve_pools_shown(self, person: Person | None) -> None:
        from django.urls import reverse
        from django.utils.html import format_html

        from cadres.reserves.selectors import pool_names_of

        self.initial["reserve_pool"] = "、".join(pool_names_of(person)) if person is not None else ""
        self.fields["reserve_pool"].help_text = format_html(
            '在<a href="{}">后备干部</a>中列入或调出', reverse("reserves:pool_list"))

    def clean_name(self) -> str:
        name = "".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("请填写姓名")
        return name

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data.get("id_number", "").strip().upper()
        if not value and self.keeps_id_number and self.person is not None:
            return self.person.id_number
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        birth = cleaned.get("birth_date")
        if birth is not None:
            cleaned["birth_day_known"] = birth.day != 1
            if not dt.date(1900, 1, 1) <= birth <= timezone.localdate():
                self.add_error("birth_date", "出生年月应在1900年至今天之间")
        for name in ("party_joined_on", "work_started_on", "rank_started_on"):
            value = cleaned.get(name)
            if value is not None and birth is not None and value < birth:
                self.add_error(name, f"{self.fields[name].label}不能早于出生年月")
            elif value is not None and value > timezone.localdate():
                self.add_error(name, f"{self.fields[name].label}不能晚于今天")
        if cleaned.get("id_number") and "id_number" not in self.errors:
            for problem in person_identity_errors(
                id_number=cleaned["id_number"], birth_date=birth,
                birth_day_known=cleaned.get("birth_day_known", False), sex=cleaned.get("sex", ""),
                person_id=self.person.pk if self.person is not None else None, actor=self.actor,
            ):
                self.add_error("id_number", problem)
        return cleaned

    def person_fields(self) -> dict[str, Any]:
        """The cleaned values as Person fields (birth_day_known included)."""
        values = {name: self.cleaned_data[name] for name in self.fields
                  if name in self.cleaned_data and not self.fields[name].disabled}
        values["birth_day_known"] = self.cleaned_data.get("birth_day_known", False)
        return values


class UnitInScopeField(UnitChoiceField):
    default_error_messages = {"invalid_choice": "所选单位不在您的信息维护范围内"}


def _units_to_change(actor: Any) -> Any:
    return Unit.objects.restrict(actor, "change").order_by("path")


def _document_field(required: bool = True) -> forms.CharField:
    return forms.CharField(label="文号", max_length=100, required=required,
                           help_text="任免文件的文号，如 青组任〔2026〕5号",
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class FirstPostForm(forms.Form):
    """A post to start: where, what, from when, under which document."""

    unit = UnitInScopeField(label="单位", queryset=Unit.objects.none(), empty_label=CHOOSE)
    title = forms.CharField(label="职务", max_length=100, help_text="如 副局长、党委书记")
    rank = forms.ChoiceField(label="职务层次", choices=_choices("rank"))
    is_team_member = forms.BooleanField(label="班子成员", required=False)
    started_on = MonthField(label="任职时间", help_text="如 2026.03 或 2026.03.15")
    document = _document_field()

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = _units_to_change(actor)

    def clean_started_on(self) -> dt.date:
        started_on: dt.date = self.cleaned_data["started_on"]
        _not_after_today(started_on, "任职时间")
        return started_on


class PersonCreateForm(PersonFieldsForm):
    """新增干部: the person's fields and the first post (unit within the 信息维护 scope)."""

    unit = UnitInScopeField(label="单位", queryset=Unit.objects.none(), empty_label=CHOOSE)
    post_title = forms.CharField(label="职务", max_length=100)
    rank = forms.ChoiceField(label="职务层次", choices=_choices("rank"))
    is_team_member = forms.BooleanField(label="班子成员", required=False)
    post_started_on = MonthField(label="任职时间", required=False)
    document = _document_field(required=False)

    POST = ("unit", "post_title", "rank", "is_team_member", "post_started_on", "document")

    def clean_post_started_on(self) -> dt.date | None:
        started_on: dt.date | None = self.cleaned_data["post_started_on"]
        _not_after_today(started_on, "任职时间")
        return started_on

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = _units_to_change(actor)

    def person_fields(self) -> dict[str, Any]:
        values = super().person_fields()
        for name in self.POST:
            values.pop(name, None)
        values["highest_education"] = codes.highest_education(
            values.get("full_time_education", ""), values.get("in_service_education", ""))
        return values


class PostStartForm(FirstPostForm):
    """任职: a new main post (调任: the main post held ends the day it starts) or 兼任."""

    MAIN, CONCURRENT = "main", "concurrent"
    kind = forms.ChoiceField(label="任职方式", widget=forms.RadioSelect, initial=MAIN, choices=[
        (MAIN, "任主职（原主职同日免去）"), (CONCURRENT, "兼任（其他职务不变）"),
    ])

    field_order = ["kind", "unit", "title", "rank", "is_team_member", "started_on", "document"]


class PostEndForm(forms.Form):
    """免职 of one open post."""

    ended_on = MonthField(label="免职时间", help_text="如 2026.03 或 2026.03.15")
    document = _document_field()
    reason = forms.CharField(label="免职原因", max_length=200, required=False,
                             help_text="可不填，如 到龄退休、调出本县")

    def __init__(self, *args: Any, post: Assignment, **kwargs: Any) -> None:
        self.post = post
        super().__init__(*args, **kwargs)

    def clean_ended_on(self) -> dt.date:
        ended_on: dt.date = self.cleaned_data["ended_on"]
        started_on = self.post.started_on
        if started_on is not None and ended_on < started_on:
            raise ValidationError(f"免职时间不能早于任职时间 {format_month(started_on)}")
        _not_after_today(ended_on, "免职时间")
        return ended_on


class PostRankForm(forms.Form):
    """职务层次变动 of one open post."""

    rank = forms.ChoiceField(label="新职务层次", choices=_choices("rank"))
    changed_on = MonthField(label="变动时间", help_text="如 2026.03")
    document = _document_field()

    def __init__(self, *args: Any, post: Assignment, **kwargs: Any) -> None:
        self.post = post
        super().__init__(*args, **kwargs)

    def clean_rank(self) -> str:
        rank: str = self.cleaned_data["rank"]
        if rank == self.post.rank:
            raise ValidationError("新职务层次与现职务层次相同")
        return rank

    def clean_changed_on(self) -> dt.date:
        changed_on: dt.date = self.cleaned_data["changed_on"]
        if self.post.started_on is not None and changed_on < self.post.started_on:
            raise ValidationError(f"变动时间不能早于任职时间 {format_month(self.post.started_on)}")
        _not_after_today(changed_on, "变动时间")
        return changed_on


class PostMainForm(forms.Form):
    """设为主职: the document is optional (the order of the posts changes, no post starts)."""

    document = _document_field(required=False)


class PhotoForm(forms.Form):
    """A photo and the 4:5 part of it to keep (filled by the crop frame; empty: the middle)."""

    photo = forms.FileField(label="照片", help_text=f"JPG 或 PNG，不超过 {PHOTO_MAX_BYTES // 1048576} MB；"
                            "保存为 4:5 的证件照（300×375 像素）",
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}))
    crop_x = forms.IntegerField(label="左边距（像素）", required=False, min_value=0)
    crop_y = forms.IntegerField(label="上边距（像素）", required=False, min_value=0)
    crop_width = forms.IntegerField(label="宽度（像素）", required=False, min_value=1,
                                    help_text="高度按 4:5 自动计算；不填则取图片中部")

    def clean_photo(self) -> Any:
        upload = self.cleaned_data["photo"]
        if upload.size > PHOTO_MAX_BYTES:
            raise ValidationError(
                f"照片文件过大（{upload.size / 1048576:.1f} MB），上限为 {PHOTO_MAX_BYTES // 1048576} MB")
        return upload

    def crop(self) -> PhotoCrop | None:
        width = self.cleaned_data.get("crop_width")
        if not width:
            return None
        return PhotoCrop(x=self.cleaned_data.get("crop_x") or 0, y=self.cleaned_data.get("crop_y") or 0,
                         width=width)
