"""The only writer of the selection rules (`SelectionRule`) and of the holiday calendar
(`CalendarDay`).

Every function takes the `actor` first (None: the system, a command run without --user), needs
`cases.rules`, runs in one transaction, checks the row with `full_clean()` and records one audit
event (RULE_CHANGED, CALENDAR_CHANGED). Rule numbers are checked per code against `SCHEMA`
(every number a positive whole number, codes from their tables), with Chinese messages naming
the rule and the number.
"""

import csv
import datetime as dt
import io
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadres.accounts.permissions import has_permission
from cadres.audit.services import record
from cadres.cases.actions import CaseAction
from cadres.cases.models import CalendarDay, CaseKind, DiligenceKind, SelectionRule
from cadres.core import codes

REFUSED = "您没有修改选拔任用规则和节假日安排的权限"

# code → {parameter: kind}; a name ending in "?" may be left out. Kinds: int (>= 1), int0
# (>= 0), education, ranks, rank_education, grades, case_kinds, diligence_kinds, words.
SCHEMA: dict[str, dict[str, str]] = {
    "publicity_days": {"working_days": "int"},
    "decision_quorum": {"numerator": "int", "denominator": "int"},
    "decision_pass": {"numerator": "int", "denominator": "int"},
    "recommendation_valid": {"months": "int"},
    "years_in_lower_post": {"deputy_to_principal": "int", "lower_principal_to_deputy": "int"},
    "working_years": {"years": "int", "grassroots_years": "int0", "ranks": "ranks",
                      "grassroots_unit_types?": "words"},
    "education": {"minimum": "education", "by_rank": "rank_education"},
    "training": {"months_after": "int", "county_years": "int", "county_hours": "int", "county_days": "int",
                 "township_months": "int", "township_hours": "int", "township_days": "int"},
    "assessment_record": {"years": "int", "grades": "grades"},
    "sanction_in_effect": {},
    "personal_matters": {},
    "competitive_candidates": {"required_for": "case_kinds"},
    "four_musts": {"kinds": "diligence_kinds"},
    "suspension": {"months": "int"},
    "probation": {"months": "int"},
    "age_limit": {},
    "post_quota": {},
    "avoidance": {"relations": "words", "sensitive_offices": "words"},
    "business_avoidance": {"relations": "words"},
    "exceptional": {"min_months_since_promotion": "int"},
}

LABELS = {
    "working_days": "工作日数", "numerator": "比例分子", "denominator": "比例分母", "months": "月数",
    "deputy_to_principal": "由副职提任正职的年限", "lower_principal_to_deputy": "由下级正职提任上级副职的年限",
    "years": "年数", "grassroots_years": "基层工作经历年限", "ranks": "适用的职务层次",
    "grassroots_unit_types": "基层单位类型", "minimum": "最低学历", "by_rank": "按职务层次的学历要求",
    "months_after": "提任后完成培训的期限（月）", "grades": "不得列为考察对象的考核等次",
    "required_for": "必须差额考察的选任方式", "kinds": "核查事项", "relations": "须回避的亲属关系",
    "sensitive_offices": "须回避的岗位（单位名称或职务含）",
    "min_months_since_promotion": "距上次提拔的最少月数",
    "county_years": "县处级以上：培训计算年数", "county_hours": "县处级以上：培训学时",
    "county_days": "县处级以上：脱产培训累计天数", "township_months": "乡科级及以下：培训计算月数",
    "township_hours": "乡科级及以下：培训学时", "township_days": "乡科级及以下：培训天数",
    # assessments (migration 0002) and alerts (migration 0002)
    "percent": "比例上限（%）", "approved_max_percent": "经批准的比例上限（%）", "award": "奖励",
    "amount": "奖励金额（元）", "adjust": "调整方式", "dismiss_after_years": "连续不称职予以辞退的年数",
    "tiers": "奖励等次", "name": "名称", "top": "前几名", "bottom": "末位名数", "days": "天数",
    "warn_months": "提前预警月数", "term_years": "每个任期年数", "terms": "任期数", "offices": "适用的机关",
    "month": "截止月份", "day": "截止日", "new_days": "新任报告期限（天）", "warn_days": "截止前提醒天数",
}
GRADES = ("优秀", "称职", "基本称职", "不称职", "不定等次")


def _check_may_edit(actor: Any) -> None:
    if actor is not None and not has_permission(actor, "cases.rules"):
        raise PermissionDenied(REFUSED)


def _label(name: str) -> str:
    return LABELS.get(name, name)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _value_error(kind: str, value: Any) -> str | None:
    """What is wrong with a value of a kind, or None."""
    if kind in ("int", "int0"):
        least = 1 if kind == "int" else 0
        if not _is_int(value) or value < least:
            return f"应为{'正' if least else '非负'}整数"
        return None
    if kind == "education":
        return None if value in codes.EDUCATION else f"应为学历代码之一（{'、'.join(codes.EDUCATION)}）"
    if kind == "rank_education":
        if not isinstance(value, dict):
            return "应为“职务层次代码: 学历代码”的对照"
        for rank, education in value.items():
            if rank not in codes.RANK:
                return f"“{rank}”不是职务层次代码"
            if education not in codes.EDUCATION:
                return f"“{education}”不是学历代码"
        return None
    allowed: dict[str, Any] = {
        "ranks": codes.RANK, "grades": GRADES, "case_kinds": CaseKind.values,
        "diligence_kinds": DiligenceKind.values,
    }
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        return "应为文字的列表"
    if kind in allowed:
        unknown = [item for item in value if item not in allowed[kind]]
        if unknown:
            return f"含有不认识的值：{'、'.join(unknown)}"
    return None


