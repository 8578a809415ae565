"""The cases a person appeared in (一人一档), for the person's card:

    {% load person_cases %}
    {% person_cases person %}

Lists every selection case in which the person was a nominee (推荐人选 to 任职) or applied for a
post of a 公开选拔 / 竞争上岗, limited to the cases the viewing user may see
(`SelectionCase.objects.restrict(user, "view")`); nothing for a user without `cases.view`.
"""

from typing import Any

from django import template

from cadres.accounts.permissions import has_permission
from cadres.cases.models import Applicant, Nominee, SelectionCase

register = template.Library()


def person_case_rows(user: Any, person: Any) -> list[dict[str, Any]]:
    """One row per case: the case, the person's part in it (stage, post), dates."""
    cases = SelectionCase.objects.restrict(user, "view")
    rows: dict[int, dict[str, Any]] = {}
    for nominee in (Nominee.objects.filter(person=person, case__in=cases)
                    .select_related("case", "post__unit").order_by("-case__started_on", "-case_id")):
        post = f"{nominee.post.unit.name}{nominee.post.title}" if nominee.post else ""
        part = nominee.get_stage_display()
        if nominee.appointed_on:
            part += f"（{nominee.appointed_on:%Y.%m.%d}）"
        rows[nominee.case_id] = {"case": nominee.case, "post": post, "part": part}
    for applicant in (Applicant.objects.filter(person=person, post__competition__case__in=cases)
                      .select_related("post__unit", "post__competition__case")):
        case = applicant.post.competition.case
        if case.pk in rows:
            continue
        rows[case.pk] = {"case": case, "post": f"{applicant.post.unit.name}{applicant.post.title}",
                         "part": f"竞聘：{applicant.get_status_display()}"}
    return sorted(rows.values(), key=lambda row: (row["case"].started_on, row["case"].pk), reverse=True)


@register.inclusion_tag("cases/partials/person_cases.html", takes_context=True)
def person_cases(context: template.Context, person: Any) -> dict[str, Any]:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    may_see = user is not None and has_permission(user, "cases.view")
    return {"rows": person_case_rows(user, person) if may_see else [], "may_see": may_see}
