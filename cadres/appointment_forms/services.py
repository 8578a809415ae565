"""任免审批表 files into the records (LRMX or a received Word form) and LRMX out of them.

`lrmx_import` reads each file (lrmx.lrmx_read, word_form.word_form_read), matches it to a person
the actor may change — by 身份证号, else by 姓名 + 出生年月 (refused when two people match) — and
plans every change as old → new; unless it is a dry run it then writes the plan through the
services that own each part of the file, so each change is audited where it always is:

- the person's own fields: people.services.person_update (a new person: org.services.person_create
  in the given unit, created through org.services.unit_create when missing, with the post from
  XianRenZhiWu; LRMX has no 职务层次: the `rank` given, else DEFAULT_RANK, and the report says so);
- 简历: records.services.resume_entry_create/update for the lines the post history does not
  cover, 其间 notes under a post as entries of kind 其间 (posts themselves change only by 任免);
- 年度考核: records.services.assessment_create/update when the text reads as the form writes it
  ("2021、2022年年度考核均为称职。"); other wording is not turned into records;
- 奖惩: free text that cannot be split reliably into rows (kind, date, approving body): never
  turned into records; the report shows it when it differs from what the records give;
- family: records.services.relative_create/update (matched by 称谓 + 姓名; relatives on record
  and not in the file stay);
- the photo: people.services.person_photo_set (when the picture differs from the stored one).

Values missing or empty in the file leave the record's value as it is (a received form never
clears the record). Each file is taken whole or not at all (a transaction per file), and one
event per imported file (file name, SHA-256) is recorded with the person as subject.

Many files at once (BULK_FROM_FILES on) take a bulk path for the people not yet on record (see
_import_many): planned first without writing, then written in one transaction through the bulk
writers of the same modules (org.services.people_create_many, records.services.
records_create_many, people.services.person_photos_set_many), with the same records, report
and events; files about people on record still go one by one through the services above.
"""

import collections
import datetime as dt
import functools
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from PIL import Image

from cadres.accounts.permissions import can_import_roster, unit_paths_outside_maintain_scope
from cadres.appointment_forms import record as form_record
from cadres.appointment_forms.data import AppointmentForm, FamilyMember, ResumeLine
from cadres.appointment_forms.lrmx import (
    DECEASED_MARKS,
    TITLE_MONTH,
    LrmxRejected,
    lrmx_read,
    lrmx_write,
)
from cadres.audit.actions import register
from cadres.audit.models import AuditAction
from cadres.audit.services import record, record_many
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.core.idcard import InvalidIdNumber, parse_id_number
from cadres.org import services as org_services
from cadres.org.models import PATH_SEPARATOR, Assignment, PostSource, Unit
from cadres.people import services as people_services
from cadres.people.models import Person, Relative
from cadres.people.names import name_keys
from cadres.people.services import ID_NUMBER_OUT_OF_SCOPE
from cadres.records import selectors as record_selectors
from cadres.records import services as record_services
from cadres.records.models import AnnualAssessment, AssessmentGrade, ResumeEntry, ResumeEntryKind

# LRMX carries no 职务层次; a new person without one given is recorded at this rank (科员) and the
# report asks the user to check it.
DEFAULT_RANK = "0150"
NEW, UPDATED, UNCHANGED, REFUSED = "新增", "更新", "未变", "拒绝"
NOT_ALLOWED = "您没有导入干部信息的权限（导入干部名册），或没有信息维护范围"


@register
class AppointmentFormAction(models.TextChoices):
    FORM_IMPORTED = "appointment_form.imported", "导入任免审批表"
    LRMX_EXPORTED = "appointment_form.lrmx_exported", "导出任免审批表（LRMX）"


class ImportRefused(Exception):
    """A file that cannot be imported as it is; the message says why, in Chinese."""


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass
class FileResult:
    """What the import did (or would do) with one file."""

    file_name: str
    status: str
    person_name: str = ""
    person_id: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    # What the file says and the import leaves as it is, with the reason.
    notes: list[str] = field(default_factory=list)
    error: str = ""
    sha256: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.files if result.status == status)

    @property
    def summary(self) -> str:
        verb = "检查完成，将" if self.dry_run else "已"
        return (f"{verb}导入 {len(self.files)} 份：新增 {self.count(NEW)} 人，更新 {self.count(UPDATED)} 人，"
                f"未变 {self.count(UNCHANGED)} 人，拒绝 {self.count(REFUSED)} 份")


# --- reading ------------------------------------------------------------------------------------


def form_read(content: bytes, *, file_name: str) -> tuple[AppointmentForm, str]:
    """An uploaded 任免审批表, LRMX or Word (.docx, recognised by its content), and its format."""
    if content[:4] == b"PK\x03\x04":
        from cadres.appointment_forms.word_form import word_form_read

        return word_form_read(content, file_name=file_name), "Word"
    return lrmx_read(content, file_name=file_name), "LRMX"


# --- values of the file as the record keeps them ------------------------------------------------

_POLITICAL_ALIASES = {
    "中共党员": "01", "中国共产党党员": "01", "党员": "01", "中共预备党员": "02", "预备党员": "02",
    "共青团员": "03", "团员": "03", "民革": "04", "民盟": "05", "民建": "06", "民进": "07",
    "农工党": "08", "农工民主党": "08", "致公党": "09", "九三学社": "10", "台盟": "11",
    "无党派": "12", "无党派人士": "12", "群众": "13",
}
_EDUCATION_WORDS = (("研究生", "10"), ("博士", "10"), ("硕士", "10"), ("大学", "20"), ("本科", "20"),
                    ("大专", "30"), ("专科", "30"), ("中专", "40"), ("中等专业", "40"), ("技校", "40"),
                    ("高中", "60"), ("职高", "60"), ("初中", "70"), ("小学", "70"))
_ASSESSMENT_PART = re.compile(
    r"^((?:\d{4}[、，,和及]?)+)年(?:度|年度)?(?:年度)?考核(?:结果)?(?:均|都)?(?:为|是|被评为|确定为)?"
    r"(优秀|基本称职|不称职|称职|不定等次)(?:等次)?$"
)
_GRADES = {label: value for value, label in AssessmentGrade.choices}


