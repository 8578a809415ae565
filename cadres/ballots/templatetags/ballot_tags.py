"""The released 民主测评 results on the 干部信息卡, as an inclusion tag:

    {% load ballot_tags %}
    {% person_ratings person %}

Shown to those who may see published results (`ballots.view`, manage or scrutinize), of the
votes in their scope; nothing at all (not even the heading) for anyone else.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from cadres.ballots import selectors

register = template.Library()


def percent(share: Any) -> str:
    """A stored share ("0.7500") as a percentage ("75.00%")."""
    try:
        return f"{Decimal(str(share)) * 100:.2f}%"
    except (InvalidOperation, TypeError):
        return "—"


@register.inclusion_tag("ballots/partials/person_ratings.html", takes_context=True)
def person_ratings(context: template.Context, person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    ratings = selectors.person_ratings(user, person) if user is not None and user.is_authenticated else []
    rows = []
    for rating in ratings:
        scale = list(rating.vote.rating_scale)
        rows.append({"rating": rating, "grades": [
            {"grade": grade, "count": rating.counts.get(grade, 0), "share": percent(rating.shares.get(grade))}
            for grade in scale]})
    return {"person": person, "rows": rows, "shown": bool(rows)}
