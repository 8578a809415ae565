"""The file rows on the 干部信息卡, as an inclusion tag so the card needs one line:

    {% load records_tags %}
    {% person_records person %}

It renders `records/partials/person_sections.html`: 简历 (from the posts and the entries),
奖惩, 年度考核 and 家庭主要成员及重要社会关系, with add/edit/delete links for users who may
change the person. Family members show only while the file's registered read (查阅登记) is
open. `shows_sensitive` and `may_change` are taken from the card's context when it has them,
else worked out here.
"""

from typing import Any

from django import template
from django.http import HttpRequest

from cadres.accounts.dossier import dossier_is_open
from cadres.accounts.permissions import can_open_dossier
from cadres.records import selectors
from cadres.records.services import may_change_person

register = template.Library()


def sections_context(request: HttpRequest, person: Any, *, shows_sensitive: bool | None = None,
                     may_change: bool | None = None) -> dict[str, Any]:
    """What the sections show of a person the request's user may view."""
    user = request.user
    if shows_sensitive is None:
        shows_sensitive = dossier_is_open(request, person)
    if may_change is None:
        may_change = user.is_authenticated and may_change_person(user, person)
    assessments = selectors.assessment_list(actor=user, person=person)
    return {
        "person": person,
        "resume": selectors.resume_lines(person),
        "awards": selectors.award_list(actor=user, person=person),
        "assessments": assessments,
        "assessment_summary": selectors.assessment_summary(assessments),
        "relatives": selectors.relative_list(actor=user, person=person) if shows_sensitive else [],
        "shows_sensitive": shows_sensitive,
        "may_change": may_change,
        "may_open_dossier": not shows_sensitive and can_open_dossier(user, person),
        "next": request.get_full_path(),
    }


@register.inclusion_tag("records/partials/person_sections.html", takes_context=True)
def person_records(context: template.Context, person: Any) -> dict[str, Any]:
    request = context["request"]
    return sections_context(
        request, person, shows_sensitive=context.get("shows_sensitive"),
        may_change=context.get("may_change"),
    )