def political_code(text: str) -> str | None:
    text = text.strip()
    if not text:
        return ""
    return codes.code_for("political_status", text) or _POLITICAL_ALIASES.get(text)


def education_code(text: str) -> str | None:
    """学历 as files write it (大学本科, 大学, 研究生, 中央党校研究生, 大专 …); None when unknown."""
    text = text.strip().removesuffix("学历")
    if not text:
        return ""
    if code := codes.code_for("education", text):
        return code
    for word, code in _EDUCATION_WORDS:
        if word in text:
            return code
    return None


def degree_code(text: str) -> str | None:
    """学位 (学士, 工学硕士, 法学博士学位 …); None when unknown."""
    text = text.strip()
    if not text:
        return ""
    for word, code in (("博士", "2"), ("硕士", "3"), ("学士", "4")):
        if word in text:
            return code
    return None


def without_deceased_mark(text: str) -> str:
    """工作单位及职务 without the 已去世/已故 the form adds (the record keeps a flag)."""
    for mark in (*(f"（{mark}）" for mark in DECEASED_MARKS), *(f"({mark})" for mark in DECEASED_MARKS),
                 *DECEASED_MARKS):
        text = text.replace(mark, "")
    return text.strip(" ，,、；;。")


def assessments_parse(text: str) -> list[tuple[int, str]] | None:
    """年度考核结果 written as the form writes it from the records ("2021年年度考核为优秀，2022、
    2023年年度考核均为称职。"), as (year, grade); [] for 无; None for other wording."""
    text = text.strip().rstrip("。.")
    if text in ("", "无"):
        return []
    found: list[tuple[int, str]] = []
    for part in re.split(r"[，；;。\n]", text):
        part = part.strip()
        if not part:
            continue
        match = _ASSESSMENT_PART.match(part)
        if match is None:
            return None
        grade = _GRADES[match.group(2)]
        found += [(int(year), grade) for year in re.findall(r"\d{4}", match.group(1))]
    return found


def _refuse(file_name: str, element: str, value: str, reason: str) -> ImportRefused:
    return ImportRefused(f"文件“{file_name}”的 {element} “{value}” {reason}")


def _month_text(value: dt.date | None) -> str:
    return format_month(value)


def _same_month(one: dt.date | None, other: dt.date | None) -> bool:
    """Two dates in the same month: the file has months, the record may know the day."""
    return one is not None and other is not None and (one.year, one.month) == (other.year, other.month)


def _shown(name: str, value: Any) -> str:
    """A Person field's value as the report shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return format_month(value)
    table = {"sex": "sex", "ethnicity": "ethnicity", "political_status": "political_status",
             "full_time_education": "education", "in_service_education": "education",
             "full_time_degree": "degree", "in_service_degree": "degree"}.get(name)
    return codes.name_for(table, value) if table else str(value)


@functools.cache
def _label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))


def person_values(form: AppointmentForm, file_name: str, *, current: Person | None) -> dict[str, Any]:
    """The Person fields the form gives (only those it has a value for), as codes and dates."""
    values: dict[str, Any] = {"name": form.name}
    if form.sex:
        sex = codes.code_for("sex", form.sex)
        if sex is None:
            raise _refuse(file_name, "XingBie（性别）", form.sex, "应为“男”或“女”")
        values["sex"] = sex
    if form.birth_month is not None:
        same_month = current is not None and (current.birth_date.year, current.birth_date.month) == (
            form.birth_month.year, form.birth_month.month)
        if not same_month:
            values["birth_date"], values["birth_day_known"] = form.birth_month, False
    if form.ethnicity:
        ethnicity = codes.code_for("ethnicity", form.ethnicity) or codes.code_for(
            "ethnicity", form.ethnicity + "族")
        if ethnicity is None:
            raise _refuse(file_name, "MinZu（民族）", form.ethnicity, "不是可识别的民族")
        values["ethnicity"] = ethnicity
    for name in ("native_place", "birthplace", "health", "expertise", "full_time_education_school",
                 "full_time_degree_school", "in_service_education_school", "in_service_degree_school",
                 "id_number"):
        if value := getattr(form, name).strip():
            values[name] = value
    if title := TITLE_MONTH.sub("", form.professional_title).strip():
        values["professional_title"] = title
    for name in ("work_started_on", "party_joined_on"):
        value = getattr(form, name)
        if value is not None and not _same_month(getattr(current, name, None), value):
            values[name] = value
    for name, element, convert in (
        ("full_time_education", "QuanRiZhiJiaoYu_XueLi（全日制学历）", education_code),
        ("full_time_degree", "QuanRiZhiJiaoYu_XueWei（全日制学位）", degree_code),
        ("in_service_education", "ZaiZhiJiaoYu_XueLi（在职学历）", education_code),
        ("in_service_degree", "ZaiZhiJiaoYu_XueWei（在职学位）", degree_code),
    ):
        text = getattr(form, name)
        code = convert(text)
        if code is None:
            raise _refuse(file_name, element, text, "无法识别")
        if code:
            values[name] = code
    status = _political_status(form, file_name, current)
    if status:
        values["political_status"] = status
    return values


def _political_status(form: AppointmentForm, file_name: str, current: Person | None) -> str:
    """政治面貌: ZhengZhiMianMao when the file has it; else a democratic party named in
    入党时间; else 中共党员 when 入党时间 is a month (a 预备党员 on record stays one); else the
    record's (群众 for a new person)."""
    if form.political_status:
        code = political_code(form.political_status)
        if code is None:
            raise _refuse(file_name, "ZhengZhiMianMao（政治面貌）", form.political_status, "无法识别")
        return code
    if form.party_note:
        code = political_code(form.party_note)
        if code is None:
            raise _refuse(file_name, "RuDangShiJian（入党时间）", form.party_note, "既不是年月，也不是可识别的党派")
        return code
    if form.party_joined_on is not None:
        if current is not None and current.political_status in codes.CPC_MEMBER_CODES:
            return current.political_status
        return "01"
    return "" if current is not None else "13"


# --- the plan --------------------------------------------------------------------------------


