"""Template helpers shared by every page: navigation that tolerates missing apps, and the
ways cadre records write dates, ages and coded values."""

import datetime as dt
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from cadres.core import codes
from cadres.core.dates import age_on, format_month

register = template.Library()


def _reverse_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# The pages of the top navigation; the one whose URL is the longest prefix of the current
# path is highlighted (so /people/import/ marks 名册导入, not 干部名册).
NAV_URL_NAMES = (
    "people:roster", "org:unit_tree", "people:roster_import", "analytics:structure",
    "plans:gaps", "plans:forecast", "audit:event_list",
)


def _current_nav_url(path: str) -> str:
    urls = [url for url in map(_reverse_or_empty, NAV_URL_NAMES) if url and url != "/"]
    matching = [url for url in urls if path.startswith(url)]
    return max(matching, key=len, default="")


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, name: str, label: str) -> str:
    """A navigation link, or nothing when the URL name does not exist (yet)."""
    url = _reverse_or_empty(name)
    if not url:
        return ""
    request = context.get("request")
    current = request is not None and _current_nav_url(request.path) == url
    if current:
        return format_html(
            '<a class="nav-link is-current" href="{}" aria-current="page">{}</a>', url, label
        )
    return format_html('<a class="nav-link" href="{}">{}</a>', url, label)


@register.simple_tag
def url_if_exists(name: str) -> str:
    """The URL of a name, or an empty string when it does not resolve."""
    return _reverse_or_empty(name)


@register.filter
def month(value: dt.date | None) -> str:
    """A date written as rosters write months: 1975.03."""
    return format_month(value)


@register.filter
def age(value: dt.date | None) -> Any:
    """Whole years of age today."""
    if value is None:
        return ""
    return age_on(value, timezone.localdate())


@register.filter
def code_name(value: str, table: str) -> str:
    """The name of a code in a core.codes table, e.g. {{ code|code_name:"rank" }}."""
    return codes.name_for(table, value)


@register.filter
def industry_names(value: str) -> str:
    """Comma-separated 行业门类 codes ("E,K") as their names, joined by 、."""
    return codes.industry_names(value)


@register.filter
def yes_no(value: bool) -> str:
    return "是" if value else "否"
