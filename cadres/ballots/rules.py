"""The rules of a vote as plain data, and the validation of one ballot against them.

`Rules` is built from a vote (`rules_of`) and read by the cast (validation), the tally and the
recount; it holds no model instance, so the tally stays a pure function of data.

Ballot contents, as cast and as stored (normalized: keys are option keys, lists sorted):
- 票决 (decision):      {"choices": {"<key>": "yes" | "no" | "abstain", ...every option}}
- 民主推荐 (recommendation): {"names": ["<key>", ...], "write_ins": ["姓名", ...]} or {"abstain": true}
- 民主测评 (rating):    {"ratings": {"<key>": "<grade of the scale>", ...every option}}
"""

import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

DECISION_VALUES = {"yes": "同意", "no": "不同意", "abstain": "弃权"}
DECISION_ALIASES = {label: value for value, label in DECISION_VALUES.items()}
MAX_WRITE_IN_LENGTH = 20

MALFORMED = "选票内容无法识别，请重新填写"


@dataclass(frozen=True)
class Rules:
    """Everything the validation and the count need to know about a vote."""

    vote_id: int
    kind: str
    expected_count: int
    quorum: Fraction
    quorum_base: str
    threshold: Fraction
    threshold_base: str
    max_choices: int | None
    write_ins_allowed: bool
    second_round_below: Fraction | None
    rating_scale: tuple[str, ...]
    # (key, name) of each option, in the vote's order.
    options: tuple[tuple[str, str], ...]
    # (name, weight) of each voter group, in order.
    groups: tuple[tuple[str, Fraction], ...] = field(default=(("", Fraction(1)),))

    @property
    def option_names(self) -> dict[str, str]:
        return dict(self.options)

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.options)


def rules_of(vote: Any) -> Rules:
    """The rules of a vote (a `Vote` with its options and groups)."""
    per_mille = vote.second_round_below_per_mille
    return Rules(
        vote_id=vote.pk,
        kind=vote.kind,
        expected_count=vote.expected_count,
        quorum=Fraction(vote.quorum_numerator, vote.quorum_denominator),
        quorum_base=vote.quorum_base,
        threshold=Fraction(vote.threshold_numerator, vote.threshold_denominator),
        threshold_base=vote.threshold_base,
        max_choices=vote.max_choices,
        write_ins_allowed=vote.write_ins_allowed,
        second_round_below=Fraction(per_mille, 1000) if per_mille is not None else None,
        rating_scale=tuple(vote.rating_scale or ()),
        options=tuple((option.key, option.name) for option in vote.options.all()),
        groups=tuple((group.name, Fraction(str(group.weight))) for group in vote.groups.all()),
    )


def canonical_json(value: Any) -> str:
    """The one text of a JSON value: keys sorted, no spaces, characters as they are."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _names(rules: Rules, keys: list[str]) -> str:
    names = rules.option_names
    return "、".join(names[key] for key in keys)


def ballot_normalize(rules: Rules, content: Any) -> dict[str, Any]:
    """The ballot in its stored form, or ValidationError with a Chinese message saying why it
    is invalid (too many names, a name not on the list, 弃权 mixed with a choice, incomplete)."""
    if not isinstance(content, dict):
        raise ValidationError(MALFORMED)
    if rules.kind == "decision":
        return _decision(rules, content)
    if rules.kind == "recommendation":
        return _recommendation(rules, content)
    if rules.kind == "rating":
        return _rating(rules, content)
    raise ValidationError(MALFORMED)


def _keyed(rules: Rules, content: dict[str, Any], name: str) -> dict[str, Any]:
    values = content.get(name)
    if set(content) - {name} or not isinstance(values, dict):
        raise ValidationError(MALFORMED)
    unknown = [key for key in values if key not in rules.option_names]
    if unknown:
        raise ValidationError("选票中有不在名单上的人选，请重新填写")
    return values


def _decision(rules: Rules, content: dict[str, Any]) -> dict[str, Any]:
    choices = _keyed(rules, content, "choices")
    normalized: dict[str, str] = {}
    for key in rules.option_keys:
        value = choices.get(key)
        if value in (None, ""):
            continue
        value = DECISION_ALIASES.get(str(value), value)
        if value not in DECISION_VALUES:
            raise ValidationError(f"对{rules.option_names[key]}的表决只能是同意、不同意或弃权")
        normalized[key] = value
    missing = [key for key in rules.option_keys if key not in normalized]
    if missing:
        raise ValidationError(f"请对每一位人选表明态度（同意、不同意或弃权），尚未选择：{_names(rules, missing)}")
    return {"choices": normalized}


def _recommendation(rules: Rules, content: dict[str, Any]) -> dict[str, Any]:
    if set(content) - {"names", "write_ins", "abstain"}:
        raise ValidationError(MALFORMED)
    names = content.get("names") or []
    write_ins = content.get("write_ins") or []
    abstain = content.get("abstain", False)
    if not isinstance(names, list) or not isinstance(write_ins, list) or not isinstance(abstain, bool):
        raise ValidationError(MALFORMED)
    if not all(isinstance(name, str) for name in [*names, *write_ins]):
        raise ValidationError(MALFORMED)
    write_ins = [" ".join(name.split()) for name in write_ins]
    write_ins = [name for name in write_ins if name]
    if abstain:
        if names or write_ins:
            raise ValidationError("选择弃权的选票不能同时推荐人选，请只选其一")
        return {"abstain": True}
    if any(key not in rules.option_names for key in names):
        raise ValidationError("推荐的人选不在名单上，请从名单中选择或另选他人")
    if write_ins and not rules.write_ins_allowed:
        raise ValidationError("本次推荐不允许另选他人")
    if any(len(name) > MAX_WRITE_IN_LENGTH for name in write_ins):
        raise ValidationError(f"另选他人的姓名不能超过{MAX_WRITE_IN_LENGTH}个字")
    listed = set(rules.option_names.values())
    if any(name in listed for name in write_ins):
        raise ValidationError("另选他人的姓名与名单上的人选相同，请直接在名单中选择")
    if len(set(names)) != len(names) or len(set(write_ins)) != len(write_ins):
        raise ValidationError("同一人选不能重复推荐")
    total = len(names) + len(write_ins)
    if total == 0:
        raise ValidationError("请至少推荐一人，或选择弃权")
    if rules.max_choices is not None and total > rules.max_choices:
        raise ValidationError(f"推荐人数超过规定：每票最多推荐{rules.max_choices}人，本票推荐了{total}人，选票无效")
    return {"names": sorted(names, key=_option_order(rules)), "write_ins": sorted(write_ins)}


def _option_order(rules: Rules) -> Any:
    order = {key: index for index, key in enumerate(rules.option_keys)}
    return order.__getitem__


def _rating(rules: Rules, content: dict[str, Any]) -> dict[str, Any]:
    ratings = _keyed(rules, content, "ratings")
    normalized: dict[str, str] = {}
    for key in rules.option_keys:
        grade = ratings.get(key)
        if grade in (None, ""):
            continue
        if grade not in rules.rating_scale:
            raise ValidationError(f"测评等次只能是{'、'.join(rules.rating_scale)}")
        normalized[key] = grade
    missing = [key for key in rules.option_keys if key not in normalized]
    if missing:
        raise ValidationError(f"请对每一位测评对象评定等次，尚未评定：{_names(rules, missing)}")
    return {"ratings": normalized}
