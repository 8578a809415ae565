"""People, units and posts for plans tests, written through the org services (the only writers
of posts), plus the named default rule sets the data migration installs."""

import datetime as dt
import itertools

from cadres.core import codes
from cadres.org.models import PostSource, Unit
from cadres.org.services import person_create, post_end
from cadres.people.models import Person
from cadres.plans.models import AgeLimitRuleSet

LOCAL_RULE_SET = "任职年龄界限（本地默认）"
NATIONAL_RULE_SET = "法定退休年龄（2025年起）"

_serial = itertools.count(1)


def month(text: str) -> dt.date:
    year, month_number = text.split(".")
    return dt.date(int(year), int(month_number), 1)


def make_unit(path: str, unit_type: str = "") -> Unit:
    parent = None
    parent_path, _, name = path.rpartition("/")
    if parent_path:
        parent = Unit.objects.filter(path=parent_path).first() or make_unit(parent_path)
    unit, _ = Unit.objects.get_or_create(
        path=path,
        defaults={"name": name, "parent": parent, "depth": path.count("/"), "unit_type": unit_type},
    )
    return unit


def make_person(
    unit: Unit,
    *,
    birth: str,
    rank: str = "副科级",
    sex: str = "男",
    name: str | None = None,
    title: str = "副职",
    team: bool = True,
    ethnicity: str = "汉族",
    political_status: str = "中共党员",
    education: str = "大学本科",
    degree: str = "",
    started: str | None = None,
    ended: str | None = None,
) -> Person:
    """A person with one post (an Assignment) in `unit`, appointed (and, with `ended`, removed)
    through the org services; names by 中文 as rosters write them."""
    person = person_create(
        actor=None,
        fields={
            "name": name or f"干部{next(_serial)}",
            "sex": codes.code_for("sex", sex),
            "ethnicity": codes.code_for("ethnicity", ethnicity),
            "birth_date": month(birth),
            "political_status": codes.code_for("political_status", political_status),
            "full_time_education": codes.code_for("education", education),
            "full_time_degree": codes.code_for("degree", degree) if degree else "",
            "highest_education": codes.code_for("education", education),
        },
        unit=unit, title=title, rank=codes.code_for("rank", rank), is_team_member=team,
        started_on=month(started) if started else None, source=PostSource.FORM,
    )
    if ended:
        post_end(actor=None, assignment=person.assignments.get(),
                 ended_on=month(ended), source=PostSource.FORM)
    return person


def rule_set(name: str) -> AgeLimitRuleSet:
    return AgeLimitRuleSet.objects.prefetch_related("limits").get(name=name)
