"""The cases a person appeared in (一人一档), for the person's card:

    {% load person_cases %}
    {% person_cases person %}

Lists every selection case in which the person was a nominee (推荐人选 to 任职) or applied for a
post of a 公开选拔 / 竞争上岗, limited to the cases the viewing user may see
(`SelectionCase.objects.restrict(user, "view")`); nothing for a user without `cases.view`.
"""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from cadres.cases.models import Applicant, Nominee, SelectionCase

register = template.Library()


def _case_link(case: SelectionCase) -> str:
    for name in ("cases:case_detail", "cases:case_publicity"):
        try:
            return reverse(name, args=[case.pk])
        except NoReverseMatch:
            continue
    return ""


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


@register.simple_tag(takes_context=True)
def person_cases(context: template.Context, person: Any) -> SafeString:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    rows = person_case_rows(user, person) if user is not None else []
    if not rows:
        return mark_safe('<p class="empty" id="person-cases">没有参与选拔任用事项的记录。</p>')  # noqa: S308 - a constant
    body = format_html_join(
        "", "<tr><td class=\"nowrap\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((row["case"].started_on.strftime("%Y.%m.%d"),
          format_html('<a href="{}">{}</a>', link, row["case"].title) if (link := _case_link(row["case"]))
          else row["case"].title,
          row["case"].get_kind_display(), row["post"] or "—", row["part"]) for row in rows),
    )
    return format_html(
        '<div class="table-wrap"><table class="data" id="person-cases"><thead><tr><th>动议日期</th>'
        "<th>选拔任用事项</th><th>方式</th><th>拟任（竞聘）职位</th><th>情况</th></tr></thead>"
        "<tbody>{}</tbody></table></div>", body)