@dataclass
class _Plan:
    form: AppointmentForm
    file_name: str
    result: FileResult
    person: Person | None = None
    person_changes: dict[str, Any] = field(default_factory=dict)
    # New person: where and as what.
    unit_path: str = ""
    title: str = ""
    rank: str = ""
    post_since: dt.date | None = None
    resume_create: list[dict[str, Any]] = field(default_factory=list)
    resume_update: list[tuple[ResumeEntry, dict[str, Any]]] = field(default_factory=list)
    relatives_create: list[dict[str, Any]] = field(default_factory=list)
    relatives_update: list[tuple[Relative, dict[str, Any]]] = field(default_factory=list)
    assessments_create: list[tuple[int, str]] = field(default_factory=list)
    assessments_update: list[tuple[AnnualAssessment, str]] = field(default_factory=list)
    photo: bytes = b""

    @property
    def has_changes(self) -> bool:
        return bool(self.person_changes or self.resume_create or self.resume_update or self.relatives_create
                    or self.relatives_update or self.assessments_create or self.assessments_update
                    or self.photo)


def _people_actor_may_change(actor: Any) -> Any:
    return Person.objects.all() if actor is None else Person.objects.restrict(actor, "change")


def person_match(actor: Any, form: AppointmentForm, file_name: str, *, lock: bool,
                 unit_refused: str = "") -> Person | None:
    """The person the file is about among those the actor may change: by 身份证号, else by
    姓名 + 出生年月 (refused when two match). A 身份证号 on record outside the actor's 信息维护
    scope is refused with the roster import's words, so nothing tells whether it exists."""
    changeable = _people_actor_may_change(actor).order_by()
    if lock:
        changeable = changeable.select_for_update(of=("self",))
    if form.id_number:
        found = changeable.filter(id_number=form.id_number).first()
        if found is not None:
            return found
        if Person.objects.filter(id_number=form.id_number).exists():
            raise _id_refused(form, file_name, unit_refused)
    if form.birth_month is None:
        return None
    candidates = list(changeable.filter(
        name=form.name, birth_date__year=form.birth_month.year, birth_date__month=form.birth_month.month,
    ))
    if form.id_number:
        # Someone on record with another 身份证号 is someone else.
        candidates = [person for person in candidates if not person.id_number]
    if len(candidates) > 1:
        raise ImportRefused(
            f"文件“{file_name}”：系统中有 {len(candidates)} 名干部姓名为“{form.name}”、出生年月为"
            f"{format_month(form.birth_month)}，无法确定是哪一位；请在文件中填写身份证号后重新导入"
        )
    return candidates[0] if candidates else None


def _id_refused(form: AppointmentForm, file_name: str, unit_refused: str) -> ImportRefused:
    """The one refusal of a 身份证号 the actor may not write: on record outside the actor's scope,
    or new in a unit outside it (the same words either way, as in the roster import)."""
    error = _refuse(file_name, "ShenFenZheng（身份证号）", form.id_number, ID_NUMBER_OUT_OF_SCOPE)
    return ImportRefused(f"{error}；{unit_refused}") if unit_refused else error


def _unit_refused(actor: Any, unit_path: str | None) -> str:
    path = _clean_path(unit_path)
    if path and unit_paths_outside_maintain_scope(actor, [path]):
        return f"单位“{path}”不在您的信息维护范围内"
    return ""


def _clean_path(unit_path: str | None) -> str:
    return PATH_SEPARATOR.join(part.strip() for part in (unit_path or "").split(PATH_SEPARATOR) if part.strip())


@dataclass
class _NewInBatch:
    """What the import of many files knows before planning a file of a person not on record:
    the refusal of the unit (the same for every file) and whether the unit exists."""

    unit_refused: str
    unit_exists: bool
    # The people on record holding the batch's 身份证号 (read at once).
    id_holders: dict[str, Person] = field(default_factory=dict)


def _plan_file(
    actor: Any, form: AppointmentForm, file_name: str, *, unit_path: str | None, rank: str | None, lock: bool,
    new_in_batch: _NewInBatch | None = None,
) -> _Plan:
    result = FileResult(file_name=file_name, status=UNCHANGED, person_name=form.name)
    plan = _Plan(form=form, file_name=file_name, result=result)
    if new_in_batch is not None:
        unit_refused, person = new_in_batch.unit_refused, None
    else:
        unit_refused = _unit_refused(actor, unit_path)
        person = person_match(actor, form, file_name, lock=lock, unit_refused=unit_refused)
    plan.person = person
    if person is None and unit_refused:
        if form.id_number:
            raise _id_refused(form, file_name, unit_refused)
        raise ImportRefused(f"文件“{file_name}”：{unit_refused}")
    values = person_values(form, file_name, current=person)
    if person is None:
        _plan_new_person(actor, plan, values, unit_path=unit_path, rank=rank, new_in_batch=new_in_batch)
    else:
        result.person_id = person.pk
        result.person_name = person.name
        plan.person_changes = {name: value for name, value in values.items() if getattr(person, name) != value}
        if "birth_date" in plan.person_changes and "birth_day_known" not in plan.person_changes:
            plan.person_changes["birth_day_known"] = False
        result.changes += [FieldChange(_label(name), _shown(name, getattr(person, name)), _shown(name, value))
                           for name, value in plan.person_changes.items() if name != "birth_day_known"]
        if problems := people_services.person_identity_errors(
            id_number=values.get("id_number", person.id_number),
            birth_date=values.get("birth_date", person.birth_date),
            birth_day_known=values.get("birth_day_known", person.birth_day_known),
            sex=values.get("sex", person.sex), person_id=person.pk, actor=actor,
        ):
            raise ImportRefused(f"文件“{file_name}”：" + "；".join(problems))
        current_post = form_record.current_post_text(person)
        if form.current_post and form.current_post != current_post:
            result.notes.append(f"现任职务：档案为“{current_post or '无'}”，文件为“{form.current_post}”；"
                                "职务须通过任免办理，未修改")
    _plan_resume(plan)
    _plan_family(plan)
    _plan_assessments(plan)
    _plan_awards(plan)
    _plan_photo(plan)
    if person is None:
        result.status = NEW
    elif plan.has_changes:
        result.status = UPDATED
    return plan


