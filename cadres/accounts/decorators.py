"""View decorators that turn a permission predicate into a 403 and record the refusal."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cadres.accounts.services import permission_denied_record


def refuse(request: HttpRequest, what: str) -> None:
    """Record the refusal in the audit record, then raise PermissionDenied (403)."""
    permission_denied_record(actor=request.user, what=what, path=request.get_full_path())
    raise PermissionDenied(what)


def require(predicate: Callable[[Any], bool], what: str = "") -> Callable:
    """Allow the view only to users for whom `predicate(user)` holds; others get a 403.

        @require(can_view_records, "查看干部名册")
        def roster(request): ...
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                refuse(request, what or predicate.__name__)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