def params_validate(code: str, values: Any) -> dict[str, Any]:
    """The parameters of a rule checked against its code's schema; a ValidationError listing
    every problem (naming the parameter) otherwise. An unknown code takes any object."""
    if not isinstance(values, dict):
        raise ValidationError({"params": "参数应为 JSON 对象，如 {\"working_days\": 5}"})
    schema = SCHEMA.get(code)
    if schema is None:
        return values
    errors: list[str] = []
    known = {name.rstrip("?"): kind for name, kind in schema.items()}
    for name in values:
        if name not in known:
            errors.append(f"参数“{name}”不是该规则的参数（可用：{'、'.join(known) or '无'}）")
    for name, kind in schema.items():
        bare = name.rstrip("?")
        if bare not in values:
            if not name.endswith("?"):
                errors.append(f"缺少参数“{bare}”（{_label(bare)}）")
            continue
        problem = _value_error(kind, values[bare])
        if problem:
            errors.append(f"参数“{bare}”（{_label(bare)}）{problem}")
    if not errors and {"numerator", "denominator"} <= set(values) and values["numerator"] > values["denominator"]:
        errors.append("比例分子不能大于分母")
    if errors:
        raise ValidationError({"params": errors})
    return values


def _words(value: Any) -> str:
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return "；".join(_words(item) for item in value)
    if isinstance(value, list):
        return "、".join(codes.name_for("rank", item) if item in codes.RANK
                        else str(CaseKind(item).label) if item in CaseKind.values
                        else str(DiligenceKind(item).label) if item in DiligenceKind.values
                        else str(item) for item in value)
    if isinstance(value, dict):
        return "，".join(f"{codes.name_for('rank', key) or _label(key)}："
                        f"{(codes.name_for('education', item) or item) if isinstance(item, str) else item}"
                        for key, item in value.items())
    return str(value)


def params_in_words(code: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value in words) per parameter, as the rule page shows them."""
    shown = []
    values = dict(values or {})
    if _is_int(values.get("numerator")) and _is_int(values.get("denominator")):
        shown.append(("比例", f"{values.pop('numerator')}/{values.pop('denominator')}"))
    for name, value in values.items():
        if name == "minimum":
            text = codes.name_for("education", value) or str(value)
        else:
            text = _words(value)
        shown.append((_label(name), text))
    return shown


def _rule_values(row: SelectionRule) -> dict[str, Any]:
    return {"params": row.params, "text": row.text,
            "effective_from": row.effective_from.isoformat() if row.effective_from else None,
            "effective_to": row.effective_to.isoformat() if row.effective_to else None}


@transaction.atomic
def rule_update(*, actor: Any, rule: SelectionRule, params: Any, text: str | None = None) -> SelectionRule:
    """Change a rule's numbers (and its wording) for the period it covers."""
    _check_may_edit(actor)
    row = SelectionRule.objects.select_for_update().get(pk=rule.pk)
    before = _rule_values(row)
    row.params = params_validate(row.code, params)
    if text is not None:
        row.text = text.strip()
    row.full_clean()
    row.save()
    after = _rule_values(row)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    record(actor=actor, action=CaseAction.RULE_CHANGED, target=row,
           target_label=f"选拔任用规则：{row.name}", changes={"code": row.code, **changes})
    return row