def _plan_new_person(actor: Any, plan: _Plan, values: dict[str, Any], *, unit_path: str | None,
                     rank: str | None, new_in_batch: _NewInBatch | None = None) -> None:
    form, file_name, result = plan.form, plan.file_name, plan.result
    path = _clean_path(unit_path)
    if not path:
        raise ImportRefused(f"文件“{file_name}”：系统中没有“{form.name}”的记录；新增干部须指定所在单位（--unit）")
    if form.id_number:
        identity = parse_id_number(form.id_number)
        values.setdefault("sex", identity.sex)
        values.setdefault("birth_date", identity.birth_date.replace(day=1))
        values.setdefault("birth_day_known", False)
    for name, element in (("sex", "XingBie（性别）"), ("birth_date", "ChuShengNianYue（出生年月）"),
                          ("ethnicity", "MinZu（民族）")):
        if not values.get(name):
            raise ImportRefused(f"文件“{file_name}”：新增干部须有{element}，文件中为空")
    checked = {"id_number": values.get("id_number", ""), "birth_date": values["birth_date"],
               "birth_day_known": values.get("birth_day_known", False), "sex": values["sex"], "actor": actor}
    holders = None if new_in_batch is None else new_in_batch.id_holders
    if problems := people_services.person_identity_errors(**checked, holders=holders):
        raise ImportRefused(f"文件“{file_name}”：" + "；".join(problems))
    values.setdefault("birth_day_known", False)
    plan.person_changes = values
    plan.unit_path = path
    if rank:
        code = rank if rank in codes.RANK else codes.code_for("rank", rank)
        if code is None:
            raise ImportRefused(f"职务层次“{rank}”无法识别")
        plan.rank = code
    else:
        plan.rank = DEFAULT_RANK
        result.notes.append(f"任免审批表不含职务层次，暂记为“{codes.name_for('rank', DEFAULT_RANK)}”，请核对")
    unit_name = ""
    for part in path.split(PATH_SEPARATOR):
        unit_name = record_selectors.join_names(unit_name, part)
    title = form.current_post.strip()
    if title.startswith(unit_name) and len(title) > len(unit_name):
        title = title[len(unit_name):]
    plan.title = title[:100]
    running = [line for line in form.resume if line.ended_on is None]
    plan.post_since = running[-1].started_on if running else None
    if not (new_in_batch.unit_exists if new_in_batch is not None else Unit.objects.filter(path=path).exists()):
        result.notes.append(f"单位“{path}”不存在，将新建")
    result.changes += [FieldChange("单位", "", path), FieldChange("职务", "", plan.title),
                       FieldChange("职务层次", "", codes.name_for("rank", plan.rank))]
    result.changes += [FieldChange(_label(name), "", _shown(name, value)) for name, value in values.items()
                       if name != "birth_day_known" and value not in ("", None)]


def _note_period(note: str) -> tuple[dt.date, dt.date | None, str] | None:
    """A 其间 note that starts with its period ("2004.09--2006.12在省委党校学习", "2016.01起…")."""
    match = re.match(r"^(\d{4})[.．](\d{1,2})\s*(?:(?:--|—|－|-|～|~|至)\s*(?:(\d{4})[.．](\d{1,2}))?|起)\s*(.+)$",
                     note)
    if match is None:
        return None
    try:
        started = dt.date(int(match.group(1)), int(match.group(2)), 1)
        ended = dt.date(int(match.group(3)), int(match.group(4)), 1) if match.group(3) else None
    except ValueError:
        return None
    if ended is not None and ended < started:
        return None
    return started, ended, match.group(5).strip()


def _overlaps(start: dt.date, end: dt.date | None, other_start: dt.date | None, other_end: dt.date | None) -> bool:
    if other_start is None:
        return False
    return start < (other_end or dt.date.max) and other_start < (end or dt.date.max)


def _plan_resume(plan: _Plan) -> None:
    """简历 lines the post history does not cover become entries (or update the entry of the
    same start); 其间 notes not on record become 其间 entries when they start with their period."""
    person = plan.person
    changes, notes = plan.result.changes, plan.result.notes
    if person is not None:
        posts = list(Assignment.objects.filter(person=person).select_related("unit").order_by("started_on", "pk"))
        generated = [(line.started_on, line.ended_on) for line in record_selectors.post_lines(posts)]
        current = record_selectors.resume_lines(person)
        entries = list(ResumeEntry.objects.filter(person=person, kind=ResumeEntryKind.ENTRY)
                       .order_by("started_on", "pk"))
    else:
        generated = [(plan.post_since, None)] if plan.post_since else []
        current, entries = [], []
    current_notes = {form_record.note_body(note) for line in current for note in line.notes}
    by_start = {entry.started_on: entry for entry in entries}
    for line in plan.form.resume:
        if line.started_on is None:  # files always date their lines; only records lack one
            continue
        covered = any(_overlaps(line.started_on, line.ended_on, start, end) for start, end in generated)
        text = line.text[:300]
        if covered:
            for note in line.notes:
                if note in current_notes:
                    continue
                period = _note_period(note)
                if period is None:
                    notes.append(f"简历“{format_month(line.started_on)}-- {line.text}”的其间“{note}”"
                                 "不以起止年月开头，未导入")
                    continue
                started, ended, words = period
                plan.resume_create.append({"kind": ResumeEntryKind.DURING, "started_on": started,
                                           "ended_on": ended, "text": words[:300], "notes": ""})
                changes.append(FieldChange("简历（其间）", "", f"（其间：{note}）"))
            continue
        entry = by_start.get(line.started_on)
        new_notes = "\n".join(line.notes)
        if entry is None:
            plan.resume_create.append({"kind": ResumeEntryKind.ENTRY, "started_on": line.started_on,
                                       "ended_on": line.ended_on, "text": text, "notes": new_notes})
            changes.append(FieldChange("简历", "", _resume_text(line)))
            continue
        own_notes = [form_record.note_body(note) for note in entry.notes.splitlines() if note.strip()]
        # Notes the line shows from 其间 entries of their own are not this entry's notes.
        hosted = {form_record.note_body(note) for current_line in current if current_line.entry == entry
                  for note in current_line.notes} - set(own_notes)
        wanted = [note for note in line.notes if note not in hosted]
        update: dict[str, Any] = {name: value for name, value in (("ended_on", line.ended_on), ("text", text))
                                  if getattr(entry, name) != value}
        if wanted != own_notes:
            update["notes"] = "\n".join(wanted)
        if update:
            plan.resume_update.append((entry, update))
            old = ResumeLine(entry.started_on, entry.ended_on, entry.text, own_notes)
            changes.append(FieldChange("简历", _resume_text(old), _resume_text(line)))


