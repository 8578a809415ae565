"""The 档案变更记录 (a cadre's change history) on the 干部信息卡, as an inclusion tag so the
card's view needs no change:

    {% load audit_history %}
    {% person_change_history person user %}

Shown to whoever may see the card (see `selectors.may_see_person_history`); the link to the
full list in the audit record only to those who browse it. 身份证号 values are masked unless
the card's registered read (查阅登记) is open (`shows_sensitive` in the card's context).
"""

from typing import Any

from django import template
from django.urls import reverse

from cadres.accounts.permissions import can_browse_audit
from cadres.audit.selectors import HISTORY_LIMIT, may_see_person_history, person_history

register = template.Library()


@register.inclusion_tag("audit/person_history.html", takes_context=True)
def person_change_history(context: template.Context, person: Any, user: Any = None,
                          limit: int = HISTORY_LIMIT) -> dict[str, Any]:
    if user is None:
        request = context.get("request")
        user = getattr(request, "user", None) or context.get("user")
    if person is None or not may_see_person_history(user, person):
        return {"shown": False}
    history = person_history(person=person, limit=limit,
                             mask_sensitive=not context.get("shows_sensitive", False))
    audit_url = ""
    if can_browse_audit(user):
        audit_url = f"{reverse('audit:event_list')}?person={person.pk}"
    return {"shown": True, "history": history, "audit_url": audit_url}
