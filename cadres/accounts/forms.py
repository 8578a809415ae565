from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import SetPasswordForm

from cadres.accounts.models import Grant, Role
from cadres.core.forms import DayInput
from cadres.org.models import Unit
from cadres.people.models import Person

User = get_user_model()


def _person_by_id_number(value: str):
    """The cadre with this 身份证号, None for an empty field; an unknown number is an error."""
    value = value.strip().upper()
    if not value:
        return None
    person = Person.objects.filter(id_number=value).first()
    if person is None:
        raise forms.ValidationError("干部名册中没有此身份证号。")
    return person


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username",
                                                             "autofocus": True}))
    password = forms.CharField(label="密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    token = forms.RegexField(label="动态口令", regex=r"^\d{6}$", max_length=6,
                             error_messages={"invalid": "请输入6位数字动态口令。"},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                           "inputmode": "numeric",
                                                           "autofocus": True}))


class PasswordChangeForm(SetPasswordForm):
    """The new password twice, after the current one."""

    old_password = forms.CharField(label="当前密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("当前密码不正确。")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_password") and cleaned.get("old_password") == cleaned.get("new_password1"):
            self.add_error("new_password1", "新密码不能与当前密码相同。")
        return cleaned


class UserCreateForm(forms.Form):
    username = forms.RegexField(label="用户名", regex=r"^[\w.@+-]+$", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱", required=False)
    password = forms.CharField(label="初始密码", strip=False, widget=forms.PasswordInput,
                               help_text="用户首次登录时须修改。")
    person = forms.CharField(label="本人身份证号", max_length=18, required=False,
                             help_text="用户本人是干部时填写，用以关联其干部档案；本人及亲属的档案不可查阅。")

    def clean_person(self):
        return _person_by_id_number(self.cleaned_data["person"])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("用户名已存在。")
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class UserUpdateForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱", required=False)
    is_active = forms.BooleanField(label="启用", required=False)
    person = forms.CharField(label="本人身份证号", max_length=18, required=False,
                             help_text="用户本人是干部时填写，用以关联其干部档案。")

    def clean_person(self):
        return _person_by_id_number(self.cleaned_data["person"])


class PasswordResetForm(forms.Form):
    password = forms.CharField(label="临时密码", strip=False, widget=forms.PasswordInput,
                               help_text="用户下次登录时须修改。")

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["role", "managed_units", "maintained_units", "expires_on", "note"]
        widgets = {
            "managed_units": forms.SelectMultiple(attrs={"size": 10}),
            "maintained_units": forms.SelectMultiple(attrs={"size": 10}),
            "expires_on": DayInput(),
        }
        help_texts = {
            "managed_units": "所选单位及其下级单位的干部可查看。",
            "maintained_units": "所选单位及其下级单位的干部信息可维护、导入。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.all()
        self.fields["managed_units"].queryset = Unit.objects.all()
        self.fields["maintained_units"].queryset = Unit.objects.all()


class RoleForm(forms.Form):
    """A role's name and what it allows: permission codes by their Chinese labels."""

    name = forms.CharField(label="名称", max_length=50)
    description = forms.CharField(label="说明", max_length=200, required=False)
    permissions = forms.MultipleChoiceField(
        label="权限", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="持有此角色的用户可做的操作；查看和修改仍限于授权的单位范围。")
    all_units = forms.BooleanField(label="不受单位范围限制", required=False,
                                   help_text="可查看和维护全部单位的干部（系统管理员）。")
    requires_two_factor = forms.BooleanField(label="须使用动态口令登录", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cadres.accounts.codes import permission_choices

        self.fields["permissions"].choices = permission_choices()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        role_id = self.initial.get("role_id")
        if Role.objects.filter(name=name).exclude(pk=role_id).exists():
            raise forms.ValidationError("已有同名角色。")
        return name


PURPOSES = [
    ("政治审查", "政治审查"),
    ("考核考察任免", "考核、考察、任免"),
    ("巡视巡察查核", "巡视巡察、查核、案件调查"),
    ("编史修志", "编史修志"),
    ("日常管理", "日常管理"),
    ("其他", "其他"),
]


class DossierOpenForm(forms.Form):
    """The purpose of a read of a full file (查阅登记), 《干部人事档案工作条例》第三十一条."""

    purpose = forms.ChoiceField(label="查阅用途", choices=PURPOSES)
    detail = forms.CharField(label="事由说明", max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": "如：2026年度副科级干部考察"}))
