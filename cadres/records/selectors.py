"""Reads of a cadre's file rows: the 简历 as the 任免审批表 prints it, and the lists of 奖惩,
年度考核 and family members, each from the people the actor may reach.

简历 (`resume_lines`): generated from the post history (org.Assignment) where the posts cover
the period, and the manual `ResumeEntry` rows for the periods they do not (school, army, work
before the records began), merged in date order. Each line is `YYYY.MM--YYYY.MM␣␣text`; a
running line `YYYY.MM--` padded to the same width; 其间 notes on lines of their own under it,
indented to the text, as "（其间：…）".

Concurrent posts (兼任): the post history is cut wherever a post starts or ends, and each piece
is one line naming the main post followed by "（兼任…）" with the concurrent posts held through
that piece (the unit left out where it is the main post's unit). Consecutive pieces that read the
same (a rank change re-opens the same post) are one line. So a 兼任 taken up mid-way starts a
new line, as real 简历 do when the 职务 changes, and its end starts another.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cadres.core.dates import format_month
from cadres.org.models import PATH_SEPARATOR, Assignment, Unit
from cadres.people.models import Person, Relative
from cadres.records.models import (
    AnnualAssessment,
    AssessmentGrade,
    Award,
    ResumeEntry,
    ResumeEntryKind,
)

# "YYYY.MM--YYYY.MM": a running line's "YYYY.MM--" is padded to it, and notes are indented past
# it and the two spaces, so the texts line up.
PERIOD_WIDTH = 16
NOTE_INDENT = " " * (PERIOD_WIDTH + 2)
# Administrative units whose name ends in the character a child unit's short name starts with:
# 青岚县 + 县水利局 is 青岚县水利局, 东坑镇 + 镇政府 is 东坑镇政府.
ADMINISTRATIVE_SUFFIXES = frozenset("省市县区镇乡州旗盟村")


# --- names ---------------------------------------------------------------------------------


def join_names(first: str, second: str) -> str:
    """Two parts of a unit name, or a unit and a post, written as one without doubling:

    - 青岚县 + 青岚县水利局 → 青岚县水利局 (the second already names the first);
    - 县水利局 + 水利局局长 → 县水利局局长 (the second starts with the first's last 2+ characters);
    - 青岚县 + 县水利局 → 青岚县水利局, 东坑镇 + 镇党委书记 → 东坑镇党委书记 (a short name
      starting with the administrative unit's own last character), but 东坑镇 + 镇长 stays
      东坑镇镇长 and 青岚县 + 县长 stays 青岚县县长 (the head of the unit is its own title).
    """
    first, second = first.strip(), second.strip()
    if not first or not second:
        return first or second
    if second.startswith(first):
        return second
    for length in range(min(len(first), len(second)), 1, -1):
        if first.endswith(second[:length]):
            return first + second[length:]
    last = first[-1]
    if last in ADMINISTRATIVE_SUFFIXES and second[0] == last and len(second) > 1:
        rest = second[1:]
        if not rest.startswith("长"):
            return first + rest
    return first + second


def unit_resume_name(unit: Unit) -> str:
    """A unit as 简历 write it: its path's names joined without doubling (青岚县/县水利局 →
    青岚县水利局)."""
    name = ""
    for part in unit.path.split(PATH_SEPARATOR):
        name = join_names(name, part)
    return name


def post_resume_text(assignment: Assignment, *, within: Unit | None = None) -> str:
    """A post as 简历 write it (青岚县水利局局长); `within` the same unit, the title alone.

    A title that names its organ from an administrative unit above (县委常委、县委办主任 in
    青岚县/县委办公室: it starts with 县, the last character of 青岚县) is written after that unit
    alone — 青岚县委常委、县委办主任, not 青岚县委办公室县委常委、县委办主任."""
    title = assignment.title.strip()
    if within is not None and assignment.unit_id == within.pk and title:
        return title
    parts = assignment.unit.path.split(PATH_SEPARATOR)
    for depth in range(len(parts) - 2, -1, -1):
        level = parts[depth][-1:]
        if title[:1] == level and level in ADMINISTRATIVE_SUFFIXES:
            ancestor = ""
            for part in parts[:depth + 1]:
                ancestor = join_names(ancestor, part)
            return join_names(ancestor, title)
    return join_names(unit_resume_name(assignment.unit), title)


# --- 简历 ----------------------------------------------------------------------------------


@dataclass
class ResumeLine:
    """One 简历 line: its period (months), text and 其间 notes; `entry` is the ResumeEntry it
    came from (None for a line generated from the posts)."""

    started_on: dt.date | None
    ended_on: dt.date | None
    text: str
    notes: list[str] = field(default_factory=list)
    entry: ResumeEntry | None = None
    # The ResumeEntry rows of kind 其间 printed as this line's notes (for their edit links).
    during: list[ResumeEntry] = field(default_factory=list)
    # A manual line whose period overlaps the posts' (it may repeat what the posts say).
    overlaps_posts: bool = False

    @property
    def period(self) -> str:
        start = format_month(self.started_on) or "不详"
        return f"{start}--{format_month(self.ended_on)}"

    @property
    def is_running(self) -> bool:
        return self.ended_on is None

    @property
    def is_generated(self) -> bool:
        return self.entry is None

    @property
    def noted(self) -> list[tuple[str, ResumeEntry | None]]:
        """The notes with the 其间 entry each came from (None: a note of the line's own entry)."""
        own = len(self.notes) - len(self.during)
        return [*((note, None) for note in self.notes[:own]), *zip(self.notes[own:], self.during)]

    @property
    def first_line(self) -> str:
        return f"{self.period.ljust(PERIOD_WIDTH)}  {self.text}"

    def __str__(self) -> str:
        return "\n".join([self.first_line, *(NOTE_INDENT + note for note in self.notes)])


def note_text(note: str) -> str:
    """A 其间 note as printed: "（其间：…）", whatever of that the clerk already typed."""
    note = note.strip()
    for prefix in ("（其间：", "(其间：", "（其间:", "(其间:"):
        if note.startswith(prefix):
            return note
    for prefix in ("其间：", "其间:"):
        if note.startswith(prefix):
            note = note[len(prefix):]
    return f"（其间：{note.rstrip('。')}）"


def during_note(entry: ResumeEntry) -> str:
    """A 其间 entry as a note: （其间：2004.09--2006.12在省委党校学习）."""
    start = format_month(entry.started_on)
    period = f"{start}--{format_month(entry.ended_on)}" if entry.ended_on else f"{start}起"
    return note_text(f"{period}{entry.text}")


def _held(post: Assignment, start: dt.date) -> bool:
    """The post is held throughout the piece starting on `start` (pieces are cut at every
    post's start and end, so holding at the start is holding throughout)."""
    assert post.started_on is not None
    return post.started_on <= start and (post.ended_on is None or post.ended_on > start)


def _piece_text(posts: list[Assignment]) -> str:
    mains = [post for post in posts if post.is_main] or posts[:1]
    others = [post for post in posts if post not in mains]
    text = "、".join(post_resume_text(post) for post in mains)
    if others:
        within = mains[0].unit
        text += "（兼任" + "、".join(post_resume_text(post, within=within) for post in others) + "）"
    return text


def post_lines(posts: Iterable[Assignment]) -> list[ResumeLine]:
    """The 简历 lines the post history gives (see the module docstring), in date order; posts
    without a start date first, one line each."""
    posts = list(posts)
    lines = [ResumeLine(None, post.ended_on, post_resume_text(post))
             for post in posts if post.started_on is None]
    dated = [post for post in posts if post.started_on is not None]
    cuts = sorted({day for post in dated for day in (post.started_on, post.ended_on) if day})
    for index, start in enumerate(cuts):
        end = cuts[index + 1] if index + 1 < len(cuts) else None
        held = sorted((post for post in dated if _held(post, start)),
                      key=lambda post: (not post.is_main, post.started_on, post.pk))
        if not held:
            continue
        text = _piece_text(held)
        previous = lines[-1] if lines else None
        if previous is not None and previous.text == text and previous.ended_on == start:
            previous.ended_on = end
        else:
            lines.append(ResumeLine(start, end, text))
    return lines


def _entry_line(entry: ResumeEntry) -> ResumeLine:
    notes = [note_text(line) for line in entry.notes.splitlines() if line.strip()]
    return ResumeLine(entry.started_on, entry.ended_on, entry.text, notes=notes, entry=entry)


def _overlaps(line: ResumeLine, other: ResumeLine) -> bool:
    if line.started_on is None or other.started_on is None:
        return False
    line_end, other_end = line.ended_on or dt.date.max, other.ended_on or dt.date.max
    return line.started_on < other_end and other.started_on < line_end


def _covering(lines: list[ResumeLine], day: dt.date) -> ResumeLine | None:
    """The line whose period holds the day (the latest-starting one when several do)."""
    found = None
    for line in lines:
        if line.started_on is not None and line.started_on <= day and (
            line.ended_on is None or day < line.ended_on
        ):
            found = line
    return found


def _sort_key(line: ResumeLine) -> tuple[bool, dt.date, dt.date]:
    return (line.started_on is not None, line.started_on or dt.date.min,
            line.ended_on or dt.date.max)


def resume_lines(person: Person) -> list[ResumeLine]:
    """The person's 简历 as the form prints it (see the module docstring). The person comes
    from a scoped queryset."""
    posts = list(Assignment.objects.filter(person=person).select_related("unit")
                 .order_by("started_on", "pk"))
    generated = post_lines(posts)
    entries = list(ResumeEntry.objects.filter(person=person).order_by("started_on", "pk"))
    manual = [_entry_line(entry) for entry in entries if entry.kind != ResumeEntryKind.DURING]
    for line in manual:
        line.overlaps_posts = any(_overlaps(line, post_line) for post_line in generated)
    lines = sorted([*generated, *manual], key=_sort_key)
    for entry in entries:
        if entry.kind != ResumeEntryKind.DURING:
            continue
        host = _covering(lines, entry.started_on)
        if host is None:
            # Nothing covers it: a line of its own rather than a note lost.
            lines.append(_entry_line(entry))
            lines.sort(key=_sort_key)
            continue
        host.notes.append(during_note(entry))
        host.during.append(entry)
    return lines


def resume_text(person: Person) -> str:
    """The 简历 cell of the form: every line and note, one per text line."""
    return "\n".join(str(line) for line in resume_lines(person))


# --- 奖惩, 年度考核, 家庭成员 ----------------------------------------------------------------


def people_for(actor: Any, action: str = "view") -> QuerySet[Person]:
    """The people whose file rows the actor may read ("view") or write ("change")."""
    return Person.objects.restrict(actor, action)


def resume_entries_for(actor: Any, action: str = "view") -> QuerySet[ResumeEntry]:
    return ResumeEntry.objects.filter(person__in=people_for(actor, action)).select_related("person")


def awards_for(actor: Any, action: str = "view") -> QuerySet[Award]:
    return Award.objects.filter(person__in=people_for(actor, action)).select_related("person")


def assessments_for(actor: Any, action: str = "view") -> QuerySet[AnnualAssessment]:
    return AnnualAssessment.objects.filter(person__in=people_for(actor, action)).select_related("person")


def relatives_for(actor: Any, action: str = "view") -> QuerySet[Relative]:
    """Family rows of people in scope; callers show them only while the file's registered
    read (查阅登记) is open."""
    return Relative.objects.filter(person__in=people_for(actor, action)).select_related("person")


def award_list(*, actor: Any, person: Person) -> list[Award]:
    """The person's 奖惩, oldest first; empty outside the actor's scope."""
    return list(awards_for(actor).filter(person_id=person.pk).order_by("awarded_on", "pk"))


def assessment_list(*, actor: Any, person: Person) -> list[AnnualAssessment]:
    """The person's 年度考核 by year, latest first; empty outside the actor's scope."""
    return list(assessments_for(actor).filter(person_id=person.pk).order_by("-year"))


def relative_list(*, actor: Any, person: Person) -> list[Relative]:
    """The person's family members in their order; empty outside the actor's scope."""
    return list(relatives_for(actor).filter(person_id=person.pk).order_by("sort_order", "pk"))


def assessment_summary(assessments: Iterable[AnnualAssessment]) -> str:
    """年度考核结果 as the form writes it from the records: "2021年年度考核为优秀，2022、2023年
    年度考核均为称职。" (years in order; a run of years with one grade told together)."""
    ordered = sorted(assessments, key=lambda assessment: assessment.year)
    runs: list[tuple[str, list[int]]] = []
    for assessment in ordered:
        if runs and runs[-1][0] == assessment.grade:
            runs[-1][1].append(assessment.year)
        else:
            runs.append((assessment.grade, [assessment.year]))
    parts = []
    for grade, years in runs:
        label = AssessmentGrade(grade).label
        verb = "均为" if len(years) > 1 else "为"
        if grade == AssessmentGrade.UNGRADED:
            verb = "均" if len(years) > 1 else ""
        parts.append(f"{'、'.join(str(year) for year in years)}年年度考核{verb}{label}")
    return "，".join(parts) + "。" if parts else ""
