"""The card's 培训 and 后备干部 section:

    {% load reserve_tags %}
    {% person_training person %}

The person's trainings (with the hours in all) and the pools he is an active member of, with
links to the training pages and the pools for users who may see them.
"""

from typing import Any

from django import template

from cadres.accounts.permissions import has_permission
from cadres.reserves.models import ReserveMember, ReserveStatus
from cadres.reserves.training import trainings_for

register = template.Library()


@register.inclusion_tag("reserves/partials/person_training.html", takes_context=True)
def person_training(context: template.Context, person: Any) -> dict[str, Any]:
    user = context.get("user")
    rows = list(trainings_for(person))
    memberships = list(ReserveMember.objects.filter(person=person, status=ReserveStatus.ACTIVE)
                       .select_related("pool").order_by("nominated_on"))
    return {
        "person": person, "rows": rows, "hours": sum(row.hours for row in rows), "memberships": memberships,
        "may_see_pools": user is not None and has_permission(user, "reserves.view"),
    }
