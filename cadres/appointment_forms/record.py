"""The 干部任免审批表 of a cadre, from the record: `form_from_record` fills an `AppointmentForm`
with what the file holds (codes shown by name, the photo, 现任职务 from the open posts, 简历
from the post history with manual entries and 其间 notes, 奖惩 and 年度考核 written from their
rows, the family); the clerk gives what the record cannot know (拟任, 拟免, 任免理由, 呈报单位,
the date ages are counted to, who fills the form in).

Used by the DOCX/PDF form (render.py) and by the LRMX export. The person must come from a
scoped queryset: this reads the whole file, family and 身份证号 included.
"""

import datetime as dt

from django.utils import timezone

from cadres.appointment_forms.data import AppointmentForm, FamilyMember, ResumeLine
from cadres.core import codes
from cadres.core.dates import format_month
from cadres.org.models import Assignment
from cadres.people.models import Person, Relative
from cadres.records import selectors as records
from cadres.records.models import AnnualAssessment, Award, AwardKind

# How the form writes a democratic party in 入党时间 (the party, not its members' title).
PARTY_SHORT_NAMES = {
    "04": "民革", "05": "民盟", "06": "民建", "07": "民进", "08": "农工党", "09": "致公党",
    "10": "九三学社", "11": "台盟",
}
# A deceased relative's 工作单位及职务 says so (LRMX.md: 已去世 or 已故).
DECEASED = "已去世"
DECEASED_MARKS = ("已去世", "已故", "去世")
NONE_TEXT = "无"


def current_post_text(person: Person) -> str:
    """现任职务: the open posts, the main post first, each as unit and title written as one
    (青岚县水利局局长), joined by "、"; a concurrent post in the main post's unit by its title."""
    posts = list(
        Assignment.objects.filter(person=person, ended_on__isnull=True).select_related("unit")
        .order_by("-is_main", "started_on", "pk")
    )
    if not posts:
        return ""
    main = posts[0]
    texts = [records.post_resume_text(main)]
    texts += [records.post_resume_text(post, within=main.unit) for post in posts[1:]]
    return "、".join(dict.fromkeys(text for text in texts if text))


def award_text(award: Award) -> str:
    """One 奖惩 as the form writes it: 2018.06 优秀共产党员（中共青岚县委），a sanction with its
    影响期."""
    details = [part for part in (award.approved_by, award.document) if part]
    if award.kind == AwardKind.SANCTION and award.effect_ends_on:
        details.append(f"影响期至{format_month(award.effect_ends_on)}")
    text = f"{format_month(award.awarded_on)} {award.name}"
    if award.reason:
        text += f"，{award.reason}"
    if details:
        text += "（" + "，".join(details) + "）"
    return text


def awards_text(awards: list[Award]) -> str:
    """奖惩情况 from the rows, one per line, oldest first; "无" when there are none."""
    ordered = sorted(awards, key=lambda award: (award.awarded_on, award.pk))
    return "\n".join(award_text(award) for award in ordered) or NONE_TEXT


def assessments_text(assessments: list[AnnualAssessment]) -> str:
    """年度考核结果 from the rows (records.selectors.assessment_summary); "无" when none."""
    return records.assessment_summary(assessments) or NONE_TEXT


def family_member(relative: Relative) -> FamilyMember:
    employer = relative.work_unit_and_post.strip()
    if relative.is_deceased and not any(mark in employer for mark in DECEASED_MARKS):
        employer = f"{employer}（{DECEASED}）" if employer else DECEASED
    return FamilyMember(
        relation=relative.relation,
        name=relative.name,
        birth_month=relative.birth_date.replace(day=1) if relative.birth_date else None,
        political_status=codes.name_for("political_status", relative.political_status),
        employer_and_post=employer,
        is_deceased=relative.is_deceased,
    )


def resume(person: Person) -> list[ResumeLine]:
    lines = []
    for line in records.resume_lines(person):
        # A post entered without a start date has none on the form either ("不详").
        lines.append(ResumeLine(started_on=line.started_on, ended_on=line.ended_on, text=line.text,
                                notes=[note_body(note) for note in line.notes]))
    return lines


def note_body(note: str) -> str:
    """A 其间 note without its "（其间：…）" wrapper (AppointmentForm keeps the words only)."""
    note = note.strip()
    for prefix in ("（其间：", "(其间：", "（其间:", "(其间:"):
        if note.startswith(prefix):
            note = note[len(prefix):]
            return note[:-1] if note.endswith(("）", ")")) else note
    return note


def photo_bytes(person: Person) -> bytes:
    if not person.photo:
        return b""
    try:
        with person.photo.open("rb") as handle:
            return bytes(handle.read())
    except FileNotFoundError:
        return b""


def form_from_record(
    person: Person, *, age_as_of: dt.date, proposed_post: str = "", proposed_removal: str = "",
    reason: str = "", reporting_unit: str = "", filled_by: str = "", filled_on: dt.date | None = None,
) -> AppointmentForm:
    """The person's 干部任免审批表 (see the module docstring); `filled_on` defaults to today."""
    party_note = PARTY_SHORT_NAMES.get(person.political_status, "")
    return AppointmentForm(
        name=person.name,
        sex=codes.name_for("sex", person.sex),
        birth_month=person.birth_date.replace(day=1) if person.birth_date else None,
        ethnicity=codes.name_for("ethnicity", person.ethnicity),
        native_place=person.native_place,
        birthplace=person.birthplace,
        party_joined_on=person.party_joined_on,
        party_note=party_note,
        work_started_on=person.work_started_on,
        health=person.health,
        professional_title=person.professional_title,
        expertise=person.expertise,
        full_time_education=codes.name_for("education", person.full_time_education),
        full_time_degree=codes.name_for("degree", person.full_time_degree),
        full_time_education_school=person.full_time_education_school,
        full_time_degree_school=person.full_time_degree_school,
        in_service_education=codes.name_for("education", person.in_service_education),
        in_service_degree=codes.name_for("degree", person.in_service_degree),
        in_service_education_school=person.in_service_education_school,
        in_service_degree_school=person.in_service_degree_school,
        current_post=current_post_text(person),
        proposed_post=proposed_post.strip(),
        proposed_removal=proposed_removal.strip(),
        resume=resume(person),
        awards=awards_text(list(Award.objects.filter(person=person))),
        assessments=assessments_text(list(AnnualAssessment.objects.filter(person=person))),
        reason=reason.strip(),
        family=[family_member(relative)
                for relative in Relative.objects.filter(person=person).order_by("sort_order", "pk")],
        reporting_unit=reporting_unit.strip(),
        age_as_of=age_as_of,
        filled_on=filled_on or timezone.localdate(),
        filled_by=filled_by.strip(),
        id_number=person.id_number,
        photo=photo_bytes(person),
        political_status=codes.name_for("political_status", person.political_status),
    )
