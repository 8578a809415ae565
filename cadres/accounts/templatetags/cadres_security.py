"""Masking of sensitive fields in templates.

    {% load cadres_security %}
    {{ person.id_number|mask_id_number }}            always masked: 330381********6619
    {% id_number_shown person %}                     full only while a registered read is open
    {% dossier_is_open person as full %}{% if full %}…家庭成员、考核…{% endif %}
    {% if user|can_open_dossier:person %}
      <a href="{% url 'accounts:dossier_open' person.pk %}">查阅完整档案</a>
    {% endif %}
    {% if user|may:"audit.view" %}{% nav_link "audit:event_list" "审计" %}{% endif %}
"""

from typing import Any

from django import template

from cadres.accounts import permissions
from cadres.accounts.dossier import dossier_is_open as _dossier_is_open

register = template.Library()


@register.filter
def mask_id_number(value: Any) -> str:
    """身份证号 with the birth date and sequence hidden: first 6 and last 4 characters kept."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


@register.filter
def mask_text(value: Any) -> str:
    """Any other sensitive text: shown as a fixed mark, so its length does not leak."""
    return "（需查阅登记）" if value not in (None, "") else ""


@register.filter
def can_see_sensitive(user: Any) -> bool:
    return permissions.can_see_sensitive(user)


@register.filter
def can_open_dossier(user: Any, person: Any) -> bool:
    return permissions.can_open_dossier(user, person)


@register.simple_tag(takes_context=True)
def dossier_is_open(context: template.Context, person: Any) -> bool:
    return _dossier_is_open(context.get("request"), person)


@register.simple_tag(takes_context=True)
def id_number_shown(context: template.Context, person: Any) -> str:
    """The 身份证号 in full while a registered read of the file is open, else masked."""
    if _dossier_is_open(context.get("request"), person):
        return person.id_number
    return mask_id_number(person.id_number)


@register.filter
def may(user: Any, code: str) -> bool:
    """Whether the user's roles carry a permission code (e.g. "audit.view"), to hide
    navigation the user cannot use. The flag names used before codes (sees_records,
    sees_analysis, sees_sensitive, browses_audit, manages_users) still work."""
    from cadres.accounts.codes import is_registered
    from cadres.accounts.scopes import LEGACY_FLAGS, ROLE_FLAGS, access_for

    if not (is_registered(code) or code in LEGACY_FLAGS or code in ROLE_FLAGS):
        raise template.TemplateSyntaxError(f"unknown permission code {code!r}")
    return access_for(user).has(code)