@transaction.atomic
def rule_period_start(
    *, actor: Any, rule: SelectionRule, effective_from: dt.date, params: Any, text: str | None = None,
) -> SelectionRule:
    """Start a new period of a rule on `effective_from` with new numbers: the row `rule` (whose
    period covers that day) now ends the day before, the new row runs to its old end."""
    _check_may_edit(actor)
    row = SelectionRule.objects.select_for_update().get(pk=rule.pk)
    if row.effective_from is not None and effective_from <= row.effective_from:
        raise ValidationError({"effective_from": f"施行日期须晚于本规则现行期间的起始日期"
                                                 f"{row.effective_from:%Y.%m.%d}"})
    if row.effective_to is not None and effective_from > row.effective_to:
        raise ValidationError({"effective_from": f"施行日期须在本规则现行期间内（至{row.effective_to:%Y.%m.%d}）"})
    if SelectionRule.objects.filter(code=row.code, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": "该规则在这一天已有一个施行期间"})
    new = SelectionRule(
        code=row.code, name=row.name, text=(text if text is not None else row.text).strip(), source=row.source,
        params=params_validate(row.code, params), is_active=row.is_active,
        effective_from=effective_from, effective_to=row.effective_to,
    )
    new.full_clean()
    old_to = row.effective_to
    row.effective_to = effective_from - dt.timedelta(days=1)
    row.save(update_fields=["effective_to"])
    new.save()
    record(actor=actor, action=CaseAction.RULE_CHANGED, target=new, target_label=f"选拔任用规则：{new.name}",
           changes={"code": new.code, "effective_from": effective_from.isoformat(),
                    "previous_to": [old_to.isoformat() if old_to else None, row.effective_to.isoformat()],
                    "params": [row.params, new.params]})
    return new


# --- the calendar ---------------------------------------------------------------------------

WORKDAY_WORDS = {"上班": True, "工作日": True, "班": True, "休息": False, "休": False, "放假": False,
                 "节假日": False}
_DATE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def parse_day(text: str) -> dt.date | None:
    """2027-01-01, 2027.01.01, 2027/1/1, 2027年1月1日 or 20270101; None when unreadable."""
    match = _DATE.match(text) or _COMPACT.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def calendar_rows_parse(text: str) -> list[tuple[dt.date, bool, str]]:
    """Rows of a calendar CSV (日期,上班|休息,说明; a header row 日期,… is skipped) as (date,
    is a working day, name); a ValidationError listing every bad row (第N行：…) otherwise."""
    rows: list[tuple[dt.date, bool, str]] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lstrip("\ufeff") == "日期":
            continue
        day = parse_day(cells[0].lstrip("\ufeff"))
        if day is None:
            errors.append(f"第{number}行：日期“{cells[0]}”无法识别，请写成如 2027-01-01")
            continue
        word = cells[1] if len(cells) > 1 else ""
        if word not in WORKDAY_WORDS:
            errors.append(f"第{number}行：类别应为“上班”或“休息”，现为“{word}”")
            continue
        name = cells[2] if len(cells) > 2 else ""
        if len(name) > 50:
            errors.append(f"第{number}行：说明最多 50 个字（现有 {len(name)} 个）")
            continue
        if day in seen:
            errors.append(f"第{number}行：日期{day:%Y.%m.%d}与第{seen[day]}行重复")
            continue
        seen[day] = number
        rows.append((day, WORKDAY_WORDS[word], name))
    if not rows and not errors:
        errors.append("文件中没有日期行（每行：日期,上班或休息,说明）")
    if errors:
        raise ValidationError(errors)
    return rows


def decode_upload(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else GB18030 (Excel on Chinese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise ValidationError("文件编码无法识别，请另存为 UTF-8 编码的 CSV 文件") from error


@transaction.atomic
def calendar_load(*, actor: Any, text: str, source: str = "") -> int:
    """Load a calendar CSV all or nothing: every row is added or replaces that date's entry;
    returns how many rows were loaded."""
    _check_may_edit(actor)
    rows = calendar_rows_parse(text)
    created = updated = 0
    for day, working, name in rows:
        entry = CalendarDay.objects.filter(date=day).first() or CalendarDay(date=day)
        is_new = entry.pk is None
        entry.is_workday, entry.name = working, name
        entry.full_clean(validate_unique=False)
        entry.save()
        created, updated = (created + 1, updated) if is_new else (created, updated + 1)
    dates = [day for day, _, _ in rows]
    record(actor=actor, action=CaseAction.CALENDAR_CHANGED, target_label="节假日安排",
           changes={"loaded": len(rows), "created": created, "updated": updated,
                    "from": min(dates).isoformat(), "to": max(dates).isoformat(),
                    "workdays": sum(1 for _, working, _ in rows if working),
                    **({"source": source} if source else {})})
    return len(rows)


@transaction.atomic
def calendar_day_set(*, actor: Any, date: dt.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Add a day of the calendar, or change the entry of that date."""
    _check_may_edit(actor)
    entry = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = {"is_workday": entry.is_workday, "name": entry.name} if entry else None
    entry = entry or CalendarDay(date=date)
    entry.is_workday, entry.name = is_workday, name.strip()
    entry.full_clean(validate_unique=False)
    entry.save()
    after = {"is_workday": entry.is_workday, "name": entry.name}
    changes: dict[str, Any] = {"date": date.isoformat()}
    changes.update({key: [before[key], value] for key, value in after.items() if before[key] != value}
                   if before else after)
    record(actor=actor, action=CaseAction.CALENDAR_CHANGED, target=entry,
           target_label=f"节假日安排：{date:%Y.%m.%d}", changes=changes)
    return entry


@transaction.atomic
def calendar_day_delete(*, actor: Any, entry: CalendarDay) -> None:
    """Remove an entry: the day follows the package (or Monday–Friday) again."""
    _check_may_edit(actor)
    entry = CalendarDay.objects.select_for_update().get(pk=entry.pk)
    record(actor=actor, action=CaseAction.CALENDAR_CHANGED, target=entry,
           target_label=f"节假日安排：{entry.date:%Y.%m.%d}",
           changes={"date": entry.date.isoformat(), "deleted": {"is_workday": entry.is_workday,
                                                                "name": entry.name}})
    entry.delete()
