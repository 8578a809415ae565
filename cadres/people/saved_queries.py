"""常用查询: a roster search (filters, ordering, columns) kept by its owner under a name.

Only the owner reads, runs or deletes one (`saved_query_list` / `saved_query_get`); the query
keeps only the roster form's own parameters, never a page or a cursor.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from cadres.audit.actions import register
from cadres.audit.services import record
from cadres.people.models import SavedQuery


@register
class SavedQueryAction(models.TextChoices):
    """Audit actions of the saved roster searches."""

    CREATED = "saved_query.created", "保存常用查询"
    DELETED = "saved_query.deleted", "删除常用查询"


def query_kept(query: QueryDict, names: Iterable[str]) -> dict[str, list[str]]:
    """The parameters of `query` named in `names` (the roster form's fields), blanks left out."""
    kept = {}
    for name in names:
        values = [value for value in query.getlist(name) if value.strip()]
        if values:
            kept[name] = values
    return kept


def query_string(saved: SavedQuery) -> str:
    """The saved search as the roster page's query string."""
    query = QueryDict(mutable=True)
    for name, values in (saved.query or {}).items():
        query.setlist(str(name), [str(value) for value in values])
    return query.urlencode()


def saved_query_list(*, actor: Any) -> models.QuerySet[SavedQuery]:
    """The actor's own saved searches, by name."""
    if actor is None or not getattr(actor, "pk", None):
        return SavedQuery.objects.none()
    return SavedQuery.objects.filter(owner=actor).order_by("name", "id")


def saved_query_get(*, actor: Any, pk: int) -> SavedQuery:
    """One of the actor's saved searches; another user's is a 404, like one that does not exist."""
    return get_object_or_404(saved_query_list(actor=actor), pk=pk)


@transaction.atomic
def saved_query_create(*, actor: Any, name: str, query: dict[str, list[str]]) -> SavedQuery:
    """Keep the search under a name of the actor's; a name the actor already uses is refused."""
    name = name.strip()
    if SavedQuery.objects.filter(owner=actor, name=name).exists():
        raise ValidationError({"name": f"名称：您已有名为“{name}”的常用查询，请换一个名称。"})
    saved = SavedQuery(owner=actor, name=name, query=query)
    saved.full_clean()
    saved.save()
    record(actor=actor, action=SavedQueryAction.CREATED, target=saved,
           changes={"name": [None, name], "query": [None, query]})
    return saved


@transaction.atomic
def saved_query_delete(*, actor: Any, saved_query: SavedQuery) -> None:
    if saved_query.owner_id != actor.pk:
        raise PermissionError("not the owner")
    record(actor=actor, action=SavedQueryAction.DELETED, target=saved_query,
           changes={"name": [saved_query.name, None], "query": [saved_query.query, None]})
    saved_query.delete()