def _resume_text(line: ResumeLine) -> str:
    period = f"{format_month(line.started_on)}--{format_month(line.ended_on)}"
    return f"{period} {line.text}" + "".join(f"（其间：{note}）" for note in line.notes)


def _member_values(member: FamilyMember, file_name: str) -> dict[str, Any]:
    status = political_code(member.political_status)
    if status is None:
        raise _refuse(file_name, f"家庭成员“{member.name}”的 ZhengZhiMianMao（政治面貌）",
                      member.political_status, "无法识别")
    return {"birth_date": member.birth_month, "political_status": status,
            "work_unit_and_post": without_deceased_mark(member.employer_and_post)[:200],
            "is_deceased": member.is_deceased}


def _member_shown(relation: str, name: str, values: dict[str, Any]) -> str:
    parts = [relation, name, format_month(values["birth_date"]),
             codes.name_for("political_status", values["political_status"]), values["work_unit_and_post"]]
    if values["is_deceased"]:
        parts.append("已去世")
    return " ".join(part for part in parts if part)


def _plan_family(plan: _Plan) -> None:
    existing: dict[tuple[str, str], Relative] = {}
    if plan.person is not None:
        for row in Relative.objects.filter(person=plan.person).order_by("sort_order", "pk"):
            existing.setdefault((row.relation, row.name), row)
    for member in plan.form.family:
        if not member.name and not member.relation:
            continue
        values = _member_values(member, plan.file_name)
        relative = existing.get((member.relation, member.name))
        if relative is None:
            plan.relatives_create.append({"relation": member.relation[:20], "name": member.name[:50], **values})
            plan.result.changes.append(FieldChange("家庭成员", "", _member_shown(member.relation, member.name, values)))
            continue
        if member.birth_month is None or _same_month(member.birth_month, relative.birth_date):
            values["birth_date"] = relative.birth_date
        update = {name: value for name, value in values.items() if getattr(relative, name) != value}
        if update:
            old = {name: getattr(relative, name) for name in values}
            plan.relatives_update.append((relative, update))
            plan.result.changes.append(FieldChange(
                "家庭成员", _member_shown(relative.relation, relative.name, old),
                _member_shown(member.relation, member.name, {**old, **update})))


def _plan_assessments(plan: _Plan) -> None:
    text = plan.form.assessments
    parsed = assessments_parse(text)
    if parsed is None:
        plan.result.notes.append(f"年度考核结果“{text}”不是“2021、2022年年度考核均为称职”这样的写法，未导入为考核记录")
        return
    existing = ({assessment.year: assessment for assessment in AnnualAssessment.objects.filter(person=plan.person)}
                if plan.person is not None else {})
    for year, grade in parsed:
        label = AssessmentGrade(grade).label
        assessment = existing.get(year)
        if assessment is None:
            plan.assessments_create.append((year, grade))
            plan.result.changes.append(FieldChange(f"{year}年度考核", "", label))
        elif assessment.grade != grade:
            plan.assessments_update.append((assessment, grade))
            plan.result.changes.append(FieldChange(f"{year}年度考核", assessment.get_grade_display(), label))


def _plan_awards(plan: _Plan) -> None:
    text = plan.form.awards.strip()
    if text in ("", form_record.NONE_TEXT):
        return
    if plan.person is not None and text == form_record.awards_text(list(plan.person.awards.all())):
        return
    plan.result.notes.append(f"奖惩情况为文字，无法可靠地拆分为奖惩记录，未导入（请在干部信息卡逐条录入）：{text}")


def _stored_photo(person: Person | None) -> bytes:
    return form_record.photo_bytes(person) if person is not None else b""


