"""Forms of the ballot pages: the vote's rules (with defaults per kind), its options, the roll,
the codes, paper tallies, and the voter's ballot read from the posted fields."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cadres.ballots.models import RATING_SCALE_DEFAULT, CountBase, Vote, VoteKind, VoteOption
from cadres.ballots.services import MAX_CODES_PER_ISSUE

GROUPS_HELP = "每行一类投票人：名称和权重，如“班子成员 30%”。只有一类（全体）时留空。多类时权重之和须为100%。"

# The rules each kind starts with (the department's usual practice; every one can be changed).
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    VoteKind.DECISION: {
        "quorum_numerator": 2, "quorum_denominator": 3, "quorum_base": CountBase.EXPECTED,
        "threshold_numerator": 1, "threshold_denominator": 2, "threshold_base": CountBase.EXPECTED,
    },
    VoteKind.RECOMMENDATION: {
        "quorum_numerator": 2, "quorum_denominator": 3, "quorum_base": CountBase.EXPECTED,
        "threshold_numerator": 1, "threshold_denominator": 2, "threshold_base": CountBase.VALID,
        "max_choices": 1, "write_ins_allowed": True, "second_round_below_per_mille": 300,
    },
    VoteKind.RATING: {
        "quorum_numerator": 2, "quorum_denominator": 3, "quorum_base": CountBase.EXPECTED,
        "threshold_numerator": 1, "threshold_denominator": 2, "threshold_base": CountBase.VALID,
        "rating_scale": "、".join(RATING_SCALE_DEFAULT),
        "groups": "班子成员 30%\n中层干部 40%\n职工代表 30%",
    },
}


def groups_parse(text: str) -> list[tuple[str, Decimal]]:
    """Lines of "名称 权重" (30%, 0.3 or 3/10) → (name, weight); a Chinese message on error."""
    groups: list[tuple[str, Decimal]] = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValidationError(f"第{number}行应写投票人类别的名称和权重，如“班子成员 30%”")
        name, raw = parts
        try:
            if raw.endswith("%") or raw.endswith("％"):
                weight = Decimal(raw[:-1]) / 100
            elif "/" in raw:
                top, bottom = raw.split("/", 1)
                weight = Decimal(top) / Decimal(bottom)
            else:
                weight = Decimal(raw)
        except (InvalidOperation, ZeroDivisionError):
            raise ValidationError(f"第{number}行的权重“{raw}”不是数字或百分比") from None
        if weight <= 0:
            raise ValidationError(f"第{number}行的权重须大于零")
        groups.append((name, weight.quantize(Decimal("0.0001"))))
    return groups


def groups_text(vote: Vote) -> str:
    groups = list(vote.groups.all())
    if len(groups) == 1 and not groups[0].name:
        return ""
    return "\n".join(f"{group.name} {(group.weight * 100).normalize():f}%" for group in groups)


class VoteForm(forms.ModelForm):
    """The rules of a vote; the kind comes from the address (新建票决 / 民主推荐 / 民主测评)."""

    rating_scale = forms.CharField(label="测评等次", required=False,
                                   help_text="从高到低，用顿号分隔，如“优秀、称职、基本称职、不称职”")
    groups = forms.CharField(label="投票人类别和权重", required=False, help_text=GROUPS_HELP,
                             widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Vote
        fields = [
            "title", "unit", "expected_count", "quorum_numerator", "quorum_denominator", "quorum_base",
            "threshold_numerator", "threshold_denominator", "threshold_base", "max_choices",
            "write_ins_allowed", "second_round_below_per_mille",
        ]
        help_texts = {
            "expected_count": "应当参加会议（投票）的人数；法定人数和通过比例以此为基数时按它计算",
            "unit": "属于某一单位的投票，只有管理该单位的人员能看到",
            "threshold_numerator": "得票须超过（不含等于）基数的这一比例才通过",
            "second_round_below_per_mille": "得票最多者的得票率低于此值（如300‰即30%）时提示须进行第二轮推荐",
        }

    def __init__(self, *args: Any, kind: str, units: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is None:
            defaults = dict(KIND_DEFAULTS.get(kind, {}))
            kwargs["initial"] = {**defaults, **kwargs.get("initial", {})}
        else:
            kwargs["initial"] = {"rating_scale": "、".join(instance.rating_scale or []),
                                 "groups": groups_text(instance), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.kind = kind
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        unit_field.empty_label = "（不属于某一单位）"
        hidden = {
            VoteKind.DECISION: ["max_choices", "write_ins_allowed", "second_round_below_per_mille", "rating_scale"],
            VoteKind.RECOMMENDATION: ["rating_scale"],
            VoteKind.RATING: ["threshold_numerator", "threshold_denominator", "threshold_base", "max_choices",
                              "write_ins_allowed", "second_round_below_per_mille"],
        }[VoteKind(kind)]
        for name in hidden:
            del self.fields[name]
        if kind == VoteKind.RECOMMENDATION:
            self.fields["max_choices"].required = True

    def clean_rating_scale(self) -> list[str]:
        text = self.cleaned_data.get("rating_scale") or ""
        for separator in (",", "，", " "):
            text = text.replace(separator, "、")
        grades = [grade for grade in text.split("、") if grade]
        if self.kind == VoteKind.RATING and len(grades) < 2:
            raise ValidationError("测评等次须至少两个，用顿号分隔")
        if len(set(grades)) != len(grades):
            raise ValidationError("测评等次不能重复")
        return grades

    def clean_groups(self) -> list[tuple[str, Decimal]]:
        groups = groups_parse(self.cleaned_data.get("groups") or "")
        if len({name for name, _ in groups}) != len(groups):
            raise ValidationError("投票人类别不能重名")
        if len(groups) > 1 and sum(weight for _, weight in groups) != 1:
            raise ValidationError("各类投票人的权重之和须为100%")
        return groups

    def rules(self) -> dict[str, Any]:
        """The cleaned rules as the services take them."""
        values = {name: value for name, value in self.cleaned_data.items() if name in self.Meta.fields}
        if self.kind == VoteKind.RATING:
            values["rating_scale"] = self.cleaned_data["rating_scale"]
        return values


def _group_field(form: forms.Form, vote: Vote) -> None:
    """The voter group choice: hidden when the vote has one group (全体, named "")."""
    groups = list(vote.groups.all())
    field = form.fields["group"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [(group.name, str(group)) for group in groups]
    if len(groups) == 1:
        field.widget = forms.HiddenInput()
        field.initial = groups[0].name
        field.required = False
    else:
        field.choices = [("", "（请选择）"), *field.choices]
        field.error_messages["required"] = "请选择投票人类别"


class OptionForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    description = forms.CharField(label="职务或说明", max_length=200, required=False)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="在干部名册中查找", max_length=50, required=False)


class CodesForm(forms.Form):
    count = forms.IntegerField(label="生成数量", min_value=1, max_value=MAX_CODES_PER_ISSUE,
                               help_text="一人一码；可多生成几张备用，多余的投票码不会被计入")
    group = forms.ChoiceField(label="投票人类别")

    def __init__(self, *args: Any, vote: Vote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _group_field(self, vote)


class SignInForm(forms.Form):
    """签到: people on record ticked, and names typed (one a line, "姓名 单位")."""

    group = forms.ChoiceField(label="投票人类别")
    names = forms.CharField(label="手工签到", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="名册中没有的人：每行一人，姓名后可空一格写工作单位")

    def __init__(self, *args: Any, vote: Vote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _group_field(self, vote)

    def typed(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("names") or "").splitlines():
            parts = line.split(None, 1)
            if parts:
                rows.append((parts[0], parts[1].strip() if len(parts) > 1 else ""))
        return rows


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="我已核对，确认执行", required=True,
                                 error_messages={"required": "请勾选确认"})


class PaperForm(forms.Form):
    """One operator's entry of a paper batch: numbers, then the counts per option."""

    number = forms.IntegerField(label="批次号", min_value=1, max_value=999)
    group = forms.ChoiceField(label="投票人类别")
    issued = forms.IntegerField(label="发出票数", min_value=0)
    collected = forms.IntegerField(label="收回票数", min_value=0)
    invalid = forms.IntegerField(label="废票数", min_value=0, initial=0)

    def __init__(self, *args: Any, vote: Vote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote = vote
        _group_field(self, vote)
        self.options = list(vote.options.all())
        self.columns = paper_columns(vote)
        for option in self.options:
            for value, label in self.columns:
                self.fields[f"n_{option.pk}_{value}"] = forms.IntegerField(
                    label=f"{option.name} {label}", min_value=0, initial=0,
                    widget=forms.NumberInput(attrs={"class": "count", "inputmode": "numeric"}))
        if vote.kind == VoteKind.RECOMMENDATION:
            self.fields["abstain"] = forms.IntegerField(label="弃权票数", min_value=0, initial=0)
            if vote.write_ins_allowed:
                self.fields["write_ins"] = forms.CharField(
                    label="另选他人", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                    help_text="每行一人：姓名和票数，如“王五 3”")

    def rows(self) -> list[tuple[VoteOption, list[Any]]]:
        return [(option, [self[f"n_{option.pk}_{value}"] for value, _ in self.columns]) for option in self.options]

    def clean_write_ins(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for number, line in enumerate((self.cleaned_data.get("write_ins") or "").splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise ValidationError(f"另选他人第{number}行应写姓名和票数，如“王五 3”")
            result[parts[0]] = result.get(parts[0], 0) + int(parts[1])
        return result

    def counts(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.vote.kind == VoteKind.RECOMMENDATION:
            return {"names": {option.key: data[f"n_{option.pk}_votes"] for option in self.options},
                    "write_ins": data.get("write_ins") or {}, "abstain": data.get("abstain") or 0}
        return {option.key: {value: data[f"n_{option.pk}_{value}"] for value, _ in self.columns}
                for option in self.options}


def paper_columns(vote: Vote) -> list[tuple[str, str]]:
    if vote.kind == VoteKind.DECISION:
        return [("yes", "同意"), ("no", "不同意"), ("abstain", "弃权")]
    if vote.kind == VoteKind.RECOMMENDATION:
        return [("votes", "得票")]
    return [(grade, grade) for grade in vote.rating_scale]


# ---------------------------------------------------------------- the voter


class CodeForm(forms.Form):
    code = forms.CharField(label="投票码", max_length=20, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
        "inputmode": "text", "placeholder": "ABCD-EFGH", "class": "code-input",
    }), error_messages={"required": "请输入投票码"})


def ballot_from_post(vote: Vote, options: list[VoteOption], data: Any) -> dict[str, Any]:
    """The ballot's content (rules.py shapes) from the voter page's fields."""
    if vote.kind == VoteKind.DECISION:
        return {"choices": {option.key: data.get(f"c_{option.pk}", "") for option in options}}
    if vote.kind == VoteKind.RATING:
        return {"ratings": {option.key: data.get(f"r_{option.pk}", "") for option in options}}
    if data.get("abstain") == "1":
        # A ballot ticking 弃权 and names too is sent as it is, to be refused with its reason.
        return {"abstain": True, "names": data.getlist("names"),
                "write_ins": [name for name in data.getlist("write_in") if name.strip()]}
    return {"names": data.getlist("names"),
            "write_ins": [name for name in data.getlist("write_in") if name.strip()]}