def _photo_check(photo: bytes) -> None:
    """Refuse a photo person_photo_set would refuse, without making the stored picture twice: it
    must open as a JPEG or PNG of a usable size (person_photo_set checks it again when it writes)."""
    try:
        with Image.open(io.BytesIO(photo)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise people_services.PhotoRejected("不是有效的图片") from error
    if kind not in people_services.PHOTO_FORMATS:
        raise people_services.PhotoRejected(f"不支持 {kind or '该'} 格式的图片")
    if width * height > people_services.PHOTO_MAX_PIXELS or min(width, height) < people_services.PHOTO_MIN_SIDE:
        raise people_services.PhotoRejected(f"图片尺寸不合适（{width}×{height}）")
    if len(photo) > people_services.PHOTO_MAX_BYTES:
        raise people_services.PhotoRejected("照片文件过大")


def _plan_photo(plan: _Plan) -> None:
    photo = plan.form.photo
    if not photo or photo == _stored_photo(plan.person):
        return
    try:
        _photo_check(photo)
    except people_services.PhotoRejected as error:
        raise ImportRefused(f"文件“{plan.file_name}”的 ZhaoPian（照片）无法使用：{error}") from error
    plan.photo = photo
    old = "有" if plan.person is not None and plan.person.photo else ""
    plan.result.changes.append(FieldChange("照片", old, "更换为文件中的照片" if old else "文件中的照片"))


# --- writing ---------------------------------------------------------------------------------


def _unit_for(actor: Any, path: str) -> Unit:
    """The unit at `path`, created (with missing ancestors) through org.services.unit_create."""
    parent: Unit | None = None
    walked = ""
    for name in path.split(PATH_SEPARATOR):
        walked = f"{walked}{PATH_SEPARATOR}{name}" if walked else name
        unit = Unit.objects.filter(path=walked).first()
        if unit is None:
            unit = org_services.unit_create(actor=actor, name=name, parent=parent,
                                            established_on=timezone.localdate())
        parent = unit
    assert parent is not None
    return parent


def _apply(actor: Any, plan: _Plan) -> Person:
    person = plan.person
    if person is None:
        unit = _unit_for(actor, plan.unit_path)
        fields = {**plan.person_changes, "highest_education": codes.highest_education(
            plan.person_changes.get("full_time_education", ""), plan.person_changes.get("in_service_education", ""))}
        person = org_services.person_create(
            actor=actor, fields=fields, unit=unit, title=plan.title, rank=plan.rank,
            started_on=plan.post_since, source=PostSource.LRMX,
        )
    elif plan.person_changes:
        person = people_services.person_update(actor=actor, person=person, changes=plan.person_changes)
    for values in plan.resume_create:
        record_services.resume_entry_create(actor=actor, person=person, **values)
    for entry, update in plan.resume_update:
        record_services.resume_entry_update(actor=actor, entry=entry, **update)
    for values in plan.relatives_create:
        record_services.relative_create(actor=actor, person=person, **values)
    for relative, update in plan.relatives_update:
        record_services.relative_update(actor=actor, relative=relative, **update)
    for year, grade in plan.assessments_create:
        record_services.assessment_create(actor=actor, person=person, year=year, grade=grade)
    for assessment, grade in plan.assessments_update:
        record_services.assessment_update(actor=actor, assessment=assessment, grade=grade)
    if plan.photo:
        person = people_services.person_photo_set(actor=actor, person=person, image_file=io.BytesIO(plan.photo))
    return person


def _error_text(file_name: str, error: BaseException) -> str:
    if isinstance(error, ValidationError):
        messages = [message for messages in error.message_dict.values() for message in messages] if hasattr(
            error, "error_dict") else error.messages
        text = "；".join(str(message) for message in messages)
    else:
        text = str(error)
    return text if text.startswith(f"文件“{file_name}”") else f"文件“{file_name}”：{text}"


def form_import_one(
    *, actor: Any, content: bytes, file_name: str, unit_path: str | None = None, rank: str | None = None,
    dry_run: bool = False,
) -> FileResult:
    """Import one file, whole or not at all (see the module docstring)."""
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        form, file_format = form_read(content, file_name=file_name)
        with transaction.atomic():
            plan = _plan_file(actor, form, file_name, unit_path=unit_path, rank=rank, lock=not dry_run)
            if not dry_run:
                person = _apply(actor, plan)
                plan.result.person_id, plan.result.person_name = person.pk, person.name
                record(actor=actor, action=AppointmentFormAction.FORM_IMPORTED, target=person, subject=person,
                       target_label=file_name, changes={
                           "file_name": file_name, "sha256": sha256, "format": file_format,
                           "result": plan.result.status,
                       })
    except (LrmxRejected, ImportRefused, ValidationError, PermissionDenied,
            people_services.PhotoRejected) as error:
        return FileResult(file_name=file_name, status=REFUSED, error=_error_text(file_name, error), sha256=sha256)
    plan.result.sha256 = sha256
    return plan.result


# Batches of at least this many files (not a dry run) are imported by _import_many.
BULK_FROM_FILES = 20
_REFUSALS = (LrmxRejected, ImportRefused, ValidationError, PermissionDenied, people_services.PhotoRejected)


def bulk_by_default(count: int) -> bool:
    """Whether `count` files take the bulk path unless told."""
    return count >= BULK_FROM_FILES


def lrmx_import(
    *, actor: Any, files: Iterable[tuple[str, bytes]], unit_path: str | None, dry_run: bool,
    rank: str | None = None, bulk: bool | None = None,
) -> "ImportReport":
    """Import 任免审批表 files (LRMX or Word), each whole or not at all; `dry_run` writes nothing.
    `files` are (file name, content); `unit_path` places the people not yet on record (created
    when missing); `rank` is their 职务层次 (DEFAULT_RANK when not given). `bulk` chooses the
    path (default: bulk_by_default); both give the same records, audit and report."""
    files = list(files)
    report = ImportReport(dry_run=dry_run)
    if actor is not None and not can_import_roster(actor):
        report.files = [FileResult(file_name=name, status=REFUSED, error=f"文件“{name}”：{NOT_ALLOWED}")
                        for name, _ in files]
        return report
    if not dry_run and (bulk if bulk is not None else bulk_by_default(len(files))):
        report.files = _import_many(actor, files, unit_path=unit_path, rank=rank)
        return report
    # A transaction per file, not one for the lot with a savepoint per file: on PostgreSQL more
    # than 64 subtransactions in one transaction (each service's atomic block is one) make every
    # later snapshot slow (measured: 301 s instead of 1,000 files' worth of seconds).
    for file_name, content in files:
        report.files.append(form_import_one(actor=actor, content=content, file_name=file_name,
                                            unit_path=unit_path, rank=rank, dry_run=dry_run))
    return report


# --- many files at once ----------------------------------------------------------------------
#
# The files about people not on record, whose 身份证号 and 姓名 + 出生年月 no other file of the
# batch and no one on record shares, are planned first (no writes; the plan of a new person
# needs no reading of the database), each new person and file rows checked by full_clean() in
# memory and the photos processed on a pool of processes; then they are written in one
# transaction: the people with their posts by org.services.people_create_many, the 简历, 考核 and
# family rows by records.services.records_create_many, the photos by
# people.services.person_photos_set_many, the events in bulk. A file refused while planning
# writes nothing and is reported by name. Every other file — a person on record, a 身份证号 or
# 姓名 + 出生年月 on record or shared within the batch (the second file may be about the person
# the first creates), every file when new people may not be added — goes through
# form_import_one afterwards, in the order given, as a single import would. Should the bulk
# transaction fail (a constraint the database checks, a row written meanwhile), it writes
# nothing and its files go through form_import_one as well.


# The person's current-post columns, which org.services writes from his first post.
_POST_COLUMNS = ("unit", "post_title", "rank", "is_team_member", "post_started_on")


@dataclass
class _NewFile:
    position: int
    plan: _Plan
    sha256: str
    file_format: str
    person: Person
    rows: list[models.Model]
    photo: "people_services.StoredPhoto | None" = None


def _name_birth_key(form: AppointmentForm) -> tuple[str, int, int] | None:
    """姓名 + 出生年月 as the file is matched by them (None: not matched by name)."""
    return (form.name, form.birth_month.year, form.birth_month.month) if form.birth_month is not None else None


def _name_birth_keys(form: AppointmentForm) -> set[tuple[str, int, int]]:
    """The 姓名 + 出生年月 the file is matched by, and the one a person it creates gets (the
    出生年月 from the 身份证号 when the file has none): another file with either is about the same
    person, maybe."""
    keys = set()
    if (key := _name_birth_key(form)) is not None:
        keys.add(key)
    elif form.id_number:
        try:
            born = parse_id_number(form.id_number).birth_date
        except InvalidIdNumber:
            return keys
        keys.add((form.name, born.year, born.month))
    return keys


def _on_record(actor: Any, forms: list[AppointmentForm]) -> tuple[set[str], set[tuple[str, int, int]]]:
    """The forms' 身份证号 on anyone's record, and their 姓名 + 出生年月 among the people the
    actor may change: a file with either is not planned as a new person here."""
    numbers = list({form.id_number for form in forms if form.id_number})
    names = list({form.name for form in forms if form.birth_month is not None})
    held: set[str] = set()
    keys: set[tuple[str, int, int]] = set()
    for start in range(0, len(numbers), 2000):
        held.update(Person.objects.filter(id_number__in=numbers[start:start + 2000])
                    .values_list("id_number", flat=True))
    changeable = _people_actor_may_change(actor).order_by()
    for start in range(0, len(names), 2000):
        for name, birth in changeable.filter(name__in=names[start:start + 2000]).values_list("name", "birth_date"):
            if birth is not None:
                keys.add((name, birth.year, birth.month))
    return held, keys


def _new_person_in_memory(plan: _Plan) -> tuple[Person, list[models.Model]]:
    """The new person's own fields (his post is org.services' to write) and the rows of the
    file, as the services would build them; the person and the post he gets checked as
    full_clean() checks them (the unit is not written yet)."""
    fields = {**plan.person_changes, "highest_education": codes.highest_education(
        plan.person_changes.get("full_time_education", ""), plan.person_changes.get("in_service_education", ""))}
    person = Person(**fields, **name_keys(fields.get("name", "")))
    person.full_clean(exclude=[*_POST_COLUMNS], validate_unique=False, validate_constraints=False)
    errors: dict[str, list[str]] = {}
    for model, name, value in ((Person, "post_title", plan.title), (Person, "rank", plan.rank),
                               (Person, "post_started_on", plan.post_since), (Assignment, "title", plan.title),
                               (Assignment, "rank", plan.rank), (Assignment, "started_on", plan.post_since)):
        try:
            model._meta.get_field(name).clean(value, None)  # type: ignore[union-attr]
        except ValidationError as error:
            errors.setdefault(name, error.messages)
    if errors:
        raise ValidationError(errors)
    rows: list[models.Model] = [
        ResumeEntry(person=person, kind=values["kind"], started_on=values["started_on"],
                    ended_on=values["ended_on"], text=values["text"].strip(), notes=values["notes"].strip())
        for values in plan.resume_create
    ]
    rows += [Relative(person=person, sort_order=order, **{
        **values, "relation": values["relation"].strip(), "name": values["name"].strip(),
        "work_unit_and_post": values["work_unit_and_post"].strip()})
        for order, values in enumerate(plan.relatives_create, start=1)]
    rows += [AnnualAssessment(person=person, year=year, grade=grade) for year, grade in plan.assessments_create]
    # The rows are checked by records_create_many before it writes.
    return person, rows


def _import_many(actor: Any, files: list[tuple[str, bytes]], *, unit_path: str | None,
                 rank: str | None) -> list[FileResult]:
    results: list[FileResult | None] = [None] * len(files)
    read: list[tuple[int, AppointmentForm, str, str]] = []
    for position, (file_name, content) in enumerate(files):
        sha256 = hashlib.sha256(content).hexdigest()
        try:
            form, file_format = form_read(content, file_name=file_name)
        except _REFUSALS as error:
            results[position] = FileResult(file_name=file_name, status=REFUSED, error=_error_text(file_name, error),
                                           sha256=sha256)
            continue
        read.append((position, form, file_format, sha256))
    later: list[int] = []
    new_files: list[_NewFile] = []
    path = _clean_path(unit_path)
    unit_refused = _unit_refused(actor, unit_path)
    if not path or unit_refused:
        later = [position for position, *_ in read]
    else:
        held, keys = _on_record(actor, [form for _, form, _, _ in read])
        numbers = collections.Counter(form.id_number for _, form, _, _ in read if form.id_number)
        name_births = collections.Counter(key for _, form, _, _ in read for key in _name_birth_keys(form))
        batch = _NewInBatch(unit_refused="", unit_exists=Unit.objects.filter(path=path).exists())
        eligible = []
        for position, form, file_format, sha256 in read:
            key = _name_birth_key(form)
            if (form.id_number and (form.id_number in held or numbers[form.id_number] > 1)) or (
                    key is not None and key in keys) or any(name_births[each] > 1 for each in _name_birth_keys(form)):
                later.append(position)
            else:
                eligible.append((position, form, file_format, sha256))
        # The photos are processed on other processes while the files are planned here.
        with people_services.PhotosProcessing([form.photo for _, form, _, _ in eligible if form.photo]) as processing:
            for position, form, file_format, sha256 in eligible:
                file_name = files[position][0]
                try:
                    plan = _plan_file(actor, form, file_name, unit_path=unit_path, rank=rank, lock=False,
                                      new_in_batch=batch)
                    person, rows = _new_person_in_memory(plan)
                except _REFUSALS as error:
                    results[position] = FileResult(file_name=file_name, status=REFUSED,
                                                   error=_error_text(file_name, error), sha256=sha256)
                    continue
                # The first new person creates the unit; the files after him find it.
                batch.unit_exists = True
                new_files.append(_NewFile(position, plan, sha256, file_format, person, rows))
            processed = dict(zip([position for position, form, _, _ in eligible if form.photo],
                                 processing.results()))
        kept_photos: set[str] = set()
        try:
            kept_photos = _write_planned(actor, new_files, processed, results, later, path)
        finally:
            # The stored photos no person of the batch got.
            people_services.PhotosProcessing.discard(
                photo for photo in processed.values()
                if isinstance(photo, people_services.StoredPhoto) and photo.name not in kept_photos)
    for position in sorted(later):
        file_name, content = files[position]
        results[position] = form_import_one(actor=actor, content=content, file_name=file_name,
                                            unit_path=unit_path, rank=rank)
    assert all(result is not None for result in results)
    return cast(list[FileResult], results)


def _write_planned(
    actor: Any, new_files: list[_NewFile], processed: dict[int, Any], results: list[FileResult | None],
    later: list[int], path: str,
) -> set[str]:
    """Write the planned new people (see _write_new): their results set, a file refused set
    as refused, the files of a batch the database refuses added to `later`. Returns the names
    of the stored photos the people got."""
    kept: set[str] = set()
    for new in new_files:
        if not new.plan.photo:
            continue
        photo = processed[new.position]
        if isinstance(photo, people_services.PhotoRejected):
            results[new.position] = FileResult(file_name=new.plan.file_name, status=REFUSED,
                                               error=_error_text(new.plan.file_name, photo), sha256=new.sha256)
        else:
            new.photo = photo
    new_files = [new for new in new_files if results[new.position] is None]
    written = _write_new(actor, new_files, path) if new_files else True
    if isinstance(written, record_services.RowsRejected):
        # Files with a row records_create_many refuses are refused; the others go again.
        refused = {id(row): error for row, error in written.rejected}
        going = []
        for new in new_files:
            row_error = next((refused[id(row)] for row in new.rows if id(row) in refused), None)
            if row_error is None:
                going.append(new)
            else:
                results[new.position] = FileResult(file_name=new.plan.file_name, status=REFUSED,
                                                   error=_error_text(new.plan.file_name, row_error),
                                                   sha256=new.sha256)
        new_files = going
        written = _write_new(actor, new_files, path) if new_files else True
    if written is not True:
        later += [new.position for new in new_files]
    else:
        kept = {new.photo.name for new in new_files if new.photo is not None}
        for new in new_files:
            result = new.plan.result
            result.person_id, result.person_name, result.sha256 = new.person.pk, new.person.name, new.sha256
            results[new.position] = result
    return kept


def _write_new(actor: Any, new_files: list[_NewFile], path: str) -> "bool | record_services.RowsRejected":
    """Write the planned new people and their files in one transaction; nothing is written
    when any of it is refused: RowsRejected when rows are, else False."""
    drafts = [new.person for new in new_files]
    try:
        with transaction.atomic():
            unit = _unit_for(actor, path)
            skipped = {"created_at", "updated_at",
                       *(cast(models.Field, Person._meta.get_field(name)).attname for name in _POST_COLUMNS)}
            columns: dict[str, list[Any]] = {}
            for model_field in Person._meta.concrete_fields:
                if model_field.primary_key or model_field.attname in skipped:
                    continue
                values = [getattr(draft, model_field.attname) for draft in drafts]
                if isinstance(model_field, models.FileField):
                    values = [value.name or "" for value in values]
                columns[model_field.attname] = values
            # The first post of each, from which org.services sets his current-post columns.
            count = len(new_files)
            columns.update({"unit_id": [unit.pk] * count, "post_title": [new.plan.title for new in new_files],
                            "rank": [new.plan.rank for new in new_files], "is_team_member": [False] * count,
                            "post_started_on": [new.plan.post_since for new in new_files]})
            ids = org_services.people_create_many(columns=columns, count=count, source=PostSource.LRMX)
            created = Person.objects.select_related("unit").in_bulk(list(ids))
            for new, pk in zip(new_files, ids):
                new.person = created[pk]
                for row in new.rows:
                    row.person = new.person  # type: ignore[attr-defined]
            people = [new.person for new in new_files]
            record_many(actor=actor, action=AuditAction.PERSON_CREATED, items=[
                (person, {"name": [None, person.name], "unit": [None, unit.path], "title": [None, person.post_title],
                          "rank": [None, person.rank], "is_team_member": [None, False],
                          **({"started_on": [None, person.post_started_on]} if person.post_started_on else {}),
                          "document": "", "source": PostSource.LRMX})
                for person in people
            ])
            record_services.records_create_many(actor=actor, rows=[row for new in new_files for row in new.rows])
            people_services.person_photos_set_many(
                actor=actor, photos=[(new.person, new.photo) for new in new_files if new.photo is not None])
            imported = [(new.person, {"file_name": new.plan.file_name, "sha256": new.sha256,
                                      "format": new.file_format, "result": NEW}) for new in new_files]
            record_many(actor=actor, action=AppointmentFormAction.FORM_IMPORTED, items=imported,
                        targets=[(new.person, new.plan.file_name) for new in new_files])
    except (DatabaseError, ValidationError, PermissionDenied, people_services.PhotoRejected) as error:
        for new, draft in zip(new_files, drafts):
            new.person = draft
            for row in new.rows:
                row.pk = None
                row.person = draft  # type: ignore[attr-defined]
                row._state.adding, row._state.db = True, None
        return error if isinstance(error, record_services.RowsRejected) else False
    return True


# --- export ----------------------------------------------------------------------------------


def lrmx_export(*, actor: Any, person: Person, purpose: str, age_as_of: dt.date | None = None) -> bytes:
    """The person's 任免审批表 as an .lrmx file (身份证号, family and photo included), audited with
    the person as subject and the purpose stated. The person comes from a scoped queryset."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "请说明导出用途"})
    form = form_record.form_from_record(person, age_as_of=age_as_of or timezone.localdate())
    content = lrmx_write(form)
    record(actor=actor, action=AppointmentFormAction.LRMX_EXPORTED, target=person, subject=person,
           target_label=lrmx_file_name(person), changes={
               "purpose": purpose, "file_name": lrmx_file_name(person),
               "sha256": hashlib.sha256(content).hexdigest(),
           })
    return content


def lrmx_file_name(person: Person, *, with_id_suffix: bool = False) -> str:
    """姓名.lrmx, or 姓名-身份证后4位.lrmx when two exported people share a name."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", person.name).strip(". ") or "干部"
    if with_id_suffix:
        return f"{name}-{person.id_number[-4:] if person.id_number else person.pk}.lrmx"
    return f"{name}.lrmx"
